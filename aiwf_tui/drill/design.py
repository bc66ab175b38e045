"""What the fire drill sets, and when: one knob per thing the exporter controls, and the
value each knob takes in each phase.

A *knob* is one independent input of the synthetic service: the value of a gauge, the
per-second rate of a counter, the share of a ratio, the bucket a histogram's observations
fall into, whether the scrape targets answer. Every alert reads exactly one knob (through
its metric's PromQL), so the drill can decide, from the thresholds alone, which value of
the knob makes which alerts fire.

The drill runs three phases:

- `quiet`: every knob on the side where none of its alerts holds;
- `warn`: every alert that is not `critical` firing, no critical one (a critical alert
  inhibits the lesser ones, so their routing is only visible without it);
- `page`: the critical alerts firing too, the lesser ones still firing where their knob
  allows it, so inhibition can be seen acting on them.

Pure: no I/O.
"""

from __future__ import annotations

import itertools
import operator
from dataclasses import dataclass, field

from aiwf_tui.model.plan import AlertRule, MetricsPlan
from aiwf_tui.render.prometheus.common import metric_spec, rule_promql
from aiwf_tui.render.promql import (
    MetricSpec,
    is_condition,
    simple_selector,
)

PHASES = ("quiet", "warn", "page")
#: How many scrape targets the synthetic service has (one can go down while the others answer).
INSTANCES = 3
#: Severity whose alerts inhibit the lesser ones (the Alertmanager config's source matcher).
INHIBITING = "critical"

_COMPARE = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}


@dataclass(frozen=True)
class Reading:
    """How one alert reads its knob: `value(setting)` compared with the threshold."""

    alert: str  # the Prometheus alert name
    comparator: str
    threshold: float
    severity: str
    quantile: float = 0.0  # for histogram knobs: which quantile the alert reads
    per_instance: bool = False  # for the up knob: the alert reads each target, not the best of them

    def holds(self, knob: Knob, setting: float) -> bool:
        return _COMPARE[self.comparator](knob.value(setting, self), self.threshold)


@dataclass
class Knob:
    """One input of the synthetic service.

    kind: `up` (scrape targets answer: 1, or not: 0), `gauge` (value of `series[0]`),
    `rate` (per-second rate of counter `series[0]`), `increase` (increase of the counters
    `series` together over the rule's window), `ratio` (rate of `series[0]` over rate of
    `series[1]`), `share` (the part of counter `series[0]` carrying `sample_labels`, the rest
    carrying `rest_labels`), `histogram` (observations of `series[0]` fall in bucket `setting`).
    """

    kind: str
    series: tuple[str, ...]
    labels: dict[str, str] = field(default_factory=dict)
    window: str = ""  # the range window of the metric's PromQL (uncompressed); "" for up and gauges
    readings: list[Reading] = field(default_factory=list)
    bounds: list[float] = field(default_factory=list)  # histogram bucket upper bounds (finite)
    settings: dict[str, float] = field(default_factory=dict)  # phase -> setting
    sample_labels: dict[str, str] = field(default_factory=dict)
    rest_labels: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple:
        return (self.kind, self.series, tuple(sorted(self.labels.items())), self.window)

    def value(self, setting: float, reading: Reading) -> float:
        """What the alert's PromQL evaluates to once the knob has held `setting` for a while."""
        if self.kind == "up":  # setting: how many of the service's targets answer
            return float(setting >= (INSTANCES if reading.per_instance else 1))
        if self.kind != "histogram":
            return setting
        k = int(setting)
        lower = 0.0 if k == 0 else self.bounds[k - 1]
        upper = self.bounds[k]
        return lower + reading.quantile * (upper - lower)

    def candidates(self) -> list[float]:
        """Settings worth trying: each side of every threshold, and each threshold itself."""
        if self.kind == "histogram":
            return [float(k) for k in range(len(self.bounds))]
        if self.kind == "up":
            return [float(INSTANCES), float(INSTANCES - 1), 0.0]
        points = sorted({r.threshold for r in self.readings})
        values: list[float] = []
        low = points[0]
        values.append(low / 2 if low > 0 else low - 1)
        for a, b in itertools.pairwise(points):
            values.append((a + b) / 2)
        high = points[-1]
        values.append((high + 1) / 2 if 0 <= high < 1 else (high * 1.5 if high > 0 else high + 1))
        values.extend(points)
        if self.kind in ("ratio", "share"):
            values = [v for v in values if 0 <= v <= 1]
        if self.kind in ("rate", "increase", "ratio", "share"):
            values = [v for v in values if v >= 0]
        if self.kind == "rate":
            values = [v for v in values if v > 0]
        return list(dict.fromkeys(values))

    def fires(self, setting: float) -> set[str]:
        return {r.alert for r in self.readings if r.holds(self, setting)}

    def choose(self) -> None:
        """Pick each phase's setting (see the module docstring)."""
        options = self.candidates()
        critical = {r.alert for r in self.readings if r.severity == INHIBITING}
        lesser = {r.alert for r in self.readings} - critical
        quiet = min(options, key=lambda c: len(self.fires(c)))
        calm = [c for c in options if not self.fires(c) & critical] or [quiet]
        warn = max(calm, key=lambda c: (len(self.fires(c) & lesser), -options.index(c)))
        if not self.fires(warn) & lesser:
            warn = quiet
        page = max(options, key=lambda c: (len(self.fires(c) & critical), len(self.fires(c)), -options.index(c)))
        self.settings = {"quiet": quiet, "warn": warn, "page": page}


