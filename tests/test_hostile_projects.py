"""Hostile and unlucky projects, round two (issue 13): each class of failure at its root.

Every case runs the real `aiwf` (its `cli.main` in this process; a subprocess where a hang
must end in a timeout; the real app in a pty) on a copy of the demo project, next to an
"outside" folder that must stay untouched, and checks: a one-line message (or the intended
result), no traceback, no escape sequence on the terminal.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from aiwf_tui.layout import LOCK_NAME, PLAN_FILE
from tests.helpers import DEMO_DIR, REPO, aiwf_in_process, tree_hashes
from tests.test_crash_safety import small_ready_plan
from tests.waiting import wait_until

#: Escape sequences a hostile file could carry: OSC 52 clipboard, clear screen, window
#: title, 8-bit CSI, a bell, a carriage return, and a right-to-left override.
ESCAPES = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]2;pwned\x1b\\\x9b31m\x07\rX\u202eevil"


def run(*args) -> subprocess.CompletedProcess:
    """`aiwf ARGS` through the console script's `cli.main`, in this process (its messages go
    through the same terminal-safe streams; no interpreter start-up to pay)."""
    return aiwf_in_process(*args)


def run_process(*args, timeout: float = 60, env: dict | None = None) -> subprocess.CompletedProcess:
    """`aiwf ARGS` as a real process: where a hang must end in a timeout, not a stuck suite
    (FIFOs, devices), or the environment is the point."""
    return subprocess.run(
        [sys.executable, "-m", "aiwf_tui", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def assert_one_line(result: subprocess.CompletedProcess, fragment: str, code: int = 1) -> None:
    assert result.returncode == code, result.stdout + result.stderr
    err = result.stderr
    assert "Traceback" not in err, err
    assert fragment in err, err
    assert len(err.strip().splitlines()) == 1, err
    assert_clean(result)


def assert_clean(result: subprocess.CompletedProcess) -> None:
    """Nothing printed can act on a terminal."""
    for text in (result.stdout, result.stderr):
        for bad in ("\x1b", "\x9b", "\x07", "\r", "\u202e", "ZXZpbA==" if "\x1b]52" in text else "\x00"):
            assert bad not in text, f"{bad!r} reached the terminal: {text[-500:]!r}"


@pytest.fixture
def world(tmp_path):
    """(project, outside): a ready demo project and a folder beside it holding a hand-written file."""
    project = tmp_path / "fleet-docs-assistant"
    shutil.copytree(DEMO_DIR, project)
    small_ready_plan(project)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "hand-written.txt").write_text("mine, no '=' on any line\n", encoding="utf-8")
    return project, outside


# -- 1. the lock -----------------------------------------------------------------------------------
@pytest.mark.parametrize("target", ["hand-written.txt", "nothing-here"])
def test_a_symlinked_lock_never_writes_outside(world, target):
    project, outside = world
    before = tree_hashes(outside)
    (project / LOCK_NAME).symlink_to(outside / target)
    for verb in ("render", "plan", "export"):
        args = (verb, project, "--force") if verb != "render" else (verb, project)
        assert_one_line(run(*args), f"{LOCK_NAME}: is not a plain file")
    assert tree_hashes(outside) == before
    assert sorted(p.name for p in outside.iterdir()) == ["hand-written.txt"]
    assert (project / LOCK_NAME).is_symlink()  # the user's link is left as it was


def test_no_empty_lock_is_left_on_a_full_disk(tmp_path, monkeypatch):
    from aiwf_tui import lock as project_lock
    from aiwf_tui.errors import AiwfError

    def full(fd, data, offset):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(project_lock.os, "pwrite", full)
    with pytest.raises(AiwfError, match="the disk is full"):
        project_lock.acquire(tmp_path)
    assert not (tmp_path / LOCK_NAME).exists()


@pytest.mark.parametrize(
    "content,how",
    [
        (
            "pid=4242\nhost=build-box-7\nsince=2026-03-10T09:00:00+00:00\n",
            "delete .aiwf.lock if no aiwf runs on build-box-7",
        ),
        (f"pid=4242\nhost=build{ESCAPES}-box\nsince={ESCAPES}\n", "delete .aiwf.lock if no aiwf runs on build"),
    ],
)
def test_a_lock_from_another_host_says_how_to_clear_it(world, content, how):
    project, _ = world
    (project / LOCK_NAME).write_text(content, encoding="utf-8")
    result = run("render", project)
    assert_one_line(result, how)


def test_an_unverifiable_lock_says_how_to_clear_it(tmp_path, monkeypatch):
    """Without flock (some network file systems), a lock whose holder cannot be read is
    respected, and the message says how to clear it."""
    from aiwf_tui import lock as project_lock
    from aiwf_tui.lock import LockedError

    monkeypatch.setattr(project_lock, "_flock", lambda fd, flags: None)
    (tmp_path / LOCK_NAME).write_text("pid=not-a-number\nhost=\n", encoding="utf-8")
    with pytest.raises(LockedError) as caught:
        project_lock.acquire(tmp_path)
    assert "delete .aiwf.lock if no aiwf runs on this project" in caught.value.lines()[0]


# -- 2. no write leaves the project ------------------------------------------------------------
@pytest.mark.parametrize(
    "folder", ["phase-5-operations", "phase-5-operations/prometheus", "phase-5-operations/templates"]
)
@pytest.mark.parametrize("dangling", [False, True])
def test_a_folder_linked_outside_is_refused_by_render_and_check(world, folder, dangling):
    project, outside = world
    real = project / folder
    if real.exists():
        target = outside / real.name
        shutil.move(real, target)
    else:
        target = outside / real.name
        target.mkdir()
    (target / "hand-written.yml").write_text("groups: []  # mine\n", encoding="utf-8")
    if dangling:
        shutil.rmtree(target)
        target = outside / "gone"
    real.symlink_to(target, target_is_directory=True)
    before, inside = tree_hashes(outside), tree_hashes(project)
    result = run("render", project)
    assert_one_line(result, f"{folder}: is a symbolic link that leads outside the project")
    assert tree_hashes(outside) == before and tree_hashes(project) == inside
    assert not (outside / "gone").exists()
    assert_one_line(run("check", project), f"{folder}: is a symbolic link that leads outside the project")


def test_the_app_autosave_refuses_a_plan_folder_linked_outside(world):
    from aiwf_tui.errors import AiwfError
    from aiwf_tui.files import atomic_write

    project, outside = world
    (project / "phase-5-operations" / "prometheus").mkdir(exist_ok=True)
    (outside / "p5").mkdir()
    (project / "phase-5-operations" / "prometheus").rmdir()
    (project / "phase-5-operations" / "prometheus").symlink_to(outside / "p5")
    with pytest.raises(AiwfError, match="leads outside the project"):
        atomic_write(project / "phase-5-operations" / "prometheus" / "x.yml", "x: 1\n", root=project)
    assert list((outside / "p5").iterdir()) == []


# -- 3. only regular files are read --------------------------------------------------------------
@pytest.mark.parametrize(
    "rel,what",
    [
        ("project-spec.md", "a named pipe (FIFO)"),
        ("sidecar.yaml", "a named pipe (FIFO)"),
        (PLAN_FILE, "a named pipe (FIFO)"),
        ("phase-5-operations/runbook.md", "a named pipe (FIFO)"),
    ],
)
def test_a_fifo_in_a_files_place_is_one_line_never_a_hang(world, rel, what):
    project, _ = world
    path = project / rel
    if path.exists():
        path.unlink()
    os.mkfifo(path)
    render = run_process("render", project, timeout=30)
    assert_one_line(render, f"{rel}: is {what}, not a file")
    check = run_process("check", project, timeout=30)
    if rel in ("project-spec.md", "sidecar.yaml", PLAN_FILE, "phase-5-operations/runbook.md"):
        assert_one_line(check, f"{rel}: is {what}")
    dry = run_process("render", project, "--dry-run", timeout=30)
    assert dry.returncode in (0, 1) and "Traceback" not in dry.stderr


@pytest.mark.parametrize("rel", ["sidecar.yaml", "decision-log.md", PLAN_FILE])
def test_a_symlink_loop_is_one_line(world, rel):
    project, _ = world
    (project / rel).unlink()
    (project / rel).symlink_to(Path(rel).name)  # points at itself
    assert_one_line(run("render", project), f"{rel}: is a symbolic link that loops")


def test_a_folder_in_a_written_files_place_is_refused_before_writing(world):
    project, _ = world
    (project / "phase-5-operations" / "runbook.md").mkdir(parents=True)
    before = tree_hashes(project)
    assert_one_line(run("render", project), "phase-5-operations/runbook.md: is a folder, not a file")
    assert tree_hashes(project) == before


def test_a_device_is_not_read(world):
    project, _ = world
    (project / "decision-log.md").unlink()
    (project / "decision-log.md").symlink_to("/dev/zero")  # leads outside, and is a device
    result = run_process("check", project, timeout=30)
    assert result.returncode == 1 and "decision-log.md" in result.stderr and "Traceback" not in result.stderr


# -- 4. one terminal-safe path for every message -------------------------------------------------
def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _no_go(project: Path) -> None:
    _edit(project / "sidecar.yaml", 'decision: "conditional"', 'decision: "no-go"')
    _edit(
        project / "sidecar.yaml",
        "quality_gate:\n",
        f"quality_gate:\n  blockers: [{json.dumps('hallucination ' + ESCAPES)}]\n",
    )


@pytest.mark.parametrize("verb", ["check", "plan", "render"])
def test_the_no_go_line_is_clean(world, verb):
    project, _ = world
    _no_go(project)
    args = (verb, project, "--force") if verb == "plan" else (verb, project)
    result = run(*args)
    assert result.returncode == 3, result.stderr
    assert "hallucination" in result.stderr and "NO-GO" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert_clean(result)


def test_a_yaml_error_quoting_a_value_is_clean(world):
    project, _ = world
    _edit(project / PLAN_FILE, "version: 1", 'version: "1\\e[2J\\e]2;pwned\\a"')
    result = run("render", project)
    assert result.returncode == 1 and "operations-plan.yaml" in result.stderr
    assert_clean(result)
    _edit(project / "sidecar.yaml", 'architecture: "rag-only"', 'architecture: "rag\\e]52;c;ZXZpbA==\\a-only"')
    result = run("check", project)
    assert result.returncode == 1 and "architecture" in result.stderr
    assert_clean(result)


def test_dry_runs_are_clean(world):
    project, _ = world
    _edit(
        project / PLAN_FILE,
        "infrastructure: Answer to monitoring.infrastructure",
        f"infrastructure: {json.dumps(ESCAPES)}",
    )
    result = run("render", project, "--dry-run")
    assert_clean(result)
    (project / f"notes{ESCAPES}.md").write_text("a file with a hostile name\n", encoding="utf-8")
    result = run("export", project, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert "notes" in result.stdout
    assert_clean(result)


def test_clean_stream_strips_what_any_print_sends():
    import io

    from aiwf_tui.safetext import CleanStream

    out = io.StringIO()
    stream = CleanStream(out)
    print("a" + ESCAPES + "b", file=stream)
    stream.write("\ud800 lone surrogate\n")
    assert out.getvalue() == "a\nXevilb\n lone surrogate\n"


async def test_the_sidebar_and_every_widget_paint_no_escape(tmp_path):
    """A project name with OSC title and clear-screen sequences: the sidebar (and everything
    else painted) goes through the app's terminal-safe line filter."""
    from aiwf_tui.widgets.terminal_safe import TerminalSafe
    from tests.app_helpers import make_app, wait_loaded
    from tests.helpers import copy_project

    project = copy_project(DEMO_DIR, tmp_path)
    _edit(
        project / "sidecar.yaml",
        'project_name: "fleet-docs-assistant"',
        f"project_name: {json.dumps('fleet ' + ESCAPES)}",
    )
    app = make_app(project, read_only=True)
    async with app.run_test(size=(140, 45)) as pilot:
        await wait_loaded(app, pilot)
        await pilot.press("ctrl+b")  # the sidebar, whatever the width
        await pilot.pause()
        painted = []
        for widget in app.screen.walk_children():
            if widget.display and widget.region.area:
                for strip in widget.render_lines(widget.region.reset_offset):
                    painted.append("".join(segment.text for segment in strip))
        text = "\n".join(painted)
        assert "pwned" in text or "evil" in text  # the name is shown, as text
        for bad in ("\x1b", "\x9b", "\x07", "\u202e"):
            assert bad not in text
        assert any(isinstance(f, TerminalSafe) for f in app.get_line_filters())


