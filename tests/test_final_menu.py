"""The final menu ([S] [D] [E] [X]) and review mode, driven with Textual's pilot."""

from __future__ import annotations

import hashlib
import shutil
import tarfile
from pathlib import Path

import pytest
from textual.widgets import Input, MarkdownViewer, TextArea

from aiwf_tui.app import AiwfApp
from aiwf_tui.layout import PLAN_FILE, RUNBOOK_FILE, TEMP_PREFIX
from tests.conftest import FIXTURES

SIZE = (120, 40)
TODAY = "2026-03-10"


@pytest.fixture(autouse=True)
def no_knowledge_server(monkeypatch, tmp_path):
    """No Knowledge server and no user config: the embedded knowledge base answers."""
    monkeypatch.delenv("AIWF_KNOWLEDGE_URL", raising=False)
    monkeypatch.delenv("AIWF_KNOWLEDGE_API_KEY", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def record_exit(app) -> list[str]:
    """The messages the app exits with (Textual prints and clears them after run_test)."""
    messages: list[str] = []
    original = app.exit

    def exit(*args, **kwargs):
        messages.append(str(kwargs.get("message", "")))
        return original(*args, **kwargs)

    app.exit = exit  # type: ignore[method-assign]
    return messages


def copy_fixture(tmp_path: Path, name: str) -> Path:
    target = tmp_path / "projects" / name
    shutil.copytree(FIXTURES / name, target)
    return target


def digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


async def wait_for(pilot, condition, what: str, tries: int = 100) -> None:
    for _ in range(tries):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _ready(app) -> bool:
    screen = app.workflow_screen
    if app.ctx is None or screen is None or not screen.is_mounted:
        return False
    return bool(screen.query("#section-host SectionView"))


async def loaded(pilot) -> None:
    await wait_for(pilot, lambda: _ready(pilot.app), "the project to load")


async def open_on_menu(pilot) -> None:
    await loaded(pilot)
    screen = pilot.app.workflow_screen
    if screen.current != "menu":
        screen.show_section("menu")
        await pilot.pause()
    assert pilot.app.screen is screen and screen.current == "menu"


# -- review mode ----------------------------------------------------------------------------------
async def test_complete_project_opens_on_menu_read_only(tmp_path):
    root = copy_fixture(tmp_path, "already-complete")
    before = digests(root)
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = app.workflow_screen
        assert screen.current == "menu"
        assert app.ctx.read_only
        from aiwf_tui.sections.final_menu import FinalMenuView

        intro = screen.query_one(FinalMenuView).query(".intro").first()
        assert "Review mode" in str(intro.render())
        assert screen.check_action("reopen", ()) and screen.check_action("export", ())
        assert not screen.check_action("write_files", ())
        await pilot.press("c")  # confirming is refused, nothing changes
        await pilot.pause(0.6)
    assert digests(root) == before
    assert not (root / PLAN_FILE).exists()


async def test_reopen_starts_fresh_plan_and_never_touches_artifacts_until_written(tmp_path):
    root = copy_fixture(tmp_path, "already-complete")
    runbook = (root / RUNBOOK_FILE).read_bytes()
    sidecar = (root / "sidecar.yaml").read_bytes()
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        await pilot.press("r")
        await pilot.pause()
        screen = app.workflow_screen
        assert not app.ctx.read_only
        assert screen.current == "monitoring"
        assert app.ctx.plan.section("monitoring").status == "draft"
        # edit the first answer of the section through the editor bar (autosaves the plan only)
        await pilot.press("enter")
        await pilot.pause()
        assert screen.editor is not None
        await pilot.press("end", *" (reopened)", "escape")
        await wait_for(pilot, lambda: (root / PLAN_FILE).exists() and not app.dirty, "the autosave")
        assert "(reopened)" in (root / PLAN_FILE).read_text(encoding="utf-8")
        # r again on the menu does nothing once reopened (the plan in memory is kept)
        plan = app.ctx.plan
        screen.show_section("menu")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert screen.current == "menu" and app.ctx.plan is plan
    assert (root / RUNBOOK_FILE).read_bytes() == runbook
    assert (root / "sidecar.yaml").read_bytes() == sidecar
    assert not [p for p in root.rglob(f"{TEMP_PREFIX}*")]


async def test_reopen_resumes_from_plan_on_disk(tmp_path):
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan_io import dump_plan

    root = copy_fixture(tmp_path, "already-complete")
    plan = new_plan(load_project(root))
    plan.runbook.dashboard_url = "https://grafana.example.test/d/from-disk"
    (root / PLAN_FILE).write_text(dump_plan(plan), encoding="utf-8")
    runbook = (root / RUNBOOK_FILE).read_bytes()
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        assert app.workflow_screen.current == "menu"
        await pilot.press("r")
        await pilot.pause()
        assert app.ctx.plan.runbook.dashboard_url == "https://grafana.example.test/d/from-disk"
        assert not app.ctx.read_only
    assert (root / RUNBOOK_FILE).read_bytes() == runbook


# -- [S] --------------------------------------------------------------------------------------------
async def test_s_shows_spec_with_toc_and_search(tmp_path):
    from aiwf_tui.screens.spec_viewer import SpecViewerScreen

    root = copy_fixture(tmp_path, "already-complete")
    spec = (root / "project-spec.md").read_text(encoding="utf-8")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SpecViewerScreen) and app.screen.loaded, "the spec")
        viewer_screen = app.screen
        assert viewer_screen.source_text == spec
        viewer = viewer_screen.query_one(MarkdownViewer)
        assert viewer.show_table_of_contents
        assert viewer.table_of_contents.table_of_contents  # headings listed
        # search: / opens the find bar, typing counts, enter jumps, n goes on
        word = "qdrant"
        expected = sum(line.lower().count(word) for line in spec.split("\n"))
        assert expected >= 2
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*word)
        assert len(viewer_screen.matches) == expected
        await pilot.press("enter")
        assert viewer_screen.match_index == 0
        first_line = viewer_screen.matches[0][0]
        block = viewer_screen.block_for_line(first_line)
        assert block is not None and block.has_class("-found")
        await pilot.press("enter")
        assert viewer_screen.match_index == 1
        await pilot.press("escape")  # closes the find bar, then n / N step through
        assert not isinstance(app.focused, Input)
        await pilot.press("n")
        assert viewer_screen.match_index == 2 % expected
        await pilot.press("N")
        assert viewer_screen.match_index == 1
        # source mode: the match itself is selected
        await pilot.press("m")
        source = viewer_screen.query_one(TextArea)
        assert source.display and source.selected_text.lower() == word
        await pilot.press("escape")
        assert app.screen is app.workflow_screen


