"""sidecar.yaml after Phase 5 (step file section 10), via the round-trip document so
comments, key order, quoting and unknown keys survive.

Large sidecars (thousands of earlier decisions) take a block path: the earlier decisions
Phase 5 never touches are cut out of the text, the small rest goes through exactly the
same round-trip edit, and the untouched decisions are put back verbatim. The result is
parsed back and compared with what the edit must give; on any doubt the whole file goes
through the round trip instead, so correctness never depends on the block path.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import SIDECAR
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.model.project import Project
from aiwf_tui.model.yamlio import parse_problem

ALL_STEPS = (1, 2, 3, 4, 5, 6, 7)
PHASE5_KEY = "phase_5_operations"

#: Sidecars with more lines than this take the block path (below it the round trip is fast).
BLOCK_PATH_MIN_LINES = 500
#: The block path's safety net parses its whole result up to this many lines (see render_sidecar_blocks).
FULL_CHECK_MAX_LINES = 5000


def _q(value: str) -> Any:
    """Strings written in double quotes, as the workflow's sidecars write them."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(value)


def _set(doc: Any, key: str, value: Any, after: tuple[str, ...] = ()) -> None:
    """Set `key`, keeping its place when it exists; else insert it after the first of `after` present."""
    if key in doc:
        doc[key] = value
        return
    keys = list(doc.keys())
    for anchor in after:
        if anchor in doc:
            doc.insert(keys.index(anchor) + 1, key, value)
            return
    doc[key] = value


def _steps(doc: Any) -> None:
    from ruamel.yaml.comments import CommentedSeq

    current = doc.get("stepsCompleted")
    wanted = _wanted_steps(current)
    if isinstance(current, CommentedSeq):
        if list(current) != wanted:
            del current[:]
            current.extend(wanted)
    else:
        seq = CommentedSeq(wanted)
        seq.fa.set_flow_style()
        _set(doc, "stepsCompleted", seq, ("currentPhase",))


def _wanted_steps(current: Any) -> list[int]:
    wanted: list[int] = []
    if isinstance(current, list):
        for item in current:
            if isinstance(item, int) and not isinstance(item, bool) and item not in wanted:
                wanted.append(item)
    for step in ALL_STEPS:
        if step not in wanted:
            wanted.append(step)
    wanted.sort()
    return wanted


def _last_key(seq: Any) -> tuple[Any, Any] | None:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(seq, CommentedSeq) and len(seq) and isinstance(seq[-1], CommentedMap) and len(seq[-1]):
        return seq[-1], list(seq[-1].keys())[-1]
    return None


def _decisions(doc: Any, plan: OperationsPlan, dated: bool, today: str) -> None:
    from ruamel.yaml.comments import CommentedSeq

    decisions = doc.get("decisions")
    if not isinstance(decisions, list):
        decisions = CommentedSeq()
        doc["decisions"] = decisions
    # The comment lines and blank lines after the list belong to its last item's last key:
    # carry them over to whatever item ends the list afterwards.
    trailing = None
    last = _last_key(decisions)
    if last is not None:
        trailing = last[0].ca.items.pop(last[1], None)
    _merge_decisions(decisions, plan, dated, today)
    last = _last_key(decisions)
    if trailing is not None and last is not None:
        last[0].ca.items[last[1]] = trailing


def _as_is(text: str) -> str:
    return text


