"""A DataTable view of a list of plan rows, editable from the keyboard.

The model is the source of truth: the table is rebuilt or repainted from the
rows, never read back. `enter` edits a cell (bools toggle), `a` adds a row,
`d` deletes one after confirmation, arrows and `j`/`k` move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.containers import ScrollableContainer
from textual.coordinate import Coordinate
from textual.geometry import Region, Size, Spacing
from textual.widget import Widget
from textual.widgets import DataTable, Static

from aiwf_tui.key_order import hold_keys
from aiwf_tui.messages import EditRequested, EditTarget, PlanChanged
from aiwf_tui.model.edit import EditError, field_kind, field_text
from aiwf_tui.safetext import clean_text
from aiwf_tui.screens.modals import ChoicePicker, ConfirmModal
from aiwf_tui.widgets.editor_bar import EditorBar, commit_text


@dataclass
class Column:
    """One column: the row field it shows and its header (widths are fitted to the screen)."""

    field: str
    label: str


@dataclass
class TableSpec:
    """Which rows a table shows, how its columns read, and how a new row starts."""

    title: str
    rows: Callable[[], list]  # returns the live list in the plan
    columns: list[Column]
    new_row: Callable[[], Any]
    section_key: str
    note: str = ""


#: Table cells shrink to this many characters before any goes narrower (to `LAST_RESORT_WIDTH`).
MIN_WIDTH = 8
LAST_RESORT_WIDTH = 4
#: DataTable pads each cell with one space on either side.
CELL_PADDING = 2


def cell_value(row: BaseModel, column: Column) -> str:
    """The whole text of a cell on one line (list items joined by " / "); data, so no escape sequences."""
    kind = field_kind(row, column.field)
    if kind.kind == "bool":
        return "[x]" if getattr(row, column.field) else "[ ]"
    return clean_text(field_text(row, column.field)).replace("\n", " / ")


def is_number(row: BaseModel, column: Column) -> bool:
    return field_kind(row, column.field).kind in ("float", "int")


def cell_text(row: BaseModel, column: Column, width: int | None = None) -> Text:
    """A cell as shown: cut to `width` with an ellipsis; numbers right-aligned and never cut."""
    shown = cell_value(row, column)
    if not shown:
        return Text("-", style="dim")
    if is_number(row, column):
        return Text(shown, justify="right")
    return Text(shown if width is None else cut(shown, width))


def cut(text: str, width: int) -> str:
    """`text` in `width` cells: cut text ends in an ellipsis."""
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def fit_widths(natural: list[int], minimum: list[int], available: int) -> list[int]:
    """Column widths that fit `available` cells: the widest columns give way first, down to
    their minimum (a column whose minimum is its natural width, like a number, never shrinks)."""
    widths = list(natural)
    excess = sum(w + CELL_PADDING for w in widths) - available
    while excess > 0:
        shrinkable = [i for i, w in enumerate(widths) if w > minimum[i]]
        if not shrinkable:
            break
        widest = max(shrinkable, key=lambda i: widths[i])
        widths[widest] -= 1
        excess -= 1
    return widths


class TableDetail(Static):
    """Under a focused table: the cells of the selected row that the table cuts, in full."""

    def __init__(self, *, classes: str = "") -> None:
        super().__init__("", classes=classes)
        self._cells: list[tuple[str, str]] | None = None  # what is shown (None: nothing yet)

    def show_cells(self, cells: list[tuple[str, str]]) -> None:
        """Show `cells`; the same cells again change nothing (an update re-lays out the screen,
        and every edit of a row asks again)."""
        if cells == self._cells:
            return
        self._cells = list(cells)
        text = Text()
        for label, value in cells:
            if text:
                text.append("\n")
            text.append(f"{label}: ", style="bold")
            text.append(value)
        self.update(text)
        self.display = bool(cells)


class EditableTable(DataTable[Text]):
    """An editable table over `spec.rows()`: as tall as its rows (the section scrolls), columns
    fitted to the width after every edit and resize, and a detail line with what is cut."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "edit_cell", "Edit", id="table.edit", tooltip="Edit the selected cell"),
        Binding("e", "edit_cell", "Edit", show=False, id="table.edit_e"),
        Binding(
            "space", "toggle_cell", "Toggle", show=False, id="table.toggle", tooltip="Toggle yes/no, or next choice"
        ),
        Binding("a", "add_row", "Add", id="table.add", tooltip="Add a row"),
        Binding("d", "delete_row", "Delete", id="table.delete", tooltip="Delete the selected row"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("h", "cursor_left", "Left", show=False, id="table.left"),
        Binding("l", "cursor_right", "Right", show=False, id="table.right"),
        Binding("g", "scroll_top", "Top", show=False, id="table.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="table.bottom"),
    ]

    def __init__(
        self,
        spec: TableSpec,
        *,
        read_only: bool = False,
        detail: TableDetail | None = None,
        heading: Widget | None = None,
        check: Callable[[], str | None] | None = None,
        id: str | None = None,
    ) -> None:
        self.spec = spec
        self.check = check  # the section's cross-row rules (declared channels, ...)
        self.read_only = read_only
        self.detail = detail
        self.heading = heading  # lit up while the table has focus
        self.widths: list[int] = []
        super().__init__(cursor_type="cell", zebra_stripes=True, id=id, classes="editable-table")

    def on_mount(self) -> None:
        self.rebuild()

    # -- widths -------------------------------------------------------------------------------
    def natural_widths(self) -> tuple[list[int], list[int]]:
        """(natural, minimum) width of each column: its longest cell or label, and how far it may shrink."""
        rows = self.spec.rows()
        natural, minimum = [], []
        for column in self.spec.columns:
            longest = max((len(cell_value(row, column)) for row in rows), default=1)
            width = max(len(column.label), longest, 1)
            natural.append(width)
            numbers = bool(rows) and all(is_number(row, column) for row in rows)
            minimum.append(width if numbers else min(width, max(MIN_WIDTH, len(column.label.split()[0]))))
        return natural, minimum

    def fitted_widths(self) -> list[int]:
        natural, minimum = self.natural_widths()
        available = self.scrollable_content_region.width
        if available <= 0:
            return natural  # not laid out yet: on_resize fits them
        widths = fit_widths(natural, minimum, available)
        if sum(w + CELL_PADDING for w in widths) > available:  # many columns: text gives way further
            narrow = [m if m == n else min(m, LAST_RESORT_WIDTH) for n, m in zip(natural, minimum, strict=True)]
            widths = fit_widths(natural, narrow, available)
        return widths

    def on_resize(self) -> None:
        if self.fitted_widths() != self.widths:
            self.rebuild()

    def watch_virtual_size(self, size: Size) -> None:
        """Drop a sideways scrollbar the columns as now fitted no longer need. Textual reconsiders
        a scrollbar only when the widget's own size changes, so a table narrowed by a resize (or
        by the plot set beside it) kept a stale one: a blank line under its rows."""
        if self.show_horizontal_scrollbar and size.width <= self.container_size.width:
            self.call_after_refresh(self._drop_stale_scrollbar)

    def _drop_stale_scrollbar(self) -> None:
        stale = self.virtual_size.width <= self.container_size.width and not self.show_vertical_scrollbar
        if self.show_horizontal_scrollbar and stale:
            self.show_horizontal_scrollbar = False
            self.horizontal_scrollbar.display = False

    # -- painting from the model ------------------------------------------------------------------
    def rebuild(self) -> None:
        """Reload every row from the model, with columns fitted again, keeping the cursor where it was."""
        row, col = self.cursor_coordinate
        self.widths = self.fitted_widths()
        self.clear(columns=True)
        for column, width in zip(self.spec.columns, self.widths, strict=True):
            self.add_column(Text(cut(column.label, width), style="bold"), key=column.field, width=width)
        for row_obj in self.spec.rows():
            self.add_row(*(cell_text(row_obj, c, w) for c, w in zip(self.spec.columns, self.widths, strict=True)))
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), column=col, animate=False)
        self.refresh(layout=True)  # as tall as the rows: one more line only while it scrolls sideways
        self.show_detail()

    def repaint_row(self, index: int) -> None:
        """Repaint one row after an edit; the whole table when the column widths change."""
        rows = self.spec.rows()
        if not (0 <= index < len(rows)) or index >= self.row_count or self.fitted_widths() != self.widths:
            self.rebuild()
            return
        for col_index, (column, width) in enumerate(zip(self.spec.columns, self.widths, strict=True)):
            self.replace_cell(index, col_index, cell_text(rows[index], column, width))
        self.show_detail()

    def replace_cell(self, row_index: int, column_index: int, value: Text) -> None:
        """Show `value` in one cell, re-rendering only that row (nothing when it is unchanged).

        DataTable.update_cell_at counts an update that every render cache is keyed on, so one
        changed cell re-renders every cell of the table in the next frame: a keystroke in a rule's
        threshold measured ~130 cell renders, most of the frame that redraws the alert plot. Here
        only the changed cell's cached renders (and its row's, which join them) are dropped and
        only its row repainted; a Textual without these caches gets the plain update."""
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:
            return
        old = self._data[row_key][column_key]
        if old == value and old.justify == value.justify and old.style == value.style:
            return
        try:
            cells, rows = self._cell_render_cache, self._row_render_cache
            renderables, lines = self._row_renderable_cache, self._line_cache
        except AttributeError:
            self.update_cell_at(Coordinate(row_index, column_index), value)
            return
        self._data[row_key][column_key] = value
        # An LRUCache is not iterable: its keys() is.
        for cell_key in [k for k in cells.keys() if k[0] == row_key and k[1] == column_key]:  # noqa: SIM118
            cells.discard(cell_key)
        for row_cache_key in [k for k in rows.keys() if k[0] == row_key]:  # noqa: SIM118
            rows.discard(row_cache_key)
        renderables.discard((self._update_count, row_index))
        lines.clear()  # keyed by screen line: rebuilt from the row caches for the repainted lines only
        self.refresh_row(row_index)

    def refresh_after_edit(self) -> None:
        """Repaint the row being edited (the cursor stays on it while the editor is open)."""
        self.repaint_row(self.cursor_coordinate.row)

    def edit_region(self) -> Region:
        """Where the selected row is on screen."""
        row_y = self.region.y + 1 + self.cursor_coordinate.row - self.scroll_offset.y
        return Region(self.region.x, row_y, self.region.width, 1)

    def scroll_to_edit(self, below: int = 0) -> None:
        """Scroll the section so that the selected row is on screen with `below` lines free under it
        (the table itself does not scroll; it may sit in a container, beside a plot, inside the
        section that does)."""
        if not self.is_attached:
            return
        section = next((a for a in self.ancestors if isinstance(a, ScrollableContainer)), None)
        if section is None:
            return
        row_y = self.edit_region().y - section.scrollable_content_region.y + section.scroll_offset.y
        section.scroll_to_region(
            Region(0, row_y, 1, 1), animate=False, immediate=True, spacing=Spacing(1, 0, max(2, below), 0)
        )

    def step_cell(self, move: int) -> None:
        """Move to the next (1) or previous (-1) cell, row after row (tab while editing a cell)."""
        columns = len(self.spec.columns)
        index = self.cursor_coordinate.row * columns + self.cursor_coordinate.column + move
        index = max(0, min(index, self.row_count * columns - 1))
        self.move_cursor(row=index // columns, column=index % columns, animate=False)
        self.call_after_refresh(self.scroll_to_edit)

    # -- the detail line --------------------------------------------------------------------------
    def cut_cells(self) -> list[tuple[str, str]]:
        """(label, full text) of each cell of the selected row that is cut on screen."""
        rows = self.spec.rows()
        index = self.cursor_coordinate.row
        if not (0 <= index < len(rows)) or not self.widths:
            return []
        row = rows[index]
        return [
            (column.label, cell_value(row, column))
            for column, width in zip(self.spec.columns, self.widths, strict=True)
            if len(cell_value(row, column)) > width
        ]

    def in_editor(self) -> bool:
        """One of its cells is open in the editor bar (which has the focus)."""
        focused = self.screen.focused if self.is_attached else None
        bar = focused.parent if focused is not None else None
        return isinstance(bar, EditorBar) and bar.target is not None and bar.target.source is self

    def show_detail(self) -> None:
        """The heading lit and the detail line shown while the table has the focus, and kept as
        they are while one of its cells is in the editor bar: hiding and showing them again
        around every edit re-laid out the section twice."""
        if self.in_editor():
            return
        if self.heading is not None:
            self.heading.set_class(self.has_focus, "-focused")
        if self.detail is not None:
            self.detail.show_cells(self.cut_cells() if self.has_focus else [])

    def on_data_table_cell_highlighted(self) -> None:
        self.show_detail()

    def on_focus(self) -> None:
        self.call_after_refresh(self.show_detail)  # once focus has settled (has_focus)

    def on_blur(self) -> None:
        self.call_after_refresh(self.show_detail)

    def _current(self):
        rows = self.spec.rows()
        row, col = self.cursor_coordinate
        if not rows or row >= len(rows):
            return None, None, row
        return rows[row], self.spec.columns[col], row

    def action_edit_cell(self) -> None:
        """enter: yes/no cells toggle, choice cells open a picker, the rest open the editor bar."""
        if self.read_only:
            self.notify("This project is open read-only", severity="warning")
            return
        row_obj, column, index = self._current()
        if row_obj is None or column is None:
            self.notify("The table is empty: press a to add a row")
            return
        kind = field_kind(row_obj, column.field)
        label = f"{self.spec.title} › row {index + 1} › {column.label}"
        target = EditTarget(row_obj, column.field, label, self.spec.section_key, self)
        if kind.kind == "bool":
            self._commit(target, "no" if getattr(row_obj, column.field) else "yes")
        elif kind.kind == "choice":

            def chosen(value: str | None) -> None:
                if value is not None:
                    self._commit(target, value)

            self.app.push_screen(ChoicePicker(label, kind.choices, field_text(row_obj, column.field)), chosen)
        else:
            hold_keys(self)  # what is typed next goes into the editor (the screen releases once it has the focus)
            self.post_message(EditRequested(target))

    def action_toggle_cell(self) -> None:
        """space: toggle the row's yes/no cell (from any cell of the row), or cycle a choice cell."""
        if self.read_only:
            self.notify("This project is open read-only", severity="warning")
            return
        row_obj, column, _ = self._current()
        if row_obj is None or column is None:
            return
        kind = field_kind(row_obj, column.field)
        if kind.kind == "choice":
            current = field_text(row_obj, column.field)
            following = (
                kind.choices[(kind.choices.index(current) + 1) % len(kind.choices)]
                if current in kind.choices
                else kind.choices[0]
            )
            self._commit(EditTarget(row_obj, column.field, column.label, self.spec.section_key, self), following)
            return
        bools = [c for c in self.spec.columns if field_kind(row_obj, c.field).kind == "bool"]
        if kind.kind == "bool":
            bools = [column]
        if len(bools) != 1:
            self.notify("space toggles a yes/no cell or cycles a choice cell; enter edits this one")
            return
        toggled = "no" if getattr(row_obj, bools[0].field) else "yes"
        self._commit(EditTarget(row_obj, bools[0].field, bools[0].label, self.spec.section_key, self), toggled)

    def _commit(self, target: EditTarget, text: str) -> None:
        """Set a cell without the editor bar (toggle, cycle, picker), with the section's own checks."""
        try:
            changed = commit_text(target, text, self.check)
        except EditError as exc:
            self.notify(f"Not changed: {exc}", severity="warning", timeout=6)
            return
        if changed:
            self.repaint_row(self.cursor_coordinate.row)
            self.post_message(PlanChanged(self.spec.section_key))

    def action_add_row(self) -> None:
        if self.read_only:
            self.notify("This project is open read-only", severity="warning")
            return
        self.spec.rows().append(self.spec.new_row())
        self.rebuild()
        self.move_cursor(row=self.row_count - 1, column=0, animate=False)
        self.post_message(PlanChanged(self.spec.section_key, structural=True))

    def action_delete_row(self) -> None:
        if self.read_only:
            self.notify("This project is open read-only", severity="warning")
            return
        row_obj, _, index = self._current()
        if row_obj is None:
            return
        first = field_text(row_obj, self.spec.columns[0].field)

        def done(confirmed: bool | None) -> None:
            if confirmed:
                rows = self.spec.rows()
                if index < len(rows) and rows[index] is row_obj:
                    del rows[index]
                self.rebuild()
                self.post_message(PlanChanged(self.spec.section_key, structural=True))

        self.app.push_screen(ConfirmModal(f"Delete row {index + 1} of {self.spec.title}?", first), done)
