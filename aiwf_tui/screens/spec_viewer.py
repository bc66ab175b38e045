"""[S]: project-spec.md in a Markdown viewer."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, MarkdownViewer


class SpecViewerScreen(Screen):
    BINDINGS = [Binding("escape,q", "app.pop_screen", "Back", id="spec.back")]

    def __init__(self, project) -> None:
        self.project = project
        super().__init__()

    def compose(self) -> ComposeResult:
        from aiwf_tui.model.textfile import read_text

        text = read_text(self.project.path("project-spec.md"), self.project.root)
        yield MarkdownViewer(text, show_table_of_contents=True)
        yield Footer()
