"""10. Project files: the diff of every file the write will create or change; `w` writes,
after explicit confirmation, all or nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.widget import Widget
from textual.widgets import Static

from aiwf_tui.errors import AiwfError
from aiwf_tui.model.todo import open_items
from aiwf_tui.sections.base import SectionView, bullet_list, heading, para
from aiwf_tui.widgets.preview import PreviewPane

if TYPE_CHECKING:
    from aiwf_tui.model.plan import OperationsPlan


class ProjectFilesView(SectionView):
    KEY = "files"
    TITLE = "Project files"

    def intro(self) -> Text:
        return Text(
            "Writing marks the sidecar complete (steps 1-7, Phase 5 complete, op-00N decisions), appends the "
            "operations decisions to decision-log.md, gives project-spec.md its Operations section, and writes "
            "the runbook, the alerts config and the Prometheus files. Review the diff below; press w to write "
            "(you will be asked to confirm). Nothing is written before that, and earlier decisions are never edited."
        )

    def blocks(self) -> list[Widget]:
        plan = self.ctx.plan
        widgets: list[Widget] = []
        drafts = plan.drafts()
        if drafts:
            widgets.append(heading("Not yet confirmed (writing is refused until each is confirmed)"))
            widgets.append(para(bullet_list(drafts, "yellow")))
        items = open_items(self.ctx.project, plan)
        if items:
            widgets.append(
                heading(f"To do ({len(items)} answers still open; writing is refused until each is answered)")
            )
            lines = [item.line() for item in items[:40]] + (
                [f"... and {len(items) - 40} more"] if len(items) > 40 else []
            )
            widgets.append(para(bullet_list(lines, "dim")))
        widgets.append(heading("Changes"))
        widgets.append(Static(Text("Computing the diff…", style="dim italic"), id="files-status"))
        diff = PreviewPane(id="files-diff", diff=True)
        diff.styles.height = 30
        widgets.append(diff)
        return widgets

    def on_mount(self) -> None:
        super().on_mount()
        self.compute_diff(self.ctx.plan.model_copy(deep=True))

    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def compute_diff(self, plan: OperationsPlan) -> None:
        """Render every artifact from a copy of the plan and diff it against the disk, off the UI thread."""
        try:
            # lazy: the renderers load Jinja2, which the warm-up thread loads at open
            from aiwf_tui.publish import diff_all
            from aiwf_tui.render.artifacts import render_all

            files = render_all(self.ctx.project, plan, self.ctx.today)
            diff = diff_all(self.ctx.project, files)
            summary = f"{len(files)} files rendered; the diff below shows every file created or changed."
        except AiwfError as exc:
            summary, diff = "Cannot render yet:", "\n".join(exc.lines())
        except Exception as exc:  # a diff must never take the app down
            summary, diff = "Cannot render yet:", str(exc)
        self.app.call_from_thread(self.show_diff, summary, diff)

    def show_diff(self, summary: str, diff: str) -> None:
        if not self.is_attached:
            return
        self.query_one("#files-status", Static).update(Text(summary))
        self.query_one("#files-diff", PreviewPane).show_text(diff or "(no changes)", "diff")
