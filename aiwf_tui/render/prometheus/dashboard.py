"""grafana/dashboard.json: the runbook's "Key Metrics Dashboard", built with the Grafana
Foundation SDK (Grafana's typed builders, generated from its schemas) rather than hand-written
JSON. Every query is the same per-profile expression the alert rules use, so the dashboard
follows `metrics.profile` and the overrides.

The SDK is imported only when the dashboard is rendered, which keeps `aiwf` start-up fast.
The output is deterministic: panel ids in build order, keys sorted, ASCII only.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from typing import Any, NamedTuple

from aiwf_tui.model.plan import METRICS, AlertRule, OperationsPlan, format_number, slugify
from aiwf_tui.render.profiles import metric_specs
from aiwf_tui.render.prometheus.common import alert_names, service_of

#: Grafana's uid limit.
UID_MAX = 40
#: The threshold line's colour per severity (Grafana's named palette).
SEVERITY_COLOURS = {"critical": "red", "high": "orange", "medium": "yellow", "low": "blue"}
#: Grafana units of the plan metrics (ratios are fractions, latencies seconds).
UNITS = {
    "up": "none",
    "error_rate": "percentunit",
    "cache_hit_rate": "percentunit",
    "empty_retrieval_rate": "percentunit",
    "latency_p99": "s",
    "latency_p95": "s",
    "retrieval_latency_p99": "s",
    "vector_db_latency_p99": "s",
    "throughput": "reqps",
    "daily_tokens": "short",
    "drift_score": "short",
    "quality_score": "short",
}
SCORES = ("quality_score", "drift_score")
RETRIEVAL = ("empty_retrieval_rate", "retrieval_latency_p99", "vector_db_latency_p99")
#: The Prometheus datasource variable every panel reads through.
DATASOURCE_VAR = "datasource"
PANEL_WIDTH = 12
PANEL_HEIGHT = 8


class Line(NamedTuple):
    """One alert drawn on a panel: its name, severity and threshold."""

    alert: str
    severity: str
    comparator: str
    threshold: float
    duration: str


class PanelSpec(NamedTuple):
    """What one panel shows, independent of the SDK: title, queries (legend, PromQL), unit,
    the alerts drawn as threshold lines, and a description."""

    title: str
    queries: tuple[tuple[str, str], ...]
    unit: str = "short"
    lines: tuple[Line, ...] = ()
    description: str = ""
    bounded: bool = False  # a 0-1 score


class RowSpec(NamedTuple):
    title: str
    panels: tuple[PanelSpec, ...]


def dashboard_uid(project_name: str) -> str:
    """A stable uid from the project: `aiwf-<slug>-<hash>`, at most 40 characters; the hash of
    the exact name keeps two projects whose slugs collide apart."""
    digest = hashlib.sha256(project_name.encode("utf-8")).hexdigest()[:8]
    slug = re.sub(r"-+", "-", slugify(project_name))[: UID_MAX - len("aiwf--") - len(digest)].strip("-")
    return f"aiwf-{slug}-{digest}" if slug else f"aiwf-{digest}"


def dashboard_title(project_name: str) -> str:
    return f"{project_name} - operations (aiwf)"


def metric_query(plan: OperationsPlan, metric: str) -> str:
    """The metric's value in the plan's profile (or its override): what the rules compare."""
    override = plan.metrics.overrides.get(metric)
    if override is not None:
        return override.strip()
    return metric_specs(plan.metrics.profile)[metric].expr(service_of(plan))


def token_rate_query(plan: OperationsPlan) -> str | None:
    """Tokens per second in the profile's names: the daily-token expression over 5 minutes."""
    if "daily_tokens" in plan.metrics.overrides:
        return None
    spec = metric_specs(plan.metrics.profile)["daily_tokens"]
    return f"({spec._replace(window='5m').expr(service_of(plan))}) / 300"


def pays_per_token(plan: OperationsPlan) -> bool:
    """A hosted model billed per token: the plan watches tokens or cost, and the profile is not
    a self-hosted vLLM server (billed per GPU hour, not per token)."""
    watched = any(r.category == "cost" or r.metric == "daily_tokens" for r in plan.alerting.rules)
    return watched and plan.metrics.profile != "vllm"


