"""Pilot tests of the tables as a reviewer reads them: every row, fitted columns, what is cut in full."""

from __future__ import annotations

import pytest

from aiwf_tui.sections.registry import SECTION_VIEWS
from aiwf_tui.widgets.editable_table import EditableTable, fit_widths
from aiwf_tui.widgets.editor_bar import EditorBar, FieldInput
from aiwf_tui.widgets.field_view import FieldView
from aiwf_tui.widgets.preview import PreviewPane
from tests.app_helpers import (
    editor_open,
    make_app,
    open_cell,
    open_section,
    retype,
    select_cell,
    table_titled,
    type_text,
    typed,
)
from tests.helpers import DEMO_DIR, copy_project
from tests.waiting import pilot_wait_until

TABLE_SECTIONS = [view.KEY for view in SECTION_VIEWS if view.PLAN_KEY]


def test_fit_widths_gives_way_from_the_widest_and_keeps_minimums():
    assert fit_widths([10, 40, 5], [8, 8, 5], 100) == [10, 40, 5]  # room: natural widths
    fitted = fit_widths([10, 40, 5], [8, 8, 5], 40)
    assert sum(w + 2 for w in fitted) <= 40 and fitted[2] == 5 and fitted[0] == 10
    assert fit_widths([10, 40, 7], [10, 8, 7], 10) == [10, 8, 7]  # never below a minimum


@pytest.mark.parametrize("section", TABLE_SECTIONS)
async def test_every_row_of_every_table_is_on_screen_when_the_table_is(section, tmp_path):
    """The section scrolls, not the table: a table is as tall as its rows plus its header."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, section)
        tables = list(app.screen.query(EditableTable))

        # Every row and the header; a horizontal scrollbar only where the columns cannot fit even cut
        # (the runbook's preview leaves its tables 30 columns).
        def whole(t: EditableTable) -> bool:
            return t.max_scroll_y == 0 and t.size.height == t.row_count + 1 + (1 if t.show_horizontal_scrollbar else 0)

        await pilot_wait_until(pilot, lambda: all(whole(t) for t in tables), timeout=3)
        for table in tables:
            rows = len(table.spec.rows())
            table.scroll_visible(animate=False, immediate=True)
            await pilot.pause()
            assert table.row_count == rows


async def test_a_long_choice_is_readable_right_after_the_edit(tmp_path):
    """Column widths follow every edit; what is cut ends in an ellipsis and shows in full under the table."""
    long_text = "Existing Prometheus and Grafana stack, shared with the platform team"  # 68 characters
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        table = table_titled(app, "Observability pillars")
        select_cell(table, 0, 2)  # Tools
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("ctrl+u")
        await type_text(pilot, long_text)
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: not editor_open(app))
        shown = str(table.get_cell_at(table.cursor_coordinate))
        width = table.widths[2]
        if len(long_text) > width:
            assert shown.endswith("…") and long_text.startswith(shown[:-1])
            assert table.detail is not None
            await pilot_wait_until(pilot, lambda: table.detail.display, timeout=3)
            assert long_text in str(table.detail.render())
        else:
            assert shown == long_text
        # Every column still fits the screen: nothing scrolls sideways.
        assert sum(w + 2 for w in table.widths) <= table.scrollable_content_region.width


async def test_numbers_are_never_cut_on_a_small_terminal(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_section(app, pilot, "alerting")
        table = table_titled(app, "Alert rules")
        rules = app.ctx.plan.alerting.rules
        row = next(i for i, r in enumerate(rules) if r.metric == "daily_tokens")
        rules[row].threshold = 8000000
        table.rebuild()
        await pilot.pause()
        column = [c.field for c in table.spec.columns].index("threshold")
        assert str(table.get_cell_at((row, column))).strip() == "8000000"


def painted_lines(table: EditableTable) -> list[str]:
    """The table's lines as the next frame paints them (from its render caches, as the screen does)."""
    return ["".join(segment.text for segment in strip) for strip in table.render_lines(table.region.reset_offset)]


async def test_typing_in_a_cell_repaints_that_cell_and_leaves_the_other_rows_as_they_were(tmp_path):
    """A keystroke re-renders only the edited cell's row; what is painted is the model, row by row."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "alerting")
        table = table_titled(app, "Alert rules")
        rules = app.ctx.plan.alerting.rules
        column = [c.field for c in table.spec.columns].index("threshold")
        await open_cell(pilot, table, 1, column)
        await pilot_wait_until(pilot, lambda: editor_open(app))
        await pilot.pause()
        before = painted_lines(table)
        for text in ("0.5", "0.07", "0.075"):
            await retype(pilot, text)
            await pilot_wait_until(pilot, lambda text=text: rules[1].threshold == float(text))
            await pilot.pause()
            after = painted_lines(table)
            assert f" {text} " in after[2]  # the header, then row 0, then the edited row
            assert after[:2] == before[:2] and after[3:] == before[3:]
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: not editor_open(app))
        table.rebuild()  # everything from the model again: the same picture
        await pilot.pause()
        assert painted_lines(table)[2] == after[2]


async def test_typing_in_the_editor_lays_out_nothing(tmp_path):
    """A key in the editor bar changes the field's text and the edited cell, never the screen's
    layout: a layout pass re-sizes every widget on screen (with the preview shown: its
    scrollbars, and the tables') and doubled the echo time of each key."""
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "runbook")
        screen = app.screen
        assert screen.query_one(PreviewPane).display
        table = next(t for t in screen.query(EditableTable) if t.spec.rows())
        await open_cell(pilot, table, 0, 0)
        await pilot_wait_until(pilot, lambda: editor_open(app))
        layouts = []
        lay_out = screen._refresh_layout
        screen._refresh_layout = lambda *args, **kwargs: layouts.append(1) or lay_out(*args, **kwargs)
        text = "and the step goes on past the edge of the field"
        for key in typed(text):
            await pilot.press(key)
        assert isinstance(app.focused, FieldInput) and app.focused.value.endswith(text)
        assert layouts == []


