"""What a NO-GO gate means for the engineer: which phase to revisit."""

from __future__ import annotations

import re

from aiwf_tui.model.project import PHASES, Project, decision_phase

_PHASE_WORDS = re.compile(r"\bPhase\s+(\d)\b", re.I)
_DECISION_IDS = re.compile(r"\b(arch|fp|tp|ip|ev)-\d{3}\b", re.I)


def revisit_phase(project: Project) -> tuple[int, str]:
    """The earliest phase the blockers point at (by 'Phase N' or a decision id), else Phase 4."""
    named: list[int] = []
    by_decision: list[int] = []
    for blocker in project.gate_blockers:
        named += [int(n) for n in _PHASE_WORDS.findall(blocker)]
        for match in _DECISION_IDS.finditer(blocker):
            phase = decision_phase(match.group(0))
            if phase is not None:
                by_decision.append(phase)
    # A phase the blockers name outright wins over one inferred from decision ids.
    candidates = named or by_decision
    number = min((c for c in candidates if 0 <= c <= 4), default=4)
    return number, PHASES[number][2]
