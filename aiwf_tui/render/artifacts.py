"""Every Phase 5 artifact at once, and the checks they must pass before anything is written.

`render_all(project, plan, today)` is a pure function: relative path -> text. Reading the
disk (diffs) and writing belong to `aiwf_tui.publish`.
"""

from __future__ import annotations

from collections import Counter

from aiwf_tui.errors import Problem
from aiwf_tui.layout import (
    ALERTS_CONFIG_FILE,
    ALERTS_TEMPLATE_FILE,
    DASHBOARD_FILE,
    DECISION_LOG,
    PROJECT_SPEC,
    RUNBOOK_FILE,
    SIDECAR,
)
from aiwf_tui.model.decision_log import parse_decision_log
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.model.project import Project
from aiwf_tui.model.yamlio import parse_problem
from aiwf_tui.render.alerts_config import render_alerts_config, render_alerts_template
from aiwf_tui.render.decision_log import render_decision_log
from aiwf_tui.render.prometheus import prometheus_artifacts
from aiwf_tui.render.prometheus.dashboard import render_dashboard
from aiwf_tui.render.runbook import render_runbook
from aiwf_tui.render.sidecar_update import render_sidecar
from aiwf_tui.render.spec_section import render_spec

#: What a draft render leaves untouched: the project's record is only updated by a render
#: with nothing open, which is what marks Phase 5 complete.
PROJECT_RECORD = (SIDECAR, DECISION_LOG, PROJECT_SPEC)


def render_all(project: Project, plan: OperationsPlan, today: str, draft: bool = False) -> dict[str, str]:
    """Every file Phase 5 writes: relative path -> text (pure). A draft is the Phase 5
    artifacts alone, with their to-do markers; the project record is left as it is."""
    files = {
        RUNBOOK_FILE: render_runbook(project, plan),
        ALERTS_TEMPLATE_FILE: render_alerts_template(project, plan),
        ALERTS_CONFIG_FILE: render_alerts_config(project, plan),
        SIDECAR: render_sidecar(project, plan, today),
        DECISION_LOG: render_decision_log(project, plan, today),
        PROJECT_SPEC: render_spec(project, plan, today),
    }
    files.update(prometheus_artifacts(project, plan))
    files[DASHBOARD_FILE] = render_dashboard(project, plan)
    if draft:
        for rel in PROJECT_RECORD:
            files.pop(rel, None)
    return files


def runbook_anchors(runbook_text: str) -> set[str]:
    """Anchors a `runbook.md#anchor` link lands on under both GitHub's and GitLab's rules."""
    from aiwf_tui.render.markdown import anchors_in

    return anchors_in(runbook_text, "github") & anchors_in(runbook_text, "gitlab")


def check_artifacts(project: Project, plan: OperationsPlan, files: dict[str, str]) -> list[Problem]:
    """Problems in rendered files: YAML that does not parse back, alerts linking a runbook
    anchor the runbook does not define, OP entries missing or duplicated in the decision log."""
    problems: list[Problem] = []
    for rel, text in files.items():
        # render_sidecar reads its own result back (a 40,000-line sidecar is not parsed twice).
        if rel.endswith((".yaml", ".yml")) and rel != SIDECAR:
            problem = parse_problem(text, rel)
            if problem:
                problems.append(problem)
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
