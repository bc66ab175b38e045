"""`aiwf plan PROJECT_DIR [-o FILE] [--force]`: write the operations plan, prefilled
with the workflow's tables for this project, every section in draft."""

from __future__ import annotations

import sys
from pathlib import Path

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_NO_GO,
    EXIT_OK,
    add_project_argument,
    fail,
    no_go_line,
    report,
    take_project_lock,
)
from aiwf_tui.errors import AiwfError


def add_arguments(parser) -> None:
    add_project_argument(parser)
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        type=Path,
        help="where to write the plan (default: PROJECT_DIR/phase-5-operations/operations-plan.yaml)",
    )
    parser.add_argument("--force", action="store_true", help="overwrite an existing plan")


def run(args) -> int:
    from aiwf_tui.files import atomic_write
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan, todos
    from aiwf_tui.model.plan_io import dump_plan

    prefix = "aiwf plan"
    try:
        project = load_project(args.project_dir)
    except AiwfError as exc:
        return report(exc, prefix)
    if not project.gate_allows_phase5:
        return fail(prefix, no_go_line(project), EXIT_NO_GO)
    target = args.output if args.output is not None else project.root / PLAN_FILE
    shown = (
        str(target.relative_to(project.root))
        if target.is_absolute() and target.is_relative_to(project.root)
        else str(target)
    )
    if target.exists() and not args.force:
        print(
            f"{prefix}: {shown} already exists - edit it, or pass --force to replace it with a fresh plan",
            file=sys.stderr,
        )
        return EXIT_INVALID
    if target.exists() and target.is_dir():
        print(f"{prefix}: {shown} is a folder - pass a file path with -o", file=sys.stderr)
        return EXIT_INVALID
    plan = new_plan(project)
    lock, refused = take_project_lock(project.root, prefix, "plan")
    if refused is not None:
        return refused
    inside = target.absolute().is_relative_to(project.root)  # -o elsewhere: the user chose that place
    try:
        atomic_write(target, dump_plan(plan), root=project.root if inside else None)
    except AiwfError as exc:
        return report(exc, prefix)
    finally:
        if lock is not None:
            lock.release()
    items = todos(plan)
    print(f"wrote {shown} ({len(plan.drafts())} sections in draft)")
    if items:
        print(f"{len(items)} answer{'s' if len(items) != 1 else ''} to give:")
        for item in items:
            print(f"  - {item}")
    print("then set each section's status to confirmed (or confirm it in the app) and run `aiwf render`")
    return EXIT_OK
