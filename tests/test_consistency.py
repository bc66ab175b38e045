"""One story across every artifact (issue 14): each alert's threshold, duration and channel
come from the rule data alone, so changing them changes the runbook, alerts-config.yaml,
the Prometheus rules, Alertmanager's routes and the spec's tables together."""

from __future__ import annotations

import pytest
import yaml

from aiwf_tui.layout import ALERTMANAGER_FILE, ALERTS_CONFIG_FILE, PROJECT_SPEC, RULES_FILE, RUNBOOK_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import format_number
from aiwf_tui.render.artifacts import render_all
from aiwf_tui.render.prometheus import alert_names
from tests.render_helpers import answer_all


def _config_rules(text: str) -> dict[str, dict]:
    data = yaml.safe_load(text)
    return {r["name"]: r for key, rules in data.items() if key != "defaults" for r in rules}


def _receiver_for(config: dict, alertname: str, severity: str) -> str:
    """The receiver Alertmanager picks for an alert (first matching route)."""
    for route in config["route"].get("routes", []):
        matchers = route.get("matchers", [])
        labels = {"alertname": alertname, "severity": severity}
        if all(_matches(m, labels) for m in matchers):
            return route["receiver"]
    return config["route"]["receiver"]


def _matches(matcher: str, labels: dict[str, str]) -> bool:
    name, _, value = matcher.partition("=")
    name = name.strip()
    if name not in labels:
        return True  # `service` and other labels every alert carries
    return labels[name] == value.strip().strip('"')


@pytest.mark.parametrize("name", ["support-rag-bot", "contract-finetune"])
def test_changing_each_threshold_duration_and_channel_changes_every_artifact(fixture_copy, name):
    project = load_project(fixture_copy(name))
    plan = answer_all(new_plan(project), project)
    plan.alerting.channels.append(plan.alerting.channels[0].model_copy(update={"name": "oncall-2"}))
    for i, rule in enumerate(plan.alerting.rules):
        if rule.metric != "up":
            rule.threshold = (rule.threshold or 1) * 0.5 + i / 1000  # halved: a share stays a share
        rule.duration = f"{7 + i}m"
        rule.channels = ["oncall-2"] if i % 2 else ["slack"]
    files = render_all(project, plan, "2026-01-01")
    config = _config_rules(files[ALERTS_CONFIG_FILE])
    prom = {r["alert"]: r for g in yaml.safe_load(files[RULES_FILE])["groups"] for r in g["rules"] if "alert" in r}
    alertmanager = yaml.safe_load(files[ALERTMANAGER_FILE])
    runbook, spec = files[RUNBOOK_FILE], files[PROJECT_SPEC]
    for alert, rule in zip(alert_names(plan.alerting.rules), plan.alerting.rules):
        threshold = format_number(rule.threshold)
        condition = f"{rule.metric} {rule.comparator} {threshold}"
        entry = config[rule.name]
        assert entry["condition"] == condition and entry["duration"] == rule.duration
        assert entry["channel"] == rule.channels[0]
        assert prom[alert]["for"] == rule.duration and prom[alert]["expr"].endswith(f"{rule.comparator} {threshold}")
        assert _receiver_for(alertmanager, alert, rule.severity) == rule.channels[0]
        assert f"Alert {rule.name}: `{condition}` for {rule.duration} ({rule.severity})" in runbook
        assert f"| {rule.name} | {rule.category} | {condition} | {rule.duration} | {rule.severity} |" in spec