# -- 5. signals and terminals --------------------------------------------------------------------
@pytest.mark.pty
def test_sigterm_saves_restores_the_terminal_and_releases_the_lock(world, tmp_path):
    from aiwf_tui.model.plan_io import load_plan
    from tests.pty_session import Pty
    from tests.test_crash_safety import open_monitoring_answer, type_unsaved

    project, _ = world
    (project / PLAN_FILE).unlink()
    session = Pty([str(project)], tmp_path)
    try:
        open_monitoring_answer(session)
        typed = type_unsaved(session, project, "typed before a SIGTERM")  # only the handler can save it
        os.kill(session.proc.pid, signal.SIGTERM)
        assert session.proc.wait(timeout=30) == 128 + signal.SIGTERM
        wait_until(lambda: b"\x1b[?1049l" in session.buffer, timeout=10, what="the alternate screen to close")
    finally:
        session.close()
    raw = bytes(session.buffer)
    assert raw.rfind(b"\x1b[?1049l") > raw.rfind(b"\x1b[?1049h")  # left the alternate screen
    assert raw.rfind(b"\x1b[?1000l") > raw.rfind(b"\x1b[?1000h")  # mouse tracking off
    assert load_plan(project / PLAN_FILE, project).monitoring.infrastructure == typed
    assert not (project / LOCK_NAME).exists()


