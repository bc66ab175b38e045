"""`aiwf validate`: concurrent checks, the result cache, SKIP for a missing tool, the
`AIWF_PROMTOOL` / `AIWF_AMTOOL` overrides, JSON output, progress on a terminal and Ctrl-C.

The tools are the real promtool and amtool; where a test must see that a tool ran (or did
not), it names a wrapper script that records each call and then runs the real binary.
"""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from aiwf_tui.check_cache import CheckCache
from aiwf_tui.cli import main
from aiwf_tui.layout import PROMETHEUS_DIR
from aiwf_tui.model import load_project
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.render import prometheus as prom
from aiwf_tui.validate import Validation
from tests import json_shapes
from tests.render_helpers import answer_all, without_day_long_tests

DEMO = Path(__file__).resolve().parents[1] / "aiwf_tui" / "demo" / "fleet-docs-assistant"
ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
BREAK_THRESHOLD = (
    'error_ratio:rate5m{service="fleet-docs-assistant"} > 0.05',
    'error_ratio:rate5m{service="fleet-docs-assistant"} > 0.5',
)


def write_rendered(root: Path, *, day_long: bool) -> Path:
    """A copy of the demo project at `root` with its Prometheus and Alertmanager files written;
    without `day_long`, without the rules whose unit test replays two days (the daily token
    budgets, 90% of promtool's time), for the tests about validate rather than those rules."""
    shutil.copytree(DEMO, root)
    project = load_project(root)
    plan = answer_all(new_plan(project), project)
    if not day_long:
        without_day_long_tests(plan)
    for rel, text in prom.prometheus_artifacts(project, plan).items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def rendered(tmp_path) -> Path:
    """The demo's files without the day-long unit tests: validate's own behaviour."""
    return write_rendered(tmp_path / "demo", day_long=False)


@pytest.fixture
def rendered_slow(tmp_path) -> Path:
    """The demo's files as written, the day-long unit tests included."""
    return write_rendered(tmp_path / "demo", day_long=True)


def yaml_tests(root: Path) -> list[dict]:
    """The promtool test cases written for the project (the firing checks' eval_time among them)."""
    from aiwf_tui.model.yamlio import load_plain

    path = root / PROMETHEUS_DIR / "alert-rules.test.yml"
    return load_plain(path.read_text(encoding="utf-8"), path.name)["tests"]


def wrapper(folder: Path, tool: str, before: str = "") -> tuple[Path, Path]:
    """A script that logs `pid args` of each call, runs `before`, then execs the real tool."""
    log = folder / f"{tool}.calls"
    script = folder / f"{tool}-wrapper"
    script.write_text(f'#!/bin/sh\necho "$$ $*" >> "{log}"\n{before}\nexec "{shutil.which(tool)}" "$@"\n')
    script.chmod(0o755)
    return script, log


def held_promtool(folder: Path) -> tuple[Path, Path, Path]:
    """A promtool wrapper whose `test rules` runs wait until the returned `go` file exists:
    they are running for as long as a test needs to watch or interrupt them."""
    go = folder / "go"
    script, log = wrapper(
        folder, "promtool", f'[ "$1 $2" = "test rules" ] && while [ ! -e "{go}" ]; do sleep 0.02; done'
    )
    return script, log, go


def calls(log: Path) -> list[str]:
    return log.read_text().splitlines() if log.exists() else []


def unit_test_pids(log: Path) -> list[int]:
    """The pids of `promtool test rules` runs (the whole file, or one part of it each)."""
    return [int(c.split()[0]) for c in calls(log) if c.split()[1:3] == ["test", "rules"]]


def statuses(results) -> dict[str, str]:
    return {r.name: r.status for r in results}


