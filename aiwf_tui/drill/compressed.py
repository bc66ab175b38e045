"""The fire drill's configuration: a time-compressed copy of the plan's rules, its
Alertmanager routing tree with every channel replaced by a loopback webhook, and a
Prometheus config scraping the synthetic service.

Time runs `factor` times faster: every `for`, every range window and Alertmanager's
group timings are divided by it, so an alert that waits an hour in production waits
seconds here. The factor is chosen so the longest `for` takes at most `LONGEST_FOR`
seconds. Range windows keep at least `MIN_WINDOW` seconds (enough scrapes for `rate()`)
and at most `MAX_WINDOW` (a one-day token budget cannot be replayed in a drill; the
exporter drives its counter over the compressed window instead). Every rule carries a
`drill` annotation saying so. The project's files are never touched: the copies live in
the drill's temporary folder.

Pure: data in, data out.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

from aiwf_tui.drill.webhook import hook_path
from aiwf_tui.model.plan import duration_seconds

#: Seconds between scrapes and between rule evaluations during the drill.
SCRAPE_SECONDS = 0.5
#: The longest `for` of the plan lasts at most this many seconds in the drill.
LONGEST_FOR = 12.0
#: The smallest time compression (one minute -> one second).
MIN_FACTOR = 60.0
#: Bounds of a compressed range window, in seconds.
MIN_WINDOW = 2.0
MAX_WINDOW = 8.0

_RANGE_RE = re.compile(r"\[((?:\d+(?:ms|[smhdwy]))+)(?::((?:\d+(?:ms|[smhdwy]))+)?)?\]")
_DURATION_RE = re.compile(r"(\d+)(ms|[smhdwy])")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, "y": 31536000}


def seconds(duration: str) -> float:
    """Seconds in a Prometheus duration, milliseconds included."""
    return sum(int(n) * _UNITS[u] for n, u in _DURATION_RE.findall(duration))


def as_duration(value: float) -> str:
    """A Prometheus duration in whole milliseconds (`1250ms`)."""
    return f"{max(1, round(value * 1000))}ms"


@dataclass(frozen=True)
class Clock:
    """How drill time relates to production time."""

    factor: float

    def hold(self, duration: str) -> float:
        """A compressed `for` (0 stays 0; otherwise at least one evaluation)."""
        value = seconds(duration)
        return 0.0 if value == 0 else max(SCRAPE_SECONDS, value / self.factor)

    def window(self, duration: str) -> float:
        """A compressed range window."""
        return min(MAX_WINDOW, max(MIN_WINDOW, seconds(duration) / self.factor))


def clock_for(rules: list[dict[str, Any]]) -> Clock:
    """The compression that brings the longest `for` down to `LONGEST_FOR` seconds."""
    longest = max((duration_seconds(r.get("for", "0s")) for r in rules if "alert" in r), default=0)
    return Clock(max(MIN_FACTOR, math.ceil(longest / LONGEST_FOR)))


def compress_expr(expr: str, clock: Clock) -> str:
    """The expression with each range window (and subquery step) compressed."""

    def scale(m: re.Match) -> str:
        window = as_duration(clock.window(m.group(1)))
        if m.group(0).count(":") == 0:
            return f"[{window}]"
        step = m.group(2)
        return f"[{window}:{as_duration(max(SCRAPE_SECONDS, seconds(step) / clock.factor)) if step else ''}]"

    return _RANGE_RE.sub(scale, expr)


def compress_groups(groups: list[dict[str, Any]], clock: Clock) -> list[dict[str, Any]]:
    """The rule groups with every `for` and range window compressed, each alert marked."""
    out = copy.deepcopy(groups)
    for group in out:
        for rule in group["rules"]:
            rule["expr"] = compress_expr(rule["expr"], clock)
            if "alert" in rule:
                original = rule.get("for", "0s")
                rule["for"] = as_duration(clock.hold(original)) if seconds(original) else "0s"
                rule.setdefault("annotations", {})["drill"] = (
                    f"aiwf drill: time compressed {clock.factor:g}x (for {original} -> {rule['for']})"
                )
    return out


def drill_alertmanager(config: dict[str, Any], clock: Clock, webhook_port: int) -> dict[str, Any]:
    """The plan's Alertmanager config with the same routing tree and inhibit rules, each
    receiver's channels replaced by loopback webhooks, and group timings compressed."""
    out = copy.deepcopy(config)
    out.pop("global", None)
    route = out["route"]
    for key, floor in (("group_wait", 0.1), ("group_interval", 0.5), ("repeat_interval", 60.0)):
        if key in route:
            route[key] = as_duration(max(floor, seconds(route[key]) / clock.factor))
    receivers = []
    for receiver in out["receivers"]:
        name = receiver["name"]
        channels = [c for c in name.split("+") if c and c != "null"] or ["null"]
        receivers.append(
            {
                "name": name,
                "webhook_configs": [
                    {"url": f"http://127.0.0.1:{webhook_port}{hook_path(name, channel)}", "send_resolved": False}
                    for channel in channels
                ],
            }
        )
    out["receivers"] = receivers
    return out


def prometheus_config(service: str, exporter_port: int, alertmanager_port: int, instances: int) -> dict[str, Any]:
    """Scrape the synthetic service (its targets as job `service`), evaluate the drill
    rules, send alerts to the drill's Alertmanager."""
    interval = as_duration(SCRAPE_SECONDS)
    address = f"127.0.0.1:{exporter_port}"
    return {
        "global": {
            "scrape_interval": interval,
            "evaluation_interval": interval,
            "scrape_timeout": as_duration(SCRAPE_SECONDS * 0.8),
        },
        "rule_files": ["alert-rules.yml"],
        "alerting": {"alertmanagers": [{"static_configs": [{"targets": [f"127.0.0.1:{alertmanager_port}"]}]}]},
        "scrape_configs": [
            {
                "job_name": service,
                "static_configs": [
                    {
                        "targets": [address],
                        "labels": {"__metrics_path__": f"/instance/{i}", "instance": f"{service}-{i}"},
                    }
                    for i in range(1, instances + 1)
                ],
            },
            {"job_name": "aiwf-drill-synthetic", "static_configs": [{"targets": [address]}]},
        ],
    }


__all__ = [
    "SCRAPE_SECONDS",
    "Clock",
    "as_duration",
    "clock_for",
    "compress_expr",
    "compress_groups",
    "drill_alertmanager",
    "prometheus_config",
    "seconds",
]
