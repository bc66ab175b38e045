"""alert-rules.test.yml: for every alert, input series that cross its threshold, and two
checks: at the last evaluation before `for` elapses nothing fires; at the next one the alert
fires with exactly its labels and annotations.

The eval times are not guessed: a small model of the PromQL the rules use (`extrapolatedRate`,
`histogram_quantile`'s bucket interpolation) replays the input series, finds the minute the
alert first fires, and refuses series that land within rounding distance of a threshold.
Thresholds and series levels are exact fractions (they are written as decimal text);
evaluated values are floats, as Prometheus computes them. promtool then proves the model right.

The model knows both range semantics: Prometheus 2 selects closed windows `[t - w, t]`,
Prometheus 3 left-open ones `(t - w, t]` (one sample fewer with a sample every minute, and a
different extrapolation), which moves the first firing minute of some alerts. Each test
checks "quiet" before the earlier of the two firing minutes and "firing" at the later one,
so the same file passes under promtool 2 and 3.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from typing import Any, NamedTuple, cast

from aiwf_tui.layout import RULES_NAME, RULES_TEST_NAME
from aiwf_tui.model.plan import AlertRule, MetricsPlan, OperationsPlan, duration_seconds, format_number
from aiwf_tui.model.yamlio import comment_text, dump_yaml
from aiwf_tui.render.prometheus.common import (
    EVAL_INTERVAL_MINUTES,
    alert_annotations,
    alert_names,
    condition_text,
    header,
    metric_spec,
    rule_labels,
    rule_promql,
    service_of,
)
from aiwf_tui.render.prometheus.incident import RAMP_LIMIT_MINUTES, RAMP_MAX_WINDOW_MINUTES, REFERENCE_INCIDENTS
from aiwf_tui.render.promql import is_condition, label_value, simple_selector


class Untestable(Exception):
    """No input series can show this rule firing (the reason is the message)."""


def _frac(text: str | float) -> Fraction:
    return Fraction(str(text))


def _num(value: Fraction | float, digits: int = 7) -> str:
    """A plain decimal (no exponent) with at most `digits` significant digits, as series values are written."""
    x = float(value)
    if x == 0:
        return "0"
    text = format(x, f".{digits}g")  # correctly rounded, ties to even: Decimal's rounding, 10x faster
    if "e" not in text and math.isfinite(x):
        return text
    d = Decimal(x)
    rounded = round(d, max(0, digits - 1 - d.adjusted()))
    text = format(rounded.normalize(), "f")
    return text


#: Prometheus' default lookback for instant selectors (and so for `absent`), in minutes.
LOOKBACK_MINUTES = 5
#: Prometheus major version -> whether its range windows are left-open.
SEMANTICS: dict[int, bool] = {2: False, 3: True}
#: Metric kinds read without a range window: the same values under every version.
INSTANT_KINDS = ("gauge", "up", "instance_up")


def _extrapolated(values: list[float], i: int, window: int, is_rate: bool, left_open: bool = False) -> float | None:
    """`rate`/`increase` of a counter sampled every minute, at minute i over `window`
    minutes: samples in [t - window, t] (Prometheus 2) or (t - window, t] (`left_open`,
    Prometheus 3).

    Float arithmetic, as Prometheus itself computes: the scenarios keep values at least 7%
    from the threshold, far beyond float rounding, and `_first_firing` still rejects any value
    within 1e-6 of it. (Exact fractions here cost ~270 ms of a 600 ms render.)"""
    first_i = max(0, i - window + (1 if left_open else 0))
    count = i - first_i + 1
    if count < 2:
        return None
    first, last = values[first_i], values[i]
    result = last - first  # the test series never reset
    to_start = float((first_i - (i - window)) * 60)
    to_end = 0.0
    sampled = float((i - first_i) * 60)
    average = sampled / (count - 1)
    if result > 0 and first >= 0:
        to_zero = sampled * (first / result)
        if to_zero < to_start:
            to_start = to_zero
    threshold = average * 1.1
    interval = sampled
    interval += to_start if to_start < threshold else average / 2
    interval += to_end if to_end < threshold else average / 2
    result = result * (interval / sampled)
    if is_rate:
        result = result / (window * 60)
    return result


def _extrapolated_series(values: list[float], window: int, is_rate: bool, left_open: bool) -> list[float | None]:
    """`_extrapolated(values, i, window, is_rate, left_open)` for every minute i, in one pass.

    The same float operations in the same order, so the same bits (a test compares the two),
    without the per-minute call: a scenario evaluates thousands of minutes (a 24 h window is
    1,440 samples), and the calls were most of the demo render's Prometheus files. With a
    sample every minute the average spacing is always 60 s; while the window still reaches
    before minute 0 it spans i minutes, afterwards a fixed number; and a closed window
    (Prometheus 2) starts on a sample, so nothing is extrapolated there."""
    offset = 1 if left_open else 0
    per_second = float(window * 60)
    threshold, half = 60.0 * 1.1, 60.0 / 2  # extrapolate up to 1.1 average spacings, else half of one
    out: list[float | None] = [None]
    first = values[0] if values else 0.0
    head = values[1 : min(window - offset, len(values) - 1) + 1]  # the window starts at minute 0
    if head and first == 0.0 and math.copysign(1.0, first) > 0 and min(head) >= 0.0:
        # A counter from +0, as the scenarios write them: extrapolating to zero adds nothing
        # (to_zero is 0, the factor exactly 1.0) and a zero increase stays zero, so the
        # increase is the value itself (a day-long window: 1,440 minutes of the loop below).
        out += [value / per_second for value in head] if is_rate else head
        head = []
    for i in range(1, len(head) + 1):
        result = values[i] - first
        sampled = float(i * 60)
        to_start = float((window - i) * 60)
        if result > 0 and first >= 0:
            to_zero = sampled * (first / result)
            if to_zero < to_start:
                to_start = to_zero
        result = result * ((sampled + (to_start if to_start < threshold else half)) / sampled)
        out.append(result / per_second if is_rate else result)
    span = window - offset
    if span < 1:  # one sample per window: no rate
        return [None] * len(values)
    ahead = values[span + 1 :]
    behind = values[1 : 1 + len(ahead)]
    if not left_open:  # the window starts on a sample: the difference, not extrapolated
        if is_rate:
            out += [(last - first) / per_second for first, last in zip(behind, ahead)]
        else:
            out += [last - first for first, last in zip(behind, ahead)]
        return out[: len(values)]
    sampled = float(span * 60)
    # (t - window, t]: the first sample is a minute in, always under `threshold` from the
    # window's start, so that minute (or less, down to where the counter was zero) is added.
    whole = (sampled + 60.0) / sampled
    for first, last in zip(behind, ahead):
        result = last - first
        if result > 0 and first >= 0 and (to_zero := sampled * (first / result)) < 60.0:
            result = result * ((sampled + to_zero) / sampled)
        else:
            result = result * whole
        out.append(result / per_second if is_rate else result)
    return out[: len(values)]


def _bucket_quantile(q: float, buckets: list[tuple[float | None, float]]) -> float | None:
    """histogram_quantile for buckets (upper bound, None for +Inf) in ascending order."""
    observations = buckets[-1][1]
    if observations == 0 or len(buckets) < 2:
        return None
    rank = q * observations
    b = next((k for k in range(len(buckets) - 1) if buckets[k][1] >= rank), len(buckets) - 1)
    if b == len(buckets) - 1:
        return buckets[-2][0]
    end, count = buckets[b]
    if end is None:  # pragma: no cover - the +Inf bucket is the last, handled above
        return buckets[-2][0]
    start = 0.0
    if b > 0:
        start = buckets[b - 1][0] or 0.0
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    return start + (end - start) * (rank / count)


def evaluate(
    kind: str,
    window: int,
    raw: list[list[float]],
    *,
    left_open: bool,
    quantile: float = 0.0,
    bounds: tuple[float | None, ...] = (),
) -> list[float | None]:
    """The value the alert compares, minute by minute, from the raw input series (in the order
    the scenario writes them): one gauge; one counter (`rate`, `increase`); numerator and
    denominator counters (`ratio`); one counter per bucket, upper bounds in `bounds` (`quantile`)."""
    minutes = range(len(raw[0]))
    if kind in INSTANT_KINDS:
        return list(raw[0])
    if kind == "absent":  # 1 while no sample (NaN) lies within the 5-minute lookback, else nothing
        values: list[float | None] = []
        for i in minutes:
            start = max(0, i - LOOKBACK_MINUTES + (1 if left_open else 0))
            present = any(not math.isnan(raw[0][j]) for j in range(start, i + 1))
            values.append(None if present else 1.0)
        return values
    if kind == "rate":
        return _extrapolated_series(raw[0], window, True, left_open)
    if kind == "increase":  # summed over every counter named
        per_series = [_extrapolated_series(r, window, False, left_open) for r in raw]
        if len(per_series) == 1:  # sum((p,)) is 0 + p, which only turns -0.0 into 0.0
            only = per_series[0]
            return [None if p is None else 0 + p for p in only] if 0.0 in only else only
        return [None if None in parts else sum(parts) for parts in zip(*per_series)]
    if kind in ("share", "ratio"):
        firsts = _extrapolated_series(raw[0], window, True, left_open)
        seconds = _extrapolated_series(raw[1], window, True, left_open)
        if kind == "share":  # the part over the part plus the rest
            return [
                None if rp is None or rr is None or not (rp + rr) else rp / (rp + rr) for rp, rr in zip(firsts, seconds)
            ]
        return [None if rn is None or not rd else rn / rd for rn, rd in zip(firsts, seconds)]
    if kind == "quantile":
        per_bucket = [_extrapolated_series(v, window, True, left_open) for v in raw]
        return [
            None if None in rates else _bucket_quantile(quantile, list(zip(bounds, rates)))
            for rates in zip(*per_bucket)
        ]
    raise Untestable(f"unknown metric kind {kind}")  # pragma: no cover - METRIC_SPECS only has the kinds above


class Scenario(NamedTuple):
    """Input series for one alert, the minute it is checked quiet and the minute it is checked
    firing (the first firing minute under each Prometheus major version in `fire_minutes`).
    A NamedTuple: a dataclass costs ~0.5 ms of every `aiwf render`'s imports."""

    series: list[dict[str, str]]
    fire_minute: int
    labels: dict[str, str]
    switch_minute: int
    values: list[float | None]  # evaluated under Prometheus 2, minute by minute
    fire_minutes: dict[int, int]
    quiet_minute: int
    reference: str = ""  # the reference incident replayed, or "" for a step
    why_step: str = ""  # why a step replaced the reference incident


