"""6. Incident response: P1-P4 levels, response times, responders, and the response workflow."""

from __future__ import annotations

from rich.text import Text

from aiwf_tui.model.plan import IncidentLevel, WorkflowStep
from aiwf_tui.sections.base import SectionView
from aiwf_tui.widgets.editable_table import Column, TableSpec


class IncidentView(SectionView):
    KEY = "incident"
    TITLE = "Incident response"
    SHORT = "Incidents"
    PLAN_KEY = "incident"
    QUESTIONS = ("answer",)

    def intro(self) -> Text:
        return Text(
            "Why: response time should follow impact. P1 (service down, data breach) gets on-call plus "
            "escalation within 15 minutes; P2 (degraded service, quality issues) on-call within an hour; "
            "P3 (minor issues, drift) within 4 hours; P4 goes to the backlog. Every incident runs "
            "Detect → Triage → Respond → Resolve → Review → Learn."
        )

    def blocks(self):
        m = self.model
        rows = [self.field(m, "answer", "Who is on call, and how does escalation work?")]
        rows += self.knowledge_notes(m.knowledge_refs)
        rows += self.table(
            TableSpec(
                "Incident levels",
                lambda: m.levels,
                [
                    Column("level", "Level"),
                    Column("name", "Name"),
                    Column("description", "Description"),
                    Column("response_time", "Response time"),
                    Column("responders", "Responders"),
                ],
                lambda: IncidentLevel(level=f"P{len(m.levels) + 1}"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Response workflow",
                lambda: m.workflow,
                [Column("step", "Step"), Column("what", "What happens")],
                lambda: WorkflowStep(step="New step"),
                self.KEY,
            )
        )
        return rows
