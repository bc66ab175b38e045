"""Keys typed faster than the app moves its focus (over SSH, in tmux, by a fast typist): each
lands where the key before it left the focus, never on the widget focused when the burst began.

The keys are posted all at once, as a terminal's input arrives, without waiting between them
(pilot.press waits for the app to settle after each key, which hides exactly this)."""

from __future__ import annotations

from aiwf_tui.model.plan_io import dump_plan
from aiwf_tui.widgets.field_view import FieldView
from tests.app_helpers import (
    burst,
    editor_open,
    make_app,
    open_section,
    select_cell,
    settled,
    table_titled,
    typed,
    wait_loaded,
)
from tests.helpers import FIXTURES, copy_project
from tests.waiting import pilot_wait_until


def plan_text(app) -> str:
    return dump_plan(app.ctx.plan)


async def test_letters_typed_right_after_enter_land_in_the_editor_it_opens(tmp_path):
    """enter, then text at once, then escape: all of it in that answer, nothing anywhere else."""
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        first = app.screen.query(FieldView).first()
        await pilot_wait_until(pilot, lambda: app.focused is first, what="the first answer to have the focus")
        monitoring = app.ctx.plan.monitoring
        expected = app.ctx.plan.model_copy(deep=True)
        expected.monitoring.infrastructure = "nd Prometheus, Grafana"
        count = burst(app, "enter", *typed("nd Prometheus, Grafana"), "escape")
        await settled(app, pilot, count)
        assert monitoring.infrastructure == "nd Prometheus, Grafana"
        expected.resume_section = app.ctx.plan.resume_section
        assert plan_text(app) == dump_plan(expected)  # nothing else changed (n did not move on)


async def test_a_burst_through_table_cells_with_tab_fills_each_cell(tmp_path):
    """enter, text, tab (keep it, next cell), enter, text, escape: each text in its own cell.
    The letters include the table's own keys (a adds a row, d deletes one) to show none reached it."""
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        table = table_titled(app, "Observability pillars")
        select_cell(table, 0, 0)
        await pilot_wait_until(pilot, lambda: app.focused is table, what="the table to have the focus")
        pillars = app.ctx.plan.monitoring.pillars
        expected = app.ctx.plan.model_copy(deep=True)
        expected.monitoring.pillars[0].pillar += " and data"
        expected.monitoring.pillars[0].capture += "; added by a burst"
        keys = ["enter", *typed(" and data"), "tab", "enter", *typed("; added by a burst"), "escape"]
        count = burst(app, *keys)
        await settled(app, pilot, count)
        assert pillars[0].pillar == expected.monitoring.pillars[0].pillar
        assert pillars[0].capture == expected.monitoring.pillars[0].capture
        assert tuple(table.cursor_coordinate) == (0, 1) and app.focused is table
        expected.resume_section = app.ctx.plan.resume_section
        assert plan_text(app) == dump_plan(expected)  # no row added or deleted, no other cell touched


async def test_a_burst_across_a_section_change_lands_on_the_field_it_names(tmp_path):
    """From Welcome: n n (to Monitoring) tab (its second answer) enter, text, escape, all at once.
    The tab used to act on the section before its first answer had the focus."""
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot_wait_until(pilot, lambda: app.focused is not None, what="Welcome to have the focus")
        count = burst(app, "n", "n", "tab", "enter", *typed("p99 latency"), "escape")
        await settled(app, pilot, count)
        monitoring = app.ctx.plan.monitoring
        assert app.workflow_screen.current == "monitoring"
        assert monitoring.critical_metrics == "p99 latency"
        assert monitoring.infrastructure == ""
        assert app.ctx.plan.resume_section == "monitoring/1"


async def test_a_burst_that_opens_the_first_answer_of_a_new_section_types_into_it(tmp_path):
    """n n enter, text, escape at once: the section, arriving, focuses its first answer only if
    nothing has been focused yet; the answer opened in the editor bar meanwhile keeps the focus
    (the keys after the first few went to the answer itself, and were lost)."""
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot_wait_until(pilot, lambda: app.focused is not None, what="Welcome to have the focus")
        count = burst(app, "n", "n", "enter", *typed("Prometheus"), "escape")
        await settled(app, pilot, count)
        assert app.workflow_screen.current == "monitoring"
        assert app.ctx.plan.monitoring.infrastructure == "Prometheus"
        assert not editor_open(app)


async def test_the_resume_point_is_the_answer_being_edited(tmp_path):
    """A line that drops mid-edit reopens at the answer that was being typed, not at the section's top."""
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        second = app.screen.query(FieldView)[1]
        second.focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: editor_open(app), what="the editor")
        assert app.ctx.plan.resume_section == "monitoring/1"


def test_a_section_not_mounted_yet_offers_no_key_and_raises_nothing(tmp_path):
    """The footer asks a section which keys work while the section is still being composed (or
    removed): one whose parts are not mounted answers "no", it does not raise NoMatches."""
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.sections.alerting import AlertingView
    from aiwf_tui.sections.base import Context

    project = load_project(copy_project(FIXTURES / "support-rag-bot", tmp_path))
    view = AlertingView(Context(project, new_plan(project), "2026-03-10"))
    assert not view.check_action("stop_checks", ())
    assert not view.check_action("run_drill", ())


async def test_a_burst_of_n_and_p_walks_every_section_and_back(tmp_path):
    """n held down from Welcome to the final menu, then p back: the footer's key checks run
    while sections come and go, and the app ends where the keys say."""
    from aiwf_tui.sections.registry import SECTION_KEYS

    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    app = make_app(project)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, SECTION_KEYS[0])
        steps = len(SECTION_KEYS) - 1
        count = burst(app, *["n"] * steps)
        await settled(app, pilot, count)
        assert app.screen.current == SECTION_KEYS[-1]
        count = burst(app, *["p"] * steps)
        await settled(app, pilot, count)
        assert app.screen.current == SECTION_KEYS[0]
        assert app.is_running
