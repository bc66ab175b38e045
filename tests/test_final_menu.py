"""The final menu ([S] [D] [E] [X]) and review mode, driven with Textual's pilot."""

from __future__ import annotations

import tarfile

from textual.widgets import Input, MarkdownViewer, TextArea

from aiwf_tui.app import AiwfApp
from aiwf_tui.layout import PLAN_FILE, RUNBOOK_FILE, TEMP_PREFIX
from tests.app_helpers import wait_loaded
from tests.helpers import FIXTURES, copy_project, tree_hashes
from tests.waiting import pilot_wait_until

SIZE = (120, 40)
TODAY = "2026-03-10"


def record_exit(app) -> list[str]:
    """The messages the app exits with (Textual prints and clears them after run_test)."""
    messages: list[str] = []
    original = app.exit

    def exit(*args, **kwargs):
        messages.append(str(kwargs.get("message", "")))
        return original(*args, **kwargs)

    app.exit = exit  # type: ignore[method-assign]
    return messages


def notified(app, text: str) -> bool:
    """A notification holding `text` is showing."""
    return any(text in str(note.message) for note in app._notifications)


async def loaded(pilot) -> None:
    await wait_loaded(pilot.app, pilot)


async def open_on_menu(pilot) -> None:
    await loaded(pilot)
    screen = pilot.app.workflow_screen
    if screen.current != "menu":
        screen.show_section("menu")
        await pilot.pause()
    assert pilot.app.screen is screen and screen.current == "menu"


# -- review mode ----------------------------------------------------------------------------------
async def test_complete_project_opens_on_menu_read_only(tmp_path):
    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
    before = tree_hashes(root)
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
        assert not screen.check_action("confirm_section", ())
        await pilot.press("c")  # confirming is refused, nothing changes
        await pilot.pause()
        assert not app.dirty  # so the autosave has nothing to write
        assert not any(worker.group == "save" for worker in app.workers)
    assert tree_hashes(root) == before
    assert not (root / PLAN_FILE).exists()


async def test_reopen_starts_fresh_plan_and_never_touches_artifacts_until_written(tmp_path):
    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
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
        await pilot_wait_until(pilot, lambda: (root / PLAN_FILE).exists() and not app.dirty, what="the autosave")
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

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
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

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
    spec = (root / "project-spec.md").read_text(encoding="utf-8")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("s")
        await pilot_wait_until(
            pilot, lambda: isinstance(app.screen, SpecViewerScreen) and app.screen.loaded, what="the spec"
        )
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

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("s")
        await pilot_wait_until(
            pilot, lambda: isinstance(app.screen, SpecViewerScreen) and app.screen.loaded, what="the spec"
        )
        await pilot.press("slash", *"zzz-nothing", "enter")
        assert app.screen.matches == [] and app.screen.match_index == -1


# -- [D] --------------------------------------------------------------------------------------------
async def test_d_lists_every_decision_filters_sorts_and_opens_adr(tmp_path):
    from aiwf_tui.screens.decisions_review import AdrModal, DecisionsReviewScreen
    from aiwf_tui.widgets.decisions_table import DecisionsTable

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
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
        assert op.entry is not None, "the fixture's decision log has an entry for every OP decision"
        assert app.screen.text == op.entry.text  # the entry exactly as decision-log.md holds it
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

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
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

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
    (root / f"{TEMP_PREFIX}sidecar.yaml.tmp").write_text("autosave in progress")
    app = AiwfApp(root, today=TODAY)
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("e")
        await pilot_wait_until(
            pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.files, what="the file list"
        )
        screen = app.screen
        default = root.parent / "already-complete-phase5-20260310.tar.gz"
        assert screen.query_one("#export-path", Input).value == str(default)
        listed = str(screen.query_one("#export-files").render())
        assert "already-complete/sidecar.yaml" in listed and "MANIFEST.sha256" in listed
        assert TEMP_PREFIX not in listed
        await pilot.press("ctrl+y")
        assert copied == [str(default)]
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: screen.written is not None, what="the archive")
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

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
    target = tmp_path / "out.zip"
    target.write_bytes(b"keep me")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("e")
        await pilot_wait_until(
            pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.files, what="the file list"
        )
        screen = app.screen
        screen.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")
        await pilot_wait_until(pilot, lambda: app.screen is screen, what="the question to close")
        assert not any(worker.group == "export-write" for worker in app.workers)  # declined: no write started
        assert target.read_bytes() == b"keep me"
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await pilot_wait_until(pilot, lambda: screen.written is not None, what="the archive")
    import zipfile

    with zipfile.ZipFile(target) as archive:
        assert "already-complete/MANIFEST.sha256" in archive.namelist()


