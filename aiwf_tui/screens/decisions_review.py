"""[D]: every decision of every phase, filterable; enter shows the ADR entry."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from aiwf_tui.screens.welcome import decision_rows
from aiwf_tui.widgets.decisions_table import DecisionsTable


class DecisionsReviewScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="decisions.back")]

    def __init__(self, project) -> None:
        self.project = project
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Static(Text(f"All decisions of {self.project.name} ({len(self.project.decisions)})", style="bold"))
        yield Input(placeholder="Filter: type to filter, enter to move to the table", id="review-filter")
        yield DecisionsTable(decision_rows(self.project.decisions), id="review-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-table").focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#review-table", DecisionsTable).apply_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one("#review-table").focus()

    def on_decisions_table_opened(self, event: DecisionsTable.Opened) -> None:
        from aiwf_tui.widgets.modals import MessageModal

        d = event.payload
        body = d.entry.text if d.entry else f"{d.choice}\n\n{d.rationale}\n\n(no decision-log entry found)"
        self.app.push_screen(MessageModal(d.id.upper(), body))
