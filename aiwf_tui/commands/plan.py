"""`aiwf plan PROJECT_DIR [-o FILE] [--force] [--set PATH=VALUE ...] [--confirm SECTION|all]`.

Without --set/--confirm: write the operations plan, prefilled with the workflow's tables
for this project, every section in draft. With them: answer open items (the paths
`aiwf todo` lists; a value is parsed by the item's kind, list lines separated by
newlines) and confirm sections, all or nothing: a refused answer or confirmation
changes nothing."""

from __future__ import annotations

import sys
from pathlib import Path

from aiwf_tui.commands.common import (
    EXIT_INVALID,
    EXIT_NO_GO,
    EXIT_OK,
    add_json_argument,
    add_project_argument,
    fail,
    honours_json,
    json_output,
    no_go_line,
    plan_path_shown,
    print_json,
    report,
    sections_json,
    under_project_lock,
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
    parser.add_argument(
        "--set",
        dest="answers",
        metavar="PATH=VALUE",
        action="append",
        default=[],
        help="answer an open item (repeatable; see `aiwf todo --json` for the paths)",
    )
    parser.add_argument(
        "--confirm",
        dest="confirms",
        metavar="SECTION",
        action="append",
        default=[],
        help="confirm a section (monitoring, drift, alerting, incident, runbook, alerts_config, "
        "improvement, decisions) or all; refused while it has open items",
    )
    add_json_argument(parser, "the plan written, its sections, what was answered and confirmed, what is open")


def plan_json(project, target: Path, plan, *, created: bool, answered=(), confirmed=()) -> dict:
    """What `plan --json` prints (docs/json.md)."""
    from aiwf_tui.model.todo import open_items

    return {
        "project": project.name,
        "plan": plan_path_shown(project, target),
        "created": created,
        "answered": list(answered),
        "confirmed": list(confirmed),
        "sections": sections_json(plan),
        "open": [item.as_json() for item in open_items(project, plan)],
    }


@honours_json
def run(args) -> int:
    from aiwf_tui.commands.todo import print_items
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.todo import open_items

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
    if getattr(args, "answers", None) or getattr(args, "confirms", None):
        return _answer(args, project, target, shown, prefix)
    if target.exists() and target.is_dir():
        return fail(prefix, f"{shown} is a folder - pass a file path with -o")
    if target.exists() and not args.force:
        return fail(prefix, f"{shown} already exists - edit it, or pass --force to replace it with a fresh plan")
    plan = new_plan(project)
    inside = target.absolute().is_relative_to(project.root)  # -o elsewhere: the user chose that place
    failed = under_project_lock(
        project.root, prefix, "plan", lambda: _write(target, plan, project.root if inside else None, prefix)
    )
    if failed:
        return failed
    if json_output():
        print_json(plan_json(project, target, plan, created=True))
        return EXIT_OK
    items = open_items(project, plan)
    print(f"wrote {shown} ({len(plan.drafts())} sections in draft)")
    if items:
        print(f"{len(items)} answer{'s' if len(items) != 1 else ''} to give:")
        print_items(items)
    print(
        "answer them (`aiwf plan PROJECT_DIR --set PATH=VALUE`, or in the app), "
        "confirm (`--confirm all`) and run `aiwf render`"
    )
    return EXIT_OK


def _answer(args, project, target, shown: str, prefix: str) -> int:
    """Apply --set answers and --confirm sections to the plan; write it only when all succeed."""
    from aiwf_tui.commands.todo import print_items
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.edit import EditError
    from aiwf_tui.model.plan_io import load_plan
    from aiwf_tui.model.todo import apply_answer, confirm, open_items, section_key

    try:
        plan = load_plan(target, project.root) if target.exists() else new_plan(project)
    except AiwfError as exc:
        return report(exc, prefix)
    created = not target.exists()
    answered: list[str] = []
    confirmed: list[str] = []
    for answer in args.answers:
        path, sep, value = answer.partition("=")
        path = path.strip()
        if not sep or not path:
            return fail(
                prefix,
                f"--set {answer!r}: write it as PATH=VALUE (paths: `aiwf todo {args.project_dir} --json`); "
                "nothing was changed",
            )
        try:
            apply_answer(project, plan, path, value)
        except KeyError:
            return fail(
                prefix,
                f"--set {path}: no such answer in the plan - `aiwf todo {args.project_dir} --json` "
                "lists the open paths; nothing was changed",
            )
        except EditError as exc:
            return fail(prefix, f"--set {path}: {exc} - nothing was changed")
        answered.append(path)
    for name in args.confirms:
        key = section_key(name)
        if key is None:
            return fail(
                prefix,
                f"--confirm {name}: not a section - one of monitoring, drift, alerting, incident, "
                "runbook, alerts_config, improvement, decisions, all; nothing was changed",
            )
        blocking = confirm(project, plan, key)
        if blocking:
            what = "Phase 5" if key == "all" else key
            message = (
                f"cannot confirm {what}: {len(blocking)} answer{'s are' if len(blocking) != 1 else ' is'} "
                "still open (answer them with --set PATH=VALUE); nothing was changed"
            )
            if json_output():
                return fail(prefix, message, EXIT_INVALID, [item.line() for item in blocking])
            fail(prefix, message)
            print_items(blocking, sys.stderr)
            return EXIT_INVALID
        from aiwf_tui.model.plan import SECTIONS

        for section in [k for k, _ in SECTIONS] if key == "all" else [key]:
            if section not in confirmed:
                confirmed.append(section)
    failed = under_project_lock(project.root, prefix, "plan", lambda: _write(target, plan, project.root, prefix))
    if failed:
        return failed
    if json_output():
        print_json(plan_json(project, target, plan, created=created, answered=answered, confirmed=confirmed))
        return EXIT_OK
    items = open_items(project, plan)
    drafts = plan.drafts()
    print(
        f"updated {shown}: {len(items)} answer{'s' if len(items) != 1 else ''} open, "
        f"{len(drafts)} section{'s' if len(drafts) != 1 else ''} in draft"
    )
    return EXIT_OK


def _write(target: Path, plan, root: Path | None, prefix: str) -> int:
    """The plan written to `target` (atomically; inside `root` when given): EXIT_OK, or the error reported."""
    from aiwf_tui.files import atomic_write
    from aiwf_tui.model.plan_io import dump_plan

    try:
        atomic_write(target, dump_plan(plan), root=root)
    except AiwfError as exc:
        return report(exc, prefix)
    return EXIT_OK
