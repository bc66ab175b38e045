"""Two views side by side where the width holds both readably, one above the other where it does not."""

from __future__ import annotations

from textual import events
from textual.containers import Container
from textual.widget import Widget


class SideBySide(Container):
    """Its children in a row (class `-beside`) while it is at least `min_width` cells wide, in a
    column otherwise. Decided on its own width, not the terminal's: the sidebar and the preview
    take their share of the terminal first."""

    DEFAULT_CSS = """
    SideBySide { height: auto; layout: vertical; }
    SideBySide.-beside { layout: horizontal; }
    """

    def __init__(self, *children: Widget, min_width: int, id: str | None = None) -> None:
        super().__init__(*children, id=id)
        self.min_width = min_width  # cells: below this, side by side would leave either unreadable

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width >= self.min_width, "-beside")
