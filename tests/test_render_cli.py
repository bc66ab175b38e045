"""`aiwf render` end to end: writes everything, is idempotent, dry-run writes nothing, refusals."""

from __future__ import annotations

import argparse

import pytest

from aiwf_tui.layout import (
    ALERTS_CONFIG_FILE,
    ALERTS_TEMPLATE_FILE,
    DASHBOARD_FILE,
    PLAN_FILE,
    PROMETHEUS_RULE_FILE,
    RUNBOOK_FILE,
)
from aiwf_tui.model import load_project
from aiwf_tui.model.plan_io import dump_plan, load_plan
from tests.helpers import aiwf_in_process, tree_hashes
from tests.render_helpers import confirm_file, ready

ARTIFACTS = [RUNBOOK_FILE, ALERTS_TEMPLATE_FILE, ALERTS_CONFIG_FILE, PROMETHEUS_RULE_FILE, DASHBOARD_FILE]


def _render(root, *extra, dry_run=False, plan=None):
    from aiwf_tui.commands import render as render_cmd

    return render_cmd.run(argparse.Namespace(project_dir=root, plan=plan, dry_run=dry_run, date=None))


@pytest.mark.parametrize("name", ["support-rag-bot", "contract-finetune"])
def test_plan_confirm_render_then_rerender_is_byte_identical(fixture_copy, name):
    root = fixture_copy(name)
    assert aiwf_in_process("plan", root).returncode == 0
    confirm_file(root / PLAN_FILE)
    before = tree_hashes(root)
    result = aiwf_in_process("render", root)
    assert result.returncode == 0, result.stderr
    assert "Workflow Complete" in result.stdout
    for rel in ARTIFACTS:
        assert (root / rel).is_file()
    after = tree_hashes(root)
    changed = {k for k in after if before.get(k) != after[k]}
    assert changed >= set(ARTIFACTS) | {"sidecar.yaml", "decision-log.md", "project-spec.md"}
    project = load_project(root)
    assert project.phase5_complete
    # Second render (in-process, fast): no byte changes anywhere.
    assert _render(root) == 0
    assert tree_hashes(root) == after


def test_date_option_dates_the_new_decisions_and_is_checked(fixture_copy):
    root = fixture_copy("support-rag-bot")
    assert aiwf_in_process("plan", root).returncode == 0
    confirm_file(root / PLAN_FILE)
    bad = aiwf_in_process("render", root, "--date", "2026-02-30")
    assert bad.returncode == 2 and "'2026-02-30' is not a date - write it as YYYY-MM-DD" in bad.stderr
    assert "Traceback" not in bad.stderr
    result = aiwf_in_process("render", root, "--date", "2031-07-04")
    assert result.returncode == 0, result.stderr
    ops = [d for d in load_project(root).decisions if d.id.startswith("op-")]
    assert ops and {d.date for d in ops} == {"2031-07-04"}
    assert "2031-07-04" in (root / "decision-log.md").read_text(encoding="utf-8")


