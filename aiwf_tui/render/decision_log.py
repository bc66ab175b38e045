"""decision-log.md with the operations decisions (ADR entries), in the layout the file uses.

* flat (the step file's format): `## OP-001: Title` entries after the last decision,
  fields as the flat files write them (`Options Evaluated`, `Choice Rationale`).
* phased (the template's format): `### OP-001: Title` under `### Phase 5: Operations`,
  replacing the `*Operations decisions will be added here*` placeholder, fields as the
  template writes them (`Options Considered`, `Rationale`, `Knowledge Reference` as a Query line).

A `Quick Reference` table, where present, gets one row per decision. Re-rendering
replaces the entries and rows it wrote before (never a second copy), and keeps an
entry's date while its content is unchanged, so rendering twice is byte-identical.
"""

from __future__ import annotations

import re

from aiwf_tui.markdown import block_safe, list_item
from aiwf_tui.model.decision_log import DecisionLog, parse_decision_log
from aiwf_tui.model.plan import OperationsDecision, OperationsPlan
from aiwf_tui.model.project import Project
from aiwf_tui.render.markdown import code_span, md_cell, oneline, or_todo, split_row, todo, upsert_table_rows

PHASE_LABEL = "5 - Operations"
PHASE5_HEADING = "### Phase 5: Operations"
QUICK_REFERENCE = re.compile(r"^#{2,4}\s+Quick Reference\s*$")
SUMMARY_MAX = 60


def _numbered(items: list[str], what: str) -> list[str]:
    return [list_item(item, f"{i}.") for i, item in enumerate(items, 1)] or [f"1. {todo(what)}"]


def _bullets(items: list[str], what: str) -> list[str]:
    return [list_item(item) for item in items] or [f"- {todo(what)}"]


def entry_lines(decision: OperationsDecision, layout: str, date: str) -> list[str]:
    """One ADR entry as lines, in the file's layout."""
    heading_id = decision.id.upper()
    title = block_safe(oneline(decision.title))
    choice = or_todo(decision.choice, "the decision")
    context = or_todo(decision.context, "why the decision was needed")
    rationale = or_todo(decision.rationale, "why this option was chosen")
    ref = code_span(decision.knowledge_ref) if decision.knowledge_ref.strip() else todo("knowledge reference")
    options = _numbered(list(decision.options), "options considered")
    consequences = _bullets(list(decision.consequences), "consequences")
    if layout == "phased":
        return [
            f"### {heading_id}: {title}",
            "",
            f"**Decision:** {choice}",
            "",
            f"**Date:** {date}",
            f"**Phase:** {PHASE_LABEL}",
            "",
            "**Context:**",
            context,
            "",
            "**Options Considered:**",
            "",
            *options,
            "",
            "**Rationale:**",
            rationale,
            "",
            "**Knowledge Reference:**",
            "",
            f"- Query: {ref}",
            "",
            "**Consequences:**",
            "",
            *consequences,
        ]
    return [
        f"## {heading_id}: {title}",
        "",
        f"**Decision:** {choice}",
        f"**Date:** {date}",
        f"**Phase:** {PHASE_LABEL}",
        "",
        f"**Context:** {context}",
        "",
        "**Options Evaluated:**",
        "",
        *options,
        "",
        f"**Choice Rationale:** {rationale}",
        "",
        f"**Knowledge Reference:** {ref}",
        "",
        "**Consequences:**",
        "",
        *consequences,
    ]


def _entries(plan: OperationsPlan, log: DecisionLog, layout: str, today: str) -> tuple[list[str], dict[str, str]]:
    """The block of all operations entries, and each decision's date."""
    old = {e.key: e for e in log.entries}
    block: list[str] = []
    dates: dict[str, str] = {}
    for decision in plan.decisions.decisions:
        date = today
        previous = old.get(decision.id)
        if previous is not None:
            old_date = previous.fields.get("Date", "").strip()
            if old_date and "\n".join(entry_lines(decision, layout, old_date)) == previous.text:
                date = old_date
        dates[decision.id] = date
        if block:
            block.append("")
        block.extend(entry_lines(decision, layout, date))
    return block, dates


def _remove_ops(lines: list[str], log: DecisionLog) -> tuple[list[str], int | None]:
    """`lines` without the OP entries (and the blank lines after each); where the first one was."""
    ops = [e for e in log.entries if e.id.startswith("OP-")]
    if not ops:
        return lines, None
    drop: set[int] = set()
    for entry in ops:
        end = entry.end
        while end < len(lines) and not lines[end].strip():
            end += 1
        drop.update(range(entry.start, end))
    first = ops[0].start
    kept = [line for i, line in enumerate(lines) if i not in drop]
    return kept, first


