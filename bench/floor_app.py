"""The start-up floor: an empty Textual app that paints one Static marker."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class FloorApp(App):
    def compose(self) -> ComposeResult:
        yield Static("floor  ready")


if __name__ == "__main__":
    FloorApp().run()