_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}

#: (margin below, margin above) the threshold, as fractions of it; tried in order until
#: no evaluated value lands within rounding distance of the threshold.
MARGINS = (
    (Fraction(1, 10), Fraction(1, 10)),
    (Fraction(1, 10), Fraction(13, 100)),
    (Fraction(13, 100), Fraction(1, 10)),
    (Fraction(7, 100), Fraction(17, 100)),
)


def _levels(
    kind: str, comparator: str, threshold: Fraction, lo_m: Fraction, hi_m: Fraction
) -> tuple[Fraction, Fraction]:
    """(value before, value after) the switch: on the quiet side, then across the threshold."""
    bounded = kind in ("ratio", "share")  # a share: 0..1
    nonnegative = kind in ("ratio", "share", "rate", "increase", "quantile")
    if comparator in ("==", "!="):
        if kind not in ("gauge", "up", "instance_up", "absent"):
            raise Untestable(f"'{comparator}' on a computed value ({kind}) cannot be hit exactly in floating point")
        other = threshold + (abs(threshold) * hi_m if threshold else 1)
        return (other, threshold) if comparator == "==" else (threshold, other)
    below: Fraction | None
    above: Fraction | None
    if threshold != 0:
        below, above = threshold - abs(threshold) * lo_m, threshold + abs(threshold) * hi_m
    else:
        unit = Fraction(1, 10) if bounded else Fraction(1)
        below, above = -unit, unit
    if nonnegative and below < 0:
        below = None
    if bounded and above > 1:
        above = (threshold + 1) / 2 if threshold < 1 else None
    before, after = (below, above) if comparator in (">", ">=") else (above, below)
    if before is None or after is None:
        raise Untestable(f"no {kind} value can be {comparator} {format_number(float(threshold))}")
    return before, after


