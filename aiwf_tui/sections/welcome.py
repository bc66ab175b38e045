"""1. Welcome: the phase introduction, the project, its gate, and the locked earlier decisions."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import Input

from aiwf_tui.screens.decisions_review import AdrModal
from aiwf_tui.sections.base import SectionView, bullet_list, heading, para
from aiwf_tui.widgets.decisions_table import DecisionsTable, decision_rows

INTRO = (
    "Phase 5: Operations - Keeping Your System Healthy\n\n"
    "Congratulations on passing the Quality Gate! Now we make sure the system stays healthy in production.\n"
    "This phase covers: 1. monitoring and observability, 2. drift detection, 3. alerting, "
    "4. the incident response runbook, 5. a continuous improvement plan - then the workflow is "
    "completed with a full project summary.\n\n"
    "Keys: n / p next / previous section, enter edits, c confirms a section, v toggles the preview, ? help."
)


class WelcomeView(SectionView):
    KEY = "welcome"
    TITLE = "Welcome to Phase 5"
    SHORT = "Welcome"

    def intro(self) -> Text:
        return Text(INTRO)

    def blocks(self):
        p = self.ctx.project
        facts = Text()
        facts.append("Project: ", style="bold")
        facts.append(p.name + "\n")
        facts.append("Architecture: ", style="bold")
        facts.append(f"{p.architecture_label}")
        facts.append(
            f"  (retrieval: {'yes' if p.retrieves else 'no'}, training: {'yes' if p.trains else 'no'})\n", style="dim"
        )
        facts.append("Quality gate: ", style="bold")
        facts.append(f"{p.gate_decision.upper()}", style="green" if p.gate_decision == "go" else "yellow")
        if p.gate_date:
            facts.append(f" ({p.gate_date})")
        facts.append("\n")
        widgets = [para(facts, "facts")]
        if p.gate_conditions:
            widgets.append(heading("Conditions to track"))
            widgets.append(para(bullet_list(p.gate_conditions)))
        widgets.append(heading(f"Earlier decisions ({len(p.earlier_decisions)}, locked: shown, never edited)"))
        widgets.append(
            Input(placeholder="Filter decisions (type to filter; enter opens the table)", id="decision-filter")
        )
        table = DecisionsTable(decision_rows(p.earlier_decisions), id="earlier-decisions")
        table.styles.height = len(p.earlier_decisions) + 1  # every row; the section scrolls (max-height in CSS)
        widgets.append(table)
        return widgets

    @on(DecisionsTable.Opened)
    def open_decision(self, event: DecisionsTable.Opened) -> None:
        """Enter on an earlier decision: its ADR entry, in the same viewer as the final menu's [D]."""
        event.stop()
        self.app.push_screen(AdrModal(event.payload))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "decision-filter":
            event.stop()
            self.query_one("#earlier-decisions", DecisionsTable).apply_filter(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "decision-filter":
            event.stop()
            self.query_one("#earlier-decisions", DecisionsTable).focus()
