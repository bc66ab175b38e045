"""Crash safety: SIGKILL in the middle of a write, SIGHUP from a dropped SSH session,
a full disk and a read-only folder. Nothing is ever half-written, nothing typed is lost.

How the kill tests reach every point of the write: `files.write_all` has a test hook
(`AIWF_TEST_SLOW_WRITE=SECONDS`) that announces the start of the write on stderr and
sleeps after every temp-file write and every rename. The test waits for the
announcement, waits a delay spread over the whole write, and sends SIGKILL.

To run 200+ kills in well under two minutes on a small machine, most runs use a fork
server: one Python process imports aiwf once and forks a child per run that executes
exactly what the `aiwf` console script executes (`aiwf_tui.cli.main(["render", DIR])`).
A few runs use the real console entry point (`python -m aiwf_tui render`) as well.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from aiwf_tui.errors import AiwfError
from aiwf_tui.files import write_all
from aiwf_tui.layout import LOCK_NAME, PLAN_FILE, TEMP_PREFIX
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan_io import dump_plan, load_plan
from tests.app_helpers import answer, make_app, wait_loaded
from tests.helpers import DEMO_DIR, REPO, aiwf_in_process, copy_project, tree_hashes
from tests.pty_session import Pty
from tests.render_helpers import ready
from tests.waiting import pilot_wait_until, wait_until

#: Seconds the test hook sleeps after each temp write and each rename.
SLOW = 0.008
#: Kills at each step of the write (start, every temp write, every rename) through the fork
#: server; kills through the real entry point; kills of the autosave loop.
KILLS_PER_STEP = 3
REAL_RUNS = 10
AUTOSAVE_RUNS = 60
#: Autosave versions the fork server dumps ahead of the one a kill waits for: the child then
#: spends its time in the atomic writer (what is tested), not in the YAML dump.
AHEAD = 8
WORKERS = 3

MARK = "aiwf-test: write_all start"


# -- helpers ------------------------------------------------------------------------------
def project_files(root: Path) -> dict[str, str]:
    """sha256 of every project file, leaving out writer temp files and the lock file
    (a SIGKILL can leave those behind; export and the next writer ignore them)."""
    return {
        rel: digest
        for rel, digest in tree_hashes(root).items()
        if not Path(rel).name.startswith(TEMP_PREFIX) and Path(rel).name != LOCK_NAME
    }


def leftovers(root: Path) -> list[Path]:
    return [p for p in root.rglob(f"{TEMP_PREFIX}*")]


def small_ready_plan(project: Path) -> None:
    """A confirmed plan, trimmed so a render takes ~0.2 s (the writer is what is tested;
    every one of the 12 Phase 5 files is still written)."""
    plan = new_plan(load_project(project))
    plan.alerting.rules = plan.alerting.rules[:2]
    for rows in (plan.monitoring.llm_metrics, plan.monitoring.rag_metrics, plan.drift.types, plan.drift.approaches):
        del rows[2:]
    plan = ready(plan)
    path = project / PLAN_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dump_plan(plan), encoding="utf-8")


def autosave_version(plan, k: int):
    """Version k of the plan the autosave kill test writes (sizes vary from ~1 KB to ~60 KB)."""
    plan.monitoring.infrastructure = f"autosave version {k}"
    plan.monitoring.critical_metrics = f"line {k}\n" * ((k * 7919) % 6000)
    return plan


SERVER = r"""
import gc, json, os, sys, time, traceback
from pathlib import Path
sys.path.insert(0, {repo!r})
from aiwf_tui import cli
from aiwf_tui.files import atomic_write
from aiwf_tui.model.plan_io import dump_plan, load_plan
from tests.test_crash_safety import autosave_version
import aiwf_tui.commands.render, aiwf_tui.publish  # warm the imports once

MARK = {mark!r}.encode()

def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()

VERSIONS = {{}}  # plan text -> the texts of its autosave versions 0, 1, ... (computed once, forked warm)