def _describe(lines: tuple[Line, ...]) -> str:
    return "Alerts: " + "; ".join(
        f"{ln.alert} ({ln.severity}: {ln.comparator} {format_number(ln.threshold)} for {ln.duration})" for ln in lines
    )


def alerted_panels(plan: OperationsPlan) -> list[PanelSpec]:
    """One panel per alerted metric (a rule with its own PromQL gets its own), each alert's
    threshold a line in its severity's colour, the alerts' names in the description."""
    groups: dict[str, tuple[str, str, list[Line]]] = {}
    names = alert_names(plan.alerting.rules)
    for name, rule in zip(names, plan.alerting.rules):
        line = Line(name, rule.severity, rule.comparator, rule.threshold_value, rule.duration_value)
        key, title, query = _alerted_query(plan, rule, name)
        groups.setdefault(key, (title, query, []))[2].append(line)
    panels = []
    for key, (title, query, lines) in groups.items():
        ordered = tuple(sorted(lines, key=lambda ln: (ln.threshold, ln.alert)))
        panels.append(
            PanelSpec(
                title=title,
                queries=((key, query),),
                unit=UNITS.get(key, "short"),
                lines=ordered,
                description=_describe(ordered),
                bounded=key in SCORES,
            )
        )
    return panels


def _alerted_query(plan: OperationsPlan, rule: AlertRule, name: str) -> tuple[str, str, str]:
    if rule.promql is not None:
        return f"custom:{name}", f"{name} (custom PromQL)", rule.promql.strip()
    meaning = METRICS.get(rule.metric, "")
    return rule.metric, f"{rule.metric}: {meaning}" if meaning else rule.metric, metric_query(plan, rule.metric)


def dashboard_rows(project: Any, plan: OperationsPlan) -> list[RowSpec]:
    """The dashboard as plain data: overview (RED), alerted metrics, tokens, quality, retrieval."""

    def q(metric: str) -> str:
        return metric_query(plan, metric)

    rows = [
        RowSpec(
            "Overview: requests, errors, duration (RED)",
            (
                PanelSpec("Request rate", (("requests/s", q("throughput")),), "reqps"),
                PanelSpec("Error rate", (("error ratio", q("error_rate")),), "percentunit"),
                PanelSpec("Latency percentiles", (("p95", q("latency_p95")), ("p99", q("latency_p99"))), "s"),
            ),
        )
    ]
    alerted = alerted_panels(plan)
    if alerted:
        rows.append(RowSpec("Alerted metrics", tuple(alerted)))
    if pays_per_token(plan):
        tokens = [PanelSpec("Tokens used, rolling 24 h", (("tokens", q("daily_tokens")),), "short")]
        rate = token_rate_query(plan)
        if rate is not None:
            tokens.append(PanelSpec("Token rate", (("tokens/s", rate),), "short"))
        rows.append(RowSpec("Tokens and cost", tuple(tokens)))
    rows.append(
        RowSpec(
            "Quality and drift",
            (
                PanelSpec("Quality score", (("quality", q("quality_score")),), bounded=True),
                PanelSpec("Drift score", (("drift", q("drift_score")),), bounded=True),
            ),
        )
    )
    if getattr(project, "retrieves", True):
        rows.append(
            RowSpec(
                "Retrieval",
                (
                    PanelSpec("Empty retrievals", (("empty share", q("empty_retrieval_rate")),), "percentunit"),
                    PanelSpec(
                        "Retrieval latency p99",
                        (
                            ("retrieval p99", q("retrieval_latency_p99")),
                            ("vector DB p99", q("vector_db_latency_p99")),
                        ),
                        "s",
                    ),
                ),
            )
        )
    return rows


