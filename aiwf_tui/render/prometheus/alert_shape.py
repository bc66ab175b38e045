"""The shape of one alert as its promtool unit test replays it: the value the rule compares,
minute by minute (the metric's reference incident where it has one, so a raised threshold
is crossed later), the threshold, the `for` window, and the minutes it starts pending and
fires. Pure data for the Alerting section's plot; the series are `scenario`'s own, so the
drawn firing minute is the `eval_time` of the test's firing check."""

from __future__ import annotations

from dataclasses import dataclass

from aiwf_tui.model.plan import AlertRule, MetricsPlan, duration_seconds
from aiwf_tui.render.prometheus.common import metric_spec
from aiwf_tui.render.prometheus.scenarios import _COMPARE, Untestable, scenario

#: Minutes of replay above which a shape costs tens of milliseconds or more (a day-long window
#: replays ~3,000 minutes: ~250 ms); below, a shape takes a few milliseconds.
COSTLY_MINUTES = 300


@dataclass(frozen=True)
class AlertShape:
    """One rule's scenario, ready to draw (minutes from the start of the test)."""

    values: list[float | None]  # the compared value per minute (Prometheus 2 semantics)
    threshold: float
    comparator: str
    for_minutes: int  # `for`, rounded up to whole evaluation minutes
    pending_minute: int  # the condition first holds (the alert is pending)
    firing_minute: int  # the test's firing eval_time
    quiet_minute: int  # the test's quiet eval_time
    reference: str = ""  # the reference incident replayed ("" for a step across the threshold)
    why_step: str = ""  # why a step replaced it


class OpenRule(Untestable):
    """The rule's threshold or duration is still open: there is nothing to draw yet."""


def alert_shape(rule: AlertRule, service: str, metrics: MetricsPlan | None = None) -> AlertShape:
    """The shape of `rule`'s alert; raises `OpenRule` while its threshold or duration is open
    and `Untestable` when it has no unit test."""
    if rule.threshold is None or rule.duration is None:
        missing = " and ".join(w for w, v in (("threshold", rule.threshold), ("duration", rule.duration)) if v is None)
        raise OpenRule(f"answer the {missing} to see it fire")
    sc = scenario(rule, service, metrics)
    compare = _COMPARE[rule.comparator]
    threshold = rule.threshold_value
    pending = sc.fire_minute
    while pending > 0 and (value := sc.values[pending - 1]) is not None and compare(value, threshold):
        pending -= 1
    return AlertShape(
        values=list(sc.values),
        threshold=threshold,
        comparator=rule.comparator,
        for_minutes=-(-duration_seconds(rule.duration_value) // 60),
        pending_minute=pending,
        firing_minute=sc.fire_minute,
        quiet_minute=sc.quiet_minute,
        reference=sc.reference,
        why_step=sc.why_step,
    )


def costly(rule: AlertRule, metrics: MetricsPlan | None = None) -> bool:
    """Whether computing the rule's shape may take long enough to stall typing (its replay
    spans more than `COSTLY_MINUTES`: a day-long window, or a `for` of hours)."""
    try:
        spec = metric_spec(rule, metrics)
        window = duration_seconds(spec.window) // 60 if spec is not None else 0
        hold = duration_seconds(rule.duration) // 60 if rule.duration else 0
    except (KeyError, ValueError):
        return False  # an unknown metric or an open duration: refused at once
    return window + hold > COSTLY_MINUTES
