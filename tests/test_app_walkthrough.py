"""Walk the demo project through every section with key presses only, write, and compare
with `aiwf render` of the saved plan."""

from __future__ import annotations

import shutil

import pytest

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model import load_project
from aiwf_tui.model.plan_io import load_plan
from tests.app_helpers import answer, make_app, wait_loaded
from tests.helpers import DEMO_DIR, TODAY, aiwf, copy_project, tree_hashes
from tests.waiting import pilot_wait_until

ANSWERS = {  # short: every character is a key press through the pilot
    "monitoring": ["Prometheus, AKS", "P99, token spend"],
    "drift": ["Weekly bulletins", "Embedding drift"],
    "alerting": ["PagerDuty, Teams", "SRE on call"],
    "incident": ["Platform on-call"],
    "alerts_config": ["https://wiki.corvane.example/rb"],
    "improvement": ["Weekly review"],
}


#: The sections' own questions, answered with keys below; every other open item (table cells,
#: thresholds, runbook steps) is answered in the plan beforehand, as `aiwf plan --set` would.
QUESTION_PATHS = (
    "monitoring.infrastructure",
    "monitoring.critical_metrics",
    "drift.change_pace",
    "drift.approach_answer",
    "alerting.channels_answer",
    "alerting.notify_answer",
    "incident.answer",
    "alerts_config.runbook_url",
    "improvement.answer",
)


def _prefill(project_dir) -> None:
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan_io import dump_plan
    from tests.render_helpers import answer_all

    project = load_project(project_dir)
    plan = answer_all(new_plan(project), project, skip=QUESTION_PATHS)
    (project_dir / PLAN_FILE).write_text(dump_plan(plan), encoding="utf-8")


@pytest.mark.slow
async def test_walk_every_section_confirm_and_write(tmp_path):
    project_dir = copy_project(DEMO_DIR, tmp_path / "app")
    pristine = copy_project(DEMO_DIR, tmp_path / "cli")
    _prefill(project_dir)
    app = make_app(project_dir)  # renders dated TODAY, as `aiwf render --date TODAY` below
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        screen = app.workflow_screen
        assert screen.current == "welcome"
        await pilot.press("n")
        assert screen.current == "knowledge"
        for key in (
            "monitoring",
            "drift",
            "alerting",
            "incident",
            "runbook",
            "alerts_config",
            "improvement",
            "decisions",
        ):
            await pilot.press("n")
            await pilot.pause()
            assert screen.current == key
            # Confirming before answering is refused: nothing is decided without the engineer.
            if ANSWERS.get(key):
                await pilot.press("c")
                assert app.ctx.plan.section(key).status == "draft"
            for i, text in enumerate(ANSWERS.get(key, [])):
                if i:
                    await pilot.press("tab")
                await answer(pilot, text)
            await pilot.press("c")
            await pilot.pause()
            assert app.ctx.plan.section(key).status == "confirmed", key
        await pilot.press("n")
        assert screen.current == "files"
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("y")
        await pilot_wait_until(pilot, lambda: screen.current == "summary")
        await pilot.press("n")
        assert screen.current == "menu"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0

    plan = load_plan(project_dir / PLAN_FILE, project_dir)
    assert plan.monitoring.infrastructure == ANSWERS["monitoring"][0]
    assert not plan.drafts()
    assert load_project(project_dir).phase5_complete

    # The same plan through the headless CLI gives byte-identical artifacts.
    shutil.copy(project_dir / PLAN_FILE, pristine / PLAN_FILE)
    result = aiwf("render", pristine, "--date", TODAY)
    assert result.returncode == 0, result.stderr
    assert tree_hashes(project_dir) == tree_hashes(pristine)


async def test_editing_a_confirmed_section_returns_it_to_draft(tmp_path):
    project_dir = copy_project(DEMO_DIR, tmp_path)
    app = make_app(project_dir)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("monitoring")
        await pilot.pause()
        await answer(pilot, "Prometheus")
        await pilot.press("tab")
        await answer(pilot, "Latency")
        await pilot.press("c")
        assert app.ctx.plan.monitoring.status == "confirmed"
        await answer(pilot, " and errors")  # focus is back on the second answer
        assert app.ctx.plan.monitoring.status == "draft"
        assert app.ctx.plan.monitoring.infrastructure == "Prometheus"
        assert app.ctx.plan.monitoring.critical_metrics == "Latency and errors"
