"""The Alerting section's line about the written Prometheus files: promtool and amtool at work, then their verdict.

The checks (`aiwf validate`'s) run in a thread worker, so the app stays usable; while
they run, the line names the running tool and its elapsed time. `cancel()` (escape in
the section) kills the tools. Results come from the same cache as `aiwf validate`, so an
unchanged project shows its verdict at once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message
from textual.widgets import Static

from aiwf_tui.safetext import clean_text

if TYPE_CHECKING:
    from textual.timer import Timer

    from aiwf_tui.validate import Validation

NOT_WRITTEN = (
    "Not written yet: the rules, their unit tests and the Alertmanager config are written with "
    "the project files, then checked here with promtool and amtool (aiwf validate)."
)
TICK = 0.25  # seconds between repaints of the elapsed time


class ValidationStatus(Static):
    """Checks the project's Prometheus files on mount and shows progress, then each check's result."""

    class Finished(Message):
        """The checks ended: their results, or None when they were cancelled."""

        def __init__(self, results: list | None) -> None:
            self.results = results
            super().__init__()

    def __init__(self, project_root: Path, **kwargs) -> None:
        super().__init__(Text("Checking…", style="dim italic"), **kwargs)
        self.project_root = Path(project_root)
        self._validation: Validation | None = None
        self._progress_lock = threading.Lock()
        self._active_checks: dict[str, tuple[str, float]] = {}  # check name -> (tool label, start time)
        self._checks_done = 0
        self._checks_total = 0
        self._tick_timer: Timer | None = None

    @property
    def running(self) -> bool:
        """Whether promtool/amtool are at work right now."""
        return self._validation is not None

    def on_mount(self) -> None:
        self.start()

    def on_unmount(self) -> None:
        self.cancel()

    def start(self) -> None:
        """Check the files as they are on disk now."""
        from aiwf_tui.check_cache import CheckCache
        from aiwf_tui.layout import PROMETHEUS_DIR
        from aiwf_tui.validate import Validation, plan_checks

        if not (self.project_root / PROMETHEUS_DIR).is_dir():
            self.update(Text(NOT_WRITTEN, style="dim"))
            return
        self.cancel()
        validation = Validation(self.project_root, cache=CheckCache(), on_start=self._started, on_done=self._finished)
        with self._progress_lock:
            self._active_checks.clear()
            self._checks_done = 0
            self._checks_total = len(plan_checks(validation.folder)[0])
        self._validation = validation
        self.refresh_bindings()  # escape: stop checks, shown while they run
        self._paint_progress()
        self._tick_timer = self.set_interval(TICK, self._paint_progress)
        self._run(validation)

    def cancel(self) -> None:
        """Stop the checks (their tools are killed); the line says so."""
        validation, self._validation = self._validation, None
        if validation is not None:
            validation.cancel()
            self._stop_timer()
            self.refresh_bindings()
            if self.is_attached:
                self.update(
                    Text("Checks stopped (escape). They run again when you come back to this section.", style="dim")
                )

    @work(thread=True, exclusive=True, group="validate", exit_on_error=False)
    def _run(self, validation) -> None:
        from aiwf_tui.validate import Cancelled

        try:
            results = validation.run()
        except Cancelled:
            results = None
        if validation is self._validation:
            self.post_message(self.Finished(results))

    def on_validation_status_finished(self, message: Finished) -> None:
        message.stop()
        self._validation = None
        self._stop_timer()
        self.refresh_bindings()
        if message.results is not None:
            self.update(self._verdict(message.results))

    # -- from the worker thread ---------------------------------------------------------------
    def _started(self, check, tool) -> None:
        with self._progress_lock:
            self._active_checks[check.name] = (f"{tool.name} {tool.version or ''}".strip(), time.monotonic())

    def _finished(self, result) -> None:
        with self._progress_lock:
            self._active_checks.pop(result.name, None)
            self._checks_done += 1

    # -- painting -------------------------------------------------------------------------------
    def _stop_timer(self) -> None:
        if self._tick_timer is not None:
            self._tick_timer.stop()
            self._tick_timer = None

    def _paint_progress(self) -> None:
        if self._validation is None:
            return
        with self._progress_lock:
            running = dict(self._active_checks)
            done, total = self._checks_done, self._checks_total
        now = time.monotonic()
        text = Text()
        text.append("Checking ", style="bold")
        text.append(f"{done}/{total} done", style="dim")
        for name, (tool, since) in running.items():
            text.append("  ·  ")
            text.append(clean_text(name))
            text.append(f" ({clean_text(tool)}) {now - since:.1f} s", style="cyan")
        text.append("   escape: stop", style="dim")
        self.update(text)

    @staticmethod
    def _verdict(results) -> Text:
        text = Text()
        style = {"PASS": "green bold", "FAIL": "red bold", "SKIP": "yellow bold"}
        for result in results:
            text.append(f"{result.status} ", style=style.get(result.status, "bold"))
            text.append(clean_text(f"{result.name}: {result.detail}"))
            if result.tool and result.version:
                text.append(f"  ({result.tool} {result.version}{', cached' if result.cached else ''})", style="dim")
            text.append("\n")
        return text
