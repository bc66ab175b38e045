"""The workflow screen: sidebar, the current section, the editor bar and the live preview.

It owns what the user sees and does: navigation, editing, confirming, the preview and the
final menu. It tells the app about changes with messages (`PlanChanged` bubbles on to it,
`SectionConfirmed`, `WriteConfirmed`, `ExitConfirmed`, `PlanReopened`); the app, which owns
persistence, answers with `KnowledgeLoaded` and `FilesWritten` and its `dirty` reactive.
"""

from __future__ import annotations

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding
from textual.command import Hit, Hits, Provider
from textual.containers import Horizontal, Vertical
from textual.reactive import Reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Static, TextArea

from aiwf_tui.errors import AiwfError
from aiwf_tui.key_order import release_keys
from aiwf_tui.layout import PLAN_FILE
from aiwf_tui.messages import (
    EditRequested,
    EditSource,
    ExitConfirmed,
    FilesWritten,
    KnowledgeLoaded,
    PlanChanged,
    PlanReopened,
    ResumePointMoved,
    SectionConfirmed,
    WriteConfirmed,
)
from aiwf_tui.model.defaults import new_plan
from aiwf_tui.model.plan import OperationsPlan
from aiwf_tui.model.plan_io import load_plan
from aiwf_tui.screens.decisions_review import DecisionsReviewScreen
from aiwf_tui.screens.export import ExportScreen
from aiwf_tui.screens.modals import ConfirmModal
from aiwf_tui.screens.spec_viewer import SpecViewerScreen
from aiwf_tui.sections.base import Context, SectionView
from aiwf_tui.sections.registry import SECTION_KEYS, SECTION_VIEWS, PreviewSource, preview_for, view_for
from aiwf_tui.widgets.editable_table import EditableTable
from aiwf_tui.widgets.editor_bar import EditorBar, EditorClosed, EditorPlaced
from aiwf_tui.widgets.footer import KeysFooter
from aiwf_tui.widgets.preview import PreviewPane
from aiwf_tui.widgets.sidebar import SidecarSidebar

#: Below this width the sidebar starts collapsed (ctrl+b shows it).
NARROW = 100
#: The preview renders this long after the last keystroke (off the input path).
PREVIEW_DEBOUNCE = 0.04
#: The plan sections, in workflow order (reopening makes each a draft again).
PLAN_SECTIONS = tuple(view.PLAN_KEY for view in SECTION_VIEWS if view.PLAN_KEY)


class SectionCommands(Provider):
    """Command palette: jump to any section."""

    async def search(self, query: str) -> Hits:
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


