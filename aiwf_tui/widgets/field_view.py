"""An answer to one of the section's questions, shown read-only until the user edits it."""

from __future__ import annotations

from pydantic import BaseModel
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region, Spacing
from textual.widget import Widget
from textual.widgets import Static

from aiwf_tui.key_order import hold_keys
from aiwf_tui.messages import EditRequested, EditTarget
from aiwf_tui.model.edit import field_text
from aiwf_tui.safetext import clean_text


class FieldView(Static, can_focus=True):
    """A labelled value; `enter` or `e` edits it in the editor bar.

    User text is put in as `rich.text.Text`, so `[bold]` shows literally.
    """

    BINDINGS = [
        Binding("enter", "edit", "Edit", id="field.edit", tooltip="Edit this answer"),
        Binding("e", "edit", "Edit", show=False, id="field.edit_e"),
    ]

    def __init__(
        self, obj: BaseModel, field: str, label: str, section_key: str, *, hint: str = "", id: str | None = None
    ) -> None:
        self.obj = obj
        self.field_name = field
        self.label = label
        self.section_key = section_key
        self.hint = hint
        super().__init__(id=id, classes="field-view")

    def on_mount(self) -> None:
        self.refresh_value()

    def refresh_value(self) -> None:
        """Show the current value (call after the model changed)."""
        value = field_text(self.obj, self.field_name)
        text = Text()
        text.append(self.label, style="bold")
        text.append("\n")
        if value:
            text.append(clean_text(value))  # plan text is data: no escape sequences reach the terminal
        else:
            text.append(self.hint or "(not answered yet: press enter to answer)", style="italic dim")
        self.update(text)

    def refresh_after_edit(self) -> None:
        self.refresh_value()

    def edit_region(self) -> Region:
        """Where the answer is on screen."""
        return self.region

    def scroll_to_edit(self, below: int = 0) -> None:
        """Scroll the section so that the answer is on screen with `below` lines free under it."""
        if not self.is_attached:
            return
        parent = self.parent
        if below and isinstance(parent, Widget):
            parent.scroll_to_region(self.virtual_region, animate=False, immediate=True, spacing=Spacing(0, 0, below, 0))
        else:
            self.scroll_visible(animate=False, immediate=True)

    def action_edit(self) -> None:
        hold_keys(self)  # what is typed next goes into the editor (the screen releases once it has the focus)
        self.post_message(EditRequested(EditTarget(self.obj, self.field_name, self.label, self.section_key, self)))
