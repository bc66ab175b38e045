"""alertmanager.yml: routes by severity to the plan's channels, a critical alert inhibits the
lesser ones of the same service and alert family (its `category`: a service that is down
silences its instance alerts, not its cost or quality alerts), secrets read from files; and alertmanager-routes.test.yml,
which receivers each severity must reach (`aiwf validate` checks them with
`amtool config routes test`)."""

from __future__ import annotations

from typing import Any

from aiwf_tui.layout import ALERTMANAGER_NAME
from aiwf_tui.model.plan import SEVERITIES, OperationsPlan
from aiwf_tui.model.yamlio import dump_yaml
from aiwf_tui.render.prometheus.common import SECRETS_DIR, alert_names, header, service_of, template_literal
from aiwf_tui.render.promql import label_value

#: PagerDuty Events v2 accepts only critical|error|warning|info.
PAGERDUTY_SEVERITY = (
    '{{ if eq .CommonLabels.severity "critical" }}critical'
    '{{ else if eq .CommonLabels.severity "high" }}error'
    '{{ else if eq .CommonLabels.severity "medium" }}warning'
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
            config: dict[str, Any] = {"routing_key_file": secret, "severity": PAGERDUTY_SEVERITY, "send_resolved": True}
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
            routes.append(({"severity": severity}, list(routing[severity])))
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
    config["inhibit_rules"] = [
        {
            "source_matchers": ['severity="critical"'],
            "target_matchers": [f'severity=~"{lesser}"'],
            "equal": ["service", "category"],
        }
    ]
    config["receivers"] = list(receivers.values())
    return config


def route_tests(plan: OperationsPlan) -> list[dict[str, Any]]:
    """Label sets and the receivers each must reach, for `amtool config routes test`."""
    service = service_of(plan)
    routes, root = routing_plan(plan)
    tests: list[dict[str, Any]] = []
    for matchers, names in routes:
        if "alertname" in matchers:
            rule = next(
                r for n, r in zip(alert_names(plan.alerting.rules), plan.alerting.rules) if n == matchers["alertname"]
            )
            labels = {"alertname": matchers["alertname"], "severity": rule.severity, "service": service}
        else:
            labels = {"severity": matchers["severity"], "service": service}
        tests.append({"labels": labels, "receivers": [receiver_name(names)]})
    routed = {m.get("severity") for m, _ in routes}
    for severity in SEVERITIES:
        if severity not in routed:
            tests.append({"labels": {"severity": severity, "service": service}, "receivers": [receiver_name(root)]})
    order = {s: i for i, s in enumerate(SEVERITIES)}
    tests.sort(key=lambda t: ("alertname" in t["labels"], order[t["labels"]["severity"]]))
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
