"""YAML loading and dumping for project files.

sidecar.yaml is shared with the rest of the workflow and edited by hand, so it is
read and written with ruamel.yaml's round-trip mode: comments, key order and
quoting survive, and loading then saving without a change gives back the same
bytes. Plain data for validation is derived from the round-trip document with a
bounded walk, which is what defuses YAML alias bombs (the document keeps aliases
as shared references; only the walk would expand them).
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.util import load_yaml_guess_indent

from aiwf_tui.errors import AiwfError

#: Far above any real project file; an alias bomb expands past it at once.
MAX_NODES = 200_000
MAX_DEPTH = 64


class _NoParse:
    """Stands in for the YAML instance `load_yaml_guess_indent` loads with: its guess is
    text-based, and the document it would parse is thrown away (that halved every load)."""

    @staticmethod
    def load(_text: str) -> None:
        return None


_NO_PARSE = _NoParse()


def _roundtrip_yaml(text: str) -> YAML:
    """A round-trip YAML instance whose indentation matches `text`."""
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 1_000_000  # never rewrap long values
    try:
        # The guess reads the text only; its trailing full parse is skipped (the caller parses once).
        _, indent, block_seq_indent = load_yaml_guess_indent(text, yaml=_NO_PARSE)
    except Exception:
        indent, block_seq_indent = 2, None
    if block_seq_indent:
        yaml.indent(mapping=2, sequence=indent, offset=block_seq_indent)
    else:
        yaml.indent(mapping=indent or 2, sequence=indent or 2, offset=0)
    # ruamel does not remember how a null was spelled: follow the file's habit.
    null_word = "null" if re.search(r":\s+null\s*(#.*)?$", text, re.M) else (
        "~" if re.search(r":\s+~\s*(#.*)?$", text, re.M) else ""
    )
    if null_word:
        # A subclass per instance: add_representer mutates the class it is called on.
        representer = type("NullStyleRepresenter", (RoundTripRepresenter,), {})
        representer.add_representer(
            type(None), lambda rep, _data: rep.represent_scalar("tag:yaml.org,2002:null", null_word)
        )
        yaml.Representer = representer
    return yaml


def yaml_problem(exc: Exception, shown: str) -> AiwfError:
    """Turn a YAML parser exception into a one-line error with line and column."""
    if isinstance(exc, MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        parts = [p for p in (exc.context, exc.problem) if p]
        message = "invalid YAML: " + ", ".join(parts)
        if exc.context_mark is not None and exc.problem_mark is not None and exc.context:
            message += f" (started at line {exc.context_mark.line + 1})"
        return AiwfError.at(
            shown,
            message,
            "fix the syntax at that line (quotes, brackets, indentation)",
            line=mark.line + 1 if mark else None,
            column=mark.column + 1 if mark else None,
        )
    if isinstance(exc, RecursionError):
        return AiwfError.at(shown, "is nested too deeply to be a project file", "check the file's structure")
    return AiwfError.at(shown, f"invalid YAML: {exc}", "fix the syntax")


def load_roundtrip(text: str, shown: str) -> tuple[Any, YAML]:
    """Parse `text` keeping comments and layout; returns (document, yaml instance)."""
    yaml = _roundtrip_yaml(text)
    try:
        doc = yaml.load(text)
    except (YAMLError, RecursionError) as exc:
        raise yaml_problem(exc, shown) from None
    except Exception as exc:  # ruamel raises a few non-YAMLError types on odd input
        raise AiwfError.at(shown, f"invalid YAML: {exc}", "fix the syntax") from None
    return doc, yaml


def dump_roundtrip(doc: Any, yaml: YAML) -> str:
    """Serialise a round-trip document with the layout it was read with."""
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def to_plain(node: Any, shown: str) -> Any:
    """Convert a round-trip document into plain dicts/lists/scalars, bounded.

    Dates become ISO strings, so models never see `datetime.date`.
    """
    budget = [MAX_NODES]

    def walk(value: Any, depth: int) -> Any:
        budget[0] -= 1
        if budget[0] < 0:
            raise AiwfError.at(shown, "expands to too much data (a YAML alias bomb?)",
                               "remove the repeated anchors/aliases")
        if depth > MAX_DEPTH:
            raise AiwfError.at(shown, "is nested too deeply to be a project file", "check the file's structure")
        if isinstance(value, dict):
            return {str(k) if not isinstance(k, (str, int)) else k: walk(v, depth + 1) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [walk(v, depth + 1) for v in value]
        if isinstance(value, (datetime, date)):
            return value.isoformat()
        if isinstance(value, str):
            return str(value)
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            return float(value)
        return str(value)

    return walk(node, 0)


def load_plain(text: str, shown: str) -> Any:
    """Parse YAML into plain data (bounded against alias bombs and deep nesting)."""
    doc, _ = load_roundtrip(text, shown)
    return to_plain(doc, shown)
