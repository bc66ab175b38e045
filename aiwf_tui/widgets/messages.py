"""Messages the widgets post: past-tense events the screens and the app react to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual.message import Message


@dataclass
class EditTarget:
    """What is being edited: a field of a model object, and where it is shown."""

    obj: Any  # a pydantic model (a row or a section)
    field: str
    label: str
    section_key: str
    source: Any = None  # the widget to refresh and refocus afterwards


class EditRequested(Message):
    """A field or cell asked to be edited."""

    def __init__(self, target: EditTarget) -> None:
        self.target = target
        super().__init__()


class PlanChanged(Message):
    """The plan changed (an edit, a row added or deleted, a section confirmed)."""

    def __init__(self, section_key: str, *, structural: bool = False) -> None:
        self.section_key = section_key
        self.structural = structural  # rows added/removed: tables rebuild
        super().__init__()
