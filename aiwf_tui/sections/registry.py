"""The sections of Phase 5 in workflow order, and the artifact each one previews."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from aiwf_tui.layout import ALERTS_CONFIG_FILE, DECISION_LOG, PROJECT_SPEC, PROMETHEUS_DIR, RUNBOOK_FILE
from aiwf_tui.sections.alerting import AlertingView
from aiwf_tui.sections.alerts_config import AlertsConfigView
from aiwf_tui.sections.base import SectionView
from aiwf_tui.sections.decisions import DecisionsView
from aiwf_tui.sections.drift import DriftView
from aiwf_tui.sections.final_menu import FinalMenuView
from aiwf_tui.sections.improvement import ImprovementView
from aiwf_tui.sections.incident import IncidentView
from aiwf_tui.sections.knowledge import KnowledgeView
from aiwf_tui.sections.monitoring import MonitoringView
from aiwf_tui.sections.project_files import ProjectFilesView
from aiwf_tui.sections.runbook import RunbookView
from aiwf_tui.sections.summary import SummaryView
from aiwf_tui.sections.welcome import WelcomeView

if TYPE_CHECKING:
    from aiwf_tui.model.plan import OperationsPlan
    from aiwf_tui.model.project import Project

SECTION_VIEWS: tuple[type[SectionView], ...] = (
    WelcomeView,
    KnowledgeView,
    MonitoringView,
    DriftView,
    AlertingView,
    IncidentView,
    RunbookView,
    AlertsConfigView,
    ImprovementView,
    DecisionsView,
    ProjectFilesView,
    SummaryView,
    FinalMenuView,
)

SECTION_KEYS = tuple(v.KEY for v in SECTION_VIEWS)


def view_for(key: str) -> type[SectionView]:
    """The view class of section `key`."""
    return SECTION_VIEWS[SECTION_KEYS.index(key)]


# The renderers are imported inside these functions on purpose: they run in the preview
# worker thread, so Jinja2 and the templates load there, never while a section paints.
def _runbook(project: Project, plan: OperationsPlan, today: str) -> str:
    from aiwf_tui.render.runbook import render_runbook  # lazy: loads in the preview worker

    return render_runbook(project, plan)


def _alerts_config(project: Project, plan: OperationsPlan, today: str) -> str:
    from aiwf_tui.render.alerts_config import render_alerts_config  # lazy: loads in the preview worker

    return render_alerts_config(project, plan)


def _alert_rules(project: Project, plan: OperationsPlan, today: str) -> str:
    from aiwf_tui.render.prometheus import prometheus_artifacts  # lazy: loads in the preview worker

    files = prometheus_artifacts(project, plan)
    return "\n".join(f"# ---- {name}\n{text}" for name, text in files.items())


def _spec(project: Project, plan: OperationsPlan, today: str) -> str:
    from aiwf_tui.render.spec_section import render_spec  # lazy: loads in the preview worker

    return render_spec(project, plan, today)


def _decision_log(project: Project, plan: OperationsPlan, today: str) -> str:
    from aiwf_tui.render.decision_log import render_decision_log  # lazy: loads in the preview worker

    return render_decision_log(project, plan, today)


class PreviewSource(NamedTuple):
    """The file a section's preview shows, the pure function that renders it, and the heading of
    the part the section feeds (the preview opens there)."""

    title: str
    render: Callable[[Project, OperationsPlan, str], str]
    part: str = ""


PREVIEWS: dict[str, PreviewSource] = {
    "runbook": PreviewSource(RUNBOOK_FILE, _runbook),
    "alerts_config": PreviewSource(ALERTS_CONFIG_FILE, _alerts_config),
    "alerting": PreviewSource(PROMETHEUS_DIR + "/", _alert_rules),
    "decisions": PreviewSource(DECISION_LOG, _decision_log),
    "monitoring": PreviewSource(PROJECT_SPEC, _spec, "### Monitoring"),
    "drift": PreviewSource(PROJECT_SPEC, _spec, "### Drift Detection"),
    "incident": PreviewSource(PROJECT_SPEC, _spec, "### Incident Response"),
    "improvement": PreviewSource(PROJECT_SPEC, _spec, "### Continuous Improvement"),
}


def preview_for(key: str) -> PreviewSource | None:
    """What section `key` previews, if anything."""
    return PREVIEWS.get(key)
