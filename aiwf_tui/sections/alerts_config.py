"""8. The alerts config template: every `{{PLACEHOLDER}}` and the value it gets."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from aiwf_tui.render.alerts_config import placeholder_values
from aiwf_tui.sections.base import SectionView, heading


class AlertsConfigView(SectionView):
    KEY = "alerts_config"
    TITLE = "Alerts config"
    PLAN_KEY = "alerts_config"
    PREVIEW_DEFAULT = True
    QUESTIONS = ("runbook_url",)

    def intro(self) -> Text:
        return Text(
            "The workflow's alerts-config template (phase-5-operations/templates/alerts-config.template.yaml) "
            "keeps {{PLACEHOLDERS}}; alerts-config.yaml gets the values. Thresholds and channels come from "
            "the alerting section (one source of truth: edit them there); here you say where the runbook "
            "is published, so every alert links its section."
        )

    def blocks(self):
        return [
            self.field(
                self.model, "runbook_url", "RUNBOOK_URL: where runbook.md is published (each alert links #anchor)"
            ),
            heading("Placeholder values"),
            Static(self.placeholder_table(), id="placeholder-table"),
        ]

    def placeholder_table(self) -> Table | Text:
        try:
            values = placeholder_values(self.ctx.plan)
        except Exception as exc:  # the renderer reports its own problems on write
            return Text(f"Placeholder values unavailable: {exc}", style="red")
        table = Table(show_edge=False, header_style="bold")
        table.add_column("Placeholder")
        table.add_column("Value")
        for name, value in values.items():
            table.add_row(Text(name), Text(value) if value else Text("to do", style="yellow italic"))
        return table

    def after_edit(self) -> None:
        """The placeholder values follow every edit of the runbook URL."""
        self.refresh_views()

    def refresh_views(self) -> None:
        super().refresh_views()
        self.query_one("#placeholder-table", Static).update(self.placeholder_table())
