"""The Textual app: wiring only. State lives in the model; screens show and edit it.

The first screen paints before anything is loaded: the project, plan, knowledge
and templates load in workers afterwards (measured: loading first would put
start-up well above the bare-Textual floor).
"""

from __future__ import annotations

import signal
import threading
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.screen import ModalScreen
from textual.widgets import Static

from aiwf_tui.errors import AiwfError

#: Autosave runs this long after the last change (the guarantee is "within one second").
AUTOSAVE_DELAY = 0.4
#: The preview renders this long after the last keystroke (off the input path).
PREVIEW_DEBOUNCE = 0.04


class SectionCommands(Provider):
    """Command palette: jump to any section."""

    async def search(self, query: str) -> Hits:
        from aiwf_tui.screens.registry import SECTION_VIEWS
        from aiwf_tui.screens.workflow import WorkflowScreen

        screen = self.screen  # the screen the palette was opened from
        if not isinstance(screen, WorkflowScreen):
            return
        matcher = self.matcher(query)
        for number, view in enumerate(SECTION_VIEWS, 1):
            label = f"Go to {number}. {view.TITLE}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(label),
                    lambda key=view.KEY: screen.show_section(key),
                    help=f"Section {number} of Phase 5",
                )


HELP = """\
Moving
  n / p          next / previous section (when not typing)
  tab / shift+tab  next / previous field or table
  arrows, j / k  move in a table
  ctrl+p         command palette: jump to any section
  ctrl+b         show or hide the sidebar

Editing
  enter or e     edit the selected answer or cell (bool cells toggle)
  escape         leave the field (what you typed is kept)
  a / d          add a row / delete the selected row (asks first)
  c              confirm the section (editing it later makes it a draft again)
  v              show or hide the live preview of the artifact

Writing and the final menu
  w              on Project files: write every file (asks first)
  s d e x        on the final menu: summary, decisions, export, exit
  r              in review mode: reopen Phase 5 for changes

  ctrl+s         save the plan now (a retry), or to another file
  ?  this help      ctrl+q  quit (your answers are saved as you type)
"""


