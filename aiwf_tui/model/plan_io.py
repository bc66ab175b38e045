"""Reading and writing the operations plan as YAML.

YAML comes from the one emitter (`yamlio.dump_yaml`), never from string templates,
so whatever the engineer typed (quotes, colons, `#`, newlines, `{{ }}`, `1e3`, `yes`)
comes back exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aiwf_tui.errors import AiwfError, Problem
from aiwf_tui.model.plan import OperationsPlan, plan_data
from aiwf_tui.model.textfile import read_text
from aiwf_tui.model.yamlio import dump_yaml, load_plain

HEADER = (
    "# aiwf operations plan: the answers and tables of Phase 5 (Operations).\n"
    "# Edited by the aiwf app; `aiwf render` writes every artifact from it once each\n"
    "# section's status is confirmed.\n"
)


def dump_plan(plan: OperationsPlan) -> str:
    """The plan as YAML text (stable: the same plan always gives the same bytes)."""
    return HEADER + dump_yaml(plan_data(plan), literal_blocks=True)


def _location(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _line_of(doc: Any, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the deepest part of `loc` found in a round-trip document (None: unknown)."""
    line = None
    node = doc
    for part in loc:
        lc = getattr(node, "lc", None)
        try:
            if isinstance(node, dict) and part in node:
                line = lc.value(part)[0] + 1 if lc is not None else line
                node = node[part]
            elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
                line = lc.item(part)[0] + 1 if lc is not None else line
                node = node[part]
            else:
                break
        except (AttributeError, KeyError, IndexError, TypeError):
            break
    return line


def _lines_for(text: str, shown: str) -> Callable[[tuple[Any, ...]], int | None]:
    """`loc -> line` for the validation errors of `text` (parsed once, only on an error): from
    libyaml's node tree, or ruamel's round trip where libyaml refuses the text."""
    from aiwf_tui.model.yamlio import load_roundtrip, value_lines

    fast = value_lines(text)
    if fast is not None:
        return fast
    try:
        doc, _ = load_roundtrip(text, shown)
    except AiwfError:
        return lambda loc: None
    return lambda loc: _line_of(doc, loc)


def parse_plan(text: str, shown: str) -> OperationsPlan:
    """Validate plan YAML; every problem becomes one line naming the field and the fix."""
    data = load_plain(text, shown)
    if data is None:
        raise AiwfError.at(shown, "is empty", "delete it and run `aiwf plan` to write a fresh one")
    if not isinstance(data, dict):
        raise AiwfError.at(
            shown,
            "is not a plan (expected a mapping with version, project_name, ...)",
            "delete it and run `aiwf plan` to write a fresh one",
        )
    try:
        return OperationsPlan.model_validate(data)
    except ValidationError as exc:
        problems = []
        line_of = _lines_for(text, shown)
        for err in exc.errors()[:20]:
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith("function-")))
            where = _location(loc)
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                message = "is missing"
            elif err["type"] == "extra_forbidden":
                message = "is not a plan field (a typo?)"
            fix = "correct it in the file (the app opens the project once its plan is valid)"
            if "newer aiwf" in message:
                fix = "upgrade aiwf (pip install -U aiwf-tui) or restore the plan this version wrote"
            problems.append(Problem(shown, f"{where}: {message}" if where else message, fix, line=line_of(loc)))
        raise AiwfError(*problems) from None


def load_plan(path: Path, root: Path | None = None) -> OperationsPlan:
    """Read and validate a plan file."""
    shown = str(path.relative_to(root)) if root and path.is_relative_to(root) else str(path)
    return parse_plan(read_text(path, root), shown)
