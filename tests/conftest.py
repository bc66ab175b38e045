"""Shared test fixtures: the fixture projects under tests/fixtures/ and the demo project."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

from tests.helpers import DEMO_DIR, FIXTURES, copy_project, isolate_environment

# Hypothesis profiles (`--hypothesis-profile=NAME`): each property asks for its examples through
# tests.helpers.examples(n), which scales n by the profile's max_examples / 100.
# Hypothesis' own default profile is the working one (100 examples).
settings.register_profile("ci", max_examples=50, deadline=None, print_blob=True, database=None)
settings.register_profile("thorough", max_examples=1000, deadline=None)


def pytest_collection_modifyitems(items) -> None:
    """A test that asks for the real promtool/amtool (the `tools` fixture) is marked `tools`.

    The `slow` tests run first: pytest-xdist hands a test to whichever worker is free, in this
    order, so the longest ones start at once and the short ones fill in around them; left to
    the end, one of them would run alone on one core while the other waits."""
    for item in items:
        if "tools" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.tools)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)  # stable: the rest keep their order


@pytest.fixture
def fixture_copy(tmp_path):
    """`fixture_copy(name)`: a fresh copy of tests/fixtures/<name> under tmp_path."""

    def copy(name: str) -> Path:
        return copy_project(FIXTURES / name, tmp_path)

    return copy


@pytest.fixture
def demo_dir() -> Path:
    """The bundled demo project (read it; copy it before writing)."""
    return DEMO_DIR


@pytest.fixture(scope="session")
def _worker_cache_home(tmp_path_factory) -> Path:
    """One cache folder per xdist worker: compiled templates are reused across its tests, never shared."""
    return tmp_path_factory.mktemp("cache-home")


@pytest.fixture(autouse=True)
def isolated_config(monkeypatch, tmp_path_factory, _worker_cache_home) -> Path:
    """Every test runs in an isolated environment (`isolate_environment`): its own HOME, the
    worker's own cache folder (compiled templates, validation results). Returns the config file
    path in effect (AIWF_CONFIG, not created)."""
    return isolate_environment(monkeypatch, tmp_path_factory.mktemp("home"), _worker_cache_home)


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
