"""One project, one writer: `.aiwf.lock` (aiwf_tui/lock.py) and how the verbs use it."""

from __future__ import annotations

import errno
import os
import signal
import socket
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from aiwf_tui import lock as project_lock
from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import LOCK_NAME
from aiwf_tui.lock import LockedError, acquire, holder
from tests.helpers import DEMO_DIR, FIXTURES, REPO, aiwf, copy_project, tree_hashes
from tests.pty_session import Pty
from tests.render_helpers import confirm_file
from tests.waiting import wait_until

HOLD = "import sys, time\nfrom aiwf_tui.lock import acquire\nacquire(sys.argv[1])\nprint('locked', flush=True)\ntime.sleep(60)\n"


@pytest.fixture
def other_aiwf():
    """`other_aiwf(project)`: another process holding the project's lock (killed at the end)."""
    procs: list[subprocess.Popen] = []

    def start(project: Path) -> subprocess.Popen:
        proc = subprocess.Popen([sys.executable, "-c", HOLD, str(project)], stdout=subprocess.PIPE, text=True, cwd=REPO)
        assert proc.stdout.readline().strip() == "locked"
        procs.append(proc)
        return proc

    yield start
    for proc in procs:
        proc.kill()
        proc.wait()


def dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_acquire_writes_holder_and_release_removes_it(tmp_path):
    lock = acquire(tmp_path)
    text = (tmp_path / LOCK_NAME).read_text()
    assert f"pid={os.getpid()}" in text and f"host={socket.gethostname()}" in text
    assert holder(tmp_path).pid == os.getpid()
    lock.release()
    lock.release()  # twice is fine
    assert not (tmp_path / LOCK_NAME).exists()
    assert holder(tmp_path) is None


def test_second_acquire_names_the_holder(tmp_path, other_aiwf):
    proc = other_aiwf(tmp_path)
    with pytest.raises(LockedError) as caught:
        acquire(tmp_path)
    line = caught.value.lines()[0]
    assert f"pid {proc.pid}" in line and socket.gethostname() in line
    assert "open read-only with --read-only, or close the other aiwf" in line
    assert isinstance(caught.value, AiwfError)
    assert holder(tmp_path).pid == proc.pid
    # In this process too: a second acquire while the first is held is refused.
    proc.kill()
    proc.wait()
    with acquire(tmp_path), pytest.raises(LockedError):
        acquire(tmp_path)


def test_lock_of_a_killed_process_is_taken_over(tmp_path, other_aiwf):
    proc = other_aiwf(tmp_path)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (tmp_path / LOCK_NAME).exists()  # left behind...
    assert holder(tmp_path) is None  # ...but stale
    with acquire(tmp_path) as lock:
        assert holder(tmp_path).pid == os.getpid()
        assert lock.held


def test_lock_file_naming_a_dead_pid_is_stale(tmp_path):
    (tmp_path / LOCK_NAME).write_text(f"pid={dead_pid()}\nhost={socket.gethostname()}\nsince=earlier\n")
    assert holder(tmp_path) is None
    acquire(tmp_path).release()


def test_without_flock_the_pid_decides(tmp_path, monkeypatch, other_aiwf):
    monkeypatch.setattr(project_lock, "_flock", lambda fd, flags: None)  # a filesystem without flock
    (tmp_path / LOCK_NAME).write_text(f"pid={dead_pid()}\nhost={socket.gethostname()}\n")
    acquire(tmp_path).release()
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (tmp_path / LOCK_NAME).write_text(f"pid={sleeper.pid}\nhost={socket.gethostname()}\n")
        assert holder(tmp_path).pid == sleeper.pid
        with pytest.raises(LockedError, match=f"pid {sleeper.pid}"):
            acquire(tmp_path)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_a_lock_from_another_host_is_respected(tmp_path):
    (tmp_path / LOCK_NAME).write_text("pid=4242\nhost=build-box-7\nsince=2026-03-10T09:00:00+00:00\n")
    assert holder(tmp_path).host == "build-box-7"
    with pytest.raises(LockedError) as caught:
        acquire(tmp_path)
    line = caught.value.lines()[0]
    assert "pid 4242 on build-box-7" in line and f"delete {LOCK_NAME}" in line


