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