# -- the cache --------------------------------------------------------------------------------
def test_unchanged_files_are_answered_from_the_cache_and_a_changed_rule_is_checked_again(
    rendered, tmp_path, tools, monkeypatch
):
    promtool, log = wrapper(tmp_path, "promtool")
    monkeypatch.setenv("AIWF_PROMTOOL", str(promtool))
    cache = CheckCache(tmp_path / "cache")

    first = Validation(rendered, cache=cache).run()
    assert all(r.ok and not r.cached for r in first), [r.line() for r in first]
    assert unit_test_pids(log)

    log.unlink()
    again = Validation(rendered, cache=cache).run()
    assert all(r.ok and r.cached for r in again)
    assert [r.detail for r in again] == [r.detail for r in first]
    assert calls(log) == []  # not even `promtool --version`: nothing ran

    rules = rendered / PROMETHEUS_DIR / "alert-rules.yml"
    good = rules.read_text()
    rules.write_text(good.replace(*BREAK_THRESHOLD))
    broken = {r.name: r for r in Validation(rendered, cache=cache).run()}
    assert unit_test_pids(log)
    test = broken["promtool test rules"]
    assert test.status == "FAIL" and not test.cached
    fires = next(
        t["alert_rule_test"][1]["eval_time"] for t in yaml_tests(rendered) if t["name"].startswith("HighErrorRate ")
    )
    assert test.detail.endswith(f"FAILED 1: HighErrorRate at {fires}: expected it firing, got none")

    rules.write_text(good.replace("expr:", "expr: rate(", 1))  # not PromQL any more
    assert statuses(Validation(rendered, cache=cache).run())["promtool check rules"] == "FAIL"

    rules.write_text(good)  # back to the checked bytes: answered from the cache again
    log.unlink()
    assert all(r.ok and r.cached for r in Validation(rendered, cache=cache).run())
    assert calls(log) == []


def test_another_binary_is_not_answered_from_the_cache(rendered, tmp_path, tools, monkeypatch):
    cache = CheckCache(tmp_path / "cache")
    assert all(r.ok for r in Validation(rendered, cache=cache).run())
    amtool, log = wrapper(tmp_path, "amtool")
    monkeypatch.setenv("AIWF_AMTOOL", str(amtool))
    results = Validation(rendered, cache=cache).run()
    assert all(r.ok for r in results)
    assert [r.cached for r in results if r.tool == "amtool"] == [False] * 5
    assert all(r.cached for r in results if r.tool == "promtool")
    assert len([c for c in calls(log) if "--version" not in c]) == 5


def test_the_cache_lives_in_the_user_cache_folder_not_the_project(rendered, tools, capsys):
    before = set(rendered.rglob("*"))
    assert main(["validate", str(rendered), "--no-cache", "--json"]) == 0
    assert not any(check["cached"] for check in json.loads(capsys.readouterr().out)["checks"])
    assert main(["validate", str(rendered), "--json"]) == 0  # --no-cache ran the tools and kept their results
    assert all(check["cached"] for check in json.loads(capsys.readouterr().out)["checks"])
    assert set(rendered.rglob("*")) == before
    folder = Path(os.environ["XDG_CACHE_HOME"]) / "aiwf" / "checks"
    assert any(folder.glob("*.json"))


# -- concurrency ------------------------------------------------------------------------------
def test_the_checks_run_concurrently(rendered, tmp_path, tools, monkeypatch):
    """promtool test rules waits until amtool has started: one after the other, it would
    wait for ever (and time out); concurrently, everything passes."""
    started = tmp_path / "amtool-started"
    amtool, _ = wrapper(tmp_path, "amtool", before=f'touch "{started}"')
    gate = f'case "$1" in test) while [ ! -e "{started}" ]; do sleep 0.01; done;; esac'
    promtool, _ = wrapper(tmp_path, "promtool", before=gate)
    monkeypatch.setenv("AIWF_PROMTOOL", str(promtool))
    monkeypatch.setenv("AIWF_AMTOOL", str(amtool))
    order = sorted(["promtool test rules", "promtool check rules", "amtool check-config"])
    results = Validation(rendered, timeout=60).run()
    assert all(r.ok for r in results), [r.line() for r in results]
    assert sorted(r.name for r in results[:3]) == order


