"""12. The final menu: [S] summary, [D] decisions, [E] export, [X] exit."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from aiwf_tui.sections.base import SectionView

MENU = (
    "Workflow Complete - Select an Option:\n\n"
    "  [S]  View full summary (project-spec.md)\n"
    "  [D]  Review all decisions\n"
    "  [E]  Export project\n"
    "  [X]  Exit workflow\n"
)


class FinalMenuView(SectionView):
    KEY = "menu"
    TITLE = "Final menu"

    def intro(self) -> Text:
        p = self.ctx.project
        if self.ctx.read_only or p.phase5_complete:
            return Text(
                f"{p.name}: Phase 5 is complete. Review mode: nothing is changed unless you press r to reopen Phase 5."
            )
        return Text("")

    def blocks(self):
        return [Static(Text(MENU, style="bold"), classes="menu")]
