"""Complete means answered (issue 14): one to-do list, headless answering, refusals, drafts.

The acceptance runs the way an engineer would, through the CLI, on a RAG, a fine-tuning
and a hybrid project: `aiwf todo --json`, `aiwf plan --set` of every item, `--confirm
all`, `aiwf render`, then no marker or placeholder anywhere, Phase 5 complete, and
promtool and amtool pass on the result.
"""

from __future__ import annotations

import json
import re
import shutil

import pytest

from aiwf_tui.layout import DECISION_LOG, OPERATIONS_DIR, PLAN_FILE, PROJECT_SPEC, SIDECAR
from aiwf_tui.model import load_project
from aiwf_tui.model.plan_io import load_plan
from tests.helpers import aiwf_in_process, tree_hashes
from tests.render_helpers import sample_answer

#: What an unanswered value looks like in a written file.
MARKERS = re.compile(r"_To do|To do:|\{\{[A-Z0-9_]+\}\}|\.invalid\b|\[(?:Name|Contact|command|steps|Step \d)\]")
#: The workflow's template is a template: its `{{PLACEHOLDER}}`s are the point of it.
TEMPLATE = f"{OPERATIONS_DIR}/templates/alerts-config.template.yaml"


def fine_tuning_project(fixture_copy):
    """The fine-tuning fixture with a passed gate (the only fine-tuning fixture is NO-GO)."""
    root = fixture_copy("blocked-nogo")
    sidecar = root / SIDECAR
    sidecar.write_text(
        sidecar.read_text(encoding="utf-8").replace('decision: "no-go"', 'decision: "go"'), encoding="utf-8"
    )
    return root


@pytest.fixture(params=["support-rag-bot", "fine-tuning", "contract-finetune"])
def project_root(request, fixture_copy):
    if request.param == "fine-tuning":
        return fine_tuning_project(fixture_copy)
    return fixture_copy(request.param)


def answer_for(item: dict, plan) -> str:
    """`sample_answer` for an open item as `aiwf todo --json` prints it."""
    from types import SimpleNamespace

    suggestion = None if item["suggestion"] is None else SimpleNamespace(value=item["suggestion"])
    return sample_answer(SimpleNamespace(**{**item, "suggestion": suggestion}), plan)


def markers_in(root) -> dict[str, list[str]]:
    """Every marker or placeholder line in a file aiwf writes (the template excepted)."""
    found: dict[str, list[str]] = {}
    paths = [root / SIDECAR, root / DECISION_LOG, root / PROJECT_SPEC]
    paths += [p for p in (root / OPERATIONS_DIR).rglob("*") if p.is_file() and p.name != "operations-plan.yaml"]
    for path in paths:
        rel = str(path.relative_to(root))
        if rel == TEMPLATE:
            continue
        hits = [line for line in path.read_text(encoding="utf-8").splitlines() if MARKERS.search(line)]
        if hits:
            found[rel] = hits
    return found


def test_confirm_without_answers_is_refused_and_changes_nothing(project_root):
    assert aiwf_in_process("plan", project_root).returncode == 0
    before = tree_hashes(project_root)
    result = aiwf_in_process("plan", project_root, "--confirm", "all")
    assert result.returncode == 1
    assert "cannot confirm Phase 5" in result.stderr and "[runbook.contacts[0].name]" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree_hashes(project_root) == before
    one = aiwf_in_process("plan", project_root, "--confirm", "runbook")
    assert one.returncode == 1 and "[runbook." in one.stderr and "[alerting." not in one.stderr
    rendered = aiwf_in_process("render", project_root)
    assert rendered.returncode == 1 and "still open" in rendered.stderr
    assert tree_hashes(project_root) == before


