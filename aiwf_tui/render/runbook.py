"""phase-5-operations/runbook.md: the workflow's runbook (step file section 7), filled from the plan."""

from __future__ import annotations

from typing import Any

from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.render.environment import render_template
from aiwf_tui.render.markdown import code_span, fence_for, oneline, or_todo, todo
from aiwf_tui.render.promql import EXPORTED_METRICS

FINAL_ROLLBACK_STEPS = ("Verify rollback successful", "Notify stakeholders")


def _step(text: str) -> str:
    """A resolution step: `If X: ` with nothing after the colon gets a to-do marker."""
    if text.rstrip().endswith(":") or (":" in text and not text.split(":", 1)[1].strip()):
        return text.rstrip() + " " + todo("steps")
    return text


def issue_views(plan: OperationsPlan) -> list[dict[str, Any]]:
    """Each runbook issue with the alerts that link to it."""
    views = []
    for issue in plan.runbook.issues:
        alerts = [
            f"{oneline(rule.name)} ({code_span(oneline(rule.condition if rule.promql is None else rule.promql))} for {rule.duration}, {rule.severity})"
            for rule in plan.alerting.rules
            if rule.runbook_anchor == issue.anchor
        ]
        views.append(
            {
                "anchor": issue.anchor,
                "title": issue.title,
                "alerts": alerts,
                "symptoms": list(issue.symptoms),
                "diagnosis": list(issue.diagnosis),
                "resolution": [_step(s) for s in issue.resolution],
                "escalation": or_todo(issue.escalation, "who to escalate to, and after how long"),
            }
        )
    return views


def render_runbook(project, plan: OperationsPlan) -> str:
    """runbook.md for `project` from `plan` (pure)."""
    rb = plan.runbook
    steps = list(rb.full_rollback_steps) or [todo("rollback steps")]
    steps += [s for s in FINAL_ROLLBACK_STEPS if s not in steps]
    commands_text = "\n".join(c.command for c in rb.commands)
    return render_template(
        "runbook.md.j2",
        name=project.name,
        architecture=project.architecture_label,
        retrieves=project.retrieves,
        rb=rb,
        issues=issue_views(plan),
        full_rollback_steps=steps,
        commands_fence=fence_for(commands_text),
        exported_metrics=EXPORTED_METRICS,
    )
