"""`aiwf plan`: writes the prefilled plan, refuses to overwrite, refuses on NO-GO."""

from __future__ import annotations

from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.model.plan_io import load_plan
from tests.helpers import aiwf_in_process


def test_plan_writes_prefilled_draft_plan_and_lists_todos(fixture_copy):
    root = fixture_copy("support-rag-bot")
    result = aiwf_in_process("plan", root)
    assert result.returncode == 0, result.stderr
    plan = load_plan(root / PLAN_FILE, root)
    assert plan.project_name == "support-rag-bot"
    assert len(plan.drafts()) == 8
    assert "answers to give:" in result.stdout
    assert "Runbook: Full rollback steps (one per line) [runbook.full_rollback_steps]" in result.stdout
    assert any(r.category == "rag" for r in plan.alerting.rules)


def test_plan_refuses_to_overwrite_without_force(fixture_copy):
    root = fixture_copy("contract-finetune")
    assert aiwf_in_process("plan", root).returncode == 0
    path = root / PLAN_FILE
    path.write_text(path.read_text().replace("status: draft", "status: confirmed"))
    before = path.read_bytes()
    result = aiwf_in_process("plan", root)
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "--force" in result.stderr and "Traceback" not in result.stderr
    assert path.read_bytes() == before
    forced = aiwf_in_process("plan", root, "--force")
    assert forced.returncode == 0, forced.stderr
    assert path.read_bytes() != before


def test_plan_output_option(fixture_copy, tmp_path):
    import argparse

    from aiwf_tui.commands import plan as plan_cmd

    root = fixture_copy("contract-finetune")
    target = tmp_path / "elsewhere" / "my-plan.yaml"
    target.parent.mkdir()
    args = argparse.Namespace(project_dir=root, output=target, force=False)
    assert plan_cmd.run(args) == 0
    assert load_plan(target).architecture == "hybrid"
    assert not (root / PLAN_FILE).exists()


def test_plan_refuses_no_go(fixture_copy):
    root = fixture_copy("blocked-nogo")
    result = aiwf_in_process("plan", root)
    assert result.returncode == 3
    assert len(result.stderr.strip().splitlines()) == 1
    assert "NO-GO" in result.stderr
    assert not (root / PLAN_FILE).exists()


def test_plan_broken_project_is_one_line_per_problem(fixture_copy, capsys):
    import argparse

    from aiwf_tui.commands import plan as plan_cmd

    root = fixture_copy("broken")
    assert plan_cmd.run(argparse.Namespace(project_dir=root, output=None, force=False)) == 1
    err = capsys.readouterr().err
    assert err.startswith("aiwf plan: ") and "Traceback" not in err