def _flat(lines: list[str], log: DecisionLog, block: list[str]) -> list[str]:
    ops = [e for e in log.entries if e.id.startswith("OP-")]
    if ops:
        start, end = ops[0].start, ops[-1].end
        inner = [e for e in log.entries if start <= e.start < end and not e.id.startswith("OP-")]
        if not inner:
            return lines[:start] + block + lines[end:]
        lines, first = _remove_ops(lines, log)
        assert first is not None  # there are OP entries
        return lines[:first] + block + [""] + lines[first:]
    others = [e for e in log.entries]
    if others:
        at = others[-1].end
        tail = lines[at:]
        return lines[:at] + [""] + block + ([""] if tail and tail[0].strip() else []) + tail
    # No entries at all: after a `## Decisions` heading, else at the end.
    for i, line in enumerate(lines):
        if line.strip() == "## Decisions":
            return [*lines[: i + 1], "", *block, "", *lines[i + 1 :]]
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    return [*lines, "", *block]


def _phased(lines: list[str], log: DecisionLog, block: list[str]) -> list[str]:
    if log.phase5_heading is not None and log.phase5_end is not None:
        start, end = log.phase5_heading, log.phase5_end
        return [*lines[: start + 1], "", *block, *lines[end:]]
    # No Phase 5 block: add one after the last entry (outside the Phase 5 block, drop stray OP entries).
    lines, _ = _remove_ops(lines, log)
    log = parse_decision_log("\n".join(lines))
    at = log.entries[-1].end if log.entries else len(lines)
    tail = lines[at:]
    return lines[:at] + ["", "---", "", PHASE5_HEADING, ""] + block + ([""] if tail and tail[0].strip() else []) + tail


def _summary(decision: OperationsDecision) -> str:
    text = oneline(decision.choice) or oneline(decision.title)
    if len(text) > SUMMARY_MAX:
        text = text[: SUMMARY_MAX - 3].rstrip() + "..."
    return text


def _quick_reference(lines: list[str], plan: OperationsPlan, dates: dict[str, str]) -> list[str]:
    heading = next((i for i, line in enumerate(lines) if QUICK_REFERENCE.match(line)), None)
    if heading is None:
        return lines
    i = heading + 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    if i + 1 >= len(lines) or not lines[i].lstrip().startswith("|"):
        return lines
    header = [c.lower() for c in split_row(lines[i])]
    first_row = i + 2
    end = first_row
    while end < len(lines) and lines[end].lstrip().startswith("|"):
        end += 1
    rows = [r for r in lines[first_row:end] if not re.match(r"^OP-\d+$", split_row(r)[0], re.I)]
    new_rows = []
    for decision in plan.decisions.decisions:
        cells = []
        for name in header:
            if name == "id":
                cells.append(decision.id.upper())
            elif name == "phase":
                cells.append("5")
            elif name == "date":
                cells.append(dates.get(decision.id, ""))
            elif "decision" in name or "summary" in name:
                cells.append(md_cell(_summary(decision)))
            elif "rationale" in name:
                cells.append(md_cell(oneline(decision.rationale)))
            else:
                cells.append("")
        new_rows.append("| " + " | ".join(cells) + " |")
    return lines[:first_row] + rows + new_rows + lines[end:]


KNOWLEDGE_QUERIES = re.compile(r"^#{2,4}\s+Knowledge Queries Made\s*$")
OP_USED_IN = re.compile(r"^OP-\d{3}(?:,\s*OP-\d{3})*$", re.IGNORECASE)


def knowledge_queries(plan: OperationsPlan) -> list[tuple[str, str, list[str]]]:
    """(endpoint, topic, OP ids) of every Knowledge query the operations decisions cite, in order."""
    from aiwf_tui.model.defaults import ref_topic

    found: dict[str, list[str]] = {}
    for decision in plan.decisions.decisions:
        ref = decision.knowledge_ref.strip()
        if ref:
            found.setdefault(ref, []).append(decision.id.upper())
    return [(ref.partition(":")[0], ref_topic(ref), ids) for ref, ids in found.items()]


def _query_rows(header: list[str], plan: OperationsPlan, dates: dict[str, str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for endpoint, topic, ids in knowledge_queries(plan):
        date = min((dates.get(i.lower(), "") for i in ids), default="")
        by_name = {"query": topic, "endpoint": endpoint, "date": date, "used in": ", ".join(ids)}
        rows.append([md_cell(by_name.get(name, "")) for name in header])
    return rows


def _parsed(project: Project, text: str) -> DecisionLog:
    """The project's parsed log (parsed once per project), or a fresh parse of `text`."""
    log = getattr(project, "decision_log", None)
    if isinstance(log, DecisionLog) and log.lines == text.splitlines():
        return log
    return parse_decision_log(text)


def render_decision_log(project: Project, plan: OperationsPlan, today: str) -> str:
    """decision-log.md with the plan's operations decisions (pure: `today` is passed in)."""
    text = project.decision_log_text
    log = _parsed(project, text)
    layout = log.layout
    block, dates = _entries(plan, log, layout, today)
    lines = list(log.lines)
    if not block:
        lines, _ = _remove_ops(lines, log)
    elif layout == "phased":
        lines = _phased(lines, log, block)
    else:
        lines = _flat(lines, log, block)
    lines = _quick_reference(lines, plan, dates)
    lines = upsert_table_rows(
        lines, KNOWLEDGE_QUERIES, OP_USED_IN, lambda header, _old: _query_rows(header, plan, dates)
    )
    return "\n".join(lines) + ("\n" if text.endswith("\n") or not text else "")
