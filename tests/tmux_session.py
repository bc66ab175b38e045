"""A program in a real tmux, as a user runs aiwf inside tmux: a tmux server of the test's own
(its socket in a temporary folder, no user config), one pane whose screen a test reads with
capture-pane and waits on, and keys sent with send-keys.

The pane stays after its program exits (`remain-on-exit`), so a test can kill the program and
start another in the same pane (`respawn`)."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from tests.waiting import TIMEOUT, wait_until

CONFIG = """\
set -g remain-on-exit on
set -g status off
set -g default-terminal tmux-256color
set -sg escape-time 0
"""


class Tmux:
    """One detached tmux session of `size` (columns, rows) running `command` (a shell line)."""

    def __init__(self, folder: Path, command: str, size: tuple[int, int] = (120, 40)) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.socket = folder / "tmux.sock"
        config = folder / "tmux.conf"
        config.write_text(CONFIG, encoding="utf-8")
        self.base = ["tmux", "-S", str(self.socket), "-f", str(config)]
        width, height = size
        self.tmux("new-session", "-d", "-s", "aiwf", "-x", str(width), "-y", str(height), command)

    def tmux(self, *args: str) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, timeout=TIMEOUT)
        if done.returncode != 0:
            raise AssertionError(f"tmux {' '.join(map(shlex.quote, args))} failed: {done.stderr.strip()}")
        return done.stdout

    def screen(self) -> str:
        """What the pane shows now, one line per row, without colours."""
        return self.tmux("capture-pane", "-p", "-t", "aiwf")

    def wait_for(self, needle: str, timeout: float = TIMEOUT) -> None:
        """Wait until `needle` is on the screen; fail with the screen otherwise."""
        try:
            wait_until(lambda: needle in self.screen(), timeout=timeout, what=repr(needle))
        except AssertionError:
            raise AssertionError(f"{needle!r} did not appear; the screen shows:\n{self.screen()}") from None

    def send(self, *keys: str) -> None:
        """tmux key names (`Enter`, `Tab`, `Escape`, `C-q`) and plain text, in order."""
        self.tmux("send-keys", "-t", "aiwf", *keys)

    def type(self, text: str) -> None:
        """Text typed literally (no key names)."""
        self.tmux("send-keys", "-t", "aiwf", "-l", text)

    def pane_pid(self) -> int:
        """The process the pane runs (its command, when the shell line `exec`s it)."""
        return int(self.tmux("display-message", "-p", "-t", "aiwf", "#{pane_pid}").strip())

    def pane_dead(self) -> bool:
        return self.tmux("display-message", "-p", "-t", "aiwf", "#{pane_dead}").strip() == "1"

    def respawn(self, command: str) -> None:
        """Run `command` in the pane again (its program has exited)."""
        self.tmux("respawn-pane", "-k", "-t", "aiwf", command)

    def close(self) -> None:
        subprocess.run([*self.base, "kill-server"], capture_output=True, timeout=TIMEOUT)
        try:
            os.unlink(self.socket)
        except OSError:
            pass
