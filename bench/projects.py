"""Benchmark fixtures: copies of the demo project with a ready plan, a 2,000-line
runbook, or thousands of earlier decisions. Generated into a temporary folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from aiwf_tui.commands.open_app import demo_source
from aiwf_tui.layout import DECISION_LOG, PLAN_FILE, SIDECAR

PREFIXES = ("fp", "ip", "ev", "arch")
PHASE_OF = {"arch": 0, "fp": 1, "ip": 3, "ev": 4}


#: An answer per kind for the bench's plans (the suggestion where aiwf has one).
BENCH_ANSWERS = {
    "number": "0.5",
    "duration": "5m",
    "url": "https://ops.example.com/runbook",
    "email": "ops@example.com",
    "lines": "Check the dashboard\nRestart the worker",
}


def answered(project, plan):
    """`plan` with every open item answered, as `aiwf plan --set` would."""
    from aiwf_tui.model.todo import apply_answer, open_items

    for item in open_items(project, plan):
        if item.suggestion is not None:
            value = item.suggestion.value
        elif item.kind == "choice":
            value = item.choices[0] if item.choices else "Our own approach"
        elif band := re.fullmatch(r"drift\.responses\[(\d+)\]\.score_(from|to)", item.path):
            value = str((int(band[1]) + (band[2] == "to")) / 5)  # adjacent bands: 0-0.2, 0.2-0.4, ...
        elif item.path in ("runbook.components", "runbook.dependencies"):
            value = "API gateway: routes technician questions"
        else:
            value = BENCH_ANSWERS.get(item.kind, "Bench answer")
        apply_answer(project, plan, item.path, value)
    return plan


def ready_plan(project, *, runbook_issues: int = 0, components: int = 0, budgets: bool = True):
    """The demo's default plan, every section confirmed, channel targets given; optionally
    padded with runbook issues and components (each issue is ~20 runbook lines), or without
    the daily token-budget alerts (`budgets=False`)."""
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan import SECTIONS, CommonIssue, Component

    plan = new_plan(project)
    if not budgets:
        plan.alerting.rules = [rule for rule in plan.alerting.rules if rule.metric != "daily_tokens"]
    plan = answered(project, plan)
    for key, _title in SECTIONS:
        plan.section(key).status = "confirmed"
    rb = plan.runbook
    if not rb.components:
        rb.components.append(Component(name="API gateway", purpose="Routes technician questions"))
    for i in range(components):
        rb.components.append(
            Component(name=f"Worker {i:04d}", purpose=f"Background worker number {i} of the ingestion pool")
        )
    for i in range(runbook_issues):
        rb.issues.append(
            CommonIssue(
                anchor=f"bench-issue-{i:04d}",
                title=f"Bench issue {i:04d}",
                symptoms=[f"Symptom {j} of issue {i}" for j in range(3)],
                diagnosis=[f"Check dashboard panel {j} for issue {i}" for j in range(3)],
                resolution=[f"Resolution step {j}: restart worker {i}" for j in range(3)],
                escalation="Platform on-call after 30 minutes",
            )
        )
    return plan


def write_plan(root: Path, plan) -> None:
    from aiwf_tui.model.plan_io import dump_plan

    path = root / PLAN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_plan(plan), encoding="utf-8")


def demo_copy(where: Path, name: str = "demo", *, plan: bool = True, **plan_kwargs) -> Path:
    from aiwf_tui.model import load_project

    root = where / name
    shutil.copytree(demo_source(), root)
    if plan:
        write_plan(root, ready_plan(load_project(root), **plan_kwargs))
    return root


def runbook_lines(root: Path) -> int:
    from aiwf_tui.model import load_project
    from aiwf_tui.model.plan_io import load_plan
    from aiwf_tui.render.runbook import render_runbook

    project = load_project(root)
    return render_runbook(project, load_plan(root / PLAN_FILE, project.root)).count("\n") + 1


def big_runbook_copy(where: Path, target_lines: int = 2000) -> Path:
    """A demo copy whose runbook.md has about `target_lines` lines."""
    root = demo_copy(where, "runbook-2k", plan=False)
    from aiwf_tui.model import load_project

    project = load_project(root)
    base = runbook_lines_of(project, ready_plan(project))
    one = runbook_lines_of(project, ready_plan(project, runbook_issues=10)) - base
    issues = max(1, round((target_lines - base) / (one / 10)))
    write_plan(root, ready_plan(project, runbook_issues=issues))
    return root


def runbook_lines_of(project, plan) -> int:
    from aiwf_tui.render.runbook import render_runbook

    return render_runbook(project, plan).count("\n") + 1


def decisions_copy(where: Path, count: int) -> Path:
    """A demo copy with `count` extra earlier decisions (sidecar + decision-log entries)."""
    root = demo_copy(where, f"decisions-{count}", plan=False)
    sidecar = root / SIDECAR
    text = sidecar.read_text(encoding="utf-8")
    marker = "\n# Warnings Acknowledged"
    items, entries = [], []
    for i in range(count):
        prefix = PREFIXES[i % len(PREFIXES)]
        did = f"{prefix}-{1000 + i}"
        items.append(
            f'  - id: "{did}"\n'
            f'    choice: "Bench choice {i}: option {i % 7} for component {i % 97}"\n'
            f'    rationale: "Generated for the benchmark; decision {i} of {count}."\n'
            f'    knowledge_ref: "get_patterns:bench-{i % 50}"\n'
        )
        entries.append(
            f"## {did.upper()}: Bench decision {i}\n\n"
            f"**Decision:** Bench choice {i}: option {i % 7} for component {i % 97}\n"
            f"**Date:** 2026-02-{1 + i % 28:02d}\n"
            f"**Phase:** {PHASE_OF[prefix]} - Bench\n\n"
            f"**Context:** Generated context for decision {i}.\n\n"
            f"**Options Evaluated:**\n1. Option A\n2. Option B\n\n"
            f"**Choice Rationale:** Generated for the benchmark; decision {i} of {count}.\n\n"
            f"**Knowledge Reference:** `get_patterns:bench-{i % 50}`\n\n"
            f"**Consequences:**\n- None in particular\n"
        )
    text = text.replace(marker, "\n" + "".join(items) + marker, 1)
    sidecar.write_text(text, encoding="utf-8")
    log = root / DECISION_LOG
    log.write_text(log.read_text(encoding="utf-8").rstrip("\n") + "\n\n" + "\n".join(entries), encoding="utf-8")
    from aiwf_tui.model import load_project

    write_plan(root, ready_plan(load_project(demo_source())))  # the plan does not depend on the decisions
    return root
