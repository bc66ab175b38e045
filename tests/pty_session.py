"""A program in a pseudo-terminal, as a user's terminal (or SSH) would run it; the screen
is read continuously, so a test can wait until something shows."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

from tests.waiting import TIMEOUT, wait_until


class Pty:
    """`aiwf ...` in a pseudo-terminal, as over SSH; the screen is read continuously.

    `command` replaces `python -m aiwf_tui` (e.g. a shell line), `env` the inherited environment."""

    def __init__(
        self,
        args: list[str],
        cwd: Path,
        size: tuple[int, int] = (120, 40),
        command: list[str] | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        env = dict(os.environ if env is None else env, TERM="xterm-256color", COLUMNS=str(size[0]), LINES=str(size[1]))
        env.pop("AIWF_TEST_SLOW_WRITE", None)
        command = [sys.executable, "-m", "aiwf_tui"] if command is None else command
        self.proc = subprocess.Popen(
            [*command, *args], stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=env, start_new_session=True
        )
        os.close(slave)
        self.master = master
        self.buffer = bytearray()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            self.buffer.extend(data)

    def mark(self) -> int:
        """A position in the output: `text(since=mark)` is what was shown after it."""
        return len(self.buffer)

    def text(self, since: int = 0) -> str:
        """What was shown (after `since`), without the escape sequences."""
        raw = bytes(self.buffer[since:])
        raw = re.sub(rb"\x1b\[[0-9;?<>=$]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]", b"", raw)
        return raw.decode("utf-8", "replace")

    def wait_for(self, needle: str, timeout: float = TIMEOUT, since: int = 0) -> None:
        """Wait until `needle` is shown (after `since`); fail with the end of the screen otherwise."""
        try:
            wait_until(
                lambda: needle in self.text(since) or self.proc.poll() is not None, timeout=timeout, what=repr(needle)
            )
        except AssertionError:
            pass
        if needle not in self.text(since):
            raise AssertionError(f"{needle!r} did not appear; the screen ends with:\n{self.text()[-2000:]}")

    def type(self, text: str) -> None:
        """Send keys as the terminal would (the app reads them as fast as they come)."""
        os.write(self.master, text.encode())

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        try:
            os.close(self.master)
        except OSError:
            pass
