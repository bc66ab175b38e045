"""[D]: every decision of every phase (operations included), filterable and sortable;
enter opens the full ADR entry from decision-log.md.

Typing filters at once (the filter has focus on arrival); down or enter moves to the
table, `/` comes back to the filter; in the table `s` cycles the sort (id, phase, choice).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Markdown, Static

from aiwf_tui.safetext import clean_text
from aiwf_tui.widgets.decisions_table import DecisionsTable, decision_rows


def entry_markdown(decision) -> str:
    """The ADR entry as written in decision-log.md, or what the sidecar knows when there is none."""
    if decision.entry is not None and decision.entry.text.strip():
        return decision.entry.text
    lines = [f"## {decision.heading_id}: {decision.choice}", ""]
    if decision.date:
        lines.append(f"**Date**: {decision.date}")
    lines.append(f"**Phase**: {decision.phase if decision.phase is not None else '?'}")
    if decision.knowledge_ref:
        lines.append(f"**Knowledge Reference**: `{decision.knowledge_ref}`")
    lines += ["", decision.rationale or "", "", f"*decision-log.md has no entry for {decision.heading_id}.*"]
    return "\n".join(lines)


def with_line_breaks(markdown: str) -> str:
    """Keep `**Field**: value` lines on their own lines when rendered (Markdown would join them)."""
    lines = markdown.split("\n")
    out = []
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if line.startswith("**") and following.strip() and not line.endswith("  "):
            line += "  "
        out.append(line)
    return "\n".join(out)


class AdrModal(ModalScreen[None]):
    """One decision's ADR entry, rendered; `c` copies its text (OSC 52, works over SSH)."""

    DEFAULT_CSS = """
    AdrModal { align: center middle; }
    AdrModal > Vertical { width: 90%; max-width: 110; height: 80%; border: thick $primary; background: $surface; }
    AdrModal #adr-body { height: 1fr; padding: 0 1; }
    AdrModal #adr-keys { height: 1; color: $text-muted; padding: 0 1; }
    """
    BINDINGS = [
        Binding("escape,enter,q", "close", "Close", id="adr.close"),
        Binding("c", "copy", "Copy", id="adr.copy", tooltip="Copy the entry to the clipboard"),
        Binding("down,j", "scroll(1)", "Down", show=False, id="adr.down"),
        Binding("up,k", "scroll(-1)", "Up", show=False, id="adr.up"),
    ]

    def __init__(self, decision) -> None:
        self.decision = decision
        self.text = entry_markdown(decision)
        super().__init__()

    def compose(self) -> ComposeResult:
        with Vertical():
            with VerticalScroll(id="adr-body"):
                yield Markdown(with_line_breaks(clean_text(self.text)), id="adr-markdown")
            yield Static(Text("[enter] close   [c] copy   ↑/↓ scroll"), id="adr-keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.text)
        self.notify(f"{self.decision.heading_id} copied to the clipboard")

    def action_scroll(self, lines: int) -> None:
        self.query_one("#adr-body").scroll_relative(y=lines, animate=False)


class DecisionsReviewScreen(Screen):
    """All decisions, read-only."""

    DEFAULT_CSS = """
    DecisionsReviewScreen #review-title { height: auto; padding: 0 1; }
    DecisionsReviewScreen #review-count { height: 1; padding: 0 1; color: $text-muted; }
    DecisionsReviewScreen #review-table { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="decisions.back"),
        Binding("slash", "focus_filter", "Filter", id="decisions.filter", tooltip="Type to filter the decisions"),
    ]

    def __init__(self, project) -> None:
        self.project = project
        self.decisions = list(project.decisions)
        super().__init__(id="decisions-review")

    def compose(self) -> ComposeResult:
        phases = sorted({d.phase for d in self.decisions if d.phase is not None})
        title = Text(f"All decisions of {self.project.name}", style="bold")
        title.append(
            f"  ({len(self.decisions)} across phase{'s' if len(phases) != 1 else ''} "
            f"{', '.join(map(str, phases)) or '-'})",
            style="dim",
        )
        yield Static(title, id="review-title")
        yield Input(
            placeholder="Filter: type words (id, phase, choice, reference); enter or ↓ goes to the table",
            id="review-filter",
        )
        yield Static("", id="review-count")
        yield DecisionsTable(decision_rows(self.decisions), id="review-table")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#review-filter", Input).focus()
        self._count()

    @property
    def table(self) -> DecisionsTable:
        return self.query_one("#review-table", DecisionsTable)

    def _count(self) -> None:
        shown = self.table.visible_count
        text = f"{shown} of {len(self.decisions)} shown" if shown != len(self.decisions) else f"{shown} decisions"
        self.query_one("#review-count", Static).update(
            text + "   enter: full ADR entry   s: sort (id, phase, choice)   /: filter   escape: back"
        )

    @on(Input.Changed, "#review-filter")
    def _filter(self, event: Input.Changed) -> None:
        event.stop()
        self.table.apply_filter(event.value)
        self._count()

    @on(Input.Submitted, "#review-filter")
    def _to_table(self, event: Input.Submitted) -> None:
        event.stop()
        self.table.focus()

    def on_key(self, event) -> None:
        if event.key == "down" and isinstance(self.focused, Input):
            event.stop()
            self.table.focus()

    def action_focus_filter(self) -> None:
        self.query_one("#review-filter", Input).focus()

    def action_back(self) -> None:
        filter_input = self.query_one("#review-filter", Input)
        if filter_input.has_focus and filter_input.value:
            filter_input.value = ""  # first escape clears the filter
            return
        self.app.pop_screen()

    def check_action(self, action: str, parameters) -> bool | None:
        return not (action == "focus_filter" and isinstance(self.focused, Input))

    @on(DecisionsTable.Opened)
    def _open(self, event: DecisionsTable.Opened) -> None:
        event.stop()
        self.app.push_screen(AdrModal(event.payload))