@pytest.mark.parametrize("how", ["stdin", "stdout", "dumb"])
def test_the_app_needs_a_terminal(world, how):
    project, _ = world
    env = dict(os.environ, TERM="dumb" if how == "dumb" else "xterm-256color")
    if how == "stdout":
        # stdin is a terminal (a pty), stdout a pipe.
        master, slave = os.openpty()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "aiwf_tui", str(project)],
                stdin=slave,
                capture_output=True,
                text=True,
                cwd=REPO,
                env=env,
                timeout=30,
            )
        finally:
            os.close(master)
            os.close(slave)
    elif how == "dumb":
        master, slave = os.openpty()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "aiwf_tui", str(project)],
                stdin=slave,
                stdout=slave,
                stderr=subprocess.PIPE,
                text=True,
                cwd=REPO,
                env=env,
                timeout=30,
            )
        finally:
            os.close(master)
            os.close(slave)
    else:
        proc = run_process(project, env=env, timeout=30)
    assert proc.returncode == 2, proc.stderr
    assert "needs a terminal" in proc.stderr and "aiwf check | plan | render | validate | export" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert not (project / LOCK_NAME).exists()


# -- 6. export -----------------------------------------------------------------------------------
def test_export_refuses_while_another_aiwf_holds_the_lock(world, tmp_path):
    project, _ = world
    hold = "import sys, time\nfrom aiwf_tui.lock import acquire\nacquire(sys.argv[1])\nprint('locked', flush=True)\ntime.sleep(60)\n"
    proc = subprocess.Popen([sys.executable, "-c", hold, str(project)], stdout=subprocess.PIPE, text=True, cwd=REPO)
    try:
        assert proc.stdout.readline().strip() == "locked"
        out = tmp_path / "backup.tar.gz"
        assert_one_line(run("export", project, "-o", out), f"pid {proc.pid}")
        assert not out.exists()
        assert run("export", project, "--dry-run").returncode == 0  # listing reads only
    finally:
        proc.kill()
        proc.wait()
    assert run("export", project, "-o", tmp_path / "backup.tar.gz").returncode == 0