class WorkflowScreen(Screen[None]):
    """One section at a time, in workflow order."""

    COMMANDS = {SectionCommands}
    #: Textual repaints the whole screen when the focus moves; the widgets whose look depends on
    #: it repaint themselves, so here that full repaint is only time (a frame of every widget on
    #: each open and close of the editor bar).
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    BINDINGS = [
        Binding("n", "next_section", "Next", id="section.next", tooltip="Next section"),
        Binding("p", "previous_section", "Prev", id="section.previous", tooltip="Previous section"),
        Binding("c", "confirm_section", "Confirm", id="section.confirm", tooltip="Confirm this section"),
        Binding("v", "toggle_preview", "Preview", id="section.preview", tooltip="Show or hide the artifact preview"),
        Binding(
            "f",
            "focus_preview",
            "Focus preview",
            show=False,
            id="section.focus_preview",
            tooltip="Move into the preview (arrows scroll it) and back",
        ),
        Binding("w", "write_files", "Write", id="files.write", tooltip="Write the project files (asks first)"),
        Binding("s", "show_spec", "Summary", id="menu.summary", tooltip="View project-spec.md"),
        Binding("d", "show_decisions", "Decisions", id="menu.decisions", tooltip="Review all decisions"),
        Binding("e", "export", "Export", id="menu.export", tooltip="Export the project"),
        Binding("x", "exit_workflow", "Exit", id="menu.exit", tooltip="Exit the workflow"),
        Binding("r", "reopen", "Reopen", id="menu.reopen", tooltip="Reopen Phase 5 for changes"),
        Binding(
            "ctrl+b", "toggle_sidebar", "Sidebar", show=False, id="app.sidebar", tooltip="Show or hide the sidebar"
        ),
        Binding("tab", "app.focus_next", "Next field", show=False, id="focus.next"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, id="focus.previous"),
        Binding("escape", "leave_input", "Leave", show=False, id="focus.leave", tooltip="Leave the text box"),
    ]

    def __init__(self, ctx: Context, start: str = "welcome") -> None:
        self.ctx = ctx
        key, _, place = start.partition("/")  # the plan's resume point: "section" or "section/place"
        self.current = key if key in SECTION_KEYS else "welcome"
        self.resume_at = place
        self.preview_on: dict[str, bool] = {}
        self.editor: EditorBar | None = None  # the editor bar while a field is edited
        self.unsaved = False  # follows the app's `dirty`
        self._sidebar_state: tuple[object, ...] | None = None
        self._preview_timer: Timer | None = None
        self._wide = True  # the terminal is at least NARROW columns wide (set on mount)
        super().__init__(id="workflow")

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield SidecarSidebar(id="sidebar")
            with Vertical(id="main"):
                # First: Textual numbers a container's children for painting from the last one, so
                # a bar after the section would renumber (and repaint) all of it when shown or hidden.
                yield EditorBar(id="editor-bar")
                yield Static("", id="section-header")
                yield Vertical(id="section-host")
            yield PreviewPane(id="preview")
        yield KeysFooter(compact=True, show_command_palette=False)  # fits 80 columns; ctrl+p is in the help

    def on_mount(self) -> None:
        self._wide = self.app.size.width >= NARROW
        if not self._wide:
            self.query_one("#sidebar").display = False
        self.watch(self.app, "dirty", self._dirty_changed)
        self.show_section(self.current, at=self.resume_at)

    def _dirty_changed(self, dirty: bool) -> None:
        self.unsaved = dirty
        self.refresh_sidebar()

    @property
    def section(self) -> SectionView | None:
        # The host's children, not a query: that would walk every widget of the section.
        return next((v for v in self.query_one("#section-host").children if isinstance(v, SectionView)), None)

    def section_states(self) -> list[tuple[str, str, str]]:
        """(key, title, state) per section; the state counts the section's open answers."""
        from collections import Counter

        from aiwf_tui.model.todo import open_items

        plan = self.ctx.plan
        open_counts = (
            Counter(item.section for item in open_items(self.ctx.project, plan)) if plan is not None else Counter()
        )
        result = []
        for view in SECTION_VIEWS:
            state = ""
            if view.PLAN_KEY:
                state = plan.section(view.PLAN_KEY).status
                if self.ctx.read_only and self.ctx.project.phase5_complete:
                    state = "written"  # review mode: what is on disk is final until reopened
                elif open_counts[view.PLAN_KEY]:
                    state = f"{open_counts[view.PLAN_KEY]} open"  # a draft with answers still missing
            result.append((view.KEY, view.SHORT or view.TITLE, state))
        return result

    def refresh_sidebar(self) -> None:
        knowledge = self.ctx.knowledge.status_line() if self.ctx.knowledge is not None else "Knowledge: loading…"
        states = self.section_states()
        state = (self.current, tuple(states), self.unsaved, knowledge, id(self.ctx.project))
        if state == self._sidebar_state:
            return  # nothing changed: no repaint, no layout (this runs on every keystroke)
        sidebars = self.query(SidecarSidebar)
        if not sidebars:
            return  # not composed yet: on_mount shows it
        sidebars.first().show(
            self.ctx.project, self.ctx.plan, states, self.current, unsaved=self.unsaved, knowledge_status=knowledge
        )
        self._sidebar_state = state

    def show_section(self, key: str, *, at: str = "") -> AwaitComplete:
        """Mount the view of section `key` (nothing is focused for typing on arrival). Awaiting the
        result waits until the old view is gone and the new one is in, so keys typed meanwhile
        land in the new section (the key bindings await it)."""
        self.close_editor()
        self.current = key
        view_cls = view_for(key)
        host = self.query_one("#section-host")
        removed = host.remove_children()
        view = view_cls(self.ctx, resume_at=at)
        mounted = host.mount(view)
        self.refresh_header()
        show_preview = self.preview_on.get(key, view_cls.PREVIEW_DEFAULT) and preview_for(key) is not None
        self.query_one("#preview").display = show_preview
        self.note_resume_point()
        self.refresh_sidebar()
        if show_preview:
            self.schedule_preview()

        async def arrived() -> None:
            await removed
            await mounted
            # Focus now, not after the next refresh: a key binding awaiting this returns only
            # then, so the keys typed after `n` (tab, enter) act on the new section's answers
            # instead of on the bare section (which is what focus_next finds while nothing is focused).
            view.focus_first()

        return AwaitComplete(arrived())

    # -- the resume point -------------------------------------------------------------------
    def note_resume_point(self) -> None:
        """Keep where the user is (section, answer or table cell) in the plan, so reopening comes back here."""
        if self.ctx.read_only:
            return
        view = self.section
        focused = self.focused
        edited = self.edited_source()
        if isinstance(edited, Widget):
            # Typing in the editor bar is being at the field it edits (the line may drop mid-edit).
            focused = edited
        place = view.place(focused) if view is not None and self.current == view.KEY else ""
        point = f"{self.current}/{place}" if place else self.current
        if point != self.ctx.plan.resume_section:
            self.ctx.plan.resume_section = point
            self.post_message(ResumePointMoved())

    def on_descendant_focus(self) -> None:
        self.note_resume_point()

    def on_data_table_cell_highlighted(self) -> None:
        self.note_resume_point()

    # -- navigation ------------------------------------------------------------------------
    async def action_next_section(self) -> None:
        index = SECTION_KEYS.index(self.current)
        if index + 1 < len(SECTION_KEYS):
            await self.show_section(SECTION_KEYS[index + 1])

    async def action_previous_section(self) -> None:
        index = SECTION_KEYS.index(self.current)
        if index > 0:
            await self.show_section(SECTION_KEYS[index - 1])

    def on_resize(self, event: events.Resize) -> None:
        """The sidebar follows the terminal across NARROW, as at start-up (below it the section
        and the preview need the columns); ctrl+b still shows or hides it in between."""
        wide = event.size.width >= NARROW
        if wide != self._wide:
            self._wide = wide
            self.query_one("#sidebar").display = wide

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def action_toggle_preview(self) -> None:
        if preview_for(self.current) is None:
            self.notify("This section has no artifact to preview")
            return
        on_now = self.preview_on.get(self.current, view_for(self.current).PREVIEW_DEFAULT)
        self.preview_on[self.current] = not on_now
        self.query_one("#preview").display = not on_now
        if not on_now:
            self.schedule_preview()

    def action_focus_preview(self) -> None:
        """f: into the preview (opening it), and back to the section."""
        preview = self.query_one("#preview", PreviewPane)
        if preview.has_focus:
            if self.section is not None:
                self.section.focus_first()
            return
        if preview_for(self.current) is None:
            self.notify("This section has no artifact to preview")
            return
        if not preview.display:
            self.action_toggle_preview()
        preview.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Show each key only where it does something."""
        if action in ("show_spec", "show_decisions", "export", "exit_workflow"):
            return self.current == "menu"
        if action == "reopen":
            return self.current == "menu" and (self.ctx.read_only or self.ctx.project.phase5_complete)
        if action == "write_files":
            return self.current == "files" and not self.ctx.read_only
        if action == "confirm_section":
            return bool(view_for(self.current).PLAN_KEY) and not self.ctx.read_only
        return True

    # -- confirm ---------------------------------------------------------------------------
    def action_confirm_section(self) -> None:
        view = self.section
        if view is None or not view.PLAN_KEY:
            return
        if self.ctx.read_only:
            self.notify(self.read_only_note(), severity="warning")
            return
        from aiwf_tui.model.todo import confirm_refusal

        blocking = confirm_refusal(self.ctx.project, self.ctx.plan, view.PLAN_KEY)
        if view.unanswered() or blocking:
            listed = "; ".join(item.question for item in blocking[:5]) + ("; ..." if len(blocking) > 5 else "")
            self.notify(
                f"Answer this section first ({len(blocking)} open: {listed}): "
                "the workflow never decides without your input.",
                severity="warning",
                timeout=10,
            )
            return
        model = self.ctx.plan.section(view.PLAN_KEY)
        if model.status == "confirmed":
            self.notify(f"{view.TITLE} is already confirmed")
            return
        model.status = "confirmed"
        self.notify(f"{view.TITLE} confirmed")
        self.post_message(SectionConfirmed(view.PLAN_KEY))
        self.refresh_header()
        self.refresh_sidebar()

    def refresh_header(self) -> None:
        """The line above the section: step, title, status (and read-only)."""
        index = SECTION_KEYS.index(self.current)
        view_cls = SECTION_VIEWS[index]
        header = Text()
        header.append(f"Step {index + 1} of {len(SECTION_KEYS)}  ", style="dim")
        header.append(view_cls.TITLE, style="bold")
        if view_cls.PLAN_KEY:
            status = self.ctx.plan.section(view_cls.PLAN_KEY).status
            header.append(f"  [{status}]", style="green" if status == "confirmed" else "yellow")
            if self.ctx.read_only:
                header.append("  read-only", style="red")
        self.query_one("#section-header", Static).update(header)

    # -- editing ---------------------------------------------------------------------------
    @on(EditRequested)
    def open_editor(self, event: EditRequested) -> None:
        event.stop()
        try:
            if self.ctx.read_only:
                self.notify(self.read_only_note(), severity="warning")
                return
            self.close_editor()
            view = self.section
            bar = self.query_one(EditorBar)
            bar.edit(
                event.target, section_model_check=view.section_problem if view else None, workdir=self.ctx.project.root
            )
            self.editor = bar
            if bar.region:  # already in place (one edit after another): otherwise EditorPlaced follows
                self.call_after_refresh(self._keep_edit_in_view)
        finally:
            release_keys(self)  # the keys typed since enter go into the editor

    @on(EditorPlaced)
    def editor_placed(self, event: EditorPlaced) -> None:
        event.stop()
        self._keep_edit_in_view()

    @on(EditorClosed)
    def editor_closed(self, event: EditorClosed) -> None:
        """Back to what was edited, kept in view; tab / shift+tab go on to the next or previous one.
        The focus moves now, so the next key typed lands there."""
        event.stop()
        try:
            source = event.target.source
            if isinstance(source, Widget) and source.is_attached:
                # Focus it before the bar is hidden: hiding a focused editor would let Textual move
                # the focus (and the view) elsewhere first.
                self.set_focus(source, scroll_visible=False)
            room_given_back = self.close_editor()
            if source is None or not source.is_attached:
                return
            if event.move and isinstance(source, EditableTable):
                source.step_cell(event.move)
            elif event.move and isinstance(source, Widget):
                self._focus_neighbour(source, event.move)
            elif room_given_back:
                self.call_after_refresh(source.scroll_to_edit)  # the section is shorter again
        finally:
            release_keys(self)  # the keys typed since leaving go where the focus is now

    def _focus_neighbour(self, widget: Widget, move: int) -> None:
        """The section's next (1) or previous (-1) answer or table after `widget`; past either end,
        what tab would reach."""
        view = self.section
        widgets = view.focusables() if view is not None else []
        index = widgets.index(widget) + move if widget in widgets else -1
        if 0 <= index < len(widgets):
            self.set_focus(widgets[index])
        else:
            self.call_after_refresh(self.focus_next if move > 0 else self.focus_previous)

    def action_leave_input(self) -> None:
        """escape in a text box (the Welcome filter): leave it for what follows."""
        if isinstance(self.focused, (Input, TextArea)):
            self.focus_next()

    def edited_source(self) -> EditSource | None:
        """The widget showing the field being edited (None while nothing is)."""
        target = self.editor.target if self.editor is not None else None
        return target.source if target is not None else None

    def close_editor(self) -> bool:
        """Hide the editor bar; returns whether the section gave back the room it had made for it."""
        if self.editor is not None:
            self.editor.hide()
            self.editor = None
        view = self.section
        return view is not None and view.make_room(0)

    def _keep_edit_in_view(self) -> None:
        """The field being edited above the bar, which lies over the section's last lines: the
        section scrolls it up, and where it cannot scroll that far, it gets room at its end
        for as long as the bar is open (a re-layout only then)."""
        editor, view, source = self.editor, self.section, self.edited_source()
        if editor is None or view is None or source is None or not source.is_attached:
            return
        below = editor.outer_size.height + 1
        window_bottom = view.scrollable_content_region.bottom - below
        needed = source.edit_region().bottom - window_bottom  # lines to scroll down
        if needed > view.max_scroll_y - view.scroll_y and view.make_room(below):
            return  # EditorPlaced comes back here once the room is in place
        source.scroll_to_edit(below)

    @on(PlanChanged)
    def plan_changed(self, event: PlanChanged) -> None:
        """Repaint what the change touched; the message goes on to the app, which saves."""
        view = self.section
        if view is not None:
            view.after_edit()
        if event.section_key in PLAN_SECTIONS:
            model = self.ctx.plan.section(event.section_key)
            if model.status == "confirmed":
                model.status = "draft"  # editing a confirmed section returns it to draft
                self.notify("Changed after confirming: the section is a draft again (press c to confirm)")
                self.refresh_header()
        source = self.edited_source()
        if source is not None:
            source.refresh_after_edit()
        self.refresh_sidebar()
        self.schedule_preview()

    # -- preview ---------------------------------------------------------------------------
    def preview_visible(self) -> bool:
        return bool(self.query_one("#preview").display)

    def schedule_preview(self) -> None:
        """Render the preview shortly after the last change (typing never waits on it)."""
        if not self.preview_visible():
            return
        if self._preview_timer is not None:
            self._preview_timer.stop()
        self._preview_timer = self.set_timer(PREVIEW_DEBOUNCE, self._start_preview)

    def _start_preview(self) -> None:
        source = preview_for(self.current)
        if source is not None:
            self._render_preview(self.current, source, self.ctx.plan.model_copy(deep=True))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _render_preview(self, key: str, source: PreviewSource, plan: OperationsPlan) -> None:
        try:
            text = source.render(self.ctx.project, plan, self.ctx.today)
        except AiwfError as exc:
            text = "Cannot render yet:\n" + "\n".join(exc.lines())
        except Exception as exc:  # a preview must never take the app down
            text = f"Cannot render yet: {exc}"
        self.app.call_from_thread(self._show_preview, key, source.title, text)

    def _show_preview(self, key: str, title: str, text: str) -> None:
        if self.current == key and self.is_attached:
            source = preview_for(key)
            part = source.part if source is not None else ""
            self.query_one("#preview", PreviewPane).show_text(text, f"{title} (preview)", part=part)

    # -- from the app ------------------------------------------------------------------------
    def on_knowledge_loaded(self, event: KnowledgeLoaded) -> None:
        self.refresh_sidebar()
        if self.section is not None:
            self.section.refresh_knowledge()

    def on_files_written(self, event: FilesWritten) -> None:
        self.ctx.project = event.project
        self.notify(f"Wrote {event.count} files. Phase 5 is complete.", timeout=6)
        self.show_section("summary")

    # -- project files and the final menu ------------------------------------------------------
    def action_write_files(self) -> None:
        from aiwf_tui.model.todo import open_items

        items = open_items(self.ctx.project, self.ctx.plan)
        if items:
            self.notify(
                f"{len(items)} answers are still open (listed under To do): answer them first",
                severity="warning",
                timeout=8,
            )
            return
        drafts = self.ctx.plan.drafts()
        if drafts:
            self.notify("Confirm every section first: " + ", ".join(drafts), severity="warning", timeout=8)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.post_message(WriteConfirmed(self.ctx.plan.model_copy(deep=True)))

        self.app.push_screen(
            ConfirmModal(
                "Write the Phase 5 project files now?",
                "sidecar.yaml, decision-log.md, project-spec.md, the runbook, the alerts "
                "config and the Prometheus files are written all or nothing.",
            ),
            answer,
        )

    def action_show_spec(self) -> None:
        self.app.push_screen(SpecViewerScreen(self.ctx.project))

    def action_show_decisions(self) -> None:
        self.app.push_screen(DecisionsReviewScreen(self.ctx.project))

    def action_export(self) -> None:
        self.app.push_screen(ExportScreen(self.ctx.project, self.ctx.today))

    def action_exit_workflow(self) -> None:
        complete = self.ctx.project.phase5_complete
        farewell = (
            "aiwf: workflow complete."
            if complete
            else "aiwf: exited; Phase 5 is not written yet (your answers are saved)."
        )

        def answer(yes: bool | None) -> None:
            if yes:
                self.post_message(ExitConfirmed(farewell))

        question = (
            "Exit the workflow? Phase 5 is complete." if complete else "Exit? The project files are not written yet."
        )
        self.app.push_screen(ConfirmModal(question), answer)

    def read_only_note(self) -> str:
        """Why nothing can be changed, and the way out there is: review mode reopens with r on
        the final menu; a project opened read-only (--read-only, or offered when it was locked or
        not writable) cannot be reopened from here."""
        if self.ctx.forced_read_only:
            return "Opened read-only: nothing can be changed here (quit and open the project again to edit it)"
        return "Review mode: press r on the final menu to reopen Phase 5"

    def action_reopen(self) -> None:
        """Review mode -> editing: every section becomes a draft; files change only when written again."""
        if not self.ctx.read_only:
            return
        if self.ctx.forced_read_only:
            self.notify(
                "Opened read-only: nothing can be changed here. Open the project again without "
                "--read-only (once no other aiwf has it open and its folder is writable) to change it.",
                severity="warning",
                timeout=8,
            )
            return
        path = self.ctx.project.path(PLAN_FILE)
        try:
            plan = load_plan(path, self.ctx.project.root) if path.exists() else new_plan(self.ctx.project)
        except AiwfError as exc:
            self.notify(" | ".join(exc.lines()), severity="error")
            return
        for key in PLAN_SECTIONS:
            plan.section(key).status = "draft"
        self.ctx.plan = plan
        self.ctx.read_only = False
        self.post_message(PlanReopened(plan))
        self.notify(
            "Phase 5 reopened: existing files stay as they are until you confirm and write new ones.", timeout=8
        )
        self.show_section("monitoring")
