"""The editor docked under a section: edits one field or cell, validating as you type.

Valid values go into the plan at once (so the preview follows and autosave keeps
them); an invalid one is shown with what is wrong and kept out of the plan.
`escape` leaves the field; for a one-line field `enter` does too.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from aiwf_tui.key_order import hold_keys
from aiwf_tui.layout import TEMP_PREFIX
from aiwf_tui.messages import EditTarget, PlanChanged
from aiwf_tui.model.edit import EditError, field_kind, field_text, set_field
from aiwf_tui.safetext import clean_text
from aiwf_tui.widgets.field_view import FieldView


@dataclass
class EditorClosed(Message):
    """The editor bar closed; focus goes back to what was being edited, then `move`s
    (1: the next field or cell, -1: the previous one, 0: stays)."""

    target: EditTarget
    move: int = 0


def commit_text(target: EditTarget, text: str, section_check: Callable[[], str | None] | None) -> bool:
    """Put typed text into the model if the field and the whole section accept it; returns whether
    it changed. Raises `EditError` saying what is wrong (the model keeps its previous value)."""
    before = field_text(target.obj, target.field)
    changed = set_field(target.obj, target.field, text)
    if changed and section_check is not None:
        problem = section_check()
        if problem:
            set_field(target.obj, target.field, before)
            raise EditError(problem)
    return changed


class _LeavesOnEscape:
    """`escape` leaves the field (closing the editor bar); tab / shift+tab leave it and move on."""

    def action_external_edit(self) -> None:
        assert isinstance(self, Widget)
        for node in self.ancestors:
            if isinstance(node, EditorBar):
                node.edit_externally()
                return

    def action_leave(self, move: int = 0) -> None:
        assert isinstance(self, Widget)  # mixed into the editor's Input and TextArea
        for node in self.ancestors:
            if isinstance(node, EditorBar):
                node.close(move)
                return


#: Keys both editors share: leave and move, clear.
EDITOR_BINDINGS: list[BindingType] = [
    Binding("tab", "leave(1)", "Next", show=False, id="editor.next", tooltip="Keep the text and go to the next field"),
    Binding(
        "shift+tab",
        "leave(-1)",
        "Previous",
        show=False,
        id="editor.previous",
        tooltip="Keep it, go to the previous one",
    ),
    Binding("ctrl+u", "clear_text", "Clear", id="editor.clear", tooltip="Clear the field"),
    Binding("ctrl+e", "external_edit", "$EDITOR", id="editor.external", tooltip="Edit the text in $VISUAL / $EDITOR"),
]


class FieldTextArea(_LeavesOnEscape, TextArea):
    """The multi-line editor (answers, list cells)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Done", id="editor.leave", tooltip="Leave the field (kept)"),
        *EDITOR_BINDINGS,
    ]

    def action_clear_text(self) -> None:
        self.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Blank once removed: a frame composed just before the bar closed may still ask for
        lines, and Textual has by then dropped the styles a TextArea draws its gutter with."""
        if not self.is_attached:
            return [Strip.blank(crop.width)] * crop.height
        return super().render_lines(crop)


class FieldInput(_LeavesOnEscape, Input):
    """The one-line editor (table cells)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Done", id="editor.leave_input", tooltip="Leave the field (kept)"),
        *EDITOR_BINDINGS,
    ]

    def action_clear_text(self) -> None:
        self.value = ""


