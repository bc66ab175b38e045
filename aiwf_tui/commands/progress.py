"""Per-step progress for long headless verbs on a terminal (Rich): which step, how long so far.

Only used when stdout is a terminal and no `--json` was asked for; the lines vanish when
the work ends, leaving the verb's own results. Steps may start and finish from any thread.
"""

from __future__ import annotations

import threading

from rich.console import Console
from rich.progress import Progress, ProgressColumn, SpinnerColumn, Task, TaskID
from rich.text import Text

STATUS_STYLE = {"PASS": "bold green", "FAIL": "bold red", "SKIP": "bold yellow"}


class _Status(ProgressColumn):
    """`wait`, `run`, then the step's status in its colour."""

    def render(self, task: Task) -> Text:
        return task.fields.get("status") or Text("")


class _Label(ProgressColumn):
    """The step's label, as text: labels name files and tools, never markup."""

    def render(self, task: Task) -> Text:
        return Text(str(task.description), no_wrap=True, overflow="ellipsis")


class _Elapsed(ProgressColumn):
    """`1.3 s` while a step runs and once it is done; blank before it starts."""

    def render(self, task: Task) -> Text:
        if task.elapsed is None:
            return Text("")
        return Text(f"{task.elapsed:5.1f} s", style="cyan")


class StepProgress:
    """`with StepProgress(title) as steps: steps.add(key, label); steps.start(key); steps.finish(key, "PASS")`."""

    def __init__(self, title: str, console: Console | None = None) -> None:
        self.console = console or Console(highlight=False)
        self._progress = Progress(
            SpinnerColumn(finished_text=" "),
            _Status(),
            _Label(),
            _Elapsed(),
            console=self.console,
            transient=True,
            refresh_per_second=10,
        )
        self._title = title
        self._tasks: dict[str, TaskID] = {}
        self._lock = threading.Lock()

    def __enter__(self) -> StepProgress:
        self._progress.__enter__()
        self._header = self._progress.add_task(self._title, total=None, status=Text(""), start=True)
        return self

    def __exit__(self, *exc) -> None:
        self._progress.__exit__(*exc)

    def add(self, key: str, label: str) -> None:
        """A step waiting to run."""
        with self._lock:
            if key not in self._tasks:
                self._tasks[key] = self._progress.add_task(
                    label, total=1, start=False, status=Text("wait", style="dim")
                )

    def start(self, key: str, label: str | None = None) -> None:
        self.add(key, label or key)
        task = self._tasks[key]
        self._progress.update(task, description=label or key, status=Text("run ", style="bold"))
        self._progress.start_task(task)

    def finish(self, key: str, status: str) -> None:
        self.add(key, key)
        task = self._tasks[key]
        self._progress.update(task, completed=1, status=Text(f"{status:4}", style=STATUS_STYLE.get(status, "")))
        self._progress.stop_task(task)
        if all(self._progress.tasks[i].finished for i in self._tasks.values()):
            self._progress.update(self._header, total=1, completed=1)
