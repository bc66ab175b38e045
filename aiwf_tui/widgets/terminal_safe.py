"""The app's one path to the terminal for outside text: a line filter on every widget.

Rich's `Text` keeps ESC and most C0/C1 controls, so a project name in the sidebar could
retitle the tmux pane or clear the screen. Rather than trusting every widget to clean what
it shows, the app runs each painted line through this filter (Textual applies app line
filters to every widget's lines, borders and titles included). Control and bidi-override
characters take no cells, so removing them never changes the layout.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from aiwf_tui.safetext import clean_text, has_controls


class TerminalSafe(LineFilter):
    """Strips escape sequences, control characters and bidi overrides from painted text."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if not any(has_controls(segment.text) for segment in segments):
            return segments  # the common case: no new list, no copies
        return [
            Segment(clean_text(text).replace("\n", "").replace("\t", ""), style, control)
            if has_controls(text)
            else segment
            for segment in segments
            for text, style, control in (segment,)
        ]