class EditorBar(Vertical):
    """Docked at the bottom of a section while a field is edited."""

    def __init__(
        self,
        target: EditTarget,
        *,
        section_model_check: Callable[[], str | None] | None = None,
        workdir: Path | None = None,
    ) -> None:
        self.target = target
        self.workdir = workdir  # where $EDITOR's temporary file goes (the project folder: nothing outside)
        self.section_model_check = section_model_check
        self.kind = field_kind(target.obj, target.field)
        # Shown for editing without terminal control sequences (they never reach the terminal).
        self.original = clean_text(field_text(target.obj, target.field))
        super().__init__(classes="editor-bar")

    def compose(self) -> ComposeResult:
        hint = {
            "list": "one item per line",
            "csv": "comma separated",
            "choice": "one of: " + ", ".join(self.kind.choices),
            "float": "a number",
            "bool": "yes or no",
        }.get(self.kind.kind, "")
        title = Text(f"Editing {self.target.label}", style="bold")
        if hint:
            title.append(f"  ({hint})", style="dim")
        title.append(
            "   escape: done"
            + ("" if self.kind.multiline or self.kind.kind == "text" else ", enter: done")
            + ", tab: next, ctrl+u: clear, ctrl+e: $EDITOR",
            style="dim",
        )
        yield Static(title, classes="editor-title")
        multiline = self.kind.multiline or (
            self.kind.kind == "text"
            and ("\n" in self.original or self.target.source is None or isinstance(self.target.source, FieldView))
        )
        if multiline:
            area = FieldTextArea(self.original, soft_wrap=True, show_line_numbers=False, classes="editor-input")
            area.styles.height = 6
            yield area
        else:
            # Edit the value in place (cursor at the end), as a spreadsheet cell does: no select-all.
            yield FieldInput(self.original, select_on_focus=False, classes="editor-input")
        yield Static("", classes="editor-error")

    def on_mount(self) -> None:
        editor = self.query_one(".editor-input")
        self.screen.set_focus(editor)  # now, not after the next message: the next key typed lands here
        if isinstance(editor, TextArea):
            editor.move_cursor(editor.document.end)
        elif isinstance(editor, Input):
            editor.cursor_position = len(editor.value)

    def _apply(self, text: str) -> None:
        self._applied = text
        error = self.query_one(".editor-error", Static)
        try:
            changed = commit_text(self.target, text, self.section_model_check)
        except EditError as exc:
            self._show_error(error, f"✗ {exc}")
            return
        self._show_error(error, "")
        if changed:
            self.post_message(PlanChanged(self.target.section_key))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._apply(event.text_area.text)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._apply(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()

    def _show_error(self, error: Static, message: str) -> None:
        """Touch the error line only when it changes: an update re-lays out the screen."""
        if message == getattr(self, "_error_text", ""):
            return
        self._error_text = message
        error.update(Text(message, style="bold red"))
        error.display = bool(message)

    def edit_externally(self) -> None:
        """ctrl+e: the text in $VISUAL / $EDITOR; the app steps aside meanwhile, and what comes back is
        put in the field and validated as if typed."""
        command = os.environ.get("VISUAL", "").strip() or os.environ.get("EDITOR", "").strip()
        if not command or self.workdir is None:
            self.notify("Set $EDITOR (or $VISUAL) to edit long text in your editor", severity="warning")
            return
        editor = self.query_one(".editor-input")
        text = self.current_text()
        path = self.workdir / f"{TEMP_PREFIX}edit-{os.getpid()}.md"
        try:
            path.write_text(text, encoding="utf-8")
            try:
                with self.app.suspend():
                    subprocess.run([*shlex.split(command), str(path)], check=False)
            except SuspendNotSupported:  # no terminal to hand over (tests): run it as it is
                subprocess.run([*shlex.split(command), str(path)], check=False, stdin=subprocess.DEVNULL)
            edited = path.read_text(encoding="utf-8").removesuffix("\n")
        except (OSError, ValueError) as exc:
            self.notify(f"The editor could not be run ({command}): {exc}", severity="error")
            return
        finally:
            path.unlink(missing_ok=True)
        if isinstance(editor, TextArea):
            editor.text = edited
        elif isinstance(editor, Input):
            editor.value = edited.replace("\n", " ")

    def current_text(self) -> str:
        editor = self.query_one(".editor-input")
        return editor.text if isinstance(editor, TextArea) else editor.value if isinstance(editor, Input) else ""

    def close(self, move: int = 0) -> None:
        """Leave the field. Text that is still invalid is not kept: the value it had when
        editing started comes back, and the user is told why."""
        # What the editor shows is what is kept, even when its last change message is still on its
        # way; text never changed is not applied (it is shown cleaned of control sequences, the
        # model keeps it exactly).
        text = self.current_text()
        if text != getattr(self, "_applied", self.original):
            self._apply(text)
        if getattr(self, "_error_text", ""):
            try:
                changed = set_field(self.target.obj, self.target.field, self.original)
            except EditError:
                changed = False
            if changed:
                self.post_message(PlanChanged(self.target.section_key))
            self.notify(
                f"Not kept ({self._error_text.lstrip('✗ ')}): {self.target.label} is back to its previous value",
                severity="warning",
                timeout=6,
            )
        hold_keys(self)  # what is typed next goes where the focus lands (the screen releases then)
        self.post_message(EditorClosed(self.target, move))
