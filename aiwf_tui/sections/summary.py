"""11. The completion summary, exactly as `aiwf render` prints it."""

from __future__ import annotations

from rich.markdown import Markdown
from rich.text import Text
from textual.widgets import Static

from aiwf_tui.safetext import clean_text
from aiwf_tui.sections.base import SectionView


class SummaryView(SectionView):
    KEY = "summary"
    TITLE = "Completion summary"
    SHORT = "Summary"

    def intro(self) -> Text:
        if self.ctx.project.phase5_complete:
            return Text("Phase 5 is complete. Press n for the final menu.")
        return Text("What the workflow will report once the project files are written (press n for the final menu).")

    def blocks(self):
        try:
            # lazy: the summary renderer loads Jinja2, which the warm-up thread loads at open
            from aiwf_tui.render.summary import render_summary

            text = render_summary(self.ctx.project, self.ctx.plan, complete=self.ctx.project.phase5_complete)
        except Exception as exc:
            return [Static(Text(f"The summary could not be rendered: {exc}", style="red"))]
        # Rich's Markdown treats text as Markdown, never as console markup: [bold] stays literal.
        return [Static(Markdown(clean_text(text)), classes="summary")]
