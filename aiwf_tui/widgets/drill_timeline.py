"""The Alerting section's fire drill: `aiwf drill` run from the app, then a timeline per alert.

The drill (real Prometheus and Alertmanager on loopback, ~25 s) runs in a thread worker, so
the app stays usable; a progress line names its phase, the alerts fired so far and the elapsed
time. `cancel()` (escape in the section) sets the drill's stop event: it stops its servers
and removes its temporary folder before the worker ends. The result is one row per alert:
when it fired (on a bar across the drill), where Alertmanager routed it, where the plan
expected it, its runbook link, and the verdict.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import DataTable, Static

from aiwf_tui.safetext import clean_text

if TYPE_CHECKING:
    from textual.timer import Timer

    from aiwf_tui.drill.run import DrillEvent, DrillReport

TICK = 0.25  # seconds between repaints of the elapsed time
BAR = 20  # cells of the timeline bar
IDLE = "Fire drill: press r to fire every alert through a real Prometheus and Alertmanager (about 25 s)."
COLUMNS = ("Alert", "Severity", "Timeline", "Fired at", "Routed to", "Expected receiver", "Runbook link", "Verdict")


@dataclass(frozen=True)
class DrillRow:
    """One alert's line of the timeline, as shown (plain strings; the table styles them)."""

    alert: str
    severity: str
    seconds: float | None
    fired_at: str
    routed_to: str
    expected: str
    runbook_url: str
    runbook_ok: bool | None
    passed: bool
    verdict: str


def drill_rows(report: DrillReport, runbook_urls: dict[str, str]) -> list[DrillRow]:
    """The report as timeline rows; `runbook_urls` maps each alert to the link it carries."""
    rows = []
    for a in report.alerts:
        if a.seconds is None:
            fired_at = "-"
        else:
            fired_at = f"{a.seconds:.1f} s (~{a.seconds * report.factor / 60:.0f} min real)"
        if a.phase is None:  # the drill could not drive its input
            verdict = f"not driven: {a.note}" if a.note else "not driven"
        elif a.passed:
            verdict = "inhibited as planned" if a.inhibited else "as planned"
        elif a.note:
            verdict = a.note
        elif not a.fired:
            verdict = "did not fire"
        elif a.receiver != a.expected_receiver:
            verdict = f"routed to {a.receiver or 'nobody'}, expected {a.expected_receiver}"
        elif not a.runbook_url_ok:
            verdict = "runbook link names no runbook anchor"
        else:
            verdict = "inhibition differs from the config"
        rows.append(
            DrillRow(
                a.name,
                a.severity,
                a.seconds,
                fired_at,
                a.receiver or "-",
                a.expected_receiver,
                runbook_urls.get(a.name, ""),
                a.runbook_url_ok,
                a.passed,
                verdict,
            )
        )
    return rows


def timeline_bar(seconds: float | None, longest: float) -> Text:
    """A bar across the drill with a dot where the alert fired (nothing when it did not)."""
    if seconds is None or longest <= 0:
        return Text("·" * BAR, style="dim")
    at = min(BAR - 1, int(seconds / longest * (BAR - 1)))
    return Text.assemble(("─" * at, "dim"), ("●", "bold"), ("─" * (BAR - 1 - at), "dim"))