@dataclass
class Design:
    """The knobs of a plan, and the alerts no knob can drive (with why)."""

    knobs: list[Knob]
    undriven: dict[str, str]

    def knob_of(self, alert: str) -> Knob | None:
        return next((k for k in self.knobs if any(r.alert == alert for r in k.readings)), None)

    def expected(self, phase: str) -> set[str]:
        """Alerts that hold in `phase` (once their knob has settled)."""
        return {a for k in self.knobs for a in k.fires(k.settings[phase])}


def _histogram_bounds(thresholds: list[float]) -> list[float]:
    points = sorted({t for t in thresholds if t > 0})
    return [*points, points[-1] * 2] if points else []


def _knob_for(rule: AlertRule, spec: MetricSpec | None, service: str, promql: str) -> tuple[Knob, float] | str:
    """(knob, quantile) for a rule, or why it cannot be driven."""
    svc = {"service": service}
    if spec is None:
        selector = simple_selector(promql)
        if selector is None or is_condition(promql):
            return "custom PromQL other than a single selector: the drill cannot drive it"
        name, labels = selector
        return Knob("gauge", (name,), labels), 0.0
    if spec.kind in ("up", "instance_up"):
        return Knob("up", ("up",), {"job": service}), 0.0
    if spec.kind == "absent":
        return "the drill keeps the service's scrape targets, so absence is left to the promtool unit test"
    if spec.kind == "gauge":
        return Knob("gauge", spec.series, svc), 0.0
    if spec.kind in ("rate", "ratio", "increase", "share"):
        knob = Knob(spec.kind, spec.series, svc, window=spec.window)
        knob.sample_labels, knob.rest_labels = dict(spec.sample_labels), dict(spec.rest_labels)
        return knob, 0.0
    if spec.kind == "quantile":
        return Knob("histogram", spec.series, svc, window=spec.window), spec.quantile
    return f"metric kind {spec.kind} is not one the drill knows"


def design(rules: list[tuple[str, AlertRule]], service: str, metrics: MetricsPlan | None = None) -> Design:
    """Knobs for (alert name, rule) pairs under the plan's metric profile, each phase's setting chosen."""
    knobs: dict[tuple, Knob] = {}
    undriven: dict[str, str] = {}
    for name, rule in rules:
        spec = metric_spec(rule, metrics)
        made = _knob_for(rule, spec, service, rule_promql(rule, metrics) or "")
        if isinstance(made, str):
            undriven[name] = made
            continue
        knob, quantile = made
        knob = knobs.setdefault(knob.key, knob)
        per_instance = spec is not None and spec.kind == "instance_up"
        knob.readings.append(
            Reading(name, rule.comparator, rule.threshold_value, rule.severity, quantile, per_instance)
        )
    for knob in knobs.values():
        if knob.kind == "histogram":
            knob.bounds = _histogram_bounds([r.threshold for r in knob.readings])
            if not knob.bounds:
                for r in knob.readings:
                    undriven[r.alert] = "a latency quantile threshold must be above 0"
                knob.readings = []
    live = [k for k in knobs.values() if k.readings]
    for knob in live:
        knob.choose()
    return Design(live, undriven)


__all__ = ["INHIBITING", "PHASES", "Design", "Knob", "Reading", "design"]
