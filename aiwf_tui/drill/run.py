"""`run_drill(project, plan)`: the fire drill, start to finish.

It renders the plan (the same pure functions `aiwf render` uses), starts the synthetic
service, a webhook standing in for every channel, a real Alertmanager and a real
Prometheus on loopback, and walks the phases of `aiwf_tui.drill.design` (quiet, then
every lesser alert, then the critical ones too). For every alert it records whether
Prometheus fired it and when, which receiver Alertmanager delivered it to, whether its
runbook link points at an anchor the runbook defines, and whether Alertmanager inhibited
it once a critical alert fired. Everything it started is stopped, and its temporary folder
removed, however it ends (Ctrl-C included).
"""

from __future__ import annotations

import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import quote, urlsplit

from aiwf_tui.drill import compressed, processes
from aiwf_tui.drill.design import INHIBITING, Design, design
from aiwf_tui.drill.exporter import INSTANCES, SyntheticService, serve_exporter
from aiwf_tui.drill.webhook import Inbox, serve_webhook
from aiwf_tui.layout import ALERTMANAGER_FILE, PROMETHEUS_DIR, RULES_FILE, RUNBOOK_FILE
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.model.yamlio import dump_yaml, load_plain
from aiwf_tui.render.promql import label_value

#: The whole drill gives up after this many seconds (the servers' start-up included).
TIME_LIMIT = 85.0
#: Seconds between two looks at Prometheus, Alertmanager and the webhook.
POLL_SECONDS = 0.2
#: Slack added to each phase's expected duration before it counts as failed.
PHASE_SLACK = 8.0


@dataclass
class AlertResult:
    """What the drill saw of one alert (the JSON report's entries)."""

    name: str
    severity: str
    expected_receiver: str
    fired: bool = False
    seconds: float | None = None
    receiver: str | None = None
    runbook_url_ok: bool | None = None
    inhibited: bool | None = None
    expected_inhibited: bool | None = None
    phase: str | None = None  # the phase in which its input crossed the threshold
    note: str = ""

    @property
    def passed(self) -> bool:
        if self.phase is None:  # not driven: nothing to judge
            return not self.note.startswith("fired")
        return (
            self.fired
            and self.receiver == self.expected_receiver
            and bool(self.runbook_url_ok)
            and self.inhibited == self.expected_inhibited
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "fired": self.fired,
            "seconds": None if self.seconds is None else round(self.seconds, 2),
            "receiver": self.receiver,
            "expected_receiver": self.expected_receiver,
            "runbook_url_ok": self.runbook_url_ok,
            "inhibited": self.inhibited,
            "expected_inhibited": self.expected_inhibited,
            "severity": self.severity,
            "note": self.note,
        }


@dataclass
class DrillReport:
    """Every alert's result, the time compression used, and the overall verdict."""

    alerts: list[AlertResult]
    factor: float
    seconds: float
    versions: dict[str, str] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        return bool(self.alerts) and all(a.passed for a in self.alerts)

    def as_json(self) -> dict[str, Any]:
        return {
            "alerts": [a.as_json() for a in self.alerts],
            "passed": self.passed,
            "time_factor": float(self.factor),
            "seconds": round(self.seconds, 1),
        }


@dataclass(frozen=True)
class DrillEvent:
    """Progress, for a live view: `kind` is started|phase|firing|delivered|inhibited|done."""

    kind: str
    alert: str = ""
    detail: str = ""
    seconds: float | None = None


class DrillStopped(Exception):
    """The drill was stopped through its `stop` event (everything it started is stopped too)."""


class DrillError(Exception):
    """The drill could not run (a binary missing, a server that would not start); one line.
    `missing` is True when a binary is missing (nothing was started)."""

    def __init__(self, message: str, missing: bool = False) -> None:
        super().__init__(message)
        self.missing = missing


# -- what the plan expects -------------------------------------------------------------------------
def expected_receiver(plan: OperationsPlan, rule) -> str:
    """The receiver the plan routes an alert to: its own channels, else its severity's, else the root's."""
    from aiwf_tui.render.prometheus import receiver_name, routing_plan

    routing = plan.alerting.routing
    if rule.channels:
        return receiver_name(list(rule.channels))
    if routing.get(rule.severity):
        return receiver_name(list(routing[rule.severity]))
    return receiver_name(routing_plan(plan)[1])


def runbook_url_ok(url: str, anchors: set[str]) -> bool:
    """The link ends in an anchor the runbook defines, and points at the runbook (a relative
    link must resolve to phase-5-operations/runbook.md from the prometheus folder)."""
    parts = urlsplit(url)
    if not parts.fragment or parts.fragment not in anchors:
        return False
    if parts.scheme in ("http", "https"):
        return bool(parts.netloc)
    if parts.scheme or parts.netloc:
        return False
    base = PurePosixPath(PROMETHEUS_DIR)
    resolved: list[str] = []
    for part in (base / parts.path).parts:
        if part == "..":
            if resolved:
                resolved.pop()
        elif part != ".":
            resolved.append(part)
    return "/".join(resolved) == RUNBOOK_FILE


