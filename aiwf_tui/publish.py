"""Publishing the Phase 5 artifacts: refuse what is not ready, render, check, diff, write.

The one headless place that joins the pure renderers (`aiwf_tui.render`) to the disk
(`aiwf_tui.files`); `aiwf render` and the app's Project files section both call it.
`prepare` refuses while any plan section is a draft or the plan is another project's,
renders every file and checks them; `diff_all` compares them with the disk; `write_files`
writes them all-or-nothing.
"""

from __future__ import annotations

from pathlib import Path

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.files import existing_bytes, write_all
from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.model.project import Project
from aiwf_tui.render.artifacts import check_artifacts, render_all


def drafts_error(plan: OperationsPlan) -> AiwfError | None:
    """The refusal while sections are still drafts (None when all are confirmed)."""
    drafts = plan.drafts()
    if not drafts:
        return None
    return AiwfError.at(
        PLAN_FILE,
        f"{len(drafts)} section{'s are' if len(drafts) != 1 else ' is'} still draft: {', '.join(drafts)}",
        "review and confirm each section (status: confirmed) before writing",
    )


def open_error(project: Project, plan: OperationsPlan) -> AiwfError | None:
    """The refusal while answers are open (None when nothing is): one line per open item."""
    from aiwf_tui.model.todo import open_items

    items = open_items(project, plan)
    if not items:
        return None
    head = Problem(
        PLAN_FILE,
        f"{len(items)} answer{'s are' if len(items) != 1 else ' is'} still open; nothing was written",
        "answer them (`aiwf todo` lists them; `aiwf plan --set PATH=VALUE` or the app), "
        "or write a draft with `aiwf render --draft`",
    )
    return AiwfError(head, *(Problem(PLAN_FILE, item.line()) for item in items))


def prepare(project: Project, plan: OperationsPlan, today: str, draft: bool = False) -> dict[str, str]:
    """Refuse open answers and drafts (unless `draft`: the Phase 5 artifacts alone, with their
    to-do markers), render and check everything; returns the files (nothing written)."""
    if not draft:
        error = open_error(project, plan) or drafts_error(plan)
        if error:
            raise error
    if plan.project_name != project.name:
        raise AiwfError.at(
            PLAN_FILE,
            f"is for project {plan.project_name!r}, not {project.name!r}",
            "use this project's plan (or run `aiwf plan --force` to start a new one)",
        )
    files = render_all(project, plan, today, draft=draft)
    problems = check_artifacts(project, plan, files)
    if problems:
        raise AiwfError(*problems)
    return files


def _read(path: Path) -> str | None:
    """The file as the renderers see it (LF, no BOM), or None; never opens a FIFO or device."""
    data = existing_bytes(path)
    try:
        return None if data is None else data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


def diff_all(project: Project, files: dict[str, str]) -> str:
    """Unified diffs of every file that would be created or changed (empty: nothing changes)."""
    import difflib

    chunks: list[str] = []
    for rel in sorted(files):
        new = files[rel]
        old = _read(project.root / rel)
        if old == new:
            continue
        diff = difflib.unified_diff(
            (old or "").splitlines(keepends=True),
            new.splitlines(keepends=True),
            fromfile=f"a/{rel}" if old is not None else "/dev/null",
            tofile=f"b/{rel}",
        )
        for line in diff:
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def write_files(project: Project, files: dict[str, str]) -> list[Path]:
    """Write files `prepare` returned, all-or-nothing; returns the paths that changed."""
    return write_all({project.root / rel: text for rel, text in files.items()}, root=project.root)


def write_artifacts(project: Project, plan: OperationsPlan, today: str) -> list[Path]:
    """Render, check and write every artifact all-or-nothing; returns the paths that changed.

    Raises `AiwfError` (nothing written) while answers are open, sections are drafts or any
    check fails.
    """
    return write_files(project, prepare(project, plan, today))