async def test_ctrl_u_clears_and_tab_commits_and_moves(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        fields = list(app.screen.query(FieldView))
        fields[0].focus()
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "old text")
        await pilot.press("ctrl+u")
        await type_text(pilot, "Prometheus")
        await pilot.press("tab")  # keeps the answer, closes the editor, goes on to the next question
        await pilot_wait_until(pilot, lambda: not editor_open(app))
        assert app.ctx.plan.monitoring.infrastructure == "Prometheus"
        assert app.focused is fields[1]
        table = table_titled(app, "Observability pillars")
        select_cell(table, 0, 1)
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "!")
        await pilot.press("shift+tab")  # a cell: back to the previous cell of the table
        await pilot_wait_until(pilot, lambda: not editor_open(app))
        assert app.focused is table and tuple(table.cursor_coordinate) == (0, 0)
        assert app.ctx.plan.monitoring.pillars[0].capture.endswith("!")


async def test_the_edited_field_stays_in_view(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await open_section(app, pilot, "runbook")
        field = app.screen.query(FieldView).last()  # the dashboard panels, at the bottom
        field.focus()
        await pilot.pause()
        section = app.workflow_screen.section
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: editor_open(app))
        editor = app.screen.query_one(EditorBar)
        await pilot_wait_until(
            pilot,
            lambda: field.region.y >= section.region.y and field.region.bottom <= editor.region.y,
            what="the field above the editor bar",
        )
        await type_text(pilot, "Latency")
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not editor_open(app))
        await pilot.pause()
        assert section.region.y <= field.region.y and field.region.bottom <= section.region.bottom


async def test_the_preview_opens_at_the_part_the_section_feeds_and_f_focuses_it(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "drift")
        screen = app.workflow_screen
        preview = screen.query_one("#preview", PreviewPane)
        await pilot.press("f")  # opens the preview and moves into it
        await pilot_wait_until(pilot, lambda: preview.has_focus and "### Drift Detection" in preview.text)
        assert "project-spec.md" in str(preview.border_title)
        line = preview.text.split("\n").index("### Drift Detection")
        await pilot_wait_until(pilot, lambda: preview.scroll_offset.y == min(line, preview.max_scroll_y) > 0)
        await pilot.press("down")  # arrows scroll it
        await pilot_wait_until(pilot, lambda: preview.scroll_offset.y == min(line + 1, preview.max_scroll_y))
        await pilot.press("f")  # and back to the section
        await pilot_wait_until(pilot, lambda: not preview.has_focus)
        screen.show_section("monitoring")
        await pilot.pause()
        await pilot.press("v")
        await pilot_wait_until(pilot, lambda: preview.place == ("project-spec.md (preview)", "### Monitoring"))
        line = preview.text.split("\n").index("### Monitoring")
        await pilot_wait_until(pilot, lambda: preview.scroll_offset.y == min(line, preview.max_scroll_y))


async def test_ctrl_e_edits_long_text_in_the_editor_from_the_environment(tmp_path, monkeypatch):
    """$EDITOR gets the text in a temporary file in the project folder; what it leaves is validated as typed."""
    import sys

    script = tmp_path / "fake_editor.py"
    script.write_text(
        "import sys, pathlib\n"
        "p = pathlib.Path(sys.argv[1])\n"
        "p.write_text(p.read_text() + ' and Grafana\\nwritten in the editor\\n')\n",
        encoding="utf-8",
    )
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")
    project = copy_project(DEMO_DIR, tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_section(app, pilot, "monitoring")
        fields = list(app.screen.query(FieldView))
        fields[0].focus()
        await pilot.pause()
        await pilot.press("enter")
        await type_text(pilot, "Prometheus")
        await pilot.press("ctrl+e")
        await pilot_wait_until(pilot, lambda: "written in the editor" in app.ctx.plan.monitoring.infrastructure)
        assert app.ctx.plan.monitoring.infrastructure == "Prometheus and Grafana\nwritten in the editor"
        await pilot.press("escape")
    assert not [p for p in project.iterdir() if p.name.startswith(".aiwf-tmp-")]  # the temporary file is gone
