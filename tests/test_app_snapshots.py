"""Snapshot tests of every screen (120x40) and of the welcome and a table screen at 80x24."""

from __future__ import annotations

import pytest

from aiwf_tui.sections.registry import SECTION_KEYS
from tests.app_helpers import copy_project, make_app, wait_for, wait_loaded
from tests.conftest import DEMO_DIR, FIXTURES


def _run_before(section: str | None):
    async def run_before(pilot):
        app = pilot.app
        await wait_loaded(app, pilot)
        if app.ctx is not None:
            await wait_for(pilot, lambda: app.ctx.knowledge is not None)
        app.clear_notifications()
        if section is not None:
            app.workflow_screen.show_section(section)
        await pilot.pause(0.3)
        if section == "files":
            await wait_for(pilot, lambda: "Computing" not in str(app.screen.query_one("#files-status").render()))
        await pilot.pause(0.2)
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("section", SECTION_KEYS)
def test_section_snapshot(section, snap_compare, tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_run_before(section))


@pytest.mark.parametrize("section", ["welcome", "drift"])
def test_small_terminal_snapshot(section, snap_compare, tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_run_before(section))


def test_nogo_snapshot(snap_compare, tmp_path):
    app = make_app(copy_project(FIXTURES / "blocked-nogo", tmp_path))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_run_before(None))


def test_review_mode_snapshot(snap_compare, tmp_path):
    app = make_app(copy_project(FIXTURES / "already-complete", tmp_path))
    assert snap_compare(app, terminal_size=(120, 40), run_before=_run_before(None))


def test_large_terminal_snapshot(snap_compare, tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    assert snap_compare(app, terminal_size=(200, 60), run_before=_run_before("runbook"))
