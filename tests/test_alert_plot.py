"""The Alerting section draws the selected rule's promtool scenario; edits redraw it and the
drawn firing minute is the firing eval_time of the generated alert-rules.test.yml."""

from __future__ import annotations

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan_io import dump_plan, load_plan
from aiwf_tui.model.yamlio import load_plain
from aiwf_tui.render.prometheus.common import alert_names
from aiwf_tui.render.prometheus.scenarios import alert_rules_test_yaml
from aiwf_tui.widgets.alert_plot import AlertPlot
from aiwf_tui.widgets.editor_bar import EditorBar
from tests.app_helpers import edit_cell, editor_open, make_app, open_cell, select_cell, table_titled, wait_loaded
from tests.helpers import DEMO_DIR, copy_project
from tests.render_helpers import answer_all
from tests.waiting import pilot_wait_until


def expected_firing_minute(plan, index: int) -> int:
    """The eval_time of the firing check in the generated promtool test of rule `index`."""
    name = alert_names(plan.alerting.rules)[index]
    tests = load_plain(alert_rules_test_yaml(plan.project_name, plan), "alert-rules.test.yml")["tests"]
    case = next(t for t in tests if t["alert_rule_test"][1]["alertname"] == name)
    return int(case["alert_rule_test"][1]["eval_time"].removesuffix("m"))


def answered_project(tmp_path):
    """The demo with every threshold and duration answered (they start open) and the
    error-rate alert held for 5m, so each rule has a shape to draw."""
    project = copy_project(DEMO_DIR, tmp_path)
    loaded = load_project(project)
    plan = answer_all(new_plan(loaded), loaded)
    for rule in plan.alerting.rules:
        if rule.metric == "error_rate":
            rule.duration = "5m"
    (project / PLAN_FILE).parent.mkdir(parents=True, exist_ok=True)
    (project / PLAN_FILE).write_text(dump_plan(plan), encoding="utf-8")
    return project


async def show_alerting(app, pilot):
    """Alerting shown once the project is open, its plot mounted: (the plot, the rules table)."""
    await wait_loaded(app, pilot)
    app.workflow_screen.show_section("alerting")
    await pilot_wait_until(pilot, lambda: bool(app.screen.query(AlertPlot)))
    return app.screen.query_one(AlertPlot), table_titled(app, "Alert rules")


async def test_editing_a_rule_moves_the_drawn_firing_minute_to_the_promtool_one(tmp_path):
    app = make_app(answered_project(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        plot, table = await show_alerting(app, pilot)
        plan = app.ctx.plan
        rules = plan.alerting.rules
        await pilot_wait_until(
            pilot, lambda: plot.title == alert_names(rules)[0] and plot.drawn_firing_minute is not None
        )
        assert plot.drawn_firing_minute == expected_firing_minute(plan, 0)

        index = next(i for i, r in enumerate(rules) if r.duration == "5m" and r.metric == "error_rate")
        select_cell(table, index, 4)
        await pilot_wait_until(pilot, lambda: plot.title == alert_names(rules)[index])
        before = plot.drawn_firing_minute

        new_threshold = rules[index].threshold * 2
        await edit_cell(pilot, table, index, 4, str(new_threshold))
        assert rules[index].threshold == new_threshold
        await pilot_wait_until(pilot, lambda: plot.shape is not None and plot.shape.threshold == new_threshold)
        assert plot.drawn_firing_minute == expected_firing_minute(plan, index)
        assert plot.drawn_firing_minute > before  # the same incident crosses a raised threshold later
        raised = plot.drawn_firing_minute

        await edit_cell(pilot, table, index, 5, "15m")
        await pilot_wait_until(pilot, lambda: plot.shape is not None and plot.shape.for_minutes == 15)
        assert plot.drawn_firing_minute == expected_firing_minute(plan, index)
        assert plot.drawn_firing_minute == raised + 10  # 10 more minutes of `for`, 10 minutes later
        assert plot.shape.pending_minute < plot.drawn_firing_minute


async def test_an_open_threshold_asks_for_an_answer_instead_of_a_plot(tmp_path):
    project = answered_project(tmp_path)
    plan_file = project / PLAN_FILE
    plan = load_plan(plan_file)
    plan.alerting.rules[0].threshold = None
    plan_file.write_text(dump_plan(plan), encoding="utf-8")
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("alerting")
        await pilot_wait_until(pilot, lambda: bool(app.screen.query(AlertPlot)))
        plot = app.screen.query_one(AlertPlot)
        name = alert_names(app.ctx.plan.alerting.rules)[0]
        await pilot_wait_until(pilot, lambda: plot.title == name)
        assert plot.problem == f"{name}: answer the threshold to see it fire."
        assert plot.shape is None and plot.drawn_firing_minute is None


def test_only_day_long_replays_are_computed_off_the_main_thread(tmp_path):
    """A shape of minutes is computed on the spot (a few ms); a day-long window goes to a thread."""
    from aiwf_tui.render.prometheus.alert_shape import costly

    project = load_project(answered_project(tmp_path))
    plan = answer_all(new_plan(project), project)
    costly_metrics = {rule.metric for rule in plan.alerting.rules if costly(rule, plan.metrics)}
    assert costly_metrics == {"daily_tokens"}
    open_rule = plan.alerting.rules[0].model_copy(update={"duration": None, "threshold": None})
    assert not costly(open_rule, plan.metrics)


async def test_the_plot_sits_beside_the_rules_where_both_stay_readable_and_under_them_elsewhere(tmp_path):
    """Beside the table when the section is wide enough (every text column keeps 7 cells or
    more, the plot 58), under it otherwise; a resize moves it, and the narrowed table keeps no
    sideways scrollbar its columns no longer need. The row being edited is scrolled into view
    above the editor (the table sits in a container inside the section that scrolls)."""
    app = make_app(answered_project(tmp_path))
    async with app.run_test(size=(200, 24)) as pilot:
        plot, table = await show_alerting(app, pilot)
        await pilot_wait_until(pilot, lambda: plot.drawn_firing_minute is not None)

        def beside() -> bool:
            return plot.region.x >= table.region.right and plot.region.y == table.region.y

        def under() -> bool:
            return plot.region.x == table.region.x and plot.region.y >= table.region.bottom

        def rows_tall() -> bool:  # its header and rows: no line left to a stale scrollbar
            return table.region.height == table.row_count + 1

        await pilot_wait_until(pilot, beside, what="the plot beside the table")
        await pilot_wait_until(pilot, rows_tall, what="the table as tall as its rows")
        short = ("comparator", "duration")  # Op and For: whole at 2 and 3 cells
        assert all(w >= 7 for w, c in zip(table.widths, table.spec.columns, strict=True) if c.field not in short)
        assert plot.region.width >= 58

        last = table.row_count - 1
        await open_cell(pilot, table, last, 4)
        await pilot_wait_until(pilot, lambda: editor_open(app))
        section = app.workflow_screen.section
        editor = app.screen.query_one(EditorBar)
        await pilot_wait_until(pilot, lambda: section.region.y <= table.region.y + 1 + last < editor.region.y)
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not editor_open(app))

        await pilot.resize_terminal(120, 40)
        await pilot_wait_until(pilot, under, what="the plot under the table")
        await pilot_wait_until(pilot, rows_tall, what="the table as tall as its rows")
        assert plot.drawn_firing_minute is not None