def _merge_decisions(decisions: Any, plan: OperationsPlan, dated: bool, today: str, new_map: Any = None) -> None:
    """The operations decisions into `decisions` (a round-trip or a plain list)."""
    if new_map is None:
        from ruamel.yaml.comments import CommentedMap

        new_map = CommentedMap
        quote: Callable[[str], Any] = _q
    else:
        quote = _as_is
    existing: dict[str, Any] = {}
    for item in decisions:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            existing.setdefault(item["id"].lower(), item)
    for decision in plan.decisions.decisions:
        old = existing.get(decision.id)
        entry = new_map()
        entry["id"] = quote(decision.id)
        entry["choice"] = quote(decision.choice)
        entry["rationale"] = quote(decision.rationale)
        entry["knowledge_ref"] = quote(decision.knowledge_ref)
        if dated:
            entry["phase"] = 5
            date = today
            if old is not None and _same_decision(old, entry) and old.get("date"):
                date = str(old.get("date"))
            entry["date"] = quote(date)
        if old is not None:
            # Keep keys the plan does not know about (notes added by hand).
            for key, value in old.items():
                if key not in entry:
                    entry[key] = value
            index = next(i for i, item in enumerate(decisions) if item is old)
            decisions[index] = entry
            # Drop later duplicates of the same id.
            for i in range(len(decisions) - 1, index, -1):
                item = decisions[i]
                if isinstance(item, dict) and str(item.get("id", "")).lower() == decision.id:
                    del decisions[i]
        else:
            decisions.append(entry)
    # Operations decisions the plan no longer has are dropped: the plan is the source.
    planned = {d.id for d in plan.decisions.decisions}
    for i in range(len(decisions) - 1, -1, -1):
        item = decisions[i]
        if isinstance(item, dict):
            key = str(item.get("id", "")).lower()
            if key.startswith("op-") and key not in planned:
                del decisions[i]


def _same_decision(old: Any, new: Any) -> bool:
    return all(str(old.get(k, "")) == str(new[k]) for k in ("choice", "rationale", "knowledge_ref"))


def _uses_dated_decisions(doc: Any) -> bool:
    decisions = doc.get("decisions")
    if not isinstance(decisions, list):
        return False
    return any(isinstance(d, dict) and ("phase" in d or "date" in d) for d in decisions)


def _apply(project: Project, plan: OperationsPlan, date: str, doc: Any = None, dated: bool | None = None) -> str:
    from ruamel.yaml.comments import CommentedMap

    if doc is None:
        doc = project.sidecar_document()
    if dated is None:
        dated = _uses_dated_decisions(doc)
    _set(doc, "currentPhase", 5, ("architecture",))
    _steps(doc)
    _set(doc, "workflow_status", _q("complete"), ("stepsCompleted", "currentPhase"))
    _set(doc, "completed_date", _q(date), ("workflow_status",))
    _decisions(doc, plan, dated, date)
    phases = doc.get("phases")
    if not isinstance(phases, dict):
        phases = CommentedMap()
        doc["phases"] = phases
    phases[PHASE5_KEY] = _q("complete")
    return project.dump_sidecar(doc)


def render_sidecar(project: Project, plan: OperationsPlan, today: str, *, block_path: bool | None = None) -> str:
    """sidecar.yaml with Phase 5 complete (pure: `today` is passed in).

    When the sidecar already records completion and nothing but the date would
    change, the recorded date is kept, so rendering twice changes no byte.

    `block_path`: None chooses by size; True tries the block path first (it still falls
    back to the full round trip when it cannot vouch for its result); False never uses it.
    A small sidecar in the workflow's plain layout is edited on its text (`sidecar_text`),
    any other through the round trip.

    The result always reads back as YAML: the block path compares it with what the edit
    means; the full round trip is parsed here. Raises `AiwfError` (a bug in aiwf) otherwise.
    """
    if block_path is None:
        block_path = project.sidecar_text.count("\n") > BLOCK_PATH_MIN_LINES
    if block_path:
        text = render_sidecar_blocks(project, plan, today)
    else:
        from aiwf_tui.render.sidecar_text import render_sidecar_text

        text = render_sidecar_text(project.sidecar_text, project.sidecar_data(), plan, today)
    if text is not None:
        return text
    text = render_sidecar_full(project, plan, today)
    problem = parse_problem(text, SIDECAR)
    if problem:
        raise AiwfError(problem)
    return text


def render_sidecar_full(project: Project, plan: OperationsPlan, today: str) -> str:
    """The whole sidecar through the round-trip document."""
    doc = project.sidecar_document()
    status = str(doc.get("workflow_status") or "").lower() if isinstance(doc, dict) else ""
    recorded = doc.get("completed_date") if isinstance(doc, dict) else None
    if status == "complete" and recorded:
        kept = _apply(project, plan, str(recorded), doc)  # the parsed document is used once, not re-parsed
        if kept == project.sidecar_text:
            return kept
        doc = None  # _apply changed it: the second attempt starts from a fresh parse
    return _apply(project, plan, today, doc)


