"""Each artifact parses back to what the plan says, in the right place, exactly once."""

from __future__ import annotations

import re

import pytest
import yaml
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import ALERTS_CONFIG_FILE, ALERTS_TEMPLATE_FILE, RUNBOOK_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.decision_log import parse_decision_log
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.publish import write_artifacts
from aiwf_tui.render.alerts_config import (
    PLACEHOLDERS,
    config_data,
    placeholder_values,
    render_alerts_config,
    render_alerts_template,
    template_data,
)
from aiwf_tui.render.artifacts import check_artifacts, render_all, runbook_anchors
from aiwf_tui.render.decision_log import render_decision_log
from aiwf_tui.render.environment import environment
from aiwf_tui.render.markdown import md_cell
from aiwf_tui.render.runbook import render_runbook
from aiwf_tui.render.sidecar_update import render_sidecar
from aiwf_tui.render.spec_section import render_spec
from aiwf_tui.render.summary import key_decisions, render_summary
from tests.helpers import tree_hashes
from tests.render_helpers import answer_all, confirmed

DAY1, DAY2 = "2026-03-10", "2026-03-11"


@pytest.fixture(params=["support-rag-bot", "contract-finetune"])
def project_root(request, fixture_copy):
    return fixture_copy(request.param)


def _filled(project):
    plan = answer_all(new_plan(project), project)
    for d in plan.decisions.decisions:
        d.choice = f"Choice for {d.id}"
        d.rationale = f"Rationale for {d.id}"
        d.consequences = ["One consequence"]
    ch = {c.name: c for c in plan.alerting.channels}
    ch["pagerduty"].target = "ml-oncall"
    ch["slack"].target = "#ml-alerts"
    ch["email"].target = "ml-team@example.com"
    plan.alerts_config.runbook_url = "https://wiki.example.com/runbook"
    return plan


def test_environment_is_sandboxed_strict_and_keeps_trailing_newline():
    env = environment()
    assert isinstance(env, SandboxedEnvironment)
    assert env.undefined is StrictUndefined
    assert env.autoescape is False and env.keep_trailing_newline is True


def test_md_cell_escapes_pipes_and_newlines():
    assert md_cell("a | b") == "a \\| b"
    assert md_cell("one\ntwo") == "one<br>two"
    assert md_cell("plain") == "plain"


def test_alerts_yaml_parses_back_to_expected_data(project_root):
    project = load_project(project_root)
    plan = _filled(project)
    template = yaml.safe_load(render_alerts_template(project, plan))
    config = yaml.safe_load(render_alerts_config(project, plan))
    assert template == template_data(project, plan)
    assert config == config_data(project, plan)
    assert template["defaults"]["notification_channels"]["high"] == ["{{SLACK_CHANNEL}}", "{{EMAIL_GROUP}}"]
    assert config["defaults"]["notification_channels"]["critical"] == ["pagerduty:ml-oncall"]
    assert config["defaults"]["notification_channels"]["high"] == ["slack:#ml-alerts", "email:ml-team@example.com"]
    high_error = next(r for r in template["availability"] if r["name"] == "High Error Rate")
    assert high_error["condition"] == "error_rate > {{ERROR_THRESHOLD}}"
    assert high_error["runbook_url"] == "{{RUNBOOK_URL}}#error-rate-high"
    high_error = next(r for r in config["availability"] if r["name"] == "High Error Rate")
    assert high_error["condition"] == "error_rate > 0.05"
    assert high_error["runbook_url"] == "https://wiki.example.com/runbook#error-rate-high"
    assert ("rag" in template) == project.retrieves
    text = render_alerts_template(project, plan)
    assert "# Decision reference: See decision-log.md#OP-003" in text
    values = placeholder_values(plan)
    assert set(PLACEHOLDERS) <= set(values)
    assert values["ERROR_THRESHOLD"] == "0.05" and values["SLACK_CHANNEL"] == "#ml-alerts"


def test_unfilled_config_keeps_visible_placeholders(project_root):
    project = load_project(project_root)
    plan = confirmed(new_plan(project))
    text = render_alerts_config(project, plan)
    unresolved = next(line for line in text.splitlines() if line.startswith("# To do: still unresolved: "))
    for name in ("EMAIL_GROUP", "PAGERDUTY_CHANNEL", "RUNBOOK_URL", "SLACK_CHANNEL", "ERROR_THRESHOLD", "MIN_QUALITY"):
        assert name in unresolved
    assert "HIGH_ERROR_RATE_DURATION" in unresolved
    assert yaml.safe_load(text)["availability"][0]["runbook_url"] == "{{RUNBOOK_URL}}#service-down"


