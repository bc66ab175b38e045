"""Helpers for the render tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

from aiwf_tui.model.plan import SECTIONS, OperationsPlan


def confirmed(plan: OperationsPlan) -> OperationsPlan:
    """The plan with every section confirmed."""
    plan = plan.model_copy(deep=True)
    for key, _title in SECTIONS:
        plan.section(key).status = "confirmed"
    return plan


#: A threshold per metric for tests (the product suggests only what a project states).
SAMPLE_THRESHOLDS = {
    "error_rate": "0.05",
    "latency_p99": "5",
    "latency_p95": "3",
    "throughput": "0.1",
    "drift_score": "0.3",
    "quality_score": "0.8",
    "daily_tokens": "8000000",
    "cache_hit_rate": "0.2",
    "denied_request_rate": "0.05",
    "empty_retrieval_rate": "0.05",
    "vector_db_latency_p99": "0.5",
    "retrieval_latency_p99": "0.8",
}


#: Drift severity band edges for tests: Low 0.1-0.3, Medium 0.3-0.5, High 0.5-0.7, Critical 0.7-1.
SAMPLE_BANDS = (0.1, 0.3, 0.5, 0.7, 1.0)


def sample_number(plan: OperationsPlan, path: str) -> str:
    """A test number for an open number item: a drift band edge or an alert threshold."""
    from aiwf_tui.model.todo import _resolve

    owner, field, _index = _resolve(plan, path)
    if path.startswith("drift.responses["):
        rank = [r.severity for r in plan.drift.responses].index(owner.severity)
        return str(SAMPLE_BANDS[rank] if field == "score_from" else SAMPLE_BANDS[rank + 1])
    return SAMPLE_THRESHOLDS.get(owner.metric, "1")


def sample_answer(item, plan: OperationsPlan) -> str:
    """A plausible answer for an open item, by its kind (the suggestion when there is one)."""

    if item.suggestion is not None:
        return item.suggestion.value
    if item.kind == "number":
        return sample_number(plan, item.path)
    if item.kind == "duration":
        return "5m"
    if item.kind == "url":
        return "https://ops.example.com/fleet/" + item.path.split(".")[-1].replace("_", "-")
    if item.kind == "email":
        return "ml-oncall@example.com"
    if item.kind == "choice":
        return item.choices[0] if item.choices else "Our own approach"
    if item.path == "runbook.components":
        return "API: serves answers\nWorker: ingests documents"
    if item.path == "runbook.dependencies":
        return "LLM provider: no answers\nVector DB: no retrieval"
    if item.kind == "lines":
        return "First step\nSecond step"
    return f"Answer to {item.path}"


def answer_all(plan: OperationsPlan, project=None, skip: tuple[str, ...] = ()) -> OperationsPlan:
    """The plan with every open item answered (as `aiwf plan --set` would) and every section
    confirmed; with `skip`, those paths stay open and every section stays a draft."""
    from aiwf_tui.model.todo import apply_answer, confirm, open_items

    plan = plan.model_copy(deep=True)
    for _round in range(3):
        items = [item for item in open_items(project, plan) if item.path not in skip]
        if not items:
            break
        for item in items:
            apply_answer(project, plan, item.path, sample_answer(item, plan))
    if not skip:
        assert not confirm(project, plan, "all")
    return plan


def ready(plan: OperationsPlan, project=None) -> OperationsPlan:
    """Every open item answered and every section confirmed: what `aiwf render` accepts."""
    return answer_all(plan, project)


def confirm_file(path: Path) -> None:
    """Answer every open item of the plan file at `path` (inside its project) and confirm every section."""
    from aiwf_tui.model import load_project
    from aiwf_tui.model.plan_io import dump_plan, load_plan

    project = load_project(path.parent.parent)
    path.write_text(dump_plan(ready(load_plan(path), project)), encoding="utf-8")


def answered_copy(source: Path, tmp_path: Path) -> Path:
    """A copy of the project at `source` whose plan has every open item answered (sample
    answers, suggestions first) and every section confirmed, as `aiwf plan --set` would leave it."""
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan_io import dump_plan
    from tests.helpers import copy_project

    root = copy_project(source, tmp_path)
    project = load_project(root)
    (root / PLAN_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / PLAN_FILE).write_text(dump_plan(answer_all(new_plan(project), project)), encoding="utf-8")
    return root


def without_day_long_tests(plan: OperationsPlan) -> OperationsPlan:
    """`plan` without the rules whose unit test runs over more than a day of one-minute
    evaluations (the daily token budgets: 7.6 of the 8.4 CPU seconds `promtool test rules` takes
    on the demo). For the tests about something else; every rule's own test runs in
    test_all_checks_pass_for_each_project and test_mutated_rules_fail_their_unit_test."""
    from aiwf_tui.render.prometheus import scenario

    plan.alerting.rules = [
        rule
        for rule in plan.alerting.rules
        if max(scenario(rule, plan.alerting.service, plan.metrics).fire_minutes.values()) <= 24 * 60
    ]
    return plan
