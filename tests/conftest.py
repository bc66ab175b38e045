"""Shared test fixtures: the shared fixture projects and the demo project."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

SHARED_DIR = Path(__file__).resolve().parents[2] / "shared"
DEMO_DIR = Path(__file__).resolve().parents[1] / "aiwf_tui" / "demo" / "fleet-docs-assistant"


@pytest.fixture
def shared_dir() -> Path:
    """/work/shared: the workflow step file and the fixture projects."""
    return SHARED_DIR


@pytest.fixture
def fixture_copy(tmp_path):
    """`fixture_copy(name)`: a fresh copy of /work/shared/fixtures/<name> under tmp_path."""

    def copy(name: str) -> Path:
        target = tmp_path / name
        shutil.copytree(SHARED_DIR / "fixtures" / name, target)
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
