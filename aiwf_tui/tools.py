"""The outside binaries aiwf runs (promtool, amtool, ...): found, identified, versioned.

A tool is the binary named by `AIWF_<TOOL>` (`AIWF_PROMTOOL=/opt/prom3/promtool`) or, when
that is unset, the one on PATH. A tool that cannot be found is not an error: it comes back
with `path=None` and a `problem` saying what to do, and callers report it as skipped.

The version (`promtool --version`) is remembered in the user cache folder by the binary's
path, size and modification time, so a validation answered from the cache starts no process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiwf_tui.check_cache import CheckCache

#: Versions the generated files were written against (Debian bookworm's packages).
PINNED = {"promtool": "2.42", "amtool": "0.25"}
INSTALL_HINT = {
    "promtool": "install Prometheus 2.42 (Debian/Ubuntu: apt-get install prometheus) or put promtool on PATH",
    "amtool": "install Alertmanager 0.25 (Debian/Ubuntu: apt-get install prometheus-alertmanager) or put amtool on PATH",
    "prometheus": "install Prometheus 2.42 (Debian/Ubuntu: apt-get install prometheus) or put prometheus on PATH",
    "alertmanager": "install Alertmanager 0.25 (Debian/Ubuntu: apt-get install prometheus-alertmanager) "
    "or put alertmanager on PATH",
}
#: Other names a tool goes by on PATH (Debian installs the Alertmanager server as prometheus-alertmanager).
ALSO_NAMED = {"alertmanager": ("prometheus-alertmanager",)}
VERSION_TIMEOUT = 10.0


@dataclass(frozen=True)
class Tool:
    """A binary as found: where it is and its version, or why it cannot be used."""

    name: str
    path: str | None
    version: str | None = None
    problem: str | None = None
    identity: (
        tuple[str, int, int] | tuple[()]
    ) = ()  # (path, size, mtime) of the binary: a different binary is a different tool

    @property
    def found(self) -> bool:
        return self.path is not None

    def describe(self) -> str:
        """`promtool 2.42.0 (/usr/bin/promtool)` or the problem."""
        if self.path is None:
            return f"{self.name}: {self.problem}"
        return f"{self.name} {self.version or '(version unknown)'} ({self.path})"


def env_name(tool: str) -> str:
    """The variable that names another binary for `tool`: AIWF_PROMTOOL, AIWF_AMTOOL, ..."""
    return "AIWF_" + re.sub(r"\W", "_", tool.upper())


def find_tool(name: str, cache: CheckCache | None = None) -> Tool:
    """Locate `name` (honouring `AIWF_<NAME>`) and read its version; never raises."""
    variable = env_name(name)
    override = os.environ.get(variable, "").strip()
    if override:
        path = shutil.which(override)
        if path is None:
            why = "not an executable file" if Path(override).exists() else "no such file"
            return Tool(
                name,
                None,
                problem=f"{variable}={override}: {why} - point {variable} at a {name} "
                f"binary, or unset it to use the {name} on PATH",
            )
    else:
        path = next((p for p in map(shutil.which, (name, *ALSO_NAMED.get(name, ()))) if p), None)
        if path is None:
            hint = INSTALL_HINT.get(name, f"put {name} on PATH")
            return Tool(name, None, problem=f"{name} is not installed - {hint}, or set {variable} to its path")
    path = os.path.abspath(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        return Tool(name, None, problem=f"{path}: {exc.strerror or exc}")
    identity = (os.path.realpath(path), st.st_size, st.st_mtime_ns)
    return Tool(name, path, _version(path, identity, cache), identity=identity)


def _version(path: str, identity: tuple[str, int, int], cache: CheckCache | None) -> str | None:
    key = ("tool-version", *identity)
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit.get("version")
    try:
        done = subprocess.run(
            [path, "--version"],
            check=False,
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT,
            env={**os.environ, "LC_ALL": "C"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    m = re.search(r"version (\d+\.\d+(?:\.\d+)?)", done.stdout + done.stderr)
    version = m.group(1) if m else None
    if cache is not None and version is not None:
        cache.put(key, {"version": version})
    return version


def tool_version(name: str) -> str | None:
    """`2.42.0` for the promtool aiwf would run; None if it is missing or says nothing usable."""
    return find_tool(name).version


def version_note(tool: Tool) -> str | None:
    """A line when a found tool's version differs from the one the generated files were written for."""
    pinned = PINNED.get(tool.name)
    found = tool.version
    if pinned is None or found is None or found == pinned or found.startswith(pinned + "."):
        return None
    return f"note: {tool.name} {found} is installed; the generated files were written against {pinned}"
