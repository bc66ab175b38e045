"""A read-only, filterable table of decisions that stays fast at 10,000 rows.

DataTable builds every row up front (~0.8 s for 10,000 here); this view paints
only the rows on screen (the Line API), so opening and filtering cost what a
screenful costs. Decisions of earlier phases are shown, never edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

if TYPE_CHECKING:
    from aiwf_tui.model.project import Decision

COLUMNS = (("ID", 10), ("Phase", 6), ("Choice", 0), ("Knowledge ref", 36))


def decision_rows(decisions: Iterable[Decision]) -> list[tuple[str, int | str, str, str, Decision]]:
    """The table's rows for project decisions: (id, phase, choice, knowledge ref, the decision)."""
    return [(d.id, d.phase if d.phase is not None else "?", d.choice, d.knowledge_ref or "", d) for d in decisions]


def _fit(text: str, width: int, *, collapse: bool = True) -> str:
    if collapse:
        text = " ".join(text.split())
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text.ljust(width)


class DecisionsTable(ScrollView, can_focus=True):
    """Rows are (id, phase, choice, knowledge_ref, payload)."""

    BINDINGS = [
        Binding("down,j", "move(1)", "Down", show=False, id="decisions.down"),
        Binding("up,k", "move(-1)", "Up", show=False, id="decisions.up"),
        Binding("pagedown", "move(20)", "Page down", show=False, id="decisions.pgdn"),
        Binding("pageup", "move(-20)", "Page up", show=False, id="decisions.pgup"),
        Binding("g,home", "first", "Top", show=False, id="decisions.top"),
        Binding("G,end", "last", "Bottom", show=False, id="decisions.bottom"),
        Binding("enter", "open", "Open ADR", id="decisions.open", tooltip="Show the full decision-log entry"),
        Binding("s", "cycle_sort", "Sort", id="decisions.sort", tooltip="Sort by id, phase or choice"),
    ]

    cursor = reactive(0)

    class Opened(Message):
        """The user opened a decision (enter)."""

        def __init__(self, payload) -> None:
            self.payload = payload
            super().__init__()

    def __init__(self, rows=(), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._all = list(rows)
        self._lower = [" ".join(str(v).lower() for v in r[:4]) for r in self._all]
        self._view = list(range(len(self._all)))
        self._filter = ""
        self._sort_key = 0
        self._sort_names = ("id", "phase", "choice")

    def set_rows(self, rows) -> None:
        self._all = list(rows)
        self._lower = [" ".join(str(v).lower() for v in r[:4]) for r in self._all]
        self.apply_filter(self._filter)

    @property
    def visible_count(self) -> int:
        return len(self._view)

    def apply_filter(self, text: str) -> None:
        """Keep the rows whose id, phase, choice or reference contain every word of `text`."""
        self._filter = text
        words = text.lower().split()
        if words:
            self._view = [i for i, hay in enumerate(self._lower) if all(w in hay for w in words)]
        else:
            self._view = list(range(len(self._all)))
        self._sort()
        self.cursor = 0
        self.virtual_size = Size(self.size.width, len(self._view) + 1)
        self.scroll_to(y=0, animate=False)
        self.refresh()

    def _sort(self) -> None:
        key = self._sort_key
        if key == 0:
            return
        col = {1: 1, 2: 2}[key]
        self._view.sort(key=lambda i: (str(self._all[i][col]).lower(), self._all[i][0]))

    def action_cycle_sort(self) -> None:
        self._sort_key = (self._sort_key + 1) % 3
        self.apply_filter(self._filter)
        self.notify(f"Sorted by {self._sort_names[self._sort_key]}")

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self._view) + 1)

    def _widths(self, total: int) -> list[int]:
        fixed = sum(w for _, w in COLUMNS if w) + len(COLUMNS)
        choice = max(total - fixed, 10)
        return [w or choice for _, w in COLUMNS]

    def render_line(self, y: int) -> Strip:
        scroll_y = self.scroll_offset.y
        width = self.size.width
        widths = self._widths(width)
        if y == 0:
            header = " ".join(_fit(name, w) for (name, _), w in zip(COLUMNS, widths))
            return Strip([Segment(_fit(header, width, collapse=False), Style(bold=True, reverse=True))])
        index = scroll_y + y - 1
        if index >= len(self._view):
            return Strip.blank(width)
        row = self._all[self._view[index]]
        cells = [str(row[0]).upper(), str(row[1]), str(row[2]), str(row[3] or "")]
        line = " ".join(_fit(c, w) for c, w in zip(cells, widths))
        style = (
            Style(reverse=True)
            if index == self.cursor and self.has_focus
            else (Style(bold=True) if index == self.cursor else Style())
        )
        return Strip([Segment(_fit(line, width, collapse=False), style)])

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh()

    def _scroll_cursor_into_view(self) -> None:
        height = max(self.size.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def action_move(self, delta: int) -> None:
        if not self._view:
            return
        self.cursor = max(0, min(len(self._view) - 1, self.cursor + delta))
        self._scroll_cursor_into_view()

    def action_first(self) -> None:
        self.cursor = 0
        self._scroll_cursor_into_view()

    def action_last(self) -> None:
        self.cursor = max(len(self._view) - 1, 0)
        self._scroll_cursor_into_view()

    def action_open(self) -> None:
        if self._view:
            self.post_message(self.Opened(self._all[self._view[self.cursor]][4]))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def current_text(self) -> Text:
        """The row under the cursor, for tests and screen readers."""
        if not self._view:
            return Text("")
        row = self._all[self._view[self.cursor]]
        return Text(f"{row[0]} {row[2]}")
