"""Pilot tests of editing: tables, validation, add/delete, literal text, resume, palette, help."""

from __future__ import annotations

import re

from textual.command import CommandList, CommandPalette
from textual.widgets import OptionList, Static

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model.plan import SEVERITIES
from aiwf_tui.model.plan_io import load_plan
from aiwf_tui.screens.decisions_review import AdrModal
from aiwf_tui.screens.modals import ChoicePicker, MessageModal
from aiwf_tui.widgets.decisions_table import DecisionsTable
from aiwf_tui.widgets.editable_table import EditableTable
from aiwf_tui.widgets.editor_bar import EditorBar
from aiwf_tui.widgets.field_view import FieldView
from tests.app_helpers import (
    answer,
    editor_open,
    make_app,
    open_cell,
    open_section,
    retype,
    select_cell,
    table_titled,
    type_text,
    wait_loaded,
)
from tests.helpers import DEMO_DIR, copy_project
from tests.waiting import pilot_wait_until


async def test_cell_validation_says_what_is_wrong_and_keeps_the_model(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "alerting")
        table = table_titled(app, "Alert rules")
        rule = app.ctx.plan.alerting.rules[1]
        assert rule.duration is None and rule.threshold is None  # the engineer's decisions, open
        await open_cell(pilot, table, 1, 5)  # For
        editor = app.screen.query_one(EditorBar)
        await retype(pilot, "five")
        await pilot_wait_until(pilot, lambda: "duration" in str(editor.query_one(".editor-error").render()))
        error = str(editor.query_one(".editor-error").render())
        assert "duration" in error and "5m" in error
        assert rule.duration is None  # invalid text never reaches the plan
        await retype(pilot, "10m")
        await pilot.press("enter")
        assert rule.duration == "10m"
        # The threshold must be a number.
        await open_cell(pilot, table, 1, 4)
        await retype(pilot, "lots")
        await pilot_wait_until(
            pilot, lambda: "number" in str(app.screen.query_one(EditorBar).query_one(".editor-error").render())
        )
        await retype(pilot, "0.02")
        await pilot.press("enter")
        assert rule.threshold == 0.02


async def test_enter_and_tab_wait_for_a_correction_and_escape_drops_invalid_text(tmp_path):
    """Text that is not valid: enter and tab keep the editor open (the keys typed next are the
    correction, not commands: `n` would change section), escape leaves and drops it."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "alerting")
        table = table_titled(app, "Alert rules")
        rule = app.ctx.plan.alerting.rules[1]
        await open_cell(pilot, table, 1, 5)  # For
        await retype(pilot, "five")
        for key in ("enter", "tab"):
            await pilot.press(key)
            assert editor_open(app) and app.screen.current == "alerting"
            assert rule.duration is None
        await retype(pilot, "10m")  # n and m, typed as text
        await pilot.press("enter")
        assert not editor_open(app) and rule.duration == "10m" and app.screen.current == "alerting"
        await open_cell(pilot, table, 1, 5)
        await retype(pilot, "soon")
        await pilot.press("escape")
        assert not editor_open(app) and rule.duration == "10m"  # dropped: the value before


async def test_choice_cells_open_a_picker_and_space_cycles(tmp_path):
    """A choice cell never takes free text: enter lists the allowed values, space steps through them."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "alerting")
        table = table_titled(app, "Alert rules")
        rule = app.ctx.plan.alerting.rules[1]
        assert rule.severity == "critical"
        await open_cell(pilot, table, 1, 6)  # Severity
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, ChoicePicker))
        options = app.screen.query_one(OptionList)
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == list(SEVERITIES)
        assert options.highlighted == 0  # opens on the current value
        await pilot.press("down", "enter")
        await pilot_wait_until(pilot, lambda: app.screen is app.workflow_screen)
        assert rule.severity == "high"
        assert "high" in str(table.get_cell_at(table.cursor_coordinate))
        await pilot.press("space")
        assert rule.severity == "medium"
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, ChoicePicker))
        await pilot.press("escape")  # cancel: nothing changes
        await pilot_wait_until(pilot, lambda: app.screen is app.workflow_screen)
        assert rule.severity == "medium"
        await pilot_wait_until(pilot, lambda: not app.dirty)
    assert load_plan(app.ctx.project.path(PLAN_FILE)).alerting.rules[1].severity == "medium"


async def test_space_toggles_the_rows_yes_no_cell_from_any_cell(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "drift")
        table = table_titled(app, "Detection approaches")
        select_cell(table, 2, 0)  # the approach's name, not 'Selected'
        await pilot.pause()
        approach = app.ctx.plan.drift.approaches[2]
        before = approach.selected
        await pilot.press("space")
        assert approach.selected is not before
        assert not editor_open(app)  # no text editor for a toggle
        await pilot.press("space")
        assert approach.selected is before


