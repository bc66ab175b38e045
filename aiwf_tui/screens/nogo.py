"""The screen a NO-GO project opens on: why Phase 5 cannot start, and where to go back to."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from aiwf_tui.model.gate import revisit_phase


class NoGoScreen(Screen):
    """Explains the gate decision and its blockers; the only way on is to quit."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="nogo.quit", tooltip="Quit aiwf"),
        Binding("ctrl+q", "app.quit", "Quit", show=False, id="nogo.quit_ctrl"),
    ]

    def __init__(self, project) -> None:
        self.project = project
        super().__init__(id="nogo")

    def compose(self) -> ComposeResult:
        p = self.project
        number, title = revisit_phase(p)
        text = Text()
        text.append("Phase 5 cannot start\n\n", style="bold red")
        text.append(f"{p.name}", style="bold")
        text.append(f" ({p.architecture_label})\n\n")
        text.append("Quality gate: ", style="bold")
        text.append("NO-GO", style="bold red")
        text.append(f" on {p.gate_date or 'an unrecorded date'}\n\n")
        text.append("The workflow starts operations only after a GO or CONDITIONAL gate. Blockers:\n", style="")
        for blocker in p.gate_blockers or ["(none recorded)"]:
            text.append("  • ")
            text.append(blocker + "\n")
        text.append("\nWhat to do: ", style="bold")
        text.append(
            f"return to Phase {number} ({title}), resolve the blockers, then re-run the Phase 4 quality gate.\n"
        )
        text.append("\nPress q to quit.", style="dim")
        with Vertical(id="nogo-box"):
            yield Static(text)
        yield Footer()