# -- missing tools and overrides --------------------------------------------------------------
def test_a_missing_tool_is_a_skip_with_exit_4(rendered, tmp_path, monkeypatch, capsys, tools):
    missing = tmp_path / "no-such-promtool"
    monkeypatch.setenv("AIWF_PROMTOOL", str(missing))
    assert main(["validate", str(rendered), "--json"]) == 4
    out = capsys.readouterr()
    report = json_shapes.Validate.model_validate(json.loads(out.out))
    assert not report.passed and out.err == ""
    assert {c.name: c.status for c in report.checks if c.tool == "promtool"} == {
        "promtool check rules": "SKIP",
        "promtool test rules": "SKIP",
    }
    assert {c.status for c in report.checks if c.tool == "amtool"} == {"PASS"}
    assert all(c.detail.startswith(f"AIWF_PROMTOOL={missing}: no such file") for c in report.checks[:2])

    assert main(["validate", str(rendered)]) == 4
    out = capsys.readouterr()
    assert f"SKIP  promtool test rules: AIWF_PROMTOOL={missing}: no such file" in out.out
    assert "aiwf validate: 2 of 7 checks skipped: AIWF_PROMTOOL=" in out.err


def test_an_override_that_is_not_executable_is_a_skip(rendered, tmp_path, monkeypatch, capsys):
    plain = tmp_path / "promtool"
    plain.write_text("not a program\n")
    monkeypatch.setenv("AIWF_PROMTOOL", str(plain))
    monkeypatch.setenv("AIWF_AMTOOL", str(tmp_path / "nothing"))
    assert main(["validate", str(rendered)]) == 4
    out = capsys.readouterr().out
    assert f"SKIP  promtool check rules: AIWF_PROMTOOL={plain}: not an executable file" in out
    assert f"SKIP  amtool check-config: AIWF_AMTOOL={tmp_path / 'nothing'}: no such file" in out


def test_a_failure_outranks_a_skip(rendered, tmp_path, monkeypatch, tools):
    monkeypatch.setenv("AIWF_PROMTOOL", str(tmp_path / "missing"))
    config = rendered / PROMETHEUS_DIR / "alertmanager.yml"
    config.write_text(config.read_text().replace("receiver: slack+email", "receiver: nobody"))
    assert main(["validate", str(rendered)]) == 1


