"""Helpers for the render tests (not a test module)."""

from __future__ import annotations

from pathlib import Path

from aiwf_tui.model.plan import SECTIONS, OperationsPlan


def confirmed(plan: OperationsPlan) -> OperationsPlan:
    """The plan with every section confirmed."""
    plan = plan.model_copy(deep=True)
    for key, _title in SECTIONS:
        plan.section(key).status = "confirmed"
    return plan


def ready(plan: OperationsPlan) -> OperationsPlan:
    """Confirmed, with the targets Alertmanager cannot do without (email/webhook/Teams) given.
    Every other project-specific to-do stays empty: a plan may be confirmed with to-dos."""
    plan = confirmed(plan)
    for channel in plan.alerting.channels:
        if channel.kind in ("email", "webhook", "msteams") and not channel.target.strip():
            channel.target = "ops@example.com" if channel.kind == "email" else "https://hooks.example.com/ops"
    return plan


def confirm_file(path: Path) -> None:
    """Confirm every section of a plan file (and give the required channel targets)."""
    from aiwf_tui.model.plan_io import dump_plan, load_plan

    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: confirmed"), encoding="utf-8")
    path.write_text(dump_plan(ready(load_plan(path))), encoding="utf-8")
