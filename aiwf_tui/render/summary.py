"""The workflow completion summary (step file section 11), as Markdown.

Key decisions (5-7): ARCH-001 (the first phase-0 decision), then the latest
decision of each of phases 1-4 that has one (a skipped phase has none), then the
first two operations decisions (OP-001 monitoring, OP-002 drift) - so every phase
is represented once and Phase 5's two core choices close the list.
"""

from __future__ import annotations

from aiwf_tui.layout import GRAFANA_DIR, PROMETHEUS_DIR
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.model.project import Project
from aiwf_tui.model.todo import open_items
from aiwf_tui.render.environment import render_template
from aiwf_tui.render.markdown import oneline

STATUS_LABELS = {"complete": "✅ Complete", "skipped": "⏭️ Skipped"}


def key_decisions(project: Project, plan: OperationsPlan) -> list[dict[str, str]]:
    """The 5-7 decisions the summary lists (rule in the module docstring)."""
    earlier = list(project.earlier_decisions)
    chosen: list[dict[str, str]] = []
    phase0 = [d for d in earlier if d.phase == 0]
    if phase0:
        d = phase0[0]
        chosen.append({"id": d.heading_id, "title": oneline(d.title), "choice": oneline(d.choice)})
    for phase in (1, 2, 3, 4):
        in_phase = [d for d in earlier if d.phase == phase]
        if in_phase:
            d = in_phase[-1]
            chosen.append({"id": d.heading_id, "title": oneline(d.title), "choice": oneline(d.choice)})
    for op in plan.decisions.decisions[:2]:
        chosen.append(
            {"id": op.id.upper(), "title": oneline(op.title), "choice": oneline(op.choice) or "_To do:_ the decision"}
        )
    return chosen


def artifact_tree(project: Project, files: list[str] | None = None) -> str:
    """The project folder as the workflow draws it, with the Phase 5 files aiwf writes."""
    if files is None:  # before a render: the files a render writes
        from aiwf_tui.layout import ALERTMANAGER_FILE, ROUTES_TEST_FILE, RULES_FILE, RULES_TEST_FILE

        files = [RULES_FILE, RULES_TEST_FILE, ALERTMANAGER_FILE, ROUTES_TEST_FILE]
    prometheus = sorted(f.removeprefix(PROMETHEUS_DIR + "/") for f in files if f.startswith(PROMETHEUS_DIR + "/"))
    phase2_spec = (
        "spec.md"
        if any(p.number == 2 and p.status != "skipped" for p in project.phases)
        else "spec.md (or SKIPPED note)"
    )
    lines = [
        f"{oneline(project.name)}/",
        "├── sidecar.yaml              ← State tracking",
        "├── project-spec.md           ← Complete specification",
        "├── decision-log.md           ← All decisions + rationale",
        "├── phase-0-scoping/",
        "│   └── architecture-decision.md",
        "├── phase-1-feature/",
        "│   ├── spec.md",
        "│   └── templates/",
        "├── phase-2-training/",
        f"│   ├── {phase2_spec}",
        "│   └── templates/",
        "├── phase-3-inference/",
        "│   ├── spec.md",
        "│   └── templates/",
        "├── phase-4-evaluation/",
        "│   ├── report.md",
        "│   └── checklists/",
        "└── phase-5-operations/",
        "    ├── operations-plan.yaml  ← Phase 5 answers (aiwf)",
        "    ├── runbook.md",
        "    ├── alerts-config.yaml",
    ]
    grafana = sorted(f.removeprefix(GRAFANA_DIR + "/") for f in (files or []) if f.startswith(GRAFANA_DIR + "/"))
    if grafana:
        lines.append("    ├── grafana/")
        for i, name in enumerate(grafana):
            lines.append(f"    │   {'└──' if i == len(grafana) - 1 else '├──'} {name}")
    if prometheus:
        lines.append("    ├── prometheus/")
        for i, name in enumerate(prometheus):
            lines.append(f"    │   {'└──' if i == len(prometheus) - 1 else '├──'} {name}")
    lines += ["    └── templates/", "        └── alerts-config.template.yaml"]
    return "\n".join(lines)


def render_summary(
    project: Project, plan: OperationsPlan, files: list[str] | None = None, complete: bool = True
) -> str:
    """The completion summary Markdown (pure). `files`: the rendered paths, for the tree.
    `complete` False (Phase 5 not written yet): the same summary under a heading that says
    what is still missing, never "Workflow Complete"."""
    phases = []
    for p in project.phases:
        status = "complete" if p.number == 5 else p.status
        phases.append(
            {
                "label": p.label,
                "output": f"`{p.output.split(' + ')[0]}`"
                + (" + " + p.output.split(" + ", 1)[1] if " + " in p.output else ""),
                "status": STATUS_LABELS.get(status, status.replace("_", " ").capitalize()),
            }
        )
    done = [p.number for p in project.phases if p.status == "complete" or p.number == 5]
    skipped = [p.number for p in project.phases if p.status == "skipped" and p.number != 5]
    if len(done) == 6:
        completed = "All 5 phases (0-5)"
    else:
        completed = ", ".join(str(n) for n in done) + (f" (skipped: {', '.join(map(str, skipped))})" if skipped else "")
    gate = project.gate_decision.upper()
    return render_template(
        "summary.md.j2",
        name=project.name,
        architecture=project.architecture_label,
        phases_completed=completed,
        gate=gate,
        conditions=project.gate_conditions,
        phases=phases,
        key_decisions=key_decisions(project, plan),
        todo_count=len(open_items(project, plan)),
        complete=complete,
        drafts=plan.drafts(),
        tree=artifact_tree(project, files),
    )