async def test_spec_search_without_match(tmp_path):
    from aiwf_tui.screens.spec_viewer import SpecViewerScreen

    root = copy_fixture(tmp_path, "already-complete")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SpecViewerScreen) and app.screen.loaded, "the spec")
        await pilot.press("slash", *"zzz-nothing", "enter")
        assert app.screen.matches == [] and app.screen.match_index == -1


# -- [D] --------------------------------------------------------------------------------------------
async def test_d_lists_every_decision_filters_sorts_and_opens_adr(tmp_path):
    from aiwf_tui.screens.decisions_review import AdrModal, DecisionsReviewScreen
    from aiwf_tui.widgets.decisions_table import DecisionsTable

    root = copy_fixture(tmp_path, "already-complete")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        decisions = app.ctx.project.decisions
        assert any(d.phase == 5 for d in decisions), "fixture has operations decisions"
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, DecisionsReviewScreen)
        table = app.screen.query_one(DecisionsTable)
        assert table.visible_count == len(decisions)
        # filters as you type (focus starts in the filter)
        op = next(d for d in decisions if d.phase == 5)
        await pilot.press(*op.id)
        assert table.visible_count >= 1
        assert table.current_text().plain.startswith(op.id)
        # enter goes to the table, enter again opens the ADR entry
        await pilot.press("enter")
        assert app.focused is table
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AdrModal)
        assert app.screen.decision == op
        if op.entry is not None:
            assert app.screen.text == op.entry.text
        await pilot.press("escape")
        assert isinstance(app.screen, DecisionsReviewScreen)
        # clear the filter, sort by phase: operations decisions last
        await pilot.press("slash")
        await pilot.press("escape")  # first escape clears the filter
        assert table.visible_count == len(decisions)
        await pilot.press("down", "s")  # sort by phase
        await pilot.press("end")
        assert table.current_text().plain.split()[0] in {d.id for d in decisions if d.phase == 5}
        await pilot.press("escape")
        assert app.screen is app.workflow_screen


async def test_adr_entry_of_earlier_phase_is_full_text(tmp_path):
    from aiwf_tui.screens.decisions_review import AdrModal

    root = copy_fixture(tmp_path, "already-complete")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        arch = next(d for d in app.ctx.project.decisions if d.id == "arch-001")
        await pilot.press("d", *"arch-001", "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, AdrModal)
        assert arch.entry is not None and app.screen.text == arch.entry.text
        assert app.screen.text.lstrip("#").strip().startswith("ARCH-001")


# -- [E] --------------------------------------------------------------------------------------------
async def test_e_exports_to_default_path_and_copies_it(tmp_path):
    from aiwf_tui.screens.export import ExportScreen

    root = copy_fixture(tmp_path, "already-complete")
    (root / f"{TEMP_PREFIX}sidecar.yaml.tmp").write_text("autosave in progress")
    app = AiwfApp(root, today=TODAY)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.files, "the file list")
        screen = app.screen
        default = root.parent / "already-complete-phase5-20260310.tar.gz"
        assert screen.query_one("#export-path", Input).value == str(default)
        listed = str(screen.query_one("#export-files").render())
        assert "already-complete/sidecar.yaml" in listed and "MANIFEST.sha256" in listed
        assert TEMP_PREFIX not in listed
        await pilot.press("ctrl+y")
        assert copied == [str(default)]
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.written is not None, "the archive")
        assert screen.written == default
        await pilot.press("ctrl+y")
        assert copied[-1] == str(default)
        await pilot.press("escape")
        assert app.screen is app.workflow_screen
    with tarfile.open(default) as archive:
        names = archive.getnames()
    assert "already-complete/MANIFEST.sha256" in names and "already-complete/sidecar.yaml" in names
    assert not any(TEMP_PREFIX in n for n in names)


