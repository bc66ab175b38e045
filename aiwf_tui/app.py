"""The Textual app: wiring only. State lives in the model; screens show and edit it.

The first screen paints before anything is loaded: the project, plan, knowledge
and templates load in workers afterwards (measured: loading first would put
start-up well above the bare-Textual floor). So this module imports only Textual;
everything else is imported where it is first needed, after the first paint.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import os
import signal
import threading
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.filter import LineFilter
from textual.reactive import reactive
from textual.timer import Timer
from textual.widget import AwaitMount
from textual.widgets import Static

from aiwf_tui.errors import AiwfError
from aiwf_tui.key_order import KeyOrder
from aiwf_tui.messages import (
    ExitConfirmed,
    FilesWritten,
    KnowledgeLoaded,
    PlanChanged,
    PlanReopened,
    ResumePointMoved,
    SectionConfirmed,
    WriteConfirmed,
)
from aiwf_tui.widgets.terminal_safe import TerminalSafe

if TYPE_CHECKING:
    from aiwf_tui.model.plan import OperationsPlan
    from aiwf_tui.model.project import Project
    from aiwf_tui.screens.workflow import WorkflowScreen
    from aiwf_tui.sections.base import Context

log = logging.getLogger("aiwf.app")

#: Autosave runs this long after the last change (the guarantee is "within one second").
AUTOSAVE_DELAY = 0.4
#: Seconds a shutdown after SIGHUP/SIGTERM may take before the process leaves without it.
HANGUP_GRACE = 3.0


HELP = """\
Moving
  n / p          next / previous section (when not typing)
  tab / shift+tab  next / previous field or table
  arrows, j / k  move in a table
  ctrl+p         command palette: jump to any section
  ctrl+b         show or hide the sidebar

Editing
  enter or e     edit the selected answer or cell (yes/no toggles, a choice opens a list)
  escape         leave the field (what you typed is kept; text that is
                 not valid is dropped, and you are told)
  a / d          add a row / delete the selected row (asks first)
  c              confirm the section (editing it later makes it a draft again)
  v              show or hide the live preview of the artifact
  f              into the preview (arrows scroll it) and back
  r              in Alerting: the fire drill on the plan as it is now;
                 escape stops it and the checks
  space          in a table: toggle yes/no, or the next allowed value
  ctrl+u         in the editor: clear it; tab / shift+tab keep it and move on
                 (enter and tab wait while the text is not valid)
  ctrl+e         in the editor: edit the text in $EDITOR

Writing and the final menu
  w              on Project files: write every file (asks first)
  s d e x        on the final menu: summary, decisions, export, exit
  r              in review mode: reopen Phase 5 for changes

  ctrl+s         save the plan now (a retry), or to another file
  ?  this help      ctrl+q  quit (your answers are saved as you type)
