"""The user config's `[keymap]` remaps keys through Textual's keymap; a chosen theme is kept there."""

from __future__ import annotations

import os
from pathlib import Path

from aiwf_tui.config import save_theme, user_theme
from tests.app_helpers import make_app, wait_loaded
from tests.helpers import DEMO_DIR, copy_project
from tests.waiting import pilot_wait_until


def _config() -> Path:
    return Path(os.environ["AIWF_CONFIG"])  # the conftest points it into tmp_path


async def test_keymap_from_the_user_config_remaps_a_binding(tmp_path):
    _config().write_text('[knowledge]\nurl = ""\n\n[keymap]\n"section.next" = "ctrl+n"\n', encoding="utf-8")
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot_wait_until(pilot, lambda: app.config_file is not None)
        await pilot.pause()
        await pilot.press("n")  # n no longer moves on: the binding has other keys now
        assert app.workflow_screen.current == "welcome"
        await pilot.press("ctrl+n")
        assert app.workflow_screen.current == "knowledge"


async def test_a_broken_keymap_is_named_and_the_app_opens(tmp_path):
    _config().write_text('[keymap]\n"section.next" = 3\n', encoding="utf-8")
    app = make_app(copy_project(DEMO_DIR, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot_wait_until(pilot, lambda: any("keymap" in n.message for n in app._notifications))
        await pilot.press("n")
        assert app.workflow_screen.current == "knowledge"  # the default keys still work


async def test_the_chosen_theme_is_kept_for_the_next_start(tmp_path):
    project = copy_project(DEMO_DIR, tmp_path)
    _config().write_text('# mine\n[knowledge]\nurl = ""\n', encoding="utf-8")
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot_wait_until(pilot, lambda: app.config_file is not None)
        app.theme = "nord"  # what choosing it in the palette does
        await pilot_wait_until(pilot, lambda: 'theme = "nord"' in _config().read_text(encoding="utf-8"))
    text = _config().read_text(encoding="utf-8")
    assert text.startswith('# mine\n[knowledge]\nurl = ""\n')  # the rest of the file is untouched
    again = make_app(project)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_loaded(again, pilot)
        await pilot_wait_until(pilot, lambda: again.theme == "nord")


def test_save_theme_replaces_its_own_line_only(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[ui]\ntheme = "nord"\n\n[keymap]\n"app.quit" = "ctrl+q"\n', encoding="utf-8")
    save_theme("gruvbox", path)
    assert path.read_text(encoding="utf-8") == '[ui]\ntheme = "gruvbox"\n\n[keymap]\n"app.quit" = "ctrl+q"\n'
    import tomllib

    assert user_theme(tomllib.loads(path.read_text(encoding="utf-8"))) == "gruvbox"


async def test_debug_log_records_what_the_app_did(tmp_path, monkeypatch):
    """`aiwf --debug` / AIWF_LOG=FILE: a log to attach to a bug report, at the path `aiwf config path` names."""
    import logging

    from aiwf_tui.config import log_path, start_log

    target = tmp_path / "logs" / "aiwf.log"
    monkeypatch.setenv("AIWF_LOG", str(target))
    assert log_path() == target
    before = list(logging.getLogger().handlers)
    start_log(log_path())
    try:
        app = make_app(copy_project(DEMO_DIR, tmp_path))
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_loaded(app, pilot)
    finally:
        for handler in logging.getLogger().handlers:
            if handler not in before:
                handler.close()
                logging.getLogger().removeHandler(handler)
    text = target.read_text(encoding="utf-8")
    assert "aiwf.app: opened" in text and "fleet-docs-assistant" in text
