"""The live preview: an artifact exactly as it will be written.

Measured here: Textual's Markdown widget needs ~2 s to redraw a 500-line document
and blocks input meanwhile. So the preview is a read-only TextArea (it paints only
the visible lines), the text is rendered in a thread worker after a short
debounce, and only the lines that changed are replaced, keeping scroll position.
"""

from __future__ import annotations

from textual.document._wrapped_document import WrappedDocument
from textual.widgets import TextArea


class _CachedHeight(WrappedDocument):
    """TextArea asks `wrapped_document.height` once per painted line, and Textual computes
    it by summing over every line of the document: O(visible x total) per repaint, ~25 ms
    for a 2,000-line runbook on the event loop. Its offsets only change in `wrap` and
    `wrap_range`, so the height is cached between them."""

    _cached_height: int | None = None

    def wrap(self, *args, **kwargs) -> None:
        self._cached_height = None
        super().wrap(*args, **kwargs)
        self._cached_height = None

    def wrap_range(self, *args, **kwargs) -> None:
        self._cached_height = None
        super().wrap_range(*args, **kwargs)
        self._cached_height = None

    @property
    def height(self) -> int:
        if self._cached_height is None:
            self._cached_height = super().height
        return self._cached_height


def changed_span(old: list[str], new: list[str]) -> tuple[int, int, int]:
    """(start, old_end, new_end): the smallest block of lines that differs."""
    start = 0
    limit = min(len(old), len(new))
    while start < limit and old[start] == new[start]:
        start += 1
    old_end, new_end = len(old), len(new)
    while old_end > start and new_end > start and old[old_end - 1] == new[new_end - 1]:
        old_end -= 1
        new_end -= 1
    return start, old_end, new_end


class PreviewPane(TextArea):
    """Read-only text of an artifact, updated incrementally."""

    def __init__(self, id: str | None = None) -> None:
        super().__init__("", read_only=True, show_line_numbers=True, soft_wrap=False, id=id, classes="preview")
        self._lines: list[str] = [""]
        self.title = ""
        self._cache_height()

    def _cache_height(self) -> None:
        if type(self.wrapped_document) is WrappedDocument:
            self.wrapped_document.__class__ = _CachedHeight

    def _set_document(self, *args, **kwargs) -> None:  # load_text makes a new wrapped document
        super()._set_document(*args, **kwargs)
        self._cache_height()

    def show_text(self, text: str, title: str = "") -> None:
        """Replace the shown text with `text`, touching only the changed lines."""
        if title and title != self.title:
            self.title = title
            self.border_title = title
        new = text.split("\n")
        old = self._lines
        if new == old:
            return
        start, old_end, new_end = changed_span(old, new)
        self._lines = new
        if len(old) == 1 and old[0] == "":
            self.load_text(text)
            return
        # Replace whole lines [start, old_end) with new[start:new_end], joined by newlines.
        if old_end < len(old):
            from_loc, to_loc = (start, 0), (old_end, 0)
            insert = "".join(line + "\n" for line in new[start:new_end])
        elif start < len(old):
            from_loc, to_loc = (start, 0), (len(old) - 1, len(old[-1]))
            insert = "\n".join(new[start:new_end])
            if start > 0 and new_end == start:
                # Removing trailing lines: take the newline before them too.
                from_loc = (start - 1, len(old[start - 1]))
        else:
            from_loc = to_loc = (len(old) - 1, len(old[-1]))
            insert = "\n" + "\n".join(new[start:new_end])
        self.replace(insert, from_loc, to_loc, maintain_selection_offset=False)
        if self.text != text:  # safety net: never show anything but the real artifact
            self.load_text(text)
