"""Check the rendered Prometheus/Alertmanager files with the real tools.

`Validation(folder).run()` runs, in `phase-5-operations/prometheus/`, all at once:

- `promtool check rules alert-rules.yml`
- `promtool test rules alert-rules.test.yml`
- `amtool check-config alertmanager.yml`
- `amtool config routes test --config.file=alertmanager.yml --verify.receivers=R LABELS`
  for every entry of `alertmanager-routes.test.yml` (one per severity, plus rules that
  route to channels of their own)

and returns one `CheckResult` per command, so the CLI and the app show the same status.
The commands run concurrently (the whole run takes about as long as `promtool test rules`
alone), and each result is cached by the files' bytes and the tool's binary and version
(`check_cache`): an unchanged project is answered without starting a process.

A missing tool is a SKIP naming what to install (or `AIWF_PROMTOOL` / `AIWF_AMTOOL`); a
failing tool, a timeout or a missing file is a FAIL; never an exception. `cancel()`, from
any thread, kills the running tools. Nothing here starts a Prometheus or Alertmanager server.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from aiwf_tui.check_cache import CheckCache, folder_digest
from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import (
    ALERTMANAGER_NAME,
    PROMETHEUS_DIR,
    PROMETHEUS_NAMES,
    ROUTES_TEST_NAME,
    RULES_NAME,
    RULES_TEST_NAME,
)
from aiwf_tui.model.yamlio import load_plain
from aiwf_tui.tools import PINNED, Tool, find_tool, tool_version, version_note

DEFAULT_TIMEOUT = 120.0
PASS, FAIL, SKIP = "PASS", "FAIL", "SKIP"


@dataclass(frozen=True)
class Check:
    """One command to run: its name, the tool, the tool's arguments."""

    name: str
    tool: str
    args: tuple[str, ...]
    expected: str | None = None  # the receivers a route test expects


@dataclass(frozen=True)
class CheckResult:
    """One check's outcome: PASS, FAIL or SKIP, the key line, and the tool's whole output."""

    name: str
    status: str
    detail: str
    output: str = ""
    tool: str | None = None
    version: str | None = None
    seconds: float = 0.0
    cached: bool = False

    @property
    def ok(self) -> bool:
        return self.status == PASS

    def line(self) -> str:
        return f"{self.status}  {self.name}: {self.detail}"

    def as_json(self) -> dict[str, object]:
        """The `aiwf validate --json` entry (docs/json.md)."""
        return {
            "name": self.name,
            "tool": self.tool,
            "version": self.version,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "output": self.output,
            "detail": self.detail,
            "cached": self.cached,
        }


class Cancelled(Exception):
    """The validation was cancelled; its tools were killed."""


def prometheus_folder(folder: str | Path) -> Path:
    """The folder holding the generated files: the project's, or `folder` itself when it is one."""
    folder = Path(folder)
    if (folder / RULES_NAME).is_file() and not (folder / PROMETHEUS_DIR).is_dir():
        return folder
    return folder / PROMETHEUS_DIR


# -- reading the tools' output ---------------------------------------------------------------
def _key_line(output: str, ok: bool) -> str:
    lines = [line.strip() for line in output.splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("Warning: --config.file flag overrides")]
    if not lines:
        return "no output"
    if ok:
        for line in lines:
            if "SUCCESS" in line:
                return line
        return lines[-1] if len(lines) > 1 else lines[0]
    for i, line in enumerate(lines):
        if "FAILED" in line or "WARNING" in line or "error" in line.lower():
            rest = " ".join(lines[i + 1 : i + 3])
            return " ".join(f"{line} {rest}".split())[:400]
    return " ".join(lines[:3])[:400]


def _unit_test_failures(output: str) -> str | None:
    """`HighErrorRate at 20m: expected firing, got none; ...` from promtool test rules output."""
    blocks = re.split(r"\n\s*alertname: ", output)[1:]
    items = []
    for block in blocks:
        head = re.match(r"(\S+), time: ([^,\s]+)", block)
        if not head:
            continue
        exp_none, got_none = re.search(r"exp:\s*\[\]", block), re.search(r"got:\s*\[\]", block)
        if exp_none and not got_none:
            what = "expected no alert, got it firing"
        elif got_none and not exp_none:
            what = "expected it firing, got none"
        else:
            what = "labels or annotations differ"
        items.append(f"{head.group(1)} at {head.group(2)}: {what}")
    if not items:
        return None
    return f"FAILED {len(items)}: " + "; ".join(items)