_MATCHER_RE = re.compile(r'^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*"?(.*?)"?\s*$')


def _matches(matchers: list[str], labels: dict[str, str]) -> bool:
    for text in matchers:
        m = _MATCHER_RE.match(text)
        if not m:
            return False
        name, op, value = m.groups()
        have = labels.get(name, "")
        ok = {
            "=": have == value,
            "!=": have != value,
            "=~": re.fullmatch(value, have) is not None,
            "!~": re.fullmatch(value, have) is None,
        }[op]
        if not ok:
            return False
    return True


def inhibited_by_design(config: dict[str, Any], target: dict[str, str], firing: list[dict[str, str]]) -> bool:
    """Whether the Alertmanager config's inhibit rules suppress `target` while `firing` fire."""
    for rule in config.get("inhibit_rules") or []:
        if not _matches(rule.get("target_matchers", []), target):
            continue
        for source in firing:
            if source is target or not _matches(rule.get("source_matchers", []), source):
                continue
            if _matches(rule.get("target_matchers", []), source) and _matches(rule.get("source_matchers", []), target):
                continue
            if all(source.get(k, "") == target.get(k, "") for k in rule.get("equal", [])):
                return True
    return False


# -- the drill ----------------------------------------------------------------------------------------
class _Drill:
    def __init__(
        self,
        project,
        plan: OperationsPlan,
        on_event: Callable[[DrillEvent], None],
        stop: threading.Event | None = None,
    ) -> None:
        from aiwf_tui.publish import prepare
        from aiwf_tui.render.artifacts import runbook_anchors
        from aiwf_tui.render.prometheus import alert_names

        self.plan = plan
        self.on_event = on_event
        self.stop = stop or threading.Event()
        files = prepare(project, plan, date.today().isoformat())
        self.rules_data = load_plain(files[RULES_FILE], RULES_FILE)
        self.am_config = load_plain(files[ALERTMANAGER_FILE], ALERTMANAGER_FILE)
        self.anchors = runbook_anchors(files[RUNBOOK_FILE])
        self.service = next(
            (r["labels"]["service"] for g in self.rules_data["groups"] for r in g["rules"] if "alert" in r),
            plan.project_name,
        )
        names = alert_names(plan.alerting.rules)
        self.rules = list(zip(names, plan.alerting.rules))
        self.design: Design = design(self.rules, self.service, plan.metrics)
        all_rules = [r for g in self.rules_data["groups"] for r in g["rules"]]
        self.clock = compressed.clock_for(all_rules)
        self.results = {
            name: AlertResult(name, rule.severity, expected_receiver(plan, rule)) for name, rule in self.rules
        }
        for name, why in self.design.undriven.items():
            self.results[name].note = why
        self.first_expected: dict[str, tuple[str, float]] = {}

    # -- helpers
    def emit(self, kind: str, alert: str = "", detail: str = "", seconds: float | None = None) -> None:
        self.on_event(DrillEvent(kind, alert, detail, seconds))

    def pause(self) -> None:
        """Wait one poll interval; raise `DrillStopped` as soon as the stop event is set."""
        if self.stop.wait(POLL_SECONDS):
            raise DrillStopped

    def knob_seconds(self, alert: str) -> float:
        """How long the alert needs once its input crosses: window to fill, then `for`."""
        rule = next(r for n, r in self.rules if n == alert)
        knob = self.design.knob_of(alert)
        window = self.clock.window(knob.window) if knob and knob.window else 0.0
        return window + self.clock.hold(rule.duration_value)

    def run(self, binaries: tuple[str, str], folder: Path, deadline: float, stack: list[Any]) -> None:
        """Start everything (appending each to `stack`, which the caller stops) and walk the phases."""
        prometheus_bin, alertmanager_bin = binaries
        service = SyntheticService(self.design.knobs, self.clock.window)
        service.set_phase("quiet")
        inbox = Inbox()
        exporter = serve_exporter(service)
        stack.append(exporter)
        webhook = serve_webhook(inbox)
        stack.append(webhook)
        # Alerts the drill cannot drive are left out: with no input they could only fire spuriously.
        kept = [
            {**g, "rules": [r for r in g["rules"] if r.get("alert") not in self.design.undriven]}
            for g in self.rules_data["groups"]
        ]
        groups = compressed.compress_groups([g for g in kept if g["rules"]], self.clock)
        (folder / "alert-rules.yml").write_text(
            f"# aiwf drill: a time-compressed copy ({self.clock.factor:g}x) of the project's alert rules.\n"
            + dump_yaml({"groups": groups}),
            encoding="utf-8",
        )
        (folder / "alertmanager.yml").write_text(
            dump_yaml(compressed.drill_alertmanager(self.am_config, self.clock, webhook.port)),
            encoding="utf-8",
        )
        with _sigint_deferred():  # a server started is a server the cleanup knows
            alertmanager = processes.start_alertmanager(alertmanager_bin, folder)
            stack.append(alertmanager)
        (folder / "prometheus.yml").write_text(
            dump_yaml(compressed.prometheus_config(self.service, exporter.port, alertmanager.port, INSTANCES)),
            encoding="utf-8",
        )
        with _sigint_deferred():
            prometheus = processes.start_prometheus(prometheus_bin, folder)
            stack.append(prometheus)
        ready_by = min(deadline, time.monotonic() + processes.READY_TIMEOUT)
        processes.wait_ready(alertmanager, ready_by)
        processes.wait_ready(prometheus, ready_by)
        if self.stop.is_set():
            raise DrillStopped
        self.emit("started", detail=f"{self.clock.factor:g}")
        self._phases(service, inbox, prometheus, alertmanager, deadline)

    def _poll_prometheus(self, prometheus) -> list[dict[str, Any]]:
        try:
            return processes.get_json(f"{prometheus.url}/api/v1/alerts")["data"]["alerts"]
        except (OSError, ValueError, KeyError, TypeError):
            return []

    def _poll_alertmanager(self, alertmanager) -> list[dict[str, Any]]:
        try:
            data = processes.get_json(f"{alertmanager.url}/api/v2/alerts")
            return data if isinstance(data, list) else []
        except (OSError, ValueError):
            return []

    def _phases(self, service: SyntheticService, inbox: Inbox, prometheus, alertmanager, deadline: float) -> None:
        # Quiet: wait for every target to be scraped (Prometheus applies its targets a few seconds
        # after it starts), then for the shortest window to fill.
        scraped = f"{prometheus.url}/api/v1/query?query=" + quote(f"count(up{{job={label_value(self.service)}}})")
        while time.monotonic() < deadline:
            try:
                result = processes.get_json(scraped)["data"]["result"]
                if result and float(result[0]["value"][1]) >= INSTANCES:
                    break
            except (OSError, ValueError, KeyError, TypeError, IndexError):
                pass
            self.pause()
        settle = time.monotonic() + compressed.MIN_WINDOW + 2 * compressed.SCRAPE_SECONDS
        while time.monotonic() < settle:
            for alert in self._poll_prometheus(prometheus):
                name = alert.get("labels", {}).get("alertname", "")
                if alert.get("state") == "firing" and name in self.results and not self.results[name].note:
                    self.results[name].note = "fired before its input crossed the threshold"
            self.pause()
        for phase in ("warn", "page"):
            expected = self.design.expected(phase)
            switch = time.monotonic()
            for name in sorted(expected):
                if name not in self.first_expected:
                    self.first_expected[name] = (phase, switch)
                    self.results[name].phase = phase
            service.set_phase(phase)
            self.emit("phase", detail=phase)
            waiting = [n for n in expected if self.first_expected[n][0] == phase]
            budget = max((self.knob_seconds(n) for n in waiting), default=0.0) + PHASE_SLACK
            phase_deadline = min(deadline, switch + budget)
            while True:
                firing_now = self._observe(inbox, prometheus)
                if phase == "page":
                    settled = self._observe_inhibition(alertmanager, firing_now)
                else:
                    settled = True
                delivered = all(
                    self.results[n].receiver is not None
                    for n in waiting
                    if not (phase == "page" and self.results[n].expected_inhibited)
                )
                if delivered and settled:
                    break
                if time.monotonic() > phase_deadline:
                    break
                self.pause()
        self.emit("done")

    def _observe(self, inbox: Inbox, prometheus) -> list[dict[str, str]]:
        """Record firings and deliveries; return the label sets Prometheus has firing now."""
        now = time.monotonic()
        firing_now: list[dict[str, str]] = []
        for alert in self._poll_prometheus(prometheus):
            labels = {str(k): str(v) for k, v in (alert.get("labels") or {}).items()}
            name = labels.get("alertname", "")
            if alert.get("state") != "firing" or name not in self.results:
                continue
            firing_now.append(labels)
            result = self.results[name]
            if not result.fired:
                result.fired = True
                since = self.first_expected.get(name, (None, now))[1]
                result.seconds = now - since
                url = (alert.get("annotations") or {}).get("runbook_url", "")
                result.runbook_url_ok = runbook_url_ok(url, self.anchors)
                self.emit("firing", name, seconds=result.seconds)
        for delivery in inbox.firing():
            delivered = self.results.get(delivery.alertname)
            if delivered is None or delivered.receiver is not None:
                continue
            result = delivered
            result.receiver = delivery.receiver
            since = self.first_expected.get(delivery.alertname, (None, delivery.at))[1]
            result.seconds = max(0.0, delivery.at - since)
            result.runbook_url_ok = runbook_url_ok(delivery.annotations.get("runbook_url", ""), self.anchors)
            self.emit("delivered", delivery.alertname, delivery.receiver, result.seconds)
        return firing_now

    def _observe_inhibition(self, alertmanager, firing_now: list[dict[str, str]]) -> bool:
        """Compare Alertmanager's inhibitions with the config's design; True once they agree."""
        observed: dict[str, bool] = {}
        for alert in self._poll_alertmanager(alertmanager):
            labels = alert.get("labels") or {}
            name = labels.get("alertname", "")
            if name in self.results:
                by = (alert.get("status") or {}).get("inhibitedBy") or []
                observed[name] = observed.get(name, False) or bool(by)
        firing_names = {labels["alertname"] for labels in firing_now}
        agreed = True
        for name, result in self.results.items():
            if name not in firing_names:
                continue
            target = next(labels for labels in firing_now if labels["alertname"] == name)
            result.expected_inhibited = inhibited_by_design(self.am_config, target, firing_now)
            seen = observed.get(name)
            if seen is not None and seen != result.inhibited:
                result.inhibited = seen
                if seen:
                    self.emit("inhibited", name)
            if seen is None or seen != result.expected_inhibited:
                agreed = False
        critical_pending = [
            n
            for n in self.design.expected("page")
            if self.results[n].severity == INHIBITING and self.results[n].receiver is None
        ]
        return agreed and not critical_pending

    def finish(self) -> list[AlertResult]:
        for result in self.results.values():
            if result.fired and result.inhibited is None:
                result.inhibited = False
            if result.fired and result.expected_inhibited is None:
                result.expected_inhibited = False
            if (
                result.phase == "page"
                and result.severity != INHIBITING
                and result.receiver is None
                and result.inhibited
            ):
                result.note = (
                    "fires only together with a critical alert on the same input, which inhibits it: "
                    "it can never notify anyone"
                )
            elif result.phase is not None and not result.fired:
                result.note = result.note or "did not fire within the drill's time"
        return list(self.results.values())


