"""Every answer Phase 5 still needs from the engineer, from one function.

`open_items(project, plan)` is the to-do list: `aiwf todo`, `aiwf plan --set`,
`aiwf render`'s refusal, the app's sidebar, Project files and final menu all count
and show these items, so no screen can say "done" while a file would still carry a
`_To do_` marker or a `{{PLACEHOLDER}}`. Each item has a stable `path` into the plan
(`runbook.contacts[0].name`, `alerting.rules[2].threshold`); `apply_answer` sets it
from text with the same parsing and validation messages as the app's editor.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from aiwf_tui.model.edit import EditError, set_field
from aiwf_tui.model.plan import (
    DURATION_RE,
    SECTIONS,
    Component,
    Dependency,
    OperationsPlan,
    check_email,
    check_url,
)
from aiwf_tui.model.suggest import (
    Suggestion,
    band_suggestion,
    component_suggestion,
    decision_suggestion,
    threshold_suggestion,
    throughput_note,
)

KINDS: tuple[str, ...] = ("text", "lines", "url", "email", "number", "duration", "choice", "bool")
SECTION_TITLES = dict(SECTIONS)


@dataclass(frozen=True)
class OpenItem:
    """One answer still missing: where it goes, the question the app shows, how it is typed."""

    path: str
    section: str  # the plan section key (`runbook`), as `--confirm` takes it
    question: str
    kind: str
    choices: tuple[str, ...] = ()
    suggestion: Suggestion | None = None
    guidance: str = ""

    @property
    def section_title(self) -> str:
        return SECTION_TITLES.get(self.section, self.section)

    def as_json(self) -> dict[str, Any]:
        """The item as `aiwf todo --json` and `aiwf plan --json` print it: every key always present."""
        suggestion = self.suggestion
        return {
            "path": self.path,
            "section": self.section,
            "question": self.question,
            "kind": self.kind,
            "choices": list(self.choices) if self.kind == "choice" else [],
            "suggestion": suggestion.value if suggestion is not None else None,
            "source": suggestion.source if suggestion is not None else None,
            "reasoning": suggestion.reasoning if suggestion is not None else None,
            "guidance": self.guidance,
        }

    def line(self) -> str:
        """One line for a terminal: section, question, path, and the suggestion if any."""
        text = f"{self.section_title}: {self.question} [{self.path}]"
        if self.suggestion is not None:
            text += f" (suggested: {self.suggestion.value}, from {self.suggestion.source})"
        return text


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (isinstance(value, list) and not value)


def open_branch(step: str) -> bool:
    """A resolution step like `If LLM provider issue: ` with nothing after the colon."""
    return ":" in step and not step.split(":", 1)[1].strip()


def used_channels(plan: OperationsPlan) -> list[str]:
    """Channels some alert or severity route sends to (only their targets reach an artifact)."""
    names = [n for names in plan.alerting.routing.values() for n in names]
    names += [n for rule in plan.alerting.rules for n in rule.channels]
    return list(dict.fromkeys(names))


CHANNEL_KIND = {"email": "email", "webhook": "url", "msteams": "url", "slack": "text", "pagerduty": "text"}
CHANNEL_HINT = {
    "email": "the e-mail address",
    "webhook": "the webhook URL",
    "msteams": "the Teams webhook URL",
    "slack": "the Slack channel, like #ml-alerts",
    "pagerduty": "the PagerDuty service",
}


def open_items(project: Any, plan: OperationsPlan) -> list[OpenItem]:
    """Every answer still open, in workflow order (the one to-do list of aiwf)."""
    items: list[OpenItem] = []

    def add(path: str, section: str, question: str, kind: str = "text", **extra: Any) -> None:
        items.append(OpenItem(path, section, question, kind, **extra))

    m = plan.monitoring
    if _blank(m.infrastructure):
        add("monitoring.infrastructure", "monitoring", "What monitoring infrastructure do you have?")
    if _blank(m.critical_metrics):
        add("monitoring.critical_metrics", "monitoring", "What metrics are most critical for your use case?")
    if _blank(m.tool):
        add("monitoring.tool", "monitoring", "Which monitoring tool will you use?")

    d = plan.drift
    if _blank(d.change_pace):
        add("drift.change_pace", "drift", "How quickly do you expect your data/domain to change?")
    if _blank(d.approach_answer):
        add("drift.approach_answer", "drift", "What drift detection approach fits your resources?")
    if d.approaches and not any(a.selected for a in d.approaches):
        add(
            "drift.approaches",
            "drift",
            "Which detection approaches will you use? (one or more, comma separated)",
            "choice",
            choices=tuple(a.approach for a in d.approaches),
        )

    for i, response in enumerate(d.responses):
        for edge, word in (("score_from", "begin"), ("score_to", "end")):
            if getattr(response, edge) is None:
                add(
                    f"drift.responses[{i}].{edge}",
                    "drift",
                    f"Drift severity {response.severity}: at which drift score (0-1) does it {word}?",
                    "number",
                    suggestion=band_suggestion(plan, response, edge),
                    guidance="on your drift method's 0-1 score; bands must not overlap, and graver severities sit higher",
                )

    al = plan.alerting
    if _blank(al.channels_answer):
        add("alerting.channels_answer", "alerting", "What alerting channels do you use?")
    if _blank(al.notify_answer):
        add("alerting.notify_answer", "alerting", "Who should be notified for different severity levels?")
    used = set(used_channels(plan))
    for i, channel in enumerate(al.channels):
        if channel.name in used and _blank(channel.target):
            add(
                f"alerting.channels[{i}].target",
                "alerting",
                f"Channel {channel.name} ({channel.kind}): {CHANNEL_HINT.get(channel.kind, 'its target')}?",
                CHANNEL_KIND.get(channel.kind, "text"),
            )
    root = getattr(project, "root", None)
    for i, rule in enumerate(al.rules):
        if rule.threshold is None or rule.duration is None:
            # Here, not at the top: with every rule answered (`aiwf render`), neither the
            # defaults nor the system facts they read are imported (~2 ms).
            from aiwf_tui.model.defaults import THRESHOLD_GUIDANCE, WORKFLOW_DURATION, WORKFLOW_TEMPLATE_SOURCE
        if rule.threshold is None:
            guidance = THRESHOLD_GUIDANCE.get(rule.name, "")
            if rule.metric == "throughput" and root is not None:
                guidance += throughput_note(root)
            add(
                f"alerting.rules[{i}].threshold",
                "alerting",
                f"Alert {rule.name!r}: fire when {rule.metric} {rule.comparator} what?",
                "number",
                suggestion=threshold_suggestion(root, rule) if root is not None else None,
                guidance=guidance,
            )
        if rule.duration is None:
            workflow = WORKFLOW_DURATION.get(rule.name)
            add(
                f"alerting.rules[{i}].duration",
                "alerting",
                f"Alert {rule.name!r}: for how long must the condition hold before it fires?",
                "duration",
                suggestion=Suggestion(workflow, WORKFLOW_TEMPLATE_SOURCE, f"the workflow's duration for {rule.name!r}")
                if workflow
                else None,
                guidance="a Prometheus duration such as 1m, 5m, 1h",
            )

    if _blank(plan.incident.answer):
        add("incident.answer", "incident", "Who is on call, and how does escalation work?")

    _runbook_items(project, plan, add)

    if _blank(plan.alerts_config.runbook_url):
        add(
            "alerts_config.runbook_url",
            "alerts_config",
            "Where will the runbook be published (RUNBOOK_URL, the address alert links start with)?",
            "url",
        )
    if _blank(plan.improvement.answer):
        add("improvement.answer", "improvement", "How do you want to structure continuous improvement?")

    for i, decision in enumerate(plan.decisions.decisions):
        where, label = f"decisions.decisions[{i}]", f"{decision.id.upper()} ({decision.title})"
        if _blank(decision.choice):
            add(
                f"{where}.choice",
                "decisions",
                f"{label}: which option do you choose?",
                "choice",
                choices=tuple(decision.options),
                suggestion=decision_suggestion(plan, decision),
            )
        if _blank(decision.context):
            add(f"{where}.context", "decisions", f"{label}: why is this decision needed?")
        if _blank(decision.rationale):
            add(f"{where}.rationale", "decisions", f"{label}: why this option?")
        if _blank(decision.knowledge_ref):
            add(f"{where}.knowledge_ref", "decisions", f"{label}: which knowledge query informed it?")
        if _blank(decision.consequences):
            add(f"{where}.consequences", "decisions", f"{label}: what follows from it? (one per line)", "lines")
    return items


def _runbook_items(project: Any, plan: OperationsPlan, add: Any) -> None:
    rb = plan.runbook
    has_project = project is not None and hasattr(project, "earlier_decisions")
    for key, whole, detail, ask in (
        ("components", "Key components, one per line as 'Name: purpose'", "purpose", "What is {} for?"),
        (
            "dependencies",
            "Dependencies, one per line as 'Name: what breaks if it is unavailable'",
            "impact",
            "What breaks if {} is unavailable?",
        ),
    ):
        rows = getattr(rb, key)
        if not rows:
            suggestion = component_suggestion(project, key) if has_project else None
            add(f"runbook.{key}", "runbook", whole, "lines", suggestion=suggestion)
        for i, row in enumerate(rows):
            if _blank(getattr(row, detail)):
                add(f"runbook.{key}[{i}].{detail}", "runbook", ask.format(row.name))
    for field, question in (
        ("health_endpoint", "Health endpoint"),
        ("health_expected", "Expected health response"),
        ("health_frequency", "Health check frequency"),
    ):
        if _blank(getattr(rb, field)):
            add(f"runbook.{field}", "runbook", f"{question}?")
    for i, hc in enumerate(rb.health_checks):
        if _blank(hc.check):
            add(f"runbook.health_checks[{i}].check", "runbook", f"How is {hc.component} health checked?")
        if _blank(hc.expected):
            add(f"runbook.health_checks[{i}].expected", "runbook", f"What is {hc.component}'s expected healthy state?")
    linked = {rule.runbook_anchor for rule in plan.alerting.rules}
    for i, issue in enumerate(rb.issues):
        where, title = f"runbook.issues[{i}]", issue.title
        if not issue.symptoms and issue.anchor not in linked:
            add(f"{where}.symptoms", "runbook", f"{title}: symptoms (one per line)", "lines")
        if not issue.diagnosis:
            add(f"{where}.diagnosis", "runbook", f"{title}: diagnosis steps (one per line)", "lines")
        if not issue.resolution:
            add(f"{where}.resolution", "runbook", f"{title}: resolution steps (one per line)", "lines")
        for j, step in enumerate(issue.resolution):
            if open_branch(step):
                add(
                    f"{where}.resolution[{j}]",
                    "runbook",
                    f"{title}: {step.split(':', 1)[0].strip()}, what are the steps?",
                )
        if _blank(issue.escalation):
            add(f"{where}.escalation", "runbook", f"{title}: who is it escalated to, and after how long?")
    if _blank(rb.full_rollback_when):
        add("runbook.full_rollback_when", "runbook", "When is a full rollback used?")
    if not rb.full_rollback_steps:
        add("runbook.full_rollback_steps", "runbook", "Full rollback steps (one per line)", "lines")
    if _blank(rb.flag_rollback_when):
        add("runbook.flag_rollback_when", "runbook", "When is a feature flag disabled?")
    if _blank(rb.flag_rollback_command):
        add("runbook.flag_rollback_command", "runbook", "Command that disables a feature flag?")
    if _blank(rb.maintenance_notice):
        add("runbook.maintenance_notice", "runbook", "How long before maintenance are users notified (e.g. 24 hours)?")
    if plan.architecture != "fine-tuning":
        if _blank(rb.index_rebuild_when):
            add("runbook.index_rebuild_when", "runbook", "When must the index be rebuilt?")
        if not rb.index_rebuild_steps:
            add("runbook.index_rebuild_steps", "runbook", "Index rebuilding steps (one per line)", "lines")
    for i, contact in enumerate(rb.contacts):
        if _blank(contact.name):
            add(f"runbook.contacts[{i}].name", "runbook", f"Contacts: who is {contact.role}?")
        if _blank(contact.contact):
            add(f"runbook.contacts[{i}].contact", "runbook", f"Contacts: how is {contact.role} reached?")
    for i, command in enumerate(rb.commands):
        if _blank(command.command):
            add(f"runbook.commands[{i}].command", "runbook", f"Command to {command.purpose.lower()}?")
    if not rb.dashboard_panels:
        add("runbook.dashboard_panels", "runbook", "Key dashboard panels (one per line)", "lines")


# -- answering -----------------------------------------------------------------------------
_TOKEN_RE = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?$")


def _resolve(plan: OperationsPlan, path: str) -> tuple[Any, str, int | None]:
    """(owner object, field name, list index or None) that `path` names; KeyError if it names nothing."""
    tokens = path.split(".")
    obj: Any = plan
    for n, token in enumerate(tokens):
        match = _TOKEN_RE.match(token)
        if not match or not isinstance(obj, BaseModel) or match.group(1) not in type(obj).model_fields:
            raise KeyError(path)
        name, index = match.group(1), match.group(2)
        if n == len(tokens) - 1:
            return obj, name, int(index) if index is not None else None
        obj = getattr(obj, name)
        if index is not None:
            if not isinstance(obj, list) or int(index) >= len(obj):
                raise KeyError(path)
            obj = obj[int(index)]
    raise KeyError(path)


def _pairs(text: str, cls: type[BaseModel], second: str) -> list[BaseModel]:
    rows = []
    for line in text.splitlines():
        if not line.strip():
            continue
        name, _, rest = line.partition(":")
        if not name.strip() or not rest.strip():
            raise EditError(f"write each line as 'Name: {second}' ({line.strip()!r} has no ':')")
        rows.append(cls(**{"name": name.strip(), second: rest.strip()}))
    if not rows:
        raise EditError("give at least one line")
    return rows


def _check_kind(kind: str, text: str) -> str:
    value = text.strip()
    try:
        if kind == "url":
            check_url(value)
        elif kind == "email":
            check_email(value)
    except ValueError as exc:
        raise EditError(str(exc)) from None
    if kind == "duration" and not DURATION_RE.match(value):
        raise EditError("a duration is a number and a unit, like 30s, 5m, 1h or 1h30m")
    if kind in ("text", "lines", "choice") and not value:
        raise EditError("an answer is needed (the field is empty)")
    return value


def apply_answer(project: Any, plan: OperationsPlan, path: str, text: str) -> None:
    """Set the answer at `path` from typed text (a list: one entry per line).

    Raises `EditError` with the app's message when the text does not fit, `KeyError` when
    `path` names nothing in the plan. Setting an answer makes its section a draft again.
    """
    kinds = {item.path: item for item in open_items(project, plan)}
    item = kinds.get(path)
    kind = item.kind if item else None
    owner, field, index = _resolve(plan, path)
    if kind:
        _check_kind(kind, text)
    section = path.split(".", 1)[0]
    if path == "drift.approaches":
        names = [p.strip().lower() for p in text.split(",") if p.strip()]
        known = {a.approach.lower(): a for a in plan.drift.approaches}
        unknown = [n for n in names if n not in known]
        if unknown or not names:
            raise EditError(f"one or more of: {', '.join(a.approach for a in plan.drift.approaches)}")
        for approach in plan.drift.approaches:
            approach.selected = approach.approach.lower() in names
    elif field == "components" and index is None:
        owner.components = _pairs(text, Component, "purpose")
    elif field == "dependencies" and index is None:
        owner.dependencies = _pairs(text, Dependency, "impact")
    elif index is not None:
        values = list(getattr(owner, field))
        if not isinstance(values, list) or index >= len(values) or not isinstance(values[index], str):
            raise KeyError(path)
        prefix = values[index].split(":", 1)[0].strip() if ":" in values[index] else ""
        answer = " ".join(text.split())
        if not answer:
            raise EditError("an answer is needed (the field is empty)")
        if prefix and not answer.lower().startswith(prefix.lower()):
            answer = f"{prefix}: {answer}"
        values[index] = answer
        setattr(owner, field, values)
    elif kind == "choice" and field == "choice" and text.strip().isdigit():
        options = list(owner.options)
        number = int(text.strip())
        if not 1 <= number <= len(options):
            raise EditError(f"a number from 1 to {len(options)}, or the option's text")
        owner.choice = options[number - 1]
    else:
        try:
            set_field(owner, field, text)
        except ValidationError as exc:  # pragma: no cover - set_field turns these into EditError
            raise EditError(str(exc)) from None
    plan.section(section).status = "draft"


def confirm_refusal(project: Any, plan: OperationsPlan, section: str) -> list[OpenItem]:
    """The open items that stop `section` (or every section, for `all`) from being confirmed."""
    return [item for item in open_items(project, plan) if section == "all" or item.section == section]


def confirm(project: Any, plan: OperationsPlan, section: str) -> list[OpenItem]:
    """Confirm `section` (a plan key, or `all`) unless it has open items; returns them (empty: confirmed)."""
    keys = [key for key, _ in SECTIONS] if section == "all" else [section]
    blocking = confirm_refusal(project, plan, section)
    if not blocking:
        for key in keys:
            plan.section(key).status = "confirmed"
    return blocking


def section_key(text: str) -> str | None:
    """A section named by key (`alerts_config`), dashed key, or title (`Alerts config`); `all` is kept."""
    wanted = text.strip().lower().replace("-", "_").replace(" ", "_")
    if wanted == "all":
        return "all"
    for key, title in SECTIONS:
        if wanted in (key, title.lower().replace(" ", "_")):
            return key
    return None


__all__ = ["KINDS", "OpenItem", "Suggestion", "apply_answer", "confirm", "confirm_refusal", "open_items", "section_key"]
