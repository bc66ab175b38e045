"""The editor bar over the bottom of a section: edits one field or cell, validating as you type.

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
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import Reactive
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from aiwf_tui.key_order import hold_keys
from aiwf_tui.layout import TEMP_PREFIX
from aiwf_tui.messages import EditTarget, PlanChanged
from aiwf_tui.model.edit import EditError, FieldKind, field_kind, field_text, set_field
from aiwf_tui.safetext import clean_text
from aiwf_tui.widgets.field_view import FieldView


@dataclass
class EditorClosed(Message):
    """The editor bar closed; focus goes back to what was being edited, then `move`s
    (1: the next field or cell, -1: the previous one, 0: stays)."""

    target: EditTarget
    move: int = 0


class EditorPlaced(Message):
    """The editor bar, or the room a section made for it, has its place on screen: what is
    edited can now be kept in view above the bar."""


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
                if move and node.refuses_invalid():  # tab: stay, so what follows is still text
                    return
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
        """Blank once removed (the bar stays for the screen's life: this is its screen closing): a
        frame composed just before may still ask for lines, and Textual has by then dropped the
        styles a TextArea draws its gutter with (a KeyError when the bar was mounted per edit)."""
        if not self.is_attached:
            return [Strip.blank(crop.width)] * crop.height
        return super().render_lines(crop)


class FieldInput(_LeavesOnEscape, Input):
    """The one-line editor (table cells)."""

    #: A new value moves the field's scroll extent, not its size (the bar fixes that): Textual's
    #: Input sets `virtual_size` on every key, which as Widget declares it laid out the whole
    #: screen each time, repainting the preview's and the tables' scrollbars with it.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Done", id="editor.leave_input", tooltip="Leave the field (kept)"),
        *EDITOR_BINDINGS,
    ]

    def action_clear_text(self) -> None:
        self.value = ""


class EditorBar(Vertical):
    """Over the bottom of the section while a field is edited: composed once with the screen and
    shown for each edit (`edit`), on a layer of its own. Mounting a bar per edit and docking it
    in the section's layer re-laid out and repainted the whole section on open and on close;
    this way only the bar's own lines are painted (the section keeps its size)."""

    def __init__(self, *, id: str | None = None) -> None:
        self.target: EditTarget | None = None
        self.workdir: Path | None = None  # where $EDITOR's temporary file goes (the project folder: nothing outside)
        self.section_model_check: Callable[[], str | None] | None = None
        self.kind = FieldKind("text")
        self.original = ""
        self._applied = ""
        self._error_text = ""
        super().__init__(id=id, classes="editor-bar")

    def compose(self) -> ComposeResult:
        yield Static("", classes="editor-title")
        # Edit the value in place (cursor at the end), as a spreadsheet cell does: no select-all.
        field = FieldInput(select_on_focus=False, classes="editor-input")
        area = FieldTextArea(soft_wrap=True, show_line_numbers=False, classes="editor-input")
        area.styles.height = 6
        # Focusable only while editing: Textual's first focus on a screen (AUTO_FOCUS) takes the
        # first focusable widget in the DOM, hidden or not, and the keys typed next went into it.
        field.can_focus = area.can_focus = False
        yield field
        yield area
        yield Static("", classes="editor-error")

    def on_resize(self) -> None:
        # Shown (or resized): only now does the bar know where it lies over the section.
        if self.target is not None:
            self.post_message(EditorPlaced())

    @property
    def is_open(self) -> bool:
        return self.target is not None

    def edit(
        self,
        target: EditTarget,
        *,
        section_model_check: Callable[[], str | None] | None = None,
        workdir: Path | None = None,
    ) -> Input | TextArea:
        """Show the bar editing `target`, with the focus in it (now: the next key typed lands there)."""
        self.target = target
        self.workdir = workdir
        self.section_model_check = section_model_check
        self.kind = field_kind(target.obj, target.field)
        # Shown for editing without terminal control sequences (they never reach the terminal).
        self.original = clean_text(field_text(target.obj, target.field))
        self._applied = self.original
        self._show_error(self.query_one(".editor-error", Static), "")
        self.query_one(".editor-title", Static).update(self._title())
        multiline = self.kind.multiline or (
            self.kind.kind == "text"
            and ("\n" in self.original or target.source is None or isinstance(target.source, FieldView))
        )
        field = self.query_one(FieldInput)
        area = self.query_one(FieldTextArea)
        editor: Input | TextArea
        with self.prevent(Input.Changed, TextArea.Changed):  # loading the value is no edit
            if multiline:
                area.load_text(self.original)
                area.move_cursor(area.document.end)
                editor = area
            else:
                field.value = self.original
                field.cursor_position = len(field.value)
                editor = field
        field.display = field.can_focus = not multiline
        area.display = area.can_focus = multiline
        self.display = True
        self.screen.set_focus(editor, scroll_visible=False)
        return editor

    def _title(self) -> Text:
        assert self.target is not None
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
        return title

    def hide(self) -> None:
        """Put the bar away (the screen does, once the focus is back where the edit began)."""
        self.target = None
        self.display = False
        self.query_one(FieldInput).can_focus = self.query_one(FieldTextArea).can_focus = False

    def _editor(self) -> Input | TextArea:
        """The editor in use for this field (the other one is hidden)."""
        field = self.query_one(FieldInput)
        return field if field.display else self.query_one(FieldTextArea)

    def _apply(self, text: str) -> None:
        if self.target is None:
            return
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

    def _changed(self) -> None:
        """The editor's text changed: what it shows now is applied, once. A change message can
        arrive after its edit was closed, even after the next one opened: it then finds the
        text already applied (or the bar closed) and does nothing."""
        text = self.current_text()
        if self.target is not None and text != self._applied:
            self._apply(text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        event.stop()
        self._changed()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self._changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.target is not None and event.input.display and not self.refuses_invalid():
            self.close()

    def refuses_invalid(self) -> bool:
        """Whether the text is not valid, said with a bell and a note: enter and tab then keep
        the editor open, so the keys typed next are still text, not commands (the user was
        typing a correction). Escape leaves anyway, dropping the text (`close`)."""
        self._changed()  # the verdict is on what the editor shows now
        if not self._error_text:
            return False
        self.app.bell()
        self.notify(
            f"Not valid yet ({self._error_text.lstrip('✗ ')}): correct it, or press escape to drop it",
            severity="warning",
            timeout=4,
        )
        return True

    def _show_error(self, error: Static, message: str) -> None:
        """Touch the error line only when it changes: an update re-lays out the screen."""
        if message == self._error_text:
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
        editor = self._editor()
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
        editor = self._editor()
        return editor.text if isinstance(editor, TextArea) else editor.value

    def close(self, move: int = 0) -> None:
        """Leave the field. Text that is still invalid is not kept: the value it had when
        editing started comes back, and the user is told why."""
        # What the editor shows is what is kept, even when its last change message is still on its
        # way; text never changed is not applied (it is shown cleaned of control sequences, the
        # model keeps it exactly).
        if self.target is None:
            return
        self._changed()
        if self._error_text:
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
