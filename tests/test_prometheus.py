"""Prometheus rules, their promtool unit tests, the Alertmanager config, and `aiwf validate`.

Tests marked by the `tools` fixture run the real promtool/amtool (written against
Prometheus 2.42 and Alertmanager 0.25). Without them, they skip with the reason
locally; under CI (env CI set) a missing or different tool is a failure.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwf_tui.cli import main
from aiwf_tui.layout import ALERTMANAGER_FILE, PROMETHEUS_DIR, ROUTES_TEST_FILE, RULES_FILE, RULES_TEST_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import METRICS, AlertRule, OperationsPlan
from aiwf_tui.model.yamlio import dump_yaml
from aiwf_tui.render import prometheus as prom
from aiwf_tui.render.promql import EXPORTED_METRICS, METRIC_SPECS, is_condition, simple_selector
from aiwf_tui.validate import PINNED, CheckResult, tool_version, validate
from tests.helpers import DEMO_DIR, FIXTURES, REPO, copy_project, examples
from tests.render_helpers import without_day_long_tests

DEMO = DEMO_DIR
PROJECTS = {
    "fleet-docs-assistant": DEMO,
    "support-rag-bot": FIXTURES / "support-rag-bot",
    "contract-finetune": FIXTURES / "contract-finetune",
}
TARGETS = {
    "pagerduty": "ops-oncall",
    "slack": "#ops-alerts",
    "email": "ops-team@example.com",
    "webhook": "https://hooks.example.com/alert",
    "msteams": "https://msteams-bridge.example.com/alerts",
}


# -- helpers -----------------------------------------------------------------------------


def filled_plan(project) -> OperationsPlan:
    """The default plan with channel targets, and a threshold and duration for every rule
    (the workflow's duration; the thresholds are the engineer's, here the tests')."""
    from aiwf_tui.model.defaults import WORKFLOW_DURATION
    from tests.render_helpers import SAMPLE_THRESHOLDS

    plan = new_plan(project)
    for channel in plan.alerting.channels:
        channel.target = TARGETS[channel.kind]
    for rule in plan.alerting.rules:
        if rule.threshold is None:
            rule.threshold = float(SAMPLE_THRESHOLDS.get(rule.metric, "0.1"))
        if rule.duration is None:
            rule.duration = WORKFLOW_DURATION.get(rule.name) or "10m"
    return plan


def write_artifacts(root: Path, project, plan: OperationsPlan) -> Path:
    for rel, text in prom.prometheus_artifacts(project, plan).items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / PROMETHEUS_DIR


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["promtool", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


@pytest.fixture
def demo(tmp_path):
    root = copy_project(DEMO, tmp_path)
    project = load_project(root)
    return root, project, filled_plan(project)


def alerts(rules_text: str) -> dict[str, dict]:
    data = yaml.safe_load(rules_text)
    return {r["alert"]: r for g in data["groups"] for r in g["rules"] if "alert" in r}


# -- the naming convention -------------------------------------------------------------------
def test_every_plan_metric_has_promql():
    assert set(METRIC_SPECS) == set(METRICS)


def test_exported_metrics_cover_every_series_the_rules_read():
    exported = {name for name, _, _ in EXPORTED_METRICS}
    assert all(kind in ("counter", "gauge", "histogram") for _, kind, _ in EXPORTED_METRICS)
    for spec in METRIC_SPECS.values():
        assert set(spec.series) <= exported, spec.metric


def test_docs_list_every_exported_metric():
    text = (REPO / "docs" / "metrics.md").read_text(encoding="utf-8")
    for name, _, _ in EXPORTED_METRICS:
        assert f"`{name}`" in text
    for spec in METRIC_SPECS.values():
        if spec.record:
            assert f"`{spec.record}`" in text


@pytest.mark.parametrize(
    ("promql", "expected"),
    [
        ("foo > 3", True),
        ('sum(rate(x{a!="b"}[5m]))', False),
        ('x{a="<>"}', False),
        ("a / b", False),
        ("a == bool 1", False),  # refused: returns 0 or 1 for every series
        ("foo >", False),  # refused: a syntax error
        ("a > 1 and b", True),
        ("(foo > 3)", True),
    ],
)
def test_custom_promql_with_its_own_comparison_is_used_as_written(promql, expected):
    assert is_condition(promql) is expected


def test_simple_selector():
    assert simple_selector('queue_depth{service="x", tier="a"}') == ("queue_depth", {"service": "x", "tier": "a"})
    assert simple_selector("queue_depth") == ("queue_depth", {})
    assert simple_selector("rate(x[5m])") is None
    assert simple_selector('x{a=~"b"}') is None


# -- alert-rules.yml ---------------------------------------------------------------------------
def test_artifacts_are_the_four_files_and_pure(demo):
    root, project, plan = demo
    first = prom.prometheus_artifacts(project, plan)
    assert set(first) == {
        "phase-5-operations/prometheus/alert-rules.yml",
        "phase-5-operations/prometheus/alert-rules.test.yml",
        "phase-5-operations/prometheus/alertmanager.yml",
        "phase-5-operations/prometheus/alertmanager-routes.test.yml",
        "phase-5-operations/prometheus/prometheusrule.yaml",
    }
    assert prom.prometheus_artifacts(project, plan) == first
    assert list(root.joinpath("phase-5-operations").rglob("*.yml")) == []  # nothing written


def test_one_group_per_category_with_recording_rules_before_their_alerts(demo):
    _, project, plan = demo
    data = yaml.safe_load(prom.prometheus_artifacts(project, plan)[RULES_FILE])
    categories = [g["name"].rsplit("-", 1)[1] for g in data["groups"]]
    assert categories == ["availability", "performance", "quality", "cost", "rag", "security"]
    records_seen: set[str] = set()
    for group in data["groups"]:
        in_group: set[str] = set()
        for rule in group["rules"]:
            if "record" in rule:
                assert rule["record"] not in records_seen, "a recording rule is defined once"
                records_seen.add(rule["record"])
                in_group.add(rule["record"])
                continue
            used = set(re.findall(r"\b(service:[a-z0-9_]+:[a-z0-9_]+)", rule["expr"]))
            assert used <= in_group, f"{rule['alert']} reads a recording rule of another group"
            category = group["name"].rsplit("-", 1)[1]
            assert rule["labels"]["category"] == category


def test_each_alert_carries_its_plan_rule(demo):
    _, project, plan = demo
    found = alerts(prom.prometheus_artifacts(project, plan)[RULES_FILE])
    names = prom.alert_names(plan.alerting.rules)
    assert sorted(found) == sorted(names)  # the file groups them by category
    for name, rule in zip(names, plan.alerting.rules):
        alert = found[name]
        assert alert["for"] == rule.duration
        assert alert["labels"]["severity"] == rule.severity
        assert alert["labels"]["service"] == plan.alerting.service
        assert alert["expr"].endswith(f" {rule.comparator} {rule.condition.split()[-1]}")
        assert alert["annotations"]["runbook_url"] == f"../runbook.md#{rule.runbook_anchor}"
        assert set(alert["annotations"]) == {"summary", "description", "runbook_url"}


def test_runbook_url_from_the_plan(demo):
    _, project, plan = demo
    plan.alerts_config.runbook_url = "https://wiki.example.com/ops/runbook"
    found = alerts(prom.prometheus_artifacts(project, plan)[RULES_FILE])
    assert (
        found["HighErrorRate"]["annotations"]["runbook_url"] == "https://wiki.example.com/ops/runbook#error-rate-high"
    )


def test_alert_names_are_unique_camel_case():
    rules = [
        AlertRule(
            name=n,
            category="availability",
            metric="up",
            comparator="==",
            threshold=0,
            severity="critical",
            runbook_anchor="service-down",
        )
        for n in ("Service down", "service DOWN!", "5xx spike")
    ]
    assert prom.alert_names(rules) == ["ServiceDown", "ServiceDOWN", "Alert5xxSpike"]
    rules[1].name = "Service Down"
    assert prom.alert_names(rules)[:2] == ["ServiceDown", "ServiceDown2"]


@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.sampled_from(list("ab {}[]$`'\"\\:#|>-\n\té")), max_size=40))
def test_plan_wording_reaches_annotations_literally(demo, text):
    _, _project, plan = demo
    plan.alerting.rules[0].description = text
    found = alerts(dump_yaml({"groups": prom.rule_groups(plan)}))
    emitted = found["ServiceDown"]["annotations"]["description"]
    expanded = re.sub(r"\{\{`(\{\{|\}\})`\}\}", lambda m: m.group(1), emitted)
    expected = prom.alert_annotations(plan, plan.alerting.rules[0])["description"]
    assert expanded == expected
    assert " ".join(text.split()) in expected
    assert "{{" not in re.sub(r"\{\{`(\{\{|\}\})`\}\}", "", emitted)


