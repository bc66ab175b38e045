"""Spawn a process in a real pseudo-terminal and time it until a marker is painted."""

from __future__ import annotations

import fcntl
import os
import re
import select
import signal
import struct
import subprocess
import termios
import time

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
COLS, ROWS = 160, 48


def _set_ctty() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class PtyProcess:
    """A child on a pty of COLS x ROWS, TERM=xterm-256color."""

    def __init__(self, argv: list[str], cwd: str | None = None, env: dict | None = None) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        full_env = dict(
            os.environ, TERM="xterm-256color", COLORTERM="truecolor", COLUMNS=str(COLS), LINES=str(ROWS), **(env or {})
        )
        full_env.pop("TEXTUAL", None)
        self.started = time.monotonic()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=full_env,
            start_new_session=True,
            preexec_fn=_set_ctty,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self.raw = bytearray()
        self.text = ""

    def wait_for(self, marker: str, timeout: float = 60.0) -> float:
        """Seconds from spawn until `marker` is in the (escape-stripped) output."""
        deadline = time.monotonic() + timeout
        while True:
            if marker in self.text:
                return time.monotonic() - self.started
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{marker!r} not painted within {timeout} s; output: {self.text[-400:]!r}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.5))
            if ready:
                try:
                    chunk = os.read(self.master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    if self.proc.poll() is not None:
                        raise RuntimeError(f"process exited ({self.proc.returncode}): {self.text[-400:]!r}")
                    continue
                self.raw += chunk
                self.text = ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def peak_rss_mb(self) -> float:
        """VmHWM of the child (its peak resident set so far)."""
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.proc.wait()
        os.close(self.master)


def time_to_marker(argv: list[str], marker: str, cwd: str | None = None, timeout: float = 60.0) -> float:
    child = PtyProcess(argv, cwd=cwd)
    try:
        return child.wait_for(marker, timeout)
    finally:
        child.close()
