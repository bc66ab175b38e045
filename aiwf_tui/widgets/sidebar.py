"""The sidecar sidebar: where the project stands, always in view."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

STATUS_MARKS = {
    "complete": ("✔", "green"),
    "skipped": ("–", "dim"),
    "pending": ("○", "yellow"),
    "in_progress": ("◐", "yellow"),
}


class SidecarSidebar(Widget):
    """Phases 0-5, steps 1-7, architecture, gate, and the Phase 5 sections' state.

    Its size is fixed by the layout, so a change repaints it without re-laying out the
    screen (a Static's update() does a full layout: measured ~10 ms per keystroke)."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__(id=id)
        self.project = None
        self.plan = None
        self.sections: list[tuple[str, str]] = []
        self.current: str | None = None
        self.unsaved = False
        self.knowledge_status = ""

    def show(self, project, plan, sections, current, *, unsaved=False, knowledge_status="") -> None:
        self.project, self.plan, self.sections, self.current = project, plan, sections, current
        self.unsaved = unsaved
        self.knowledge_status = knowledge_status
        self.refresh()

    def render(self) -> Text:
        return self.render_text()

    def render_text(self) -> Text:
        text = Text()
        p = self.project
        if p is None:
            return Text("Loading project…", style="dim")
        text.append(f"{p.name}\n", style="bold")
        text.append(f"{p.architecture}\n", style="cyan")
        gate = p.gate_decision.upper()
        text.append("Gate: ", style="bold")
        text.append(f"{gate}\n", style="green" if gate == "GO" else ("yellow" if gate == "CONDITIONAL" else "red"))
        text.append("\nPhases\n", style="bold underline")
        for phase in p.phases:
            mark, style = STATUS_MARKS.get(phase.status, ("?", ""))
            status = phase.status
            if phase.number == 5 and self.plan is not None and phase.status != "complete":
                status = "in progress"
            text.append(f" {mark} ", style=style)
            text.append(f"{phase.number} {phase.title}")
            text.append(f" {status}\n", style="dim")
        done = set(p.steps_completed)
        text.append("\nSteps ", style="bold underline")
        text.append(" ")
        for step in range(1, 8):
            text.append(f"{step}", style="green bold" if step in done else "dim")
            text.append(" ")
        text.append("\n")
        if self.sections:
            text.append("\nPhase 5\n", style="bold underline")
            for key, title, state in self.sections:
                is_current = key == self.current
                marker = "▶" if is_current else " "
                style = {"confirmed": "green", "written": "green dim", "draft": "yellow", "": "dim"}.get(
                    state, "yellow" if state.endswith(" open") else ""
                )
                text.append(f"{marker} ", style="bold")
                text.append(title, style="reverse" if is_current else "")
                if state:
                    text.append(f" {state}", style=style)
                text.append("\n")
        text.append("\n")
        text.append("● unsaved\n" if self.unsaved else "✔ saved\n", style="yellow" if self.unsaved else "green dim")
        if self.knowledge_status:
            text.append(Text(self.knowledge_status, style="dim"))
        return text