# -- alert-rules.test.yml ----------------------------------------------------------------------
def test_every_default_alert_has_a_unit_test_at_both_edges(demo):
    _, project, plan = demo
    data = yaml.safe_load(prom.prometheus_artifacts(project, plan)[RULES_TEST_FILE])
    assert data["rule_files"] == ["alert-rules.yml"]
    tested = {}
    for test in data["tests"]:
        quiet, firing = test["alert_rule_test"]
        assert quiet["alertname"] == firing["alertname"]
        assert quiet["exp_alerts"] == [] and len(firing["exp_alerts"]) == 1
        gap = int(firing["eval_time"][:-1]) - int(quiet["eval_time"][:-1])
        # One minute apart, except where Prometheus 2 and 3 fire a minute apart (absent's lookback).
        assert gap == (2 if firing["alertname"] == "ServiceTargetsAbsent" else 1)
        tested[firing["alertname"]] = firing["exp_alerts"][0]
    assert list(tested) == prom.alert_names(plan.alerting.rules)
    for name, rule in zip(tested, plan.alerting.rules):
        assert tested[name]["exp_labels"]["severity"] == rule.severity


def test_fire_minute_follows_the_for_duration(demo):
    """A gauge replays its reference incident unsmoothed: 30 more minutes of `for`, 30 minutes later."""
    _, _, plan = demo
    drift = next(r for r in plan.alerting.rules if r.metric == "drift_score")
    sc = prom.scenario(drift, plan.alerting.service)
    assert sc.reference and sc.values[: sc.switch_minute] == [sc.values[0]] * sc.switch_minute
    drift.duration = "90m"
    later = prom.scenario(drift, plan.alerting.service)
    assert later.fire_minute - sc.fire_minute == 30
    assert later.values[: len(sc.values)] == sc.values  # the same incident, replayed longer


