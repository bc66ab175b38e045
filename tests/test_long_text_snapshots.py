"""Snapshots of every section with tables, its tables filled with long text, at 80x24, 120x40
and 200x60: cut cells end in an ellipsis, numbers are whole, the selected row is readable in
full under the table, and no table needs a sideways scroll where cutting can avoid it.

One long-text plan is built once (per xdist worker) and copied into each test's project; one
snapshot per section and size, each its own test so xdist spreads them."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ValidationError

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.edit import EditError, field_kind, field_text, set_field
from aiwf_tui.model.plan_io import dump_plan
from aiwf_tui.sections.registry import SECTION_VIEWS
from tests.app_helpers import is_settled, make_app, open_section, scroll_into_view, select_cell
from tests.helpers import DEMO_DIR, copy_project
from tests.render_helpers import answer_all
from tests.waiting import pilot_wait_until

TABLE_SECTIONS = [view.KEY for view in SECTION_VIEWS if view.PLAN_KEY]
SIZES = [(80, 24), (120, 40), (200, 60)]
#: Appended to every text cell: long enough to be cut at every size, with words to cut at.
LONG = " - reviewed with the on-call team, owner named in the runbook, revisited every quarter"


def lengthen(section: BaseModel) -> None:
    """Every text cell of every table of `section` made long, where the section still accepts it
    (a channel name that routing refers to, say, keeps its value)."""
    for name in type(section).model_fields:
        rows = getattr(section, name)
        if not isinstance(rows, list) or not rows or not isinstance(rows[0], BaseModel):
            continue
        for row in rows:
            for field in type(row).model_fields:
                if field_kind(row, field).kind != "text":
                    continue
                before = field_text(row, field)
                try:
                    set_field(row, field, (before or "To be agreed") + LONG)
                    type(section).model_validate(section.model_dump())
                except (EditError, ValidationError, ValueError):
                    set_field(row, field, before)


@pytest.fixture(scope="session")
def long_text_plan(tmp_path_factory) -> str:
    """The demo's plan, answered, with long text in every table cell (built once per worker)."""
    project = load_project(copy_project(DEMO_DIR, tmp_path_factory.mktemp("long-text")))
    plan = answer_all(new_plan(project), project)
    for key in TABLE_SECTIONS:
        lengthen(plan.section(key))
    return dump_plan(plan)


def _run_before(section: str):
    async def run_before(pilot):
        from aiwf_tui.widgets.editable_table import EditableTable

        app = pilot.app
        await open_section(app, pilot, section)
        # The section's first table with rows, selected: its cut cells show in full under it.
        table = next((t for t in app.screen.query(EditableTable) if t.spec.rows()), None)
        if table is not None:
            select_cell(table, 0, len(table.spec.columns) - 1)
        await pilot_wait_until(
            pilot, lambda: (table is None or app.focused is table) and is_settled(app), what="the table to settle"
        )
        if table is not None:
            await scroll_into_view(pilot, table, top=True)
        app.clear_notifications()
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("section", TABLE_SECTIONS)
def test_long_text_tables_snapshot(section, size, long_text_plan, snap_compare, tmp_path):
    root: Path = copy_project(DEMO_DIR, tmp_path)
    (root / PLAN_FILE).write_text(long_text_plan, encoding="utf-8")
    assert snap_compare(make_app(root), terminal_size=size, run_before=_run_before(section))


async def test_no_table_scrolls_sideways_at_80_columns(long_text_plan, tmp_path):
    """At 80x24, long text everywhere: every table fits its width (cut cells, the detail line
    under it), so none needs a sideways scroll, the runbook's beside the preview included."""
    from aiwf_tui.widgets.editable_table import EditableTable

    root: Path = copy_project(DEMO_DIR, tmp_path)
    (root / PLAN_FILE).write_text(long_text_plan, encoding="utf-8")
    app = make_app(root)
    async with app.run_test(size=(80, 24)) as pilot:
        for section in TABLE_SECTIONS:
            await open_section(app, pilot, section)
            tables = list(app.screen.query(EditableTable))
            await pilot_wait_until(
                pilot,
                lambda tables=tables: all(t.widths and t.size.width for t in tables),
                what=f"{section}'s tables to be fitted",
            )
            for table in tables:
                assert table.max_scroll_x == 0, f"{section} / {table.spec.title} scrolls sideways: {table.widths}"
                assert table.virtual_size.width <= table.size.width
