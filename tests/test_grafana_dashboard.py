"""grafana/dashboard.json: built with the Grafana Foundation SDK, read back through its model;
a panel for every alerted metric carrying the alert's threshold in its severity's colour;
retrieval panels only for a project that retrieves; every query in the profile's names."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from grafana_foundation_sdk.models.dashboard import Dashboard

from aiwf_tui.layout import DASHBOARD_FILE, PROMETHEUS_RULE_FILE, RULES_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.yamlio import load_plain
from aiwf_tui.render.artifacts import check_artifacts, render_all
from aiwf_tui.render.prometheus.common import alert_names
from aiwf_tui.render.prometheus.dashboard import (
    RETRIEVAL,
    SEVERITY_COLOURS,
    dashboard_uid,
    metric_query,
    render_dashboard,
)
from tests.render_helpers import answer_all
from tests.test_prometheus_operator import validate

FIXTURES = Path(__file__).resolve().parent / "fixtures"


def setup(fixture: str):
    """The fixture with every threshold answered (they start open, and open rules get no panel)."""
    project = load_project(FIXTURES / fixture)
    return project, answer_all(new_plan(project), project)


def panels(data: dict) -> list[dict]:
    return [p for p in data["panels"] if p["type"] != "row"]


def exprs(panel: dict) -> list[str]:
    return [t["expr"] for t in panel.get("targets", [])]


@pytest.mark.parametrize("fixture", ["support-rag-bot", "blocked-nogo"])
def test_the_dashboard_round_trips_through_the_sdk_model(fixture):
    project, plan = setup(fixture)
    text = render_dashboard(project, plan)
    data = json.loads(text)
    model = Dashboard.from_json(data)
    assert json.loads(json.dumps(model.to_json(), default=lambda o: o.to_json())) == data
    assert data["uid"] == dashboard_uid(project.name) and len(data["uid"]) <= 40
    assert project.name in data["title"]
    (variable,) = data["templating"]["list"]
    assert (variable["type"], variable["query"]) == ("datasource", "prometheus")
    assert all(p["datasource"]["uid"] == "${datasource}" for p in panels(data))
    ids = [p["id"] for p in data["panels"]]
    assert ids == sorted(set(ids))
    assert render_dashboard(project, plan) == text  # deterministic


@pytest.mark.parametrize("fixture", ["support-rag-bot", "blocked-nogo", "contract-finetune"])
def test_every_alerted_metric_has_a_panel_with_its_threshold_and_name(fixture):
    project, plan = setup(fixture)
    data = json.loads(render_dashboard(project, plan))
    assert plan.alerting.rules
    for name, rule in zip(alert_names(plan.alerting.rules), plan.alerting.rules):
        query = metric_query(plan, rule.metric)
        (panel,) = [p for p in panels(data) if name in p.get("description", "")]
        assert exprs(panel) == [query]
        steps = panel["fieldConfig"]["defaults"]["thresholds"]["steps"]
        colour = SEVERITY_COLOURS[rule.severity]
        assert any(s["value"] == rule.threshold and s["color"] == colour for s in steps) or (
            rule.comparator in ("<", "<=") and any(s["value"] == rule.threshold for s in steps)
        ), (name, steps)
        assert panel["fieldConfig"]["defaults"]["custom"]["thresholdsStyle"]["mode"] == "line"


def test_retrieval_panels_only_where_the_project_retrieves():
    rag = json.loads(render_dashboard(*setup("support-rag-bot")))
    tuned = json.loads(render_dashboard(*setup("blocked-nogo")))
    rag_series = ("rag_retrieval", "rag_vector_db", "rag_retrievals")
    assert any(s in e for p in panels(rag) for e in exprs(p) for s in rag_series)
    assert not any(s in e for p in panels(tuned) for e in exprs(p) for s in rag_series)
    assert not any(m in p["title"] for p in panels(tuned) for m in RETRIEVAL)
    assert "Retrieval" not in [p["title"] for p in tuned["panels"] if p["type"] == "row"]


def test_queries_follow_the_metric_profile():
    project, plan = setup("contract-finetune")
    assert plan.metrics.profile == "vllm"
    text = render_dashboard(project, plan)
    assert "vllm:e2e_request_latency_seconds_bucket" in text and "llm_request_duration_seconds" not in text
    plan.metrics.profile = "aiwf"
    assert "llm_request_duration_seconds_bucket" in render_dashboard(project, plan)


def test_hostile_project_and_label_text_stays_data(fixture_copy):
    hostile = 'Bot "quoted" {{ x }} {braces}\nline two </script>'
    root = fixture_copy("support-rag-bot")
    sidecar = root / "sidecar.yaml"
    text = sidecar.read_text(encoding="utf-8")
    sidecar.write_text(
        re.sub(r"^project_name: .*$", "project_name: " + json.dumps(hostile), text, count=1, flags=re.M),
        encoding="utf-8",
    )
    project = load_project(root)
    assert project.name == hostile.replace("\n", " ")  # the project model keeps names on one line
    plan = new_plan(project)
    plan.alerting.service = 'svc"}\n{x="1'
    plan.alerting.rules[0].name = 'Down "now" {{ $labels }}'
    files = render_all(project, plan, "2026-03-10")
    assert check_artifacts(project, plan, files) == []
    data = json.loads(files[DASHBOARD_FILE])
    assert data["title"].startswith(project.name)
    assert files[DASHBOARD_FILE].isascii()
    assert len(data["uid"]) <= 40 and data["uid"].replace("-", "").isalnum()
    assert any('service="svc\\"}\\n{x=\\"1"' in e for p in panels(data) for e in exprs(p))
    Dashboard.from_json(data)
    resource = load_plain(files[PROMETHEUS_RULE_FILE], PROMETHEUS_RULE_FILE)
    validate(resource)
    assert resource["spec"]["groups"] == load_plain(files[RULES_FILE], RULES_FILE)["groups"]


def test_the_sdk_is_imported_only_when_the_dashboard_renders():
    code = (
        "import sys\n"
        "from aiwf_tui.cli import main\n"
        "import aiwf_tui.render.artifacts, aiwf_tui.render.runbook\n"
        "print('grafana_foundation_sdk' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == "False", result.stdout + result.stderr