@pytest.mark.parametrize("suffix", [".tar.gz", ".zip"])
def test_export_keeps_file_modes(world, tmp_path, suffix):
    project, _ = world
    secret = project / "phase-5-operations" / "on-call-numbers.md"
    secret.write_text("private\n", encoding="utf-8")
    secret.chmod(0o600)
    script = project / "phase-5-operations" / "page.sh"
    script.write_text("#!/bin/sh\n", encoding="utf-8")
    script.chmod(0o750)
    out = tmp_path / f"backup{suffix}"
    assert run("export", project, "-o", out).returncode == 0
    name = project.name
    if suffix == ".zip":
        with zipfile.ZipFile(out) as archive:
            modes = {i.filename: (i.external_attr >> 16) & 0o7777 for i in archive.infolist()}
    else:
        with tarfile.open(out) as archive:
            modes = {m.name: m.mode for m in archive.getmembers()}
    assert modes[f"{name}/phase-5-operations/on-call-numbers.md"] == 0o600
    assert modes[f"{name}/phase-5-operations/page.sh"] == 0o750
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # the archive holds a private file: it is private too


# -- 7. line endings kept --------------------------------------------------------------------------
@pytest.mark.parametrize("files", [("decision-log.md", "project-spec.md", "sidecar.yaml"), ("decision-log.md",)])
def test_crlf_files_keep_crlf_for_old_and_new_lines(tmp_path, files):
    lf, crlf = tmp_path / "lf" / "p", tmp_path / "crlf" / "p"
    for project in (lf, crlf):
        shutil.copytree(DEMO_DIR, project)
        small_ready_plan(project)
    for rel in files:
        data = (crlf / rel).read_bytes()
        (crlf / rel).write_bytes(data.replace(b"\n", b"\r\n"))
    for project in (lf, crlf):
        result = run("render", project)
        assert result.returncode == 0, result.stderr
    for rel in ("decision-log.md", "project-spec.md", "sidecar.yaml"):
        expected = (lf / rel).read_bytes()
        if rel in files:
            expected = expected.replace(b"\n", b"\r\n")
        assert (crlf / rel).read_bytes() == expected, rel
    again = run("render", crlf)
    assert "already up to date" in again.stderr, again.stderr
    assert run("render", crlf, "--dry-run").stdout == ""  # no line-ending-only diff