def _judge(check: Check, returncode: int, output: str) -> tuple[str, str]:
    """(status, detail) of a finished command."""
    ok = returncode == 0
    detail = _key_line(output, ok)
    if check.expected is not None:
        if ok:
            return PASS, f"routes to {detail}"
        if "WARNING" in output:
            got = next(
                (
                    ln.strip()
                    for ln in output.splitlines()
                    if ln.strip() and "WARNING" not in ln and not ln.startswith("Warning")
                ),
                "?",
            )
            return FAIL, f"routes to {got}, expected {check.expected}"
    if ok:
        return PASS, detail
    if check.args[:2] == ("test", "rules"):
        detail = _unit_test_failures(output) or detail
    return FAIL, f"exit {returncode}: {detail}"


# -- what to run ---------------------------------------------------------------------------
def _route_tests(directory: Path) -> tuple[list[dict[str, Any]], str | None]:
    try:
        data = load_plain((directory / ROUTES_TEST_NAME).read_text(encoding="utf-8"), ROUTES_TEST_NAME)
        tests = data["tests"]
        for t in tests:
            if not isinstance(t["labels"], dict) or not isinstance(t["receivers"], list):
                raise TypeError
        return tests, None
    except (OSError, AiwfError, KeyError, TypeError):
        return [], f"{ROUTES_TEST_NAME} is not a list of tests with labels and receivers - run aiwf render again"


def plan_checks(directory: Path) -> tuple[list[Check], list[CheckResult]]:
    """The commands to run on `directory`, and the checks that failed before running anything."""
    missing = [name for name in PROMETHEUS_NAMES if not (directory / name).is_file()]
    if missing:
        return [], [
            CheckResult(
                "prometheus files", FAIL, f"{', '.join(missing)} not found in {directory} - run aiwf render first"
            )
        ]
    checks = [
        Check("promtool check rules", "promtool", ("check", "rules", RULES_NAME)),
        Check("promtool test rules", "promtool", ("test", "rules", RULES_TEST_NAME)),
        Check("amtool check-config", "amtool", ("check-config", ALERTMANAGER_NAME)),
    ]
    tests, problem = _route_tests(directory)
    if problem:
        return checks, [CheckResult("amtool config routes test", FAIL, problem, tool="amtool")]
    for test in tests:
        labels = tuple(f"{k}={v}" for k, v in test["labels"].items())
        expected = ",".join(str(r) for r in test["receivers"])
        checks.append(
            Check(
                f"amtool config routes test {' '.join(labels)}",
                "amtool",
                (
                    "config",
                    "routes",
                    "test",
                    f"--config.file={ALERTMANAGER_NAME}",
                    f"--verify.receivers={expected}",
                    *labels,
                ),
                expected,
            )
        )
    return checks, []


