"""5. Alerting: channels, routing by severity, alert rules, and the design principles."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict
from rich.text import Text
from textual.binding import Binding
from textual.containers import Vertical

from aiwf_tui.model.plan import AlertRule, Channel, Principle
from aiwf_tui.render.prometheus.common import alert_names, service_of
from aiwf_tui.sections.base import SectionView, heading
from aiwf_tui.widgets.alert_plot import AlertPlot
from aiwf_tui.widgets.drill_timeline import DrillTimeline
from aiwf_tui.widgets.editable_table import Column, EditableTable, TableSpec
from aiwf_tui.widgets.side_by_side import SideBySide
from aiwf_tui.widgets.validation_status import ValidationStatus


class RoutingFields(BaseModel):
    """The routing mapping (severity -> channel names) as four editable fields;
    `AlertingView.after_edit` copies it back into the plan."""

    model_config = ConfigDict(validate_assignment=True)

    critical: list[str] = []
    high: list[str] = []
    medium: list[str] = []
    low: list[str] = []


#: The rules table and the alert plot sit side by side from this width of the section (cells), one
#: above the other below it. Measured on the demo: the plot needs 58 cells (its caption in four
#: lines, axis ticks and legend whole); at 160 that leaves the table 101, where each of its eleven
#: columns keeps 7 cells or more and numbers stay whole; at 150, 5 cells (Name "Serv…"), little
#: better than under the plot at 120x40 (4). A 200-column terminal with the sidebar gives 164.
PLOT_BESIDE_MIN_WIDTH = 160


class AlertingView(SectionView):
    KEY = "alerting"
    DEFAULT_CSS = """
    AlertingView #rules-and-plot > .rules-column { width: 1fr; height: auto; }
    AlertingView #rules-and-plot.-beside > AlertPlot { width: 36%; min-width: 58; height: 19; margin: 0 0 1 1; }
    AlertingView #rules-and-plot.-beside > AlertPlot > .alert-plot-caption { max-height: 5; }
    """
    TITLE = "Alerting"
    PLAN_KEY = "alerting"
    QUESTIONS = ("channels_answer", "notify_answer")
    BINDINGS = [
        Binding(
            "escape",
            "stop_checks",
            "Stop",
            id="alerting.stop_checks",
            tooltip="Stop promtool and amtool checking the written files, and the fire drill",
        ),
        Binding(
            "r",
            "run_drill",
            "Drill",
            id="alerting.run_drill",
            tooltip="Fire every alert through a real Prometheus and Alertmanager (aiwf drill) and show when "
            "each fired and where it was routed",
        ),
    ]

    def intro(self) -> Text:
        t = Text()
        t.append("Why: ", style="bold")
        t.append(
            "alerts exist to get the right person to act. Availability problems are critical and page; "
            "performance and security are high; quality (accuracy drop, drift) and cost are medium. Every "
            "alert must be actionable (a runbook anchor), prioritized, deduplicated, contextual and tested: "
            "aiwf writes Prometheus rules with unit tests that prove each alert fires at its threshold and "
            "duration, and not before."
        )
        t.append("\nUnits: ", style="bold")
        t.append(
            "ratios are fractions (0.05 = 5%), latencies are seconds, throughput is requests per second, "
            "daily_tokens counts a rolling 24 hours. Durations look like 5m, 1h, 1h30m."
        )
        return t

    def blocks(self):
        m = self.model
        routing = RoutingFields(**{k: list(v) for k, v in m.routing.items()})
        self._routing = routing
        rows = [
            self.field(m, "channels_answer", "What alerting channels do you use?"),
            self.field(m, "notify_answer", "Who should be notified for different severity levels?"),
        ]
        rows += self.knowledge_notes(m.knowledge_refs)
        rows += self.table(
            TableSpec(
                "Channels",
                lambda: m.channels,
                [Column("name", "Name"), Column("kind", "Kind"), Column("target", "Target (no secrets)")],
                lambda: Channel(name=f"channel-{len(m.channels) + 1}", kind="slack"),
                self.KEY,
                note="Secrets never go here: Alertmanager reads keys and webhook URLs from files.",
            )
        )
        rows.append(heading("Routing by severity (channel names, one per line)"))
        for severity in ("critical", "high", "medium", "low"):
            rows.append(self.field(routing, severity, severity.capitalize()))
        rows.append(
            self.field(
                m,
                "severity_labels",
                "Severity labels the rules carry (critical-high-medium-low, or critical-warning-info for "
                "Alertmanager setups that route on those; the plan's level then travels in `priority`)",
            )
        )
        title, *table = self.table(
            TableSpec(
                "Alert rules",
                lambda: m.rules,
                [
                    Column("name", "Name"),
                    Column("category", "Category"),
                    Column("metric", "Metric"),
                    Column("comparator", "Op"),
                    Column("threshold", "Threshold"),
                    Column("duration", "For"),
                    Column("severity", "Severity"),
                    Column("channels", "Channels"),
                    Column("runbook_anchor", "Runbook anchor"),
                    Column("promql", "PromQL (instead of Metric)"),
                    Column("description", "Description"),
                ],
                lambda: AlertRule(
                    name="New alert",
                    category="quality",
                    metric="quality_score",
                    comparator="<",
                    threshold=0.8,
                    duration="1h",
                    severity="medium",
                    channels=list(m.routing.get("medium", [])),
                    runbook_anchor="quality-drop",
                ),
                self.KEY,
            )
        )
        rows.append(title)
        rows.append(
            SideBySide(
                Vertical(*table, classes="rules-column"),
                AlertPlot(id="alert-plot"),
                min_width=PLOT_BESIDE_MIN_WIDTH,
                id="rules-and-plot",
            )
        )
        rows.append(heading("Alerts that provably fire (promtool / amtool on the written files)"))
        rows.append(ValidationStatus(self.ctx.project.root, id="validation-status"))
        rows.append(heading("Fire drill (aiwf drill: every alert through a real Prometheus and Alertmanager)"))
        rows.append(DrillTimeline(id="drill-timeline"))
        rows += self.table(
            TableSpec(
                "Alert design principles",
                lambda: m.principles,
                [
                    Column("principle", "Principle"),
                    Column("description", "Description"),
                    Column("how", "How this plan meets it"),
                ],
                lambda: Principle(principle="New principle"),
                self.KEY,
            )
        )
        return rows

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # The footer asks while the section is still being composed or already being removed
        # (a burst of n/p): a part not mounted yet runs nothing.
        if action == "stop_checks":
            return self._part_running(ValidationStatus) or self._part_running(DrillTimeline)
        if action == "run_drill":
            return bool(self.query(DrillTimeline)) and not self._part_running(DrillTimeline)
        return super().check_action(action, parameters)

    def _part_running(self, part: type[ValidationStatus] | type[DrillTimeline]) -> bool:
        found = self.query(part)
        return bool(found) and found.first().running

    def action_stop_checks(self) -> None:
        """Stop promtool and amtool, and the fire drill (escape while they run)."""
        self.query_one(ValidationStatus).cancel()
        self.query_one(DrillTimeline).cancel()

    def action_run_drill(self) -> None:
        """Run the fire drill on the plan as it is now; the app stays usable meanwhile."""
        timeline = self.query_one(DrillTimeline)
        timeline.start(self.ctx.project, self.ctx.plan)
        timeline.scroll_visible(animate=False)

    def on_mount(self) -> None:  # SectionView's on_mount runs too (Textual walks the MRO)
        self.redraw_alert()

    def on_data_table_cell_highlighted(self, event: EditableTable.CellHighlighted) -> None:
        if isinstance(event.data_table, EditableTable) and event.data_table.spec.title == "Alert rules":
            self.redraw_alert()

    def redraw_alert(self) -> None:
        """Draw the rule under the rules table's cursor (the first one until it moves)."""
        rules = self.model.rules
        table = next((t for t in self.query(EditableTable) if t.spec.title == "Alert rules"), None)
        index = table.cursor_coordinate.row if table is not None else 0
        rule = rules[index] if 0 <= index < len(rules) else None
        name = alert_names(rules)[index] if rule is not None else ""
        self.query_one(AlertPlot).show_rule(name, rule, service_of(self.ctx.plan), self.ctx.plan.metrics)

    def after_edit(self) -> None:
        """Copy the routing fields back into the plan's mapping; redraw the alert."""
        self.redraw_alert()
        r = self._routing
        self.model.routing = {
            "critical": list(r.critical),
            "high": list(r.high),
            "medium": list(r.medium),
            "low": list(r.low),
        }

    def section_problem(self) -> str | None:
        r = self._routing
        candidate = {"critical": list(r.critical), "high": list(r.high), "medium": list(r.medium), "low": list(r.low)}
        declared = {c.name for c in self.model.channels}
        for names in candidate.values():
            for name in names:
                if name not in declared:
                    return f"channel {name!r} is not declared under Channels (declared: {', '.join(sorted(declared))})"
        return super().section_problem()
