"""The workflow screen: sidebar, the current section, the editor bar and the live preview."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from aiwf_tui.screens.registry import SECTION_KEYS, SECTION_VIEWS, preview_for
from aiwf_tui.screens.section import Context, SectionView
from aiwf_tui.widgets.editor_bar import EditorBar, EditorClosed
from aiwf_tui.widgets.messages import EditRequested, PlanChanged
from aiwf_tui.widgets.preview import PreviewPane
from aiwf_tui.widgets.sidebar import SidecarSidebar

#: Below this width the sidebar starts collapsed (ctrl+b shows it).
NARROW = 100


class WorkflowScreen(Screen):
    """One section at a time, in workflow order."""

    BINDINGS = [
        Binding("n", "next_section", "Next", id="section.next", tooltip="Next section"),
        Binding("p", "previous_section", "Previous", id="section.previous", tooltip="Previous section"),
        Binding("c", "confirm_section", "Confirm", id="section.confirm", tooltip="Confirm this section"),
        Binding("v", "toggle_preview", "Preview", id="section.preview", tooltip="Show or hide the artifact preview"),
        Binding("w", "write_files", "Write", id="files.write", tooltip="Write the project files (asks first)"),
        Binding("s", "show_spec", "Summary", id="menu.summary", tooltip="View project-spec.md"),
        Binding("d", "show_decisions", "Decisions", id="menu.decisions", tooltip="Review all decisions"),
        Binding("e", "export", "Export", id="menu.export", tooltip="Export the project"),
        Binding("x", "exit_workflow", "Exit", id="menu.exit", tooltip="Exit the workflow"),
        Binding("r", "reopen", "Reopen", id="menu.reopen", tooltip="Reopen Phase 5 for changes"),
        Binding("ctrl+b", "toggle_sidebar", "Sidebar", id="app.sidebar", tooltip="Show or hide the sidebar"),
        Binding("tab", "app.focus_next", "Next field", show=False, id="focus.next"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, id="focus.previous"),
    ]

    def __init__(self, ctx: Context, start: str = "welcome") -> None:
        self.ctx = ctx
        self.current = start if start in SECTION_KEYS else "welcome"
        self.preview_on: dict[str, bool] = {}
        self.editor: EditorBar | None = None
        super().__init__(id="workflow")

    # -- layout ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Horizontal(id="body"):
            yield SidecarSidebar(id="sidebar")
            with Vertical(id="main"):
                yield Static("", id="section-header")
                yield Vertical(id="section-host")
            yield PreviewPane(id="preview")
        yield Footer()

    def on_mount(self) -> None:
        if self.app.size.width < NARROW:
            self.query_one("#sidebar").display = False
        self.show_section(self.current)

    @property
    def section(self) -> SectionView | None:
        views = self.query_one("#section-host").query(SectionView)
        return views.first() if views else None

    def section_states(self) -> list[tuple[str, str, str]]:
        plan = self.ctx.plan
        result = []
        for view in SECTION_VIEWS:
            state = ""
            if view.PLAN_KEY and plan is not None:
                state = plan.section(view.PLAN_KEY).status
                if self.ctx.read_only and self.ctx.project.phase5_complete:
                    state = "written"  # review mode: what is on disk is final until reopened
            result.append((view.KEY, getattr(view, "SHORT", "") or view.TITLE, state))
        return result

    def refresh_sidebar(self) -> None:
        knowledge = self.ctx.knowledge.status_line() if self.ctx.knowledge is not None else "Knowledge: loading…"
        state = (
            self.current,
            tuple(self.section_states()),
            getattr(self.app, "dirty", False),
            knowledge,
            id(self.ctx.project),
        )
        if state == getattr(self, "_sidebar_state", None):
            return  # nothing changed: no repaint, no layout (this runs on every keystroke)
        sidebars = self.query(SidecarSidebar)
        if not sidebars:
            return  # not composed yet: on_mount shows it
        sidebars.first().show(
            self.ctx.project,
            self.ctx.plan,
            self.section_states(),
            self.current,
            unsaved=getattr(self.app, "dirty", False),
            knowledge_status=knowledge,
        )
        self._sidebar_state = state

    def show_section(self, key: str) -> None:
        """Mount the view of section `key` (nothing is focused for typing on arrival)."""
        self.close_editor()
        self.current = key
        index = SECTION_KEYS.index(key)
        view_cls = SECTION_VIEWS[index]
        host = self.query_one("#section-host")
        host.remove_children()
        view = view_cls(self.ctx)
        host.mount(view)
        self.refresh_header()
        show_preview = self.preview_on.get(key, view_cls.PREVIEW_DEFAULT) and preview_for(key) is not None
        self.query_one("#preview").display = show_preview
        if self.ctx.plan is not None and not self.ctx.read_only:
            self.ctx.plan.resume_section = key if view_cls.PLAN_KEY else self.ctx.plan.resume_section
        self.refresh_sidebar()
        if show_preview:
            self.app.schedule_preview()  # type: ignore[attr-defined]

    # -- navigation ------------------------------------------------------------------------
    def action_next_section(self) -> None:
        index = SECTION_KEYS.index(self.current)
        if index + 1 < len(SECTION_KEYS):
            self.show_section(SECTION_KEYS[index + 1])

    def action_previous_section(self) -> None:
        index = SECTION_KEYS.index(self.current)
        if index > 0:
            self.show_section(SECTION_KEYS[index - 1])

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one("#sidebar")
        sidebar.display = not sidebar.display

    def action_toggle_preview(self) -> None:
        if preview_for(self.current) is None:
            self.notify("This section has no artifact to preview")
            return
        view_cls = SECTION_VIEWS[SECTION_KEYS.index(self.current)]
        on_now = self.preview_on.get(self.current, view_cls.PREVIEW_DEFAULT)
        self.preview_on[self.current] = not on_now
        self.query_one("#preview").display = not on_now
        if not on_now:
            self.app.schedule_preview()  # type: ignore[attr-defined]

    def check_action(self, action: str, parameters) -> bool | None:
        """Show each key only where it does something."""
        menu_actions = {
            "show_spec",
            "show_decisions",
            "export",
            "exit_workflow",
            "show_spec",
            "show_decisions",
            "export",
            "exit_workflow",
        }
        if action in menu_actions:
            return self.current == "menu"
        if action in ("reopen",):
            return self.current == "menu" and (self.ctx.read_only or self.ctx.project.phase5_complete)
        if action == "write_files":
            return self.current == "files" and not self.ctx.read_only
        if action == "confirm_section":
            view_cls = SECTION_VIEWS[SECTION_KEYS.index(self.current)]
            return bool(view_cls.PLAN_KEY) and not self.ctx.read_only
        return True

    # -- confirm ---------------------------------------------------------------------------
    def action_confirm_section(self) -> None:
        view = self.section
        if view is None or not view.PLAN_KEY or self.ctx.plan is None:
            return
        if self.ctx.read_only:
            self.notify("Read-only: press r on the final menu to reopen Phase 5", severity="warning")
            return
        missing = view.unanswered()
        if missing:
            self.notify(
                "Answer this section's questions first: the workflow never decides without your input.",
                severity="warning",
                timeout=6,
            )
            return
        model = self.ctx.plan.section(view.PLAN_KEY)
        if model.status == "confirmed":
            self.notify(f"{view.TITLE} is already confirmed")
            return
        model.status = "confirmed"
        self.notify(f"{view.TITLE} confirmed")
        self.app.plan_changed()  # type: ignore[attr-defined]
        self.show_section_header_only()

    def refresh_header(self) -> None:
        """The line above the section: step, title, status (and read-only)."""
        index = SECTION_KEYS.index(self.current)
        view_cls = SECTION_VIEWS[index]
        header = Text()
        header.append(f"Step {index + 1} of {len(SECTION_KEYS)}  ", style="dim")
        header.append(view_cls.TITLE, style="bold")
        if view_cls.PLAN_KEY and self.ctx.plan is not None:
            status = self.ctx.plan.section(view_cls.PLAN_KEY).status
            header.append(f"  [{status}]", style="green" if status == "confirmed" else "yellow")
            if self.ctx.read_only:
                header.append("  read-only", style="red")
        self.query_one("#section-header", Static).update(header)

    def show_section_header_only(self) -> None:
        self.refresh_header()
        self.refresh_sidebar()

    # -- editing ---------------------------------------------------------------------------
    @on(EditRequested)
    def open_editor(self, event: EditRequested) -> None:
        event.stop()
        if self.ctx.read_only:
            self.notify("Read-only: press r on the final menu to reopen Phase 5", severity="warning")
            return
        self.close_editor()
        view = self.section
        self.editor = EditorBar(event.target, section_model_check=view.section_problem if view else None)
        self.query_one("#main").mount(self.editor)

    @on(EditorClosed)
    def editor_closed(self, event: EditorClosed) -> None:
        event.stop()
        source = event.target.source
        self.close_editor()
        if source is not None and source.is_attached:
            source.focus()

    def close_editor(self) -> None:
        if self.editor is not None:
            self.editor.remove()
            self.editor = None

    @on(PlanChanged)
    def plan_changed(self, event: PlanChanged) -> None:
        event.stop()
        view = self.section
        if view is not None:
            view.after_edit()
        model = (
            self.ctx.plan.section(event.section_key)
            if self.ctx.plan and event.section_key in dict((v.PLAN_KEY, 1) for v in SECTION_VIEWS if v.PLAN_KEY)
            else None
        )
        if model is not None and model.status == "confirmed":
            model.status = "draft"  # editing a confirmed section returns it to draft
            self.notify("Changed after confirming: the section is a draft again (press c to confirm)")
            self.show_section_header_only()
        source = getattr(self.editor, "target", None)
        if source is not None and source.source is not None and hasattr(source.source, "refresh_value"):
            source.source.refresh_value()
        elif source is not None and source.source is not None and hasattr(source.source, "refresh_row"):
            source.source.refresh_row(source.source.cursor_coordinate.row)
        if view is not None and view.KEY == "alerts_config":
            view.refresh_views()
        self.app.plan_changed()  # type: ignore[attr-defined]

    # -- preview ---------------------------------------------------------------------------
    def preview_visible(self) -> bool:
        return bool(self.query_one("#preview").display)

    def show_preview(self, title: str, text: str) -> None:
        self.query_one("#preview", PreviewPane).show_text(text, title)

    def action_show_spec(self) -> None:
        self.app.action_show_spec()  # type: ignore[attr-defined]

    def action_show_decisions(self) -> None:
        self.app.action_show_decisions()  # type: ignore[attr-defined]

    def action_export(self) -> None:
        self.app.action_export()  # type: ignore[attr-defined]

    def action_exit_workflow(self) -> None:
        self.app.action_exit_workflow()  # type: ignore[attr-defined]

    def action_reopen(self) -> None:
        self.app.action_reopen()  # type: ignore[attr-defined]

    def action_write_files(self) -> None:
        self.app.write_project_files()  # type: ignore[attr-defined]
