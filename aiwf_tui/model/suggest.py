"""Suggestions for open answers, taken from the project's own earlier phases.

Only a value the project states is suggested (the inference spec's latency SLA, the
evaluation report's quality bar and empty-retrieval target), always with the file and
line it comes from and one line of reasoning. Where the project states nothing, there is
no suggestion: the item stays open with the workflow's guidance. Durations are the
workflow template's own, cited as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model.plan import AlertRule, format_number

INFERENCE_SPEC = "phase-3-inference/spec.md"
EVALUATION_REPORT = "phase-4-evaluation/report.md"


@dataclass(frozen=True)
class Suggestion:
    """A value the engineer may accept, where it comes from, and why it fits."""

    value: str
    source: str  # `phase-3-inference/spec.md:74`, or the workflow section
    reasoning: str


@dataclass(frozen=True)
class Target:
    """A target an earlier phase states, e.g. `P99 Latency | < 6 s` at spec.md:73."""

    label: str
    value: float
    unit: str
    source: str


#: A table row `| Label | < 6 s |` or `| Label | >= 0.90 | ...`: label, comparator, number, unit.
ROW_RE = re.compile(
    r"^\|\s*(?:[A-Z]+-\d+\s*\|\s*)?([^|]+?)\s*\|\s*(<=|>=|<|>|≤|≥)\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(%|ms|s\b|sec|seconds)?"
)


def _read(root: Path, relative: str) -> list[str]:
    try:
        return (root / relative).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []


def _stamp(root: Path) -> tuple[int, ...]:
    stamps = []
    for relative in (INFERENCE_SPEC, EVALUATION_REPORT):
        try:
            stamps.append((root / relative).stat().st_mtime_ns)
        except OSError:
            stamps.append(0)
    return tuple(stamps)


_TARGETS: dict[tuple[str, tuple[int, ...]], list[Target]] = {}


def stated_targets(root: Path) -> list[Target]:
    """Every `| label | <comparator> number unit |` row of the inference spec and the evaluation
    report (read once per version of those files: the app asks on every keystroke)."""
    key = (str(root), _stamp(root))
    if key not in _TARGETS:
        _TARGETS.clear()
        _TARGETS[key] = _read_targets(root)
    return _TARGETS[key]


def _read_targets(root: Path) -> list[Target]:
    targets: list[Target] = []
    for relative in (INFERENCE_SPEC, EVALUATION_REPORT):
        for number, line in enumerate(_read(root, relative), 1):
            match = ROW_RE.match(line.strip())
            if not match:
                continue
            label, _comparator, value, unit = match.groups()
            amount = float(value.replace(",", ""))
            unit = (unit or "").strip()
            if unit == "%":
                amount, unit = amount / 100, "ratio"
            elif unit == "ms":
                amount, unit = amount / 1000, "s"
            elif unit in ("sec", "seconds"):
                unit = "s"
            targets.append(Target(label.strip().strip("*"), amount, unit, f"{relative}:{number}"))
    return targets


def _find(targets: list[Target], *words: str, unit: str | None = None) -> Target | None:
    for target in targets:
        label = target.label.lower()
        if all(w in label for w in words) and (unit is None or target.unit == unit):
            return target
    return None


def threshold_suggestion(root: Path, rule: AlertRule) -> Suggestion | None:
    """A threshold for `rule` the project's earlier phases state, or None."""
    targets = stated_targets(root)
    if rule.metric == "latency_p99":
        target = _find(targets, "p99", unit="s")
        if target:
            return Suggestion(
                format_number(target.value),
                target.source,
                f"the stated P99 latency target ({format_number(target.value)} s): alert when it is breached",
            )
    if rule.metric == "quality_score":
        target = _find(targets, "faithfulness", unit="") or _find(targets, "answer relevance", unit="")
        if target and 0 < target.value <= 1:
            return Suggestion(
                format_number(target.value),
                target.source,
                f"the {target.label.lower()} bar the quality gate was passed on ({format_number(target.value)})",
            )
    if rule.metric == "empty_retrieval_rate":
        target = _find(targets, "empty retrieval", unit="ratio")
        if target:
            return Suggestion(
                format_number(target.value),
                target.source,
                f"the empty-retrieval rate the evaluation required (< {format_number(target.value * 100)}%)",
            )
    if rule.metric == "error_rate":
        target = _find(targets, "error rate", unit="ratio")
        if target:
            return Suggestion(format_number(target.value), target.source, "the error-rate target the project states")
    return None


