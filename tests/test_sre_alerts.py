"""Alerts an SRE would keep: service-level and instance-level `up`, an alert when the service
vanishes from scraping, inhibition scoped to the service and alert family, and the option of
critical/warning/info severity labels."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import yaml

from aiwf_tui.layout import ALERTMANAGER_FILE, ROUTES_TEST_FILE, RULES_FILE, RULES_TEST_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.edit import EditError, set_field
from aiwf_tui.render.prometheus import prometheus_artifacts
from aiwf_tui.render.prometheus.alertmanager import route_tests
from tests.render_helpers import answer_all, without_day_long_tests

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "aiwf_tui" / "demo" / "fleet-docs-assistant"


def demo():
    project = load_project(DEMO)
    return project, answer_all(new_plan(project), project)


def alerts(files) -> dict[str, dict]:
    return {r["alert"]: r for g in yaml.safe_load(files[RULES_FILE])["groups"] for r in g["rules"] if "alert" in r}


def test_service_down_is_the_whole_service_and_instance_down_each_target():
    project, plan = demo()
    rules = alerts(prometheus_artifacts(project, plan))
    assert rules["ServiceDown"]["expr"] == 'max by (job) (up{job="fleet-docs-assistant"}) == 0'
    assert rules["ServiceDown"]["labels"]["severity"] == "critical"
    assert rules["InstanceDown"]["expr"] == 'up{job="fleet-docs-assistant"} == 0'
    assert rules["InstanceDown"]["labels"]["severity"] == "high"
    assert rules["ServiceTargetsAbsent"]["expr"] == 'absent(up{job="fleet-docs-assistant"}) == 1'


def test_each_availability_alert_has_a_unit_test_with_its_labels():
    project, plan = demo()
    tests = yaml.safe_load(prometheus_artifacts(project, plan)[RULES_TEST_FILE])["tests"]
    firing = {
        t["alert_rule_test"][1]["alertname"]: t["alert_rule_test"][1]["exp_alerts"][0]["exp_labels"] for t in tests
    }
    assert "instance" not in firing["ServiceDown"] and firing["ServiceDown"]["job"] == "fleet-docs-assistant"
    assert firing["InstanceDown"]["instance"] == "fleet-docs-assistant:8080"
    assert firing["ServiceTargetsAbsent"]["job"] == "fleet-docs-assistant"


def test_inhibition_is_scoped_to_the_service_and_the_alert_family():
    project, plan = demo()
    (rule,) = yaml.safe_load(prometheus_artifacts(project, plan)[ALERTMANAGER_FILE])["inhibit_rules"]
    assert rule["equal"] == ["service", "category"]
    assert rule["source_matchers"] == ['severity="critical"']


def test_critical_warning_info_labels_keep_the_plan_level_in_priority():
    project, plan = demo()
    plan.alerting.severity_labels = "critical-warning-info"
    files = prometheus_artifacts(project, plan)
    rules = alerts(files)
    assert rules["ServiceDown"]["labels"]["severity"] == "critical"
    assert rules["LatencyP99High"]["labels"] == {
        "severity": "warning",
        "priority": "high",
        "service": "fleet-docs-assistant",
        "category": "performance",
    }
    assert rules["ThroughputDrop"]["labels"]["severity"] == "warning"
    config = yaml.safe_load(files[ALERTMANAGER_FILE])
    assert config["inhibit_rules"][0]["source_matchers"] == ['priority="critical"']
    assert {m for r in config["route"]["routes"] for m in r["matchers"]} >= {'priority="high"', 'priority="medium"'}
    tests = route_tests(plan)
    assert {t["labels"]["severity"] for t in tests} == {"critical", "warning", "info"}
    pagerduty = next(r for r in config["receivers"] if r["name"] == "pagerduty")["pagerduty_configs"][0]
    assert ".CommonLabels.priority" in pagerduty["severity"]


def test_the_options_are_edited_as_choices():
    _, plan = demo()
    assert set_field(plan.alerting, "severity_labels", "critical-warning-info")
    assert set_field(plan.metrics, "profile", "vllm")
    with pytest.raises(EditError, match="critical-high-medium-low, critical-warning-info"):
        set_field(plan.alerting, "severity_labels", "p1-p2")
    with pytest.raises(EditError, match="aiwf, opentelemetry-genai, vllm, custom"):
        set_field(plan.metrics, "profile", "datadog")


@pytest.mark.tools
@pytest.mark.parametrize("scheme", ["critical-high-medium-low", "critical-warning-info"])
def test_promtool_and_amtool_pass_both_severity_schemes(scheme):
    if shutil.which("promtool") is None or shutil.which("amtool") is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("CI requires promtool and amtool")
        pytest.skip("promtool or amtool is not installed")
    from aiwf_tui.validate import validate

    project, plan = demo()
    without_day_long_tests(plan)  # their tests replay two days; test_prometheus runs them
    plan.alerting.severity_labels = scheme
    with tempfile.TemporaryDirectory() as folder:
        for rel, text in prometheus_artifacts(project, plan).items():
            (Path(folder) / Path(rel).name).write_text(text, encoding="utf-8")
        results = validate(folder)
        assert results and all(r.status == "PASS" for r in results), [r.line() for r in results]
        routes = yaml.safe_load((Path(folder) / Path(ROUTES_TEST_FILE).name).read_text(encoding="utf-8"))
        assert len(routes["tests"]) == 4
    assert subprocess.run(["amtool", "--version"], check=False, capture_output=True).returncode == 0
