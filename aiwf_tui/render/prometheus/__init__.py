"""Prometheus alerting rules, their promtool unit tests, and the Alertmanager config.

`prometheus_artifacts(project, plan)` turns the plan's alert rules into files real
monitoring systems load, under `phase-5-operations/prometheus/`:

- `alert-rules.yml`: one rule group per category; each alert is preceded (in the same
  group, so evaluation order is fixed) by the recording rule it reads.
- `alert-rules.test.yml`: for every alert, input series that cross its threshold, and
  two checks: at the last evaluation before `for` elapses nothing fires; at the next
  one the alert fires with exactly its labels and annotations.
- `alertmanager.yml`: routes by severity to the plan's channels, a critical alert
  inhibits lesser ones of the same service, secrets read from files.
- `alertmanager-routes.test.yml`: which receivers each severity must reach
  (`aiwf validate` checks them with `amtool config routes test`).
- `prometheusrule.yaml`: the same rule groups as a Prometheus Operator `PrometheusRule`.

Everything is data dumped by a YAML emitter; no string templates. One module per file
(`rules`, `scenarios` for the unit tests, `alertmanager`), what they share in `common`.
"""

from __future__ import annotations

from typing import Any

from aiwf_tui.layout import (
    ALERTMANAGER_FILE,
    PROMETHEUS_RULE_FILE,
    ROUTES_TEST_FILE,
    RULES_FILE,
    RULES_TEST_FILE,
)
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.render.prometheus.alertmanager import (
    TODO_EMAIL,
    TODO_URL,
    alertmanager_config,
    alertmanager_yaml,
    receiver_name,
    route_tests,
    routes_test_yaml,
    routing_plan,
)
from aiwf_tui.render.prometheus.common import (
    AMTOOL_VERSION,
    PROMTOOL_VERSION,
    SECRETS_DIR,
    alert_annotations,
    alert_names,
)
from aiwf_tui.render.prometheus.operator import prometheus_rule, prometheus_rule_yaml
from aiwf_tui.render.prometheus.rules import alert_rules_yaml, rule_groups
from aiwf_tui.render.prometheus.scenarios import Untestable, alert_rules_test_yaml, rule_tests, scenario


def prometheus_artifacts(project: Any, plan: OperationsPlan) -> dict[str, str]:
    """Every Prometheus/Alertmanager file for the plan, keyed by path relative to the project.
    Rules whose threshold or duration is still open are left out (a draft lists them)."""
    name = getattr(project, "name", None) or plan.project_name
    plan = plan.with_answered_rules()
    groups = rule_groups(plan)  # both rule files carry them
    return {
        RULES_FILE: alert_rules_yaml(name, plan, groups),
        RULES_TEST_FILE: alert_rules_test_yaml(name, plan),
        ALERTMANAGER_FILE: alertmanager_yaml(name, plan),
        ROUTES_TEST_FILE: routes_test_yaml(name, plan),
        PROMETHEUS_RULE_FILE: prometheus_rule_yaml(name, plan, groups),
    }


__all__ = [
    "AMTOOL_VERSION",
    "PROMTOOL_VERSION",
    "SECRETS_DIR",
    "TODO_EMAIL",
    "TODO_URL",
    "Untestable",
    "alert_annotations",
    "alert_names",
    "alertmanager_config",
    "prometheus_artifacts",
    "prometheus_rule",
    "receiver_name",
    "route_tests",
    "routing_plan",
    "rule_groups",
    "rule_tests",
    "scenario",
]
