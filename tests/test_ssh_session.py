"""aiwf over a real SSH connection, inside tmux: the line drops (the ssh client is killed), the
answer typed is saved and the lock released; reconnecting resumes at that answer.

The test starts its own OpenSSH server on a free loopback port, as the current user, with a
host key, authorized_keys and config of its own in a temporary folder (no root, no PAM, no
system config), and logs in with a key made for the test."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from aiwf_tui.layout import LOCK_NAME, PLAN_FILE
from aiwf_tui.model.plan_io import load_plan
from tests.helpers import FIXTURES, copy_project
from tests.tmux_session import Tmux
from tests.waiting import wait_until

SSHD = shutil.which("sshd") or shutil.which("sshd", path="/usr/sbin:/usr/local/sbin")
#: The environment the remote aiwf needs from the test (SSH does not pass the client's).
PASSED = (
    "HOME",
    "XDG_CONFIG_HOME",
    "XDG_DATA_HOME",
    "XDG_STATE_HOME",
    "XDG_CACHE_HOME",
    "AIWF_CONFIG",
    "AIWF_NO_TEMPLATE_CACHE",
)

pytestmark = [
    pytest.mark.pty,
    pytest.mark.slow,
    pytest.mark.skipif(
        SSHD is None or shutil.which("ssh") is None or shutil.which("tmux") is None,
        reason="needs sshd, ssh and tmux (scripts/test.sh installs them)",
    ),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SshServer:
    """An sshd of the test's own on loopback, accepting one key for the current user."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir()
        self.folder = folder
        for name in ("host_key", "client_key"):
            subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True)
        (folder / "authorized_keys").write_bytes((folder / "client_key.pub").read_bytes())
        self.port = free_port()
        config = folder / "sshd_config"
        config.write_text(
            f"ListenAddress 127.0.0.1\nPort {self.port}\nHostKey {folder / 'host_key'}\n"
            f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPidFile none\nUsePAM no\nStrictModes no\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin prohibit-password\n"
            "X11Forwarding no\nPrintMotd no\nPrintLastLog no\n",
            encoding="utf-8",
        )
        if os.geteuid() == 0:
            # sshd started by root separates privileges into this folder (Debian's service
            # makes it at boot; a container may not have it).
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
        self.log = folder / "sshd.log"
        with self.log.open("wb") as log:
            self.proc = subprocess.Popen(
                [SSHD, "-f", str(config), "-D", "-e"], stdout=log, stderr=log, start_new_session=True
            )
        wait_until(
            lambda: "Server listening" in self.log.read_text() or self.proc.poll() is not None,
            what="sshd to listen",
        )
        if self.proc.poll() is not None:
            raise AssertionError(f"sshd exited: {self.log.read_text()}")

    def client(self, remote: str) -> str:
        """The shell line that runs `remote` over `ssh -t` (a terminal, as a user's login has)."""
        argv = [
            "ssh",
            "-t",
            "-F",
            "/dev/null",
            "-i",
            str(self.folder / "client_key"),
            "-p",
            str(self.port),
            "-o",
            "BatchMode=yes",
            "-o",
            "IdentitiesOnly=yes",
            "-o",
            "StrictHostKeyChecking=no",
            "-o",
            f"UserKnownHostsFile={self.folder / 'known_hosts'}",
            "-o",
            "LogLevel=ERROR",
            f"{pwd.getpwuid(os.geteuid()).pw_name}@127.0.0.1",
            remote,
        ]
        return "exec " + shlex.join(argv)

    def close(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        self.proc.wait(timeout=30)


@pytest.fixture
def sshd(tmp_path):
    server = SshServer(tmp_path / "sshd")
    yield server
    server.close()


def aiwf_over_ssh(server: SshServer, project: Path) -> str:
    env = [f"{name}={os.environ[name]}" for name in PASSED if name in os.environ]
    remote = f"cd {shlex.quote(str(project.parent))} && exec " + shlex.join(
        ["env", *env, sys.executable, "-m", "aiwf_tui", str(project)]
    )
    return server.client(remote)


def test_dropped_ssh_connection_saves_releases_and_resumes(tmp_path, sshd):
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    answer = "p99 latency and empty retrievals over ssh"
    term = Tmux(tmp_path / "tmux", aiwf_over_ssh(sshd, project))
    try:
        term.wait_for("Welcome to Phase 5")
        term.send("n")
        term.wait_for("▶ Knowledge")
        term.send("n")
        term.wait_for("▶ Monitoring")
        term.send("Tab", "Enter")  # the second answer of the section
        term.wait_for("Editing What metrics are most critical")
        term.type(answer)
        term.send("Escape")
        wait_until(lambda: "Editing" not in term.screen(), what="the editor to close")
        term.wait_for(answer)  # the field shows it, from the plan in memory

        os.kill(term.pane_pid(), signal.SIGKILL)  # the ssh client dies: the line dropped
        wait_until(term.pane_dead, what="the ssh client to die")
        wait_until(lambda: not (project / LOCK_NAME).exists(), what="the lock to be released")
        plan = load_plan(project / PLAN_FILE, project)
        assert plan.monitoring.critical_metrics == answer
        assert plan.resume_section == "monitoring/1"

        term.respawn(aiwf_over_ssh(sshd, project))
        term.wait_for("Resumed at Monitoring strategy")
        term.send("Enter")  # edits the answer the session was on
        term.wait_for("Editing What metrics are most critical")
        term.send("Escape", "C-q")
        wait_until(term.pane_dead, what="aiwf to quit")
        assert not (project / LOCK_NAME).exists()
    finally:
        term.close()
