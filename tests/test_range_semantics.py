"""Every generated promtool unit test holds under Prometheus 2 (closed range windows) and 3
(left-open): its input series are expanded here from the file's own text, replayed through the
model under both semantics, and each expectation (quiet, then firing) is checked against both."""

from __future__ import annotations

import itertools
import math
import re
from pathlib import Path

import pytest
import yaml

from aiwf_tui.layout import RULES_TEST_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import METRICS, AlertRule, check_can_fire, duration_seconds
from aiwf_tui.render.prometheus import prometheus_artifacts
from aiwf_tui.render.prometheus.common import alert_names, metric_spec
from aiwf_tui.render.prometheus.scenarios import SEMANTICS, _extrapolated, evaluate, firing_states, scenario
from tests.render_helpers import answer_all

REPO = Path(__file__).resolve().parents[1]
PROJECTS = [
    REPO / "aiwf_tui" / "demo" / "fleet-docs-assistant",
    REPO / "tests" / "fixtures" / "support-rag-bot",
    REPO / "tests" / "fixtures" / "contract-finetune",
]


def expand(values: str) -> list[float]:
    """promtool's expanding notation (`a+bxn`, `a-bxn`, `axn`), as promtool computes it."""
    out: list[float] = []
    for term in values.split():
        if term.startswith("_"):  # missing samples: `_`, or `_xN` for N of them
            out += [math.nan] * (int(term[2:]) if term.startswith("_x") else 1)
            continue
        m = re.fullmatch(r"(-?[\d.]+)(?:([+-])([\d.]+))?x(\d+)", term)
        if not m:
            out.append(float(term))
            continue
        start, sign, step, times = m.groups()
        delta = float(step or 0) * (-1 if sign == "-" else 1)
        out += [float(start) + delta * k for k in range(int(times) + 1)]
    return out


def le_of(series: str) -> float | None:
    m = re.search(r'le="([^"]+)"', series)
    return None if m is None or m.group(1) == "+Inf" else float(m.group(1))


def check_file(plan, text: str) -> int:
    """Check each test of an alert-rules.test.yml under both semantics; returns how many were checked."""
    rules = dict(zip(alert_names(plan.alerting.rules), plan.alerting.rules))
    checked = 0
    for test in yaml.safe_load(text)["tests"]:
        name = test["alert_rule_test"][0]["alertname"]
        rule = rules[name]
        spec = metric_spec(rule, plan.metrics)
        kind = "gauge" if spec is None else spec.kind
        window = 0 if spec is None else duration_seconds(spec.window) // 60
        raw = [expand(s["values"]) for s in test["input_series"]]
        bounds = tuple(le_of(s["series"]) for s in test["input_series"])
        for major, left_open in SEMANTICS.items():
            values = evaluate(
                kind, window, raw, left_open=left_open, quantile=spec.quantile if spec else 0.0, bounds=bounds
            )
            states = firing_states(values, rule.comparator, rule.threshold, duration_seconds(rule.duration))
            for check in test["alert_rule_test"]:
                minute = int(check["eval_time"].removesuffix("m"))
                assert states[minute] == bool(check["exp_alerts"]), f"{name} at {minute}m under Prometheus {major}"
        checked += 1
    return checked


@pytest.mark.parametrize("profile", ["aiwf", "vllm", "opentelemetry-genai"])
@pytest.mark.parametrize("source", PROJECTS, ids=lambda p: p.name)
def test_each_projects_tests_hold_under_prometheus_2_and_3(source, profile):
    project = load_project(source)
    plan = answer_all(new_plan(project), project)
    plan.metrics.profile = profile
    assert check_file(plan, prometheus_artifacts(project, plan)[RULES_TEST_FILE]) == len(plan.alerting.rules)


def test_a_grid_of_thresholds_and_durations_holds_under_both():
    """Every metric, each comparator, thresholds on both sides of typical values, short and long `for`."""
    project = load_project(PROJECTS[0])
    plan = new_plan(project)
    thresholds = {"up": [0, 1], "daily_tokens": [5e5, 8e6]}
    rules = []
    # `absent()` reads 1 or nothing, never a value to compare: its own test covers it.
    shown = [m for m in METRICS if m != "targets_absent"]
    for metric, comparator, duration in itertools.product(shown, (">", "<", ">=", "<="), ("1m", "7m", "1h")):
        for threshold in thresholds.get(metric, [0.05, 0.3, 2.5, 40]):
            try:
                check_can_fire(metric, comparator, threshold)
            except ValueError:
                continue  # the plan refuses an alert that can never change state (a share above 1)
            rules.append(
                AlertRule(
                    name=f"{metric} {comparator} {threshold} {duration}",
                    category="performance",
                    metric=metric,
                    comparator=comparator,
                    threshold=threshold,
                    duration=duration,
                    severity="medium",
                    runbook_anchor="latency-high",
                    description="",
                )
            )
    plan.alerting.rules = rules
    text = prometheus_artifacts(project, plan)[RULES_TEST_FILE]
    checked = check_file(plan, text)
    assert checked == len(rules)


def test_left_open_windows_hold_one_sample_fewer():
    counter = [60.0 * k for k in range(20)]  # 1/s, sampled every minute
    assert _extrapolated(counter, 10, 5, True, left_open=False) == pytest.approx(1.0)
    assert _extrapolated(counter, 10, 5, True, left_open=True) == pytest.approx(1.0)
    step = [1000.0] * 10 + [1000.0 + 600.0 * k for k in range(1, 10)]  # flat to minute 9, then 10/s
    # Minute 11: [6m, 11m] holds six samples over 300 s (no extrapolation): 1200 / 300 s;
    # (6m, 11m] holds five over 240 s, extrapolated to the window's start: 1500 / 300 s.
    assert _extrapolated(step, 11, 5, True, left_open=False) == pytest.approx(4.0)
    assert _extrapolated(step, 11, 5, True, left_open=True) == pytest.approx(5.0)


def test_where_the_versions_differ_the_checks_straddle_both():
    project = load_project(PROJECTS[0])
    plan = answer_all(new_plan(project), project)
    differing: list[str] = []
    for rule in plan.alerting.rules:
        sc = scenario(rule, plan.alerting.service or plan.project_name)
        assert set(sc.fire_minutes) == {2, 3}
        assert sc.quiet_minute < min(sc.fire_minutes.values()) and sc.fire_minute == max(sc.fire_minutes.values())
        if len(set(sc.fire_minutes.values())) > 1:
            differing.append(rule.metric)
    # The margins find series where both versions agree to the minute, except for `absent`: a
    # sample exactly 5 minutes old is still in Prometheus 2's lookback and no longer in 3's.
    assert differing == ["targets_absent"]
