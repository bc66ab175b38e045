"""Starting and stopping the real Prometheus and Alertmanager of the fire drill.

Each server listens on a free port of 127.0.0.1 only (Alertmanager's cluster listener is
switched off), keeps its data in the drill's temporary folder, and runs in a session of
its own, so a Ctrl-C at the terminal reaches aiwf alone, which then stops them in order.
On Linux each child also gets SIGTERM from the kernel if aiwf itself dies (SIGKILL
included), so no server outlives the drill.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

READY_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


class MissingBinary(Exception):
    """A server binary is not there; the message says what to install or set."""


def find_binary(tool: str) -> str:
    """The path of `tool` (`prometheus` or `alertmanager`), honouring AIWF_PROMETHEUS /
    AIWF_ALERTMANAGER (`aiwf_tui.tools`, which `aiwf validate` uses for promtool and amtool)."""
    from aiwf_tui.tools import find_tool

    found = find_tool(tool)
    if found.path is None:
        raise MissingBinary(found.problem or f"{tool} is not installed")
    return found.path


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _libc_prctl():
    """libc's prctl, resolved in the parent so the child calls it without loading anything."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL("libc.so.6", use_errno=True).prctl
    except OSError:
        return None


_PRCTL = _libc_prctl()
_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """SIGTERM to the child when aiwf dies, even by SIGKILL (one pre-resolved libc call: no
    lock is taken, so the threads of the loopback servers cannot deadlock the fork)."""
    if _PRCTL is not None:
        _PRCTL(_PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Server:
    """A running server: its process, port and log file."""

    name: str
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_tail(self, lines: int = 5) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return " | ".join(line.strip() for line in text.splitlines()[-lines:] if line.strip())

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it has not exited within STOP_TIMEOUT seconds."""
        if self.process.poll() is None:
            try:
                self.process.send_signal(signal.SIGTERM)
                self.process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            except ProcessLookupError:
                pass


def start(name: str, argv: list[str], port: int, folder: Path) -> Server:
    """Start a server writing its output to `folder/<name>.log`."""
    log = folder / f"{name}.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            argv,
            cwd=folder,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
            env={**os.environ, "LC_ALL": "C"},
        )
    return Server(name, process, port, log)


def start_alertmanager(binary: str, folder: Path) -> Server:
    port = free_port()
    return start(
        "alertmanager",
        [
            binary,
            "--config.file=alertmanager.yml",
            f"--storage.path={folder / 'alertmanager-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
            "--log.level=warn",
        ],
        port,
        folder,
    )


def start_prometheus(binary: str, folder: Path) -> Server:
    port = free_port()
    return start(
        "prometheus",
        [
            binary,
            "--config.file=prometheus.yml",
            f"--storage.tsdb.path={folder / 'prometheus-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--rules.alert.resend-delay=1s",
            "--log.level=warn",
        ],
        port,
        folder,
    )


def get_json(url: str, timeout: float = 2.0) -> Any:
    """GET a JSON document from a loopback server."""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read().decode("utf-8"))


def wait_ready(server: Server, deadline: float) -> None:
    """Wait until the server answers `/-/ready`; raise RuntimeError with its log if it exits or never does."""
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with code {server.process.returncode}: {server.log_tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/-/ready", timeout=1.0) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{server.name} did not become ready within {READY_TIMEOUT:g}s: {server.log_tail()}")
        time.sleep(0.1)


__all__ = [
    "MissingBinary",
    "Server",
    "find_binary",
    "free_port",
    "get_json",
    "start_alertmanager",
    "start_prometheus",
    "wait_ready",
]