def test_a_raised_threshold_fires_later_on_the_same_incident(demo):
    """The reference incident belongs to the metric: the threshold moves the firing minute, not the series."""
    _, _, plan = demo
    for rule in plan.alerting.rules:
        low = prom.scenario(rule, plan.alerting.service, plan.metrics)
        if not low.reference:
            assert low.why_step  # a step, and the reason is given
            continue
        raised = rule.model_copy(
            update={"threshold": rule.threshold * (1.25 if rule.comparator in (">", ">=") else 0.75)}
        )
        high = prom.scenario(raised, plan.alerting.service, plan.metrics)
        assert high.fire_minute > low.fire_minute, rule.name
        # The same incident, shifted by under a minute at most (RAMP_OFFSETS)
        for m in range(low.switch_minute, min(len(low.values), len(high.values)) - 1):
            around = (low.values[m - 1], low.values[m + 1])
            assert min(around) <= high.values[m] <= max(around), (rule.name, m)


def test_untestable_rules_get_a_comment_not_a_test(demo):
    _, project, plan = demo
    with pytest.raises(ValueError, match="can never fire"):
        plan.alerting.rules[1].threshold = 1  # an error ratio > 1 never holds: the plan refuses it
    plan.alerting.rules.append(
        AlertRule(
            name="Queue Backlog",
            category="performance",
            metric="custom",
            promql="sum(rate(queue_items_total[5m]))",
            comparator=">",
            threshold=50,
            duration="5m",
            severity="medium",
            runbook_anchor="queue-backlog",
        )
    )
    text = prom.prometheus_artifacts(project, plan)[RULES_TEST_FILE]
    assert "# QueueBacklog: no unit test - custom PromQL" in text
    names = [t["alert_rule_test"][0]["alertname"] for t in yaml.safe_load(text)["tests"]]
    assert "QueueBacklog" not in names and "ServiceDown" in names


