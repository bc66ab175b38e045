"""bench/run.py --smoke --json runs and prints the expected figures (no timing is asserted).

`--smoke` measures every figure once on the smallest inputs: the same code as `--quick` and the
full run, at a third of `--quick`'s cost. Set AIWF_SKIP_BENCH_SMOKE=1 to skip it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.helpers import REPO

KEYS = (
    "startup_ms",
    "textual_floor_ms",
    "startup_ratio",
    "keystroke_preview_p95_ms",
    "keystroke_preview_2k_p95_ms",
    "keystroke_echo_p95_ms",
    "echo_floor_p95_ms",
    "keystroke_echo_2k_p95_ms",
    "echo_floor_2k_p95_ms",
    "echo_ratio",
    "echo_ratio_2k",
    "echo_samples",
    "editor_open_p95_ms",
    "editor_commit_p95_ms",
    "render_demo_ms",
    "validate_demo_ms",
    "promtool_test_demo_ms",
    "validate_ratio",
    "validate_cached_demo_ms",
    "render_10k_ms",
    "render_decisions_ms",
    "decisions_table_10k_ms",
    "peak_rss_mb",
    "targets",
    "machine",
)


@pytest.mark.slow
@pytest.mark.skipif(bool(os.environ.get("AIWF_SKIP_BENCH_SMOKE")), reason="AIWF_SKIP_BENCH_SMOKE is set")
def test_quick_benchmark_prints_json_with_every_figure():
    out = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--smoke", "--json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=170,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    result = json.loads(out.stdout)
    for key in KEYS:
        assert key in result, key
    assert result["quick"] is True and result["smoke"] is True
    for key in (
        "startup_ms",
        "textual_floor_ms",
        "keystroke_preview_p95_ms",
        "keystroke_echo_p95_ms",
        "editor_open_p95_ms",
        "editor_commit_p95_ms",
        "render_demo_ms",
        "decisions_table_10k_ms",
        "peak_rss_mb",
    ):
        assert isinstance(result[key], (int, float)) and result[key] > 0, key
    assert all("met" in t for t in result["targets"].values())
