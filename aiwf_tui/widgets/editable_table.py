"""A DataTable view of a list of plan rows, editable from the keyboard.

The model is the source of truth: the table is rebuilt or repainted from the
rows, never read back. `enter` edits a cell (bools toggle), `a` adds a row,
`d` deletes one after confirmation, arrows and `j`/`k` move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.binding import Binding
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from aiwf_tui.messages import EditRequested, EditTarget, PlanChanged
from aiwf_tui.model.edit import field_kind, field_text
from aiwf_tui.safetext import clean_text
from aiwf_tui.screens.modals import ConfirmModal


@dataclass
class Column:
    field: str
    label: str
    width: int | None = None


@dataclass
class TableSpec:
    """Which rows a table shows, how its columns read, and how a new row starts."""

    title: str
    rows: Callable[[], list]  # returns the live list in the plan
    columns: list[Column]
    new_row: Callable[[], Any]
    section_key: str
    note: str = ""


def cell_text(row, column: Column) -> Text:
    value = field_text(row, column.field)
    kind = field_kind(row, column.field)
    if kind.kind == "bool":
        return Text("[x]" if getattr(row, column.field) else "[ ]")
    shown = clean_text(value).replace("\n", " / ")  # cell text is data: no escape sequences
    if not shown:
        return Text("-", style="dim")
    if column.width and len(shown) > column.width:
        shown = shown[: column.width - 1] + "…"
    return Text(shown)


class EditableTable(DataTable):
    """An editable table over `spec.rows()`."""

    BINDINGS = [
        Binding("enter", "edit_cell", "Edit", id="table.edit", tooltip="Edit the selected cell"),
        Binding("e", "edit_cell", "Edit", show=False, id="table.edit_e"),
        Binding("a", "add_row", "Add row", id="table.add", tooltip="Add a row"),
        Binding("d", "delete_row", "Delete row", id="table.delete", tooltip="Delete the selected row"),
        Binding("j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("h", "cursor_left", "Left", show=False, id="table.left"),
        Binding("l", "cursor_right", "Right", show=False, id="table.right"),
        Binding("g", "scroll_top", "Top", show=False, id="table.top"),
        Binding("G", "scroll_bottom", "Bottom", show=False, id="table.bottom"),
    ]

    def __init__(self, spec: TableSpec, *, read_only: bool = False, id: str | None = None) -> None:
        self.spec = spec
        self.read_only = read_only
        super().__init__(cursor_type="cell", zebra_stripes=True, id=id, classes="editable-table")

    def on_mount(self) -> None:
        for column in self.spec.columns:
            self.add_column(Text(column.label, style="bold"), key=column.field, width=None)
        self.rebuild()

    def rebuild(self) -> None:
        """Reload every row from the model, keeping the cursor where it was."""
        row, col = self.cursor_coordinate
        self.clear()
        for row_obj in self.spec.rows():
            self.add_row(*(cell_text(row_obj, c) for c in self.spec.columns))
        self.styles.height = min(len(self.spec.rows()), 12) + 1 if self.spec.rows() else 2
        if self.row_count:
            self.move_cursor(row=min(row, self.row_count - 1), column=col, animate=False)

    def repaint_row(self, index: int) -> None:
        """Repaint one row after an edit (cheap, whatever the table's size)."""
        rows = self.spec.rows()
        if not (0 <= index < len(rows)) or index >= self.row_count:
            self.rebuild()
            return
        for col_index, column in enumerate(self.spec.columns):
            self.update_cell_at(Coordinate(index, col_index), cell_text(rows[index], column))

    def refresh_after_edit(self) -> None:
        """Repaint the row being edited (the cursor stays on it while the editor is open)."""
        self.repaint_row(self.cursor_coordinate.row)

    def _current(self):
        rows = self.spec.rows()
        row, col = self.cursor_coordinate
        if not rows or row >= len(rows):
            return None, None, row
        return rows[row], self.spec.columns[col], row

    def action_edit_cell(self) -> None:
        if self.read_only:
            self.notify("This project is open read-only", severity="warning")
            return
        row_obj, column, index = self._current()
        if row_obj is None:
            self.notify("The table is empty: press a to add a row")
            return
        if field_kind(row_obj, column.field).kind == "bool":
            setattr(row_obj, column.field, not getattr(row_obj, column.field))
            self.repaint_row(index)
            self.post_message(PlanChanged(self.spec.section_key))
            return
        label = f"{self.spec.title} › row {index + 1} › {column.label}"
        self.post_message(EditRequested(EditTarget(row_obj, column.field, label, self.spec.section_key, self)))

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