# -- alertmanager.yml ---------------------------------------------------------------------------
def _walk_keys(data):
    if isinstance(data, dict):
        for key, value in data.items():
            yield key, value
            yield from _walk_keys(value)
    elif isinstance(data, list):
        for item in data:
            yield from _walk_keys(item)


def test_alertmanager_routes_by_severity_and_reads_secrets_from_files(demo):
    _, project, plan = demo
    config = yaml.safe_load(prom.prometheus_artifacts(project, plan)[ALERTMANAGER_FILE])
    routes = {r["matchers"][0]: r["receiver"] for r in config["route"]["routes"]}
    assert routes == {
        'severity="critical"': "pagerduty",
        'severity="high"': "slack+email",
        'severity="medium"': "slack",
        'severity="low"': "slack",
    }
    keys = dict(_walk_keys(config))
    for secret in ("routing_key", "service_key", "api_url", "auth_password", "url"):
        assert secret not in keys
    files = [v for k, v in _walk_keys(config) if k.endswith("_file")]
    assert set(files) == {f"/etc/alertmanager/secrets/{n}" for n in ("pagerduty", "slack", "email")}
    assert config["inhibit_rules"] == [
        {
            "source_matchers": ['severity="critical"'],
            "target_matchers": ['severity=~"high|medium|low"'],
            "equal": ["service", "category"],
        }
    ]


def test_a_rule_with_its_own_channels_gets_its_own_route(demo):
    _, project, plan = demo
    plan.alerting.rules[2].channels = ["pagerduty"]  # Latency P99 High (high) pages
    files = prom.prometheus_artifacts(project, plan)
    first = yaml.safe_load(files[ALERTMANAGER_FILE])["route"]["routes"][0]
    assert first == {
        "matchers": ['alertname="LatencyP99High"', f'service="{plan.alerting.service}"'],
        "receiver": "pagerduty",
    }
    tests = yaml.safe_load(files[ROUTES_TEST_FILE])["tests"]
    assert {
        "labels": {"alertname": "LatencyP99High", "severity": "high", "service": plan.alerting.service},
        "receivers": ["pagerduty"],
    } in tests


def test_channel_without_a_target_renders_a_reserved_placeholder(demo):
    """A channel target is a to-do the plan lists; the config stays loadable meanwhile,
    with an undeliverable RFC 2606 address, never an invented real one."""
    _, project, plan = demo
    plan.alerting.channels[2].target = ""
    text = prom.prometheus_artifacts(project, plan)[ALERTMANAGER_FILE]
    config = yaml.safe_load(text)
    emails = [c for r in config["receivers"] for c in r.get("email_configs", [])]
    assert emails and all(c["to"] == prom.TODO_EMAIL for c in emails)


# -- aiwf validate without the tools -------------------------------------------------------------
def test_validate_before_render_says_run_render_first(tmp_path):
    (result,) = validate(tmp_path)
    assert not result.ok and "run aiwf render first" in result.detail


def test_validate_cli_before_render(tmp_path, capsys):
    (tmp_path / "sidecar.yaml").write_text("project_name: before-render\n", encoding="utf-8")  # a project
    assert main(["validate", str(tmp_path)]) == 1
    out = capsys.readouterr()
    assert "FAIL  prometheus files:" in out.out and "run aiwf render first" in out.out


def test_validate_skips_when_no_tool_is_installed(demo, monkeypatch):
    root, project, plan = demo
    write_artifacts(root, project, plan)
    monkeypatch.setenv("PATH", str(root))  # no promtool, no amtool
    results = validate(root)
    assert results and all(r.status == "SKIP" for r in results)
    assert "promtool is not installed" in results[0].detail and "AIWF_PROMTOOL" in results[0].detail
    assert any("amtool is not installed" in r.detail for r in results)


