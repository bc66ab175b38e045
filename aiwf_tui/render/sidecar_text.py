"""sidecar.yaml's Phase 5 edit made on the text, for sidecars in the workflow's plain layout.

The round-trip document (`render_sidecar_full`) keeps comments and layout anywhere, but it
costs ~30 ms of a ~300 ms `aiwf render` (ruamel's import and its pure-Python parser and
emitter), for a file whose edit is a handful of lines: `currentPhase`, `stepsCompleted`,
`workflow_status`, `completed_date`, the operations decisions at the end of `decisions` and
`phases.phase_5_operations`. Here those lines are replaced or inserted in the text and every
other byte is kept as it is.

It answers only for the layout the workflow writes, where the round trip re-emits every line
it does not change as it was: each line a comment at column 0, or a `key: value` / `- key:
value` / `- value` / `key:` line, values double-quoted (no escapes but `\\"` and `\\\\`), small
integers, lowercase words or flat lists of integers; mappings indented by 2, list dashes by 2
under their key. Anything else (single quotes, block scalars, anchors, end-of-line comments,
another indentation, an operations decision between earlier ones or with keys of its own)
returns None, and the caller takes the round trip. The result is read back and compared with
what the edit means before it is returned; tests compare it with the round trip byte for byte.
"""

from __future__ import annotations

import re
from typing import Any

from aiwf_tui.model.plan import OperationsPlan

#: A double-quoted value whose only escapes are `\"` and `\\`; its other characters must also
#: be printable (`str.isprintable`, checked per line): the round trip (ruamel's emitter with
#: `allow_unicode`) escapes only characters Python does not call printable.
_DQ = r'"(?:[^"\\]|\\["\\])*"'
_INT = r"(?:0|-?[1-9][0-9]{0,17})"
_WORD = r"(?!(?:true|false|null|yes|no|on|off|y|n)$)[a-z][a-z0-9_-]*"
_INTS = r"\[(?:(?:0|[1-9][0-9]{0,5})(?:, (?:0|[1-9][0-9]{0,5}))*)?\]"
_VALUE = rf"(?:{_DQ}|{_INT}|{_WORD}|{_INTS}|null)"
_LINE = re.compile(
    rf"(?P<indent> *)(?P<dash>- )?(?:(?P<key>[A-Za-z_][A-Za-z0-9_-]*):(?: (?P<value>{_VALUE}))?|(?P<item>{_VALUE}))"
)
_ESCAPED = re.compile(r'["\\]')

#: Nested mappings are indented by this much, list dashes by this much under their key.
STEP = 2


class _Layout(Exception):
    """The text is not in the layout this writer vouches for."""


def _quoted(value: str) -> str:
    """`value` as the round trip writes a double-quoted string."""
    if not value.isprintable() or len(value) > 100_000:
        raise _Layout("a character the emitter escapes")
    return '"' + _ESCAPED.sub(lambda m: "\\" + m.group(0), value) + '"'


def _check_layout(lines: list[str]) -> None:
    """Raise `_Layout` unless every line is one the round trip writes back unchanged."""
    # Open containers as (kind, column of their keys or dashes); the document is a mapping.
    stack: list[tuple[str, int]] = [("map", 0)]
    opened: int | None = None  # column of a `key:` line whose value must be a nested block
    for line in lines:
        if not line or line.startswith("#"):
            continue
        m = _LINE.fullmatch(line)
        if m is None or not line.isprintable():
            raise _Layout(f"a line not in the plain layout: {line[:40]!r}")
        col = len(m.group("indent"))
        if opened is not None:
            if m.group("dash") and col == opened + STEP:
                stack.append(("seq", col))
            elif not m.group("dash") and col == opened + STEP:
                stack.append(("map", col))
            else:
                raise _Layout("a key without a value")
            opened = None
        while stack and col < stack[-1][1]:
            stack.pop()
        if not stack or stack[-1][1] != col or (stack[-1][0] == "seq") != bool(m.group("dash")):
            raise _Layout("indentation the round trip would change")
        key_col = col + 2 if m.group("dash") else col
        if m.group("dash") and m.group("key") is not None:
            stack.append(("map", key_col))
        if m.group("key") is not None and m.group("value") is None:
            opened = key_col
    if opened is not None:
        raise _Layout("a key without a value at the end")


def _top_line(lines: list[str], key: str) -> int | None:
    """Index of the column-0 `key:` line (None when absent)."""
    prefix = key + ":"
    found = [i for i, line in enumerate(lines) if line == prefix or line.startswith(prefix + " ")]
    if len(found) > 1:
        raise _Layout(f"{key} twice")
    return found[0] if found else None


def _block_end(lines: list[str], start: int) -> int:
    """One past the last content line of the top-level block opened at `start` (comment and
    blank lines after it belong to what follows in the text)."""
    end = start + 1
    last = start
    while end < len(lines) and (not lines[end] or lines[end].startswith((" ", "#"))):
        if lines[end] and not lines[end].startswith("#"):
            last = end
        end += 1
    return last + 1


def _set_top(lines: list[str], key: str, value: str, after: tuple[str, ...], inserted: set[str]) -> None:
    """`key: value` at its place, or inserted after the first of `after` present (and added to
    `inserted`). Comment lines after a flow list or a key inserted here stay after the new key,
    as the round trip places them; after any other value they are the round trip's to place,
    so that anchor must be followed by a key."""
    at = _top_line(lines, key)
    if at is not None:
        if lines[at] == key + ":":
            raise _Layout(f"{key} holds a block")
        lines[at] = f"{key}: {value}"
        return
    for anchor in after:
        where = _top_line(lines, anchor)
        if where is None:
            continue
        end = _block_end(lines, where)
        followed_by_key = end < len(lines) and _LINE.fullmatch(lines[end]) and not lines[end].startswith(" ")
        if end != where + 1 or not (lines[where].endswith("]") or anchor in inserted or followed_by_key):
            raise _Layout(f"{anchor} is not followed by a key")
        lines.insert(end, f"{key}: {value}")
        inserted.add(key)
        return
    raise _Layout(f"no place for {key}")


