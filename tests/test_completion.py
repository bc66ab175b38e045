"""`aiwf completion SHELL` and `aiwf help [VERB]`, as a user meets them.

The bash test sources the printed script in a real bash and asks the completion function it
registers (`complete -p aiwf`) for candidates, as bash does on TAB: with COMP_WORDS set.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from aiwf_tui.cli import VERBS


def aiwf(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "aiwf_tui", *args], check=False, capture_output=True, text=True, timeout=60, cwd=cwd
    )


@pytest.fixture(scope="module")
def bash_script(tmp_path_factory):
    result = aiwf("completion", "bash")
    assert result.returncode == 0, result.stderr
    path = tmp_path_factory.mktemp("completion") / "aiwf.bash"
    path.write_text(result.stdout, encoding="utf-8")
    return path


def complete(script, line: str, cwd) -> list[str]:
    """The candidates bash offers for `line` (TAB pressed at its end), from the sourced script."""
    words = line.split(" ")
    program = f"""
source {str(script)!r}
function=$(complete -p aiwf | sed -E 's/.* -F ([^ ]+) .*/\\1/')
COMP_WORDS=({" ".join(repr(w) for w in words)})
COMP_CWORD={len(words) - 1}
COMP_LINE={line!r}
COMP_POINT=${{#COMP_LINE}}
"$function" aiwf {words[-1]!r} {words[-2]!r}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", program],
        check=False,
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    return [line for line in result.stdout.splitlines() if line]


def _verb_actions(verb: str):
    """The argparse actions of one verb, as the completion script is generated from them."""
    from aiwf_tui.cli import full_parser

    subparsers = next(a for a in full_parser()._actions if a.dest == "verb")
    return subparsers.choices[verb]._actions


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
class TestBashCompletion:
    def test_verbs(self, bash_script, tmp_path):
        assert set(complete(bash_script, "aiwf ", tmp_path)) >= set(VERBS)
        assert complete(bash_script, "aiwf re", tmp_path) == ["render"]
        assert complete(bash_script, "aiwf comp", tmp_path) == ["completion"]

    def test_flags_of_a_verb(self, bash_script, tmp_path):
        assert set(complete(bash_script, "aiwf render --", tmp_path)) >= {"--plan", "--dry-run", "--json"}
        assert set(complete(bash_script, "aiwf export --f", tmp_path)) == {"--force", "--format"}

    def test_choices_and_sub_commands(self, bash_script, tmp_path):
        formats = next(a.choices for a in _verb_actions("export") if "--format" in a.option_strings)
        assert complete(bash_script, "aiwf export --format ", tmp_path) == list(formats)
        assert {"archive", "prometheus"} <= set(formats)
        assert set(complete(bash_script, "aiwf knowledge ", tmp_path)) == {"methodologies", "warnings", "search"}
        assert set(complete(bash_script, "aiwf completion ", tmp_path)) == {"bash", "zsh", "fish"}
        assert "render" in complete(bash_script, "aiwf help ", tmp_path)

    def test_project_folder_completes_folders_only(self, bash_script, tmp_path):
        (tmp_path / "fleet-docs").mkdir()
        (tmp_path / "fleet-notes.txt").write_text("not a folder")
        assert complete(bash_script, "aiwf check fle", tmp_path) == ["fleet-docs"]


@pytest.mark.parametrize("shell,needle", [("zsh", "#compdef aiwf"), ("fish", "complete -c aiwf")])
def test_zsh_and_fish_scripts_name_every_verb(shell, needle):
    result = aiwf("completion", shell)
    assert result.returncode == 0, result.stderr
    assert needle in result.stdout
    for verb in VERBS:
        assert verb in result.stdout


def test_unknown_shell_is_a_usage_error():
    result = aiwf("completion", "tcsh-ish")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_startup_does_not_import_shtab_or_the_verbs():
    probe = (
        "import sys; from aiwf_tui import cli; cli._open_parser(); "
        "print(sorted(m for m in sys.modules if m == 'shtab' or m.startswith('aiwf_tui.commands.')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], check=False, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[]", result.stdout


class TestHelp:
    def test_help_alone_is_aiwf_help(self, tmp_path):
        result = aiwf("help", cwd=tmp_path)
        assert result.returncode == 0
        assert result.stdout.startswith("usage: aiwf ") and "verbs:" in result.stdout
        assert not (tmp_path / "help").exists()

    def test_help_verb_is_the_verb_help(self):
        result = aiwf("help", "render")
        assert result.returncode == 0
        assert result.stdout == aiwf("render", "--help").stdout

    def test_help_unknown_verb(self):
        result = aiwf("help", "rendr")
        assert result.returncode == 2 and "invalid choice" in result.stderr