def versions(path, count):
    base = path.read_text(encoding="utf-8")
    texts = VERSIONS.setdefault(base, [])
    plan = load_plan(path) if len(texts) < count else None
    while len(texts) < count:
        texts.append(dump_plan(autosave_version(plan, len(texts))))
    return texts

def child(req):
    os.environ.pop("AIWF_TEST_SLOW_WRITE", None)
    if req.get("slow"):
        os.environ["AIWF_TEST_SLOW_WRITE"] = str(req["slow"])
    if req["kind"] == "render":
        return cli.main(["render", req["dir"]])
    if req["kind"] == "autosave":
        path = Path(req["plan"])
        texts = VERSIONS[path.read_text(encoding="utf-8")]
        plan = load_plan(path)
        sys.stderr.write(MARK.decode() + "\n")
        sys.stderr.flush()
        k = 0
        while True:
            atomic_write(path, texts[k] if k < len(texts) else dump_plan(autosave_version(plan, k)))
            sys.stderr.write(f"aiwf-test: saved {{k}}\n")
            sys.stderr.flush()
            k += 1
    return 98

while True:
    line = sys.stdin.readline()
    if not line:
        break
    req = json.loads(line)
    if req["kind"] == "warm":  # render once in this process, so every child starts warm
        saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)
        try:
            rc = cli.main(["render", req["dir"]])
        finally:
            sys.stdout.flush()
            os.dup2(saved, 1)
        gc.collect()
        gc.freeze()  # fork without copying every page on the first collection
        reply({{"status": rc}})
        continue
    if req["kind"] == "autosave":  # the versions the child will save, dumped here once for all children
        versions(Path(req["plan"]), req["ahead"])
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        rc = 99
        try:
            os.close(r)
            os.dup2(w, 2)
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            rc = int(child(req) or 0)
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(rc)
    os.close(w)
    reply({{"pid": pid}})
    err = bytearray()
    want = req["mark"].encode() if isinstance(req.get("mark"), str) else MARK
    if req.get("mark") or req.get("hold"):
        while req.get("mark") and want not in err:
            chunk = os.read(r, 65536)
            if not chunk:
                break
            err += chunk
        reply({{"ready": want in err if req.get("mark") else True}})
        sys.stdin.readline()  # "reap": the test has sent its signal; the pid stays ours till then
    while True:
        chunk = os.read(r, 65536)
        if not chunk:
            break
        err += chunk
    os.close(r)
    _, status = os.waitpid(pid, 0)
    reply({{"status": os.waitstatus_to_exitcode(status), "stderr": err.decode("utf-8", "replace")}})
"""


class ForkServer:
    """A warm aiwf process that forks one child per request (see the module docstring)."""

    def __init__(self, folder: Path, warm: Path | None = None) -> None:
        script = folder / "fork_server.py"
        if not script.exists():
            script.write_text(SERVER.format(repo=str(REPO), mark=MARK), encoding="utf-8")
        self.proc = subprocess.Popen(
            [sys.executable, str(script)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=REPO, bufsize=1
        )
        if warm is not None:
            scratch = folder / f"warm-{self.proc.pid}"
            shutil.copytree(warm, scratch)
            self.send({"kind": "warm", "dir": str(scratch)})
            assert self.recv()["status"] == 0
            shutil.rmtree(scratch)

    def send(self, obj) -> None:
        self.proc.stdin.write((obj if isinstance(obj, str) else json.dumps(obj)) + "\n")
        self.proc.stdin.flush()

    def recv(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise AssertionError(f"the fork server died (exit {self.proc.poll()})")
        return json.loads(line)

    def run(self, **req) -> dict:
        """Run a child to the end: {"status": exit code, "stderr": text}."""
        self.send(req)
        self.recv()
        return self.recv()

    def kill_during(self, delay: float, **req) -> tuple[bool, dict]:
        """Start a child, wait until it says it is ready (`mark=True`: the write began; or the
        line `mark` names), wait `delay`, SIGKILL it. Returns (ready, {"status", "stderr"})."""
        self.send(req)
        pid = self.recv()["pid"]
        is_ready = self.recv()["ready"]
        if is_ready:
            time.sleep(delay)
            os.kill(pid, signal.SIGKILL)  # still our child's pid: it is not reaped before "reap"
        self.send("reap")
        return is_ready, self.recv()

    def close(self) -> None:
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=10)
        except Exception:
            self.proc.kill()


def in_pool(folder: Path, jobs: list, work, warm: Path | None = None) -> list:
    """Run work(server, job) for every job on WORKERS fork servers in parallel."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)

    def worker(_index: int) -> list:
        server = ForkServer(folder, warm)
        done = []
        try:
            while True:
                try:
                    job = todo.get_nowait()
                except queue.Empty:
                    return done
                done.append(work(server, job))
        finally:
            server.close()

    with ThreadPoolExecutor(WORKERS) as pool:
        return [result for chunk in pool.map(worker, range(WORKERS)) for result in chunk]


