"""alertmanager.yml: routes by severity to the plan's channels, a critical alert inhibits the
lesser ones of the same service and alert family (its `category`: a service that is down
silences its instance alerts, not its cost or quality alerts), secrets read from files; and alertmanager-routes.test.yml,
which receivers each severity must reach (`aiwf validate` checks them with
`amtool config routes test`)."""

from __future__ import annotations

from typing import Any

from aiwf_tui.layout import ALERTMANAGER_NAME
from aiwf_tui.model.plan import SEVERITIES, WARNING_SCHEME, OperationsPlan
from aiwf_tui.model.yamlio import dump_yaml
from aiwf_tui.render.prometheus.common import (
    SECRETS_DIR,
    alert_names,
    header,
    priority_label,
    service_of,
    template_literal,
)
from aiwf_tui.render.promql import label_value


def pagerduty_severity(label: str) -> str:
    """PagerDuty Events v2 accepts only critical|error|warning|info: the plan's level, mapped."""
    return (
        f'{{{{ if eq .CommonLabels.{label} "critical" }}}}critical'
        f'{{{{ else if eq .CommonLabels.{label} "high" }}}}error'
        f'{{{{ else if eq .CommonLabels.{label} "medium" }}}}warning'
        "{{ else }}info{{ end }}"
    )


def receiver_name(channels: list[str]) -> str:
    return "+".join(channels) if channels else "null"


def _receiver(plan: OperationsPlan, names: list[str]) -> dict[str, Any]:
    by_name = {c.name: c for c in plan.alerting.channels}
    receiver: dict[str, Any] = {"name": receiver_name(names)}
    for name in names:
        channel = by_name[name]
        secret = f"{SECRETS_DIR}/{name}"
        target = channel.target.strip()
        if channel.kind == "pagerduty":
            config: dict[str, Any] = {
                "routing_key_file": secret,
                "severity": pagerduty_severity(priority_label(plan)),
                "send_resolved": True,
            }
            if target:
                config["client"] = template_literal(f"Alertmanager ({target})")
            receiver.setdefault("pagerduty_configs", []).append(config)
        elif channel.kind == "slack":
            config = {"api_url_file": secret, "send_resolved": True}
            if target:
                config["channel"] = template_literal(target)
            receiver.setdefault("slack_configs", []).append(config)
        elif channel.kind == "email":
            receiver.setdefault("email_configs", []).append(
                {
                    "to": template_literal(target) if target else TODO_EMAIL,
                    "auth_username": EMAIL_FROM,
                    "auth_password_file": secret,
                    "send_resolved": True,
                }
            )
        else:  # webhook, msteams (Alertmanager 0.25 has no msteams receiver: use a bridge's webhook URL)
            receiver.setdefault("webhook_configs", []).append({"url": target or TODO_URL, "send_resolved": True})
    return receiver


#: The plan has no SMTP settings yet; a local relay is the one default that works unchanged.
EMAIL_SMARTHOST = "localhost:25"
EMAIL_FROM = "alertmanager@localhost"


#: Where a channel has no target yet (a to-do the plan lists), the config stays loadable with a
#: reserved, undeliverable address (RFC 2606 `.invalid`) rather than an invented real one.
TODO_EMAIL = "to-do@example.invalid"
TODO_URL = "http://to-do.invalid/"


def routing_plan(plan: OperationsPlan) -> tuple[list[tuple[dict[str, str], list[str]]], list[str]]:
    """([(matchers, channel names)] in route order, root channels). Rules whose own channels
    differ from their severity's route get a route of their own, first."""
    service = service_of(plan)
    routing = plan.alerting.routing
    routes: list[tuple[dict[str, str], list[str]]] = []
    for name, rule in zip(alert_names(plan.alerting.rules), plan.alerting.rules):
        if rule.channels and list(rule.channels) != list(routing.get(rule.severity, [])):
            routes.append(({"alertname": name, "service": service}, list(rule.channels)))
    for severity in SEVERITIES:
        if routing.get(severity):
            routes.append(({priority_label(plan): severity}, list(routing[severity])))
    root = next((list(routing[s]) for s in reversed(SEVERITIES) if routing.get(s)), [])
    return routes, root


def alertmanager_config(plan: OperationsPlan) -> dict[str, Any]:
    routes, root = routing_plan(plan)
    used = {n for _, names in routes for n in names} | set(root)
    receivers: dict[str, dict[str, Any]] = {}
    for names in [root] + [names for _, names in routes]:
        receivers.setdefault(receiver_name(names), _receiver(plan, names))
    lesser = "|".join(SEVERITIES[1:])
    config: dict[str, Any] = {}
    if any(c.kind == "email" and c.name in used for c in plan.alerting.channels):
        config["global"] = {"smtp_smarthost": EMAIL_SMARTHOST, "smtp_from": EMAIL_FROM}
    config["route"] = {
        "receiver": receiver_name(root),
        "group_by": ["alertname", "service"],
        "group_wait": "30s",
        "group_interval": "5m",
        "repeat_interval": "4h",
        "routes": [
            {"matchers": [f"{k}={label_value(v)}" for k, v in matchers.items()], "receiver": receiver_name(names)}
            for matchers, names in routes
        ],
    }
    label = priority_label(plan)
    config["inhibit_rules"] = [
        {
            "source_matchers": [f'{label}="critical"'],
            "target_matchers": [f'{label}=~"{lesser}"'],
            "equal": ["service", "category"],
        }
    ]
    config["receivers"] = list(receivers.values())
    return config


def route_tests(plan: OperationsPlan) -> list[dict[str, Any]]:
    """Label sets and the receivers each must reach, for `amtool config routes test`."""
    service = service_of(plan)
    label = priority_label(plan)
    routes, root = routing_plan(plan)

    def labels_for(severity: str, alertname: str | None = None) -> dict[str, str]:
        named = {"alertname": alertname} if alertname else {}
        if label == "priority":
            return {**named, "severity": WARNING_SCHEME[severity], "priority": severity, "service": service}
        return {**named, "severity": severity, "service": service}

    tests: list[dict[str, Any]] = []
    for matchers, names in routes:
        if "alertname" in matchers:
            rule = next(
                r for n, r in zip(alert_names(plan.alerting.rules), plan.alerting.rules) if n == matchers["alertname"]
            )
            labels = labels_for(rule.severity, matchers["alertname"])
        else:
            labels = labels_for(matchers[label])
        tests.append({"labels": labels, "receivers": [receiver_name(names)]})
    routed = {m.get(label) for m, _ in routes}
    for severity in SEVERITIES:
        if severity not in routed:
            tests.append({"labels": labels_for(severity), "receivers": [receiver_name(root)]})
    order = {s: i for i, s in enumerate(SEVERITIES)}
    tests.sort(key=lambda t: ("alertname" in t["labels"], order[t["labels"][label]]))
    return tests


def alertmanager_yaml(project_name: str, plan: OperationsPlan) -> str:
    head = header(project_name, plan)
    head += f"# Secrets are read from files under {SECRETS_DIR}/<channel name>; none are in this file.\n"
    return head + dump_yaml(alertmanager_config(plan))


def routes_test_yaml(project_name: str, plan: OperationsPlan) -> str:
    head = header(project_name, plan)
    head += "# `aiwf validate` runs, for each entry:\n"
    head += f"#   amtool config routes test --config.file={ALERTMANAGER_NAME} --verify.receivers=RECEIVERS LABELS\n"
    return head + dump_yaml({"tests": route_tests(plan)})
