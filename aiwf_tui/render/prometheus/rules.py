"""alert-rules.yml: one rule group per category; each alert is preceded (in the same group,
so evaluation order is fixed) by the recording rule it reads."""

from __future__ import annotations

from typing import Any

from aiwf_tui.model.plan import ALERT_CATEGORIES, AlertRule, MetricsPlan, OperationsPlan, format_number, slugify
from aiwf_tui.model.yamlio import dump_yaml
from aiwf_tui.render.prometheus.common import (
    alert_annotations,
    alert_names,
    header,
    metric_spec,
    rule_labels,
    rule_promql,
    service_of,
    template_literal,
)
from aiwf_tui.render.promql import is_condition


def rule_groups(plan: OperationsPlan) -> list[dict[str, Any]]:
    """One group per category (workflow order); recording rules before the alerts reading them.

    A recording rule lives in the first group that needs it; an alert in a later group
    uses the recorded expression inline, because groups run concurrently and reading
    another group's output would make the alert (and its unit test) depend on timing.
    """
    service = service_of(plan)
    names = alert_names(plan.alerting.rules)
    recorded: set[str] = set()
    groups: list[dict[str, Any]] = []
    for category in ALERT_CATEGORIES:
        members = [(n, r) for n, r in zip(names, plan.alerting.rules) if r.category == category]
        if not members:
            continue
        rules: list[dict[str, Any]] = []
        local: set[str] = set()
        for name, rule in members:
            spec = metric_spec(rule, plan.metrics)
            if spec is not None and spec.record and spec.record not in recorded:
                rules.append({"record": spec.record, "expr": spec.expr(service)})
                recorded.add(spec.record)
                local.add(spec.record)
            rules.append(
                {
                    "alert": name,
                    "expr": alert_expr(
                        rule, service, use_record=spec is not None and spec.record in local, metrics=plan.metrics
                    ),
                    "for": rule.duration_value,
                    # Prometheus expands rule label values as Go templates too.
                    "labels": {k: template_literal(v) for k, v in rule_labels(plan, rule).items()},
                    "annotations": {k: template_literal(v) for k, v in alert_annotations(plan, rule).items()},
                }
            )
        groups.append({"name": f"{slugify(service) or 'service'}-{category}", "rules": rules})
    return groups


def alert_expr(rule: AlertRule, service: str, use_record: bool = True, metrics: MetricsPlan | None = None) -> str:
    """The alert's PromQL condition."""
    threshold = format_number(rule.threshold_value)
    promql = rule_promql(rule, metrics)
    if promql is not None:
        if is_condition(promql):
            return promql.strip()
        return f"({promql.strip()}) {rule.comparator} {threshold}"
    spec = metric_spec(rule, metrics)
    assert spec is not None  # no custom PromQL: the profile maps the metric
    value = spec.value(service) if use_record else spec.expr(service)
    if " " in value and spec.record is not None and not use_record:
        value = f"({value})"
    return f"{value} {rule.comparator} {threshold}"


def alert_rules_yaml(project_name: str, plan: OperationsPlan, groups: list[dict[str, Any]]) -> str:
    """The rule file; `groups`: the plan's `rule_groups` (the PrometheusRule carries the same)."""
    return header(project_name, plan) + dump_yaml({"groups": groups})