# -- SIGKILL during `aiwf render` -----------------------------------------------------------------
@pytest.fixture(scope="module")
def render_template(tmp_path_factory):
    """(folder, template project with a confirmed plan, its file hashes, the hashes after a full render)."""
    base = tmp_path_factory.mktemp("kill-render")
    template = base / "template"
    shutil.copytree(DEMO_DIR, template)
    small_ready_plan(template)
    old = project_files(template)
    rendered = base / "rendered"
    shutil.copytree(template, rendered)
    server = ForkServer(base, warm=template)
    try:
        result = server.run(kind="render", dir=str(rendered))
        assert result["status"] == 0, result["stderr"]
    finally:
        server.close()
    new = project_files(rendered)
    assert len([rel for rel in new if old.get(rel) != new[rel]]) == 12  # twelve files change
    return base, template, old, new


def check_old_or_new(root: Path, old: dict, new: dict) -> int:
    """Every project file is exactly its old or its new version; returns how many are new."""
    now = project_files(root)
    assert set(now) <= set(old) | set(new), f"unexpected files: {set(now) - set(old) - set(new)}"
    count = 0
    for rel in set(old) | set(new):
        if rel in old and rel in new:
            assert rel in now, f"{rel} disappeared"
            assert now[rel] in (old[rel], new[rel]), f"{rel} is neither the old nor the new version"
        elif rel in new:
            assert now.get(rel) in (None, new[rel]), f"{rel} is half-written"
        if rel in new and old.get(rel) != new[rel] and now.get(rel) == new[rel]:
            count += 1
    return count


def step_mark(step: int) -> str:
    """What the writer's test hook says at `step` of a write (0: it starts; then one per temp
    write and one per rename)."""
    return MARK if step == 0 else f"aiwf-test: step {step}"


@pytest.mark.slow
def test_sigkill_during_render_leaves_old_or_new_files(render_template):
    """Kills at every step of the write (before the first temp file, after each temp write,
    after each rename), KILLS_PER_STEP times each, at a random moment inside the step: the
    coverage of the write does not depend on how fast or loaded the machine is."""
    base, template, old, new = render_template
    changing = len([rel for rel in new if old.get(rel) != new[rel]])
    rng = random.Random(20260310)
    jobs = [(step, rng.random() * SLOW) for step in range(2 * changing + 1) for _ in range(KILLS_PER_STEP)]
    rng.shuffle(jobs)

    def one(server: ForkServer, job) -> tuple[int, int, int, int]:
        index, (step, delay) = job
        folder = base / f"run-{index}"
        shutil.copytree(template, folder)
        is_ready, killed = server.kill_during(delay, kind="render", dir=str(folder), slow=SLOW, mark=step_mark(step))
        assert is_ready, killed["stderr"]
        assert "Traceback" not in killed["stderr"]
        state = check_old_or_new(folder, old, new)
        temps = len(leftovers(folder))
        again = server.run(kind="render", dir=str(folder))
        assert again["status"] == 0, f"run {index}: the next render failed: {again['stderr']}"
        assert project_files(folder) == new, f"run {index}: the next render did not finish the job"
        assert not leftovers(folder), "the next render sweeps the temp files the killed one left"
        shutil.rmtree(folder)
        return index, state, killed["status"], temps

    results = in_pool(base, list(enumerate(jobs)), one, warm=template)
    states = Counter(state for _, state, _, _ in results)
    killed = sum(1 for _, _, status, _ in results if status == -signal.SIGKILL)
    print(
        f"\n{len(results)} renders SIGKILLed at {2 * changing + 1} steps of the write; files already new at "
        f"the kill: {dict(sorted(states.items()))}; temp files left: {sum(t for *_, t in results)}"
    )
    assert len(results) == len(jobs)
    assert killed >= len(jobs) * 0.9  # (a few may finish first: that is the "all new" case)
    # The kills did land all over the write: before any rename, between renames, after the last.
    assert states[0] > 0 and states[changing] > 0
    assert len([s for s in states if 0 < s < changing]) >= changing // 2


