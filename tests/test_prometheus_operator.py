"""prometheusrule.yaml: a PrometheusRule the Prometheus Operator accepts (checked against the
CRD's own OpenAPI schema) carrying exactly the rule groups of alert-rules.yml."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import pytest

from aiwf_tui.layout import PROMETHEUS_RULE_FILE, RULES_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import KubernetesPlan
from aiwf_tui.model.yamlio import load_plain
from aiwf_tui.render.prometheus import prometheus_artifacts
from tests.render_helpers import answer_all

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
CRD = HERE / "schemas" / "monitoring.coreos.com_prometheusrules.yaml"


def validate(resource: dict) -> None:
    """Validate as the API server would (OpenAPI v3 schemas are close to JSON Schema draft 7).
    The schema itself is not checked against the metaschema: its patterns are Go (RE2) regular
    expressions and one, `^(?i)(abort|warn)?$` (partial_response_strategy, which aiwf does not
    write), is not a Python one."""
    jsonschema.Draft7Validator(crd_schema()).validate(resource)


def crd_schema() -> dict:
    crd = load_plain(CRD.read_text(encoding="utf-8"), CRD.name)
    (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1"]
    return version["schema"]["openAPIV3Schema"]


def rendered(fixture: str, **kubernetes: str) -> dict[str, str]:
    project = load_project(FIXTURES / fixture)
    plan = answer_all(new_plan(project), project)
    if kubernetes:
        plan.kubernetes = KubernetesPlan(**kubernetes)
    return prometheus_artifacts(project, plan)


@pytest.mark.parametrize("fixture", ["support-rag-bot", "blocked-nogo", "contract-finetune"])
def test_prometheus_rule_validates_against_the_crd_and_matches_the_rule_file(fixture):
    files = rendered(fixture)
    resource = load_plain(files[PROMETHEUS_RULE_FILE], PROMETHEUS_RULE_FILE)
    validate(resource)
    assert resource["apiVersion"] == "monitoring.coreos.com/v1" and resource["kind"] == "PrometheusRule"
    assert resource["metadata"]["namespace"] == "monitoring"
    assert resource["metadata"]["labels"]["release"] == "kube-prometheus-stack"
    assert resource["spec"]["groups"] == load_plain(files[RULES_FILE], RULES_FILE)["groups"]
    assert resource["spec"]["groups"], "the fixture has alert rules"


def test_the_schema_really_rejects_a_broken_resource():
    resource = load_plain(rendered("support-rag-bot")[PROMETHEUS_RULE_FILE], PROMETHEUS_RULE_FILE)
    resource["spec"]["groups"][0]["rules"][0]["expr"] = {"not": "a string"}
    with pytest.raises(jsonschema.ValidationError):
        validate(resource)


def test_namespace_and_release_come_from_the_plan():
    files = rendered("support-rag-bot", namespace="observability", release="prometheus")
    meta = load_plain(files[PROMETHEUS_RULE_FILE], PROMETHEUS_RULE_FILE)["metadata"]
    assert (meta["namespace"], meta["labels"]["release"]) == ("observability", "prometheus")
    assert len(meta["name"]) <= 63 and meta["name"].endswith("-alert-rules")


@pytest.mark.parametrize(
    ("field", "value"), [("namespace", "Monitoring"), ("namespace", "a\nb"), ("release", '{"x": 1}'), ("release", "")]
)
def test_a_namespace_or_release_kubernetes_would_refuse_is_refused_with_the_fix(field, value):
    with pytest.raises(ValueError, match=r"e\.g\."):
        KubernetesPlan(**{field: value})
