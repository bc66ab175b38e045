"""Shared test fixtures: the fixture projects under tests/fixtures/ and the demo project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_DIR = Path(__file__).resolve().parents[1] / "aiwf_tui" / "demo" / "fleet-docs-assistant"


@pytest.fixture
def fixture_copy(tmp_path):
    """`fixture_copy(name)`: a fresh copy of tests/fixtures/<name> under tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(FIXTURES / name, target)
        return target

    return copy


@pytest.fixture
def demo_dir() -> Path:
    """The bundled demo project (read it; copy it before writing)."""
    return DEMO_DIR


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch, tmp_path_factory):
    """No user config or server URL leaks into a test; knowledge is the embedded base unless a test says so."""
    monkeypatch.delenv("AIWF_KNOWLEDGE_URL", raising=False)
    monkeypatch.delenv("AIWF_KNOWLEDGE_API_KEY", raising=False)
    monkeypatch.setenv("AIWF_CONFIG", str(tmp_path_factory.mktemp("config") / "config.toml"))
    monkeypatch.setenv("AIWF_NO_TEMPLATE_CACHE", "1")  # nothing written to the user cache folder
    # The last knowledge answer is recorded in the user state folder: a temporary one per test.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    # The user cache folder (compiled templates, validation results) is the session's own;
    # promtool and amtool are the ones on PATH unless a test names others.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.getbasetemp() / "xdg-cache"))
    monkeypatch.delenv("AIWF_PROMTOOL", raising=False)
    monkeypatch.delenv("AIWF_AMTOOL", raising=False)


@pytest.fixture(scope="session")
def tools() -> None:
    """promtool and amtool at the pinned versions; skip locally, fail under CI."""
    import os

    from aiwf_tui.tools import PINNED, tool_version

    problems = []
    for tool, pinned in PINNED.items():
        found = tool_version(tool)
        if found is None:
            problems.append(f"{tool} is not installed (need {pinned})")
        elif not (found == pinned or found.startswith(pinned + ".")):
            problems.append(f"{tool} {found} is installed; these tests were written against {pinned}")
    if problems:
        reason = "; ".join(problems)
        if os.environ.get("CI"):
            pytest.fail(f"CI requires the pinned tools: {reason}")
        pytest.skip(reason)
