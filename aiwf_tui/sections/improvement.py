"""9. Continuous improvement: feedback loops and improvement triggers."""

from __future__ import annotations

from rich.text import Text

from aiwf_tui.model.plan import FeedbackLoop, ImprovementTrigger
from aiwf_tui.sections.base import SectionView
from aiwf_tui.widgets.editable_table import Column, TableSpec


class ImprovementView(SectionView):
    KEY = "improvement"
    TITLE = "Continuous improvement"
    SHORT = "Improvement"
    PLAN_KEY = "improvement"
    QUESTIONS = ("answer",)

    def intro(self) -> Text:
        return Text(
            "Operations isn't just maintenance - it's continuous improvement. Feedback loops run at the pace "
            "of what they measure (user feedback continuously, performance weekly, model evaluation monthly, "
            "architecture quarterly); triggers turn signals into work. Keep it realistic for your team."
        )

    def blocks(self):
        m = self.model
        rows = [
            self.field(
                m, "answer", "How do you want to structure continuous improvement? What's realistic for your team?"
            )
        ]
        rows += self.knowledge_notes(m.knowledge_refs)
        rows += self.table(
            TableSpec(
                "Feedback loops",
                lambda: m.loops,
                [Column("loop", "Loop"), Column("frequency", "Frequency"), Column("purpose", "Purpose")],
                lambda: FeedbackLoop(loop="New loop"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Improvement triggers",
                lambda: m.triggers,
                [Column("trigger", "Trigger"), Column("action", "Action")],
                lambda: ImprovementTrigger(trigger="New trigger"),
                self.KEY,
            )
        )
        return rows