def test_runbook_sections_and_anchors(project_root):
    project = load_project(project_root)
    plan = _filled(project)
    text = render_runbook(project, plan)
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## System Overview",
        "## Health Checks",
        "## Common Issues and Resolutions",
        "## Rollback Procedures",
        "## Maintenance Procedures",
        "## Contacts",
        "## Appendix",
    ]
    anchors = runbook_anchors(text)
    assert {i.anchor for i in plan.runbook.issues} <= anchors
    assert set(plan.anchors_needed()) <= anchors
    for issue in plan.runbook.issues:
        assert text.count(f'<a id="{issue.anchor}"></a>\n\n### {issue.title}\n') == 1
    assert "{#" not in text  # GitHub and GitLab ignore heading attributes: links would not land
    assert ("### Index Rebuilding" in text) == project.retrieves
    assert "_To do:_ " not in text
    assert "_To do:_ " in render_runbook(project, new_plan(project))  # open answers are visible
    assert "```bash" in text and "### Key Metrics Dashboard" in text


def test_decision_log_entries_once_in_layout_and_rerender_replaces(project_root):
    project = load_project(project_root)
    plan = _filled(project)
    text = render_decision_log(project, plan, DAY1)
    log = parse_decision_log(text)
    ops = [e for e in log.entries if e.id.startswith("OP-")]
    assert [e.id for e in ops] == ["OP-001", "OP-002", "OP-003", "OP-004", "OP-005"]
    non_ops = [e for e in log.entries if not e.id.startswith("OP-")]
    assert ops[0].start > non_ops[-1].start  # after the last earlier decision
    if log.layout == "phased":
        assert all(e.level == 3 for e in ops)
        assert log.phase5_heading < ops[0].start and ops[-1].end <= log.phase5_end
        assert "*Operations decisions will be added here*" not in text
        assert text.count("| OP-001 | 5 | Choice for op-001 | 2026-03-10 |") == 1
        assert text.index("| OP-005 |") < text.index("## Knowledge Queries Made")
        assert ops[0].fields["Rationale"] == "Rationale for op-001"
    else:
        assert all(e.level == 2 for e in ops)
        assert ops[0].fields["Choice Rationale"] == "Rationale for op-001"
    assert ops[0].fields["Phase"] == "5 - Operations" and ops[0].fields["Date"] == DAY1
    # Written, reloaded, re-rendered another day: identical (dates kept).
    (project_root / "decision-log.md").write_text(text, encoding="utf-8")
    project = load_project(project_root)
    assert render_decision_log(project, plan, DAY2) == text
    # A changed plan replaces its own entries: no second copy, dropped ones gone.
    plan.decisions.decisions[0].choice = "Changed choice"
    plan.decisions.decisions = plan.decisions.decisions[:4]
    changed = render_decision_log(project, plan, DAY2)
    log2 = parse_decision_log(changed)
    ids = [e.id for e in log2.entries if e.id.startswith("OP-")]
    assert ids == ["OP-001", "OP-002", "OP-003", "OP-004"]
    by = log2.by_id()
    assert by["op-001"].fields["Decision"] == "Changed choice" and by["op-001"].fields["Date"] == DAY2
    assert by["op-002"].fields["Date"] == DAY1
    assert "OP-005" not in changed
    assert len(changed.splitlines()) < len(text.splitlines())


def test_decision_log_already_complete_replaces_existing_ops(fixture_copy):
    root = fixture_copy("already-complete")
    project = load_project(root)
    plan = _filled(project)
    text = render_decision_log(project, plan, DAY1)
    ids = [e.id for e in parse_decision_log(text).entries if e.id.startswith("OP-")]
    assert ids == ["OP-001", "OP-002", "OP-003", "OP-004", "OP-005"]
    assert "Langfuse" not in text.split("## OP-001")[1]


