"""`aiwf validate PROJECT_DIR`: check the Prometheus/Alertmanager files with promtool and amtool.

Exit 0 when every check passes, 1 when one fails (or the files are missing), 4 when none
failed but a tool was missing (SKIP). On a terminal it shows each running check with its
elapsed time (Rich); with `--json`, or when stdout is not a terminal, it prints only results.
"""

from __future__ import annotations

import contextlib
import signal
import sys

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_SKIPPED,
    add_json_argument,
    add_project_argument,
    json_output,
    print_json,
    report,
)
from aiwf_tui.errors import AiwfError


def add_arguments(parser) -> None:
    add_project_argument(parser)
    parser.add_argument(
        "--timeout",
        type=float,
        default=120.0,
        metavar="SECONDS",
        help="give up on a tool after this many seconds (default 120)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="print the full tool output of failed checks")
    add_json_argument(parser, "each check's tool, version, status, seconds and output")
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="run every tool even when the files and tools are unchanged since the last run (and cache the new results)",
    )


def run(args) -> int:
    import time

    from aiwf_tui.model.project import folder_problem
    from aiwf_tui.validate import Validation, exit_status, no_alerts_note, prometheus_folder, version_notes

    folder = args.project_dir
    problem = folder_problem(folder)
    if problem is not None and prometheus_folder(folder) != folder:  # an exported folder is checked as it is
        return report(AiwfError(problem), "aiwf validate")
    problems = _unreadable(folder)
    if problems:
        return report(AiwfError(*problems), "aiwf validate")
    from aiwf_tui.check_cache import CheckCache

    validation = Validation(folder, args.timeout, CheckCache(), reuse=not args.no_cache)
    started = time.monotonic()
    with _terminated_like_interrupted():
        if sys.stdout.isatty() and not json_output():
            results = _run_with_progress(validation)
        else:
            results = validation.run()
    elapsed = time.monotonic() - started
    status = exit_status(results)
    if json_output():
        print_json({"checks": [r.as_json() for r in results], "passed": status == "PASS"})
        return EXIT_INVALID if status == "FAIL" else EXIT_SKIPPED if status == "SKIP" else EXIT_OK
    notes = version_notes(validation.tools) if validation.tools else []
    empty = no_alerts_note(folder) if status == "PASS" else None
    _print_text(results, validation, elapsed, args.verbose, [*notes, *([empty] if empty else [])])
    if status == "FAIL":
        failed = sum(r.status == "FAIL" for r in results)
        print(f"aiwf validate: {failed} of {len(results)} checks failed", file=sys.stderr)
        return EXIT_INVALID
    if status == "SKIP":
        problems = sorted({t.problem for t in validation.tools.values() if t.problem})
        skipped = sum(r.status == "SKIP" for r in results)
        print(f"aiwf validate: {skipped} of {len(results)} checks skipped: {'; '.join(problems)}", file=sys.stderr)
        return EXIT_SKIPPED
    return EXIT_OK


def _unreadable(folder) -> list:
    """Generated files the tools could not read as files (a FIFO would hang them, a link could
    lead outside the project): one problem each, found before any tool starts."""
    import os

    from aiwf_tui.layout import PROMETHEUS_NAMES
    from aiwf_tui.model.textfile import read_bytes
    from aiwf_tui.validate import prometheus_folder

    root = folder.resolve()
    problems = []
    for name in PROMETHEUS_NAMES:
        path = prometheus_folder(folder) / name
        if os.path.lexists(path):
            try:
                read_bytes(path.absolute(), root)
            except AiwfError as exc:
                problems.extend(exc.problems)
    return problems


@contextlib.contextmanager
def _terminated_like_interrupted():
    """SIGTERM stops the run as Ctrl-C does (tools killed, temporary files removed), exit 143."""

    def stop(signum, frame):
        raise SystemExit(128 + signal.SIGTERM)

    try:
        previous = signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread: nothing to install
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run_with_progress(validation):
    """The run, with a line per check (waiting, running with its elapsed time, done) on the terminal."""
    from aiwf_tui.commands.progress import StepProgress
    from aiwf_tui.validate import plan_checks

    with StepProgress(f"aiwf validate {validation.folder}") as steps:
        for check in plan_checks(validation.folder)[0]:
            steps.add(check.name, check.name)
        validation.on_start = lambda check, tool: steps.start(
            check.name, f"{check.name}  ({tool.name} {tool.version or 'version unknown'})"
        )
        validation.on_done = lambda result: steps.finish(result.name, result.status)
        return validation.run()


def _print_text(results, validation, elapsed: float, verbose: bool, notes: list[str]) -> None:
    from aiwf_tui.safetext import clean_text

    if validation.tools:
        print(
            "using " + ", ".join(clean_text(tool.describe()) for tool in validation.tools.values() if tool.found)
            if any(t.found for t in validation.tools.values())
            else "using no tools (none found)"
        )
    for result in results:
        print(clean_text(result.line()))
        if verbose and result.status == "FAIL" and result.output:
            for line in result.output.rstrip().splitlines():
                print(f"      {clean_text(line)}")
    for note in notes:
        print(note)
    if results and all(r.cached for r in results if r.status != "SKIP") and any(r.cached for r in results):
        print(
            f"{len(results)} checks, unchanged since the last run (results from the cache; --no-cache runs them again)"
        )
    elif len(results) > 1:
        print(f"{len(results)} checks in {elapsed:.1f} s")