class AiwfApp(App):
    """aiwf: Phase 5 (Operations) of the AI Engineering Workflow."""

    CSS_PATH = "app.tcss"
    TITLE = "aiwf"
    COMMANDS = App.COMMANDS | {SectionCommands}
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True, tooltip="Quit (answers are saved)"),
        Binding("question_mark", "help", "Help", id="app.help", tooltip="Keys"),
        Binding(
            "ctrl+s",
            "save_elsewhere",
            "Save as",
            id="app.save_as",
            priority=True,
            show=False,
            tooltip="Save the plan now, here or to another file",
        ),
    ]

    def __init__(
        self, project_dir: Path, *, knowledge_url: str | None = None, read_only: bool = False, today: str | None = None
    ) -> None:
        super().__init__()
        self.project_dir = Path(project_dir)
        self.knowledge_url = knowledge_url
        self.force_read_only = read_only
        self.today = today or date.today().isoformat()
        self.ctx = None
        self.dirty = False
        self.save_error: str | None = None
        self._save_timer = None
        self._preview_timer = None
        self._save_lock = threading.Lock()
        self._terminal_safe = None
        self._quit_unsaved = False
        self.error_lines: list[str] = []

    def compose(self) -> ComposeResult:
        yield Static(Text(f"aiwf  opening {self.project_dir}…", style="bold"), id="splash")

    def on_mount(self) -> None:
        self._install_sighup()
        self.load_project()

    # -- loading ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_project(self) -> None:
        from aiwf_tui.model import load_project

        try:
            project = load_project(self.project_dir)
            plan, resumed = self._load_plan(project)
        except AiwfError as exc:
            self.call_from_thread(self._failed, exc.lines())
            return
        self.call_from_thread(self._opened, project, plan, resumed)
        self._warm_renderers()

    def _warm_renderers(self) -> None:
        """Compile the templates now, off the UI thread, so the first preview is not a cold one."""
        try:
            from aiwf_tui.render.environment import environment

            env = environment()
            for name in env.list_templates():
                env.get_template(name)
            import aiwf_tui.render.alerts_config  # noqa: F401
            import aiwf_tui.render.runbook  # noqa: F401
        except Exception:
            pass

    def _load_plan(self, project):
        from aiwf_tui.layout import PLAN_FILE
        from aiwf_tui.model.defaults import new_plan
        from aiwf_tui.model.plan_io import load_plan

        path = project.path(PLAN_FILE)
        if path.exists():
            return load_plan(path, project.root), True
        return new_plan(project), False

    def _failed(self, lines: list[str]) -> None:
        self.error_lines = lines
        self.exit(return_code=1, message="\n".join(f"aiwf: {line}" for line in lines))

    def _opened(self, project, plan, resumed: bool) -> None:
        from aiwf_tui.screens.nogo import NoGoScreen
        from aiwf_tui.screens.section import Context
        from aiwf_tui.screens.workflow import WorkflowScreen

        if not project.gate_allows_phase5 and not project.phase5_complete:
            self.push_screen(NoGoScreen(project))
            return
        review = project.phase5_complete or self.force_read_only
        self.ctx = Context(project=project, plan=plan, read_only=review)
        if project.phase5_complete:
            start = "menu"
        else:
            start = plan.resume_section or "welcome"
        self.push_screen(WorkflowScreen(self.ctx, start))
        self.call_after_refresh(self._freeze_heap)
        if resumed and not review:
            self.notify(f"Resumed at {start}: every saved answer is back.", timeout=6)
        elif review and not project.phase5_complete:
            self.notify("Opened read-only (--read-only): you can look at everything; nothing is saved.", timeout=6)
        elif review:
            self.notify("Phase 5 is complete: review mode (read-only). Press r on the menu to reopen it.", timeout=6)
        self.load_knowledge()

    def _freeze_heap(self) -> None:
        """Move everything alive after start-up (modules, the project, the app) out of the
        garbage collector's view. Measured: full collections over those objects paused the
        event loop for ~60 ms every few seconds of typing; afterwards they take ~1-5 ms."""
        import gc

        gc.collect()
        gc.freeze()
        # Young collections ten times rarer: full ones (the long pauses) follow from them.
        gc.set_threshold(7000, 10, 10)

    @work(exclusive=True, group="knowledge", exit_on_error=False)
    async def load_knowledge(self) -> None:
        import asyncio
        import os

        from aiwf_tui.config import resolve_knowledge_url
        from aiwf_tui.knowledge.last_source import remember
        from aiwf_tui.knowledge.service import display_url, load_phase5_knowledge

        try:
            resolved = resolve_knowledge_url(self.knowledge_url)
        except Exception:
            resolved = None
        url = resolved.url if resolved is not None else None
        bundle = await load_phase5_knowledge(url, os.environ.get("AIWF_KNOWLEDGE_API_KEY"))
        configured = display_url(resolved.given) if resolved is not None and resolved.given else ""
        note = resolved.note if resolved is not None else ""
        # `aiwf config show` tells which source answered last and why; off the event loop (it fsyncs).
        await asyncio.to_thread(
            remember, "aiwf (app)", bundle.status, bundle.server, bundle.status_line(), configured=configured, note=note
        )
        if self.ctx is None:
            return
        self.ctx.knowledge = bundle
        screen = self.workflow_screen
        if screen is not None:
            screen.refresh_sidebar()
            if screen.section is not None:
                screen.section.refresh_knowledge()

    @property
    def workflow_screen(self):
        from aiwf_tui.screens.workflow import WorkflowScreen

        for screen in reversed(self.screen_stack):
            if isinstance(screen, WorkflowScreen):
                return screen
        return None

    # -- changes, autosave ---------------------------------------------------------------------
    def plan_changed(self) -> None:
        """Called after every change to the plan: save soon, re-render the preview."""
        self.dirty = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_DELAY, self.save_plan)
        screen = self.workflow_screen
        if screen is not None:
            screen.refresh_sidebar()
        self.schedule_preview()

    def plan_text(self) -> str:
        from aiwf_tui.model.plan_io import dump_plan

        return dump_plan(self.ctx.plan)

    def save_plan(self) -> None:
        if self.ctx is None or self.ctx.read_only or not self.dirty:
            return
        text = self.plan_text()
        self._write_plan(text)

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _write_plan(self, text: str) -> None:
        from aiwf_tui.files import atomic_write
        from aiwf_tui.layout import PLAN_FILE

        try:
            with self._save_lock:
                atomic_write(self.ctx.project.path(PLAN_FILE), text, root=self.ctx.project.root)
        except AiwfError as exc:
            self.call_from_thread(self._save_failed, exc.lines()[0])
            return
        self.call_from_thread(self._saved, text)

    def _saved(self, text: str) -> None:
        if self.plan_text() == text:
            self.dirty = False
        self.save_error = None
        screen = self.workflow_screen
        if screen is not None:
            screen.refresh_sidebar()

    def _save_failed(self, line: str) -> None:
        self.save_error = line
        self.notify(
            f"{line}. Your edits are kept in memory; the next change retries, or press ctrl+s to save them elsewhere.",
            severity="error",
            timeout=10,
        )

    def save_now(self) -> str | None:
        """Save synchronously (quit, SIGHUP); returns the problem when the save failed."""
        if self.ctx is None or self.ctx.read_only or not self.dirty:
            return None
        from aiwf_tui.files import atomic_write
        from aiwf_tui.layout import PLAN_FILE

        with self._save_lock:
            try:
                atomic_write(self.ctx.project.path(PLAN_FILE), self.plan_text(), root=self.ctx.project.root)
                self.dirty = False
                self.save_error = None
            except AiwfError as exc:
                self.save_error = exc.lines()[0]
                return self.save_error
        return None

    def action_save_elsewhere(self) -> None:
        """ctrl+s: save the plan now, to the project (a retry) or to any other file."""
        if self.ctx is None:
            return
        from aiwf_tui.layout import PLAN_FILE

        plan_path = self.ctx.project.path(PLAN_FILE)

        def chosen(value: str | None) -> None:
            if not value:
                return
            from aiwf_tui.files import atomic_write

            target = Path(value).expanduser()
            if not target.is_absolute():
                target = self.ctx.project.root / target
            if target.is_dir():
                target = target / plan_path.name
            if target == plan_path and self.ctx.read_only:
                self.notify("This project is open read-only: save the plan to another file.", severity="warning")
                return
            text = self.plan_text()
            try:
                root = self.ctx.project.root
                with self._save_lock:  # a file chosen outside the project is the user's own choice
                    atomic_write(target, text, root=root if target.absolute().is_relative_to(root) else None)
            except AiwfError as exc:
                self.notify(f"{exc.lines()[0]}. Your edits are still in memory.", severity="error", timeout=10)
                return
            if target == plan_path:
                self._saved(text)
            self.notify(f"Saved the plan to {target}", timeout=6)

        self.push_screen(SavePlanModal(str(plan_path)), chosen)

    def _install_sighup(self) -> None:
        """SIGHUP (the SSH connection dropped) and SIGTERM (kill, shutdown, a supervisor): save,
        leave the alternate screen and mouse mode through Textual's own exit, and let the
        caller release the lock, exactly as a quit does."""
        if threading.current_thread() is not threading.main_thread():
            return

        def on_signal(signum, frame):
            # No one is left to ask: save (on failure the temp file is gone, the old plan stays).
            self.save_now()
            self.exit(return_code=128 + signum)

        for name in ("SIGHUP", "SIGTERM"):
            if hasattr(signal, name):
                try:
                    signal.signal(getattr(signal, name), on_signal)
                except ValueError:
                    pass

    def get_line_filters(self):
        """Textual's filters, then the terminal-safety filter every painted line goes through."""
        from aiwf_tui.widgets.terminal_safe import TerminalSafe

        if getattr(self, "_terminal_safe", None) is None:
            self._terminal_safe = TerminalSafe()
        return [*super().get_line_filters(), self._terminal_safe]

    async def action_quit(self) -> None:
        problem = self.save_now()
        if problem and not self._quit_unsaved:
            self._quit_unsaved = True
            self.notify(
                f"{problem}. Press ctrl+s to save the plan elsewhere, or ctrl+q again to quit "
                "without saving the latest edits.",
                severity="error",
                timeout=15,
            )
            return
        self.exit()

    # -- preview --------------------------------------------------------------------------------
    def schedule_preview(self) -> None:
        screen = self.workflow_screen
        if screen is None or not screen.preview_visible():
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DEBOUNCE, self._start_preview)

    def _start_preview(self) -> None:
        from aiwf_tui.screens.registry import preview_for

        screen = self.workflow_screen
        if screen is None or self.ctx is None:
            return
        source = preview_for(screen.current)
        if source is None:
            return
        self._render_preview(screen.current, source, self.ctx.plan.model_copy(deep=True))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _render_preview(self, key, source, plan) -> None:
        title, render = source
        try:
            text = render(self.ctx.project, plan, self.today)
        except AiwfError as exc:
            text = "Cannot render yet:\n" + "\n".join(exc.lines())
        except Exception as exc:  # a preview must never take the app down
            text = f"Cannot render yet: {exc}"
        self.call_from_thread(self._show_preview, key, title, text)

    def _show_preview(self, key, title, text) -> None:
        screen = self.workflow_screen
        if screen is not None and screen.current == key:
            screen.show_preview(title, text)

    # -- project files ----------------------------------------------------------------------------
    def compute_diff(self, view) -> None:
        self._compute_diff(view, self.ctx.plan.model_copy(deep=True))

    @work(thread=True, exclusive=True, group="diff", exit_on_error=False)
    def _compute_diff(self, view, plan) -> None:
        try:
            from aiwf_tui.publish import diff_all
            from aiwf_tui.render.artifacts import render_all

            files = render_all(self.ctx.project, plan, self.today)
            diff = diff_all(self.ctx.project, files)
            summary = f"{len(files)} files rendered; the diff below shows every file created or changed."
        except AiwfError as exc:
            summary, diff = "Cannot render yet:", "\n".join(exc.lines())
        except Exception as exc:
            summary, diff = "Cannot render yet:", str(exc)
        self.call_from_thread(view.show_diff, summary, diff)

    def write_project_files(self) -> None:
        from aiwf_tui.widgets.modals import ConfirmModal

        drafts = self.ctx.plan.drafts()
        if drafts:
            self.notify("Confirm every section first: " + ", ".join(drafts), severity="warning", timeout=8)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self._write_files(self.ctx.plan.model_copy(deep=True))

        self.push_screen(
            ConfirmModal(
                "Write the Phase 5 project files now?",
                "sidecar.yaml, decision-log.md, project-spec.md, the runbook, the alerts config "
                "and the Prometheus files are written all or nothing.",
            ),
            answer,
        )

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def _write_files(self, plan) -> None:
        from aiwf_tui.model import load_project
        from aiwf_tui.publish import write_artifacts

        try:
            self.save_now()
            written = write_artifacts(self.ctx.project, plan, self.today)
            project = load_project(self.ctx.project.root)
        except AiwfError as exc:
            self.call_from_thread(
                self.notify, "Nothing was written: " + " | ".join(exc.lines()), severity="error", timeout=12
            )
            return
        self.call_from_thread(self._written, project, written)

    def _written(self, project, written) -> None:
        self.ctx.project = project
        self.notify(f"Wrote {len(written)} files. Phase 5 is complete.", timeout=6)
        screen = self.workflow_screen
        if screen is not None:
            screen.show_section("summary")

    # -- final menu ----------------------------------------------------------------------------------
    def action_help(self) -> None:
        from aiwf_tui.widgets.modals import MessageModal

        self.push_screen(MessageModal("Keys", HELP))

    def action_show_spec(self) -> None:
        from aiwf_tui.screens.spec_viewer import SpecViewerScreen

        self.push_screen(SpecViewerScreen(self.ctx.project))

    def action_show_decisions(self) -> None:
        from aiwf_tui.screens.decisions_review import DecisionsReviewScreen

        self.push_screen(DecisionsReviewScreen(self.ctx.project))

    def action_export(self) -> None:
        from aiwf_tui.screens.export import ExportScreen

        self.push_screen(ExportScreen(self.ctx.project))

    def action_reopen(self) -> None:
        if self.ctx is None or not self.ctx.read_only:
            return
        if self.force_read_only:
            self.notify(
                "Opened with --read-only: nothing can be changed here. Reopen the project without "
                "--read-only (once no other aiwf has it open) to change it.",
                severity="warning",
                timeout=8,
            )
            return
        from aiwf_tui.layout import PLAN_FILE
        from aiwf_tui.model.defaults import new_plan
        from aiwf_tui.model.plan_io import load_plan

        path = self.ctx.project.path(PLAN_FILE)
        try:
            plan = load_plan(path, self.ctx.project.root) if path.exists() else new_plan(self.ctx.project)
        except AiwfError as exc:
            self.notify(" | ".join(exc.lines()), severity="error")
            return
        for key in (
            "monitoring",
            "drift",
            "alerting",
            "incident",
            "runbook",
            "alerts_config",
            "improvement",
            "decisions",
        ):
            plan.section(key).status = "draft"
        self.ctx.plan = plan
        self.ctx.read_only = False
        self.notify(
            "Phase 5 reopened: existing files stay as they are until you confirm and write new ones.", timeout=8
        )
        self.workflow_screen.show_section("monitoring")

    def action_exit_workflow(self) -> None:
        from aiwf_tui.widgets.modals import ConfirmModal

        complete = self.ctx is not None and self.ctx.project.phase5_complete

        def answer(yes: bool | None) -> None:
            if yes:
                self.save_now()
                self.exit(
                    return_code=0,
                    message="aiwf: workflow complete."
                    if complete
                    else "aiwf: exited; Phase 5 is not written yet (your answers are saved).",
                )

        question = (
            "Exit the workflow? Phase 5 is complete." if complete else "Exit? The project files are not written yet."
        )
        self.push_screen(ConfirmModal(question), answer)


class SavePlanModal(ModalScreen[str | None]):
    """ctrl+s: where to save the plan (the project's own plan file is a retry)."""

    DEFAULT_CSS = """
    SavePlanModal { align: center middle; }
    SavePlanModal > Vertical { width: 90; height: auto; border: thick $primary; background: $surface; padding: 1 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="save_as.cancel")]

    def __init__(self, default: str) -> None:
        self.default = default
        super().__init__()

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical
        from textual.widgets import Input

        with Vertical():
            yield Static(Text("Save the operations plan to", style="bold"))
            yield Static(
                Text(
                    "Keep the path to retry saving into the project, or give another file or folder "
                    "(a relative path is inside the project folder).",
                    style="dim",
                )
            )
            yield Input(self.default, id="save-as-path")
            yield Static(Text("enter: save    escape: cancel", style="dim"))

    def on_input_submitted(self, event) -> None:
        event.stop()
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