# -- running them ----------------------------------------------------------------------------
@dataclass
class Validation:
    """One validation of a project folder: `run()` it (blocking), `cancel()` it from anywhere.

    `on_start(check, tool)` and `on_done(result)` are called from worker threads as each
    command starts and ends (a cached result is "done" at once), for progress displays.
    """

    folder: Path
    timeout: float = DEFAULT_TIMEOUT
    cache: CheckCache | None = None  # None: no caching
    reuse: bool = True  # False: run every tool, and store the fresh results
    on_start: Callable[[Check, Tool], None] | None = None
    on_done: Callable[[CheckResult], None] | None = None
    tools: dict[str, Tool] = field(default_factory=dict)
    _cancelled: threading.Event = field(default_factory=threading.Event, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _procs: set[subprocess.Popen[str]] = field(default_factory=set, repr=False)

    def __post_init__(self) -> None:
        self.folder = prometheus_folder(self.folder)

    @property
    def cancelled(self) -> bool:
        return self._cancelled.is_set()

    def cancel(self) -> None:
        """Stop: kill every running tool; `run()` then raises `Cancelled`."""
        self._cancelled.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            _kill(proc)

    def find_tools(self) -> dict[str, Tool]:
        """promtool and amtool as this run uses them (found once)."""
        if not self.tools:
            with ThreadPoolExecutor(max_workers=2) as pool:
                found = list(pool.map(lambda name: find_tool(name, self.cache), PINNED))
            self.tools = {tool.name: tool for tool in found}
        return self.tools

    def run(self) -> list[CheckResult]:
        """Every check, concurrently; results in the order of `plan_checks`."""
        checks, problems = plan_checks(self.folder)
        if not checks:
            return problems
        tools = self.find_tools()
        files = None
        if self.cache is not None:
            try:
                files = folder_digest(self.folder)
            except OSError:
                files = None
        order = sorted(range(len(checks)), key=lambda i: checks[i].name != "promtool test rules")  # longest first
        results: list[CheckResult | None] = [None] * len(checks)
        pool = ThreadPoolExecutor(max_workers=len(checks), thread_name_prefix="aiwf-validate")
        try:
            futures = {i: pool.submit(self._one, checks[i], tools[checks[i].tool], files) for i in order}
            pending = set(futures.values())
            while pending:
                # Short waits: a Ctrl-C that lands just before a blocking wait would only be
                # handled once that wait ends (never, while a tool hangs); this one ends soon.
                _done, pending = wait(pending, timeout=0.2)
            for i, future in futures.items():
                results[i] = future.result()
        except BaseException:  # Ctrl-C in the waiting thread: stop the tools before leaving
            self.cancel()
            raise
        finally:
            pool.shutdown(wait=True)
        if self.cancelled:
            raise Cancelled()
        return [r for r in results if r is not None] + problems

    def _one(self, check: Check, tool: Tool, files: dict[str, str] | None) -> CheckResult:
        if not tool.found:
            result = _result(check, tool, SKIP, tool.problem or f"{tool.name} not found")
            self._done(result)
            return result
        key = ("check", list(tool.identity), tool.version, list(check.args), files)
        if files is not None and self.cache is not None and self.reuse and not self.cancelled:
            hit = self.cache.get(key)
            if hit is not None and hit.get("status") in (PASS, FAIL):
                result = replace(
                    _result(check, tool, hit["status"], hit.get("detail", ""), hit.get("output", "")),
                    seconds=float(hit.get("seconds", 0.0)),
                    cached=True,
                )
                self._done(result)
                return result
        if self.on_start is not None:
            self.on_start(check, tool)
        started = time.monotonic()
        result, cacheable = self._execute(check, tool)
        result = replace(result, seconds=time.monotonic() - started)
        if cacheable and files is not None and self.cache is not None and not self.cancelled:
            self.cache.put(
                key,
                {"status": result.status, "detail": result.detail, "output": result.output, "seconds": result.seconds},
            )
        self._done(result)
        return result

    def _execute(self, check: Check, tool: Tool) -> tuple[CheckResult, bool]:
        """Run the check; `promtool test rules` as several processes at once where that helps."""
        if check.args == ("test", "rules", RULES_TEST_NAME) and _cores() > 1:
            from aiwf_tui.promtool_split import split_test_file

            split = split_test_file(self.folder / RULES_TEST_NAME, _cores())
            if split:
                with tempfile.TemporaryDirectory(prefix="aiwf-validate-") as temp:
                    parts = []
                    for n, files in enumerate(split, 1):
                        folder = Path(temp) / f"part-{n}"
                        folder.mkdir()
                        for name, text in files.items():
                            (folder / name).write_text(text, encoding="utf-8")
                        parts.append(folder / RULES_TEST_NAME)
                    # promtool names the file it tests: the output names the project's one
                    renames = {str(part): RULES_TEST_NAME for part in parts}
                    return self._spawn(check, tool, [["test", "rules", str(p)] for p in parts], renames)
        return self._spawn(check, tool, [list(check.args)])

    def _spawn(
        self, check: Check, tool: Tool, runs: list[list[str]], renames: dict[str, str] | None = None
    ) -> tuple[CheckResult, bool]:
        """The tool once per argument list, all at once; one result (outputs joined, worst exit code)."""
        assert tool.path is not None
        if self.cancelled:
            return _result(check, tool, FAIL, "cancelled"), False
        procs = []
        try:
            for args in runs:
                procs.append(
                    subprocess.Popen(
                        [tool.path, *args],
                        cwd=self.folder,
                        stdin=subprocess.DEVNULL,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT,
                        text=True,
                        env={**os.environ, "LC_ALL": "C"},
                    )
                )
        except OSError as exc:
            for proc in procs:
                _kill(proc)
                proc.communicate()
            return _result(check, tool, FAIL, f"could not run {tool.path}: {exc.strerror or exc}"), False
        with self._lock:
            self._procs.update(procs)
        if self.cancelled:  # cancel() may have run between Popen and registering them
            for proc in procs:
                _kill(proc)
        outputs = []
        deadline = time.monotonic() + self.timeout
        try:
            for proc in procs:
                try:
                    out, _ = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    for other in procs:
                        _kill(other)
                        other.communicate()
                    return _result(check, tool, FAIL, f"timed out after {self.timeout:g}s"), False
                outputs.append(out or "")
        finally:
            with self._lock:
                self._procs.difference_update(procs)
        output = "".join(outputs)
        for old, new in (renames or {}).items():
            output = output.replace(old, new)
        if self.cancelled:
            return _result(check, tool, FAIL, "cancelled", output), False
        returncode = next((p.returncode for p in procs if p.returncode != 0), 0)
        status, detail = _judge(check, returncode, output)
        return _result(check, tool, status, detail, output), True

    def _done(self, result: CheckResult) -> None:
        if self.on_done is not None:
            self.on_done(result)


def _cores() -> int:
    """The cores this process may run on (its affinity, not the whole machine's)."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _result(check: Check, tool: Tool, status: str, detail: str, output: str = "") -> CheckResult:
    return CheckResult(check.name, status, detail, output, tool=tool.name, version=tool.version)


def _kill(proc: subprocess.Popen[str]) -> None:
    try:
        proc.kill()
    except OSError:
        pass


def validate(
    folder: str | Path, timeout: float = DEFAULT_TIMEOUT, cache: CheckCache | None = None
) -> list[CheckResult]:
    """Run every check on a project folder (or on its prometheus folder itself)."""
    return Validation(Path(folder), timeout, cache).run()


def no_alerts_note(folder: str | Path) -> str | None:
    """A line when the rules file holds no alert: a draft (`aiwf render --draft` writes only
    the answered rules), where every check passes on nothing, which is not a verdict on the
    alerts the project will page with."""
    path = prometheus_folder(folder) / RULES_NAME
    try:
        data = load_plain(path.read_text(encoding="utf-8"), RULES_NAME)
        groups = (data.get("groups") if isinstance(data, dict) else None) or []
        rules = [r for g in groups if isinstance(g, dict) for r in g.get("rules") or [] if isinstance(r, dict)]
    except (OSError, ValueError, AiwfError, TypeError):
        return None  # the checks themselves say what is wrong with the file
    if any("alert" in rule for rule in rules):
        return None
    return (
        f"note: {RULES_NAME} holds no alert yet (a draft?): the checks passed on no alert; "
        "answer each rule's threshold and duration (`aiwf todo`), then `aiwf render`"
    )


def version_notes(tools: dict[str, Tool] | None = None) -> list[str]:
    """A line per tool whose version differs from the one the files were written for."""
    found = tools.values() if tools is not None else (find_tool(name) for name in PINNED)
    return [note for note in (version_note(tool) for tool in found) if note]


def exit_status(results: list[CheckResult]) -> str:
    """FAIL if any check failed, else SKIP if any was skipped, else PASS."""
    statuses = {r.status for r in results}
    return FAIL if FAIL in statuses else SKIP if SKIP in statuses else PASS


__all__ = [
    "PINNED",
    "Cancelled",
    "Check",
    "CheckResult",
    "Validation",
    "exit_status",
    "plan_checks",
    "tool_version",
    "validate",
    "version_notes",
]
