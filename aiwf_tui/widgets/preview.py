"""The live preview: an artifact exactly as it will be written.

Measured here: Textual's Markdown widget needs ~2 s to redraw a 500-line document
and blocks input meanwhile; a read-only TextArea re-laid out the whole screen on
every change (~45 ms of event-loop time per keystroke at 160x48). So the preview is
a Line-API scroll view: the text is rendered in a thread worker after a short
debounce, and only the changed lines that are on screen are repainted. The scroll
area never shrinks while text is typed, so a change never forces a new layout.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

GUTTER_STYLE = Style(dim=True)
HEADING_STYLE = Style(bold=True)
ADDED_STYLE = Style(color="green")
REMOVED_STYLE = Style(color="red")
HUNK_STYLE = Style(color="cyan")


def changed_span(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(start, old_end, new_end): the smallest block of lines that differs."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    old_end, new_end = len(old), len(new)
    while old_end > start and new_end > start and old[old_end - 1] == new[new_end - 1]:
        old_end -= 1
        new_end -= 1
    return start, old_end, new_end


def printable(line: str) -> str:
    """Show control characters (ESC included) as visible symbols, never as terminal controls."""
    if line.isprintable():
        return line
    return "".join(ch if ch.isprintable() else ("    " if ch == "\t" else "\ufffd") for ch in line)


class PreviewPane(ScrollView, can_focus=True):
    """Read-only text of an artifact (or a diff), updated incrementally."""

    BINDINGS = [
        Binding("down,j", "scroll_down", "Down", show=False, id="preview.down"),
        Binding("up,k", "scroll_up", "Up", show=False, id="preview.up"),
        Binding("left,h", "scroll_left", "Left", show=False, id="preview.left"),
        Binding("right,l", "scroll_right", "Right", show=False, id="preview.right"),
        Binding("pagedown,space", "page_down", "Page down", show=False, id="preview.pgdn"),
        Binding("pageup", "page_up", "Page up", show=False, id="preview.pgup"),
        Binding("home,g", "scroll_home", "Top", show=False, id="preview.top"),
        Binding("end,G", "scroll_end", "Bottom", show=False, id="preview.bottom"),
    ]

    def __init__(self, id: str | None = None, *, diff: bool = False) -> None:
        super().__init__(id=id, classes="preview")
        self._lines: list[str] = [""]
        self._width = 0
        self.diff = diff
        self.title = ""
        self.place: tuple[str, str] = ("", "")  # (file, part) shown
        self.positions: dict[tuple[str, str], int] = {}  # the first line shown, per file and part

    @property
    def text(self) -> str:
        """Exactly the text shown."""
        return "\n".join(self._lines)

    @property
    def number_width(self) -> int:
        return len(str(len(self._lines))) + 2

    def show_text(self, text: str, title: str = "", *, part: str = "") -> None:
        """Show `text`, repainting only the lines that changed. Another file (`title`) or part
        comes back to where it was left, or else to the line starting with `part`."""
        if title and (title, part) != self.place:
            self.positions[self.place] = self.scroll_offset.y
            self.place = (title, part)
            self.title = title
            self.border_title = title
            top = self.positions.get(self.place)
            if top is None and part:
                top = next((n for n, line in enumerate(text.split("\n")) if line.startswith(part)), 0)
            self._lines = [""]  # a full repaint for another file
            self.show_text(text)
            self.call_after_refresh(self.scroll_to, y=top or 0, animate=False, immediate=True)  # once laid out
            return
        new = text.split("\n")
        old = self._lines
        if new == old:
            return
        start, _old_end, new_end = changed_span(old, new)
        self._lines = new
        widest = max((len(line) for line in new[start:new_end]), default=0)
        grown = widest > self._width
        if grown:
            self._width = widest + 20  # room to type into before the next relayout
        if grown or len(new) != len(old) or old == [""]:
            self.virtual_size = Size(self._width + self.number_width, len(new))
            self.refresh()
            return
        top = self.scroll_offset.y
        first, last = max(start, top), min(new_end, top + self.size.height)
        if first < last:
            self.refresh_lines(first - top, last - first)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        index = self.scroll_offset.y + y
        if index >= len(self._lines):
            return Strip.blank(width)
        line = printable(self._lines[index])
        numbers = self.number_width
        style = Style()
        if self.diff:
            if line.startswith("+") and not line.startswith("+++"):
                style = ADDED_STYLE
            elif line.startswith("-") and not line.startswith("---"):
                style = REMOVED_STYLE
            elif line.startswith("@@"):
                style = HUNK_STYLE
        elif line.startswith("#"):
            style = HEADING_STYLE
        number = Segment(str(index + 1).rjust(numbers - 1) + " ", GUTTER_STYLE)
        body = Strip([Segment(line, style)]).crop(self.scroll_offset.x, self.scroll_offset.x + max(width - numbers, 0))
        return Strip([number, *body]).adjust_cell_length(width)