def run_drill(
    project,
    plan: OperationsPlan,
    on_event: Callable[[DrillEvent], None] | None = None,
    time_limit: float = TIME_LIMIT,
    stop: threading.Event | None = None,
) -> DrillReport:
    """Run the fire drill on a project and its (confirmed) plan; see the module docstring.

    Raises `DrillError` when a binary is missing or a server cannot start, `AiwfError`
    when the plan cannot be rendered, `DrillStopped` once `stop` is set (the app's escape)
    and KeyboardInterrupt, each after cleaning up."""
    started = time.monotonic()
    try:
        binaries = (processes.find_binary("prometheus"), processes.find_binary("alertmanager"))
    except processes.MissingBinary as exc:
        raise DrillError(str(exc), missing=True) from None
    drill = _Drill(project, plan, on_event or (lambda event: None), stop)
    stack: list[Any] = []
    folder = Path(tempfile.mkdtemp(prefix="aiwf-drill-"))
    try:
        drill.run(binaries, folder, started + time_limit, stack)
    except RuntimeError as exc:
        raise DrillError(str(exc)) from None
    finally:
        previous = _ignore_sigint()  # a second Ctrl-C must not leave a server running
        try:
            for item in reversed(stack):
                (item.stop if hasattr(item, "stop") else item.close)()
            shutil.rmtree(folder, ignore_errors=True)
        finally:
            _restore_sigint(previous)
    return DrillReport(drill.finish(), drill.clock.factor, time.monotonic() - started)


@contextmanager
def _sigint_deferred() -> Iterator[None]:
    """Hold a Ctrl-C that arrives inside the block until its end. Between a server's start
    and its entry in the cleanup stack, a KeyboardInterrupt left the server running after
    `aiwf drill` had exited (until the kernel's parent-death signal ended it)."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signals are handled in the main thread only
        return
    held: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if held:
            signal.raise_signal(signal.SIGINT)  # handled now, as the previous handler would


def _ignore_sigint():
    if threading.current_thread() is threading.main_thread():
        return signal.signal(signal.SIGINT, signal.SIG_IGN)
    return None


def _restore_sigint(previous) -> None:
    if previous is not None:
        signal.signal(signal.SIGINT, previous)


__all__ = [
    "TIME_LIMIT",
    "AlertResult",
    "DrillError",
    "DrillEvent",
    "DrillReport",
    "DrillStopped",
    "expected_receiver",
    "inhibited_by_design",
    "run_drill",
    "runbook_url_ok",
]
