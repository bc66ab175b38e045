"""The alerts config, twice: the workflow's `{{PLACEHOLDER}}` template
(`templates/alerts-config.template.yaml`, step file section 8) and the same
structure filled with the plan's values (`alerts-config.yaml`).

YAML is emitted from data by the one emitter (`yamlio.dump_yaml`), never from string templates,
so whatever the engineer typed parses back exactly. Only the comment lines are
written as text, and they hold no user text.
"""

from __future__ import annotations

from typing import Any

from aiwf_tui.model.plan import ALERT_CATEGORIES, SEVERITIES, AlertRule, Channel, OperationsPlan, format_number
from aiwf_tui.model.project import Project
from aiwf_tui.model.yamlio import comment_text, dump_yaml

#: Placeholders of the workflow template, in its order.
PLACEHOLDERS: tuple[str, ...] = (
    "ERROR_THRESHOLD",
    "LATENCY_P99_THRESHOLD",
    "MIN_THROUGHPUT",
    "DRIFT_THRESHOLD",
    "MIN_QUALITY",
    "TOKEN_WARNING_THRESHOLD",
    "TOKEN_CRITICAL_THRESHOLD",
    "EMPTY_RETRIEVAL_THRESHOLD",
    "VECTOR_LATENCY_THRESHOLD",
    "PAGERDUTY_CHANNEL",
    "SLACK_CHANNEL",
    "EMAIL_GROUP",
    "RUNBOOK_URL",
)

#: Channel kind -> the template placeholder for the first channel of that kind.
KIND_PLACEHOLDER = {
    "pagerduty": "PAGERDUTY_CHANNEL",
    "slack": "SLACK_CHANNEL",
    "email": "EMAIL_GROUP",
    "msteams": "MSTEAMS_CHANNEL",
    "webhook": "WEBHOOK_URL",
}

#: (group key, comment) in the template's order.
GROUPS: tuple[tuple[str, str], ...] = (
    ("availability", "Availability Alerts"),
    ("performance", "Performance Alerts"),
    ("quality", "Quality Alerts"),
    ("cost", "Cost Alerts"),
    ("rag", "RAG-Specific Alerts (if applicable)"),
    ("security", "Security Alerts"),
)
assert {g for g, _ in GROUPS} == set(ALERT_CATEGORIES)


def _dump(data: Any) -> str:
    """Block style with indented sequences (as the workflow writes them)."""
    return dump_yaml(data, indent_sequences=True)


def _ph(name: str) -> str:
    return "{{" + name + "}}"


def channel_placeholders(plan: OperationsPlan) -> dict[str, str]:
    """Channel name -> its placeholder: the workflow's name for the first channel of a kind,
    `<NAME>_CHANNEL` for any other."""
    result: dict[str, str] = {}
    used: set[str] = set()
    for channel in plan.alerting.channels:
        name = KIND_PLACEHOLDER.get(channel.kind, "")
        if not name or name in used:
            name = channel.name.upper().replace("-", "_") + "_CHANNEL"
        used.add(name)
        result[channel.name] = name
    return result


def channel_value(channel: Channel, placeholder: str) -> str:
    """A channel as the filled config writes it: `kind:target` (placeholder while the target is empty)."""
    target = channel.target.strip()
    if not target:
        return _ph(placeholder)
    kind = "teams" if channel.kind == "msteams" else channel.kind
    return f"{kind}:{channel.target}"


def placeholder_values(plan: OperationsPlan) -> dict[str, str]:
    """Every template placeholder and the value the plan gives it ("" while not given)."""
    values = {name: "" for name in PLACEHOLDERS}
    for rule in plan.alerting.rules:
        if rule.placeholder and rule.threshold is not None:
            values[rule.placeholder] = format_number(rule.threshold)
    channels = {c.name: c for c in plan.alerting.channels}
    for name, placeholder in channel_placeholders(plan).items():
        values[placeholder] = channels[name].target
    values["RUNBOOK_URL"] = plan.alerts_config.runbook_url
    return values


def unresolved(plan: OperationsPlan) -> list[str]:
    """Placeholders the filled config still has to write as `{{PLACEHOLDER}}` (values not given)."""
    placeholders = channel_placeholders(plan)
    channels = {c.name: c for c in plan.alerting.channels}
    routed = {n for names in plan.alerting.routing.values() for n in names}
    missing = {placeholders[n] for n in routed if not channels[n].target.strip()}
    if not plan.alerts_config.runbook_url.strip():
        missing.add("RUNBOOK_URL")
    for rule in plan.alerting.rules:
        if rule.threshold is None:
            missing.add(rule.threshold_text.strip("{}"))
        if rule.duration is None:
            missing.add(rule.duration_text.strip("{}"))
    return sorted(missing)


def alerting_decision_id(plan: OperationsPlan) -> str | None:
    """The operations decision about alerting (title mentions alerts), else None."""
    for decision in plan.decisions.decisions:
        if "alert" in decision.title.lower():
            return decision.id.upper()
    return None


