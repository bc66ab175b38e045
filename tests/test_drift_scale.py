"""Drift severities as one scale of the drift score: bands in order, gaps and overlaps visible,
and an edit that would overlap or invert two bands refused."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aiwf_tui.model.plan import DriftSection, SeverityResponse
from aiwf_tui.widgets.drift_scale import DriftScale, scale_text
from aiwf_tui.widgets.editable_table import EditableTable
from aiwf_tui.widgets.editor_bar import EditorBar
from tests.app_helpers import make_app, select_cell, type_text, wait_loaded
from tests.helpers import DEMO_DIR
from tests.render_helpers import answered_copy
from tests.waiting import pilot_wait_until


def band(severity: str, lo: float, hi: float) -> SeverityResponse:
    return SeverityResponse(severity=severity, action=f"act on {severity}", score_from=lo, score_to=hi)


def test_the_scale_shows_bands_gaps_and_overlaps():
    bands = [band("Low", 0.1, 0.3), band("High", 0.5, 0.7)]
    text = scale_text(bands, 40)
    bar = text.plain.splitlines()[1]
    assert bar == "····" + " Low    " + "········" + " High   " + "············"
    assert "Low 0.1–0.3: act on Low" in text.plain and "High 0.5–0.7: act on High" in text.plain
    overlapping = SeverityResponse.model_construct(severity="Medium", action="", score_from=0.2, score_to=0.6)
    assert "!" in scale_text([*bands, overlapping], 20).plain.splitlines()[1]


def test_overlapping_and_inverted_bands_are_refused():
    with pytest.raises(ValidationError, match="overlap"):
        DriftSection(responses=[band("Low", 0.1, 0.4), band("Medium", 0.3, 0.5)])
    with pytest.raises(ValidationError, match="inverted"):
        DriftSection(responses=[band("High", 0.1, 0.3), band("Low", 0.3, 0.5)])
    with pytest.raises(ValidationError, match="inverted"):
        DriftSection(responses=[band("Low", 0.4, 0.2)])


async def test_editing_a_band_redraws_the_scale_and_an_overlap_is_refused(tmp_path):
    app = make_app(answered_copy(DEMO_DIR, tmp_path))  # bands start open: the answered plan has them
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        app.workflow_screen.show_section("drift")
        await pilot_wait_until(pilot, lambda: bool(app.screen.query(DriftScale)))
        scale = app.screen.query_one(DriftScale)
        responses = app.ctx.plan.drift.responses
        assert "Medium 0.3–0.5" in str(scale.render())
        table = next(t for t in app.screen.query(EditableTable) if t.spec.title == "Response actions")
        select_cell(table, 1, 4)  # Medium, score to
        await pilot.press("enter")
        await pilot.press("ctrl+u")
        await type_text(pilot, "0.6")
        editor = app.screen.query_one(EditorBar)
        await pilot_wait_until(pilot, lambda: "overlap" in str(editor.query_one(".editor-error").render()))
        assert responses[1].score_to != 0.6  # refused: the model keeps the last band that fitted
        await pilot.press("ctrl+u")
        await type_text(pilot, "0.45")
        await pilot.press("enter")
        assert responses[1].score_to == 0.45
        await pilot_wait_until(pilot, lambda: "Medium 0.3–0.45" in str(scale.render()))