def _threshold_steps(lines: tuple[Line, ...]) -> list[tuple[float | None, str]]:
    """Grafana threshold steps (a value at or above a step takes its colour). Upper-bound
    alerts: green, then each threshold in its severity's colour. Lower-bound alerts (`<`):
    the lowest threshold's colour below it, green above the highest. A single `==` alert:
    its colour at the value only."""
    if not lines:
        return [(None, "green")]
    ordered = sorted(lines, key=lambda ln: ln.threshold)
    if all(ln.comparator in ("<", "<=") for ln in ordered):
        steps: list[tuple[float | None, str]] = [(None, SEVERITY_COLOURS[ordered[0].severity])]
        for i, ln in enumerate(ordered):
            nxt = ordered[i + 1] if i + 1 < len(ordered) else None
            steps.append((ln.threshold, SEVERITY_COLOURS[nxt.severity] if nxt else "green"))
        return steps
    steps = [(None, "green"), *((ln.threshold, SEVERITY_COLOURS[ln.severity]) for ln in ordered)]
    if len(ordered) == 1 and ordered[0].comparator == "==":
        # `up == 0`: only the value itself is the alert's colour.
        steps.append((math.nextafter(ordered[0].threshold, math.inf), "green"))
    return steps


def build_dashboard(project: Any, plan: OperationsPlan) -> Any:
    """The SDK's Dashboard model (imported here, not at module load)."""
    from grafana_foundation_sdk.builders import common as common_b
    from grafana_foundation_sdk.builders import dashboard as dash
    from grafana_foundation_sdk.builders import prometheus as prom
    from grafana_foundation_sdk.builders import timeseries
    from grafana_foundation_sdk.models import common as common_m
    from grafana_foundation_sdk.models import dashboard as dash_m

    name = getattr(project, "name", None) or plan.project_name
    source = dash_m.DataSourceRef(type_val="prometheus", uid="${" + DATASOURCE_VAR + "}")
    builder = (
        dash.Dashboard(dashboard_title(name))
        .uid(dashboard_uid(name))
        .tags(["aiwf", "llm-operations"])
        .description(f"Phase 5 operations dashboard of {name} (service label {service_of(plan)}), generated by aiwf")
        .editable()
        .time("now-6h", "now")
        .refresh("1m")
        .timezone("browser")
        .tooltip(dash_m.DashboardCursorSync.CROSSHAIR)
        .with_variable(dash.DatasourceVariable(DATASOURCE_VAR).label("Prometheus").type("prometheus"))
    )
    panel_id = 0
    for row in dashboard_rows(project, plan):
        panel_id += 1
        builder = builder.with_row(dash.Row(row.title).id(panel_id))
        for spec in row.panels:
            panel_id += 1
            panel = (
                timeseries.Panel()
                .id(panel_id)
                .title(spec.title)
                .datasource(source)
                .unit(spec.unit)
                .span(PANEL_WIDTH)
                .height(PANEL_HEIGHT)
                .line_width(1)
                .fill_opacity(10)
            )
            if spec.description:
                panel = panel.description(spec.description)
            if spec.bounded:
                panel = panel.min(0).max(1)
            steps = _threshold_steps(spec.lines)
            panel = panel.thresholds(
                dash.ThresholdsConfig()
                .mode(dash_m.ThresholdsMode.ABSOLUTE)
                .steps([dash_m.Threshold(value=v, color=c) for v, c in steps])
            ).thresholds_style(
                common_b.GraphThresholdsStyleConfig().mode(
                    common_m.GraphThresholdsStyleMode.LINE if spec.lines else common_m.GraphThresholdsStyleMode.OFF
                )
            )
            for i, (legend, expr) in enumerate(spec.queries):
                panel = panel.with_target(
                    prom.Dataquery().expr(expr).legend_format(legend).ref_id(chr(ord("A") + i)).range()
                )
            builder = builder.with_panel(panel)
    return builder.build()


def render_dashboard(project: Any, plan: OperationsPlan) -> str:
    """dashboard.json: the SDK's model as JSON, keys sorted, ASCII, one trailing newline."""
    model = build_dashboard(project, plan.with_answered_rules())  # open rules have no line to draw yet
    return json.dumps(model.to_json(), indent=2, sort_keys=True, ensure_ascii=True, default=_to_json) + "\n"


def _to_json(obj: Any) -> Any:
    to_json = getattr(obj, "to_json", None)
    if callable(to_json):
        return to_json()
    raise TypeError(f"not JSON serializable: {type(obj).__name__}")
