"""Helpers every verb shares: loading a project and reporting problems in one line each."""

from __future__ import annotations

import sys
from pathlib import Path

from aiwf_tui.errors import AiwfError

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_NO_GO = 3


def report(error: AiwfError, prefix: str = "aiwf") -> int:
    """Print each problem on its own line to stderr; return the 'invalid input' exit code."""
    for line in error.lines():
        print(f"{prefix}: {line}", file=sys.stderr)
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


def take_project_lock(project_dir, prefix: str, verb: str):
    """One project, one writer: (lock or None, exit code if refused else None).

    Refuses while the app (or another writer) has the project open; carries on without a
    lock where the lock file cannot be created (a read-only folder: the writer reports it)."""
    from pathlib import Path

    from aiwf_tui.errors import AiwfError
    from aiwf_tui.lock import LockedError, acquire

    if not Path(project_dir).is_dir():
        return None, None
    try:
        return acquire(project_dir), None
    except LockedError as exc:
        print(
            f"{prefix}: {project_dir} is open in aiwf ({exc.holder.describe()}) - "
            f"close that aiwf (its answers are saved) and run aiwf {verb} again; nothing was changed",
            file=sys.stderr,
        )
        return None, EXIT_INVALID
    except AiwfError:
        return None, None
