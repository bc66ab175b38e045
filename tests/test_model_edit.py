"""aiwf_tui.model.edit: every table cell and answer is typed through it, so its parsing is
tested here directly (kinds, accepted spellings, the messages, round trips), without a terminal."""

from __future__ import annotations

import math
from typing import Annotated, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, Field, field_validator

from aiwf_tui.model.edit import EditError, FieldKind, field_kind, field_text, parse_text, set_field
from aiwf_tui.model.plan import AlertRule
from tests.helpers import examples


class Sample(BaseModel):
    """One field of every kind the plan uses."""

    model_config = ConfigDict(validate_assignment=True)

    text: str = ""
    number: float = 0.0
    count: int = 0
    flag: bool = False
    level: Literal["critical", "high", "low"] = "low"
    steps: list[str] = Field(default_factory=list)
    channels: list[str] = Field(default_factory=list)  # a CSV field by name
    maybe_number: float | None = None
    maybe_text: str | None = None
    bounded: Annotated[int, Field(ge=0)] = 0
    even: int = 0

    @field_validator("even")
    @classmethod
    def _even(cls, value: int) -> int:
        if value % 2:
            raise ValueError("an even number, like 2 or 4")
        return value


# -- kinds ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "field,kind",
    [
        ("text", FieldKind("text")),
        ("number", FieldKind("float")),
        ("count", FieldKind("int")),
        ("flag", FieldKind("bool")),
        ("level", FieldKind("choice", ("critical", "high", "low"))),
        ("steps", FieldKind("list")),
        ("channels", FieldKind("csv")),
        ("maybe_number", FieldKind("float", optional=True)),
        ("maybe_text", FieldKind("text", optional=True)),
        ("bounded", FieldKind("int")),
    ],
)
def test_field_kind_follows_the_annotation(field, kind):
    assert field_kind(Sample, field) == kind
    assert field_kind(Sample(), field) == kind  # the class or an instance


def test_only_lists_are_multiline():
    assert field_kind(Sample, "steps").multiline
    assert not any(field_kind(Sample, f).multiline for f in ("text", "channels", "number", "level"))


def test_the_plan_models_kinds():
    assert field_kind(AlertRule, "severity").kind == "choice"
    assert field_kind(AlertRule, "threshold") == FieldKind("float", optional=True)  # open until answered
    assert field_kind(AlertRule, "duration") == FieldKind("text", optional=True)
    assert field_kind(AlertRule, "channels") == FieldKind("csv")
    assert field_kind(AlertRule, "promql") == FieldKind("text", optional=True)


# -- parsing what people type ---------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["y", "yes", "YES", " true ", "1", "x", "on", "On"])
def test_bool_yes_spellings(typed):
    assert parse_text(Sample(), "flag", typed) is True


@pytest.mark.parametrize("typed", ["n", "no", "False", "0", "", "  ", "off"])
def test_bool_no_spellings(typed):
    assert parse_text(Sample(), "flag", typed) is False


@pytest.mark.parametrize("typed", ["maybe", "2", "yess", "ja"])
def test_bool_refuses_anything_else(typed):
    with pytest.raises(EditError, match=r"^type yes or no$"):
        parse_text(Sample(), "flag", typed)


@pytest.mark.parametrize(
    "typed,value",
    [("0.05", 0.05), (" 5 ", 5.0), ("8_000_000", 8e6), ("1,500,000", 1.5e6), ("-2.5", -2.5), ("1e3", 1000.0)],
)
def test_float_accepts_how_numbers_are_written(typed, value):
    assert parse_text(Sample(), "number", typed) == value


@pytest.mark.parametrize("typed", ["lots", "", "5%", "0.05.1", "five"])
def test_float_refuses_text_and_says_what_a_number_looks_like(typed):
    with pytest.raises(EditError, match=r"^a number, like 0\.05 or 5 or 8000000$"):
        parse_text(Sample(), "number", typed)


@pytest.mark.parametrize("typed", ["nan", "NaN", "inf", "-inf", "Infinity", "1e999"])
def test_float_refuses_nan_and_infinity(typed):
    with pytest.raises(EditError, match=r"^a finite number$"):
        parse_text(Sample(), "number", typed)


def test_int_is_a_whole_number():
    assert parse_text(Sample(), "count", " 42 ") == 42
    for typed in ("4.5", "four", "", "1e3"):
        with pytest.raises(EditError, match=r"^a whole number$"):
            parse_text(Sample(), "count", typed)


def test_choice_ignores_case_and_gives_the_canonical_spelling():
    assert parse_text(Sample(), "level", " CRITICAL ") == "critical"
    with pytest.raises(EditError, match=r"^one of: critical, high, low$"):
        parse_text(Sample(), "level", "urgent")


def test_list_is_one_item_per_line_blank_lines_dropped():
    assert parse_text(Sample(), "steps", "  check logs \n\n restart pod\r\n  \n") == ["check logs", "restart pod"]


def test_csv_is_comma_separated_empty_items_dropped():
    assert parse_text(Sample(), "channels", " pagerduty, ,slack ,") == ["pagerduty", "slack"]


