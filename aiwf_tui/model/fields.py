"""Default factories for the pydantic models' list and mapping fields.

Plain Python functions rather than the builtins `list` and `dict`: pydantic reads every
`default_factory`'s signature when it builds a model, and a builtin's signature is parsed
from its text each time (~0.3 ms a field; ~40 such fields were ~12 ms of every command that
loads a project).
"""

from __future__ import annotations

from typing import Any


def new_list() -> list[Any]:
    """A new empty list."""
    return []


def new_dict() -> dict[Any, Any]:
    """A new empty mapping."""
    return {}