@pytest.mark.slow
def test_sigkill_of_the_real_aiwf_render_command(render_template):
    """The same through `python -m aiwf_tui render` (interpreter start-up and all), at steps
    spread over the write."""
    base, template, old, new = render_template
    changing = len([rel for rel in new if old.get(rel) != new[rel]])
    env = dict(os.environ, AIWF_TEST_SLOW_WRITE=str(SLOW))

    def one(index: int) -> int:
        folder = base / f"real-{index}"
        shutil.copytree(template, folder)
        proc = subprocess.Popen(
            [sys.executable, "-m", "aiwf_tui", "render", str(folder)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=env,
            cwd=REPO,
        )
        want = step_mark(round(index * 2 * changing / (REAL_RUNS - 1))).encode()
        err = b""
        while want not in err:
            chunk = proc.stderr.read1(4096)
            if not chunk:
                break
            err += chunk
        assert want in err, err.decode()
        proc.kill()
        proc.wait()
        return check_old_or_new(folder, old, new)

    with ThreadPoolExecutor(WORKERS) as pool:
        states = list(pool.map(one, range(REAL_RUNS)))
    for index in range(REAL_RUNS):  # the next render finishes the job (in this process: the writer is tested)
        folder = base / f"real-{index}"
        result = aiwf_in_process("render", folder)
        assert result.returncode == 0, result.stderr
        assert project_files(folder) == new
        shutil.rmtree(folder)
    assert len(states) == REAL_RUNS
    assert min(states) < changing and max(states) > 0  # before the renames, and after some


# -- SIGKILL during the plan autosave ------------------------------------------------------------
@pytest.mark.slow
def test_sigkill_during_plan_autosave_leaves_a_plan_that_parses(tmp_path):
    """A child loads the plan and saves new versions of it in a loop with the app's atomic
    writer (`files.atomic_write`, what the autosave calls); it is SIGKILLed after the save of
    a chosen version (spread over the first 20), at a random moment of the saves that follow.
    The versions' text is dumped once by the fork server (AHEAD); the child writes them."""
    project = copy_project(DEMO_DIR, tmp_path / "project")
    small_ready_plan(project)
    base_text = (project / PLAN_FILE).read_text(encoding="utf-8")
    base_plan = load_plan(project / PLAN_FILE)
    rng = random.Random(7)
    jobs = [(-1 if i % 20 == 0 else i % 20 - 1, rng.random() * 0.003) for i in range(AUTOSAVE_RUNS)]

    def one(server: ForkServer, job) -> int:
        index, (after, delay) = job
        folder = tmp_path / f"autosave-{index}"
        folder.mkdir()
        path = folder / "operations-plan.yaml"
        path.write_text(base_text, encoding="utf-8")
        mark = True if after < 0 else f"aiwf-test: saved {after}\n"
        is_ready, result = server.kill_during(
            delay, kind="autosave", plan=str(path), mark=mark, ahead=max(after, 0) + AHEAD
        )
        assert is_ready, result["stderr"]
        assert result["status"] == -signal.SIGKILL, result["stderr"]
        text = path.read_text(encoding="utf-8")
        plan = load_plan(path)  # always parses
        if text == base_text:
            assert after < 0, f"version {after} was saved, yet the original plan is back"
            return -1
        match = re.fullmatch(r"autosave version (\d+)", plan.monitoring.infrastructure)
        assert match, plan.monitoring.infrastructure
        k = int(match.group(1))
        assert k >= after, f"version {after} was saved, yet the plan holds the earlier version {k}"
        assert text == dump_plan(autosave_version(base_plan.model_copy(deep=True), k)), f"version {k} is damaged"
        return k

    versions = in_pool(tmp_path, list(enumerate(jobs)), one)
    print(
        f"\n{len(versions)} autosave loops SIGKILLed; the plan file was the original {versions.count(-1)} "
        f"times, else a whole version between {min(v for v in versions if v >= 0)} and {max(versions)}"
    )
    assert len(versions) == AUTOSAVE_RUNS
    assert len(set(versions)) >= 6  # the kills landed all over the sequence of saves


# -- the app in a real terminal: SIGHUP and SIGKILL -------------------------------------------------
@pytest.fixture
def pty_app(tmp_path):
    started: list[Pty] = []

    def start(*args: str) -> Pty:
        session = Pty(list(args), tmp_path)
        started.append(session)
        return session

    yield start
    for session in started:
        session.close()


def open_monitoring_answer(session: Pty) -> None:
    session.wait_for("Welcome to Phase 5")
    session.type("n")
    session.wait_for("Knowledge")
    session.type("n")
    session.wait_for("What monitoring infrastructure")
    session.type("\r")
    session.wait_for("Editing What monitoring infrastructure")


def saved_text(project: Path) -> str:
    """The plan on disk ("" before the first save)."""
    path = project / PLAN_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


def leave_field_with(session: Pty, typed: str, text: str) -> None:
    """Type `typed` into the open editor and leave the field; returns once the field shows
    `text` from the model (what the app holds in memory, saved or not)."""
    mark = session.mark()
    session.type(typed + "\x1b")  # escape: leave the field
    session.wait_for(f"▎ {text}", since=mark)


def type_unsaved(session: Pty, project: Path, typed: str) -> str:
    """Answer the open monitoring question with `typed` and return once the answer is in memory
    and not yet autosaved (the autosave waits a second after a change: if it came first, the
    answer is changed again). Returns the answer in memory: a signal now must save it itself."""
    leave_field_with(session, typed, typed)
    for more in (" again", " and again", " once more"):
        if typed not in saved_text(project):
            return typed
        mark = session.mark()
        session.type("\r")  # edit the same answer again
        session.wait_for("Editing What monitoring infrastructure", since=mark)
        typed += more
        leave_field_with(session, more, typed)
    if typed in saved_text(project):
        pytest.fail("every change was autosaved before the signal could be sent")
    return typed


@pytest.mark.pty
def test_sighup_saves_the_plan_before_exiting(tmp_path, pty_app):
    """SIGHUP arrives while an answer is in memory but not yet autosaved: the handler saves it."""
    project = copy_project(DEMO_DIR, tmp_path / "p")
    session = pty_app(str(project))
    open_monitoring_answer(session)
    typed = type_unsaved(session, project, "typed just before the line dropped")
    os.kill(session.proc.pid, signal.SIGHUP)
    assert session.proc.wait(timeout=30) == 129
    plan = load_plan(project / PLAN_FILE, project)
    assert plan.monitoring.infrastructure == typed
    assert not (project / LOCK_NAME).exists()  # released on the way out


@pytest.mark.pty
def test_sigkill_after_the_autosave_loses_nothing_typed(tmp_path, pty_app):
    """Typing is saved with no explicit save; a SIGKILL after that loses nothing, and the lock it
    leaves behind is taken over by the next aiwf."""
    project = copy_project(DEMO_DIR, tmp_path / "p")
    session = pty_app(str(project))
    open_monitoring_answer(session)
    typed = "saved by the autosave"
    session.type(typed)
    wait_until(lambda: typed in saved_text(project), what="the autosave")
    session.proc.send_signal(signal.SIGKILL)
    session.proc.wait(timeout=10)
    plan = load_plan(project / PLAN_FILE, project)  # reopened headless
    assert plan.monitoring.infrastructure == typed
    # The lock a killed aiwf leaves behind is stale: the next aiwf takes it over.
    assert (project / LOCK_NAME).exists()
    again = pty_app(str(project))
    again.wait_for("Resumed at")
    again.type("\x11")  # ctrl+q
    assert again.proc.wait(timeout=30) == 0
    assert not (project / LOCK_NAME).exists()


# -- a full disk, a read-only folder ------------------------------------------------------------------
def fail_after(monkeypatch, target: str, calls: int, code: int) -> None:
    """Make `aiwf_tui.files.os.<target>` (or tempfile.mkstemp) raise OSError(code) after `calls`
    good calls: from then on (a full disk stays full), or just once for a rename (a rename that
    failed once leaves the writer able to put the earlier renames back)."""
    import aiwf_tui.files as files

    module = files.tempfile if target == "mkstemp" else files.os
    original = getattr(module, target)
    count = [0]

    def failing(*args, **kwargs):
        count[0] += 1
        if count[0] > calls and (target != "replace" or count[0] == calls + 1):
            raise OSError(code, os.strerror(code))
        return original(*args, **kwargs)

    monkeypatch.setattr(module, target, failing)


@pytest.fixture(scope="module")
def rendered_pair(tmp_path_factory):
    """A project with a confirmed plan, and the files a render would write for it."""
    base = tmp_path_factory.mktemp("disk")
    project = base / "template"
    shutil.copytree(DEMO_DIR, project)
    small_ready_plan(project)
    from aiwf_tui.publish import prepare

    files = prepare(load_project(project), load_plan(project / PLAN_FILE, project), "2026-03-10")
    return project, files


@pytest.mark.parametrize(
    "code,words",
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EACCES, "permission denied (read-only folder?)"),
        (errno.EROFS, "permission denied (read-only folder?)"),
        (errno.EIO, "could not be written"),
    ],
)
@pytest.mark.parametrize("where", ["mkstemp", "fsync", "replace"])
def test_write_failures_change_nothing(tmp_path, monkeypatch, rendered_pair, code, words, where):
    template, files = rendered_pair
    project = tmp_path / "p"
    shutil.copytree(template, project)
    before = tree_hashes(project)
    # Fail at every step of the write in turn: the first file, a middle one, the last one.
    for calls in (0, 4, 9):
        fail_after(monkeypatch, where, calls, code)
        with pytest.raises(AiwfError) as caught:
            write_all({project / rel: text for rel, text in files.items()}, root=project)
        monkeypatch.undo()
        line = caught.value.lines()[0]
        assert words in line and "nothing was changed" in line, line
        assert "\n" not in str(caught.value)
        assert tree_hashes(project) == before, f"{where} failing after {calls} calls changed files"
        assert not leftovers(project)