@pytest.mark.slow
def test_answer_every_item_confirm_and_render_leaves_no_marker(project_root):
    assert aiwf_in_process("plan", project_root).returncode == 0
    listed = aiwf_in_process("todo", project_root, "--json")
    assert listed.returncode == 1
    items = json.loads(listed.stdout)["open"]
    assert items and all({"path", "section", "question", "kind"} <= set(i) for i in items)
    assert all(i["kind"] in {"text", "lines", "url", "email", "number", "duration", "choice", "bool"} for i in items)
    assert all((i["suggestion"] is None) == (i["source"] is None) for i in items)
    plan = load_plan(project_root / PLAN_FILE, project_root)
    args = [arg for item in items for arg in ("--set", f"{item['path']}={answer_for(item, plan)}")]
    answered = aiwf_in_process("plan", project_root, *args, "--confirm", "all")
    assert answered.returncode == 0, answered.stderr
    assert aiwf_in_process("todo", project_root).returncode == 0
    rendered = aiwf_in_process("render", project_root)
    assert rendered.returncode == 0, rendered.stderr
    assert "Workflow Complete" in rendered.stdout
    assert markers_in(project_root) == {}
    assert load_project(project_root).phase5_complete
    if shutil.which("promtool") and shutil.which("amtool"):
        validated = aiwf_in_process("validate", project_root)
        assert validated.returncode == 0, validated.stdout + validated.stderr


def test_draft_render_writes_markers_and_leaves_the_record_alone(fixture_copy):
    root = fixture_copy("support-rag-bot")
    assert aiwf_in_process("plan", root).returncode == 0
    record = {rel: (root / rel).read_bytes() for rel in (SIDECAR, DECISION_LOG, PROJECT_SPEC)}
    result = aiwf_in_process("render", root, "--draft")
    assert result.returncode == 0, result.stderr
    assert "still open" in result.stderr
    found = markers_in(root)
    assert f"{OPERATIONS_DIR}/runbook.md" in found and f"{OPERATIONS_DIR}/alerts-config.yaml" in found
    assert {rel: (root / rel).read_bytes() for rel in record} == record
    assert not load_project(root).phase5_complete


def test_each_open_item_is_a_marker_that_answering_removes(fixture_copy):
    """The list undercounts nothing and lists nothing that is not missing: answering any
    single item removes at least one marker from the files, and answering all removes all."""
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.todo import apply_answer, open_items
    from aiwf_tui.render.artifacts import render_all

    root = fixture_copy("contract-finetune")
    project = load_project(root)
    plan = new_plan(project)

    def count(p) -> int:
        files = render_all(project, p, "2026-01-01")
        return sum(len(MARKERS.findall(text)) for rel, text in files.items() if rel != TEMPLATE)

    baseline = count(plan)
    items = open_items(project, plan)
    assert len(items) > 50
    for item in items:
        one = plan.model_copy(deep=True)
        apply_answer(project, one, item.path, sample_answer(item, one))
        assert count(one) < baseline, f"answering {item.path} removed no marker"


def test_set_reports_bad_values_with_the_apps_message_and_changes_nothing(fixture_copy):
    root = fixture_copy("support-rag-bot")
    assert aiwf_in_process("plan", root).returncode == 0
    before = tree_hashes(root)
    plan = load_plan(root / PLAN_FILE, root)
    duration = next(i for i, r in enumerate(plan.alerting.rules) if r.duration is None)
    cases = {
        f"alerting.rules[{duration}].duration=five": "a duration is a number and a unit",
        "alerting.rules[1].threshold=lots": "a number",
        "alerts_config.runbook_url=wiki": "a URL starting with https://",
        "alerting.channels[2].target=someone@example.invalid": "reserved placeholder",
        "runbook.nonsense=1": "no such answer",
        "runbook.components=just a name": "'Name: purpose'",
    }
    for answer, message in cases.items():
        result = aiwf_in_process("plan", root, "--set", "monitoring.infrastructure=Prometheus", "--set", answer)
        assert result.returncode == 1, answer
        assert message in result.stderr and "nothing was changed" in result.stderr, result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
    assert tree_hashes(root) == before


