"""10. Project files: the diff of every file the write will create or change; `w` writes,
after explicit confirmation, all or nothing."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from aiwf_tui.screens.section import SectionView, bullet_list, heading, para
from aiwf_tui.widgets.preview import PreviewPane


class ProjectFilesSection(SectionView):
    KEY = "files"
    TITLE = "Project files"

    def intro(self) -> Text:
        return Text(
            "Writing marks the sidecar complete (steps 1-7, Phase 5 complete, op-00N decisions), appends the "
            "operations decisions to decision-log.md, gives project-spec.md its Operations section, and writes "
            "the runbook, the alerts config and the Prometheus files. Review the diff below; press w to write "
            "(you will be asked to confirm). Nothing is written before that, and earlier decisions are never edited."
        )

    def blocks(self):
        plan = self.ctx.plan
        widgets = []
        drafts = plan.drafts()
        if drafts:
            widgets.append(heading("Not yet confirmed (writing is refused until each is confirmed)"))
            widgets.append(para(bullet_list(drafts, "yellow")))
        from aiwf_tui.model.defaults import todos

        items = todos(plan)
        if items:
            widgets.append(heading(f"To do ({len(items)} answers still empty; they are written as to-do markers)"))
            widgets.append(para(bullet_list(items[:40], "dim")))
        widgets.append(heading("Changes"))
        widgets.append(Static(Text("Computing the diff…", style="dim italic"), id="files-status"))
        diff = PreviewPane(id="files-diff", diff=True)
        diff.styles.height = 30
        widgets.append(diff)
        return widgets

    def on_mount(self) -> None:
        super().on_mount()
        self.app.compute_diff(self)  # type: ignore[attr-defined]

    def show_diff(self, summary: str, diff: str) -> None:
        self.query_one("#files-status", Static).update(Text(summary))
        self.query_one("#files-diff", PreviewPane).show_text(diff or "(no changes)", "diff")
