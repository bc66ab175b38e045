"""Helpers every verb shares: loading a project and reporting problems in one line each."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from aiwf_tui.errors import AiwfError

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NO_GO = 3
EXIT_SKIPPED = 4  # aiwf validate: nothing failed, but a tool was missing


#: Set by `cli.main` from the verb's `--json`: then stdout carries exactly one JSON object
#: (the verb's result, or `{"error": ...}`) and nothing goes to stderr. docs/json.md.
_json_output = False


def set_json_output(enabled: bool) -> None:
    """Switch every verb's output (results and errors) to one JSON object on stdout."""
    global _json_output
    _json_output = bool(enabled)


def json_output() -> bool:
    """True while the running verb was given `--json`."""
    return _json_output


def honours_json(run):
    """Decorate a verb's `run(args)`: `args.json` switches its output to JSON for the call.

    `cli.main` switches it too (before parsing, for usage errors); this covers callers that
    skip the parser, such as in-process tests."""
    import functools

    @functools.wraps(run)
    def wrapper(args):
        previous = _json_output
        set_json_output(previous or bool(getattr(args, "json", False)))
        try:
            return run(args)
        finally:
            set_json_output(previous)

    return wrapper


def add_json_argument(parser, what: str) -> None:
    """The `--json` flag every scripted verb takes."""
    parser.add_argument(
        "--json", action="store_true", help=f"print one JSON object on stdout ({what}); errors too (docs/json.md)"
    )


def print_json(payload: dict) -> None:
    """One JSON object on stdout. ASCII only, so outside text can never reach the terminal as control bytes."""
    import json

    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=True) + "\n")


def _problem_json(problem) -> dict:
    from aiwf_tui.errors import Problem

    if isinstance(problem, Problem):
        return {
            "text": str(problem),
            "path": problem.path,
            "line": problem.line,
            "column": problem.column,
            "message": problem.message,
            "fix": problem.fix,
        }
    text = " ".join(str(problem).split())
    return {"text": text, "path": None, "line": None, "column": None, "message": text, "fix": ""}


def fail(prefix: str, message: str, code: int = EXIT_INVALID, problems=(), *, stream=None) -> int:
    """Report a refusal: one line (plus one per problem) on stderr, or the JSON error object.

    `problems` are `Problem`s or plain lines; returns `code` (the verb's exit code)."""
    if _json_output:
        print_json(
            {
                "error": {
                    "verb": prefix.removeprefix("aiwf").strip() or "aiwf",
                    "exit_code": code,
                    "message": " ".join(message.split()),
                    "problems": [_problem_json(p) for p in problems],
                }
            }
        )
        return code
    stream = stream if stream is not None else sys.stderr
    for text in ([message] if message else []) + [str(p) for p in problems]:
        stream.write(one_line(f"{prefix}: {text}") + "\n")
    return code


def one_line(text: str) -> str:
    """A message as one terminal-safe line: outside text quoted in it (a value, a host, a
    file name) can neither break the line nor carry escape sequences."""
    from aiwf_tui.safetext import clean_text

    return " ".join(clean_text(text).split())


def report(error: AiwfError, prefix: str = "aiwf") -> int:
    """Print each problem on its own line to stderr; return the 'invalid input' exit code."""
    if _json_output:
        first = error.lines()[0] if len(error.problems) == 1 else f"{len(error.problems)} problems (each in problems)"
        return fail(prefix, first, EXIT_INVALID, error.problems)
    for line in error.lines():
        fail(prefix, line)
    return EXIT_INVALID


def add_project_argument(parser) -> None:
    parser.add_argument(
        "project_dir", metavar="PROJECT_DIR", type=Path, help="the project folder (holding sidecar.yaml)"
    )


def no_go_line(project) -> str:
    """One line naming the gate decision, its date, blockers and the phase to return to."""
    from aiwf_tui.model.gate import revisit_phase

    blockers = "; ".join(project.gate_blockers) or "none recorded"
    phase = revisit_phase(project)
    return (
        f"{project.name}: quality gate is NO-GO ({project.gate_date or 'no date'}); blockers: {blockers}; "
        f"Phase 5 cannot start - return to Phase {phase[0]} ({phase[1]}), then re-run the Phase 4 quality gate"
    )


def load_project_and_plan(project_dir, plan_arg, prefix: str):
    """(project, plan path, plan) for the verbs that act on a plan (render, drill), or the
    exit code after reporting why not: invalid project, NO-GO gate, plan missing or invalid."""
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.model import load_project
    from aiwf_tui.model.plan_io import load_plan

    try:
        project = load_project(project_dir)
    except AiwfError as exc:
        return report(exc, prefix)
    if not project.gate_allows_phase5 and not project.phase5_complete:
        return fail(prefix, no_go_line(project), EXIT_NO_GO)
    plan_path = plan_arg if plan_arg is not None else project.root / PLAN_FILE
    if not plan_path.exists():
        shown = PLAN_FILE if plan_arg is None else str(plan_path)
        return fail(
            prefix, f"{shown} does not exist - run `aiwf plan {project_dir}` to write one, then confirm its sections"
        )
    try:
        return project, plan_path, load_plan(plan_path, project.root)
    except AiwfError as exc:
        return report(exc, prefix)


def take_project_lock(project_dir, prefix: str, verb: str):
    """One project, one writer: (lock or None, exit code if refused else None).

    Refuses while the app (or another writer) has the project open; carries on without a
    lock where the lock file cannot be created (a read-only folder: the writer reports it)."""
    from pathlib import Path

    from aiwf_tui.errors import AiwfError
    from aiwf_tui.lock import LockedError, acquire, is_read_only_error

    if not Path(project_dir).is_dir():
        return None, None
    try:
        return acquire(project_dir), None
    except LockedError as exc:
        how = exc.clear_hint or "close that aiwf (its answers are saved)"
        return None, fail(
            prefix,
            f"{project_dir} is open in aiwf ({exc.holder.describe()}) - {how} and run aiwf {verb} again; "
            "nothing was changed",
        )
    except AiwfError as exc:
        if is_read_only_error(exc):
            return None, None  # the writer reports the read-only folder, file by file
        return None, report(exc, prefix)


def under_project_lock(project_dir, prefix: str, verb: str, body: Callable[[], int]) -> int:
    """`body()`'s exit code, run holding the project's lock; the refusal's code when another
    writer holds it (see `take_project_lock`)."""
    lock, refused = take_project_lock(project_dir, prefix, verb)
    if refused is not None:
        return refused
    try:
        return body()
    finally:
        if lock is not None:
            lock.release()


def sections_json(plan) -> list[dict]:
    """Each plan section's key (as `--confirm` takes it), title and status, in workflow order."""
    from aiwf_tui.model.plan import SECTIONS

    return [{"key": key, "title": title, "status": plan.section(key).status} for key, title in SECTIONS]


def plan_path_shown(project, path: Path) -> str:
    """A plan path as the JSON shows it: relative to the project (POSIX) when inside it, else absolute."""
    path = Path(path).absolute()
    return path.relative_to(project.root).as_posix() if path.is_relative_to(project.root) else str(path)
