"""`aiwf todo PROJECT_DIR [--json]`: every answer Phase 5 still needs, exit 1 while any is open."""

from __future__ import annotations

import sys
from pathlib import Path

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_OK,
    add_json_argument,
    add_project_argument,
    honours_json,
    json_output,
    plan_path_shown,
    print_json,
    report,
    sections_json,
)
from aiwf_tui.errors import AiwfError


def add_arguments(parser) -> None:
    add_project_argument(parser)
    parser.add_argument(
        "--plan",
        metavar="FILE",
        type=Path,
        help="the operations plan (default: PROJECT_DIR/phase-5-operations/operations-plan.yaml)",
    )
    add_json_argument(parser, "the open answers with their paths, kinds and suggestions, and the sections")


def _project_and_plan(project_dir: Path, plan_file: Path | None, prefix: str):
    """(project, plan, plan path) for a verb; the plan is the prefilled one when none is saved yet.
    Raises AiwfError with one line per problem."""
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan_io import load_plan

    project = load_project(project_dir)
    path = plan_file if plan_file is not None else project.root / PLAN_FILE
    plan = load_plan(path, project.root) if path.exists() else new_plan(project)
    return project, plan, path


def print_items(items, stream=None) -> None:
    """The open items, one line each (text output of every verb); stdout unless `stream`."""
    from aiwf_tui.safetext import clean_text

    stream = stream if stream is not None else sys.stdout
    for item in items:
        print(clean_text(f"  - {item.line()}"), file=stream)


@honours_json
def run(args) -> int:
    from aiwf_tui.model.todo import open_items

    prefix = "aiwf todo"
    try:
        project, plan, path = _project_and_plan(args.project_dir, args.plan, prefix)
    except AiwfError as exc:
        return report(exc, prefix)
    items = open_items(project, plan)
    if json_output():
        print_json(
            {
                "project": project.name,
                "plan": plan_path_shown(project, path),
                "plan_exists": path.exists(),
                "open": [item.as_json() for item in items],
                "sections": sections_json(plan),
                "complete": not items and not plan.drafts(),
            }
        )
    elif items:
        print(
            f"{len(items)} answer{'s' if len(items) != 1 else ''} still open "
            "(answer with `aiwf plan PROJECT_DIR --set PATH=VALUE` or in the app):"
        )
        print_items(items)
    else:
        drafts = plan.drafts()
        print("nothing is open" + (f"; still draft: {', '.join(drafts)} (`aiwf plan --confirm all`)" if drafts else ""))
    return EXIT_INVALID if items else EXIT_OK
