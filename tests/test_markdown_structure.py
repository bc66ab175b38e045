"""Markdown that stays put (issue 13): fences as CommonMark reads them, user text that can
never open block structure, renders that neither lose nor grow sections.

markdown-it-py (CommonMark, the parser Textual's Markdown widget uses) is the referee.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from aiwf_tui.markdown import block_safe, fenced_lines, heading_lines
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan_io import dump_plan
from aiwf_tui.publish import write_files
from aiwf_tui.render.artifacts import render_all
from tests.helpers import DEMO_DIR, FIXTURES, copy_project
from tests.render_helpers import ready

MD = MarkdownIt("commonmark").enable("table")
BLOCKS = (
    "heading_open",
    "hr",
    "fence",
    "html_block",
    "table_open",
    "bullet_list_open",
    "ordered_list_open",
    "blockquote_open",
)

#: Lines that open block structure somewhere in CommonMark/GFM.
STRUCTURE = [
    "# Heading {#service-down}",
    "## OP-009: Injected",
    "###### six",
    "---",
    "***",
    "___",
    "- - -",
    "===",
    "```",
    "````",
    "~~~",
    "``` python",
    "~~~~~ yaml",
    "<div>",
    "<!-- comment",
    "<script>x</script>",
    "> quote",
    "| a | b |",
    "|---|---|",
    "--|--",
    ":---|---:",
    "- item",
    "* item",
    "+ item",
    "1. one",
    "2) two",
    "[ref]: https://example.com",
    "**Date:** 1999-01-01",
    "**Full Runbook:** See `phase-5-operations/runbook.md`",
    "## Phase 5: Operations",
    "## Quick Reference",
    "   # indented heading",
    "\t- tabbed item",
]

line = st.one_of(
    st.sampled_from(STRUCTURE),
    st.text(st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r\x85\u2028\u2029"), max_size=15),
)
user_text = st.lists(line, min_size=1, max_size=4).map("\n".join)


def structure(text: str) -> list[tuple[str, str]]:
    """The block skeleton of a Markdown text: (token type, tag), headings with their level."""
    return [(t.type, t.tag) for t in MD.parse(text) if t.type in BLOCKS]


# -- reading: fences --------------------------------------------------------------------------------
FENCE_CASES = [
    "a\n```\n# x\n```\n# y",
    "a\n````\n```\n# x\n````\n# y",  # a longer fence around a shorter one
    "a\n~~~\n```\n# x\n~~~\n# y",
    "a\n```\n# x\n~~~\n# y",  # a tilde line does not close a backtick fence: runs to the end
    "a\n``` info `tick`\n# x\n# y",  # not a fence (backtick in the info string)
    "a\n   ```\n# x\n   ```\n# y",
    "a\n    ```\n# x\n    ```\n# y",  # indented code, not fences
    "a\n```\n# x\n``` not closing\n# y\n```",
    "a\n```` \n# x\n```\n# y\n`````\n# z",
]


@pytest.mark.parametrize("text", FENCE_CASES)
def test_headings_are_those_commonmark_sees(text):
    lines = text.split("\n")
    ours = [lines[i] for i, _ in heading_lines(lines)]
    tokens = MD.parse(text)
    theirs = [tokens[k + 1].content for k, t in enumerate(tokens) if t.type == "heading_open"]
    assert [h.lstrip("# ") for h in ours] == theirs
    fenced = fenced_lines(lines)
    assert len(fenced) == len(lines)


# -- writing: block_safe ------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(text=user_text)
def test_user_text_never_opens_block_structure(text):
    for before in ("**Context:** ", "**Context:**\n", "- ", "1. ", ""):
        rendered = before + block_safe(text)
        kinds = {t.type for t in MD.parse("Intro paragraph.\n\n" + rendered)}
        opened = kinds & set(BLOCKS) - ({"bullet_list_open"} if before == "- " else set()) - (
            {"ordered_list_open"} if before == "1. " else set()
        )
        assert not opened, (text, rendered, opened)


@pytest.mark.parametrize("text", STRUCTURE)
def test_escaped_text_reads_verbatim(text):
    html = MD.render("x\n" + block_safe(text))
    import html as html_lib

    shown = html_lib.unescape(
        html.replace("<p>", "").replace("</p>", "").replace("<code>", "`").replace("</code>", "`")
    )
    assert text.strip().replace("`", "") in shown.replace("`", "").replace("\n", " ") or "<" in text


# -- renders: nothing lost, nothing grows, headings fixed ----------------------------------------------
def _render_into(project_dir: Path, plan) -> dict[str, str]:
    project = load_project(project_dir)
    files = render_all(project, plan, "2026-03-10")
    write_files(project, files)
    return files


@pytest.mark.parametrize(
    "source,fence_text",
    [
        (FIXTURES / "contract-finetune", "see:\n```\nunbalanced"),
        (DEMO_DIR, "see:\n````\n```\nnested\n````\nand\n~~~\nopen"),
    ],
)
def test_a_fence_in_user_text_never_deletes_sections(tmp_path, source, fence_text):
    project_dir = copy_project(source, tmp_path)
    before = {line for i, line in _headings(project_dir / "decision-log.md")}
    plan = ready(new_plan(load_project(project_dir)))
    plan.decisions.decisions[0].rationale = fence_text
    plan.decisions.decisions[1].context = fence_text
    first = _render_into(project_dir, plan)
    second = _render_into(project_dir, plan)
    assert first == second
    after = {line for i, line in _headings(project_dir / "decision-log.md")}
    assert before <= after, before - after  # every earlier heading is still there
    plan.decisions.decisions[0].rationale = "fixed"
    _render_into(project_dir, plan)
    assert before <= {line for i, line in _headings(project_dir / "decision-log.md")}


def _headings(path: Path) -> list[tuple[int, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [(i, lines[i]) for i, _ in heading_lines(lines)]


def test_a_line_the_spec_updater_looks_for_does_not_make_the_spec_grow(tmp_path):
    project_dir = copy_project(DEMO_DIR, tmp_path)
    plan = ready(new_plan(load_project(project_dir)))
    plan.improvement.answer = "**Full Runbook:** See `phase-5-operations/runbook.md`\n## Phase 5: Operations\n---\nend"
    plan.incident.answer = "## Decision Summary\n**Full Runbook:** See `phase-5-operations/runbook.md`"
    sizes = []
    for _ in range(3):
        _render_into(project_dir, plan)
        sizes.append(len((project_dir / "project-spec.md").read_bytes()))
    assert sizes[0] == sizes[1] == sizes[2]


def test_an_anchor_in_user_text_defines_nothing(tmp_path):
    from aiwf_tui.render.artifacts import check_artifacts

    project = load_project(DEMO_DIR)
    plan = ready(new_plan(project))
    rule = plan.alerting.rules[0]
    issue = next(i for i in plan.runbook.issues if i.anchor == rule.runbook_anchor)
    plan.runbook.issues.remove(issue)
    plan.runbook.issues[0].escalation = f"# X {{#{rule.runbook_anchor}}}"
    plan.runbook.issues[0].title = f"Other {{#{rule.runbook_anchor}}}"
    files = render_all(project, plan, "2026-03-10")
    problems = check_artifacts(project, plan, files)
    assert any(rule.runbook_anchor in p.message for p in problems)


TEXT_FIELDS = (
    ("monitoring", "infrastructure"),
    ("monitoring", "critical_metrics"),
    ("drift", "change_pace"),
    ("alerting", "channels_answer"),
    ("incident", "answer"),
    ("improvement", "answer"),
    ("runbook", "full_rollback_when"),
    ("runbook", "escalation_default"),
)


def _fill(plan, text: str):
    plan = plan.model_copy(deep=True)
    for section, name in TEXT_FIELDS:
        target = getattr(plan, section, None)
        if target is not None and hasattr(target, name):
            setattr(target, name, text)
    for d in plan.decisions.decisions:
        d.choice = d.context = d.rationale = text
        d.options = [text, text]
        d.consequences = [text]
        d.title = text.replace("\n", " ") or "t"
    for issue in plan.runbook.issues:
        issue.symptoms = [text]
        issue.diagnosis = [text]
        issue.resolution = [text]
        issue.escalation = text
    for component in plan.runbook.components:
        component.purpose = text
    plan.runbook.dashboard_panels = [text]
    return plan


def _skeletons(files: dict[str, str]) -> dict[str, list]:
    return {rel: structure(text) for rel, text in files.items() if rel.endswith(".md")}


@pytest.fixture(scope="module")
def plain_skeletons(tmp_path_factory) -> dict[str, list]:
    """The Markdown structure of the demo rendered with plain words where the property puts
    user text: the same reference for every example, rendered once."""
    plain_dir = copy_project(DEMO_DIR, tmp_path_factory.mktemp("md-plain"))
    return _skeletons(_render_into(plain_dir, _fill(ready(new_plan(load_project(plain_dir))), "plain words")))


@pytest.mark.slow
@settings(
    max_examples=12,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example renders three projects
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@example(text="# Heading {#service-down}\n")
@example(text="\n[ref]: https://example.com\nx\n\n")
@example(text="see:\n```\nunbalanced\n\n## Quick Reference\n| a |\n|---|")
@given(text=user_text)
def test_two_renders_are_identical_and_headings_do_not_depend_on_user_text(tmp_path_factory, plain_skeletons, text):
    assume(text.strip())  # an empty answer is a to-do marker: another, known, structure
    hostile_dir = copy_project(DEMO_DIR, tmp_path_factory.mktemp("md"))
    hostile = _fill(ready(new_plan(load_project(hostile_dir))), text)
    (hostile_dir / "phase-5-operations" / "operations-plan.yaml").write_text(dump_plan(hostile), encoding="utf-8")
    first = _render_into(hostile_dir, hostile)
    second = _render_into(hostile_dir, hostile)
    assert first == second  # byte-identical: nothing moves, nothing grows
    assert _skeletons(first) == plain_skeletons
