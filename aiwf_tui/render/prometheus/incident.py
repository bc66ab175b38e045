"""The reference incident each known metric's unit test and plot replay: the metric sits at a
healthy level, then degrades at a fixed rate a minute. The incident belongs to the metric, not
to the threshold, so a raised threshold is crossed later and its alert fires later: the plot
answers "how long into a steady degradation does this rule page?".

The levels are an illustration, never a suggestion for a threshold: typical healthy values of
an LLM service and a degradation that reaches a clearly bad level within the hour.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import NamedTuple

from aiwf_tui.model.plan import format_number


class ExactLevels:
    """Levels as integer numerators over one common denominator: exact like Fractions, at
    integer speed (a Fraction per minute was most of a replayed incident's time)."""

    __slots__ = ("denominator", "numerators")

    def __init__(self, numerators: list[int], denominator: int) -> None:
        self.numerators = numerators
        self.denominator = denominator

    def floats(self, scale: Fraction = Fraction(1), complement: bool = False) -> list[float]:
        """`float(level * scale)` for each level (`float((1 - level) * scale)` for the
        `complement`), rounded exactly as `float(Fraction)` is: one correctly rounded division."""
        top, bottom = scale.numerator, self.denominator * scale.denominator
        if complement:
            return [(self.denominator - n) * top / bottom for n in self.numerators]
        return [n * top / bottom for n in self.numerators]


class Incident(NamedTuple):
    """A metric at `healthy`, then moving `per_minute` a minute, or (where `halves_every` is
    set) halving every that many minutes when it falls and doubling when it rises: a level
    that tends to zero, like traffic draining away, is only told apart from a quarter lower
    one if it shrinks by a share a minute. (A NamedTuple: a frozen dataclass costs ~0.5 ms
    of every `aiwf render`'s imports.)"""

    healthy: Fraction
    per_minute: Fraction = Fraction(0)
    halves_every: int = 0

    def level(self, minutes: Fraction, rising: bool) -> Fraction:
        """The level `minutes` into the incident (never below zero)."""
        if self.halves_every:
            return Fraction(self._halved(float(minutes), rising))
        step = abs(self.per_minute) * minutes
        return self.healthy + step if rising else max(Fraction(0), self.healthy - step)

    def replay(self, lead: int, length: int, offset: Fraction, rising: bool, ceiling: Fraction | None) -> ExactLevels:
        """The healthy level for `lead + 1` minutes, then `level(k - offset, rising)` for
        k = 1..length (never above `ceiling`): exact, as integers over one denominator."""
        if self.halves_every:  # float(k - offset) is one correctly rounded division of integers
            top, bottom = offset.numerator, offset.denominator
            tail = [self._halved((k * bottom - top) / bottom, rising).as_integer_ratio() for k in range(1, length + 1)]
            denominator = math.lcm(self.healthy.denominator, *(d for _, d in tail))
            if ceiling is not None:
                denominator = math.lcm(denominator, ceiling.denominator)
            numerators = [n * (denominator // d) for n, d in tail]
        else:
            step = abs(self.per_minute) if rising else -abs(self.per_minute)
            denominator = math.lcm(self.healthy.denominator, step.denominator * offset.denominator)
            if ceiling is not None:
                denominator = math.lcm(denominator, ceiling.denominator)
            start, per_minute = int((self.healthy - step * offset) * denominator), int(step * denominator)
            numerators = [start + per_minute * k for k in range(1, length + 1)]
            if not rising:
                numerators = [max(0, n) for n in numerators]
        if ceiling is not None:
            cap = int(ceiling * denominator)
            numerators = [min(cap, n) for n in numerators]
        return ExactLevels([int(self.healthy * denominator)] * (lead + 1) + numerators, denominator)

    def _halved(self, minutes: float, rising: bool) -> float:
        """A halving incident's level `minutes` in, as the float `level` makes exact."""
        power = minutes / self.halves_every
        return float(self.healthy) * 2 ** (power if rising else -power)

    def minutes_to(self, threshold: Fraction, rising: bool) -> float:
        """Minutes until the level reaches `threshold` (infinite when it never does)."""
        if (threshold > self.healthy) != rising:
            return 0.0
        if self.halves_every:
            if threshold <= 0:
                return math.inf
            return abs(math.log2(threshold / self.healthy)) * self.halves_every
        return float(abs(threshold - self.healthy) / abs(self.per_minute))

    def describe(self, metric: str, rising: bool) -> str:
        start = format_number(float(self.healthy))
        if self.halves_every:
            way = "doubles" if rising else "halves"
            return f"reference incident: {metric} {way} every {self.halves_every} minutes from {start}"
        way = "rises" if rising else "falls"
        return f"reference incident: {metric} {way} {format_number(float(abs(self.per_minute)))} a minute from {start}"


def _incident(healthy: str, per_minute: str = "0", halves_every: int = 0) -> Incident:
    return Incident(Fraction(healthy), Fraction(per_minute), halves_every)


#: Plan metric -> its reference incident. Binary metrics (up, absent) and day-long windows
#: (daily tokens) have none: their tests keep a single step across the threshold.
REFERENCE_INCIDENTS: dict[str, Incident] = {
    "error_rate": _incident("0.005", "0.002"),
    "denied_request_rate": _incident("0.005", "0.002"),
    "empty_retrieval_rate": _incident("0.01", "0.004"),
    "cache_hit_rate": _incident("0.6", "-0.01"),
    "latency_p99": _incident("1", "0.2"),
    "latency_p95": _incident("0.6", "0.15"),
    "vector_db_latency_p99": _incident("0.05", "0.02"),
    "retrieval_latency_p99": _incident("0.1", "0.04"),
    "throughput": _incident("12", halves_every=10),
    "drift_score": _incident("0.05", "0.01"),
    "quality_score": _incident("0.95", "-0.01"),
}

#: A threshold the incident reaches only after this many minutes is tested with a step instead.
RAMP_LIMIT_MINUTES = 240
#: Rules over windows longer than this many minutes are tested with a step (a day of samples
#: written one by one would dwarf the file).
RAMP_MAX_WINDOW_MINUTES = 30