# -- with the real tools --------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize("name", list(PROJECTS))
def test_all_checks_pass_for_each_project(name, tmp_path, tools):
    root = copy_project(PROJECTS[name], tmp_path)
    project = load_project(root)
    write_artifacts(root, project, filled_plan(project))
    results = validate(root)
    assert [r.name for r in results][:3] == ["promtool check rules", "promtool test rules", "amtool check-config"]
    assert len(results) == 3 + 4
    failed = [r.line() + "\n" + r.output for r in results if not r.ok]
    assert not failed, "\n".join(failed)


def test_validate_cli_passes(demo, tools, capsys):
    root, project, plan = demo
    write_artifacts(root, project, without_day_long_tests(plan))
    assert main(["validate", str(root)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("using promtool 2.42") and ", amtool 0.25" in out[0]
    assert len(out) == 9 and all(line.startswith("PASS  ") for line in out[1:8])
    assert out[8].startswith("7 checks")


def test_validate_catches_a_hand_edited_route(demo, tools):
    root, project, plan = demo
    directory = write_artifacts(root, project, without_day_long_tests(plan))
    path = directory / "alertmanager.yml"
    path.write_text(path.read_text().replace("receiver: slack+email", "receiver: slack"))
    results = {r.name: r for r in validate(root)}
    high = results[f"amtool config routes test severity=high service={plan.alerting.service}"]
    assert not high.ok and high.detail == "routes to slack, expected slack+email"
    assert results["amtool check-config"].ok
    rules = directory / "alert-rules.yml"
    rules.write_text(
        rules.read_text().replace(
            'error_ratio:rate5m{service="fleet-docs-assistant"} > 0.05',
            'error_ratio:rate5m{service="fleet-docs-assistant"} > 0.5',
        )
    )
    results = {r.name: r for r in validate(root)}
    assert results["promtool check rules"].ok
    error_rule = next(r for r in plan.alerting.rules if r.metric == "error_rate")
    fires = prom.scenario(error_rule, plan.alerting.service, plan.metrics).fire_minute
    assert results["promtool test rules"].detail.endswith(
        f"FAILED 1: HighErrorRate at {fires}m: expected it firing, got none"
    )


def _mutations(rule: AlertRule) -> list[tuple[str, str]]:
    """(what, mutation) pairs: threshold up and down, `for` one minute longer and shorter, severity."""
    t = rule.threshold
    ups = [("threshold", "1" if t == 0 else repr(t * 1.25)), ("threshold", "-1" if t == 0 else repr(t / 1.25))]
    return [*ups, ("for", "+1m"), ("for", "-1m"), ("severity", "low" if rule.severity != "low" else "high")]


def _mutate(alert: dict, what: str, value: str) -> None:
    if what == "threshold":
        alert["expr"] = re.sub(r"(\S+)$", value, alert["expr"])
    elif what == "for":
        minutes = int(re.fullmatch(r"(\d+)([mh])", alert["for"]).group(1)) * (60 if alert["for"].endswith("h") else 1)
        alert["for"] = f"{minutes + (1 if value == '+1m' else -1)}m"
    else:
        alert["labels"]["severity"] = value


def _mutant(rules: dict, name: str, mutation: tuple[str, str] | None) -> dict:
    """alert-rules.yml with only alert `name` and the recording rules it reads (its own test
    checks only it: leaving out the rest halves the day-long tests' time), the alert mutated
    by `mutation` (None: as written, the control)."""
    for group in rules["groups"]:
        alert = next((r for r in group["rules"] if r.get("alert") == name), None)
        if alert is not None:
            alert = yaml.safe_load(yaml.safe_dump(alert))
            if mutation is not None:
                _mutate(alert, *mutation)
            reads = [r for r in group["rules"] if "record" in r and r["record"] in alert["expr"]]
            return {"groups": [{**group, "rules": [*reads, alert]}]}
    raise AssertionError(f"no alert {name} in alert-rules.yml")


def _passing(output: str) -> set[str]:
    """The test files that `promtool test rules FILE...` reports SUCCESS for."""
    return set(re.findall(r"^Unit Testing:\s+(\S+)\n\s+SUCCESS$", output, re.MULTILINE))


@pytest.mark.slow
def test_mutated_rules_fail_their_unit_test(demo, tools):
    """Change any alert's threshold (by 25%), `for` (by one minute) or severity in alert-rules.yml,
    and promtool test rules fails that alert's own generated test, which passes on the alert as
    written (the control: the whole file's tests pass in test_all_checks_pass_for_each_project).
    Every control and mutant is a test file of its own, all checked by one promtool run."""
    root, project, plan = demo
    directory = write_artifacts(root, project, plan)
    rules = yaml.safe_load((directory / "alert-rules.yml").read_text())
    tests = yaml.safe_load((directory / "alert-rules.test.yml").read_text())
    cases: dict[str, tuple[str, tuple[str, str] | None]] = {}  # test file -> (alert, mutation)
    for name, rule in zip(prom.alert_names(plan.alerting.rules), plan.alerting.rules):
        own = [t for t in tests["tests"] if t["alert_rule_test"][0]["alertname"] == name]
        assert own, f"{name} has no unit test"
        fires = prom.scenario(rule, plan.alerting.service, plan.metrics).fire_minutes
        mutations: list[tuple[str, str] | None] = [None, *_mutations(rule)]
        for mutation in mutations:
            if mutation and mutation[0] == "for" and len(set(fires.values())) > 1:
                continue  # checks a minute apart (Prometheus 2 and 3 differ): a minute's change may pass
            stem = f"case-{len(cases)}"
            (directory / f"{stem}.yml").write_text(yaml.safe_dump(_mutant(rules, name, mutation)))
            (directory / f"{stem}.test.yml").write_text(
                yaml.safe_dump({**tests, "rule_files": [f"{stem}.yml"], "tests": own})
            )
            cases[f"{stem}.test.yml"] = (name, mutation)
    done = promtool("test", "rules", *cases, cwd=directory)
    passing = _passing(done.stdout)
    assert passing <= set(cases) and done.returncode != 0
    failing_controls = [name for file, (name, mutation) in cases.items() if mutation is None and file not in passing]
    assert failing_controls == [], f"own tests fail on the alerts as written: {done.stderr[-2000:]}"
    survived = [
        f"{name}: {' '.join(mutation)}" for file, (name, mutation) in cases.items() if mutation and file in passing
    ]
    assert survived == []


def test_custom_promql_and_wording_hazards_pass_with_promtool(demo, tools):
    root, project, plan = demo
    without_day_long_tests(plan)
    plan.alerting.rules.append(
        AlertRule(
            name="Queue Depth High",
            category="performance",
            metric="custom",
            promql=f'queue_depth{{service="{plan.alerting.service}"}}',
            comparator=">=",
            threshold=200,
            duration="10m",
            severity="high",
            runbook_anchor="queue-depth",
            description='Check {{ticket_text}} and "quotes", [markup] and $value.',
        )
    )
    plan.alerting.rules.append(
        AlertRule(
            name="Queue Stalled",
            category="security",
            metric="custom",
            promql="sum(rate(queue_items_total[5m])) == 0",
            threshold=0,
            duration="5m",
            severity="low",
            runbook_anchor="queue-stalled",
        )
    )
    directory = write_artifacts(root, project, plan)
    text = (directory / "alert-rules.test.yml").read_text()
    assert "QueueDepthHigh" in text and "# QueueStalled: no unit test" in text
    results = validate(root)
    assert all(r.ok for r in results), "\n".join(r.line() + "\n" + r.output for r in results if not r.ok)


def test_pinned_versions_are_installed(tools):
    for tool, pinned in PINNED.items():
        assert tool_version(tool).startswith(pinned)


def test_check_result_line():
    assert CheckResult("x", "PASS", "fine").line() == "PASS  x: fine"
    assert CheckResult("x", "FAIL", "bad").line() == "FAIL  x: bad"
    assert CheckResult("x", "SKIP", "no promtool").line() == "SKIP  x: no promtool"