def _condition(rule: AlertRule, threshold: str) -> str:
    from aiwf_tui.render.runbook import alert_condition

    condition = alert_condition(rule)
    return condition.replace(rule.threshold_text, threshold) if threshold != rule.threshold_text else condition


def _rule(rule: AlertRule, template: bool, runbook_url: str) -> dict[str, Any]:
    if template and rule.placeholder:
        threshold = _ph(rule.placeholder)
    else:
        threshold = rule.threshold_text
    item: dict[str, Any] = {
        "name": rule.name,
        "condition": _condition(rule, threshold),
        "duration": rule.duration_text,
        "severity": rule.severity,
        **_channel(rule),
        "runbook_url": f"{runbook_url}#{rule.runbook_anchor}",
    }
    if rule.description:
        item["description"] = rule.description
    return item


def _channel(rule: AlertRule) -> dict[str, Any]:
    """Where this alert goes, as the workflow's 5C example writes it (`channel: pagerduty`),
    a list when it goes to several; nothing for an alert that only follows its severity."""
    if not rule.channels:
        return {}
    return {"channel": rule.channels[0]} if len(rule.channels) == 1 else {"channel": list(rule.channels)}


def _groups(
    project: Project, plan: OperationsPlan, template: bool, runbook_url: str
) -> list[tuple[str, str, list[dict[str, Any]]]]:
    groups = []
    for key, comment in GROUPS:
        rules = [_rule(r, template, runbook_url) for r in plan.alerting.rules if r.category == key]
        if rules or key in ("availability", "performance", "quality", "cost") or (key == "rag" and project.retrieves):
            groups.append((key, comment, rules))
    return groups


def _document(header: list[str], defaults: dict[str, Any], groups: list[tuple[str, str, list[dict[str, Any]]]]) -> str:
    parts = ["\n".join(f"# {comment_text(line)}" if comment_text(line) else "#" for line in header) + "\n"]
    parts.append("\n# Alert Defaults\n" + _dump({"defaults": defaults}))
    for key, comment, rules in groups:
        parts.append(f"\n# {comment}\n" + _dump({key: rules}))
    return "".join(parts)


def _header(plan: OperationsPlan, title: str) -> list[str]:
    lines = [title]
    decision = alerting_decision_id(plan)
    if decision:
        lines.append(f"Decision reference: See decision-log.md#{decision}")
    return lines


def template_data(project: Project, plan: OperationsPlan) -> dict[str, Any]:
    """The template as data (what `render_alerts_template` emits, without comments)."""
    return _data(project, plan, template=True)


def config_data(project: Project, plan: OperationsPlan) -> dict[str, Any]:
    """The filled config as data (what `render_alerts_config` emits, without comments)."""
    return _data(project, plan, template=False)


def _channels(plan: OperationsPlan, template: bool) -> dict[str, list[str]]:
    placeholders = channel_placeholders(plan)
    channels = {c.name: c for c in plan.alerting.channels}
    result: dict[str, list[str]] = {}
    for severity in SEVERITIES:
        names = plan.alerting.routing.get(severity, [])
        if template:
            result[severity] = [_ph(placeholders[n]) for n in names]
        else:
            result[severity] = [channel_value(channels[n], placeholders[n]) for n in names]
    return result


def _data(project: Project, plan: OperationsPlan, template: bool) -> dict[str, Any]:
    url = (
        _ph("RUNBOOK_URL") if template or not plan.alerts_config.runbook_url.strip() else plan.alerts_config.runbook_url
    )
    data: dict[str, Any] = {"defaults": {"notification_channels": _channels(plan, template)}}
    for key, _comment, rules in _groups(project, plan, template, url):
        data[key] = rules
    return data


def _render(project: Project, plan: OperationsPlan, template: bool, header: list[str]) -> str:
    data = _data(project, plan, template)
    defaults = data.pop("defaults")
    comments = dict(GROUPS)
    return _document(header, defaults, [(k, comments[k], v) for k, v in data.items()])


def render_alerts_template(project: Project, plan: OperationsPlan) -> str:
    """phase-5-operations/templates/alerts-config.template.yaml (pure)."""
    header = _header(plan, "Alerts Configuration")
    header.append("Template: replace each {{PLACEHOLDER}} (alerts-config.yaml is this file filled from the plan)")
    return _render(project, plan, True, header)


def render_alerts_config(project: Project, plan: OperationsPlan) -> str:
    """phase-5-operations/alerts-config.yaml: the template filled with the plan's values (pure)."""
    header = _header(plan, "Alerts Configuration")
    header.append(
        "Generated by aiwf from phase-5-operations/operations-plan.yaml; edit the plan, then run `aiwf render`"
    )
    missing = unresolved(plan)
    if missing:
        header.append("To do: still unresolved: " + ", ".join(missing))
    return _render(project, plan, False, header)