def test_a_read_only_folder_is_a_clear_error(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(project_lock.os, "open", denied)
    with pytest.raises(AiwfError, match="read-only") as caught:
        acquire(tmp_path)
    assert not isinstance(caught.value, LockedError)


def test_garbage_in_the_lock_file_does_not_crash(tmp_path):
    (tmp_path / LOCK_NAME).write_bytes(b"\x00\xff not a lock \n")
    assert holder(tmp_path) is None
    acquire(tmp_path).release()


# -- the verbs ---------------------------------------------------------------------------------
@pytest.fixture
def ready_project(tmp_path):
    project = copy_project(DEMO_DIR, tmp_path / "p")
    assert aiwf("plan", project).returncode == 0
    confirm_file(project / "phase-5-operations" / "operations-plan.yaml")
    return project


def test_render_refuses_while_the_app_holds_the_lock(ready_project, other_aiwf):
    proc = other_aiwf(ready_project)
    before = tree_hashes(ready_project)
    result = aiwf("render", ready_project)
    assert result.returncode == 1
    assert f"pid {proc.pid}" in result.stderr and "is open in aiwf" in result.stderr
    assert "nothing was changed" in result.stderr and "Traceback" not in result.stderr
    assert tree_hashes(ready_project) == before
    assert aiwf("render", ready_project, "--dry-run").returncode == 0  # reading is fine
    proc.kill()
    proc.wait()
    result = aiwf("render", ready_project)  # the killed holder's lock is stale
    assert result.returncode == 0, result.stderr
    assert not (ready_project / LOCK_NAME).exists()


def test_without_a_terminal_the_app_refuses_before_the_lock(ready_project, other_aiwf):
    proc = other_aiwf(ready_project)
    result = subprocess.run(
        [sys.executable, "-m", "aiwf_tui", str(ready_project)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        cwd=REPO,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "needs a terminal" in lines[0] and "aiwf check | plan | render" in lines[0]
    assert holder(ready_project).pid == proc.pid


class FakeApp:
    """Stands in for AiwfApp in open_app: records how it was opened and who held the lock."""

    opened: list[dict] = []

    def __init__(self, project_dir, *, knowledge_url=None, read_only=False):
        self.project_dir = project_dir
        self.read_only = read_only
        self.return_code = 0

    def run(self):
        FakeApp.opened.append({"read_only": self.read_only, "holder": holder(self.project_dir)})


@pytest.fixture
def fake_app(monkeypatch):
    import aiwf_tui.app
    from aiwf_tui.commands import open_app

    FakeApp.opened = []
    monkeypatch.setattr(aiwf_tui.app, "AiwfApp", FakeApp)
    monkeypatch.setattr(open_app, "no_terminal_reason", lambda: None)  # as if in a terminal
    return FakeApp.opened


def test_open_app_holds_the_lock_while_running_and_releases_it(ready_project, fake_app):
    from aiwf_tui.commands import open_app

    assert open_app.run(Namespace(project_dir=str(ready_project), knowledge_url=None, read_only=False)) == 0
    assert fake_app[0]["read_only"] is False and fake_app[0]["holder"].pid == os.getpid()
    assert not (ready_project / LOCK_NAME).exists()


@pytest.mark.parametrize("reply,opened", [("y\n", True), ("\n", False), ("no\n", False)])
def test_open_app_offers_read_only_on_a_terminal(
    ready_project, other_aiwf, fake_app, monkeypatch, capsys, reply, opened
):
    from aiwf_tui.commands import open_app

    other_aiwf(ready_project)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: (print(prompt, end=""), reply.strip())[1])
    code = open_app.run(Namespace(project_dir=str(ready_project), knowledge_url=None, read_only=False))
    out = capsys.readouterr()
    assert "is already open in another aiwf" in out.err
    assert "Open read-only instead? [y/N]" in out.out
    if opened:
        assert code == 0 and fake_app == [{"read_only": True, "holder": holder(ready_project)}]
    else:
        assert code == 1 and fake_app == []


def test_read_only_takes_no_lock(ready_project, other_aiwf, fake_app):
    from aiwf_tui.commands import open_app

    proc = other_aiwf(ready_project)
    assert open_app.run(Namespace(project_dir=str(ready_project), knowledge_url=None, read_only=True)) == 0
    assert fake_app[0]["read_only"] is True and fake_app[0]["holder"].pid == proc.pid


@pytest.mark.pty
def test_second_aiwf_in_a_terminal_asks_then_opens_read_only(ready_project, other_aiwf, tmp_path):
    other_aiwf(ready_project)
    session = Pty([str(ready_project)], tmp_path)
    try:
        session.wait_for("Open read-only instead? [y/N]")
        session.type("y\r")
        session.wait_for("read-only")
        wait_until(lambda: "Welcome" in session.text() or "menu" in session.text().lower(), what="the app")
        session.type("\x11")  # ctrl+q
        assert session.proc.wait(timeout=15) == 0
    finally:
        session.close()


def test_plan_refuses_while_the_project_is_open(tmp_path):
    """`aiwf plan --force` would replace the plan under the app's autosave: refused."""
    import subprocess
    import sys

    from aiwf_tui.lock import acquire

    project = copy_project(FIXTURES / "support-rag-bot", tmp_path)
    held = acquire(project)
    try:
        # The lock is held by this process: a child sees a live holder.
        r = subprocess.run([sys.executable, "-m", "aiwf_tui", "plan", str(project)], capture_output=True, text=True)
    finally:
        held.release()
    assert r.returncode == 1 and "is open in aiwf" in r.stderr
    assert not (project / "phase-5-operations" / "operations-plan.yaml").exists()