def test_the_named_binaries_are_the_ones_run_and_reported(rendered, tmp_path, monkeypatch, tools, capsys):
    promtool, promtool_log = wrapper(tmp_path, "promtool")
    amtool, amtool_log = wrapper(tmp_path, "amtool")
    monkeypatch.setenv("AIWF_PROMTOOL", str(promtool))
    monkeypatch.setenv("AIWF_AMTOOL", str(amtool))
    assert main(["validate", str(rendered), "--no-cache"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"using promtool 2.42.0 ({promtool}), amtool 0.25.0 ({amtool})"
    ran = [line.split(" ", 1)[1] for line in calls(promtool_log)]
    assert "check rules alert-rules.yml" in ran
    assert any(line.startswith("test rules") and line.endswith("alert-rules.test.yml") for line in ran)
    assert sum(" routes test " in f" {line}" for line in calls(amtool_log)) == 4


# -- JSON ---------------------------------------------------------------------------------------
def test_json_report(rendered, tools, capsys):
    assert main(["validate", str(rendered), "--json"]) == 0
    out = capsys.readouterr()
    report = json_shapes.Validate.model_validate(json.loads(out.out))
    assert out.err == "" and out.out.isascii()
    assert report.passed and len(report.checks) == 7 and {c.status for c in report.checks} == {"PASS"}
    first = report.checks[0]
    assert (first.name, first.tool, first.version) == ("promtool check rules", "promtool", "2.42.0")
    assert "SUCCESS" in first.output and first.seconds >= 0


def test_an_exported_prometheus_folder_is_validated_as_it_is(rendered, tmp_path, tools, capsys):
    """`aiwf export --format prometheus -o DIR` then `aiwf validate DIR`: the folder holds the
    four files and nothing of the project, and is checked, not refused as "not a project"."""
    exported = tmp_path / "exported"
    shutil.copytree(rendered / "phase-5-operations" / "prometheus", exported)
    assert main(["validate", str(exported), "--json"]) == 0
    report = json_shapes.Validate.model_validate(json.loads(capsys.readouterr().out))
    assert report.passed and len(report.checks) == 7


def test_json_report_before_render(tmp_path, capsys):
    (tmp_path / "sidecar.yaml").write_text("project_name: before-render\n", encoding="utf-8")
    assert main(["validate", str(tmp_path), "--json"]) == 1
    report = json_shapes.Validate.model_validate(json.loads(capsys.readouterr().out))
    (check,) = report.checks
    assert not report.passed and (check.name, check.tool, check.status) == ("prometheus files", None, "FAIL")
    assert "run aiwf render first" in check.detail


def test_json_error_when_the_folder_is_missing(tmp_path, capsys):
    assert main(["validate", str(tmp_path / "nowhere"), "--json"]) == 1
    out = capsys.readouterr()
    error = json_shapes.Error.model_validate(json.loads(out.out)).error
    assert out.err == "" and error.verb == "validate" and "does not exist" in error.message


def test_a_folder_that_is_not_a_project_is_one_line(tmp_path, capsys):
    """No sidecar.yaml, project-spec.md or decision-log.md: a wrong folder, said once by every
    verb (not three missing files, nor "run aiwf render first")."""
    for verb in ("validate", "check", "todo", "render"):
        assert main([verb, str(tmp_path)]) == 1
        lines = capsys.readouterr().err.splitlines()
        assert len(lines) == 1 and "is not a workflow project" in lines[0] and lines[0].startswith(f"aiwf {verb}: ")


# -- on a terminal ------------------------------------------------------------------------------
class Terminal:
    """`aiwf ...` on a real pseudo-terminal (100x30), its output read as it comes."""

    def __init__(self, *args: str, env: dict | None = None) -> None:
        import fcntl
        import struct
        import termios

        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "aiwf_tui", *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
            close_fds=True,
            env={**os.environ, "TERM": "xterm-256color", **(env or {})},
            preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0),
        )
        os.close(slave)
        self.master = master
        self.raw = b""

    @property
    def text(self) -> str:
        return ANSI.sub("", self.raw.decode("utf-8", "replace"))

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return True
        try:
            chunk = os.read(self.master, 65536)
        except OSError:
            chunk = b""
        self.raw += chunk
        return bool(chunk)

    def wait_for(self, condition, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert time.monotonic() < deadline, f"timed out; output so far: {self.text[-800:]!r}"
            if not self._read(0.1) and self.proc.poll() is not None:
                assert condition(), f"exited {self.proc.returncode}; output: {self.text[-800:]!r}"
                return

    def finish(self, timeout: float = 120.0) -> int:
        deadline = time.monotonic() + timeout
        while self._read(0.1) or self.proc.poll() is None:
            assert time.monotonic() < deadline, f"still running; output: {self.text[-800:]!r}"
        return self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        os.close(self.master)


@pytest.mark.pty
def test_progress_on_a_terminal_names_the_running_tool_and_its_time(rendered, tmp_path, tools):
    promtool, _log, go = held_promtool(tmp_path)
    term = Terminal("validate", str(rendered), "--no-cache", env={"AIWF_PROMTOOL": str(promtool)})
    try:
        term.wait_for(lambda: "run  promtool test rules  (promtool 2.42.0)" in term.text)
        term.wait_for(lambda: re.search(r"promtool test rules  \(promtool 2\.42\.0\)\s+\d+\.\d s", term.text))
        go.touch()
        assert term.finish() == 0
    finally:
        term.close()
    final = term.text.replace("\r", "")
    assert "PASS  promtool test rules: SUCCESS" in final and "7 checks in " in final


def test_no_progress_when_output_is_not_a_terminal(rendered, tools):
    done = subprocess.run(
        [sys.executable, "-m", "aiwf_tui", "validate", str(rendered), "--no-cache"],
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "\x1b" not in done.stdout and done.stderr == ""
    assert lines[0].startswith("using ") and lines[-1].startswith("7 checks in ")
    assert all(line.startswith("PASS  ") for line in lines[1:-1]) and len(lines) == 9


@pytest.mark.pty
def test_json_on_a_terminal_prints_only_json(rendered, tools):
    term = Terminal("validate", str(rendered), "--json", "--no-cache")
    try:
        assert term.finish() == 0
    finally:
        term.close()
    assert b"\x1b" not in term.raw
    report = json.loads(term.raw.decode())
    assert report["passed"] is True


@pytest.mark.pty
@pytest.mark.parametrize(
    ("how", "code"), [("ctrl-c typed", 130), ("SIGINT to aiwf alone", 130), ("SIGTERM to aiwf alone", 143)]
)
def test_ctrl_c_stops_cleanly_and_kills_the_tools(rendered, tmp_path, tools, how, code):
    promtool, log, _go = held_promtool(tmp_path)  # never released: still running at the Ctrl-C
    term = Terminal("validate", str(rendered), "--no-cache", env={"AIWF_PROMTOOL": str(promtool)})
    try:
        term.wait_for(lambda: "run  promtool test rules" in term.text and unit_test_pids(log))
        pids = unit_test_pids(log)
        files = [Path(c.split()[-1]) for c in calls(log) if c.split()[1:3] == ["test", "rules"]]
        if how == "ctrl-c typed":
            os.write(term.master, b"\x03")
        else:
            os.kill(term.proc.pid, signal.SIGINT if "SIGINT" in how else signal.SIGTERM)
        assert term.finish() == code
    finally:
        term.close()
    assert "Traceback" not in term.text
    assert code != 130 or "aiwf: interrupted" in term.text
    assert not any(alive(pid) for pid in pids), "promtool test rules still runs after aiwf exited"
    parts = [f for f in files if f.is_absolute()]  # promtool's share of the tests, in a temporary folder
    assert not any(f.parent.exists() for f in parts)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


# -- promtool test rules in parallel parts -------------------------------------------------------
def test_duration_seconds():
    from aiwf_tui.promtool_split import duration_seconds

    assert duration_seconds("1h30m") == 5400 and duration_seconds("26h") == 93600 and duration_seconds("90s") == 90
    assert duration_seconds("soon") == 0 and duration_seconds("5m junk") == 0


def test_split_parts_hold_every_test_once_with_the_settings_and_exact_scalars(rendered_slow, tmp_path):
    import yaml

    from aiwf_tui.promtool_split import split_test_file

    source = rendered_slow / PROMETHEUS_DIR / "alert-rules.test.yml"
    text = source.read_text().replace("values: 1+0x8 0+0x8", "values: 1e3+0x8 0+0x8")  # a scalar YAML reads as a number
    source.write_text(text)
    original = yaml.safe_load(text)
    split = split_test_file(source, 2)
    parts = [yaml.safe_load(part["alert-rules.test.yml"]) for part in split]
    assert len(parts) == 6 and all(part["tests"] for part in parts)  # one per category
    assert sorted(t["name"] for p in parts for t in p["tests"]) == sorted(t["name"] for t in original["tests"])
    for part in parts:
        assert part["rule_files"] == ["alert-rules.yml"]  # its own, beside it
        assert {k: v for k, v in part.items() if k not in ("tests", "rule_files")} == {
            k: v for k, v in original.items() if k not in ("tests", "rule_files")
        }
    joined = "".join(part["alert-rules.test.yml"] for part in split)
    assert "1e3+0x8 0+0x8" in joined
    heavy = {t["name"] for t in original["tests"] if "TokenBudget" in t["name"]}
    assert len(heavy) == 2 and any(heavy == {t["name"] for t in p["tests"]} for p in parts)
    assert split_test_file(source, 1) is None


def _alerts(rules_text: str) -> set[str]:
    import yaml

    return {r["alert"] for g in yaml.safe_load(rules_text)["groups"] for r in g["rules"] if "alert" in r}


def test_a_part_reads_only_the_groups_of_the_alerts_it_tests(rendered_slow):
    """promtool evaluates every rule at every step: a part gets the groups of its alerts (and of
    the recording rules they read), the rest left out; the two-day token-budget tests evaluate
    their own group only."""
    import yaml

    from aiwf_tui.promtool_split import split_test_file

    source = rendered_slow / PROMETHEUS_DIR / "alert-rules.test.yml"
    everything = _alerts((source.parent / "alert-rules.yml").read_text())
    for part in split_test_file(source, 2):
        tested = {
            c["alertname"] for t in yaml.safe_load(part["alert-rules.test.yml"])["tests"] for c in t["alert_rule_test"]
        }
        kept = _alerts(part["alert-rules.yml"])
        assert tested <= kept < everything
        if any(name.startswith("TokenBudget") for name in tested):
            assert all(name.startswith("TokenBudget") for name in kept)

    # An alert that reads another group's recording rule (a hand edit) brings that group along.
    rules = source.parent / "alert-rules.yml"
    data = yaml.safe_load(rules.read_text())
    cost = next(g for g in data["groups"] if any(r.get("alert", "").startswith("TokenBudget") for r in g["rules"]))
    alert = next(r for r in cost["rules"] if r.get("alert", "").startswith("TokenBudget"))
    record = next(r["record"] for g in data["groups"] for r in g["rules"] if "error_ratio" in r.get("record", ""))
    alert["expr"] = f"{record} > 0.5 and {alert['expr']}"
    rules.write_text(yaml.safe_dump(data))
    part = next(p for p in split_test_file(source, 2) if "TokenBudget" in p["alert-rules.test.yml"])
    assert "HighErrorRate" in _alerts(part["alert-rules.yml"])


def test_a_part_with_an_expression_test_reads_every_rule(rendered, tmp_path):
    """A `promql_expr_test` may query any rule: that part keeps the whole rule file."""
    import yaml

    from aiwf_tui.promtool_split import split_test_file

    source = rendered / PROMETHEUS_DIR / "alert-rules.test.yml"
    data = yaml.safe_load(source.read_text())
    data["tests"][0]["promql_expr_test"] = [{"expr": "vector(1)", "eval_time": "1m", "exp_samples": [{"value": 1}]}]
    source.write_text(yaml.safe_dump(data))
    split = split_test_file(source, 2)
    with_expr = next(p for p in split if "promql_expr_test" in p["alert-rules.test.yml"])
    assert "alert-rules.yml" not in with_expr
    assert yaml.safe_load(with_expr["alert-rules.test.yml"])["rule_files"] == [
        str(source.parent.resolve() / "alert-rules.yml")
    ]


def test_each_part_passes_under_promtool_and_a_broken_rule_fails_its_part(rendered, tmp_path, tools):
    from aiwf_tui.promtool_split import split_test_file

    source = rendered / PROMETHEUS_DIR / "alert-rules.test.yml"
    rules = source.parent / "alert-rules.yml"
    rules.write_text(rules.read_text().replace(*BREAK_THRESHOLD))
    failed = []
    for n, files in enumerate(split_test_file(source, 3)):
        folder = tmp_path / f"part-{n}"
        folder.mkdir()
        for name, text in files.items():
            (folder / name).write_text(text)
        done = subprocess.run(
            ["promtool", "test", "rules", str(folder / "alert-rules.test.yml")],
            check=False,
            capture_output=True,
            text=True,
        )
        if done.returncode:
            failed.append(done.stdout + done.stderr)
    assert len(failed) == 1 and "HighErrorRate" in failed[0]


def test_no_split_where_the_folder_name_reads_as_a_glob(rendered, tmp_path, tools):
    from aiwf_tui.promtool_split import split_test_file

    odd = tmp_path / "proj[1]"
    rendered.rename(odd)
    assert split_test_file(odd / PROMETHEUS_DIR / "alert-rules.test.yml", 2) is None
    assert all(r.ok for r in Validation(odd).run())


def test_a_rules_file_without_an_alert_is_noted_not_just_passed(tmp_path):
    """A draft writes only the answered rules: with none, every check passes on nothing, and
    validate says so instead of a bare PASS (a new-user pass read it as all clear)."""
    from aiwf_tui.validate import no_alerts_note

    folder = tmp_path / "phase-5-operations" / "prometheus"
    folder.mkdir(parents=True)
    rules = folder / "alert-rules.yml"
    rules.write_text("groups:\n- name: recording\n  rules:\n  - record: x:rate5m\n    expr: rate(x[5m])\n")
    note = no_alerts_note(tmp_path)
    assert note is not None and "holds no alert yet" in note and "aiwf todo" in note
    rules.write_text("groups:\n- name: a\n  rules:\n  - alert: HighErrorRate\n    expr: up == 0\n")
    assert no_alerts_note(tmp_path) is None
    rules.write_text("groups: [")  # broken: the checks themselves report it
    assert no_alerts_note(tmp_path) is None