# -- 8. bounds: numbers, durations, nesting, aliases, surrogates ----------------------------------
def _plan_line(project: Path, needle: str) -> int:
    lines = (project / PLAN_FILE).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.mark.parametrize(
    "old,new,message",
    [
        ("threshold: 0.05", "threshold: .nan", "a threshold is a finite number"),
        ("threshold: 0.05", "threshold: " + "9" * 400 + ".0e400", "a threshold is a finite number"),
        ("threshold: 0.05", "threshold: " + "9" * 5000, "holds a number with 5,000 digits"),
        ("duration: 5m", "duration: 200y", "longer than an alert may wait"),
        ("threshold: 0.05", "threshold: yes", "threshold"),
    ],
)
def test_every_number_error_names_file_and_line(world, old, new, message):
    project, _ = world
    line = _plan_line(project, old)
    _edit(project / PLAN_FILE, old, new)
    result = run("render", project)
    assert_one_line(result, message)
    assert f"operations-plan.yaml:{line}:" in result.stderr, result.stderr


def test_durations_up_to_one_day_are_accepted(world):
    from aiwf_tui.model.plan import MAX_DURATION_SECONDS, duration_seconds

    project, _ = world
    assert duration_seconds("1d") == MAX_DURATION_SECONDS
    _edit(project / PLAN_FILE, "duration: 5m", "duration: 23h59m60s")
    assert run("render", project).returncode == 0
    _edit(project / PLAN_FILE, "duration: 23h59m60s", "duration: 1d1s")
    assert_one_line(run("render", project), "at most 1d")


def test_deep_nesting_is_refused_before_the_recursive_parser(monkeypatch):
    """The round-trip parser recurses (7-13 s to refuse 20,000 brackets): the iterative event
    scan refuses first, so it is never called."""
    from aiwf_tui.errors import AiwfError
    from aiwf_tui.model import yamlio

    def never(*args, **kwargs):
        raise AssertionError("the recursive parser was reached")

    monkeypatch.setattr(yamlio, "load_roundtrip", never)
    for text in (
        "x: " + "[" * 20000 + "]" * 20000,
        "%YAML 1.2\n---\nx: " + "[" * 500 + "]" * 500,
        "x: " + "{a: " * 3000,
    ):
        with pytest.raises(AiwfError, match="nested too deeply"):
            yamlio.load_plain(text, "plan.yaml")


def test_aliases_may_not_expand_past_the_file_size_limit():
    from aiwf_tui.errors import AiwfError
    from aiwf_tui.model.yamlio import MAX_EXPANDED_CHARS, load_plain

    chunk = "y" * 100_000
    refs = MAX_EXPANDED_CHARS // len(chunk) + 1
    text = f"a: &a '{chunk}'\nb: [{', '.join(['*a'] * refs)}]\n"
    with pytest.raises(AiwfError, match="alias bomb"):
        load_plain(text, "plan.yaml")
    ok = f"a: &a '{chunk}'\nb: [{', '.join(['*a'] * 10)}]\n"
    assert len(load_plain(ok, "plan.yaml")["b"]) == 10


