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
    parser.add_argument("project_dir", metavar="PROJECT_DIR", type=Path, help="the project folder (holding sidecar.yaml)")


def no_go_line(project) -> str:
    """One line naming the gate decision, its date, blockers and the phase to return to."""
    from aiwf_tui.model.gate import revisit_phase

    blockers = "; ".join(project.gate_blockers) or "none recorded"
    phase = revisit_phase(project)
    return (
        f"{project.name}: quality gate is NO-GO ({project.gate_date or 'no date'}); blockers: {blockers}; "
        f"Phase 5 cannot start - return to Phase {phase[0]} ({phase[1]}), then re-run the Phase 4 quality gate"
    )
