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