async def test_e_asks_before_overwriting_and_writes_zip(tmp_path):
    from aiwf_tui.screens.export import ExportScreen
    from aiwf_tui.screens.modals import ConfirmModal

    root = copy_fixture(tmp_path, "already-complete")
    target = tmp_path / "out.zip"
    target.write_bytes(b"keep me")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.files, "the file list")
        screen = app.screen
        screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause(0.3)
        assert target.read_bytes() == b"keep me"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.written is not None, "the archive")
    import zipfile

    with zipfile.ZipFile(target) as archive:
        assert "already-complete/MANIFEST.sha256" in archive.namelist()


async def test_e_refuses_escaping_symlink(tmp_path):
    from aiwf_tui.screens.export import ExportScreen

    root = copy_fixture(tmp_path, "already-complete")
    (root / "leak").symlink_to("/etc/hostname")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.plan_error, "the refusal")
        assert "leads outside the project" in app.screen.plan_error
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert app.screen.written is None
    assert not list(root.parent.glob("*.tar.gz"))


# -- [X] --------------------------------------------------------------------------------------------
async def test_x_asks_then_exits_complete(tmp_path):
    from aiwf_tui.screens.modals import ConfirmModal

    root = copy_fixture(tmp_path, "already-complete")
    app = AiwfApp(root, today=TODAY)
    exits = record_exit(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is app.workflow_screen and app.is_running
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    assert exits == ["aiwf: workflow complete."]


async def test_x_before_writing_says_not_written(tmp_path):
    root = copy_fixture(tmp_path, "support-rag-bot")
    before = (root / "sidecar.yaml").read_bytes()
    app = AiwfApp(root, today=TODAY)
    exits = record_exit(app)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    assert exits == ["aiwf: exited; Phase 5 is not written yet (your answers are saved)."]
    assert (root / "sidecar.yaml").read_bytes() == before


def test_front_matter_is_shown_as_code_line_for_line():
    from aiwf_tui.screens.spec_viewer import displayable, find_all

    text = (FIXTURES / "already-complete" / "project-spec.md").read_text(encoding="utf-8")
    shown = displayable(text)
    assert shown.startswith("```yaml\n") and shown.count("\n") == text.count("\n")
    assert find_all("ab\nxAbab", "ab") == [(0, 0), (1, 1), (1, 3)]


async def test_menu_keys_only_on_menu(tmp_path):
    root = copy_fixture(tmp_path, "support-rag-bot")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = app.workflow_screen
        assert screen.current != "menu" and not app.ctx.read_only
        await pilot.press("x")
        await pilot.pause()
        assert app.screen is screen  # x does nothing off the menu
        assert not screen.check_action("reopen", ())


async def test_x_after_writing_files_exits_with_workflow_complete(tmp_path):
    """Full path: a confirmed plan, w writes every file (sidecar marked complete), menu, x, y."""
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan import SECTIONS
    from aiwf_tui.model.plan_io import dump_plan

    root = copy_fixture(tmp_path, "support-rag-bot")
    plan = new_plan(load_project(root))
    for key, _title in SECTIONS:
        plan.section(key).status = "confirmed"
    for channel in plan.alerting.channels:  # the targets Alertmanager cannot do without
        if channel.kind in ("email", "webhook", "msteams") and not channel.target.strip():
            channel.target = "ops@example.com" if channel.kind == "email" else "https://hooks.example.com/ops"
    (root / PLAN_FILE).parent.mkdir(parents=True, exist_ok=True)
    (root / PLAN_FILE).write_text(dump_plan(plan), encoding="utf-8")
    app = AiwfApp(root, today=TODAY)
    exits = record_exit(app)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = app.workflow_screen
        screen.show_section("files")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("y")
        await wait_for(pilot, lambda: app.ctx.project.phase5_complete, "the files to be written", tries=200)
        assert screen.current == "summary"
        await pilot.press("n")
        await pilot.pause()
        assert screen.current == "menu"
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0
    assert exits == ["aiwf: workflow complete."]
    assert load_project(root).phase5_complete
    assert (root / RUNBOOK_FILE).exists()