class DrillTimeline(Vertical):
    """Runs the fire drill on `start()` and shows its progress, then one timeline row per alert."""

    DEFAULT_CSS = """
    DrillTimeline { height: auto; }
    DrillTimeline > .drill-status { height: auto; }
    DrillTimeline > DataTable { height: auto; max-height: 20; }
    """

    class Finished(Message):
        """The drill ended: its report, or None with the one-line reason it has none."""

        def __init__(self, report: DrillReport | None, problem: str, urls: dict[str, str]) -> None:
            self.report = report
            self.problem = problem
            self.urls = urls
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.rows: list[DrillRow] = []
        self.problem = ""
        self._stop: threading.Event | None = None
        self._lock = threading.Lock()
        self._status = ""
        self._fired: set[str] = set()
        self._total = 0
        self._started = 0.0
        self._tick_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(IDLE, style="dim"), classes="drill-status")
        table: DataTable[Any] = DataTable(cursor_type="row", zebra_stripes=True)
        table.display = False
        yield table

    @property
    def running(self) -> bool:
        """Whether a drill is under way."""
        return self._stop is not None

    def on_unmount(self) -> None:
        self.cancel()

    def start(self, project, plan) -> None:
        """Run the drill on `plan` as it is now (a copy); nothing happens while one runs."""
        if self.running:
            return
        from aiwf_tui.render.prometheus.common import alert_names

        plan = plan.model_copy(deep=True)
        self._stop = threading.Event()
        with self._lock:
            self._status = "starting Prometheus and Alertmanager"
            self._fired = set()
            self._total = len(alert_names(plan.alerting.rules))
        self._started = time.monotonic()
        self.problem = ""
        self._paint_progress()
        self._tick_timer = self.set_interval(TICK, self._paint_progress)
        self.refresh_bindings()
        self._run(project, plan, self._stop)

    def cancel(self) -> None:
        """Stop the drill: its servers are stopped and its folder removed before the worker ends."""
        if self._stop is not None:
            self._stop.set()
            with self._lock:
                self._status = "stopping the servers"

    @work(thread=True, exclusive=True, group="drill", exit_on_error=False)
    def _run(self, project, plan, stop: threading.Event) -> None:
        from aiwf_tui.drill.run import DrillError, DrillStopped, run_drill
        from aiwf_tui.errors import AiwfError
        from aiwf_tui.render.prometheus.common import alert_annotations, alert_names

        report, problem, urls = None, "", {}
        try:
            urls = {
                name: alert_annotations(plan, rule).get("runbook_url", "")
                for name, rule in zip(alert_names(plan.alerting.rules), plan.alerting.rules)
                if rule.answered
            }
            report = run_drill(project, plan, on_event=self._event, stop=stop)
        except DrillStopped:
            problem = "Fire drill stopped (escape); its servers are stopped. Press r to run it again."
        except DrillError as exc:
            problem = f"Fire drill not run: {exc}"
        except AiwfError as exc:
            problem = f"Fire drill not run: {exc}"
        except Exception as exc:  # the drill must never take the app down
            problem = f"Fire drill failed: {exc}"
        self.post_message(self.Finished(report, problem, urls))

    def _event(self, event: DrillEvent) -> None:  # from the worker thread
        with self._lock:
            if event.kind == "started":
                self._status = f"servers up, time compressed {event.detail}x, inputs quiet"
            elif event.kind == "phase":
                self._status = "lesser alerts firing" if event.detail == "warn" else "critical alerts firing too"
            elif event.kind in ("firing", "delivered"):
                self._fired.add(event.alert)
            elif event.kind == "done":
                self._status = "done, stopping the servers"

    def on_drill_timeline_finished(self, message: Finished) -> None:
        message.stop()
        self._stop = None
        if self._tick_timer is not None:
            self._tick_timer.stop()
            self._tick_timer = None
        self.refresh_bindings()
        status = self.query_one(".drill-status", Static)
        if message.report is None:
            self.problem = clean_text(message.problem)
            status.update(Text(self.problem, style="yellow"))
            return
        report = message.report
        self.rows = drill_rows(report, message.urls)
        passed = sum(row.passed for row in self.rows)
        verdict = "every alert as planned" if report.passed else f"{len(self.rows) - passed} not as planned"
        status.update(
            Text.assemble(
                ("Fire drill: ", "bold"),
                (verdict, "green bold" if report.passed else "red bold"),
                f"  ({len(self.rows)} alerts, {report.seconds:.0f} s, time compressed {report.factor:g}x; r runs it again)",
            )
        )
        self._fill(report)

    def _fill(self, report: DrillReport) -> None:
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_columns(*COLUMNS)
        longest = max((row.seconds or 0.0 for row in self.rows), default=0.0)
        for row in self.rows:
            link = Text(clean_text(row.runbook_url) or "-")
            if row.runbook_url:
                link.stylize(Style(link=row.runbook_url))
            mark = {True: (" ✔", "green"), False: (" ✘", "red"), None: ("", "")}[row.runbook_ok]
            link.append(*mark)
            table.add_row(
                Text(clean_text(row.alert)),
                Text(row.severity),
                timeline_bar(row.seconds, longest),
                Text(row.fired_at),
                Text(clean_text(row.routed_to), style="" if row.passed or row.routed_to == row.expected else "red"),
                Text(clean_text(row.expected)),
                link,
                Text(clean_text(row.verdict), style="green" if row.passed else "red"),
                key=row.alert,
            )
        table.display = True

    def _paint_progress(self) -> None:
        if self._stop is None:
            return
        with self._lock:
            status, fired, total = self._status, len(self._fired), self._total
        self.query_one(".drill-status", Static).update(
            Text.assemble(
                ("Fire drill ", "bold"),
                status,
                (f"  ·  {fired}/{total} fired  ·  {time.monotonic() - self._started:.1f} s", "cyan"),
                ("   escape: stop", "dim"),
            )
        )
