"""`aiwf check PROJECT_DIR`: is this project ready for Phase 5 (or already done)?"""

from __future__ import annotations

from aiwf_tui.commands.common import (
    EXIT_NO_GO,
    EXIT_OK,
    add_json_argument,
    add_project_argument,
    fail,
    honours_json,
    json_output,
    no_go_line,
    print_json,
    report,
)
from aiwf_tui.errors import AiwfError


def add_arguments(parser) -> None:
    add_project_argument(parser)
    add_json_argument(parser, "the project's summary and status")


def summary_lines(project) -> list[str]:
    """The short summary `check` prints."""
    from aiwf_tui.layout import OPERATIONS_DIR

    gate = project.gate_decision.upper()
    if project.gate_conditions:
        gate += f" ({len(project.gate_conditions)} condition{'s' if len(project.gate_conditions) != 1 else ''})"
    present = [rel.removeprefix(OPERATIONS_DIR + "/") for rel, ok in project.artifacts_present().items() if ok]
    earlier = len(project.earlier_decisions)
    ops = len(project.decisions) - earlier
    return [
        f"project:       {project.name}",
        f"architecture:  {project.architecture}"
        + (" (retrieval" + (", training" if project.trains else "") + ")" if project.retrieves else " (training)"),
        f"steps done:    {', '.join(map(str, project.steps_completed)) or 'none'} of 1-7",
        "phases:        " + ", ".join(f"{p.number} {p.status}" for p in project.phases),
        f"quality gate:  {gate}" + (f" on {project.gate_date}" if project.gate_date else ""),
        f"decisions:     {earlier} earlier" + (f", {ops} operations" if ops else ""),
        f"phase 5 files: {', '.join(present) if present else 'none yet'}",
    ]


def summary_json(project, status: str, message: str) -> dict:
    """What `check --json` prints (docs/json.md)."""
    from aiwf_tui.model.gate import revisit_phase

    earlier = len(project.earlier_decisions)
    revisit = None
    if status == "no_go":
        number, name = revisit_phase(project)
        revisit = {"number": number, "name": name}
    return {
        "project": project.name,
        "path": str(project.root),
        "status": status,
        "message": message,
        "architecture": project.architecture,
        "retrieves": project.retrieves,
        "trains": project.trains,
        "steps_completed": list(project.steps_completed),
        "phases": [{"number": p.number, "status": p.status} for p in project.phases],
        "gate": {
            "decision": project.gate_decision.upper(),
            "date": project.gate_date or None,
            "conditions": list(project.gate_conditions),
            "blockers": list(project.gate_blockers),
        },
        "decisions": {"earlier": earlier, "operations": len(project.decisions) - earlier},
        "phase5_files": [{"path": rel, "present": ok} for rel, ok in project.artifacts_present().items()],
        "revisit_phase": revisit,
    }


@honours_json
def run(args) -> int:
    from aiwf_tui.model import load_project

    try:
        project = load_project(args.project_dir)
    except AiwfError as exc:
        return report(exc, "aiwf check")
    if not project.gate_allows_phase5 and not project.phase5_complete:
        if json_output():
            print_json(summary_json(project, "no_go", no_go_line(project)))
            return EXIT_NO_GO
        return fail("aiwf check", no_go_line(project), EXIT_NO_GO)
    if json_output():
        if project.phase5_complete:
            message = f"Phase 5 is complete (completed {project.sidecar.completed_date or 'date not recorded'})"
            print_json(summary_json(project, "complete", message))
        else:
            print_json(summary_json(project, "ready", "ready for Phase 5"))
        return EXIT_OK
    from aiwf_tui.safetext import clean_text

    for line in summary_lines(project):
        print(clean_text(line))
    if project.phase5_complete:
        print(
            f"status:        Phase 5 is complete (completed {project.sidecar.completed_date or 'date not recorded'}); "
            "open it to review or export"
        )
    else:
        print("status:        ready for Phase 5")
    return EXIT_OK
