"""Snapshot tests of every screen (120x40) and of the welcome and a table screen at 80x24."""

from __future__ import annotations

import pytest

from aiwf_tui.render.prometheus.common import alert_names
from aiwf_tui.sections.registry import SECTION_KEYS
from tests.app_helpers import (
    is_settled,
    make_app,
    scroll_into_view,
    select_cell,
    show_section,
    table_titled,
    wait_loaded,
)
from tests.helpers import DEMO_DIR, FIXTURES, copy_project
from tests.render_helpers import answered_copy
from tests.waiting import pilot_wait_until


def _run_before(section: str | None):
    async def run_before(pilot):
        app = pilot.app
        await wait_loaded(app, pilot)
        if section is not None:
            await show_section(app, pilot, section)
        await pilot_wait_until(pilot, lambda: is_settled(app), what="the screen to settle")
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


def _run_before_alert_plot():
    base = _run_before("alerting")

    async def run_before(pilot):
        from aiwf_tui.widgets.alert_plot import AlertPlot

        await base(pilot)
        app = pilot.app
        table = table_titled(app, "Alert rules")
        select_cell(table, 1, 4)
        plot = app.screen.query_one(AlertPlot)
        name = alert_names(app.ctx.plan.alerting.rules)[1]
        await pilot_wait_until(pilot, lambda: plot.drawn_firing_minute is not None and plot.title == name)
        await scroll_into_view(pilot, plot)
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
def test_alert_plot_snapshot(size, snap_compare, tmp_path):
    """The selected rule's promtool scenario drawn under the rules table, and beside it where
    the section is wide enough for both (200x60) (thresholds and durations answered: an open
    rule has nothing to draw)."""
    from aiwf_tui.layout import PLAN_FILE
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan_io import dump_plan
    from tests.render_helpers import answer_all

    root = copy_project(DEMO_DIR, tmp_path)
    project = load_project(root)
    plan = answer_all(new_plan(project), project)
    for key in ("monitoring", "drift", "alerting", "incident", "runbook", "alerts_config", "improvement", "decisions"):
        plan.section(key).status = "draft"
    (root / PLAN_FILE).write_text(dump_plan(plan), encoding="utf-8")
    app = make_app(root)
    assert snap_compare(app, terminal_size=size, run_before=_run_before_alert_plot())


def _run_before_drift_scale():
    base = _run_before("drift")

    async def run_before(pilot):
        from aiwf_tui.widgets.drift_scale import DriftScale

        await base(pilot)
        scale = pilot.app.screen.query_one(DriftScale)
        await scroll_into_view(pilot, scale)
        pilot.app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_drift_scale_snapshot(size, snap_compare, tmp_path):
    """The drift severity bands on one scale of the drift score (answered: bands start open)."""
    app = make_app(answered_copy(DEMO_DIR, tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=_run_before_drift_scale())
