"""The fire drill run from the Alerting section: a progress line while it runs (the app stays
usable), escape stops it and its servers, and the result is a timeline row per alert that
matches what the drill saw; without the servers, one line says what to install."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from textual.widgets import DataTable

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model.plan_io import dump_plan, load_plan
from aiwf_tui.render.prometheus.common import alert_names
from aiwf_tui.widgets.drill_timeline import DrillTimeline
from tests.app_helpers import make_app, table_titled, wait_loaded
from tests.render_helpers import confirmed
from tests.test_alert_plot import answered_project
from tests.test_drill import servers  # noqa: F401 - the fixture: the drill's binaries, else skip
from tests.waiting import pilot_wait_until

#: Seconds a whole drill may take on a loaded machine (its own limit is 85 s).
DRILL_TIMEOUT = 120.0


def ready_project(tmp_path: Path) -> Path:
    """The demo with every answer given and every section confirmed, as the drill requires."""
    project = answered_project(tmp_path)
    plan_file = project / PLAN_FILE
    plan_file.write_text(dump_plan(confirmed(load_plan(plan_file))), encoding="utf-8")
    return project


async def open_alerting(app, pilot) -> DrillTimeline:
    await wait_loaded(app, pilot)
    app.workflow_screen.show_section("alerting")
    await pilot_wait_until(pilot, lambda: bool(app.screen.query(DrillTimeline)))
    table_titled(app, "Alert rules").focus()
    await pilot.pause()
    return app.screen.query_one(DrillTimeline)


def processes_mentioning(text: str) -> list[int]:
    """Pids whose command line names `text` (the drill's temporary folder)."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and text in (entry / "cmdline").read_bytes().decode(errors="replace"):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


async def test_without_prometheus_one_line_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("AIWF_PROMETHEUS", str(tmp_path / "no-such-prometheus"))
    app = make_app(ready_project(tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        timeline = await open_alerting(app, pilot)
        await pilot.press("r")
        await pilot_wait_until(pilot, lambda: bool(timeline.problem), what="the drill's refusal")
        assert timeline.problem.startswith("Fire drill not run: ")
        assert "AIWF_PROMETHEUS=" in timeline.problem and "no such file" in timeline.problem
        assert "\n" not in timeline.problem and not timeline.running and timeline.rows == []


@pytest.mark.slow
@pytest.mark.tools
async def test_the_drill_runs_beside_the_app_stops_on_escape_and_ends_in_a_timeline(
    servers,  # noqa: F811 - the fixture imported above
    tmp_path,
    monkeypatch,
):
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))  # the drill's folder, to check it is removed
    project = ready_project(tmp_path)
    app = make_app(project)
    async with app.run_test(size=(120, 40)) as pilot:
        timeline = await open_alerting(app, pilot)
        table = table_titled(app, "Alert rules")

        await pilot.press("r")
        await pilot_wait_until(pilot, lambda: len(processes_mentioning(str(temp))) >= 2, what="the drill's servers")
        await pilot.press("j")  # the app answers while the drill runs
        await pilot_wait_until(pilot, lambda: table.cursor_coordinate.row == 1, what="the cursor to move")
        await pilot.press("escape")
        await pilot_wait_until(pilot, lambda: not timeline.running, timeout=DRILL_TIMEOUT, what="the drill to stop")
        assert timeline.problem.startswith("Fire drill stopped (escape)")
        assert processes_mentioning(str(temp)) == [] and list(temp.iterdir()) == []

        await pilot.press("r")
        await pilot_wait_until(pilot, lambda: timeline.running, what="the drill to start again")
        await pilot_wait_until(pilot, lambda: not timeline.running, timeout=DRILL_TIMEOUT, what="the drill to end")
        plan = app.ctx.plan
        assert [row.alert for row in timeline.rows] == alert_names(plan.alerting.rules)
        for row in timeline.rows:
            assert row.passed, row
            assert row.runbook_url.startswith("http"), row
            if row.verdict == "as planned":
                assert row.routed_to == row.expected and row.runbook_ok and row.seconds is not None, row
            else:  # held back by Alertmanager's inhibition, or an input the drill cannot drive
                assert row.verdict == "inhibited as planned" or row.verdict.startswith("not driven"), row
        assert sum(row.verdict == "as planned" for row in timeline.rows) >= len(timeline.rows) // 2
        shown = timeline.query_one(DataTable)
        assert shown.display and shown.row_count == len(plan.alerting.rules)
        first = shown.get_row_at(0)
        assert str(first[0]) == timeline.rows[0].alert and "●" in str(first[2])
    assert processes_mentioning(str(temp)) == [] and list(temp.iterdir()) == []


def test_each_row_says_what_went_wrong_in_words():
    from aiwf_tui.drill.run import AlertResult, DrillReport
    from aiwf_tui.widgets.drill_timeline import drill_rows, timeline_bar

    alerts = [
        AlertResult(
            "Fine",
            "high",
            "slack",
            fired=True,
            seconds=2.0,
            receiver="slack",
            runbook_url_ok=True,
            inhibited=False,
            expected_inhibited=False,
            phase="warn",
        ),
        AlertResult(
            "Misrouted",
            "critical",
            "pagerduty",
            fired=True,
            seconds=4.0,
            receiver="slack",
            runbook_url_ok=True,
            inhibited=False,
            expected_inhibited=False,
            phase="page",
        ),
        AlertResult("Silent", "medium", "slack", phase="warn"),
        AlertResult("Custom", "low", "slack", note="custom PromQL the drill cannot drive"),
    ]
    rows = drill_rows(DrillReport(alerts, factor=300.0, seconds=20.0), {"Fine": "https://x/runbook.md#fine"})
    assert [r.verdict for r in rows] == [
        "as planned",
        "routed to slack, expected pagerduty",
        "did not fire",
        "not driven: custom PromQL the drill cannot drive",
    ]
    assert rows[0].fired_at == "2.0 s (~10 min real)" and rows[0].runbook_url == "https://x/runbook.md#fine"
    assert rows[2].fired_at == "-" and rows[2].routed_to == "-"
    assert timeline_bar(4.0, 4.0).plain.endswith("●") and timeline_bar(None, 4.0).plain == "·" * 20
