"""Every YAML aiwf writes reads back as exactly the values written (`aiwf_tui.model.yamlio`).

The loader aiwf uses reads YAML 1.2; Prometheus and Alertmanager read YAML 1.1-style (Go),
and PyYAML's `safe_load` stands in for them here. Strings that look like numbers, booleans,
nulls, dates, comments or YAML syntax must stay strings under both.
"""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import MetricRow, OperationsPlan
from aiwf_tui.model.plan_io import dump_plan, parse_plan
from aiwf_tui.model.yamlio import dump_yaml, load_plain
from tests.helpers import DEMO_DIR

#: Text either YAML version could take for something other than a string, or for syntax.
TRICKY = [
    *("1e3", "1E3", "1e-3", "1.5e+3", "0o17", "0o8", "0x1F", "0b101", "017", "09", "1_000", "1:20", "190:20:30"),
    *("+1", "-1", "-0", "0", "1.0", "1.", ".5", "-.5", ".inf", "-.Inf", ".nan", ".NaN", "Infinity", "NaN"),
    *("yes", "no", "on", "off", "y", "n", "Yes", "NO", "On", "true", "False", "TRUE"),
    *("null", "Null", "NULL", "~", "", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00", "2001-12-14t21:59:43.10-05:00"),
    *(
        "# x",
        "#x",
        "x # y",
        ": x",
        "x: y",
        "x:",
        "- x",
        "-",
        "--- x",
        "---",
        "...",
        "? x",
        "?",
        "[x]",
        "{x: y}",
        "x, y",
    ),
    *("&a", "*a", "!tag x", "!!str", "|", "|-", "> x", "%YAML 1.1", "@x", "`x", "'x'", '"x"', "=", "<<", "{{ x }}"),
    *(" lead", "trail ", " ", "\t", "a\tb", "trail\t", "line1\nline2", "line1\nline2\n", "\nlead newline", "a\n\nb"),
    *("a\n \nb", " a\nb", "a \nb", "a\r\nb", "a\rb", "nel\x85x", "ls\u2028x", "ps\u2029x", "\x00", "\x07", "\x1b[2J"),
    *("\x7f", "é", "日本語", "emoji 🎉", "\ufeffbom", "[bold]", "multi\nline\n\n", "\n", "\n\n"),
]

strings = st.one_of(
    st.sampled_from(TRICKY),
    st.text(max_size=30),
    st.builds(lambda a, b: a + b, st.sampled_from(TRICKY), st.text(max_size=4)),
    st.builds(lambda a, b: a + b, st.text(max_size=4), st.sampled_from(TRICKY)),
)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**64), 2**64), st.floats(allow_nan=False), strings)
data = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(strings, inner, max_size=4)),
    max_leaves=25,
)


def same(a: Any, b: Any) -> bool:
    """Equal values of the same types all the way down (`1 == True == 1.0` does not count)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


@pytest.mark.parametrize("text", TRICKY)
def test_tricky_strings_stay_strings(text):
    value = {"key": text, text: [text]}
    dumped = dump_yaml(value)
    assert same(load_plain(dumped, "x.yaml"), value), dumped
    assert same(yaml.safe_load(dumped), value), dumped


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=data, indent_sequences=st.booleans(), literal_blocks=st.booleans())
def test_load_of_dump_is_identity(value, indent_sequences, literal_blocks):
    dumped = dump_yaml(value, indent_sequences=indent_sequences, literal_blocks=literal_blocks)
    assert same(load_plain(dumped, "x.yaml"), value), dumped
    assert same(yaml.safe_load(dumped), value), dumped


@pytest.fixture(scope="module")
def demo_plan() -> OperationsPlan:
    return new_plan(load_project(DEMO_DIR))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(strings, min_size=9, max_size=9), listed=st.lists(strings, max_size=4))
def test_plan_reads_back_as_written(demo_plan, texts, listed):
    plan = demo_plan.model_copy(deep=True)
    plan.monitoring.infrastructure = texts[0]
    plan.monitoring.critical_metrics = texts[1]
    plan.monitoring.llm_metrics.append(MetricRow(metric=texts[2], why=texts[3], threshold=texts[4]))
    plan.monitoring.tool_reasoning = listed
    plan.alerting.service = texts[5]
    plan.runbook.maintenance_notice = texts[6]  # free text (runbook_url must be a URL)
    plan.runbook.health_expected = texts[7]
    plan.runbook.dashboard_panels = [texts[8], *listed]
    assert parse_plan(dump_plan(plan), "operations-plan.yaml") == plan


def test_number_like_answers_are_quoted_in_the_plan(demo_plan):
    plan = demo_plan.model_copy(deep=True)
    plan.monitoring.llm_metrics.append(MetricRow(metric="tokens", why="yes", threshold="1e3"))
    plan.monitoring.infrastructure = "0o17"
    text = dump_plan(plan)
    assert "threshold: '1e3'" in text and "infrastructure: '0o17'" in text and "why: 'yes'" in text
    assert parse_plan(text, "operations-plan.yaml") == plan
