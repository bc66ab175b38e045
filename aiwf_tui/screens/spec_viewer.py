"""[S]: project-spec.md in a Markdown viewer, with its table of contents and search.

The screen paints first; the file is read in a thread and the Markdown is built after
(Textual's Markdown widget costs ~4 ms a line). Search works on the source text, so it
is exact: `/` opens the find bar, enter or `n` jumps to the next match (`N` the previous
one). In the rendered view the block holding the match is scrolled to the top and
highlighted; `m` switches to the raw source (a read-only TextArea) where the match itself
is selected.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Input, MarkdownViewer, Static, TextArea, Tree

from aiwf_tui.errors import AiwfError
from aiwf_tui.layout import PROJECT_SPEC
from aiwf_tui.model.textfile import read_text
from aiwf_tui.screens.decisions_review import with_line_breaks


def find_all(text: str, query: str) -> list[tuple[int, int]]:
    """(line, column) of every case-insensitive match of `query` in `text`, in reading order."""
    needle = query.lower()
    if not needle:
        return []
    hits = []
    for number, line in enumerate(text.split("\n")):
        hay = line.lower()
        start = hay.find(needle)
        while start >= 0:
            hits.append((number, start))
            start = hay.find(needle, start + max(len(needle), 1))
    return hits


def displayable(text: str) -> str:
    """The Markdown to render: YAML front matter shown as a yaml code block (not a setext heading),
    and `**Label:** value` lines kept on their own lines (Markdown would run them together).

    Line for line the same as `text`, so a search hit's line maps to the block that shows it.
    """
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for number in range(1, len(lines)):
            if lines[number].strip() in ("---", "..."):
                lines[0], lines[number] = "```yaml", "```"
                break
    return with_line_breaks("\n".join(lines))


class SpecViewerScreen(Screen):
    """project-spec.md, read-only."""

    AUTO_FOCUS = None  # never the (hidden) find input: single keys are commands here

    DEFAULT_CSS = """
    SpecViewerScreen #spec-title { height: 1; padding: 0 1; background: $boost; }
    SpecViewerScreen #spec-findbar { height: auto; display: none; }
    SpecViewerScreen #spec-findbar.-open { display: block; }
    SpecViewerScreen #spec-find { width: 1fr; }
    SpecViewerScreen #spec-status { width: auto; min-width: 20; padding: 1 1 0 1; }
    SpecViewerScreen #spec-source { display: none; height: 1fr; }
    SpecViewerScreen.-source #spec-source { display: block; }
    SpecViewerScreen.-source #spec-viewer { display: none; }
    SpecViewerScreen #spec-viewer { height: 1fr; }
    SpecViewerScreen MarkdownTableOfContents { max-width: 45; }
    SpecViewerScreen .-found { background: $warning 30%; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="spec.back"),
        Binding("q", "app.pop_screen", "Back", show=False, id="spec.quit"),
        Binding("slash", "find", "Find", id="spec.find", tooltip="Search the spec"),
        Binding("n", "next_match", "Next match", id="spec.next"),
        Binding("N", "previous_match", "Previous match", show=False, id="spec.previous"),
        Binding("m", "toggle_source", "Source", id="spec.source", tooltip="Rendered view / raw source"),
        Binding("t", "toggle_toc", "Contents", id="spec.toc", tooltip="Show or hide the table of contents"),
        Binding("j", "scroll(1)", "Down", show=False, id="spec.down"),
        Binding("k", "scroll(-1)", "Up", show=False, id="spec.up"),
        Binding("space,pagedown", "page(1)", "Page down", show=False, id="spec.pgdn"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="spec.pgup"),
    ]

    def __init__(self, project) -> None:
        self.project = project
        self.source_text: str | None = None
        self.error: str | None = None
        self.matches: list[tuple[int, int]] = []
        self.match_index = -1
        self.query_text = ""
        self.loaded = False
        super().__init__(id="spec-screen")

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.project.name}: project-spec.md  (loading…)", style="bold"), id="spec-title")
        with Horizontal(id="spec-findbar"):
            yield Input(placeholder="Find in project-spec.md (enter: next match, escape: close)", id="spec-find")
            yield Static("", id="spec-status")
        yield MarkdownViewer("", show_table_of_contents=True, id="spec-viewer")
        yield TextArea("", read_only=True, show_line_numbers=True, soft_wrap=True, id="spec-source")
        yield Footer()

    def on_mount(self) -> None:
        self._read()

    # -- loading ---------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="spec-read", exit_on_error=False)
    def _read(self) -> None:
        try:
            text = read_text(self.project.path(PROJECT_SPEC), self.project.root)
        except AiwfError as exc:
            self.app.call_from_thread(self._show_error, " | ".join(exc.lines()))
            return
        # call_later: the loop runs the async update itself (call_from_thread's typing has no
        # room for a coroutine that returns nothing).
        self.app.call_from_thread(self.call_later, self._show_text, text)

    def _show_error(self, line: str) -> None:
        self.error = line
        self.loaded = True
        self.query_one("#spec-title", Static).update(Text(f"Cannot show project-spec.md: {line}", style="bold red"))

    async def _show_text(self, text: str) -> None:
        self.source_text = text
        self.query_one("#spec-source", TextArea).load_text(text)
        viewer = self.query_one("#spec-viewer", MarkdownViewer)
        await viewer.document.update(displayable(text))
        self.loaded = True
        lines = text.count("\n") + 1
        self.query_one("#spec-title", Static).update(
            Text(
                f"{self.project.name}: project-spec.md  ({lines} lines; / find, m source, t contents, escape back)",
                style="bold",
            )
        )
        if not self.query_one("#spec-findbar").has_class("-open"):
            self._focus_view()

    # -- search ----------------------------------------------------------------------------
    def action_find(self) -> None:
        bar = self.query_one("#spec-findbar")
        bar.add_class("-open")
        self.query_one("#spec-find", Input).focus()

    def action_back(self) -> None:
        bar = self.query_one("#spec-findbar")
        if bar.has_class("-open"):
            bar.remove_class("-open")
            self._focus_view()
            return
        self.app.pop_screen()

    @on(Input.Changed, "#spec-find")
    def _query_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value, jump=False)

    @on(Input.Submitted, "#spec-find")
    def _query_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value != self.query_text or not self.matches:
            self.search(event.value, jump=True)
        else:
            self.action_next_match()

    def search(self, query: str, *, jump: bool = True) -> int:
        """Find every match of `query`; with `jump`, go to the first one. Returns the count."""
        self.query_text = query
        self.matches = find_all(self.source_text or "", query)
        self.match_index = -1
        if jump and self.matches:
            self._go(0)
        else:
            self._clear_found()
            self._status()
        return len(self.matches)

    def action_next_match(self) -> None:
        self._step(1)

    def action_previous_match(self) -> None:
        self._step(-1)

    def _step(self, delta: int) -> None:
        if not self.matches:
            if self.query_text:
                self.notify(f"No match for {self.query_text!r}", severity="warning")
            else:
                self.action_find()
            return
        self._go((self.match_index + delta) % len(self.matches))

    def _status(self) -> None:
        status = self.query_one("#spec-status", Static)
        if not self.query_text:
            status.update("")
        elif not self.matches:
            status.update(Text("no match", style="red"))
        elif self.match_index < 0:
            status.update(f"{len(self.matches)} matches")
        else:
            line = self.matches[self.match_index][0] + 1
            status.update(f"{self.match_index + 1} of {len(self.matches)} (line {line})")

    def _go(self, index: int) -> None:
        self.match_index = index
        line, column = self.matches[index]
        self._status()
        # Source view: select the match itself.
        source = self.query_one("#spec-source", TextArea)
        source.move_cursor((line, column))
        source.move_cursor((line, column + len(self.query_text)), select=True)
        source.scroll_cursor_visible(center=True, animate=False)
        # Rendered view: scroll to the block that holds the line and mark it.
        block = self.block_for_line(line)
        self._clear_found()
        if block is not None:
            block.add_class("-found")
            self.query_one("#spec-viewer", MarkdownViewer).scroll_to_widget(block, top=True, animate=False)

    def block_for_line(self, line: int):
        """The top-level Markdown block whose source lines contain `line` (else the one before it)."""
        document = self.query_one("#spec-viewer", MarkdownViewer).document
        best = None
        for block in document.children:
            start, end = getattr(block, "source_range", (0, 0))
            if start <= line < end:
                return block
            if start <= line:
                best = block
        return best

    def _clear_found(self) -> None:
        for widget in self.query(".-found"):
            widget.remove_class("-found")

    # -- views -----------------------------------------------------------------------------
    def action_toggle_source(self) -> None:
        self.toggle_class("-source")
        self._focus_view()

    def action_toggle_toc(self) -> None:
        viewer = self.query_one("#spec-viewer", MarkdownViewer)
        viewer.show_table_of_contents = not viewer.show_table_of_contents

    def action_scroll(self, lines: int) -> None:
        self._scroll_target().scroll_relative(y=lines, animate=False)

    def action_page(self, pages: int) -> None:
        target = self._scroll_target()
        target.scroll_relative(y=pages * max(target.size.height - 2, 1), animate=False)

    def _scroll_target(self):
        if self.has_class("-source"):
            return self.query_one("#spec-source", TextArea)
        return self.query_one("#spec-viewer", MarkdownViewer)

    def _focus_view(self) -> None:
        """Focus the source, or the table of contents (enter on a heading jumps there)."""
        if self.has_class("-source"):
            self.query_one("#spec-source", TextArea).focus()
            return
        viewer = self.query_one("#spec-viewer", MarkdownViewer)
        trees = viewer.query(Tree)
        if viewer.show_table_of_contents and trees:
            tree = trees.first()
            if tree.cursor_line < 0:
                tree.cursor_line = 0  # the highlight shows where arrows and enter start
            tree.focus()
        else:
            self.set_focus(None)

    def check_action(self, action: str, parameters) -> bool | None:
        # While typing in the find bar, letters are text, not commands.
        if action in ("next_match", "previous_match", "toggle_source", "toggle_toc", "find", "scroll", "page"):
            focused = self.focused
            if isinstance(focused, Input):
                return False
        return True