def component_suggestion(project: Any, kind: str) -> Suggestion | None:
    """The runbook's components (`kind` = "components") or dependencies from the earlier decisions."""
    from aiwf_tui.model.system import component_lines, dependency_lines, system_facts

    facts = system_facts(project)
    if kind == "components":
        lines, sources = component_lines(facts, project.name)
    else:
        lines, sources = dependency_lines(facts)
    if not sources:
        return None
    return Suggestion(
        "\n".join(lines), "sidecar.yaml " + ", ".join(sources), "the parts the earlier phases' decisions name"
    )


def decision_suggestion(plan: Any, decision: Any) -> Suggestion | None:
    """An operations decision's choice, from what its section already says (OP-001 to OP-005)."""
    m, d, al, inc, im = plan.monitoring, plan.drift, plan.alerting, plan.incident, plan.improvement
    options = list(decision.options)
    number = decision.id
    if number == "op-001" and m.tool.strip() and m.infrastructure.strip():
        return Suggestion(
            f"{m.tool.strip()} on {m.infrastructure.strip()}",
            "operations-plan.yaml monitoring",
            "the tool and infrastructure the Monitoring section names",
        )
    if number == "op-002":
        chosen = [a.approach for a in d.approaches if a.selected]
        if chosen:
            return Suggestion(
                ", ".join(chosen),
                "operations-plan.yaml drift.approaches",
                "the approaches selected in the Drift detection section",
            )
    if number == "op-003" and len(options) >= 2 and al.routing:
        paging = {c.name for c in al.channels if c.kind == "pagerduty"}
        pages = [sev for sev, names in al.routing.items() if paging & set(names)]
        if pages == ["critical"]:
            return Suggestion(
                options[1], "operations-plan.yaml alerting.routing", "only critical alerts route to a pager"
            )
        if pages and set(pages) == set(al.routing):
            return Suggestion(options[0], "operations-plan.yaml alerting.routing", "every severity routes to a pager")
    if number == "op-004" and inc.answer.strip() and inc.levels and options:
        return Suggestion(
            options[0],
            "operations-plan.yaml incident",
            "the Incident response section keeps P1-P4 levels and names who is on call",
        )
    if number == "op-005" and im.answer.strip() and im.loops and options:
        return Suggestion(
            options[0],
            "operations-plan.yaml improvement",
            "the Continuous improvement section keeps scheduled loops and triggers",
        )
    return None


def throughput_note(root: Path) -> str:
    """The stated throughput target as guidance (a capacity figure, never a floor to alert on)."""
    for relative in (INFERENCE_SPEC, EVALUATION_REPORT):
        for number, line in enumerate(_read(root, relative), 1):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if len(cells) >= 2 and "throughput" in cells[0].lower():
                return f"; the project states {cells[1]!r} ({relative}:{number}), a capacity target, not a floor"
    return ""


def band_suggestion(plan: Any, response: Any, edge: str) -> Suggestion | None:
    """An edge of a drift severity band the plan already implies: the severity a drift alert
    pages with begins at that alert's threshold (and the milder one ends there); the scale's
    own ends are 0 and 1."""
    from aiwf_tui.model.plan import DRIFT_SEVERITY_ORDER

    severity = response.severity.strip().lower()
    if severity not in DRIFT_SEVERITY_ORDER:
        return None
    rank = DRIFT_SEVERITY_ORDER.index(severity)
    if edge == "score_from" and rank == 0:
        return Suggestion(
            "0", "the drift score's scale (0-1)", "the mildest severity starts at the bottom of the scale"
        )
    if edge == "score_to" and rank == len(DRIFT_SEVERITY_ORDER) - 1:
        return Suggestion("1", "the drift score's scale (0-1)", "the gravest severity runs to the top of the scale")
    wanted = severity if edge == "score_from" else DRIFT_SEVERITY_ORDER[rank + 1]
    for rule in plan.alerting.rules:
        drift_alert = rule.metric == "drift_score" and rule.comparator in (">", ">=")
        if drift_alert and rule.threshold is not None and rule.severity.strip().lower() == wanted:
            value = format_number(rule.threshold)
            reasoning = (
                f"alert {rule.name!r} fires at drift_score {rule.comparator} {value} with severity {rule.severity}: "
                + ("the band begins where it fires" if edge == "score_from" else "the milder band ends there")
            )
            return Suggestion(value, f"{PLAN_FILE}: alert {rule.name!r}", reasoning)
    return None