@pytest.mark.parametrize("code,words", [(errno.ENOSPC, "the disk is full"), (errno.EACCES, "permission denied")])
def test_render_and_plan_commands_report_a_full_disk_in_one_line(
    tmp_path, monkeypatch, capsys, rendered_pair, code, words
):
    from aiwf_tui import cli

    template, _files = rendered_pair
    project = tmp_path / "p"
    shutil.copytree(template, project)
    before = tree_hashes(project)
    fail_after(monkeypatch, "fsync", 3, code)
    assert cli.main(["render", str(project)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "nothing was changed" in err and "Traceback" not in err, err
    assert tree_hashes(project) == before
    assert cli.main(["plan", str(project), "--force"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "nothing was changed" in err, err
    assert tree_hashes(project) == before


async def test_app_keeps_edits_in_memory_when_the_autosave_fails(tmp_path, monkeypatch):
    import aiwf_tui.files as files

    project = copy_project(DEMO_DIR, tmp_path)
    plan_path = project / PLAN_FILE
    original = files.tempfile.mkstemp
    disk_full = [True]

    def mkstemp(*args, **kwargs):  # only the project folder is "full"
        folder = Path(kwargs.get("dir", ""))
        if disk_full[0] and folder.is_relative_to(project):
            raise OSError(errno.ENOSPC, "No space left on device")
        return original(*args, **kwargs)

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    notes: list[str] = []
    app = make_app(project)
    original_notify = app.notify

    def notify(message, *args, **kwargs):
        notes.append(str(message))
        return original_notify(message, *args, **kwargs)

    app.notify = notify  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("n", "n")
        await pilot.pause()
        await answer(pilot, "kept in memory")
        await pilot_wait_until(pilot, lambda: app.save_error is not None)
        assert "the disk is full" in app.save_error
        assert any("disk is full" in n and "kept in memory" in n and "ctrl+s" in n for n in notes), notes
        assert not plan_path.exists()  # nothing written, nothing half-written
        assert not leftovers(project)
        assert app.ctx.plan.monitoring.infrastructure == "kept in memory"
        assert app.dirty

        # Save elsewhere while the project's disk is full.
        await pilot.press("ctrl+s")
        await pilot.pause()
        from textual.widgets import Input

        field = app.screen.query_one("#save-as-path", Input)
        assert field.value == str(plan_path)  # the default: retry in place
        field.value = str(tmp_path / "rescue")
        (tmp_path / "rescue").mkdir()
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: (tmp_path / "rescue" / "operations-plan.yaml").exists())
        rescued = load_plan(tmp_path / "rescue" / "operations-plan.yaml")
        assert rescued.monitoring.infrastructure == "kept in memory"
        assert not plan_path.exists()

        # Quitting while the save fails asks first (ctrl+q twice quits without saving).
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        assert any("ctrl+q again" in n for n in notes), notes

        # Space is back: the next change retries and saves everything.
        disk_full[0] = False
        await pilot.press("tab")
        await answer(pilot, "and this too")
        await pilot_wait_until(pilot, lambda: plan_path.exists() and not app.dirty)
        saved = load_plan(plan_path, project)
        assert saved.monitoring.infrastructure == "kept in memory"
        assert saved.monitoring.critical_metrics == "and this too"
        assert app.save_error is None

        # ctrl+s with the default path is an immediate save in place.
        app.ctx.plan.monitoring.tool = "saved with ctrl+s"
        app.dirty = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: "saved with ctrl+s" in plan_path.read_text(encoding="utf-8"))


def test_a_write_sweeps_only_the_temp_files_of_what_it_wrote(tmp_path):
    """A killed writer's temp files go with the next write of the same file; a temp file of
    another file, and the user's own files that merely look alike, stay."""
    sub = tmp_path / "sub"
    sub.mkdir()
    leftovers_of_written = [tmp_path / f"{TEMP_PREFIX}a.md.k1", sub / f"{TEMP_PREFIX}b.yml.k2"]
    kept = [
        tmp_path / f"{TEMP_PREFIX}other.md.k3",  # another file's: its own next write sweeps it
        tmp_path / f"{TEMP_PREFIX}a.md-notes.k4",  # a temp name of the file "a.md-notes"
        tmp_path / "a.md.k5",  # the user's
    ]
    for path in leftovers_of_written + kept:
        path.write_text("left")
    write_all({tmp_path / "a.md": "new\n", sub / "b.yml": "k: 1\n"}, root=tmp_path)
    assert [p.exists() for p in leftovers_of_written] == [False, False]
    assert all(p.read_text() == "left" for p in kept)
    assert (tmp_path / "a.md").read_text() == "new\n"
