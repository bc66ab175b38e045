"""The workflow screen's footer keeps its key widgets and shows the ones that apply: after the
focus has moved around (the editor bar opened and closed, another section), it shows exactly
the keys Textual's own footer would compose, in the same order."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from aiwf_tui.widgets.footer import KeysFooter
from tests.app_helpers import editor_open, make_app, open_cell, open_section, table_titled
from tests.helpers import DEMO_DIR, copy_project
from tests.waiting import pilot_wait_until


def expected_keys(app) -> list[tuple[str, str]]:
    """(key, description) of each action with a shown binding, first binding first (Footer.compose)."""
    seen: dict[str, tuple[str, str]] = {}
    for _node, binding, _enabled, _tooltip in app.screen.active_bindings.values():
        if binding.show:
            seen.setdefault(binding.action, (binding.key, binding.description))
    return list(seen.values())


def shown_keys(app) -> list[tuple[str, str]]:
    footer = app.screen.query_one(KeysFooter)
    return [(key.key, key.description) for key in footer.children if isinstance(key, FooterKey) and key.display]


async def test_the_footer_shows_the_keys_that_apply_after_each_focus_move(tmp_path):
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(160, 48)) as pilot:
        await open_section(app, pilot, "runbook")
        table = next(t for t in app.screen.query("EditableTable") if t.spec.rows())
        for _ in range(2):  # the second time round, every key widget already exists
            await open_cell(pilot, table, 0, 0)
            await pilot_wait_until(pilot, lambda: editor_open(app))
            await pilot_wait_until(pilot, lambda: shown_keys(app) == expected_keys(app), what="the editor's keys")
            assert ("ctrl+u", "Clear") in shown_keys(app)
            await pilot.press("enter")
            await pilot_wait_until(pilot, lambda: not editor_open(app))
            await pilot_wait_until(pilot, lambda: shown_keys(app) == expected_keys(app), what="the table's keys")
            assert ("a", "Add") in shown_keys(app) and ("ctrl+u", "Clear") not in shown_keys(app)
        await open_section(app, pilot, "alerting")
        table_titled(app, "Alert rules").focus()
        await pilot_wait_until(pilot, lambda: shown_keys(app) == expected_keys(app), what="another section's keys")
