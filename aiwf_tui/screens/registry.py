"""The sections of Phase 5 in workflow order, and the artifact each one previews."""

from __future__ import annotations

from aiwf_tui.layout import ALERTS_CONFIG_FILE, DECISION_LOG, PROJECT_SPEC, PROMETHEUS_DIR, RUNBOOK_FILE
from aiwf_tui.screens.alerting import AlertingSection
from aiwf_tui.screens.alerts_config import AlertsConfigSection
from aiwf_tui.screens.decisions import DecisionsSection
from aiwf_tui.screens.drift import DriftSection
from aiwf_tui.screens.final_menu import FinalMenuSection
from aiwf_tui.screens.improvement import ImprovementSection
from aiwf_tui.screens.incident import IncidentSection
from aiwf_tui.screens.knowledge import KnowledgeSection
from aiwf_tui.screens.monitoring import MonitoringSection
from aiwf_tui.screens.project_files import ProjectFilesSection
from aiwf_tui.screens.runbook import RunbookSection
from aiwf_tui.screens.summary import SummarySection
from aiwf_tui.screens.welcome import WelcomeSection

SECTION_VIEWS = (
    WelcomeSection,
    KnowledgeSection,
    MonitoringSection,
    DriftSection,
    AlertingSection,
    IncidentSection,
    RunbookSection,
    AlertsConfigSection,
    ImprovementSection,
    DecisionsSection,
    ProjectFilesSection,
    SummarySection,
    FinalMenuSection,
)

SECTION_KEYS = tuple(v.KEY for v in SECTION_VIEWS)


def preview_for(key: str):
    """(title, render(project, plan, today) -> text) of the artifact a section previews."""

    def runbook(project, plan, today):
        from aiwf_tui.render.runbook import render_runbook

        return render_runbook(project, plan)

    def alerts_config(project, plan, today):
        from aiwf_tui.render.alerts_config import render_alerts_config

        return render_alerts_config(project, plan)

    def alert_rules(project, plan, today):
        from aiwf_tui.render.prometheus import prometheus_artifacts

        files = prometheus_artifacts(project, plan)
        return "\n".join(f"# ---- {name}\n{text}" for name, text in files.items())

    def spec(project, plan, today):
        from aiwf_tui.render.spec_section import render_spec

        return render_spec(project, plan)

    def decision_log(project, plan, today):
        from aiwf_tui.render.decision_log import render_decision_log

        return render_decision_log(project, plan, today)

    return {
        "runbook": (RUNBOOK_FILE, runbook),
        "alerts_config": (ALERTS_CONFIG_FILE, alerts_config),
        "alerting": (PROMETHEUS_DIR + "/", alert_rules),
        "decisions": (DECISION_LOG, decision_log),
        "monitoring": (PROJECT_SPEC, spec),
        "drift": (PROJECT_SPEC, spec),
        "incident": (PROJECT_SPEC, spec),
        "improvement": (PROJECT_SPEC, spec),
    }.get(key)
