"""Operations decisions (op-001...): what was chosen, why, and the knowledge it cites."""

from __future__ import annotations

from rich.text import Text

from aiwf_tui.model.plan import OperationsDecision
from aiwf_tui.sections.base import SectionView
from aiwf_tui.widgets.editable_table import Column, TableSpec


class DecisionsView(SectionView):
    KEY = "decisions"
    TITLE = "Operations decisions"
    SHORT = "Decisions"
    PLAN_KEY = "decisions"

    def intro(self) -> Text:
        return Text(
            "These become OP-00N entries in decision-log.md and op-00N decisions in sidecar.yaml. Record what "
            "you chose in each section and why, with the knowledge reference that informed it. Earlier phases' "
            "decisions are locked and are not edited here."
        )

    def blocks(self):
        m = self.model
        return self.table(
            TableSpec(
                "Operations decisions",
                lambda: m.decisions,
                [
                    Column("id", "ID"),
                    Column("title", "Title"),
                    Column("choice", "Choice"),
                    Column("rationale", "Rationale"),
                    Column("knowledge_ref", "Knowledge ref"),
                    Column("options", "Options considered"),
                    Column("consequences", "Consequences"),
                    Column("context", "Context"),
                ],
                lambda: OperationsDecision(id=f"op-{len(m.decisions) + 1:03d}", title="New decision"),
                self.KEY,
                note="Options and consequences take one item per line.",
            )
        )
