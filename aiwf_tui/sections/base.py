"""What every Phase 5 section view shares: its reasoning first, then questions and tables.

A section is declarative: `intro()` (what it covers and why, from the workflow),
`blocks()` (answers and tables bound to the plan). The workflow screen mounts it,
handles editing through the editor bar, and re-renders previews from the plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from textwrap import shorten
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from aiwf_tui.widgets.editable_table import EditableTable, TableDetail, TableSpec
from aiwf_tui.widgets.editor_bar import EditorBar, EditorPlaced
from aiwf_tui.widgets.field_view import FieldView

if TYPE_CHECKING:
    from aiwf_tui.knowledge.service import KnowledgeBundle
    from aiwf_tui.model.plan import OperationsPlan
    from aiwf_tui.model.project import Project


@dataclass
class Context:
    """What the workflow screen and its sections share: the open project and its plan."""

    project: Project
    plan: OperationsPlan
    today: str  # ISO date the decision log and the summary are dated with
    read_only: bool = False  # review mode or --read-only: nothing is changed
    forced_read_only: bool = False  # --read-only: review mode cannot be reopened
    knowledge: KnowledgeBundle | None = None  # None until it has loaded


def heading(text: str) -> Static:
    return Static(Text(text, style="bold underline"), classes="block-heading")


def para(text: str | Text, classes: str = "para") -> Static:
    return Static(text if isinstance(text, Text) else Text(text), classes=classes)


def bullet_list(items: list[str], style: str = "") -> Text:
    text = Text()
    for item in items:
        text.append("  • ", style="dim")
        text.append(item + "\n", style=style)
    return text


class KnowledgeNotes(Static):
    """What the knowledge says about a section; repainted when the knowledge arrives."""

    def __init__(self, text: Text, refs: list[str]) -> None:
        self.refs = list(refs)
        super().__init__(text, classes="para knowledge-notes")


class EditorRoom(Widget):
    """Blank lines at the end of a section while the editor bar lies over its last lines."""

    def __init__(self, lines: int) -> None:
        self.lines = lines
        super().__init__()

    def on_resize(self) -> None:
        self.post_message(EditorPlaced())  # the section can scroll further now


class SectionView(VerticalScroll):
    """Base class of the section views."""

    KEY: ClassVar[str] = ""
    TITLE: ClassVar[str] = ""
    SHORT: ClassVar[str] = ""  # the sidebar's name for it, when TITLE is too long
    PLAN_KEY: ClassVar[str | None] = None  # the plan section it edits
    PREVIEW_DEFAULT: ClassVar[bool] = False
    QUESTIONS: ClassVar[tuple[str, ...]] = ()  # fields that must be answered before confirming

    def __init__(self, ctx: Context, *, resume_at: str = "") -> None:
        self.ctx = ctx
        self.resume_at = resume_at  # a `place()` to come back to, instead of the first field
        super().__init__(classes=f"section section-{self.KEY}")

    # -- to override -------------------------------------------------------------------
    def intro(self) -> Text:
        return Text("")

    def blocks(self) -> list[Widget]:
        return []

    # -- helpers for subclasses -----------------------------------------------------------
    @property
    def model(self) -> Any:
        """The plan section this view edits (its type depends on the view)."""
        return getattr(self.ctx.plan, self.PLAN_KEY) if self.PLAN_KEY else None

    def field(self, obj: BaseModel, name: str, label: str, hint: str = "") -> FieldView:
        return FieldView(obj, name, label, self.KEY, hint=hint)

    def table(self, spec: TableSpec) -> list[Widget]:
        title = heading(spec.title)
        widgets: list[Widget] = [title]
        if spec.note:
            widgets.append(para(Text(spec.note, style="dim")))
        detail = TableDetail(classes="table-detail")
        detail.display = False
        widgets.append(
            EditableTable(spec, read_only=self.ctx.read_only, detail=detail, heading=title, check=self.section_problem)
        )
        widgets.append(detail)
        return widgets

    def knowledge_notes(self, refs: list[str]) -> list[Widget]:
        """What the knowledge said that informs this section, with its source (filled in when it arrives)."""
        return [KnowledgeNotes(self.knowledge_text(refs), refs)]

    def knowledge_text(self, refs: list[str]) -> Text:
        bundle = self.ctx.knowledge
        text = Text()
        if bundle is None:
            text.append("Knowledge: loading… (the section works without it)", style="dim")
            return text
        items = [item for ref in refs for item in bundle.items_for(ref)]
        if not items:
            text.append("Knowledge: no items for this section", style="dim")
            return text
        text.append("What the knowledge says\n", style="bold")
        for item in items[:6]:
            text.append("  • ", style="dim")
            text.append(item.title)
            summary = item.summary or (item.steps[0] if item.steps else "")
            if summary:
                text.append(f": {shorten(summary, 160, placeholder=' …')}")
            text.append(f"  ({item.origin}: {item.source_title})\n", style="dim italic")
        text.rstrip()  # the block's margin makes the gap below
        return text

    def refresh_knowledge(self) -> None:
        """The knowledge arrived: update the notes in place (an open editor is left alone)."""
        for notes in self.query(KnowledgeNotes):
            notes.update(self.knowledge_text(notes.refs))

    def section_problem(self) -> str | None:
        """Re-validate the whole section after an edit (cross-row rules like declared channels)."""
        model = self.model
        if model is None:
            return None
        try:
            type(model).model_validate(model.model_dump())
        except ValidationError as exc:
            return "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        return None

    def after_edit(self) -> None:
        """Called after a valid edit, before the plan is saved (sections with views over the plan sync here)."""

    def make_room(self, lines: int) -> bool:
        """Blank lines at the end of the section (0: none), so that its last answers can scroll up
        above the editor bar; returns whether that changed anything."""
        rooms = self.query(EditorRoom)
        room = rooms.first() if rooms else None
        if room is not None and room.lines == lines:
            return False
        if not lines:
            if room is None:
                return False
            room.remove()
        elif room is not None:
            room.lines = lines
            room.styles.height = lines
        else:
            room = EditorRoom(lines)
            room.styles.height = lines
            self.mount(room)
        return True

    def unanswered(self) -> list[str]:
        model = self.model
        return [q for q in self.QUESTIONS if model is not None and not str(getattr(model, q) or "").strip()]

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="section-title")
        intro = self.intro()
        if intro.plain:
            yield Static(intro, classes="intro")
        yield from self.blocks()

    def on_mount(self) -> None:
        self.call_after_refresh(self.focus_first)

    def focusables(self) -> list[Widget]:
        """The answers and tables of the section, in order (text boxes excepted)."""
        return [w for w in self.query("*") if w.focusable and not isinstance(w, (Input, TextArea))]

    def place(self, widget: Widget | None) -> str:
        """Where `widget` is, as text kept in the plan: "N" (its index) or "N:row,column" for a table cell."""
        widgets = self.focusables()
        if widget is None or widget not in widgets:
            return ""
        index = widgets.index(widget)
        if isinstance(widget, EditableTable):
            row, column = widget.cursor_coordinate
            return f"{index}:{row},{column}"
        return str(index)

    def go_to(self, place: str) -> bool:
        """Focus the answer or table cell of a `place()`; False when the section has no such place."""
        index_text, _, cell = place.partition(":")
        widgets = self.focusables()
        if not index_text.isdigit() or int(index_text) >= len(widgets):
            return False
        widget = widgets[int(index_text)]
        if isinstance(widget, EditableTable) and cell:
            row, _, column = cell.partition(",")
            if row.isdigit() and column.isdigit():
                widget.move_cursor(row=int(row), column=int(column), animate=False)
        self.screen.set_focus(widget, scroll_visible=False)  # now: the next key typed goes there
        self.call_after_refresh(lambda: widget.scroll_visible(animate=False, top=True))
        return True

    def focus_first(self) -> None:
        """Focus where the user left off, else the first table or answer (never a text field),
        so single keys act on the section."""
        if not self.is_attached:
            return
        focused = self.screen.focused
        if focused is not None and self in focused.ancestors:
            return  # keys typed while the section arrived (tab, arrows) already moved the focus here
        if focused is not None and any(isinstance(node, EditorBar) for node in focused.ancestors):
            return  # ... or opened one of its answers in the editor bar (enter) and typed into it
        if self.resume_at and self.go_to(self.resume_at):
            return
        widgets = self.focusables()
        # Focused now, not after the next message (Widget.focus): the next key typed goes here.
        self.screen.set_focus(widgets[0] if widgets else self, scroll_visible=False)
        # (with nothing to edit, the section itself: arrows scroll it)

    def refresh_views(self) -> None:
        """Repaint every field and table from the model."""
        for view in self.query(FieldView):
            view.refresh_value()
        for table in self.query(EditableTable):
            table.rebuild()
