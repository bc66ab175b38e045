"""grafana/dashboard.json: the runbook's "Key Metrics Dashboard". Every query is the same
per-profile expression the alert rules use, so the dashboard follows `metrics.profile` and the
overrides.

The JSON is exactly what the Grafana Foundation SDK (Grafana's typed builders, generated from
its schemas) builds for it: the tests build every dashboard with the SDK too and compare the
two byte for byte (`tests/grafana_sdk.py`), and read it back through the SDK's model; `aiwf`
itself writes the same data without importing the SDK. The output is deterministic: panel ids
in build order, keys sorted, ASCII only.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, replace
from typing import Any

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


@dataclass(frozen=True)
class Line:
    """One alert drawn on a panel: its name, severity and threshold."""

    alert: str
    severity: str
    comparator: str
    threshold: float
    duration: str


@dataclass(frozen=True)
class PanelSpec:
    """What one panel shows, independent of the SDK: title, queries (legend, PromQL), unit,
    the alerts drawn as threshold lines, and a description."""

    title: str
    queries: tuple[tuple[str, str], ...]
    unit: str = "short"
    lines: tuple[Line, ...] = ()
    description: str = ""
    bounded: bool = False  # a 0-1 score


@dataclass(frozen=True)
class RowSpec:
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
    return f"({replace(spec, window='5m').expr(service_of(plan))}) / 300"


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


#: Grafana's grid: 24 columns; a row takes a line of its own.
GRID_WIDTH = 24


def dashboard_data(project: Any, plan: OperationsPlan) -> dict[str, Any]:
    """The dashboard as the JSON model Grafana reads: exactly what Grafana's Foundation SDK
    builders produce for it (a test builds it with the SDK and compares the two byte for byte,
    on every fixture and on generated plans), written as plain data because importing the SDK
    was ~16 ms of every `aiwf render`. Panels are laid out as the SDK's dashboard builder does:
    left to right, a new line once the 24 columns are full, a row below everything before it."""
    name = getattr(project, "name", None) or plan.project_name
    source = {"type": "prometheus", "uid": "${" + DATASOURCE_VAR + "}"}
    panels: list[dict[str, Any]] = []
    x = y = tallest = 0  # where the next panel goes; the tallest panel of the line being filled
    panel_id = 0
    for row in dashboard_rows(project, plan):
        panel_id += 1
        row_y = y + tallest
        panels.append(
            {
                "collapsed": False,
                "gridPos": {"h": 1, "w": GRID_WIDTH, "x": 0, "y": row_y},
                "id": panel_id,
                "panels": [],
                "title": row.title,
                "type": "row",
            }
        )
        x, y, tallest = 0, row_y + 1, 0
        for spec in row.panels:
            panel_id += 1
            panels.append(_panel(spec, panel_id, source, x, y))
            x += PANEL_WIDTH
            tallest = max(tallest, PANEL_HEIGHT)
            if x >= GRID_WIDTH:
                x, y, tallest = 0, y + tallest, 0
    return {
        "annotations": {},
        "description": f"Phase 5 operations dashboard of {name} (service label {service_of(plan)}), generated by aiwf",
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,  # shared crosshair
        "panels": panels,
        "refresh": "1m",
        "schemaVersion": 41,
        "tags": ["aiwf", "llm-operations"],
        "templating": {
            "list": [
                {
                    "allowCustomValue": True,
                    "auto": False,
                    "auto_count": 30,
                    "auto_min": "10s",
                    "includeAll": False,
                    "label": "Prometheus",
                    "multi": False,
                    "name": DATASOURCE_VAR,
                    "query": "prometheus",
                    "skipUrlSync": False,
                    "type": "datasource",
                }
            ]
        },
        "time": {"from": "now-6h", "to": "now"},
        "timezone": "browser",
        "title": dashboard_title(name),
        "uid": dashboard_uid(name),
    }


def _panel(spec: PanelSpec, panel_id: int, source: dict[str, str], x: int, y: int) -> dict[str, Any]:
    """One time series panel: its queries, unit, and the alerts' thresholds as coloured lines."""
    defaults: dict[str, Any] = {
        "custom": {
            "fillOpacity": 10,
            "lineWidth": 1,
            "thresholdsStyle": {"mode": "line" if spec.lines else "off"},
        },
        "thresholds": {
            "mode": "absolute",
            "steps": [{"color": colour, "value": value} for value, colour in _threshold_steps(spec.lines)],
        },
        "unit": spec.unit,
    }
    if spec.bounded:
        defaults.update(min=0, max=1)
    panel: dict[str, Any] = {
        "datasource": dict(source),
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "gridPos": {"h": PANEL_HEIGHT, "w": PANEL_WIDTH, "x": x, "y": y},
        "id": panel_id,
        "repeatDirection": "h",
        "targets": [
            {"expr": expr, "instant": False, "legendFormat": legend, "range": True, "refId": chr(ord("A") + i)}
            for i, (legend, expr) in enumerate(spec.queries)
        ],
        "title": spec.title,
        "transparent": False,
        "type": "timeseries",
    }
    if spec.description:
        panel["description"] = spec.description
    return panel


def render_dashboard(project: Any, plan: OperationsPlan) -> str:
    """dashboard.json: keys sorted, ASCII, one trailing newline."""
    data = dashboard_data(project, plan.with_answered_rules())  # open rules have no line to draw yet
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=True) + "\n"
