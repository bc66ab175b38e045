"""phase-5-operations/runbook.md: the workflow's runbook (step file section 7), filled from the plan."""

from __future__ import annotations

from typing import Any

from aiwf_tui.layout import DASHBOARD_FILE
from aiwf_tui.model.plan import AlertRule, OperationsPlan
from aiwf_tui.model.project import Project
from aiwf_tui.render.environment import render_template
from aiwf_tui.render.markdown import code_span, fence_for, oneline, or_todo, todo
from aiwf_tui.render.prometheus.dashboard import dashboard_uid
from aiwf_tui.render.promql import EXPORTED_METRICS

FINAL_ROLLBACK_STEPS = ("Verify rollback successful", "Notify stakeholders")


#: Series every service exports whatever its rules (Prometheus' own `up`, the request counters).
BASE_SERIES = ("up", "llm_requests_total", "llm_requests_errors_total", "llm_request_duration_seconds")


def required_metrics(plan: OperationsPlan) -> list[tuple[str, str, str]]:
    """The exported series the plan's alert rules read (plus the base request series): a
    project without retrieval, a cache or token alerts is not asked to export their metrics."""
    from aiwf_tui.render.promql import METRIC_SPECS

    needed = set(BASE_SERIES)
    for rule in plan.alerting.rules:
        spec = METRIC_SPECS.get(rule.metric) if rule.promql is None else None
        if spec is not None:
            needed.update(spec.series)
    return [row for row in EXPORTED_METRICS if row[0] in needed]


def _step(text: str) -> str:
    """A resolution step: `If X: ` with nothing after the colon gets a to-do marker."""
    if text.rstrip().endswith(":") or (":" in text and not text.split(":", 1)[1].strip()):
        return text.rstrip() + " " + todo("steps")
    return text


def alert_condition(rule: AlertRule) -> str:
    """The condition an alert fires on, as every artifact writes it (runbook, spec, alerts
    config; the Prometheus rules say the same in PromQL): `metric > threshold`, custom PromQL
    with its comparator and threshold, or custom PromQL that is a whole condition as written."""
    from aiwf_tui.render.promql import is_condition

    if rule.promql is not None:
        promql: str = rule.promql
        if is_condition(promql):
            return promql.strip()
        return f"{promql.strip()} {rule.comparator} {rule.threshold_text}"
    return rule.condition


def issue_views(plan: OperationsPlan) -> list[dict[str, Any]]:
    """Each runbook issue; its first symptoms are the alerts that link to it, written from
    the rules themselves (the one source of every threshold, duration and severity)."""
    views = []
    for issue in plan.runbook.issues:
        alerts = [
            f"Alert {oneline(rule.name)}: {code_span(oneline(alert_condition(rule)))} for {rule.duration_text} ({rule.severity})"
            if rule.answered
            else f"Alert {oneline(rule.name)}: " + todo(f"threshold and duration of {oneline(rule.name)}")
            for rule in plan.alerting.rules
            if rule.runbook_anchor == issue.anchor
        ]
        views.append(
            {
                "anchor": issue.anchor,
                "title": issue.title,
                "symptoms": alerts + list(issue.symptoms),
                "diagnosis": list(issue.diagnosis),
                "resolution": [_step(s) for s in issue.resolution],
                "escalation": or_todo(issue.escalation, "who to escalate to, and after how long"),
            }
        )
    return views


def render_runbook(project: Project, plan: OperationsPlan) -> str:
    """runbook.md for `project` from `plan` (pure)."""
    rb = plan.runbook
    steps = list(rb.full_rollback_steps) or [todo("rollback steps")]
    steps += [s for s in FINAL_ROLLBACK_STEPS if s not in steps]
    commands_text = "\n".join(c.command for c in rb.commands)
    return render_template(
        "runbook.md.j2",
        name=project.name,
        architecture=project.architecture_label,
        retrieves=project.retrieves,
        rb=rb,
        issues=issue_views(plan),
        full_rollback_steps=steps,
        commands_fence=fence_for(commands_text),
        dashboard_default=f"`{DASHBOARD_FILE}` (import it into Grafana; uid `{dashboard_uid(project.name)}`)",
        **metrics_appendix(plan),
    )


def instrumentation_snippet(rows: list[tuple[str, str, str]], service: str) -> str:
    """prometheus_client code declaring each metric the service must export itself."""
    if not rows:
        return ""
    classes = {"counter": "Counter", "gauge": "Gauge", "histogram": "Histogram"}
    used = sorted({classes[kind] for _, kind, _ in rows if kind in classes})
    lines = [f"from prometheus_client import {', '.join(used)}", ""]
    for name, kind, meaning in rows:
        if kind not in classes:
            continue
        # prometheus_client adds `_total` to a counter's name itself.
        declared = name.removesuffix("_total") if kind == "counter" else name
        variable = declared.upper()
        lines.append(f"{variable} = {classes[kind]}({declared!r}, {' '.join(meaning.split())!r}, ['service'])")
    lines.append("")
    service_text = repr(service)
    for name, kind, _ in rows:
        variable = (name.removesuffix("_total") if kind == "counter" else name).upper()
        call = {"counter": "inc()", "gauge": "set(value)", "histogram": "observe(seconds)"}.get(kind)
        if call:
            lines.append(f"{variable}.labels(service={service_text}).{call}")
    return "\n".join(lines)


def metrics_appendix(plan: OperationsPlan) -> dict[str, Any]:
    """The appendix's metric tables: with the `aiwf` profile every metric the rules may read; with
    another, the source metrics the rules read and the ones the service must export itself."""
    from aiwf_tui.render.profiles import PROFILES, metric_specs, own_metrics

    profile = PROFILES.get(plan.metrics.profile, PROFILES["aiwf"])
    if not profile.specs:
        return {"exported_metrics": required_metrics(plan), "upstream_metrics": [], "snippet": ""}
    service = plan.alerting.service.strip() or plan.project_name
    used = list(dict.fromkeys(r.metric for r in plan.alerting.rules if r.promql is None))
    specs = metric_specs(profile.name)
    upstream = [
        (metric, profile.specs[metric].upstream, specs[metric].expr(service))
        for metric in used
        if metric in profile.specs and metric not in plan.metrics.overrides
    ]
    rows = own_metrics(profile.name, [m for m in used if m not in plan.metrics.overrides])
    snippet = instrumentation_snippet(rows, service)
    return {
        "exported_metrics": rows,
        "upstream_metrics": upstream,
        "profile_title": profile.title,
        "profile_convention": profile.convention,
        "service": service,
        "snippet": snippet,
        "snippet_fence": fence_for(snippet),
    }
