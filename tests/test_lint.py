"""Every Markdown file aiwf writes passes pymarkdownlnt (line length and inline HTML allowed),
every YAML file passes yamllint's relaxed rules: drafts and complete renders, RAG,
fine-tuning and hybrid. In decision-log.md and project-spec.md aiwf owns only what it adds,
so there the rule is: no finding the file did not have before."""

from __future__ import annotations

from collections import Counter

import pytest
from pymarkdown.api import PyMarkdownApi
from yamllint import linter
from yamllint.config import YamlLintConfig

from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan_io import dump_plan
from aiwf_tui.render.artifacts import render_all
from tests.render_helpers import answer_all
from tests.test_todo import fine_tuning_project

YAMLLINT = YamlLintConfig("extends: relaxed\nrules:\n  line-length: disable\n")


def markdown_findings(text: str) -> list[str]:
    api = (
        PyMarkdownApi()
        .disable_rule_by_identifier("md013")  # line length
        .disable_rule_by_identifier("md033")  # inline HTML (the runbook's <a id> anchors)
        .enable_extension_by_identifier("front-matter")
    )
    return [f"{f.line_number}: {f.rule_id} {f.rule_description}" for f in api.scan_string(text).scan_failures]


def yaml_findings(text: str) -> list[str]:
    return [f"{p.line}: {p.rule} {p.desc}" for p in linter.run(text, YAMLLINT) if p.level == "error"]


@pytest.fixture(params=["support-rag-bot", "fine-tuning", "contract-finetune"])
def project(request, fixture_copy):
    root = fine_tuning_project(fixture_copy) if request.param == "fine-tuning" else fixture_copy(request.param)
    return load_project(root)


@pytest.mark.parametrize("answered", [False, True], ids=["draft", "complete"])
def test_written_markdown_and_yaml_pass_the_linters(project, answered):
    plan = new_plan(project)
    if answered:
        plan = answer_all(plan, project)
    files = render_all(project, plan, "2026-01-01", draft=not answered)
    files["phase-5-operations/operations-plan.yaml"] = dump_plan(plan)
    assert any(rel.endswith(".md") for rel in files) and any(rel.endswith(".yml") for rel in files)
    for rel, text in files.items():
        if rel.endswith(".md"):
            before_path = project.root / rel
            before = (
                Counter(f.split(" ", 2)[1] for f in markdown_findings(before_path.read_text(encoding="utf-8")))
                if before_path.is_file() and rel != "phase-5-operations/runbook.md"
                else Counter()
            )
            found = markdown_findings(text)
            added = Counter(f.split(" ", 2)[1] for f in found) - before
            assert not added, f"{rel}: {[f for f in found if f.split(' ', 2)[1] in added]}"
        elif rel.endswith((".yaml", ".yml")):
            assert yaml_findings(text) == [], rel