def test_dry_run_changes_nothing_and_shows_diffs(fixture_copy, capsys):
    root = fixture_copy("contract-finetune")
    assert aiwf_in_process("plan", root).returncode == 0
    confirm_file(root / PLAN_FILE)
    before = tree_hashes(root)
    result = aiwf_in_process("render", root, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert tree_hashes(root) == before
    for rel in ARTIFACTS:
        assert f"+++ b/{rel}" in result.stdout
    assert "--- a/decision-log.md" in result.stdout and "--- /dev/null" in result.stdout
    # After a real render, a dry run shows nothing.
    assert _render(root) == 0
    capsys.readouterr()
    assert _render(root, dry_run=True) == 0
    assert capsys.readouterr().out == ""


def test_render_refuses_draft_sections(fixture_copy, capsys):
    root = fixture_copy("support-rag-bot")
    assert aiwf_in_process("plan", root).returncode == 0
    path = root / PLAN_FILE
    # Everything answered and confirmed but the first section (monitoring).
    plan = ready(load_plan(path, root))
    plan.monitoring.status = "draft"
    path.write_text(dump_plan(plan))
    before = tree_hashes(root)
    assert _render(root) == 1
    err = capsys.readouterr().err
    assert "Monitoring strategy" in err and "still draft" in err
    assert len(err.strip().splitlines()) == 1
    assert tree_hashes(root) == before
    assert _render(root, dry_run=True) == 1
    assert tree_hashes(root) == before


def test_render_without_plan_says_run_aiwf_plan(fixture_copy):
    root = fixture_copy("support-rag-bot")
    result = aiwf_in_process("render", root)
    assert result.returncode == 1
    assert "aiwf plan" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_render_refuses_missing_anchor_and_writes_nothing(fixture_copy, capsys):
    root = fixture_copy("contract-finetune")
    assert _plan(root) == 0
    plan = ready(load_plan(root / PLAN_FILE, root))
    plan.runbook.issues = [i for i in plan.runbook.issues if i.anchor != "latency-high"]
    (root / PLAN_FILE).write_text(dump_plan(plan))
    before = tree_hashes(root)
    assert _render(root) == 1
    err = capsys.readouterr().err
    assert "#latency-high" in err and "Latency P99 High" in err
    assert tree_hashes(root) == before


def test_render_invalid_plan_is_one_line_per_problem(fixture_copy, capsys):
    root = fixture_copy("support-rag-bot")
    assert _plan(root) == 0
    path = root / PLAN_FILE
    path.write_text(path.read_text().replace("status: draft", "status: maybe", 1))
    assert _render(root) == 1
    err = capsys.readouterr().err
    assert err.startswith("aiwf render: ") and "Traceback" not in err


def test_render_refuses_no_go(fixture_copy, capsys):
    root = fixture_copy("blocked-nogo")
    assert _render(root) == 3
    assert "NO-GO" in capsys.readouterr().err


def _plan(root):
    from aiwf_tui.commands import plan as plan_cmd

    return plan_cmd.run(argparse.Namespace(project_dir=root, output=None, force=False))


def test_collector_is_frozen_only_for_a_process_that_ends_with_the_verb(fixture_copy):
    """Run as the program, `aiwf` freezes what the verb's imports built (the collector skips
    it); run in-process, the caller's collector is left as it was: enabled, nothing frozen."""
    import gc
    import subprocess
    import sys

    from aiwf_tui import cli

    root = fixture_copy("support-rag-bot")
    frozen = gc.get_freeze_count()  # (the app's pilot tests freeze this process's heap)
    assert cli.main(["check", str(root)]) == 0
    assert gc.isenabled() and gc.get_freeze_count() == frozen
    probe = (  # the program ends inside main: an atexit handler reports
        "import atexit, gc, sys; from aiwf_tui import cli; "
        "atexit.register(lambda: print(gc.isenabled(), gc.get_freeze_count() > 0)); "
        f"sys.argv = ['aiwf', 'check', {str(root)!r}]; cli.main()"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == ["True", "True"], result.stdout + result.stderr


def test_a_verb_run_as_the_program_exits_with_its_code_its_output_and_atexit_handlers(fixture_copy):
    """The program ends without the interpreter's teardown once a verb is done: its exit code,
    everything it printed and the atexit handlers (a log's last lines) are as at a normal exit."""
    import subprocess
    import sys

    root = fixture_copy("support-rag-bot")
    for folder, code in ((root, 0), (root / "missing", 1)):
        probe = (
            "import atexit, sys; from aiwf_tui import cli; "
            "atexit.register(lambda: print('atexit handler ran', file=sys.stderr)); "
            f"sys.argv = ['aiwf', 'check', {str(folder)!r}]; cli.main(); print('main returned')"
        )
        result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120)
        assert result.returncode == code, result.stderr
        assert result.stderr.endswith("atexit handler ran\n"), result.stderr
        assert "main returned" not in result.stdout
        assert ("support-rag-bot" in result.stdout) == (code == 0), result.stdout
