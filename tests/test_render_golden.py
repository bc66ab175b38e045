"""Golden files: the demo project's artifacts, rendered with every section confirmed and a
fixed date. Regenerate with `AIWF_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_render_golden.py`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan_io import load_plan
from aiwf_tui.render.artifacts import check_artifacts, render_all
from aiwf_tui.render.summary import render_summary
from tests.render_helpers import ready

GOLDEN = Path(__file__).resolve().parent / "golden" / "demo"
TODAY = "2026-03-10"
SUMMARY = "completion-summary.md"


def _rendered(demo_dir: Path) -> dict[str, str]:
    project = load_project(demo_dir)
    plan_path = demo_dir / PLAN_FILE
    plan = load_plan(plan_path, demo_dir) if plan_path.is_file() else new_plan(project)
    plan = ready(plan)
    files = render_all(project, plan, TODAY)
    assert check_artifacts(project, plan, files) == []
    names = list(files)
    # Prometheus files have their own tests (another module renders them).
    files = {rel: text for rel, text in files.items() if "/prometheus/" not in rel}
    files[SUMMARY] = render_summary(project, plan, names)
    return files


def test_demo_golden_files(demo_dir):
    files = _rendered(demo_dir)
    if os.environ.get("AIWF_UPDATE_GOLDEN") == "1":
        for rel, text in files.items():
            path = GOLDEN / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
        pytest.skip("golden files regenerated")
    expected = {p.relative_to(GOLDEN).as_posix() for p in GOLDEN.rglob("*") if p.is_file()}
    assert expected == set(files), "rendered file set differs; AIWF_UPDATE_GOLDEN=1 regenerates"
    for rel, text in files.items():
        assert text == (GOLDEN / rel).read_bytes().decode("utf-8"), f"{rel} differs from its golden file"