def test_optional_fields_take_blank_as_none_but_keep_other_text():
    assert parse_text(Sample(), "maybe_number", "   ") is None
    assert parse_text(Sample(), "maybe_text", "") is None
    assert parse_text(Sample(), "maybe_text", " kept as typed ") == " kept as typed "


def test_text_is_kept_exactly():
    typed = "  [bold]{{ 7*7 }}\n# not a comment: yes  "
    assert parse_text(Sample(), "text", typed) == typed


# -- shown as typed -------------------------------------------------------------------------------
def test_field_text_shows_each_kind_as_it_is_typed():
    sample = Sample(number=5.0, flag=True, steps=["a", "b"], channels=["x", "y"], maybe_number=None, count=3)
    assert field_text(sample, "number") == "5"
    assert field_text(sample, "flag") == "yes"
    assert field_text(sample, "steps") == "a\nb"
    assert field_text(sample, "channels") == "x, y"
    assert field_text(sample, "maybe_number") == ""
    assert field_text(sample, "count") == "3"
    assert field_text(Sample(number=0.05), "number") == "0.05"
    assert field_text(Sample(), "flag") == "no"


# -- set_field: validated, says whether anything changed ------------------------------------------
def test_set_field_reports_a_change_only_when_the_value_changes():
    sample = Sample()
    assert set_field(sample, "number", "0.5") is True and sample.number == 0.5
    assert set_field(sample, "number", " 0.50 ") is False
    assert set_field(sample, "level", "HIGH") is True and sample.level == "high"


def test_set_field_turns_a_validation_error_into_one_message_and_keeps_the_value():
    sample = Sample(even=2)
    with pytest.raises(EditError, match=r"^an even number, like 2 or 4$"):
        set_field(sample, "even", "3")
    assert sample.even == 2
    with pytest.raises(EditError, match="greater than or equal to 0"):
        set_field(sample, "bounded", "-1")
    assert sample.bounded == 0


def test_set_field_on_an_alert_rule_uses_the_models_rules():
    rule = AlertRule(
        name="High error rate", category="availability", metric="error_rate", threshold=0.05, severity="high",
        runbook_anchor="high-error-rate", duration="5m",
    )  # fmt: skip
    with pytest.raises(EditError, match="a duration is a number and a unit"):
        set_field(rule, "duration", "five minutes")
    with pytest.raises(EditError, match="longer than an alert may wait"):
        set_field(rule, "duration", "2d")
    assert rule.duration == "5m"
    with pytest.raises(EditError, match=r"a share from 0 to 1: > 5 can never fire \(5% is 0.05\)"):
        set_field(rule, "threshold", "5")
    assert rule.threshold == 0.05
    assert set_field(rule, "duration", "10m") and rule.duration == "10m"
    with pytest.raises(EditError, match="one of: critical, high, medium, low"):
        set_field(rule, "severity", "urgent")
    assert set_field(rule, "channels", "pagerduty, slack") and rule.channels == ["pagerduty", "slack"]


# -- properties: what is shown parses back to the same value --------------------------------------
ITEM = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20).map(str.strip).filter(bool)


@settings(max_examples=examples(200), deadline=None)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_shown_parses_back_exactly(value):
    sample = Sample(number=value)
    assert parse_text(sample, "number", field_text(sample, "number")) == value


@settings(max_examples=examples(100), deadline=None)
@given(
    st.lists(
        ITEM.filter(
            lambda s: (
                "\n" not in s and "\r" not in s and not any(c in s for c in "\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
            )
        ),
        max_size=8,
    )
)
def test_list_shown_parses_back(items):
    sample = Sample(steps=items)
    assert parse_text(sample, "steps", field_text(sample, "steps")) == items


@settings(max_examples=examples(100), deadline=None)
@given(st.lists(ITEM.filter(lambda s: "," not in s), max_size=8))
def test_csv_shown_parses_back(items):
    sample = Sample(channels=items)
    assert parse_text(sample, "channels", field_text(sample, "channels")) == items


@settings(max_examples=examples(100), deadline=None)
@given(st.booleans(), st.sampled_from(["critical", "high", "low"]), st.integers(-(10**12), 10**12))
def test_bool_choice_int_shown_parse_back(flag, level, count):
    sample = Sample(flag=flag, level=level, count=count)
    for field in ("flag", "level", "count"):
        assert parse_text(sample, field, field_text(sample, field)) == getattr(sample, field)


@settings(max_examples=examples(200), deadline=None)
@given(st.text())
def test_any_typed_text_is_a_value_or_one_clear_error(typed):
    """Whatever is typed into a number, yes/no or choice field: a value of the field's type, or
    an EditError with a one-line message; never another exception."""
    sample = Sample()
    for field, kind in (("number", float), ("count", int), ("flag", bool), ("level", str), ("maybe_number", float)):
        try:
            value = parse_text(sample, field, typed)
        except EditError as exc:
            assert str(exc) and "\n" not in str(exc)
            continue
        assert value is None or isinstance(value, kind)
        if isinstance(value, float):
            assert math.isfinite(value)