def _series_text(name: str, labels: dict[str, str]) -> str:
    if not labels:
        return name
    return name + "{" + ", ".join(f"{k}={label_value(v)}" for k, v in labels.items()) + "}"


def _gauge_values(a: Fraction, b: Fraction, n_a: int, n_b: int) -> tuple[str, list[float]]:
    """A gauge at a for n_a minutes, then at b; the values are the float64s promtool reads."""
    sa, sb = _num(a), _num(b)
    text = f"{sa}+0x{n_a} {sb}+0x{n_b - 1}"
    return text, [float(sa)] * (n_a + 1) + [float(sb)] * n_b


def _counter_values(inc_a: Fraction, inc_b: Fraction, n_a: int, n_b: int) -> tuple[str, list[float]]:
    """A counter from 0 growing by inc_a a minute for n_a minutes, then inc_b.

    The values are the float64s promtool expands the series text into (start + k * step),
    computed the same way (exact fractions here cost ~110 ms of a render)."""
    sa, sb = _num(inc_a), _num(inc_b)
    fa, fb = _frac(sa), _frac(sb)
    sb0 = _num(fa * n_a + fb, 15)
    text = f"0+{sa}x{n_a} {sb0}+{sb}x{n_b - 1}"
    step_a, start_b, step_b = float(sa), float(sb0), float(sb)
    values = [step_a * k for k in range(n_a + 1)] + [start_b + step_b * k for k in range(n_b)]
    return text, values


