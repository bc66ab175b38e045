"""Golden files: every artifact of the demo project (the Prometheus files and the completion
summary included), rendered with every section confirmed on a fixed date, byte for byte.

They are syrupy snapshots, one file per artifact, in tests/__snapshots__/test_render_golden/.
After a deliberate change, review the diff, then `pytest tests/test_render_golden.py --snapshot-update`.
"""

from __future__ import annotations

from functools import cache

import pytest
from syrupy.extensions.single_file import SingleFileSnapshotExtension

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan_io import load_plan
from aiwf_tui.render.artifacts import check_artifacts, render_all
from aiwf_tui.render.summary import render_summary
from tests.helpers import DEMO_DIR, TODAY
from tests.render_helpers import ready

SUMMARY = "completion-summary.md"


class GoldenFile(SingleFileSnapshotExtension):
    """One artifact per snapshot file, compared as bytes (UTF-8, LF: what aiwf writes)."""

    _file_extension = "golden"


@cache
def rendered() -> dict[str, str]:
    """Every artifact of the demo (relative path -> text), and the completion summary."""
    project = load_project(DEMO_DIR)
    plan_path = DEMO_DIR / PLAN_FILE
    plan = ready(load_plan(plan_path, DEMO_DIR) if plan_path.is_file() else new_plan(project), project)
    files = render_all(project, plan, TODAY)
    assert check_artifacts(project, plan, files) == []
    return {**files, SUMMARY: render_summary(project, plan, list(files))}


def test_the_artifact_set(snapshot):
    assert sorted(rendered()) == snapshot


@pytest.mark.parametrize("rel", sorted(rendered()), ids=lambda rel: rel.replace("/", "--"))
def test_demo_artifact(rel, snapshot):
    assert rendered()[rel].encode("utf-8") == snapshot(extension_class=GoldenFile)
