"""The synthetic service: a loopback HTTP server Prometheus scrapes during the fire drill.

`/metrics` serves, in the Prometheus text format, every series the plan's alerts read,
under the metric names the rules use, with values that follow the knobs of
`aiwf_tui.drill.design`. Counters grow in real time at the rate a knob asks for (so
`rate()` and `increase()` see a real counter); histograms count observations into the
bucket a knob names. `/instance/N` are the service's scrape targets (`job=<service>`):
they answer while the `up` knob is 1 and fail with 503 while it is 0.

Only 127.0.0.1; the server runs in a daemon thread and stops with `close()`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler

from aiwf_tui.drill.design import INSTANCES, Knob
from aiwf_tui.drill.loopback import LoopbackServer
from aiwf_tui.render.promql import label_value

#: Requests (or observations) per second where a knob does not set the rate itself.
BASE_RATE = 10.0


def _labels(labels: dict[str, str]) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f"{k}={label_value(v)}" for k, v in labels.items()) + "}"


def _number(value: float) -> str:
    return repr(float(value))


class _Counter:
    """A counter growing at `rate` per second from the moment the rate was last set."""

    def __init__(self) -> None:
        self.base = 0.0
        self.rate = 0.0
        self.since = time.monotonic()

    def set_rate(self, rate: float, now: float) -> None:
        self.base = self.value(now)
        self.rate = rate
        self.since = now

    def value(self, now: float) -> float:
        return self.base + self.rate * (now - self.since)


class SyntheticService:
    """The exporter's state: knobs, their current settings, and the counters they drive."""

    def __init__(self, knobs: list[Knob], window_seconds: Callable[[str], float]) -> None:
        self.knobs = knobs
        self.window_seconds = window_seconds
        self.lock = threading.Lock()
        self.counters: dict[tuple[str, tuple], _Counter] = {}
        self.gauges: dict[tuple[str, tuple], float] = {}
        self.histograms: dict[tuple[str, tuple], tuple[list[float], int]] = {}
        self.up = INSTANCES  # how many of the service's targets answer
        self.phase = ""

    def _counter(self, name: str, labels: dict[str, str]) -> _Counter:
        return self.counters.setdefault((name, tuple(sorted(labels.items()))), _Counter())

    def set_phase(self, phase: str) -> None:
        """Move every knob to its setting for `phase`."""
        now = time.monotonic()
        with self.lock:
            self.phase = phase
            rates: dict[tuple[str, tuple], float] = {}

            def key(name: str, labels: dict[str, str]) -> tuple[str, tuple]:
                return (name, tuple(sorted(labels.items())))

            for knob in self.knobs:
                setting = knob.settings[phase]
                if knob.kind == "up":
                    self.up = int(setting)
                elif knob.kind == "gauge":
                    self.gauges[key(knob.series[0], knob.labels)] = setting
                elif knob.kind == "rate":
                    rates[key(knob.series[0], knob.labels)] = setting
                elif knob.kind == "increase":  # the increase is spread over the counters named
                    for name in knob.series:
                        per_second = setting / self.window_seconds(knob.window) / len(knob.series)
                        rates[key(name, {**knob.labels, **knob.sample_labels})] = per_second
                elif knob.kind == "histogram":
                    self.histograms[key(knob.series[0], knob.labels)] = (knob.bounds, int(setting))
            # Ratios and shares last: their totals may be a rate knob's counter.
            for knob in self.knobs:
                share = knob.settings[phase]
                if knob.kind == "ratio":
                    den = rates.setdefault(key(knob.series[1], knob.labels), BASE_RATE)
                    rates[key(knob.series[0], {**knob.labels, **knob.sample_labels})] = share * den
                elif knob.kind == "share":
                    total = rates.get(key(knob.series[0], knob.labels), BASE_RATE)
                    rates[key(knob.series[0], {**knob.labels, **knob.sample_labels})] = share * total
                    rates[key(knob.series[0], {**knob.labels, **knob.rest_labels})] = (1 - share) * total
            for (name, labels), rate in rates.items():
                self._counter(name, dict(labels)).set_rate(rate, now)
            for (name, labels), (bounds, bucket) in self.histograms.items():
                for i, le in enumerate([*bounds, float("inf")]):
                    le_text = "+Inf" if le == float("inf") else _number(le)
                    rate = BASE_RATE if i >= bucket else 0.0
                    self._counter(f"{name}_bucket", {**dict(labels), "le": le_text}).set_rate(rate, now)
                if (f"{name}_count", labels) not in rates:  # a throughput or share knob may own the count
                    self._counter(f"{name}_count", dict(labels)).set_rate(BASE_RATE, now)
                middle = knob_middle(bounds, bucket)
                self._counter(f"{name}_sum", dict(labels)).set_rate(BASE_RATE * middle, now)

    def exposition(self) -> str:
        """The `/metrics` page."""
        now = time.monotonic()
        lines: list[str] = []
        with self.lock:
            typed: set[str] = set()
            for (name, labels), value in sorted(self.gauges.items()):
                if name not in typed:
                    lines.append(f"# TYPE {name} gauge")
                    typed.add(name)
                lines.append(f"{name}{_labels(dict(labels))} {_number(value)}")
            histogram_names = {name for name, _ in self.histograms}
            for (name, labels), counter in sorted(self.counters.items()):
                family = name.rsplit("_", 1)[0] if name.rsplit("_", 1)[0] in histogram_names else name
                if family not in typed:
                    lines.append(f"# TYPE {family} {'histogram' if family in histogram_names else 'counter'}")
                    typed.add(family)
                lines.append(f"{name}{_labels(dict(labels))} {_number(counter.value(now))}")
        return "\n".join(lines) + "\n"


def knob_middle(bounds: list[float], bucket: int) -> float:
    """A typical observation of a histogram bucket (for `_sum`)."""
    lower = 0.0 if bucket == 0 else bounds[bucket - 1]
    return (lower + bounds[bucket]) / 2


class _Handler(BaseHTTPRequestHandler):
    service: SyntheticService

    def do_GET(self) -> None:
        if self.path == "/metrics":
            self._send(200, self.service.exposition())
        elif self.path.startswith("/instance/"):
            number = self.path.removeprefix("/instance/")
            if number.isdigit() and int(number) <= self.service.up:
                self._send(200, "# TYPE aiwf_drill_instance gauge\naiwf_drill_instance 1\n")
            else:
                self._send(503, "down (aiwf drill)\n")
        else:
            self._send(404, "not found\n")

    def _send(self, status: int, body: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:
        """Silent: the drill reports what matters itself."""


def serve_exporter(service: SyntheticService) -> LoopbackServer:
    handler = type("ExporterHandler", (_Handler,), {"service": service})
    return LoopbackServer(handler)


__all__ = ["BASE_RATE", "INSTANCES", "SyntheticService", "serve_exporter"]
