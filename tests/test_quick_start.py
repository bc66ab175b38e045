"""README's command 1, exactly as printed, on a Python that refuses system-wide installs (PEP 668).

The "system Python" here is built the way Debian lays one out: an interpreter whose stdlib
folder holds an `EXTERNALLY-MANAGED` marker, pip importable, nothing else installed. It is a
copy of the interpreter running the tests in a fresh prefix (the stdlib linked in, an empty
site-packages), so the test needs no root and touches nothing outside tmp_path. A clean copy
of the repository (its tracked files) stands in for a fresh clone, HOME is empty, and PATH
leads to that python3 first. The test checks the environment really refuses `pip install .`
before trusting it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from tests.helpers import REPO
from tests.pty_session import Pty

MARKER = """\
[externally-managed]
Error=To install Python packages system-wide, try apt install
 python3-xyz, where xyz is the package you are trying to
 install.
"""


def readme_command(number: int) -> str:
    """Command `number` of README's Quick start block, without its trailing comment."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start\s+```bash\n(.*?)```", text, re.DOTALL)
    assert block, "README.md has no ```bash block under '## Quick start'"
    lines = [line for line in block.group(1).splitlines() if line.strip()]
    return re.sub(r"\s{2,}#.*$", "", lines[number - 1]).strip()


def externally_managed_python(prefix: Path) -> Path:
    """A python3 in `prefix` whose stdlib folder carries EXTERNALLY-MANAGED; returns its bin folder."""
    base_stdlib = Path(sysconfig.get_path("stdlib", vars={"installed_base": sys.base_prefix}))
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    bin_dir, stdlib = prefix / "bin", prefix / "lib" / version
    bin_dir.mkdir(parents=True)
    stdlib.mkdir(parents=True)
    # A copy, not a link: the interpreter finds its prefix from where its executable lies.
    shutil.copy2(os.path.realpath(sys._base_executable), bin_dir / version)
    (bin_dir / "python3").symlink_to(version)
    for entry in base_stdlib.iterdir():
        if entry.name != "site-packages":
            (stdlib / entry.name).symlink_to(entry)
    site = stdlib / "site-packages"
    site.mkdir()
    pip = Path(__import__("pip").__file__).parent  # Debian's python3-pip: pip present, refusing
    (site / "pip").symlink_to(pip)
    (stdlib / "EXTERNALLY-MANAGED").write_text(MARKER, encoding="utf-8")
    return bin_dir


def fresh_clone(target: Path) -> Path:
    """The repository's tracked (and new, not ignored) files, as `git clone` would lay them out."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def clean_env(bin_dir: Path, home: Path) -> dict[str, str]:
    """A login-like environment: the PEP 668 python first on PATH, an empty HOME, the machine's pip config."""
    env = {key: value for key, value in os.environ.items() if key.startswith("PIP_") or key in ("LANG", "LC_ALL")}
    env.update(
        PATH=f"{bin_dir}:/usr/local/bin:/usr/bin:/bin",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        XDG_STATE_HOME=str(home / ".local" / "state"),
        XDG_DATA_HOME=str(home / ".local" / "share"),
    )
    return env


@pytest.mark.slow
@pytest.mark.pty
@pytest.mark.skipif(not shutil.which("git") or not (REPO / ".git").exists(), reason="needs a git checkout")
def test_command_1_works_on_an_externally_managed_python(tmp_path):
    bin_dir = externally_managed_python(tmp_path / "system")
    home = tmp_path / "home"
    home.mkdir()
    clone = fresh_clone(tmp_path / "aiwf-tui")
    env = clean_env(bin_dir, home)
    python3 = subprocess.run(["sh", "-c", "command -v python3"], env=env, check=False, capture_output=True, text=True)
    assert python3.stdout.strip() == str(bin_dir / "python3")

    # The environment is faithful: installing system-wide is refused, as on Debian 12.
    refused = subprocess.run(
        ["python3", "-m", "pip", "install", "--no-deps", "--no-build-isolation", "."],
        cwd=clone,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode != 0 and "externally-managed-environment" in refused.stdout + refused.stderr

    command = readme_command(1)
    assert "--break-system-packages" not in command
    session = Pty([], clone, command=["bash", "-c", command], env=env)
    try:
        # The first run installs (tens of seconds against the configured registries), then opens the demo.
        session.wait_for("Welcome to Phase 5", timeout=600)
        session.type("\x11")  # ctrl+q
        assert session.proc.wait(timeout=30) == 0
    finally:
        session.close()
    assert (clone / "fleet-docs-assistant" / "sidecar.yaml").is_file()

    program = shlex.split(command.split("&&")[-1])[0]  # what command 1 runs aiwf as
    version = subprocess.run(
        [program, "--version"], cwd=clone, env=env, check=False, capture_output=True, text=True, timeout=60
    )
    assert version.returncode == 0, version.stderr
    assert re.fullmatch(r"aiwf \d+\.\d+\.\d+\S*\n", version.stdout)
    # Nothing went into the system Python: its site-packages still holds only pip.
    assert [p.name for p in (bin_dir.parent / "lib").glob("python3*/site-packages/*")] == ["pip"]
