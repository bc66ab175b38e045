"""[E]: export the project as an archive."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static


class ExportScreen(Screen):
    BINDINGS = [Binding("escape", "app.pop_screen", "Back", id="export.back")]

    def __init__(self, project) -> None:
        self.project = project
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Static(Text(f"Export {self.project.name}: run `aiwf export {self.project.root}`"))
        yield Footer()
