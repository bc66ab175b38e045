"""The domain model: project folder, sidecar, decisions, operations plan.

Imports nothing from Textual or Rich, so the CLI and tests run without a terminal.
"""

from aiwf_tui.model.project import Decision, PhaseStatus, Project, load_project

__all__ = ["Decision", "PhaseStatus", "Project", "load_project"]
