"""prometheusrule.yaml: the Prometheus Operator's `PrometheusRule` resource carrying the same
rule groups as alert-rules.yml, for clusters (kube-prometheus-stack) that load rules as
resources rather than files. Built from `rule_groups`, never by re-reading the rule file."""

from __future__ import annotations

import re
from typing import Any

from aiwf_tui.model.plan import OperationsPlan, slugify
from aiwf_tui.model.yamlio import dump_yaml
from aiwf_tui.render.prometheus.common import header

API_VERSION = "monitoring.coreos.com/v1"
KIND = "PrometheusRule"


def resource_name(project_name: str) -> str:
    """A DNS-1123 name from the project: lower-case words joined by '-', at most 63 characters."""
    name = re.sub(r"-+", "-", slugify(project_name))[:52].strip("-") or "aiwf"
    return f"{name}-alert-rules"


def prometheus_rule(project_name: str, plan: OperationsPlan, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """The PrometheusRule resource as data; `groups`: the plan's `rule_groups` (alert-rules.yml's)."""
    return {
        "apiVersion": API_VERSION,
        "kind": KIND,
        "metadata": {
            "name": resource_name(project_name),
            "namespace": plan.kubernetes.namespace,
            "labels": {"release": plan.kubernetes.release, "app.kubernetes.io/managed-by": "aiwf"},
        },
        "spec": {"groups": groups},
    }


def prometheus_rule_yaml(project_name: str, plan: OperationsPlan, groups: list[dict[str, Any]]) -> str:
    return header(project_name, plan) + dump_yaml(prometheus_rule(project_name, plan, groups))
