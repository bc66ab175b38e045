"""The verbatim rule: whatever the engineer types (quotes, colons, `#`, newlines, unicode,
Jinja and Rich look-alikes) comes out exactly - never evaluated, never mangled. In Markdown
"exactly" means as `block_safe` writes it: a line that would open block structure gets its
first character backslash-escaped, which a Markdown viewer shows as that character."""

from __future__ import annotations

from functools import cache

import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aiwf_tui.markdown import block_safe, list_item
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import Component
from aiwf_tui.render.alerts_config import render_alerts_config, render_alerts_template
from aiwf_tui.render.decision_log import render_decision_log
from aiwf_tui.render.markdown import link, md_cell
from aiwf_tui.render.runbook import render_runbook
from aiwf_tui.render.sidecar_update import render_sidecar
from aiwf_tui.render.spec_section import render_spec
from tests.helpers import FIXTURES, examples
from tests.render_helpers import confirmed

HAZARDS = [
    "{{ 7*7 }}",
    "{% raw %}",
    "{% endraw %}",
    "[bold]",
    "[/]",
    '"quoted"',
    "'single'",
    "key: value",
    "# not a comment",
    "a\nb",
    "§ Ünïcödé 日本語 🚀",
    "| pipe |",
    "`tick`",
    "{#anchor}",
    "\\",
    "- item",
    "${VAR}",
    "&amp;",
    "<b>",
    "*star*",
    "null",
    "yes",
    "0x1F",
    "1e3",
    "~",
]

text = st.one_of(
    st.sampled_from(HAZARDS),
    st.lists(
        st.one_of(
            st.sampled_from(HAZARDS),
            st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=12),
            st.sampled_from(["\n", " ", ":", "#", '"', "'"]),
        ),
        min_size=1,
        max_size=6,
    ).map("".join),
)


@cache
def _project(name: str):
    # Read-only use: the renderers never write.
    return load_project(FIXTURES / name)


def _plan(project):
    return confirmed(new_plan(project))


def _visible(value: str) -> bool:
    return bool(value.strip())


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=text, description=text, target=text, url=text)
def test_alert_yaml_values_parse_back_exactly(name, description, target, url):
    project = _project("support-rag-bot")
    plan = _plan(project)
    plan.alerting.rules[1].name = name
    plan.alerting.rules[1].description = description
    plan.alerting.channels[1].target = target  # slack
    url = "https://wiki.example.com/" + url  # a runbook URL is a URL; what follows the host is anything
    plan.alerts_config.runbook_url = url
    template = yaml.safe_load(render_alerts_template(project, plan))
    config = yaml.safe_load(render_alerts_config(project, plan))
    for data in (template, config):
        rule = data["availability"][1]
        assert rule["name"] == name
        assert rule.get("description", "") == description
    if _visible(target):
        assert config["defaults"]["notification_channels"]["medium"] == [f"slack:{target}"]
    if _visible(url):
        assert config["availability"][1]["runbook_url"] == f"{url}#error-rate-high"


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(choice=text, rationale=text, ref=text)
def test_sidecar_decisions_parse_back_exactly(choice, rationale, ref):
    project = _project("contract-finetune")
    plan = _plan(project)
    d = plan.decisions.decisions[0]
    d.choice, d.rationale, d.knowledge_ref = choice, rationale, ref
    data = yaml.safe_load(render_sidecar(project, plan, "2026-03-10"))
    op = next(x for x in data["decisions"] if x["id"] == "op-001")
    assert (op["choice"], op["rationale"], op["knowledge_ref"]) == (choice, rationale, ref)


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(infra=text, answer=text, component=text, contact=text, dashboard=text, panel=text)
def test_markdown_artifacts_keep_user_text_verbatim(infra, answer, component, contact, dashboard, panel):
    assume(all(_visible(v) for v in (infra, answer, component, contact, dashboard)))
    project = _project("contract-finetune")
    plan = _plan(project)
    plan.monitoring.infrastructure = infra
    plan.improvement.answer = answer
    plan.runbook.components = [Component(name="API", purpose=component)]
    plan.runbook.contacts[0].name = contact
    dashboard = "https://dash.example.com/" + dashboard
    plan.runbook.dashboard_url = dashboard
    plan.runbook.dashboard_panels = [panel]
    safe = block_safe
    spec = render_spec(project, plan)
    assert f"**Infrastructure:** {safe(infra)}\n" in spec
    assert f"\n{safe(answer)}\n" in spec
    runbook = render_runbook(project, plan)
    assert f"- API: {block_safe(component, '  ')}\n" in runbook
    assert f"| On-Call | {md_cell(contact)} |" in runbook
    assert f"**Location:** {link(dashboard)}\n" in runbook
    assert f"{list_item(panel)}\n" in runbook


@settings(max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(choice=text, context=text, option=text)
def test_decision_log_keeps_user_text_verbatim(choice, context, option):
    assume(_visible(choice) and _visible(context))
    for name in ("support-rag-bot", "contract-finetune"):
        project = _project(name)
        plan = _plan(project)
        d = plan.decisions.decisions[1]
        d.choice, d.context, d.options = choice, context, [option]
        log = render_decision_log(project, plan, "2026-03-10")
        assert f"**Decision:** {block_safe(choice)}\n" in log
        assert block_safe(context) in log
        assert f"{list_item(option, '1.')}\n" in log
