"""sidecar.yaml after Phase 5 (step file section 10), via the round-trip document so
comments, key order, quoting and unknown keys survive."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from aiwf_tui.model.plan import OperationsPlan

ALL_STEPS = (1, 2, 3, 4, 5, 6, 7)
PHASE5_KEY = "phase_5_operations"


def _q(value: str) -> DoubleQuotedScalarString:
    """Strings written in double quotes, as the workflow's sidecars write them."""
    return DoubleQuotedScalarString(value)


def _set(doc: CommentedMap, key: str, value: Any, after: tuple[str, ...] = ()) -> None:
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


def _steps(doc: CommentedMap) -> None:
    current = doc.get("stepsCompleted")
    wanted: list[int] = []
    if isinstance(current, list):
        for item in current:
            if isinstance(item, int) and not isinstance(item, bool) and item not in wanted:
                wanted.append(item)
    for step in ALL_STEPS:
        if step not in wanted:
            wanted.append(step)
    wanted.sort()
    if isinstance(current, CommentedSeq):
        if list(current) != wanted:
            del current[:]
            current.extend(wanted)
    else:
        seq = CommentedSeq(wanted)
        seq.fa.set_flow_style()
        _set(doc, "stepsCompleted", seq, ("currentPhase",))


def _last_key(seq: Any) -> tuple[Any, Any] | None:
    if isinstance(seq, CommentedSeq) and len(seq) and isinstance(seq[-1], CommentedMap) and len(seq[-1]):
        return seq[-1], list(seq[-1].keys())[-1]
    return None


def _decisions(doc: CommentedMap, plan: OperationsPlan, dated: bool, today: str) -> None:
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


def _merge_decisions(decisions: Any, plan: OperationsPlan, dated: bool, today: str) -> None:
    existing: dict[str, Any] = {}
    for item in decisions:
        if isinstance(item, dict) and isinstance(item.get("id"), str):
            existing.setdefault(item["id"].lower(), item)
    for decision in plan.decisions.decisions:
        old = existing.get(decision.id)
        entry = CommentedMap()
        entry["id"] = _q(decision.id)
        entry["choice"] = _q(decision.choice)
        entry["rationale"] = _q(decision.rationale)
        entry["knowledge_ref"] = _q(decision.knowledge_ref)
        if dated:
            entry["phase"] = 5
            date = today
            if old is not None and _same_decision(old, entry) and old.get("date"):
                date = str(old.get("date"))
            entry["date"] = _q(date)
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


def _same_decision(old: Any, new: CommentedMap) -> bool:
    return all(str(old.get(k, "")) == str(new[k]) for k in ("choice", "rationale", "knowledge_ref"))


def _uses_dated_decisions(doc: CommentedMap) -> bool:
    decisions = doc.get("decisions")
    if not isinstance(decisions, list):
        return False
    return any(isinstance(d, dict) and ("phase" in d or "date" in d) for d in decisions)


def _apply(project, plan: OperationsPlan, date: str, doc=None) -> str:
    if doc is None:
        doc = project.sidecar_document()
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


def render_sidecar(project, plan: OperationsPlan, today: str) -> str:
    """sidecar.yaml with Phase 5 complete (pure: `today` is passed in).

    When the sidecar already records completion and nothing but the date would
    change, the recorded date is kept, so rendering twice changes no byte.
    """
    doc = project.sidecar_document()
    status = str(doc.get("workflow_status") or "").lower() if isinstance(doc, dict) else ""
    recorded = doc.get("completed_date") if isinstance(doc, dict) else None
    if status == "complete" and recorded:
        kept = _apply(project, plan, str(recorded), doc)  # the parsed document is used once, not re-parsed
        if kept == project.sidecar_text:
            return kept
        doc = None  # _apply changed it: the second attempt starts from a fresh parse
    return _apply(project, plan, today, doc)