def _decision_lines(plan: OperationsPlan, old: dict[str, dict[str, Any]], dated: bool, date: str) -> list[str]:
    """The operations decisions as list items, in the order the round trip writes their keys."""
    from aiwf_tui.render.sidecar_update import _same_decision

    pad, item = " " * STEP, " " * (2 * STEP)
    lines: list[str] = []
    for decision in plan.decisions.decisions:
        entry = {
            "id": decision.id,
            "choice": decision.choice,
            "rationale": decision.rationale,
            "knowledge_ref": decision.knowledge_ref,
        }
        lines.append(f"{pad}- id: {_quoted(decision.id)}")
        for key in ("choice", "rationale", "knowledge_ref"):
            lines.append(f"{item}{key}: {_quoted(entry[key])}")
        if dated:
            kept = old.get(decision.id)
            when = date
            if kept is not None and _same_decision(kept, entry) and kept.get("date"):
                if not isinstance(kept["date"], str):
                    raise _Layout("a date that is not a string")
                when = kept["date"]
            lines.append(f"{item}phase: 5")
            lines.append(f"{item}date: {_quoted(when)}")
    return lines


def _edit(text: str, data: dict[str, Any], plan: OperationsPlan, date: str, dated: bool) -> str:
    from aiwf_tui.render.sidecar_update import PHASE5_KEY, _wanted_steps

    lines = text[:-1].split("\n")
    inserted: set[str] = set()
    _set_top(lines, "currentPhase", "5", ("architecture",), inserted)
    steps = _top_line(lines, "stepsCompleted")
    if steps is None or not isinstance(data.get("stepsCompleted"), list):
        raise _Layout("stepsCompleted is not a list of steps")
    if not lines[steps].endswith("]"):
        raise _Layout("stepsCompleted in block style")
    wanted = _wanted_steps(data["stepsCompleted"])
    lines[steps] = "stepsCompleted: [" + ", ".join(map(str, wanted)) + "]"
    _set_top(lines, "workflow_status", '"complete"', ("stepsCompleted", "currentPhase"), inserted)
    _set_top(lines, "completed_date", _quoted(date), ("workflow_status",), inserted)

    # decisions: the earlier ones as they are, then the operations decisions.
    decisions = data.get("decisions")
    start = _top_line(lines, "decisions")
    if start is None or lines[start] != "decisions:" or not isinstance(decisions, list) or not decisions:
        raise _Layout("decisions is not a list")
    planned = [d.id for d in plan.decisions.decisions]
    ids = [str(d.get("id", "")).lower() if isinstance(d, dict) else "" for d in decisions]
    touched = [i for i, key in enumerate(ids) if key.startswith("op-") or key.strip() in planned]
    old: dict[str, dict[str, Any]] = {}
    if touched:
        first = touched[0]
        # Only the operations decisions a render wrote: at the end, in the plan's order, no keys of their own.
        if touched != list(range(first, len(ids))) or ids[first:] != planned[: len(ids) - first]:
            raise _Layout("operations decisions not as a render leaves them")
        known = {"id", "choice", "rationale", "knowledge_ref", "phase", "date"}
        for entry in decisions[first:]:
            if set(entry) - known or not all(isinstance(entry.get(k), str) for k in ("id", "choice")):
                raise _Layout("an operations decision with keys of its own")
            old[entry["id"].lower()] = entry
    end = _block_end(lines, start)
    items = [i for i in range(start + 1, end) if lines[i].startswith(" " * STEP + "- ")]
    if len(items) != len(decisions) or items[0] != start + 1:
        raise _Layout("decisions items the text does not show one per dash")
    cut = items[touched[0]] if touched else end
    lines[cut:end] = _decision_lines(plan, old, dated, date)

    phases = _top_line(lines, "phases")
    if phases is None or lines[phases] != "phases:":
        raise _Layout("phases is not a mapping")
    key = f"{' ' * STEP}{PHASE5_KEY}:"
    at = [i for i in range(phases + 1, _block_end(lines, phases)) if lines[i].startswith(key + " ")]
    if len(at) != 1:
        raise _Layout("phases has no phase_5_operations value")
    lines[at[0]] = f'{key} "complete"'
    return "\n".join(lines) + "\n"


def render_sidecar_text(text: str, data: Any, plan: OperationsPlan, today: str) -> str | None:
    """The Phase 5 sidecar edit of `text` (read as `data`), or None when this writer cannot
    vouch for it (use the round trip). Keeps a recorded completion date when nothing else
    would change, as the round trip does."""
    from aiwf_tui.layout import SIDECAR
    from aiwf_tui.model.yamlio import load_fast, to_plain
    from aiwf_tui.render.sidecar_update import _expected, _same_plain, _uses_dated_decisions

    if not isinstance(data, dict) or not text.endswith("\n") or text.endswith("\n\n") or "\r" in text:
        return None
    lines = text[:-1].split("\n")
    try:
        _check_layout(lines)
        dated = _uses_dated_decisions(data)
        status = str(data.get("workflow_status") or "").lower()
        recorded = data.get("completed_date")
        if status == "complete" and recorded:
            if not isinstance(recorded, str):
                return None
            kept = _edit(text, data, plan, recorded, dated)
            if kept == text:
                return text
        result = _edit(text, data, plan, today, dated)
        if not _same_plain(to_plain(load_fast(result), SIDECAR), _expected(data, plan, today, dated)):
            return None
    except _Layout:
        return None
    return result