def test_sidecar_update_keeps_comments_and_loads(project_root):
    project = load_project(project_root)
    plan = _filled(project)
    text = render_sidecar(project, plan, DAY1)
    original_comments = [line.strip() for line in project.sidecar_text.splitlines() if line.strip().startswith("#")]
    new_comments = [line.strip() for line in text.splitlines() if line.strip().startswith("#")]
    assert new_comments == original_comments
    data = yaml.safe_load(text)
    assert data["currentPhase"] == 5
    assert data["stepsCompleted"] == [1, 2, 3, 4, 5, 6, 7]
    assert data["workflow_status"] == "complete" and data["completed_date"] == DAY1
    assert data["phases"]["phase_5_operations"] == "complete"
    ops = [d for d in data["decisions"] if d["id"].startswith("op-")]
    assert [d["id"] for d in ops] == ["op-001", "op-002", "op-003", "op-004", "op-005"]
    assert ops[0]["choice"] == "Choice for op-001"
    dated = "phase" in data["decisions"][0]
    assert ("phase" in ops[0] and ops[0]["date"] == DAY1) == dated
    (project_root / "sidecar.yaml").write_text(text, encoding="utf-8")
    project = load_project(project_root)
    assert project.phase5_complete
    assert [d.id for d in project.decisions if d.phase == 5] == [d["id"] for d in ops]
    # Another day, same plan: not a byte changes.
    assert render_sidecar(project, plan, DAY2) == text
    # A changed plan: replaced, never duplicated.
    plan.decisions.decisions[1].choice = "New drift approach"
    again = yaml.safe_load(render_sidecar(project, plan, DAY2))
    ops2 = [d for d in again["decisions"] if d["id"].startswith("op-")]
    assert len(ops2) == 5 and ops2[1]["choice"] == "New drift approach"


def test_spec_has_exactly_one_operations_section(project_root):
    project = load_project(project_root)
    plan = _filled(project)
    text = render_spec(project, plan)
    assert len(re.findall(r"^## Phase 5: Operations$", text, re.M)) == 1
    assert "*To be completed in Phase 5*" not in text
    for sub in (
        "### Monitoring",
        "### Drift Detection",
        "### Alerting",
        "### Incident Response",
        "### Continuous Improvement",
    ):
        assert text.count(sub) == 1
    assert text.count("**Full Runbook:** See `phase-5-operations/runbook.md`") == 1
    if "## Decision Summary" in project.spec_text:
        assert text.index("## Phase 5: Operations") < text.index("## Decision Summary")
        assert text.rstrip().endswith("*Generated by AI Engineering Workflow v1.0*")
    (project_root / "project-spec.md").write_text(text, encoding="utf-8")
    assert render_spec(load_project(project_root), plan) == text


def test_spec_append_goes_before_footer(fixture_copy):
    root = fixture_copy("support-rag-bot")
    spec = root / "project-spec.md"
    spec.write_text(spec.read_text() + "\n*Generated by AI Engineering Workflow v1.0*\n")
    project = load_project(root)
    text = render_spec(project, _filled(project))
    assert text.index("## Phase 5: Operations") < text.index("*Generated by")
    assert text.endswith("*Generated by AI Engineering Workflow v1.0*\n")


def test_summary_key_decisions_and_statuses(fixture_copy):
    project = load_project(fixture_copy("support-rag-bot"))
    plan = _filled(project)
    ids = [d["id"] for d in key_decisions(project, plan)]
    assert ids == ["ARCH-001", "FP-004", "IP-004", "EV-002", "OP-001", "OP-002"]
    text = render_summary(project, plan)
    assert "| Phase 2: Training | `spec.md` + config template | ⏭️ Skipped |" in text
    assert "**Quality Gate:** GO" in text
    project = load_project(fixture_copy("contract-finetune"))
    ids = [d["id"] for d in key_decisions(project, _filled(project))]
    assert len(ids) == 7 and ids[2] == "TP-003"
    text = render_summary(project, _filled(project))
    assert "CONDITIONAL" in text and "Indemnification clause recall" in text


def test_check_artifacts_and_write_artifacts(fixture_copy):
    root = fixture_copy("contract-finetune")
    project = load_project(root)
    plan = _filled(project)
    files = render_all(project, plan, DAY1)
    assert check_artifacts(project, plan, files) == []
    broken = dict(files)
    broken[ALERTS_CONFIG_FILE] = "a: [unclosed\n"
    broken[RUNBOOK_FILE] = files[RUNBOOK_FILE].replace('<a id="latency-high"></a>', "")
    problems = check_artifacts(project, plan, broken)
    assert {p.path for p in problems} == {ALERTS_CONFIG_FILE, RUNBOOK_FILE}
    # Drafts refuse, naming the sections.
    draft = plan.model_copy(deep=True)
    draft.runbook.status = "draft"
    before = tree_hashes(root)
    with pytest.raises(AiwfError) as info:
        write_artifacts(project, draft, DAY1)
    assert "Runbook" in str(info.value)
    assert tree_hashes(root) == before
    written = write_artifacts(project, plan, DAY1)
    assert {p.relative_to(root).as_posix() for p in written} == set(files)
    assert (root / ALERTS_TEMPLATE_FILE).read_text() == files[ALERTS_TEMPLATE_FILE]
    assert write_artifacts(load_project(root), plan, DAY2) == []
