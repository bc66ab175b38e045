"""`aiwf check`, `--version`, `--help`: exit codes and one-line errors, as a user runs them."""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, aiwf_in_process


@pytest.mark.parametrize("name", ["support-rag-bot", "contract-finetune"])
def test_ready_projects_exit_0(name):
    r = aiwf_in_process("check", FIXTURES / name)
    assert r.returncode == 0, r.stderr
    assert "ready for Phase 5" in r.stdout and name in r.stdout


def test_already_complete_says_so():
    r = aiwf_in_process("check", FIXTURES / "already-complete")
    assert r.returncode == 0 and "complete" in r.stdout.lower()


def test_nogo_exits_3_with_one_line():
    r = aiwf_in_process("check", FIXTURES / "blocked-nogo")
    assert r.returncode == 3
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "NO-GO" in lines[0] and "2026-02-25" in lines[0] and "Phase 2" in lines[0]


@pytest.mark.parametrize("name,line", [("broken", "sidecar.yaml:13"), ("broken-schema", "sidecar.yaml:")])
def test_broken_projects_exit_1_naming_sidecar(name, line):
    r = aiwf_in_process("check", FIXTURES / name)
    assert r.returncode == 1
    assert line in r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    assert all("sidecar.yaml" in line for line in r.stderr.strip().splitlines())


def test_missing_folder():
    r = aiwf_in_process("check", "/nonexistent/project")
    assert r.returncode == 1 and "does not exist" in r.stderr and "Traceback" not in r.stderr


def test_version_and_help():
    r = aiwf_in_process("--version")
    assert r.returncode == 0 and r.stdout.startswith("aiwf ")
    r = aiwf_in_process("--help")
    assert r.returncode == 0 and "check" in r.stdout and "render" in r.stdout
    for verb in ("check", "plan", "render", "knowledge", "config"):
        r = aiwf_in_process(verb, "--help")
        assert r.returncode == 0, (verb, r.stderr)


def test_a_misspelt_verb_is_named_with_the_verb_it_nearly_spells(tmp_path, monkeypatch):
    """`aiwf rendr demo`: argparse alone took 'rendr' for the project folder and complained
    about 'demo'. A first word that is no verb and no path, close to a verb, gets one line."""
    monkeypatch.chdir(tmp_path)
    result = aiwf_in_process("rendr", "demo")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.splitlines() == [
        "aiwf: 'rendr' is neither a verb nor a folder - did you mean `aiwf render`? (`aiwf --help` lists the verbs)"
    ]
    (tmp_path / "rendr").mkdir()  # a folder of that name is the user's project folder, not a typo
    assert "did you mean" not in aiwf_in_process("rendr").stderr
