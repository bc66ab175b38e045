"""aiwf in a real tmux: a burst of keys lands where the same keys land one by one (tmux hands
the whole burst over in one read, so every key arrives before the first one's binding has run;
the pilot, which waits after each key, never saw this), and killing tmux under it saves and
frees the project."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path

import pytest

from aiwf_tui.layout import LOCK_NAME, PLAN_FILE
from aiwf_tui.model.plan_io import load_plan
from tests.helpers import FIXTURES, copy_project
from tests.tmux_session import Tmux
from tests.waiting import wait_until

pytestmark = [pytest.mark.pty, pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")]


def test_a_burst_that_changes_section_and_types_lands_on_the_named_answer(tmp_path):
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    term = Tmux(tmp_path / "tmux", "exec " + shlex.join([sys.executable, "-m", "aiwf_tui", str(project)]))
    try:
        term.wait_for("Welcome to Phase 5")
        term.wait_for("Earlier decisions (")  # Welcome's table is there, and has the focus
        # n n: Monitoring; tab: its second answer; enter: edit it; the text; escape: leave it.
        term.send("n", "n", "Tab", "Enter", "p", "9", "9", "-", "l", "a", "t", "e", "n", "c", "y", "Escape")
        wait_until(lambda: "Editing" not in term.screen() and "p99-latency" in term.screen(), what="the answer")
        term.send("C-q")
        wait_until(term.pane_dead, what="aiwf to quit")
        plan = load_plan(project / PLAN_FILE, project)
        assert plan.monitoring.critical_metrics == "p99-latency"
        assert plan.monitoring.infrastructure == ""
        assert plan.resume_section == "monitoring/1"
        assert not (project / LOCK_NAME).exists()
    finally:
        term.close()


def exited(pid: int) -> bool:
    try:
        return "zombie" in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return True


def test_killing_tmux_under_aiwf_saves_and_frees_the_project(tmp_path):
    """The terminal goes away (tmux killed): the answer typed is saved and the lock released,
    even when Textual's shutdown waits on a write to the vanished terminal (1 run in 3 did)."""
    project = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    term = Tmux(tmp_path / "tmux", "exec " + shlex.join([sys.executable, "-m", "aiwf_tui", str(project)]))
    try:
        term.wait_for("Welcome to Phase 5")
        term.wait_for("Earlier decisions (")
        term.send("n", "n", "Enter", "P", "r", "o", "m", "Escape")
        wait_until(lambda: "Editing" not in term.screen() and "Prom" in term.screen(), what="the answer")
        pid = term.pane_pid()
    finally:
        term.close()
    wait_until(lambda: not (project / LOCK_NAME).exists(), what="the lock to be released")
    wait_until(lambda: exited(pid), what="aiwf to exit")
    assert load_plan(project / PLAN_FILE, project).monitoring.infrastructure == "Prom"