def test_thresholds_are_suggested_only_from_what_the_project_states(fixture_copy):
    root = fixture_copy("support-rag-bot")
    listed = json.loads(aiwf_in_process("todo", root, "--json").stdout)["open"]
    by_path = {i["path"]: i for i in listed}
    plan = load_plan  # noqa: F841 - the prefilled plan is what todo lists without a saved plan
    from aiwf_tui.model.defaults import new_plan

    rules = new_plan(load_project(root)).alerting.rules
    index = {r.metric: i for i, r in enumerate(rules)}
    latency = by_path[f"alerting.rules[{index['latency_p99']}].threshold"]
    assert latency["suggestion"] == "6" and latency["source"] == "phase-3-inference/spec.md:73"
    quality = by_path[f"alerting.rules[{index['quality_score']}].threshold"]
    assert quality["suggestion"] == "0.9" and quality["source"].startswith("phase-4-evaluation/report.md:")
    for metric in ("error_rate", "throughput", "drift_score"):
        item = by_path[f"alerting.rules[{index[metric]}].threshold"]
        assert item["suggestion"] is None and item["guidance"]
    throughput = by_path[f"alerting.rules[{index['throughput']}].threshold"]
    assert "40 req/min" in throughput["guidance"] and "spec.md:74" in throughput["guidance"]
    definitions = ("up", "instance_up", "targets_absent")  # == 0 / == 1 define "down", not a choice
    assert all(r.threshold is None for r in rules if r.metric not in definitions)


def test_defaults_follow_what_the_earlier_decisions_say_the_system_has(fixture_copy):
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.todo import open_items
    from aiwf_tui.render.runbook import render_runbook

    # Self-hosted models (TGI; vLLM + pgvector), no response cache: no provider checks, no
    # cache commands, no token budget, no rag_* metrics without retrieval; a model server check.
    for name, retrieves in (("fine-tuning", False), ("contract-finetune", True)):
        root = fine_tuning_project(fixture_copy) if name == "fine-tuning" else fixture_copy(name)
        project = load_project(root)
        plan = new_plan(project)
        checks = [h.component for h in plan.runbook.health_checks]
        assert any(c.startswith("Model server (") for c in checks)
        assert not any("Cache" in c or "LLM Provider" in c for c in checks)
        assert not any("cache" in c.purpose.lower() for c in plan.runbook.commands)
        assert not any(r.category == "cost" for r in plan.alerting.rules)
        assert "LLM Provider Support" not in [c.role for c in plan.runbook.contacts]
        assert ("rag_retrievals_total" in render_runbook(project, plan)) == retrieves
        assert any(r.category == "security" and r.severity == "high" for r in plan.alerting.rules)
    # An external provider with a Redis cache: both appear, and the components are suggested
    # from the decisions that name them.
    root = fixture_copy("support-rag-bot")
    project = load_project(root)
    plan = new_plan(project)
    checks = [h.component for h in plan.runbook.health_checks]
    assert "Cache (Redis)" in checks and "LLM Provider (Anthropic)" in checks and "Vector DB (Qdrant)" in checks
    assert any(r.category == "cost" for r in plan.alerting.rules)
    components = next(i for i in open_items(project, plan) if i.path == "runbook.components")
    assert "Qdrant (vector DB)" in components.suggestion.value and "fp-003" in components.suggestion.source


def test_decision_choices_are_suggested_from_the_sections(fixture_copy):
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.todo import apply_answer, open_items

    root = fixture_copy("support-rag-bot")
    project = load_project(root)
    plan = new_plan(project)
    apply_answer(project, plan, "drift.approaches", "Embedding Similarity, Performance Monitoring")
    items = {i.path: i for i in open_items(project, plan)}
    drift = items["decisions.decisions[1].choice"]
    assert drift.suggestion.value == "Embedding Similarity, Performance Monitoring"
    assert drift.suggestion.source == "operations-plan.yaml drift.approaches"
    routing = items["decisions.decisions[2].choice"]  # only critical alerts page
    assert routing.suggestion.value.startswith("Page only on critical")


def test_every_runbook_link_lands_on_github_and_gitlab(fixture_copy):
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.render.markdown import anchors_in
    from aiwf_tui.render.runbook import render_runbook

    project = load_project(fixture_copy("contract-finetune"))
    plan = new_plan(project)
    text = render_runbook(project, plan)
    for flavor in ("github", "gitlab"):
        assert set(plan.anchors_needed()) <= anchors_in(text, flavor)
    assert "{#" not in text
    # The workflow's `{#id}` heading attribute would not land: GitHub keeps it in the slug.
    assert "error-rate-high" not in anchors_in("### High Error Rate {#error-rate-high}\n", "github")
