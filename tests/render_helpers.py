"""Helpers for the render tests (not a test module)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import SECTIONS, OperationsPlan

REPO = Path(__file__).resolve().parents[1]


def aiwf(*args: str | Path) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess (as a user would)."""
    return subprocess.run([sys.executable, "-m", "aiwf_tui", *map(str, args)], capture_output=True, text=True,
                          cwd=REPO, timeout=60)


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under root (relative path -> digest)."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def confirmed(plan: OperationsPlan) -> OperationsPlan:
    """The plan with every section confirmed."""
    plan = plan.model_copy(deep=True)
    for key, _title in SECTIONS:
        plan.section(key).status = "confirmed"
    return plan


def confirmed_plan(root: Path) -> OperationsPlan:
    return confirmed(new_plan(load_project(root)))


def confirm_file(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("status: draft", "status: confirmed"), encoding="utf-8")
