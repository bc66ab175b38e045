"""12. The final menu: [S] summary, [D] decisions, [E] export, [X] exit, and any other
comment or query (answered, then the menu again). It says "Workflow Complete" only once
Phase 5 is written with nothing open; before that it lists what is missing."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.widgets import Input, Static

from aiwf_tui.sections.base import SectionView, bullet_list, heading, para

OPTIONS = (
    "  [S]  View full summary (project-spec.md)\n"
    "  [D]  Review all decisions\n"
    "  [E]  Export project\n"
    "  [X]  Exit workflow\n"
)
MENU = "Workflow Complete - Select an Option:\n\n" + OPTIONS
MENU_INCOMPLETE = "Workflow not complete yet - Select an Option:\n\n" + OPTIONS


class FinalMenuView(SectionView):
    KEY = "menu"
    TITLE = "Final menu"

    def intro(self) -> Text:
        p = self.ctx.project
        if self.ctx.forced_read_only:
            state = "Phase 5 is complete" if p.phase5_complete else "Phase 5 is not complete"
            return Text(f"{p.name}: {state}. Opened read-only: nothing can be changed here.")
        if self.ctx.read_only or p.phase5_complete:
            return Text(
                f"{p.name}: Phase 5 is complete. Review mode: nothing is changed unless you press r to reopen Phase 5."
            )
        return Text("")

    def blocks(self):
        from aiwf_tui.model.todo import open_items

        p = self.ctx.project
        widgets = []
        if p.phase5_complete:
            widgets.append(Static(Text(MENU, style="bold"), classes="menu"))
        else:
            items = open_items(p, self.ctx.plan) if self.ctx.plan is not None else []
            drafts = self.ctx.plan.drafts() if self.ctx.plan is not None else []
            widgets.append(Static(Text(MENU_INCOMPLETE, style="bold"), classes="menu"))
            missing = [
                f"{len(items)} answer{'s' if len(items) != 1 else ''} open" if items else "",
                ("in draft: " + ", ".join(drafts)) if drafts else "",
                "project files not written yet (Project files, w)",
            ]
            widgets.append(heading("Still missing"))
            widgets.append(para(bullet_list([m for m in missing if m], "yellow")))
            if items:
                lines = [item.line() for item in items[:12]] + (
                    [f"... and {len(items) - 12} more"] if len(items) > 12 else []
                )
                widgets.append(para(bullet_list(lines, "dim")))
        widgets.append(Input(placeholder="Any other comments or queries? (enter to ask)", id="menu-query"))
        widgets.append(Static(Text(""), id="menu-answer"))
        return widgets

    @on(Input.Submitted, "#menu-query")
    def answer_query(self, event: Input.Submitted) -> None:
        from aiwf_tui.model.queries import answer_query

        event.stop()
        answer = answer_query(self.ctx.project, self.ctx.plan, event.value)
        self.query_one("#menu-answer", Static).update(Text(answer))
        event.input.value = ""
        event.input.blur()  # back to the menu: its keys act again
