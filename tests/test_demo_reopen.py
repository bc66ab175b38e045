"""`aiwf` with no argument: the first run copies the demo, the next ones reopen that copy."""

from __future__ import annotations

from aiwf_tui.commands.open_app import DEMO_NAME, copy_demo


def test_the_second_run_reopens_the_copy_with_the_work_in_it(tmp_path):
    first, reopened = copy_demo(tmp_path)
    assert first == tmp_path / DEMO_NAME and not reopened
    answers = first / "phase-5-operations" / "operations-plan.yaml"
    answers.write_text("kept: yes\n", encoding="utf-8")
    second, reopened = copy_demo(tmp_path)
    assert second == first and reopened
    assert answers.read_text(encoding="utf-8") == "kept: yes\n"  # nothing copied over it
    assert sorted(p.name for p in tmp_path.iterdir()) == [DEMO_NAME]  # one demo copy in the folder


def test_a_folder_of_that_name_that_is_not_the_demo_is_left_alone(tmp_path):
    other = tmp_path / DEMO_NAME
    other.mkdir()
    (other / "notes.txt").write_text("mine", encoding="utf-8")
    made, reopened = copy_demo(tmp_path)
    assert made == tmp_path / f"{DEMO_NAME}-2" and not reopened
    assert (other / "notes.txt").read_text(encoding="utf-8") == "mine"