async def test_e_refuses_escaping_symlink(tmp_path):
    from aiwf_tui.screens.export import ExportScreen

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
    (root / "leak").symlink_to("/etc/hostname")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await open_on_menu(pilot)
        await pilot.press("e")
        await pilot_wait_until(
            pilot, lambda: isinstance(app.screen, ExportScreen) and app.screen.plan_error, what="the refusal"
        )
        assert "leads outside the project" in app.screen.plan_error
        await pilot.press("enter")
        await pilot_wait_until(pilot, lambda: notified(app, "Cannot export"), what="the refusal")
        assert not any(worker.group == "export-write" for worker in app.workers)
        assert app.screen.written is None
    assert not list(root.parent.glob("*.tar.gz"))


# -- [X] --------------------------------------------------------------------------------------------
async def test_x_asks_then_exits_complete(tmp_path):
    from aiwf_tui.screens.modals import ConfirmModal

    root = copy_project(FIXTURES / "already-complete", tmp_path / "projects")
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
    root = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
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
    root = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
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
    """Full path: an answered, confirmed plan, w writes every file (sidecar marked complete), menu, x, y."""
    from aiwf_tui.model import load_project
    from aiwf_tui.model.defaults import new_plan
    from aiwf_tui.model.plan_io import dump_plan
    from tests.render_helpers import answer_all

    root = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    project = load_project(root)
    plan = answer_all(new_plan(project), project)  # every answer given, every section confirmed
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
        await pilot_wait_until(pilot, lambda: app.ctx.project.phase5_complete, what="the files to be written")
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


async def test_menu_before_completion_shows_what_is_missing_and_answers_queries(tmp_path):
    """Not complete: the menu never says "Workflow Complete", lists what is open, and a
    free-text query is answered with help, the menu shown again (step file: final menu)."""
    from textual.widgets import Input, Static

    from aiwf_tui.sections.final_menu import FinalMenuView

    root = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = app.workflow_screen
        screen.show_section("menu")
        await pilot.pause()
        menu = screen.query_one(FinalMenuView)
        shown = " ".join(str(w.render()) for w in menu.query(Static))
        assert "Workflow Complete" not in shown and "Workflow not complete yet" in shown
        assert "answers open" in shown and "project files not written yet" in shown
        box = menu.query_one("#menu-query", Input)
        box.focus()
        await pilot.pause()
        for ch in "what is left to do":
            await pilot.press("space" if ch == " " else ch)
        await pilot.press("enter")
        await pilot.pause()
        answer = str(menu.query_one("#menu-answer", Static).render())
        assert "still open" in answer and "Select an option: [S] summary" in answer
        assert box.value == "" and not box.has_focus
        assert screen.current == "menu"


async def test_runbook_and_decisions_refuse_to_confirm_while_answers_are_open(tmp_path):
    """Every section, Runbook and Operations decisions included, confirms only once nothing
    in it is open; the sidebar counts the open answers from the same list as `aiwf todo`."""
    from aiwf_tui.model.todo import open_items

    root = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    app = AiwfApp(root, today=TODAY)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = app.workflow_screen
        for key in ("runbook", "decisions"):
            screen.show_section(key)
            await pilot.pause()
            await pilot.press("c")
            await pilot.pause()
            assert app.ctx.plan.section(key).status == "draft", key
        open_runbook = sum(1 for i in open_items(app.ctx.project, app.ctx.plan) if i.section == "runbook")
        states = dict((k, state) for k, _title, state in screen.section_states())
        assert states["runbook"] == f"{open_runbook} open"


async def test_an_unfinished_project_opened_read_only_says_so_and_offers_no_reopen(tmp_path):
    """Opened read-only (--read-only, or as offered for a locked or unwritable project) before
    Phase 5 is complete: the menu does not call it complete, and an edit or a confirm says why
    nothing changes without pointing at r, which cannot reopen it."""
    from textual.widgets import Static

    from aiwf_tui.sections.final_menu import FinalMenuView

    root = copy_project(FIXTURES / "support-rag-bot", tmp_path / "projects")
    app = AiwfApp(root, today=TODAY, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        screen = app.workflow_screen
        note = screen.read_only_note()
        assert "Opened read-only" in note and "press r" not in note
        screen.show_section("menu")
        await pilot.pause()
        menu = screen.query_one(FinalMenuView)
        shown = " ".join(str(w.render()) for w in menu.query(Static))
        assert "Phase 5 is not complete. Opened read-only" in shown and "Phase 5 is complete" not in shown