# -- the block path ---------------------------------------------------------------------------
_TOP_KEY = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:(?:[ \t]|$)", re.M)
_ITEM = re.compile(r"^( *)-(?:[ \t]|$)", re.M)
_ANCHOR_OR_ALIAS = re.compile(r"(?:^|[ \t\[{,])[&*][^ \t\n\[\]{},]", re.M)
_BLANK_OR_COMMENT = re.compile(r"(?:[ \t]*(?:#[^\n]*)?\n)*[ \t]*(?:#[^\n]*)?\Z")


def _top_keys(text: str) -> list[tuple[str, int]]:
    """(key, offset of its line) of each column-0 `key:` line."""
    return [(m.group(1), m.start()) for m in _TOP_KEY.finditer(text)]


class _Cut:
    """The sidecar text with the untouched earlier decisions cut out."""

    def __init__(self, reduced: str, middle: str, item_starts: list[int], indent: int, anchor_line: str) -> None:
        self.reduced = reduced  # the text without `middle`
        self.middle = middle  # whole list items, verbatim
        self.item_starts = item_starts  # where each item of `middle` starts in it
        self.indent = indent  # column of the items' `-`
        self.anchor_line = anchor_line  # first line of the item that follows `middle`

    @property
    def removed(self) -> int:
        """How many list items `middle` holds."""
        return len(self.item_starts)

    def position(self, out: str) -> int | None:
        """Where the cut items go back into `out` (the edited reduced text), or None."""
        keys = [offset for key, offset in _top_keys(out) if key == "decisions"]
        if len(keys) != 1:
            return None
        item = re.compile(rf"^ {{{self.indent}}}-(?:[ \t]|$)", re.M).search(out, keys[0])
        if item is None or not out.startswith(self.anchor_line + "\n", item.start()):
            return None
        return item.start()

    def window(self, out: str, at: int) -> str:
        """`out` with only the first and the last cut item put back: both seams, small."""
        first, last = self.item_starts[1], self.item_starts[-1]
        return out[:at] + self.middle[:first] + self.middle[last:] + out[at:]


def _cut(text: str, data: Any, plan: OperationsPlan) -> _Cut | None:
    """Cut the earlier decisions Phase 5 cannot touch out of `text` (None: no safe cut)."""
    if not isinstance(data, dict) or not isinstance(data.get("decisions"), list):
        return None
    keys = _top_keys(text)
    if [k for k, _ in keys] != list(data):
        return None
    index = [k for k, _ in keys].index("decisions")
    start = keys[index][1]
    end = keys[index + 1][1] if index + 1 < len(keys) else len(text)
    first_nl = text.find("\n", start, end)
    if first_nl < 0 or not re.fullmatch(r"decisions[ \t]*:[ \t]*(?:#[^\n]*)?", text[start:first_nl]):
        return None
    items = list(_ITEM.finditer(text, first_nl + 1, end))
    if not items:
        return None
    indent = len(items[0].group(1))
    if not _BLANK_OR_COMMENT.match(text, first_nl + 1, items[0].start()):
        return None
    starts = [m.start() for m in items if len(m.group(1)) == indent]
    if any(len(m.group(1)) < indent for m in items):
        return None
    decisions = data["decisions"]
    if len(starts) != len(decisions):
        return None  # something else looks like an item (a block scalar?): only a parser can tell
    planned = {d.id for d in plan.decisions.decisions}

    def touched(item: Any) -> bool:
        if not isinstance(item, dict):
            return False
        key = str(item.get("id", "")).lower()
        return "op-" in key or key.strip() in planned

    flags = [touched(d) for d in decisions]
    first = flags.index(True) if True in flags else len(flags)
    if not all(flags[first:]) or first < 3:
        return None  # operations decisions between earlier ones (or little to cut): the full path
    keep = starts[first - 1]  # the last untouched item stays: the edit sees a list like the real one
    anchor_end = text.find("\n", keep, end)
    middle = text[starts[0] : keep]
    if anchor_end < 0 or _ANCHOR_OR_ALIAS.search(middle):
        return None  # anchors/aliases may tie the cut items to the rest
    return _Cut(
        text[: starts[0]] + text[keep:],
        middle,
        [s - starts[0] for s in starts[: first - 1]],
        indent,
        text[keep:anchor_end],
    )