"""


class AiwfApp(App[None]):
    """aiwf: Phase 5 (Operations) of the AI Engineering Workflow."""

    CSS_PATH = "app.tcss"
    TITLE = "aiwf"
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

    dirty: reactive[bool] = reactive(False, init=False)
    """The plan has changes not yet on disk (the sidebar shows it)."""

    def __init__(
        self, project_dir: Path, *, knowledge_url: str | None = None, read_only: bool = False, today: str | None = None
    ) -> None:
        super().__init__()
        if "TEXTUAL_ANIMATIONS" not in os.environ:
            # Over SSH every animation frame is bytes on the wire and a scroll that lands late: a
            # scroll begun while another glides is measured from a point in flight and stops off
            # its target. Jumps land at once, where they were aimed; TEXTUAL_ANIMATIONS=full restores.
            self.animation_level = "none"
        self.project_dir = Path(project_dir)
        self.knowledge_url = knowledge_url
        self.force_read_only = read_only
        self.today = today or date.today().isoformat()
        self.ctx: Context | None = None
        self.plan_path: Path | None = None
        self.save_error: str | None = None
        self._workflow: WorkflowScreen | None = None
        self._save_timer: Timer | None = None
        self._save_lock = threading.Lock()
        self._terminal_safe: LineFilter | None = None
        self._quit_unsaved = False
        self._moved = False  # the resume point moved since the last save
        self.config_file: Path | None = None  # the user config, once read
        self._theme_from_config = False
        self.error_lines: list[str] = []
        self.release_on_exit: Callable[[], None] | None = None
        """What to release (the project's lock) if a signal's shutdown hangs and the process must leave at once."""
        self.key_order = KeyOrder(self, super().on_event)
        """Typed keys, one at a time (a burst lands where each key's predecessor left the focus)."""

    async def on_event(self, event: events.Event) -> None:
        """Keys from the terminal go through `key_order`; one coming back up has had its bindings run."""
        if isinstance(event, events.Key):
            if not event.is_forwarded:
                await self.key_order.typed(event)
                return
            await super().on_event(event)
            self.key_order.came_back(event)
            return
        await super().on_event(event)

    def push_screen(self, screen, callback=None, wait_for_dismiss=False, *, mode=None):
        """Textual's push_screen; the keys typed meanwhile go to the new screen once it is mounted
        (the viewer, picker or question that the key before them opened)."""
        pushed = super().push_screen(screen, callback, wait_for_dismiss, mode=mode)
        if isinstance(pushed, AwaitMount):
            self.key_order.hold_until(pushed)
        return pushed

    def compose(self) -> ComposeResult:
        yield Static(Text(f"aiwf  opening {self.project_dir}…", style="bold"), id="splash")

    def on_mount(self) -> None:
        self.watch(self, "theme", self._watch_theme_choice, init=False)
        self._install_sighup()
        self.load_project()

    # -- loading ----------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_project(self) -> None:
        from aiwf_tui.model import load_project  # lazy: pydantic and YAML load after the first paint

        self._read_user_config()
        try:
            project = load_project(self.project_dir)
            plan, resumed = self._load_plan(project)
        except AiwfError as exc:
            self.call_from_thread(self._failed, exc.lines())
            return
        self.call_from_thread(self._opened, project, plan, resumed)
        self._warm_renderers()

    def _read_user_config(self) -> None:
        """The `[keymap]` and the saved theme from the user config, applied on the UI thread."""
        from aiwf_tui.config import ConfigError, config_path, load_config, user_keymap, user_theme  # lazy: after paint

        try:
            data = load_config()
            keymap, theme = user_keymap(data), user_theme(data)
        except ConfigError as exc:
            self.call_from_thread(
                self.notify, f"{exc} - fix it or run aiwf config path", severity="warning", timeout=10
            )
            return
        self.config_file = config_path()
        self.call_from_thread(self._apply_user_config, keymap, theme)

    def _apply_user_config(self, keymap: dict[str, str], theme: str | None) -> None:
        if keymap:
            self.set_keymap(keymap)
        if theme and theme in self.available_themes:
            self._theme_from_config = True
            self.theme = theme
            self._theme_from_config = False

    def _watch_theme_choice(self, theme: str) -> None:
        """A theme chosen in the palette is kept in the user config for the next start."""
        if self._theme_from_config or self.config_file is None:
            return
        from aiwf_tui.config import ConfigError, save_theme  # lazy: only when a theme is chosen

        try:
            save_theme(theme, self.config_file)
        except (ConfigError, OSError) as exc:
            self.notify(f"The theme could not be saved in {self.config_file}: {exc}", severity="warning")

    def _warm_renderers(self) -> None:
        """Compile the templates now, off the UI thread, so the first preview is not a cold one."""
        try:
            # lazy: this is the warm-up itself (Jinja2, templates, renderers), in the load worker
            import aiwf_tui.render.alerts_config
            import aiwf_tui.render.runbook  # noqa: F401
            from aiwf_tui.render.environment import environment

            env = environment()
            for name in env.list_templates():
                env.get_template(name)
        except Exception:
            pass

    def _load_plan(self, project: Project) -> tuple[OperationsPlan, bool]:
        # lazy: the plan model loads in the load worker, after the first paint
        from aiwf_tui.layout import PLAN_FILE
        from aiwf_tui.model.defaults import new_plan
        from aiwf_tui.model.plan_io import load_plan

        path = project.path(PLAN_FILE)
        if path.exists():
            return load_plan(path, project.root), True
        return new_plan(project), False

    def _failed(self, lines: list[str]) -> None:
        log.error("cannot open %s: %s", self.project_dir, " | ".join(lines))
        self.error_lines = lines
        self.exit(return_code=1, message="\n".join(f"aiwf: {line}" for line in lines))

    def _opened(self, project: Project, plan: OperationsPlan, resumed: bool) -> None:
        # lazy: the screens import every widget and section, after the first paint
        from aiwf_tui.layout import PLAN_FILE
        from aiwf_tui.screens.nogo import NoGoScreen
        from aiwf_tui.screens.workflow import WorkflowScreen
        from aiwf_tui.sections.base import Context
        from aiwf_tui.sections.registry import view_for

        if not project.gate_allows_phase5 and not project.phase5_complete:
            self.push_screen(NoGoScreen(project))
            return
        log.info("opened %s (resumed=%s, plan at %s)", project.root, resumed, plan.resume_section)
        review = project.phase5_complete or self.force_read_only
        self.plan_path = project.path(PLAN_FILE)
        self.ctx = Context(
            project=project, plan=plan, today=self.today, read_only=review, forced_read_only=self.force_read_only
        )
        start = "menu" if project.phase5_complete else (plan.resume_section or "welcome")
        self._workflow = WorkflowScreen(self.ctx, start)
        self.push_screen(self._workflow)
        self.call_after_refresh(self._freeze_heap)
        if resumed and not review:
            title = view_for(self._workflow.current).TITLE
            self.notify(f"Resumed at {title}: every saved answer is back.", timeout=6)
        elif review and not project.phase5_complete:
            self.notify("Opened read-only (--read-only): you can look at everything; nothing is saved.", timeout=6)
        elif review:
            self.notify("Phase 5 is complete: review mode (read-only). Press r on the menu to reopen it.", timeout=6)
        self.load_knowledge()

    def _freeze_heap(self) -> None:
        """Move everything alive after start-up (modules, the project, the app) out of the
        garbage collector's view. Measured: full collections over those objects paused the
        event loop for ~60 ms every few seconds of typing; afterwards they take ~1-5 ms."""
        gc.collect()
        gc.freeze()
        # Young collections ten times rarer: full ones (the long pauses) follow from them.
        gc.set_threshold(7000, 10, 10)

    @work(exclusive=True, group="knowledge", exit_on_error=False)
    async def load_knowledge(self) -> None:
        # lazy: httpx and the knowledge base load after the project is open
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
        if self.workflow_screen is not None:
            self.workflow_screen.post_message(KnowledgeLoaded(bundle))

    @property
    def workflow_screen(self) -> WorkflowScreen | None:
        """The workflow screen, once the project is open (it may be under a viewer or a modal)."""
        if self._workflow is not None and self._workflow in self.screen_stack:
            return self._workflow
        return None

    # -- changes, autosave ---------------------------------------------------------------------
    @on(PlanChanged)
    @on(SectionConfirmed)
    def _plan_changed(self) -> None:
        """After every change to the plan: save soon."""
        self.dirty = True
        if self._save_timer is not None:
            self._save_timer.stop()
        self._save_timer = self.set_timer(AUTOSAVE_DELAY, self.save_plan)

    @on(ResumePointMoved)
    def _resume_point_moved(self) -> None:
        self._moved = True  # saved with the next save, or on quit

    @on(PlanReopened)
    def _plan_reopened(self, event: PlanReopened) -> None:
        self._quit_unsaved = False

    def plan_text(self) -> str:
        from aiwf_tui.model.plan_io import dump_plan  # lazy: loaded by the load worker before any save

        assert self.ctx is not None
        return dump_plan(self.ctx.plan)

    def _store_plan(self, text: str, target: Path | None = None) -> str | None:
        """Write the plan text (any thread); returns the problem when it could not be written."""
        from aiwf_tui.files import atomic_write  # lazy: loaded by the load worker before any save

        assert self.ctx is not None and self.plan_path is not None
        target = target or self.plan_path
        root = self.ctx.project.root
        try:
            with self._save_lock:  # a file chosen outside the project is the user's own choice
                atomic_write(target, text, root=root if target.absolute().is_relative_to(root) else None)
        except AiwfError as exc:
            return exc.lines()[0]
        return None

    def save_plan(self) -> None:
        if self.ctx is None or self.ctx.read_only or not self.dirty:
            return
        self._write_plan(self.plan_text())

    @work(thread=True, exclusive=True, group="save", exit_on_error=False)
    def _write_plan(self, text: str) -> None:
        problem = self._store_plan(text)
        if problem:
            self.call_from_thread(self._save_failed, problem)
        else:
            self.call_from_thread(self._saved, text)

    def _saved(self, text: str) -> None:
        log.debug("plan saved (%d bytes)", len(text))
        if self.plan_text() == text:
            self.dirty = False
            self._moved = False
        self.save_error = None

    def _save_failed(self, line: str) -> None:
        log.warning("autosave failed: %s", line)
        self.save_error = line
        self.notify(
            f"{line}. Your edits are kept in memory; the next change retries, or press ctrl+s to save them elsewhere.",
            severity="error",
            timeout=10,
        )

    def save_now(self) -> str | None:
        """Save synchronously on the UI thread (quit, exit, SIGHUP); returns the problem when the save failed."""
        if self.ctx is None or self.ctx.read_only or not (self.dirty or self._moved):
            return None
        text = self.plan_text()
        problem = self._store_plan(text)
        if problem:
            self.save_error = problem
            return problem
        self._saved(text)
        return None

    def action_save_elsewhere(self) -> None:
        """ctrl+s: save the plan now, to the project (a retry) or to any other file."""
        if self.ctx is None or self.plan_path is None:
            return
        from aiwf_tui.screens.modals import SavePlanModal  # lazy: its Input widget is not needed at start-up

        ctx, plan_path = self.ctx, self.plan_path

        def chosen(value: str | None) -> None:
            if not value:
                return
            target = Path(value).expanduser()
            if not target.is_absolute():
                target = ctx.project.root / target
            if target.is_dir():
                target = target / plan_path.name
            if target == plan_path and ctx.read_only:
                self.notify("This project is open read-only: save the plan to another file.", severity="warning")
                return
            text = self.plan_text()
            problem = self._store_plan(text, target)
            if problem:
                self.notify(f"{problem}. Your edits are still in memory.", severity="error", timeout=10)
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

        def on_signal(signum: int, frame: FrameType | None) -> None:
            # No one is left to ask: save (on failure the temp file is gone, the old plan stays).
            self.save_now()
            self.exit(return_code=128 + signum)
            # Textual's shutdown writes to the terminal; one that is gone (tmux killed) can leave
            # that write waiting forever (measured: 1 run in 3), holding the project's lock. The
            # answers are saved by now: after a grace period, release the lock and leave.
            watchdog = threading.Timer(HANGUP_GRACE, self._leave_now, args=(128 + signum,))
            watchdog.daemon = True
            watchdog.start()

        for name in ("SIGHUP", "SIGTERM"):
            if hasattr(signal, name):
                try:
                    signal.signal(getattr(signal, name), on_signal)
                except ValueError:
                    pass

    def _leave_now(self, code: int) -> None:
        """The shutdown after a signal did not finish: release the lock and exit at once."""
        log.warning("shutdown after a signal did not finish in %s s: leaving", HANGUP_GRACE)
        if self.release_on_exit is not None:
            try:
                self.release_on_exit()
            except Exception:
                pass
        os._exit(code)

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, then the terminal-safety filter every painted line goes through."""
        if self._terminal_safe is None:
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

    @on(ExitConfirmed)
    def _exit_confirmed(self, event: ExitConfirmed) -> None:
        self.save_now()
        self.exit(return_code=0, message=event.farewell)

    # -- project files ----------------------------------------------------------------------------
    @on(WriteConfirmed)
    def _write_confirmed(self, event: WriteConfirmed) -> None:
        self._write_files(event.plan, self.plan_text())

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def _write_files(self, plan: OperationsPlan, plan_text: str) -> None:
        """Save the plan, then write every artifact from it, all or nothing."""
        # lazy: the renderers were warmed by the load worker
        from aiwf_tui.model import load_project
        from aiwf_tui.publish import write_artifacts

        assert self.ctx is not None
        problem = self._store_plan(plan_text)
        try:
            written = write_artifacts(self.ctx.project, plan, self.today)
            project = load_project(self.ctx.project.root)
        except AiwfError as exc:
            log.error("writing the project files failed: %s", " | ".join(exc.lines()))
            self.call_from_thread(
                self.notify, "Nothing was written: " + " | ".join(exc.lines()), severity="error", timeout=12
            )
            return
        self.call_from_thread(self._written, project, len(written), plan_text, problem)

    def _written(self, project: Project, count: int, plan_text: str, problem: str | None) -> None:
        assert self.ctx is not None
        if problem:
            self._save_failed(problem)
        else:
            self._saved(plan_text)
        if self.workflow_screen is not None:
            self.workflow_screen.post_message(FilesWritten(project, count))

    # -- help ----------------------------------------------------------------------------------------
    def action_help(self) -> None:
        from aiwf_tui.screens.modals import MessageModal  # lazy: not needed at start-up

        self.push_screen(MessageModal("Keys", HELP))
