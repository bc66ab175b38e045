"""Paths and project-folder helpers every kind of test uses (no Textual here).

The fixture projects live in tests/fixtures/ (see its README); the demo project ships in the
package. Tests copy a project before writing to it.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
DEMO_DIR = REPO / "aiwf_tui" / "demo" / "fleet-docs-assistant"
#: The date every test renders with (what the app and `aiwf render --date` are given).
TODAY = "2026-03-10"


def copy_project(source: Path, where: Path) -> Path:
    """A fresh copy of the project folder `source`, as `where/<its name>`."""
    target = where / source.name
    shutil.copytree(source, target)
    return target


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under root (relative POSIX path -> digest)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def aiwf(*args: str | Path, **kwargs) -> subprocess.CompletedProcess:
    """Run the CLI in a subprocess, as a user would (`python -m aiwf_tui ...`)."""
    kwargs.setdefault("cwd", REPO)
    kwargs.setdefault("timeout", 120)
    return subprocess.run([sys.executable, "-m", "aiwf_tui", *map(str, args)], capture_output=True, text=True, **kwargs)


def examples(n: int) -> int:
    """Hypothesis examples for a property: `n` under the default profile (100 examples), scaled
    by the profile in effect (`--hypothesis-profile=ci` runs half, `thorough` ten times as many)."""
    return max(10, n * settings.default.max_examples // 100)
