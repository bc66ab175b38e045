"""Metric profiles: the rules read the metrics the service really exports (vLLM's, the
OpenTelemetry GenAI conventions', or aiwf's own), suggested from the earlier decisions."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import PLAN_FILE, RULES_FILE, RULES_TEST_FILE, RUNBOOK_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.metrics_profile import suggest_profile
from aiwf_tui.model.plan_io import dump_plan, load_plan, parse_plan
from aiwf_tui.render.profiles import PROFILES, metric_specs, own_metrics
from aiwf_tui.render.prometheus import prometheus_artifacts
from aiwf_tui.render.runbook import render_runbook
from tests.render_helpers import answer_all, confirm_file
from tests.waiting import pilot_wait_until

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
DEMO = REPO / "aiwf_tui" / "demo" / "fleet-docs-assistant"


def exprs(rules_text: str) -> str:
    return "\n".join(r["expr"] for g in yaml.safe_load(rules_text)["groups"] for r in g["rules"])


def test_a_self_hosted_vllm_project_is_suggested_the_vllm_profile():
    suggestion = suggest_profile(load_project(FIXTURES / "contract-finetune"))
    assert suggestion.profile == "vllm" and suggestion.source == "IP-001"
    assert "vLLM" in suggestion.reasoning
    assert suggest_profile(load_project(FIXTURES / "support-rag-bot")).profile == "aiwf"


def test_vllm_fixture_renders_rules_over_vllm_names_after_confirming(tmp_path):
    project_dir = Path(shutil.copytree(FIXTURES / "contract-finetune", tmp_path / "contract-finetune"))
    done = subprocess.run(
        [sys.executable, "-m", "aiwf_tui", "plan", str(project_dir)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert load_plan(project_dir / PLAN_FILE).metrics.profile == "vllm"  # suggested, prefilled
    confirm_file(project_dir / PLAN_FILE)
    done = subprocess.run(
        [sys.executable, "-m", "aiwf_tui", "render", str(project_dir)],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rules = exprs((project_dir / RULES_FILE).read_text(encoding="utf-8"))
    assert "vllm:e2e_request_latency_seconds_bucket" in rules
    assert "vllm:request_success_total" in rules
    assert "_tokens_total" not in rules  # self-hosted: no token budget alerts
    assert 'http_requests_total{service="contract-finetune", status="5xx"}' in rules
    assert "llm_request_duration_seconds_bucket" not in rules
    # vLLM has no drift score and no denied-request count: aiwf's names, listed to export.
    assert "llm_drift_score" in rules and "llm_requests_denied_total" in rules
    runbook = (project_dir / RUNBOOK_FILE).read_text(encoding="utf-8")
    assert "### Metrics From vLLM" in runbook and "### Export These Metrics" in runbook
    export = runbook.split("### Export These Metrics")[1]
    assert "`llm_drift_score`" in export and "`llm_requests_denied_total`" in export
    assert "`llm_requests_total`" in export  # the denied ratio's denominator, from the same exporter


def test_opentelemetry_genai_yields_gen_ai_rules():
    project = load_project(FIXTURES / "support-rag-bot")
    plan = answer_all(new_plan(project), project)
    plan.metrics.profile = "opentelemetry-genai"
    files = prometheus_artifacts(project, plan)
    rules = exprs(files[RULES_FILE])
    assert "gen_ai_client_operation_duration_seconds_bucket" in rules
    assert 'gen_ai_client_operation_duration_seconds_count{service="support-rag-bot", error_type!=""}' in rules
    assert "gen_ai_client_token_usage_sum" in rules
    # Only the denied-request ratio (no OpenTelemetry GenAI source) reads aiwf's request counter.
    assert [line for line in rules.splitlines() if "llm_requests_total{" in line] == [
        line for line in rules.splitlines() if "llm_requests_denied_total{" in line
    ]
    tests = yaml.safe_load(files[RULES_TEST_FILE])["tests"]
    series = {s["series"].split("{")[0] for t in tests for s in t["input_series"]}
    assert {"gen_ai_client_operation_duration_seconds_bucket", "gen_ai_client_token_usage_sum"} <= series


def test_every_upstream_name_is_documented_with_its_profile():
    text = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    for profile in PROFILES.values():
        assert f"`{profile.name}`" in text
        for metric, spec in profile.specs.items():
            assert f"`{metric}`" in text or metric in text
            for name in spec.series:
                assert name in text, f"{profile.name}: {name} missing from docs/metrics.md"
    for name in ("gen_ai.client.operation.duration", "gen_ai.client.token.usage", "vllm:num_requests_waiting"):
        assert name in text


def test_a_metric_a_profile_lacks_keeps_aiwf_name_and_is_listed_to_export():
    specs = metric_specs("vllm")
    assert specs["drift_score"].series == ("llm_drift_score",)
    rows = own_metrics("vllm", ["error_rate", "drift_score", "quality_score"])
    assert [r[0] for r in rows] == ["llm_drift_score", "llm_quality_score"]
    assert [r[0] for r in own_metrics("opentelemetry-genai", ["cache_hit_rate", "throughput"])] == [
        "llm_requests_total",
        "llm_cache_hits_total",
    ]


def test_the_runbook_snippet_is_valid_python():
    project = load_project(FIXTURES / "contract-finetune")
    plan = answer_all(new_plan(project), project)
    runbook = render_runbook(project, plan)
    snippet = re.search(r"```python\n(.*?)```", runbook, re.DOTALL).group(1)
    compile(snippet, "snippet", "exec")
    assert "Gauge('llm_drift_score'" in snippet and "Counter('rag_retrievals'" in snippet


def test_overrides_replace_a_metric_and_are_parsed(demo_dir):
    project = load_project(demo_dir)
    plan = answer_all(new_plan(project), project)
    override = 'sum(rate(gateway_errors_total{route="chat"}[5m])) / sum(rate(gateway_requests_total[5m]))'
    plan.metrics.overrides = {"error_rate": override}
    rules = exprs(prometheus_artifacts(project, plan)[RULES_FILE])
    assert f"({override}) > 0.05" in rules
    text = dump_plan(plan).replace(override, "sum(rate(gateway_errors_total[5m])")
    with pytest.raises(AiwfError, match=r"metrics.overrides: .*error_rate: PromQL unclosed left parenthesis at column"):
        parse_plan(text, "operations-plan.yaml")
    with pytest.raises(ValueError, match="not a condition"):
        plan.metrics.overrides = {"error_rate": "gateway_errors_total > 3"}
    with pytest.raises(ValueError, match="not a plan metric"):
        plan.metrics.overrides = {"nonsense": "x"}


@pytest.fixture
def tools():
    if shutil.which("promtool") is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("CI requires promtool")
        pytest.skip("promtool is not installed")


@pytest.mark.tools
@pytest.mark.parametrize("profile", ["vllm", "opentelemetry-genai"])
def test_promtool_passes_every_profile(tools, tmp_path, profile):
    project = load_project(FIXTURES / "contract-finetune")
    plan = answer_all(new_plan(project), project)
    plan.metrics.profile = profile
    for rel, text in prometheus_artifacts(project, plan).items():
        (tmp_path / Path(rel).name).write_text(text, encoding="utf-8")
    for args in (["check", "rules", "alert-rules.yml"], ["test", "rules", "alert-rules.test.yml"]):
        done = subprocess.run(
            ["promtool", *args], cwd=tmp_path, check=False, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr


async def test_the_monitoring_section_offers_the_suggested_profile(tmp_path):
    from textual.widgets import Static

    from aiwf_tui.widgets.field_view import FieldView
    from tests.app_helpers import make_app, wait_loaded
    from tests.helpers import copy_project

    app = make_app(copy_project(FIXTURES / "contract-finetune", tmp_path))
    async with app.run_test(size=(160, 50)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("monitoring")
        await pilot_wait_until(pilot, lambda: any(isinstance(f, FieldView) for f in app.screen.query(FieldView)))
        texts = " ".join(str(s.render()) for s in app.screen.query(Static))
        assert "Where the alert rules read their metrics" in texts
        assert "Suggested: vllm - IP-001 serves the model with vLLM" in texts
        fields = [f for f in app.screen.query(FieldView) if getattr(f, "obj", None) is app.ctx.plan.metrics]
        assert len(fields) == 1