async def test_undeclared_channel_is_refused(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "alerting")
        await open_cell(pilot, table_titled(app, "Alert rules"), 0, 7)  # Channels
        await retype(pilot, "carrier-pigeon")
        assert "not declared" in str(app.screen.query_one(EditorBar).query_one(".editor-error").render())
        await pilot.press("escape")
        assert app.ctx.plan.alerting.rules[0].channels == ["pagerduty"]


async def test_add_and_delete_rows_with_confirmation(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "improvement")
        loops = app.ctx.plan.improvement.loops
        table = table_titled(app, "Feedback loops")
        table.focus()
        await pilot.press("a")
        assert len(loops) == 5 and table.row_count == 5
        await pilot.press("d")
        await pilot.press("n")  # declined: nothing deleted
        assert len(loops) == 5
        await pilot.press("d")
        await pilot.press("y")
        await pilot.pause()
        assert len(loops) == 4 and table.row_count == 4
        await pilot.press("k", "k")
        assert table.cursor_coordinate.row == 1


async def test_bool_cell_toggles_and_selection_is_saved(tmp_path):
    project = copy_project(DEMO_DIR, tmp_path)
    app = make_app(project)
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "drift")
        await open_cell(pilot, table_titled(app, "Detection approaches"), 1, 3)
        assert app.ctx.plan.drift.approaches[1].selected
        await pilot_wait_until(pilot, lambda: not app.dirty)
    plan = load_plan(project / PLAN_FILE, project)
    assert plan.drift.approaches[1].selected


async def test_markup_and_jinja_are_shown_literally(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        await answer(pilot, "[bold]Prom[/bold] {{ 7*7 }} [link=x]y[/link]")
        field = app.screen.query(FieldView).first()
        assert "[bold]Prom[/bold] {{ 7*7 }} [link=x]y[/link]" in str(field.render())
        assert app.ctx.plan.monitoring.infrastructure == "[bold]Prom[/bold] {{ 7*7 }} [link=x]y[/link]"


async def test_autosave_and_resume_at_the_same_section(tmp_path):
    project = copy_project(DEMO_DIR, tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "drift")
        await answer(pilot, "Bulletins change weekly")
        await pilot_wait_until(pilot, lambda: not app.dirty, timeout=2.0)  # saved within a second or so
    again = make_app(project)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(again, pilot)
        assert again.workflow_screen.current == "drift"
        assert again.ctx.plan.drift.change_pace == "Bulletins change weekly"
        await pilot_wait_until(pilot, lambda: any("Resumed" in n.message for n in again._notifications))


async def test_arriving_never_focuses_a_text_field_and_keys_act_on_the_section(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        # On the welcome section the filter input exists, but n still moves on.
        await pilot.press("n")
        assert app.workflow_screen.current == "knowledge"
        await pilot.press("p")
        assert app.workflow_screen.current == "welcome"


async def test_earlier_decisions_filter(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        table = app.screen.query_one("#earlier-decisions", DecisionsTable)
        total = table.visible_count
        app.screen.query_one("#decision-filter").focus()
        await type_text(pilot, "get_patterns")
        await pilot_wait_until(pilot, lambda: 0 < table.visible_count < total, what="the filter")
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: app.focused is table, what="the table")
        chosen = table._all[table._view[table.cursor]][4]
        await pilot.press("enter")  # opens the decision, in the same viewer as the final menu's [D]
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, AdrModal))
        assert app.screen.decision is chosen
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: app.screen is app.workflow_screen)


