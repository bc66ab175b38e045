"""Custom PromQL read by a real PromQL parser: refused with the parser's message and the column,
in the plan file, in the app's editor, and at render."""

from __future__ import annotations

import re

import pytest

from aiwf_tui.errors import AiwfError
from aiwf_tui.model.plan import AlertRule
from aiwf_tui.model.plan_io import dump_plan, parse_plan
from aiwf_tui.model.promql import PromQLError, check_promql
from aiwf_tui.widgets.editable_table import EditableTable
from aiwf_tui.widgets.editor_bar import EditorBar
from tests.app_helpers import make_app, show_section, type_text, wait_loaded
from tests.helpers import DEMO_DIR, copy_project
from tests.waiting import pilot_wait_until


@pytest.mark.parametrize(
    ("promql", "message", "column"),
    [
        ("rate(foo[5m]", "unclosed left parenthesis", 13),
        ("foo >", "invalid promql query", 6),
        ("foo > > 2", "invalid promql query", 7),
        ("rate(foo)", "expected type matrix in call to function 'rate', got vector", 9),
        ("sum by (x y) (foo)", "invalid promql query", 11),
        ('foo{a="b"', "unexpected end of input inside braces", 10),
        ("rate(foo[5x])", "bad number or duration syntax", 11),
        ("nosuchfunc(x)", "unknown function with name 'nosuchfunc'", 1),
    ],
)
def test_syntax_errors_name_the_parsers_message_and_column(promql, message, column):
    with pytest.raises(PromQLError) as caught:
        check_promql(promql)
    assert message in caught.value.message
    assert caught.value.column == column
    assert f"at column {column}" in str(caught.value)


@pytest.mark.parametrize(
    ("promql", "why"),
    [
        ("foo[5m]", "range vector"),
        ('"text"', "string"),
        ("1 + 2", "scalar"),
        ("scalar(foo)", "scalar"),
        ("foo > bool 1", "always fire"),
    ],
)
def test_expressions_that_cannot_be_conditions_are_refused(promql, why):
    with pytest.raises(PromQLError, match=why):
        check_promql(promql)


@pytest.mark.parametrize(
    ("promql", "condition"),
    [
        ("foo > 3", True),
        ("(foo > 3)", True),
        ("foo > 3 and on(service) bar", True),
        ("bar or foo < 1", True),
        ('sum by (service) (rate(x{a!="b"}[5m]))', False),
        ("histogram_quantile(0.99, sum by (le) (rate(vllm:e2e_request_latency_seconds_bucket[5m])))", False),
        ("foo > bool 1 > 0", True),
    ],
)
def test_valid_expressions_say_whether_they_are_whole_conditions(promql, condition):
    assert check_promql(promql).is_condition is condition


def _rule(**changes) -> dict:
    data = {
        "name": "Queue",
        "category": "performance",
        "metric": "custom",
        "threshold": 5,
        "severity": "high",
        "runbook_anchor": "latency-high",
        "promql": "queue_depth",
    }
    return {**data, **changes}


def test_the_plan_file_refuses_malformed_promql_with_its_position(demo_dir):
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan

    plan = new_plan(load_project(demo_dir))
    plan.alerting.rules.append(AlertRule(**_rule()))
    text = dump_plan(plan).replace("promql: queue_depth", "promql: rate(queue_depth[5m]")
    with pytest.raises(AiwfError) as caught:
        parse_plan(text, "phase-5-operations/operations-plan.yaml")
    (line,) = caught.value.lines()
    assert re.match(r"phase-5-operations/operations-plan\.yaml:\d+: alerting\.rules\[\d+\]\.promql: PromQL", line), line
    assert "unclosed left parenthesis at column 21" in line


async def test_the_editor_refuses_malformed_promql_and_keeps_the_model(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(200, 50)) as pilot:
        await wait_loaded(app, pilot)
        await show_section(app, pilot, "alerting")
        table = next(t for t in app.screen.query(EditableTable) if t.spec.title == "Alert rules")
        column = next(i for i, c in enumerate(table.spec.columns) if c.field == "promql")
        table.focus()
        rule = app.ctx.plan.alerting.rules[3]
        table.move_cursor(row=3, column=column)
        await pilot.press("enter")
        editor = app.screen.query_one(EditorBar)
        await type_text(pilot, "rate(llm_requests_total[5m]")

        def error_text() -> str:
            return str(editor.query_one(".editor-error").render())

        await pilot_wait_until(pilot, lambda: "column" in error_text())
        assert "unclosed left parenthesis at column 28" in error_text()
        assert rule.promql != "rate(llm_requests_total[5m]"  # the malformed text never reaches the plan
        await pilot.press("ctrl+u")
        await type_text(pilot, 'sum(rate(llm_requests_total{service="fleet-docs-assistant"}[5m]))')
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: rule.promql is not None)
        assert rule.promql.startswith("sum(rate(")