def render_sidecar_blocks(project: Project, plan: OperationsPlan, today: str) -> str | None:
    """The block path; None when it cannot vouch for its result (use the full round trip).

    Safety net: the result is parsed back with the fast loader and compared with what the
    edit means (`_expected`, computed on plain data). Up to FULL_CHECK_MAX_LINES lines the
    whole result is parsed; above that, the result minus all cut items but the first and
    the last (both seams between verbatim and re-emitted text): the others are the
    original's own lines, unchanged, between unchanged neighbours of the same list.
    """
    from aiwf_tui.model.yamlio import load_fast, load_roundtrip, to_plain

    text = project.sidecar_text
    try:
        data = project.sidecar_data()
        cut = _cut(text, data, plan)
        if cut is None:
            return None
        dated = _uses_dated_decisions(data)

        def reduced_doc() -> Any:
            doc, _ = load_roundtrip(cut.reduced, SIDECAR)
            return doc

        doc = reduced_doc()
        # The cut must have taken whole items: the rest reads as the real list's tail.
        tail = data["decisions"][cut.removed :]
        if not isinstance(doc, dict) or not _same_plain(to_plain(doc.get("decisions"), SIDECAR), tail):
            return None
        status = str(doc.get("workflow_status") or "").lower()
        recorded = doc.get("completed_date")
        date = today
        if status == "complete" and recorded:
            out = _apply(project, plan, str(recorded), doc, dated)
            at = cut.position(out)
            if at is None:
                return None
            if out[:at] + cut.middle + out[at:] == text:
                return text
            doc = reduced_doc()
        out = _apply(project, plan, date, doc, dated)
        at = cut.position(out)
        if at is None:
            return None
        result = out[:at] + cut.middle + out[at:]
        # Safety net: the new text must read back as exactly what the edit means.
        if result.count("\n") <= FULL_CHECK_MAX_LINES:
            checked, decisions = result, data["decisions"]
        else:
            checked = cut.window(out, at)
            decisions = [data["decisions"][0], data["decisions"][cut.removed - 1], *tail]
        expected = _expected({**data, "decisions": decisions}, plan, date, dated)
        if not _same_plain(to_plain(load_fast(checked), SIDECAR), expected):
            return None
        return result
    except Exception:
        return None


def _same_plain(a: Any, b: Any) -> bool:
    """Equal plain data, mappings in the same key order too."""
    if a != b:
        return False
    stack = [(a, b)]
    while stack:
        x, y = stack.pop()
        if isinstance(x, dict):
            if list(x) != list(y):
                return False
            stack.extend((x[k], y[k]) for k in x if isinstance(x[k], (dict, list)))
        elif isinstance(x, list):
            stack.extend((u, v) for u, v in zip(x, y) if isinstance(u, (dict, list)))
    return True


def _expected(data: dict[str, Any], plan: OperationsPlan, date: str, dated: bool) -> dict[str, Any]:
    """What `_apply` means, computed on plain data (the block path's safety net)."""
    doc = dict(data)

    def put(key: str, value: Any, after: tuple[str, ...] = ()) -> None:
        if key in doc:
            doc[key] = value
            return
        for anchor in after:
            if anchor in doc:
                items = list(doc.items())
                at = [k for k, _ in items].index(anchor) + 1
                items.insert(at, (key, value))
                doc.clear()
                doc.update(items)
                return
        doc[key] = value

    put("currentPhase", 5, ("architecture",))
    put("stepsCompleted", _wanted_steps(doc.get("stepsCompleted")), ("currentPhase",))
    put("workflow_status", "complete", ("stepsCompleted", "currentPhase"))
    put("completed_date", date, ("workflow_status",))
    decisions = doc.get("decisions")
    decisions = list(decisions) if isinstance(decisions, list) else []
    _merge_decisions(decisions, plan, dated, date, new_map=dict)
    doc["decisions"] = decisions
    phases = doc.get("phases")
    phases = dict(phases) if isinstance(phases, dict) else {}
    phases[PHASE5_KEY] = "complete"
    doc["phases"] = phases
    return doc