async def test_escape_leaves_the_filter_box(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        box = app.screen.query_one("#decision-filter")
        box.focus()
        await pilot.pause()
        await pilot.press("escape")
        assert app.focused is not box
        await pilot.press("n")  # single keys act on the workflow again
        assert app.workflow_screen.current == "knowledge"


async def test_command_palette_jumps_to_a_section(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
        await type_text(pilot, "Runbook")
        commands = app.screen.query_one(CommandList)

        def runbook_highlighted() -> bool:
            index = commands.highlighted
            return index is not None and "Runbook" in str(commands.get_option_at_index(index).prompt)

        await pilot_wait_until(pilot, runbook_highlighted, what="the Runbook command")
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: app.workflow_screen.current == "runbook", what="the runbook section")


async def open_help(app, pilot) -> None:
    """Once the project is open: ? and wait for the help."""
    await wait_loaded(app, pilot)
    await pilot.press("question_mark")
    await pilot_wait_until(pilot, lambda: isinstance(app.screen, MessageModal), what="the help")


async def test_help_lists_the_keys(tmp_path):
    """? shows every key the app and the workflow screen bind (a new binding must be explained)."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_help(app, pilot)
        shown = " ".join(str(static.render()) for static in app.screen.query(Static))
        words = set(re.split(r"[\s/,]+", shown))
        keys = {app.COMMAND_PALETTE_BINDING}
        for binding in [*app.BINDINGS, *app.workflow_screen.BINDINGS]:
            keys.update(binding.key.split(","))
        spelled = {"question_mark": "?"}
        missing = sorted(key for key in keys if spelled.get(key, key) not in words)
        assert not missing, f"the help does not mention {missing}"
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: app.workflow_screen is app.screen, what="the help to close")


async def test_the_help_scrolls_to_its_last_line_at_80x24(tmp_path):
    """At 80x24 the help is taller than the screen: the page keys reach its last section."""
    from textual.containers import VerticalScroll

    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_help(app, pilot)
        frame = app.screen.query_one(VerticalScroll)
        await pilot_wait_until(pilot, lambda: frame.max_scroll_y > 0, what="the help to be laid out")
        await pilot.press("end")
        await pilot_wait_until(pilot, lambda: frame.scroll_y == frame.max_scroll_y, what="the end of the help")
        assert "ctrl+q" in str(app.screen.query(Static)[-1].render())
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: app.workflow_screen is app.screen, what="the help to close")


async def test_the_sidebar_follows_the_terminal_across_100_columns(tmp_path):
    """Shrunk below 100 columns the sidebar goes, as at start-up (the section and the preview
    need the columns), and comes back when the terminal grows again."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(app, pilot)
        sidebar = app.screen.query_one("#sidebar")
        assert sidebar.display
        await pilot.resize_terminal(80, 24)
        await pilot_wait_until(pilot, lambda: not sidebar.display, what="the sidebar to hide")
        await pilot.press("ctrl+b")  # still the user's to show
        await pilot_wait_until(pilot, lambda: sidebar.display, what="ctrl+b to show it")
        await pilot.resize_terminal(90, 30)  # narrow to narrow: left as the user set it
        await pilot.pause()
        assert sidebar.display
        await pilot.resize_terminal(160, 48)
        await pilot.press("ctrl+b")
        await pilot_wait_until(pilot, lambda: not sidebar.display, what="ctrl+b to hide it")
        await pilot.resize_terminal(80, 24)
        await pilot.resize_terminal(160, 48)
        await pilot_wait_until(pilot, lambda: sidebar.display, what="the sidebar to come back")


async def test_runbook_preview_follows_typing(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "runbook")
        preview = app.screen.query_one("#preview")
        await pilot_wait_until(pilot, lambda: "Operations Runbook" in preview.text)
        table = app.screen.query(EditableTable).first()
        table.focus()
        await pilot.press("a")
        await pilot.press("enter")
        await retype(pilot, "ticket-api")
        await pilot_wait_until(pilot, lambda: "ticket-api" in preview.text)
        from aiwf_tui.render.runbook import render_runbook

        await pilot_wait_until(pilot, lambda: preview.text == render_runbook(app.ctx.project, app.ctx.plan))


async def test_reopening_resumes_at_the_exact_cell_and_at_the_final_menu(tmp_path):
    project = copy_project(DEMO_DIR, tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "drift")
        table = table_titled(app, "Detection approaches")
        select_cell(table, 2, 1)
        await pilot.pause()
        await pilot.press("ctrl+q")  # nothing was edited: the place alone is saved
    again = make_app(project)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(again, pilot)
        screen = again.workflow_screen
        assert screen.current == "drift"
        await pilot_wait_until(pilot, lambda: isinstance(again.focused, EditableTable))
        assert again.focused.spec.title == "Detection approaches"
        assert tuple(again.focused.cursor_coordinate) == (2, 1)
        assert any("Resumed at Drift detection" in n.message for n in again._notifications)
        screen.show_section("menu")
        await pilot.pause()
        await pilot.press("ctrl+q")
    third = make_app(project)
    async with third.run_test(size=(120, 40)) as pilot:
        await wait_loaded(third, pilot)
        assert third.workflow_screen.current == "menu"
        assert any("Resumed at Final menu" in n.message for n in third._notifications)


async def test_the_closed_editor_bar_takes_no_focus(tmp_path):
    """The bar stays mounted while closed: nothing in it may take the focus (Textual's first focus
    on the screen, tab), or the keys typed next would go into a hidden editor."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        bar = app.screen.query_one(EditorBar)
        assert not [w for w in bar.query("*") if w.focusable]
        await pilot.press("enter")  # the first answer
        await pilot_wait_until(pilot, lambda: editor_open(app))
        assert app.focused in bar.query("*")
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not editor_open(app))
        assert not [w for w in bar.query("*") if w.focusable]
