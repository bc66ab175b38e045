"""4. Drift detection: drift types, detection approaches, and severity -> trigger -> action."""

from __future__ import annotations

from rich.text import Text

from aiwf_tui.model.plan import DriftApproach, DriftType, SeverityResponse
from aiwf_tui.sections.base import SectionView
from aiwf_tui.widgets.drift_scale import DriftScale
from aiwf_tui.widgets.editable_table import Column, TableSpec


class DriftView(SectionView):
    KEY = "drift"
    TITLE = "Drift detection"
    PLAN_KEY = "drift"
    QUESTIONS = ("change_pace", "approach_answer")

    def intro(self) -> Text:
        t = Text()
        t.append("Why: ", style="bold")
        t.append(
            "inputs, the input/output relationship, the model's behaviour and the ground truth all move over "
            "time. Cheap approaches (statistical tests, performance monitoring) catch a lot; embedding "
            "similarity suits text inputs; a reference window comparison is the most comprehensive. Choose "
            "what fits how fast your domain changes and what your team can run. Mark the approaches you "
            "select (space toggles 'Selected')."
        )
        if self.ctx.project.trains:
            t.append(" This architecture fine-tunes a model, so drift away from the training data is tracked too.")
        return t

    def blocks(self):
        m = self.model
        rows = [
            self.field(m, "change_pace", "How quickly do you expect your data/domain to change?"),
            self.field(m, "approach_answer", "What drift detection approach fits your resources?"),
        ]
        rows += self.knowledge_notes(m.knowledge_refs)
        rows += self.table(
            TableSpec(
                "Types of drift",
                lambda: m.types,
                [
                    Column("type", "Drift type"),
                    Column("changes", "What changes"),
                    Column("detection", "Detection method"),
                    Column("monitored", "Monitored"),
                ],
                lambda: DriftType(type="New drift type"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Detection approaches",
                lambda: m.approaches,
                [
                    Column("approach", "Approach"),
                    Column("complexity", "Complexity"),
                    Column("effectiveness", "Effectiveness"),
                    Column("selected", "Selected"),
                ],
                lambda: DriftApproach(approach="New approach"),
                self.KEY,
            )
        )
        rows += self.table(
            TableSpec(
                "Response actions",
                lambda: m.responses,
                [
                    Column("severity", "Severity"),
                    Column("trigger", "Trigger"),
                    Column("action", "Action"),
                    Column("score_from", "Score from"),
                    Column("score_to", "to"),
                ],
                lambda: SeverityResponse(severity="New"),
                self.KEY,
            )
        )
        rows.append(DriftScale(m.responses, id="drift-scale"))
        return rows

    def after_edit(self) -> None:
        """Redraw the scale from the edited bands."""
        self.query_one(DriftScale).redraw(self.model.responses)
