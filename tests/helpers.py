"""Paths and project-folder helpers every kind of test uses (no Textual here).

The fixture projects live in tests/fixtures/ (see its README); the demo project ships in the
package. Tests copy a project before writing to it.
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
import sys
import traceback
from pathlib import Path

import pytest
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


def aiwf_in_process(*args: str | Path) -> subprocess.CompletedProcess:
    """Run the CLI in this process: what `python -m aiwf_tui ARGS` runs (`cli.main`), stdin empty,
    stdout and stderr captured, the exit code returned as a process would return it. It skips the
    ~0.3 s of interpreter start-up and imports a subprocess pays. An exception that escapes is
    printed as Python prints it, so a "no traceback" check sees it. Not thread-safe (it swaps
    sys.stdout); not for what needs a real process: signals, hangs, memory or stack bombs, the
    console script itself (use `aiwf` for those)."""
    from aiwf_tui import cli

    argv = [str(arg) for arg in args]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = io.StringIO(), out, err
    try:
        code = cli.main(argv)
    except SystemExit as exc:  # argparse's usage errors, --help, --version
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
        code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    except Exception:
        traceback.print_exc()
        code = 1
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
    return subprocess.CompletedProcess(["aiwf", *argv], code, out.getvalue(), err.getvalue())


def isolate_environment(monkeypatch: pytest.MonkeyPatch, home: Path, cache_home: Path) -> Path:
    """No user config, server URL or home folder leaks in (nor out, into another xdist worker):
    HOME and the XDG folders under `home`, the user cache folder `cache_home`, knowledge from the
    embedded base, promtool and amtool from PATH. Returns the config file path in effect
    (AIWF_CONFIG, not created)."""
    monkeypatch.delenv("AIWF_KNOWLEDGE_URL", raising=False)
    monkeypatch.delenv("AIWF_KNOWLEDGE_API_KEY", raising=False)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    # The last knowledge answer is recorded in the user state folder: the test's own.
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("AIWF_NO_TEMPLATE_CACHE", "1")  # nothing written to the user cache folder
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("AIWF_PROMTOOL", raising=False)
    monkeypatch.delenv("AIWF_AMTOOL", raising=False)
    config = home / "config.toml"
    monkeypatch.setenv("AIWF_CONFIG", str(config))
    return config


def examples(n: int) -> int:
    """Hypothesis examples for a property: `n` under the default profile (100 examples), scaled
    by the profile in effect (`--hypothesis-profile=ci` runs half, `thorough` ten times as many)."""
    return max(10, n * settings.default.max_examples // 100)
