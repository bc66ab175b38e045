"""`aiwf render PROJECT_DIR [--plan FILE] [--dry-run] [--date YYYY-MM-DD]`: write every Phase 5
artifact from the confirmed operations plan (or, with --dry-run, show the diffs)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from aiwf_tui.commands.common import (
    EXIT_OK,
    add_json_argument,
    add_project_argument,
    honours_json,
    json_output,
    load_project_and_plan,
    print_json,
    report,
    under_project_lock,
)
from aiwf_tui.config import template_cache_dir
from aiwf_tui.errors import AiwfError
from aiwf_tui.publish import diff_all, prepare, write_files
from aiwf_tui.render.environment import use_bytecode_cache
from aiwf_tui.render.summary import render_summary


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
    parser.add_argument(
        "--date",
        metavar="YYYY-MM-DD",
        type=_iso_date,
        default=None,
        help="the date recorded on new decisions and on Phase 5's completion (default: today); "
        "a render is a pure function of the project, the plan and this date",
    )
    add_json_argument(parser, "every file with its sha256 and whether it changed, or the refusal's items")
    parser.add_argument(
        "--draft",
        action="store_true",
        help="write the Phase 5 artifacts with visible to-do markers while answers are open; "
        "sidecar.yaml, decision-log.md and project-spec.md are left untouched",
    )


def _iso_date(text: str) -> str:
    """argparse type of --date: an ISO calendar date, given back as written."""
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date - write it as YYYY-MM-DD") from None


@honours_json
def run(args) -> int:
    prefix = "aiwf render"
    if args.dry_run:  # writes nothing: needs no lock
        return _render(args, prefix)
    return under_project_lock(args.project_dir, prefix, "render", lambda: _render(args, prefix))


def _render(args, prefix: str) -> int:
    cache = template_cache_dir()
    if cache is not None:
        use_bytecode_cache(cache)
    loaded = load_project_and_plan(args.project_dir, args.plan, prefix)
    if isinstance(loaded, int):
        return loaded
    project, plan_path, plan = loaded
    today = args.date or date.today().isoformat()
    try:
        files = prepare(project, plan, today, draft=getattr(args, "draft", False))
        if args.dry_run:
            if json_output():
                print_json(render_json(project, plan_path, files, dry_run=True, diff=diff_all(project, files)))
                return EXIT_OK
            sys.stdout.write(diff_all(project, files))
            return EXIT_OK
        before = render_json(project, plan_path, files, dry_run=False) if json_output() else None
        changed = write_files(project, files)
    except AiwfError as exc:
        return report(exc, prefix)
    if before is not None:
        print_json(before)
        return EXIT_OK
    if changed:
        print(f"wrote {len(changed)} file{'s' if len(changed) != 1 else ''}:", file=sys.stderr)
        for path in changed:
            print(f"  {path.relative_to(project.root)}", file=sys.stderr)
    else:
        print("every Phase 5 file is already up to date", file=sys.stderr)
    from aiwf_tui.safetext import clean_text

    if getattr(args, "draft", False):
        from aiwf_tui.model.todo import open_items

        count = len(open_items(project, plan))
        print(
            f"draft: {count} answer{'s' if count != 1 else ''} still open (`aiwf todo {args.project_dir}`); "
            "Phase 5 is not complete until `aiwf render` runs with nothing open",
            file=sys.stderr,
        )
        return EXIT_OK
    # The summary quotes project files: print it as text, never as terminal control sequences.
    print(clean_text(render_summary(project, plan, list(files))), end="")
    return EXIT_OK


def render_json(project, plan_path: Path, files: dict[str, str], *, dry_run: bool, diff: str = "") -> dict:
    """What `render --json` prints (docs/json.md): taken before writing, so `changed` is against the old files."""
    import hashlib

    entries = []
    for rel, text in files.items():
        data = text.encode("utf-8")
        try:
            changed = (project.root / rel).read_bytes() != data
        except OSError:
            changed = True
        entries.append(
            {"path": rel, "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data), "changed": changed}
        )
    plan = plan_path.absolute()
    return {
        "project": project.name,
        "plan": plan.relative_to(project.root).as_posix() if plan.is_relative_to(project.root) else str(plan),
        "dry_run": dry_run,
        "files": entries,
        "written": [] if dry_run else [e["path"] for e in entries if e["changed"]],
        "diff": diff,
    }
