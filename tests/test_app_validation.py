"""The Alerting section checks the written files with promtool and amtool in a worker:
progress while they run, the app usable meanwhile, escape stops them (the tools are killed)."""

from __future__ import annotations

from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.render import prometheus as prom
from aiwf_tui.widgets.validation_status import ValidationStatus
from tests.app_helpers import make_app, table_titled, wait_loaded
from tests.helpers import DEMO_DIR, copy_project
from tests.test_validate import alive as _alive
from tests.test_validate import unit_test_pids, wrapper
from tests.waiting import pilot_wait_until


def _written_project(tmp_path):
    root = copy_project(DEMO_DIR, tmp_path)
    project = load_project(root)
    plan = new_plan(project)
    for channel in plan.alerting.channels:
        channel.target = channel.target or "ops@example.com"
    for rel, text in prom.prometheus_artifacts(project, plan).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def _status(app) -> ValidationStatus:
    return app.screen.query_one(ValidationStatus)


def _footer_offers_stop(app) -> bool:
    from textual.widgets import Footer

    footer = app.screen.query_one(Footer)
    return any(str(getattr(key, "description", "")) == "Stop" for key in footer.children if key.display)


def _status_shows(app, text: str, *, running: bool | None = None) -> bool:
    """The Alerting section's check status is on screen, shows `text` and (unless None) is or is not running."""
    return (
        bool(app.screen.query(ValidationStatus))
        and running in (None, _status(app).running)
        and text in str(_status(app).render())
    )


async def test_escape_stops_the_checks_and_the_app_stays_usable(tmp_path, tools, monkeypatch):
    root = _written_project(tmp_path)
    # promtool's unit tests wait for a file nobody creates, so the checks are surely still
    # running when escape is pressed, however fast or loaded the machine is
    hold = f'case "$1" in test) while [ ! -e "{tmp_path / "never"}" ]; do sleep 0.05; done;; esac'
    promtool, log = wrapper(tmp_path, "promtool", before=hold)
    monkeypatch.setenv("AIWF_PROMTOOL", str(promtool))
    app = make_app(root)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("alerting")
        await pilot_wait_until(pilot, lambda: _status_shows(app, "promtool test rules (promtool 2.42.0)"), timeout=30)
        await pilot_wait_until(pilot, lambda: unit_test_pids(log))
        pids = unit_test_pids(log)

        table = table_titled(app, "Alert rules")  # usable meanwhile: move through the rules while promtool runs
        await pilot_wait_until(pilot, lambda: app.focused is not None)  # the section has focused its first answer
        table.focus()
        await pilot_wait_until(pilot, lambda: app.focused is table)
        row = table.cursor_row
        await pilot.press("j")
        await pilot_wait_until(pilot, lambda: table.cursor_row == row + 1)
        assert _status(app).running
        await pilot_wait_until(pilot, lambda: _footer_offers_stop(app))

        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not _status(app).running)
        await pilot_wait_until(pilot, lambda: not _footer_offers_stop(app))
        assert "Checks stopped" in str(_status(app).render())
        await pilot_wait_until(pilot, lambda: not any(_alive(pid) for pid in pids), timeout=10)
        assert app.workflow_screen.current == "alerting"


async def test_an_unchanged_project_shows_its_verdict_from_the_cache(tmp_path, tools):
    root = _written_project(tmp_path)
    app = make_app(root)
    async with app.run_test(size=(160, 48)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("alerting")
        await pilot_wait_until(pilot, lambda: _status_shows(app, "PASS promtool test rules", running=False), timeout=60)
        app.workflow_screen.show_section("drift")
        await pilot.pause()
        app.workflow_screen.show_section("alerting")
        await pilot_wait_until(pilot, lambda: _status_shows(app, "PASS promtool test rules", running=False))
        shown = str(_status(app).render())
        assert "(promtool 2.42.0, cached)" in shown and "FAIL" not in shown
