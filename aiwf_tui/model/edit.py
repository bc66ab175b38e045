"""Editing plan fields from text, as a person types it.

The UI edits every table cell and answer through these functions, so the rules
(what a duration looks like, which severities exist, how a list is typed) are
the model's rules and are tested without a terminal.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError


class EditError(ValueError):
    """A value the engineer typed that the field does not accept; the message says why."""


@dataclass(frozen=True)
class FieldKind:
    """How a field is typed in: text, number, bool, a choice, or a list (one item per line)."""

    kind: str  # "text" | "float" | "int" | "bool" | "choice" | "list" | "csv"
    choices: tuple[str, ...] = ()
    optional: bool = False

    @property
    def multiline(self) -> bool:
        return self.kind == "list"


def _unwrap_optional(annotation: Any) -> tuple[Any, bool]:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


#: List fields typed on one line, comma separated (short names rather than sentences).
CSV_FIELDS = {"channels", "knowledge_refs"}


def field_kind(model: type[BaseModel] | BaseModel, field: str) -> FieldKind:
    """The kind of a pydantic field, from its annotation."""
    cls = model if isinstance(model, type) else type(model)
    annotation, optional = _unwrap_optional(cls.model_fields[field].annotation)
    if get_origin(annotation) is typing.Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Literal:
        return FieldKind("choice", tuple(str(a) for a in get_args(annotation)), optional)
    if annotation is bool:
        return FieldKind("bool", optional=optional)
    if annotation is float:
        return FieldKind("float", optional=optional)
    if annotation is int:
        return FieldKind("int", optional=optional)
    if get_origin(annotation) is list:
        return FieldKind("csv" if field in CSV_FIELDS else "list", optional=optional)
    return FieldKind("text", optional=optional)


def field_text(obj: BaseModel, field: str) -> str:
    """A field's value as the engineer edits it."""
    value = getattr(obj, field)
    kind = field_kind(obj, field)
    if value is None:
        return ""
    if kind.kind == "list":
        return "\n".join(str(v) for v in value)
    if kind.kind == "csv":
        return ", ".join(str(v) for v in value)
    if kind.kind == "bool":
        return "yes" if value else "no"
    if kind.kind == "float":
        from aiwf_tui.model.plan import format_number

        return format_number(value)
    return str(value)


def parse_text(obj: BaseModel, field: str, text: str) -> Any:
    """Turn typed text into the field's type, or raise `EditError` saying what is expected."""
    kind = field_kind(obj, field)
    stripped = text.strip()
    if kind.optional and not stripped:
        return None
    if kind.kind == "list":
        return [line.strip() for line in text.splitlines() if line.strip()]
    if kind.kind == "csv":
        return [part.strip() for part in text.split(",") if part.strip()]
    if kind.kind == "bool":
        lowered = stripped.lower()
        if lowered in ("y", "yes", "true", "1", "x", "on"):
            return True
        if lowered in ("n", "no", "false", "0", "", "off"):
            return False
        raise EditError("type yes or no")
    if kind.kind == "float":
        try:
            value = float(stripped.replace("_", "").replace(",", ""))
        except ValueError:
            raise EditError("a number, like 0.05 or 5 or 8000000") from None
        if value != value or value in (float("inf"), float("-inf")):
            raise EditError("a finite number")
        return value
    if kind.kind == "int":
        try:
            return int(stripped)
        except ValueError:
            raise EditError("a whole number") from None
    if kind.kind == "choice":
        for choice in kind.choices:
            if stripped.lower() == choice.lower():
                return choice
        raise EditError(f"one of: {', '.join(kind.choices)}")
    return text


def set_field(obj: BaseModel, field: str, text: str) -> bool:
    """Set a field from typed text, validated. Returns whether the value changed."""
    value = parse_text(obj, field, text)
    if getattr(obj, field) == value:
        return False
    try:
        # A refused value must leave the row as it was: pydantic keeps an assignment that its
        # whole-model check then refuses, so the check runs on a copy first.
        setattr(obj.model_copy(), field, value)
        setattr(obj, field, value)
    except ValidationError as exc:
        messages = [e["msg"].removeprefix("Value error, ") for e in exc.errors()]
        raise EditError("; ".join(messages)) from None
    return True
