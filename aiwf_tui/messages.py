"""Messages between the widgets, the workflow screen and the app: past-tense events.

Widgets post them and they bubble up (widget -> section -> screen -> app): the screen
reacts to what concerns the screen (draft again, repaint the edited row, the preview)
and lets them go on to the app, which owns persistence (autosave, writing files, exit).
The app tells the screen what happened in the background with messages too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from textual.message import Message

if TYPE_CHECKING:
    from pydantic import BaseModel
    from textual.geometry import Region

    from aiwf_tui.knowledge.service import KnowledgeBundle
    from aiwf_tui.model.plan import OperationsPlan
    from aiwf_tui.model.project import Project


class EditSource(Protocol):
    """The widget that shows what is edited: repainted after each change, refocused after."""

    @property
    def is_attached(self) -> bool: ...

    def refresh_after_edit(self) -> None: ...

    def edit_region(self) -> Region: ...

    def scroll_to_edit(self, below: int = 0) -> None: ...

    def focus(self, scroll_visible: bool = True) -> object: ...


@dataclass
class EditTarget:
    """What is being edited: a field of a model object, and where it is shown."""

    obj: BaseModel  # a row or a section of the plan
    field: str
    label: str
    section_key: str
    source: EditSource | None = None


# -- widgets -> screen -> app ------------------------------------------------------------
@dataclass
class EditRequested(Message):
    """A field or cell asked to be edited."""

    target: EditTarget


@dataclass
class PlanChanged(Message):
    """The plan changed: an edit, a row added or deleted (`structural`), a toggle."""

    section_key: str
    structural: bool = False


@dataclass
class SectionConfirmed(Message):
    """The user confirmed a section (its status is already `confirmed` in the plan)."""

    section_key: str


@dataclass
class PlanReopened(Message):
    """Phase 5 was reopened from review mode: `plan` replaces the one in the context."""

    plan: OperationsPlan


@dataclass
class ResumePointMoved(Message):
    """The user moved to another section, answer or cell (`plan.resume_section`): saved on quit."""


@dataclass
class WriteConfirmed(Message):
    """The user confirmed writing the project files from this copy of the plan."""

    plan: OperationsPlan


@dataclass
class ExitConfirmed(Message):
    """The user confirmed leaving the workflow from the final menu; `farewell` is printed."""

    farewell: str


# -- app -> screen -------------------------------------------------------------------------
@dataclass
class KnowledgeLoaded(Message):
    """The knowledge bundle arrived (from the server or the embedded base)."""

    bundle: KnowledgeBundle


@dataclass
class FilesWritten(Message):
    """The project files were written; `project` is the project read back from disk."""

    project: Project
    count: int
