"""`aiwf render PROJECT_DIR [--plan FILE] [--dry-run]`: write every Phase 5 artifact
from the confirmed operations plan (or, with --dry-run, show the diffs)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_NO_GO,
    EXIT_OK,
    add_project_argument,
    no_go_line,
    report,
    take_project_lock,
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
    parser.add_argument(
        "--dry-run", action="store_true", help="print unified diffs of what would change; write nothing"
    )


def run(args) -> int:
    prefix = "aiwf render"
    lock = None
    if not args.dry_run:
        lock, refused = take_project_lock(args.project_dir, prefix, "render")
        if refused is not None:
            return refused
    try:
        return _render(args, prefix)
    finally:
        if lock is not None:
            lock.release()


def _render(args, prefix: str) -> int:
    from aiwf_tui.model import load_project
    from aiwf_tui.model.plan_io import load_plan
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.render.artifacts import diff_all, prepare, write_files
    from aiwf_tui.render.summary import render_summary

    try:
        project = load_project(args.project_dir)
    except AiwfError as exc:
        return report(exc, prefix)
    if not project.gate_allows_phase5 and not project.phase5_complete:
        print(f"{prefix}: {no_go_line(project)}", file=sys.stderr)
        return EXIT_NO_GO
    plan_path = args.plan if args.plan is not None else project.root / PLAN_FILE
    if not plan_path.exists():
        shown = PLAN_FILE if args.plan is None else str(plan_path)
        print(
            f"{prefix}: {shown} does not exist - run `aiwf plan {args.project_dir}` to write one, then confirm its sections",
            file=sys.stderr,
        )
        return EXIT_INVALID
    today = date.today().isoformat()
    try:
        plan = load_plan(plan_path, project.root)
        files = prepare(project, plan, today)
        if args.dry_run:
            sys.stdout.write(diff_all(project, files))
            return EXIT_OK
        changed = write_files(project, files)
    except AiwfError as exc:
        return report(exc, prefix)
    if changed:
        print(f"wrote {len(changed)} file{'s' if len(changed) != 1 else ''}:", file=sys.stderr)
        for path in changed:
            print(f"  {path.relative_to(project.root)}", file=sys.stderr)
    else:
        print("every Phase 5 file is already up to date", file=sys.stderr)
    from aiwf_tui.safetext import clean_text

    # The summary quotes project files: print it as text, never as terminal control sequences.
    print(clean_text(render_summary(project, plan, list(files))), end="")
    return EXIT_OK
