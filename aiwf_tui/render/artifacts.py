"""Every Phase 5 artifact at once: render, check, diff, write.

`write_artifacts(project, plan, today)` is what `aiwf render` and the app call:
it refuses while any plan section is a draft, renders every file, checks them
(YAML parses back, every alert's runbook anchor exists, each OP entry appears
once), and only then writes them all-or-nothing.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.model.decision_log import parse_decision_log
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.layout import (
    ALERTS_CONFIG_FILE,
    ALERTS_TEMPLATE_FILE,
    DECISION_LOG,
    OPERATIONS_DIR,
    PLAN_FILE,
    PROJECT_SPEC,
    PROMETHEUS_DIR,
    RUNBOOK_FILE,
    SIDECAR,
)

ANCHOR_RE = re.compile(r"\{#([a-z0-9]+(?:-[a-z0-9]+)*)\}")


def _prometheus(project, plan: OperationsPlan) -> dict[str, str]:
    try:
        from aiwf_tui.render.prometheus import prometheus_artifacts  # type: ignore[import-not-found]
    except ImportError:
        return {}
    files = {}
    for rel, text in prometheus_artifacts(project, plan).items():
        rel = str(rel).replace("\\", "/").lstrip("/")
        if rel.startswith(OPERATIONS_DIR + "/"):
            pass
        elif rel.startswith("prometheus/"):
            rel = f"{OPERATIONS_DIR}/{rel}"
        else:
            rel = f"{PROMETHEUS_DIR}/{rel}"
        files[rel] = text
    return files


def render_all(project, plan: OperationsPlan, today: str) -> dict[str, str]:
    """Every file Phase 5 writes: relative path -> text (pure)."""
    from aiwf_tui.render.alerts_config import render_alerts_config, render_alerts_template
    from aiwf_tui.render.decision_log import render_decision_log
    from aiwf_tui.render.runbook import render_runbook
    from aiwf_tui.render.sidecar_update import render_sidecar
    from aiwf_tui.render.spec_section import render_spec

    files = {
        RUNBOOK_FILE: render_runbook(project, plan),
        ALERTS_TEMPLATE_FILE: render_alerts_template(project, plan),
        ALERTS_CONFIG_FILE: render_alerts_config(project, plan),
        SIDECAR: render_sidecar(project, plan, today),
        DECISION_LOG: render_decision_log(project, plan, today),
        PROJECT_SPEC: render_spec(project, plan),
    }
    files.update(_prometheus(project, plan))
    return files


def runbook_anchors(runbook_text: str) -> set[str]:
    """Anchors `{#anchor}` defined by headings of the runbook."""
    anchors = set()
    for line in runbook_text.splitlines():
        if line.startswith("#"):
            anchors.update(ANCHOR_RE.findall(line))
    return anchors


def check_artifacts(project, plan: OperationsPlan, files: dict[str, str]) -> list[Problem]:
    """Problems in rendered files: YAML that does not parse back, alerts linking a runbook
    anchor the runbook does not define, OP entries missing or duplicated in the decision log."""
    import yaml

    from aiwf_tui.model.yamlio import check_parses

    problems: list[Problem] = []
    for rel, text in files.items():
        if rel.endswith((".yaml", ".yml")):
            try:
                check_parses(text)
            except yaml.YAMLError as exc:
                first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                problems.append(
                    Problem(
                        rel,
                        f"would not parse back as YAML ({first})",
                        "this is a bug in aiwf: please report it; nothing was written",
                    )
                )
    if RUNBOOK_FILE in files:
        anchors = runbook_anchors(files[RUNBOOK_FILE])
        for rule in plan.alerting.rules:
            if rule.runbook_anchor not in anchors:
                problems.append(
                    Problem(
                        RUNBOOK_FILE,
                        f"alert {rule.name!r} links #{rule.runbook_anchor}, which the runbook does not define",
                        f"add a common issue with anchor {rule.runbook_anchor} in the Runbook section, "
                        "or point the alert at an existing one",
                    )
                )
    if DECISION_LOG in files:
        counts = Counter(e.key for e in parse_decision_log(files[DECISION_LOG]).entries)
        for decision in plan.decisions.decisions:
            count = counts[decision.id]
            if count != 1:
                problems.append(
                    Problem(
                        DECISION_LOG,
                        f"{decision.id.upper()} would appear {count} times",
                        "check that no text in the decision's fields starts a Markdown heading; nothing was written",
                    )
                )
    return problems


def _read(path: Path) -> str | None:
    """The file as the renderers see it (LF, no BOM), or None; never opens a FIFO or device."""
    from aiwf_tui.files import existing_bytes

    data = existing_bytes(path)
    try:
        return None if data is None else data.decode("utf-8-sig").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None


def diff_all(project, files: dict[str, str]) -> str:
    """Unified diffs of every file that would be created or changed (empty: nothing changes)."""
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


def prepare(project, plan: OperationsPlan, today: str) -> dict[str, str]:
    """Refuse drafts, render and check everything; returns the files (nothing written)."""
    error = drafts_error(plan)
    if error:
        raise error
    if plan.project_name != project.name:
        raise AiwfError.at(
            PLAN_FILE,
            f"is for project {plan.project_name!r}, not {project.name!r}",
            "use this project's plan (or run `aiwf plan --force` to start a new one)",
        )
    files = render_all(project, plan, today)
    problems = check_artifacts(project, plan, files)
    if problems:
        raise AiwfError(*problems)
    return files


def write_artifacts(project, plan: OperationsPlan, today: str) -> list[Path]:
    """Render, check and write every artifact all-or-nothing; returns the paths that changed.

    Raises `AiwfError` (nothing written) while sections are drafts or any check fails.
    """
    return write_files(project, prepare(project, plan, today))


def write_files(project, files: dict[str, str]) -> list[Path]:
    """Write files `prepare` returned, all-or-nothing; returns the paths that changed."""
    from aiwf_tui.files import write_all

    return write_all({project.root / rel: text for rel, text in files.items()}, root=project.root)
