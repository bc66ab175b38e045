"""The final menu's free-text queries are answered from the project: the alert or decision a
query names, with its numbers as the plan holds them, then the menu again."""

from __future__ import annotations

from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.queries import MENU_HINT, answer_query
from tests.helpers import DEMO_DIR
from tests.render_helpers import answer_all


def demo():
    project = load_project(DEMO_DIR)
    return project, answer_all(new_plan(project), project)


def test_an_alert_named_in_a_query_is_answered_with_its_current_numbers():
    project, plan = demo()
    rule = next(r for r in plan.alerting.rules if r.metric == "error_rate")
    rule.threshold, rule.duration = 0.02, "7m"
    answer = answer_query(project, plan, "What is the error rate threshold?")
    assert f"Alert {rule.name!r}: error_rate > 0.02 for 7m, severity {rule.severity}" in answer
    assert f"runbook.md#{rule.runbook_anchor}" in answer and answer.endswith(MENU_HINT)


def test_an_open_threshold_is_said_to_be_open_not_invented():
    project = load_project(DEMO_DIR)
    plan = new_plan(project)
    answer = answer_query(project, plan, "error rate alert")
    assert "(threshold still open)" in answer and "(duration still open)" in answer


def test_an_earlier_decision_is_quoted_with_its_rationale():
    project, plan = demo()
    (vector,) = [d for d in project.earlier_decisions if "vector" in d.title.lower()]
    answer = answer_query(project, plan, "why this vector database?")
    assert f"{vector.id.upper()} {vector.title}: {vector.choice}" in answer and "Why: " in answer


def test_a_query_naming_nothing_gets_where_to_look_and_the_menu():
    project, plan = demo()
    answer = answer_query(project, plan, "thanks, all good")
    assert answer.startswith("Noted.") and answer.endswith(MENU_HINT)
    assert "Alert " not in answer
