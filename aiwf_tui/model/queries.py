"""The final menu's "any other comments or queries": a helpful answer, then the menu again.

The step file's menu handling says: for anything other than S/D/E/X, help the user
respond, then redisplay the menu. Answers are built from the project and the plan
(the alert or decision the query names, what is still open, where files are, how to
export), never invented.
"""

from __future__ import annotations

import re
from typing import Any

MENU_HINT = "Select an option: [S] summary, [D] decisions, [E] export, [X] exit."

#: (words in the query, the answer) in the order they are tried.
TOPICS: tuple[tuple[tuple[str, ...], str], ...] = (
    (
        ("export", "share", "zip", "tar", "archive"),
        (
            "Press E (or run `aiwf export PROJECT_DIR`) for a .tar.gz or .zip with a MANIFEST.sha256; "
            "`aiwf export PROJECT_DIR --format prometheus -o DIR` copies only the Prometheus and Alertmanager files."
        ),
    ),
    (
        ("alert", "threshold", "prometheus", "promtool", "alertmanager", "amtool"),
        (
            "The alert rules are in phase-5-operations/prometheus/ (alert-rules.yml, alertmanager.yml and their tests); "
            "`aiwf validate PROJECT_DIR` runs promtool and amtool on them. Thresholds and durations are in the Alerting section."
        ),
    ),
    (
        ("runbook", "incident", "on-call", "oncall", "escalat"),
        "The runbook is phase-5-operations/runbook.md; every alert's runbook_url points at one of its sections.",
    ),
    (
        ("decision", "adr", "why"),
        "Press D to review every decision (earlier phases are locked; OP-00N are this phase's).",
    ),
    (("spec", "summary"), "Press S to read project-spec.md, including its Phase 5: Operations section."),
    (
        ("change", "edit", "reopen", "modify", "fix"),
        "Press r on this menu (review mode) to reopen Phase 5; files stay as they are until you write again.",
    ),
)


#: Words too common to tell one alert or decision from another.
_COMMON = frozenset(
    [
        "the",
        "and",
        "for",
        "what",
        "why",
        "how",
        "who",
        "when",
        "which",
        "does",
        "did",
        "our",
        "your",
        "this",
        "that",
        "with",
        "from",
        "are",
        "was",
        "were",
        "is",
        "it",
        "to",
        "of",
        "in",
        "on",
        "a",
        "an",
        "do",
        "we",
        "be",
        "at",
        "by",
        "or",
        "if",
        "as",
    ]
)


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9]+", text.lower()) if len(w) > 1 and w not in _COMMON}


def _alert_fact(rule: Any) -> str:
    from aiwf_tui.model.plan import format_number

    if rule.threshold is None:
        condition = f"{rule.metric} {rule.comparator} (threshold still open)"
    else:
        condition = (
            rule.condition if rule.promql else f"{rule.metric} {rule.comparator} {format_number(rule.threshold)}"
        )
    held = f" for {rule.duration}" if rule.duration else " (duration still open)"
    channels = f", to {', '.join(rule.channels)}" if rule.channels else ""
    return (
        f"Alert {rule.name!r}: {condition}{held}, severity {rule.severity}{channels}; runbook.md#{rule.runbook_anchor}."
    )


def _decision_fact(decision: Any) -> str:
    choice = decision.choice or "(not chosen yet)"
    rationale = " ".join(decision.rationale.split())
    why = f" Why: {rationale.rstrip('.')}." if rationale else ""
    return f"{decision.id.upper()} {decision.title}: {choice}.{why}"


def project_facts(project: Any, plan: Any, query: str) -> list[str]:
    """The alerts and decisions a query names (by the words they share), best match first."""
    asked = _words(query)
    if not asked:
        return []
    scored: list[tuple[int, int, str]] = []
    candidates: list[tuple[set[str], str]] = []
    if plan is not None:
        candidates += [(_words(f"alert {r.name} {r.metric} {r.category}"), _alert_fact(r)) for r in plan.alerting.rules]
        candidates += [
            (_words(f"decision {d.id} {d.title} {d.choice}"), _decision_fact(d)) for d in plan.decisions.decisions
        ]
    if project is not None:
        for d in project.earlier_decisions:
            candidates.append((_words(f"decision {d.id} {d.title} {d.choice}"), _decision_fact(d)))
    for order, (words, fact) in enumerate(candidates):
        shared = len(asked & words)
        if shared:
            scored.append((-shared, order, fact))
    scored.sort()
    if not scored:
        return []
    best = scored[0][0]
    return [fact for score, _order, fact in scored if score == best][:3]


def answer_query(project: Any, plan: Any, text: str) -> str:
    """A short answer to a free-text comment or query on the final menu, ending with the menu."""
    from aiwf_tui.model.todo import open_items

    query = " ".join(text.lower().split())
    if not query:
        return MENU_HINT
    parts: list[str] = []
    items = open_items(project, plan) if plan is not None else []
    if items and any(
        w in query for w in ("todo", "to do", "to-do", "open", "missing", "left", "complete", "done", "finish")
    ):
        parts.append(
            f"{len(items)} answer{'s are' if len(items) != 1 else ' is'} still open, first: "
            f"{items[0].section_title}: {items[0].question} (`aiwf todo PROJECT_DIR` lists them all)."
        )
    parts += project_facts(project, plan, query)
    for words, answer in TOPICS:
        if any(w in query for w in words):
            parts.append(answer)
    if not parts:
        parts.append(
            "Noted. For anything about the design, the specs of phases 0-4 and decision-log.md hold the "
            "locked decisions; Phase 5's answers are in phase-5-operations/operations-plan.yaml."
        )
    parts.append(MENU_HINT)
    return " ".join(parts)