def scenario(rule: AlertRule, service: str, metrics: MetricsPlan | None = None) -> Scenario:
    """Input series under which the rule's alert fires, and the minute it first does: the
    metric's reference incident (a ramp that does not depend on the threshold, so a raised
    threshold fires later) where it has one, else a step across the threshold."""
    try:
        return _ramp_scenario(rule, service, metrics)
    except Untestable as exc:
        why_step = str(exc)
    return _step_scenario(rule, service, metrics)._replace(why_step=why_step)


def _fire_times(
    kind: str,
    window: int,
    raw: list[list[float]],
    rule: AlertRule,
    threshold: Fraction,
    switch: int,
    quantile: float = 0.0,
    bounds: tuple[float | None, ...] = (),
) -> tuple[dict[int, list[float | None]], dict[int, int], int, int]:
    """The evaluated values and first firing minute under each Prometheus major version, and
    the minutes the test checks quiet and firing (valid under both)."""
    hold_minutes = -(-duration_seconds(rule.duration_value) // 60)
    limit = float(threshold)  # values are floats, as Prometheus computes them
    by_version: dict[int, list[float | None]] = {}
    fires: dict[int, int] = {}
    replayed: dict[bool | None, tuple[list[float | None], int]] = {}
    for major, left_open in SEMANTICS.items():
        semantics = None if kind in INSTANT_KINDS else left_open  # no range window: all versions agree
        if semantics not in replayed:
            values = evaluate(kind, window, raw, left_open=left_open, quantile=quantile, bounds=bounds)
            replayed[semantics] = values, _first_firing(values, rule.comparator, limit, hold_minutes, switch)
        by_version[major], fires[major] = replayed[semantics]
    quiet, fire = min(fires.values()) - 1, max(fires.values())
    for major, values in by_version.items():
        if not _fires_at(values, rule.comparator, limit, fire, hold_minutes):
            raise Untestable(f"under Prometheus {major} the alert stops firing before minute {fire}")
    return by_version, fires, quiet, fire


#: Fractions of a minute the ramp is shifted by, tried in order until no evaluated value lands
#: within rounding distance of the threshold (the firing minute moves by at most one).
RAMP_OFFSETS = (Fraction(0), Fraction(1, 2), Fraction(1, 4), Fraction(3, 4))


def _exact(value: float) -> str:
    """The shortest plain decimal that reads back as exactly `value` (Python's repr, without
    an exponent, which promtool's series notation would not take)."""
    text = repr(value)
    return text if "e" not in text and "inf" not in text and "nan" not in text else _num(value, 17)


def _ramp_counter(increments: list[float], lead: int) -> tuple[str, list[float]]:
    """A counter from 0 growing by increments[0] a minute for `lead` minutes (promtool's
    expanding notation), then by each later increment (written value by value, in the
    shortest text promtool reads back as the very float64s returned)."""
    step = _num(increments[0])
    values = [float(step) * k for k in range(lead + 1)]
    total = values[-1]
    written = [f"0+{step}x{lead}"]
    for inc in increments[lead + 1 :]:
        total += float(_num(inc))
        values.append(total)
        written.append(_exact(total))
    return " ".join(written), values


def _ramp_scenario(rule: AlertRule, service: str, metrics: MetricsPlan | None = None) -> Scenario:
    """The metric's reference incident: healthy for the window to fill, then degrading at a
    fixed rate until the alert has fired. Raises `Untestable` (saying why) where it does not
    apply: no reference incident, a day-long window, a threshold already breached while
    healthy or not reached within `RAMP_LIMIT_MINUTES`."""
    spec = metric_spec(rule, metrics)
    incident = REFERENCE_INCIDENTS.get(rule.metric) if spec is not None else None
    if spec is None or incident is None:
        raise Untestable(f"{rule.metric if spec is not None else 'custom PromQL'} has no reference incident")
    window = duration_seconds(spec.window) // 60 if spec.window else 0
    if window > RAMP_MAX_WINDOW_MINUTES:
        raise Untestable(f"its {spec.window} window is too long to replay minute by minute")
    if rule.comparator not in (">", ">=", "<", "<="):
        raise Untestable(f"'{rule.comparator}' is not crossed by a steady degradation")
    rising = rule.comparator in (">", ">=")
    kind = spec.kind
    if kind == "quantile" and not rising:
        raise Untestable("a latency quantile's reference incident only rises")
    threshold = _frac(format_number(rule.threshold_value))
    healthy = incident.healthy
    if _COMPARE[rule.comparator](float(healthy), float(threshold)):
        raise Untestable(f"the reference incident's healthy level {format_number(float(healthy))} already breaches it")
    cross = incident.minutes_to(threshold, rising)
    if cross > RAMP_LIMIT_MINUTES:
        raise Untestable(f"the reference incident reaches it only after {RAMP_LIMIT_MINUTES} minutes")
    lead = window + 2
    switch = lead + 1
    length = math.ceil(cross) + window + -(-duration_seconds(rule.duration_value) // 60) + 3
    ceiling = Fraction(1) if kind in ("ratio", "share") else None
    svc = {"service": service}
    problems: list[str] = []
    found: list[Scenario] = []
    for offset in RAMP_OFFSETS:
        levels = incident.replay(lead, length, offset, rising, ceiling)
        series: list[dict[str, str]] = []
        raw: list[list[float]] = []
        quantile = 0.0
        bounds: tuple[float | None, ...] = ()
        if kind == "gauge":
            start, later = _num(healthy), [_num(v) for v in levels.floats()[lead + 1 :]]
            series.append(
                {
                    "series": _series_text(spec.series[0], {**svc, "instance": f"{service}:8080"}),
                    "values": " ".join([f"{start}+0x{lead}", *later]),
                }
            )
            raw.append([float(start)] * (lead + 1) + [float(text) for text in later])
        elif kind in ("rate", "increase"):
            per_level = (Fraction(60) if kind == "rate" else Fraction(1, window)) / len(spec.series)
            for name in spec.series:
                extra = {"type": "completion"} if name == "llm_tokens_total" else dict(spec.sample_labels)
                text, vals = _ramp_counter(levels.floats(per_level), lead)
                series.append({"series": _series_text(name, {**svc, **extra}), "values": text})
                raw.append(vals)
        elif kind in ("ratio", "share"):
            total = Fraction(1000)
            part_text, part = _ramp_counter(levels.floats(total), lead)
            if kind == "ratio":
                other_text, other = _counter_values(total, total, lead, length)
                other_series = _series_text(spec.series[1], svc)
            else:
                other_text, other = _ramp_counter(levels.floats(total, complement=True), lead)
                other_series = _series_text(spec.series[0], {**svc, **dict(spec.rest_labels)})
            series.append(
                {"series": _series_text(spec.series[0], {**svc, **dict(spec.sample_labels)}), "values": part_text}
            )
            series.append({"series": other_series, "values": other_text})
            raw += [part, other]
        elif kind == "quantile":
            quantile = float(spec.quantile)
            top = incident.level(Fraction(RAMP_LIMIT_MINUTES + 60), rising=True)
            series, raw, bounds = _ramp_histogram(spec.series[0], svc, levels.floats(), lead, quantile, healthy, top)
        else:
            raise Untestable(f"a {kind} metric has no reference incident")
        try:
            by_version, fires, quiet, fire = _fire_times(kind, window, raw, rule, threshold, switch, quantile, bounds)
        except Untestable as exc:
            problems.append(str(exc))
            continue
        reference = incident.describe(rule.metric, rising)
        found.append(Scenario(series, fire, svc, switch, by_version[2], fires, quiet, reference=reference))
        if quiet == fire - 1:  # both versions fire at the same minute: the tightest test
            return found[-1]
    if found:
        return found[0]
    raise Untestable("; ".join(dict.fromkeys(problems)))


def _ramp_histogram(
    name: str, labels: dict[str, str], levels: list[float], lead: int, q: float, healthy: Fraction, top: Fraction
) -> tuple[list[dict[str, str]], list[list[float]], tuple[float | None, ...]]:
    """Three cumulative buckets whose q-quantile follows `levels`: every observation in the
    low bucket puts the quantile at `healthy`; moving them to the high bucket raises it
    (histogram_quantile interpolates linearly inside a bucket) up to `top`. The bounds depend
    only on the incident, so the threshold never changes the series."""
    per_minute = 100.0
    low = float(_num(healthy / Fraction(str(q))))
    high = float(_num(low + (float(top) - low) / q))
    increments: list[float] = []
    for v in levels:
        if v <= low:  # inside the low bucket: v = low * q * N / c
            count = per_minute * q * low / v if v > 0 else per_minute
        else:  # inside the high one: v = low + (high - low) * (qN - c) / (N - c)
            r = (v - low) / (high - low)
            count = per_minute * (q - r) / (1 - r) if r < q else 0.0
        increments.append(min(per_minute, max(0.0, count)))
    series: list[dict[str, str]] = []
    raw: list[list[float]] = []
    bounds: tuple[float | None, ...] = (low, high, None)
    low_text, low_vals = _ramp_counter(increments, lead)
    all_text, all_vals = _counter_values(Fraction(100), Fraction(100), lead, len(levels) - lead - 1)
    for le, text, vals in ((low, low_text, low_vals), (high, all_text, all_vals), (None, all_text, all_vals)):
        le_text = "+Inf" if le is None else _num(le)
        series.append({"series": _series_text(f"{name}_bucket", {**labels, "le": le_text}), "values": text})
        raw.append(vals)
    return series, raw, bounds


def _step_scenario(rule: AlertRule, service: str, metrics: MetricsPlan | None = None) -> Scenario:
    """A step across the threshold: before the switch the value sits on the quiet side of
    the threshold long enough for the window to fill and for `for` to elapse (so a lowered
    threshold would fire early); after it, across the threshold (so a raised one would never
    fire)."""
    threshold = _frac(format_number(rule.threshold_value))
    for_minutes = -(-duration_seconds(rule.duration_value) // 60)
    spec = metric_spec(rule, metrics)
    promql = rule_promql(rule, metrics) or ""
    selector = None
    if spec is None:
        selector = simple_selector(promql)
        if selector is None or is_condition(promql):
            raise Untestable("custom PromQL other than a single selector; its unit test must be written by hand")
        kind, window = "gauge", 0
    else:
        kind, window = spec.kind, duration_seconds(spec.window) // 60
    problems: list[str] = []
    found: list[Scenario] = []
    # absent() reads no level: every margin would write the same series and fare the same
    for lo_m, hi_m in MARGINS[:1] if kind == "absent" else MARGINS:
        a, b = _levels(kind, rule.comparator, threshold, lo_m, hi_m)
        n_a = window + for_minutes + 2
        n_b = window + for_minutes + 3
        switch = n_a + 1
        series: list[dict[str, str]] = []
        labels: dict[str, str]
        svc = {"service": service}
        raw: list[list[float]] = []
        quantile = 0.0
        bounds: tuple[float | None, ...] = ()
        if spec is None:
            assert selector is not None  # a custom rule without one was refused above
            name, labels = selector
            text, vals = _gauge_values(a, b, n_a, n_b)
            series.append({"series": _series_text(name, labels), "values": text})
            raw.append(vals)
        elif kind in ("up", "instance_up"):
            target = {"job": service, "instance": f"{service}:8080"}
            labels = target if kind == "instance_up" else {"job": service}  # `up` is aggregated by job
            text, vals = _gauge_values(a, b, n_a, n_b)
            series.append({"series": _series_text("up", target), "values": text})
            raw.append(vals)
        elif kind == "absent":
            if not (
                (rule.comparator in ("==", ">=") and threshold == 1) or (rule.comparator == ">" and 0 <= threshold < 1)
            ):
                raise Untestable("absent() is 1 or nothing: compare it with == 1")
            labels = {"job": service}
            target = {"job": service, "instance": f"{service}:8080"}
            series.append({"series": _series_text("up", target), "values": f"1+0x{n_a} _x{n_b}"})
            raw.append([1.0] * (n_a + 1) + [math.nan] * n_b)  # NaN: no sample
        elif kind == "gauge":
            labels = svc
            text, vals = _gauge_values(a, b, n_a, n_b)
            series.append(
                {"series": _series_text(spec.series[0], {**svc, "instance": f"{service}:8080"}), "values": text}
            )
            raw.append(vals)
        elif kind in ("rate", "increase"):
            labels = svc
            per_minute = Fraction(60) if kind == "rate" else Fraction(1, window)
            per_minute /= len(spec.series)  # an increase over several counters: each carries its share
            for name in spec.series:
                extra = {"type": "completion"} if name == "llm_tokens_total" else dict(spec.sample_labels)
                text, vals = _counter_values(a * per_minute, b * per_minute, n_a, n_b)
                series.append({"series": _series_text(name, {**svc, **extra}), "values": text})
                raw.append(vals)
        elif kind == "ratio":
            labels = svc
            total = Fraction(1000)
            num_text, num = _counter_values(a * total, b * total, n_a, n_b)
            den_text, den = _counter_values(total, total, n_a, n_b)
            num_labels = {**svc, **dict(spec.sample_labels)}
            series.append({"series": _series_text(spec.series[0], num_labels), "values": num_text})
            series.append({"series": _series_text(spec.series[1], svc), "values": den_text})
            raw += [num, den]
        elif kind == "share":
            labels = svc
            total = Fraction(1000)
            part_text, part = _counter_values(a * total, b * total, n_a, n_b)
            rest_text, rest = _counter_values((1 - a) * total, (1 - b) * total, n_a, n_b)
            series.append(
                {"series": _series_text(spec.series[0], {**svc, **dict(spec.sample_labels)}), "values": part_text}
            )
            series.append(
                {"series": _series_text(spec.series[0], {**svc, **dict(spec.rest_labels)}), "values": rest_text}
            )
            raw += [part, rest]
        elif kind == "quantile":
            if threshold <= 0 or rule.comparator in ("==", "!="):
                raise Untestable(
                    f"a latency quantile cannot be {rule.comparator} {format_number(rule.threshold_value)}"
                )
            labels = svc
            low_le, high_le = float(_num(min(a, b))), float(_num(max(a, b)))
            per_minute = Fraction(100)
            low_first = a < b  # observations move from the low bucket to the high one
            in_low = (per_minute, Fraction(0)) if low_first else (Fraction(0), per_minute)
            bounds = (low_le, high_le, None)
            for le, inc in zip(bounds, (in_low, (per_minute, per_minute), (per_minute, per_minute))):
                text, vals = _counter_values(inc[0], inc[1], n_a, n_b)
                le_text = "+Inf" if le is None else _num(le)
                series.append(
                    {"series": _series_text(f"{spec.series[0]}_bucket", {**svc, "le": le_text}), "values": text}
                )
                raw.append(vals)
            quantile = float(spec.quantile)
        else:  # pragma: no cover - METRIC_SPECS only has the kinds above
            raise Untestable(f"unknown metric kind {kind}")
        try:
            by_version, fires, quiet, fire = _fire_times(kind, window, raw, rule, threshold, switch, quantile, bounds)
        except Untestable as exc:
            problems.append(str(exc))
            continue
        found.append(Scenario(series, fire, labels, switch, by_version[2], fires, quiet))
        if quiet == fire - 1:  # both versions fire at the same minute: the tightest test
            return found[-1]
    if found:
        return found[0]
    raise Untestable("; ".join(dict.fromkeys(problems)))


def firing_states(values: list[float | None], comparator: str, threshold: Fraction | float, hold: int) -> list[bool]:
    """Whether the alert fires at each minute (its condition has held for `hold` seconds)."""
    limit = float(threshold)
    compare = _COMPARE[comparator]
    states: list[bool] = []
    active_since: int | None = None
    for i, value in enumerate(values):
        if value is not None and compare(value, limit):
            active_since = i if active_since is None else active_since
        else:
            active_since = None
        states.append(active_since is not None and (i - active_since) * 60 >= hold)
    return states


def _fires_at(values: list[float | None], comparator: str, limit: float, minute: int, hold_minutes: int) -> bool:
    """Whether the alert fires at `minute`: its condition has held since `hold_minutes` before
    (what `firing_states` says for that minute, reading only those minutes)."""
    since, compare = minute - hold_minutes, _COMPARE[comparator]
    window = values[max(0, since) : minute + 1]
    return since >= 0 and minute < len(values) and all(v is not None and compare(v, limit) for v in window)


def _first_near(values: list[float | None], limit: float) -> int | None:
    """The first minute whose value lies within rounding distance of `limit`, if any.

    Nearly always there is none, and a sorted copy says so in C: the values within distance
    form one run around `limit` in sorted order (|v - limit| grows away from it), so the two
    values either side of it decide. Only when one is near (or a value is missing or NaN,
    where sorting cannot answer) are the minutes searched in order."""
    tolerance = abs(limit) * 1e-6 if limit else 1e-9
    skip = 0
    while skip < len(values) and values[skip] is None:  # the first minutes of a rate have no value
        skip += 1
    try:
        ordered = sorted(cast("list[float]", values[skip:]))  # TypeError: a later minute has no value
        if not math.isnan(sum(ordered)):  # NaN (or inf - inf) leaves the order meaningless
            at = bisect.bisect_left(ordered, limit)
            if all(abs(value - limit) > tolerance for value in ordered[max(0, at - 1) : at + 1]):
                return None
    except TypeError:
        pass
    return next((i for i, v in enumerate(values) if v is not None and abs(v - limit) <= tolerance), None)


def _first_firing(values: list[float | None], comparator: str, limit: float, hold_minutes: int, switch: int) -> int:
    """The first minute at or after `switch` the alert fires; checks it is quiet just before the
    switch and that no value up to the minute decided sits within rounding distance of the
    threshold (the first problem in minute order is the one reported).

    Whether the condition holds is one byte a minute, so `bytes.find` finds the first long
    enough run in C: deciding minute by minute in Python was most of a render's Prometheus
    files (a day-long window replays ~3,000 minutes, twice per try)."""
    early = _fires_at(values, comparator, limit, switch - 1, hold_minutes)
    start, compare = max(0, switch - hold_minutes), _COMPARE[comparator]  # runs ending at the switch or later
    held = bytes([value is not None and compare(value, limit) for value in values[start:]])
    run = held.find(b"\x01" * (hold_minutes + 1))
    fire = start + run + hold_minutes if run >= 0 else None
    last = switch - 1 if early else len(values) - 1 if fire is None else fire
    near = None if comparator in ("==", "!=") else _first_near(values[: last + 1], limit)
    if near is not None:
        raise Untestable(f"a test value comes within rounding distance of the threshold at minute {near}")
    if early:
        raise Untestable("the alert already fires before its input crosses the threshold")
    if fire is None:
        raise Untestable("the alert never fires on the generated input")
    return fire


# -- alert-rules.test.yml ----------------------------------------------------------------------
def rule_tests(plan: OperationsPlan) -> tuple[list[dict[str, Any]], list[str]]:
    """promtool test cases (one per alert) and a note for each alert without one."""
    service = service_of(plan)
    tests: list[dict[str, Any]] = []
    notes: list[str] = []
    for name, rule in zip(alert_names(plan.alerting.rules), plan.alerting.rules):
        try:
            sc = scenario(rule, service, plan.metrics)
        except Untestable as exc:
            notes.append(f"{name}: no unit test - {exc}. `promtool check rules` still checks its syntax.")
            continue
        labels = {"alertname": name, **sc.labels, **rule_labels(plan, rule)}
        tests.append(
            {
                "name": f"{name} fires when {condition_text(rule, plan.metrics)} holds for {rule.duration_value}",
                "interval": f"{EVAL_INTERVAL_MINUTES}m",
                "input_series": sc.series,
                "alert_rule_test": [
                    {"eval_time": f"{sc.quiet_minute}m", "alertname": name, "exp_alerts": []},
                    {
                        "eval_time": f"{sc.fire_minute}m",
                        "alertname": name,
                        "exp_alerts": [{"exp_labels": labels, "exp_annotations": alert_annotations(plan, rule)}],
                    },
                ],
            }
        )
    return tests, notes


def alert_rules_test_yaml(project_name: str, plan: OperationsPlan) -> str:
    tests, notes = rule_tests(plan)
    head = header(project_name, plan)
    head += f"# Run: promtool test rules {RULES_TEST_NAME}\n"
    head += "# Each alert: quiet before its `for` elapses, firing once it has; the times hold under both\n"
    head += "# Prometheus 2 (closed range windows) and 3 (left-open), so promtool 2.x and 3.x both pass.\n"
    for note in notes:
        head += "# " + comment_text(note) + "\n"
    data = {"rule_files": [RULES_NAME], "evaluation_interval": f"{EVAL_INTERVAL_MINUTES}m", "tests": tests}
    return head + dump_yaml(data)
