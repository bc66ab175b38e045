"""[S]: the table of contents answers arrows and enter; `**Label:** value` lines stay lines."""

from __future__ import annotations

from textual.widgets import Tree

from aiwf_tui.screens.spec_viewer import SpecViewerScreen, displayable
from tests.app_helpers import make_app, wait_loaded
from tests.helpers import DEMO_DIR, copy_project
from tests.waiting import pilot_wait_until


def test_label_lines_keep_their_own_lines_and_the_line_count():
    text = "**Expected pace:** weekly\n**Approach:** statistical tests\n\nplain\nparagraph"
    shown = displayable(text)
    assert shown.split("\n")[0].endswith("  ")  # a Markdown hard break after each label line
    assert len(shown.split("\n")) == len(text.split("\n"))
    assert shown.split("\n")[3:] == ["plain", "paragraph"]


async def test_contents_move_with_arrows_and_enter_jumps(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("menu")
        await pilot.pause()
        await pilot.press("s")
        await pilot_wait_until(pilot, lambda: isinstance(app.screen, SpecViewerScreen) and app.screen.loaded)
        tree = app.screen.query(Tree).first()
        await pilot_wait_until(pilot, lambda: app.focused is tree and tree.cursor_line == 0)
        await pilot.press("down", "down", "down")
        assert tree.cursor_line == 3
        viewer = app.screen.query_one("#spec-viewer")
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: viewer.scroll_offset.y > 0)
