"""decision-log.md: the ADR entries of every phase.

Two layouts occur: the step file's (`## ARCH-001: Title` entries after
`## Decisions`) and the template's (`### ARCH-001: ...` under `### Phase N: ...`
headings, with a `### Phase 5: Operations` placeholder and Quick Reference tables
after the decisions). Phase 5 appends its entries in whichever layout the file uses,
so the parser records where things are as well as what they say.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from aiwf_tui.markdown import fenced_lines

ENTRY_HEADING = re.compile(r"^(#{2,4})\s+([A-Za-z]+-\d+)\s*:\s*(.*?)\s*$")
PHASE_HEADING = re.compile(r"^(#{2,4})\s+Phase\s+(\d+)\s*:\s*(.*?)\s*$")
ANY_HEADING = re.compile(r"^(#{1,6})\s+\S")
FIELD_LINE = re.compile(r"^\*\*([^*]+?):\*\*\s*(.*)$")


@dataclass
class DecisionLogEntry:
    """One ADR entry: its id (upper-case, as in headings), title, fields and raw text."""

    id: str
    title: str
    level: int
    start: int  # index of the heading line
    end: int  # index one past the entry's last line
    text: str
    _fields: dict[str, str] | None = field(default=None, repr=False, compare=False)

    @property
    def fields(self) -> dict[str, str]:
        """`**Label:** value` fields of the entry (read from its text when first asked)."""
        if self._fields is None:
            self._fields = _fields(self.text.split("\n")[1:])
        return self._fields

    @property
    def key(self) -> str:
        """The id as the sidecar writes it (lower-case)."""
        return self.id.lower()


@dataclass
class DecisionLog:
    """The parsed log: its entries and the landmarks Phase 5 needs to append."""

    lines: list[str]
    entries: list[DecisionLogEntry]
    layout: str  # "flat" (## ID: ...) or "phased" (### Phase N: ... / ### ID: ...)
    phase5_heading: int | None  # index of `### Phase 5: ...` in the phased layout
    phase5_end: int | None  # index one past the Phase 5 block (before `---` / next section)

    def by_id(self) -> dict[str, DecisionLogEntry]:
        """Entries keyed by lower-case id."""
        return {e.key: e for e in self.entries}


def _fields(body: list[str]) -> dict[str, str]:
    """Collect `**Label:** value` fields; a label's value runs to the next label."""
    result: dict[str, str] = {}
    current: str | None = None
    buffer: list[str] = []
    match_field = FIELD_LINE.match
    for line in body:
        stripped = line.strip()
        match = match_field(stripped) if stripped.startswith("**") else None
        if match:
            if current is not None:
                result[current] = "\n".join(buffer).strip()
            current = match.group(1).strip()
            buffer = [match.group(2)]
        elif current is not None:
            if stripped == "---":
                result[current] = "\n".join(buffer).strip()
                current = None
                buffer = []
            else:
                buffer.append(line)
    if current is not None:
        result[current] = "\n".join(buffer).strip()
    return result


def parse_decision_log(text: str) -> DecisionLog:
    """Parse decision-log.md; never fails (unknown text is simply not an entry). Linear in
    the length of the log."""
    lines = text.splitlines()
    entries: list[DecisionLogEntry] = []
    phase_headings: list[tuple[int, int, int]] = []  # (line, level, phase)
    headings: list[tuple[int, int]] = []  # (line, level) of every heading
    any_heading, phase_heading = ANY_HEADING.match, PHASE_HEADING.match
    fenced = fenced_lines(lines)  # CommonMark fences: a ``` in text is not a toggle
    for i, line in enumerate(lines):
        if fenced[i] or not line.startswith("#"):
            continue  # every heading pattern starts with "#" in the first column
        if any_heading(line):
            headings.append((i, len(line) - len(line.lstrip("#"))))
        phase = phase_heading(line)
        if phase:
            phase_headings.append((i, len(phase.group(1)), int(phase.group(2))))

    # Where each heading's section ends: the next heading of the same or a higher level
    # (one backward pass; `following[k]` is the nearest later heading of level <= k).
    section_end = [len(lines)] * len(headings)
    following = [len(lines)] * 8
    for idx in range(len(headings) - 1, -1, -1):
        i, level = headings[idx]
        section_end[idx] = following[min(level, 7)]
        for k in range(level, 8):
            following[k] = i

    for idx, (i, level) in enumerate(headings):
        match = ENTRY_HEADING.match(lines[i])
        if not match:
            continue
        end = section_end[idx]
        # Trailing separators and blank lines belong to the layout, not the entry.
        stop = end
        while stop > i + 1 and lines[stop - 1].strip() in ("", "---"):
            stop -= 1
        entries.append(
            DecisionLogEntry(
                id=match.group(2).upper(),
                title=match.group(3),
                level=level,
                start=i,
                end=stop,
                text="\n".join(lines[i:stop]),
            )
        )

    layout = "phased" if phase_headings else "flat"
    phase5_heading = phase5_end = None
    for line_no, level, number in phase_headings:
        if number == 5:
            phase5_heading = line_no
            phase5_end = len(lines)
            for j, other_level in headings:
                if j > line_no and other_level <= level and not ENTRY_HEADING.match(lines[j]):
                    phase5_end = j
                    break
            while phase5_end > line_no + 1 and lines[phase5_end - 1].strip() in ("", "---"):
                phase5_end -= 1
            break
    return DecisionLog(lines, entries, layout, phase5_heading, phase5_end)
