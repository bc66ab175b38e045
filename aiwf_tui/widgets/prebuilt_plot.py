"""A PlotextPlot whose figure can be built as soon as it is drawn, instead of in the next frame.

PlotextPlot builds its figure in `render`, inside the frame that shows it (6-11 ms on a loaded
2-core machine). After a keystroke Textual paints the typed character first and the redrawn plot
one frame later, 17-33 ms on (its frame timer waits one to two periods after a pause): built
while that frame is awaited, the figure costs the frame nothing. Imported on first draw, with
textual-plotext.
"""

from __future__ import annotations

from textual.app import RenderResult
from textual.geometry import Size
from textual_plotext import PlotextPlot


class PrebuiltPlot(PlotextPlot):
    """Call `prebuild()` after every drawing: `render` shows that figure while the size and the
    theme are those it was built for, and builds afresh otherwise (a resize, a new theme)."""

    def __init__(self) -> None:
        super().__init__()
        self._built: tuple[Size, str, RenderResult] | None = None

    def prebuild(self) -> None:
        """Build the figure drawn so far at the current size (not laid out yet: `render` will)."""
        self._built = None
        if self.size.area:
            self._built = (self.size, self.app.theme, super().render())

    def render(self) -> RenderResult:
        built = self._built
        if built is not None and built[0] == self.size and built[1] == self.app.theme:
            return built[2]
        return super().render()