def test_a_lone_surrogate_never_reaches_a_file(tmp_path):
    from aiwf_tui.errors import AiwfError
    from aiwf_tui.files import atomic_write

    with pytest.raises(AiwfError, match="lone UTF-16 surrogate") as caught:
        atomic_write(tmp_path / "plan.yaml", "infrastructure: \ud800\n", root=tmp_path)
    assert len(caught.value.lines()) == 1
    assert list(tmp_path.iterdir()) == []


# -- 10. injection into generated files ------------------------------------------------------------
def _render_with(mutate) -> dict[str, str]:
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.render.artifacts import render_all
    from tests.render_helpers import ready

    project = load_project(DEMO_DIR)
    plan = ready(new_plan(project))
    mutate(plan)
    return render_all(project, plan, "2026-03-10")


@pytest.mark.parametrize(
    "service",
    ["svc\nextra_key: injected", "svc\r\nroute: {}", "svc\u2028other: 1", "svc\x85x: 1\x1b[2J", "svc\u2029y: 2"],
)
def test_a_service_name_never_adds_yaml_keys(service):
    import yaml

    clean = _render_with(lambda plan: None)

    def set_service(plan):
        plan.alerting.service = service

    hostile = _render_with(set_service)
    for rel, text in hostile.items():
        if rel.endswith((".yml", ".yaml")):
            data, reference = yaml.safe_load(text), yaml.safe_load(clean[rel])
            if isinstance(data, dict):
                assert sorted(data) == sorted(reference), rel
            comments = [line for line in text.splitlines() if line.startswith("#")]
            assert len(comments) == len([line for line in clean[rel].splitlines() if line.startswith("#")]), rel


GO_TEMPLATE_TARGETS = {
    "email": "ops{{.CommonLabels.severity}}}}@example.com",  # passes the address check
    "slack": "#ops{{ .CommonLabels.severity }}}}",
    "pagerduty": 'team {{ template "x" . }}',
}


@pytest.mark.skipif(shutil.which("amtool") is None, reason="amtool is installed by scripts/test.sh")
def test_channel_targets_are_go_template_text(tmp_path):
    import yaml

    def set_targets(plan):
        for channel in plan.alerting.channels:
            if channel.kind in GO_TEMPLATE_TARGETS:
                channel.target = GO_TEMPLATE_TARGETS[channel.kind]

    files = _render_with(set_targets)
    config_path = tmp_path / "alertmanager.yml"
    config_path.write_text(files["phase-5-operations/prometheus/alertmanager.yml"], encoding="utf-8")
    check = subprocess.run(["amtool", "check-config", str(config_path)], capture_output=True, text=True, timeout=60)
    assert check.returncode == 0 and "0 templates" in check.stdout, check.stdout + check.stderr
    (tmp_path / "empty.tmpl").write_text('{{ define "x" }}{{ end }}\n', encoding="utf-8")
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    fields = []
    for receiver in config["receivers"]:
        fields += [("email", c["to"]) for c in receiver.get("email_configs", [])]
        fields += [("slack", c["channel"]) for c in receiver.get("slack_configs", []) if "channel" in c]
        fields += [("pagerduty", c["client"]) for c in receiver.get("pagerduty_configs", []) if "client" in c]
    assert {kind for kind, _ in fields} == set(GO_TEMPLATE_TARGETS)
    for kind, value in fields:
        shown = subprocess.run(
            ["amtool", "template", "render", f"--template.glob={tmp_path}/empty.tmpl", f"--template.text={value}"],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert shown.returncode == 0, shown.stderr
        assert GO_TEMPLATE_TARGETS[kind] in shown.stdout, (kind, value, shown.stdout)


@pytest.mark.parametrize("name", ["alertmanager.yml", "alert-rules.yml"])
def test_validate_refuses_a_fifo_before_any_tool_starts(world, name):
    project, _ = world
    assert run("render", project).returncode == 0
    path = project / "phase-5-operations" / "prometheus" / name
    path.unlink()
    os.mkfifo(path)
    assert_one_line(run_process("validate", project, timeout=60), f"{name}: is a named pipe (FIFO), not a file")
