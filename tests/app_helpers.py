"""Helpers for the app tests (not a test module): start the app, wait, type like a person."""

from __future__ import annotations

from pathlib import Path

from aiwf_tui.app import AiwfApp
from aiwf_tui.sections.registry import preview_for
from aiwf_tui.widgets.editable_table import EditableTable
from tests.helpers import TODAY
from tests.waiting import pilot_wait_until

KEY_NAMES = {
    " ": "space",
    "\n": "enter",
    ":": "colon",
    "[": "left_square_bracket",
    "]": "right_square_bracket",
    "{": "left_curly_bracket",
    "}": "right_curly_bracket",
    "#": "number_sign",
    '"': "quotation_mark",
    "/": "slash",
    ".": "full_stop",
    ",": "comma",
    "-": "minus",
    "*": "asterisk",
    "+": "plus",
    "'": "apostrophe",
    "?": "question_mark",
    "!": "exclamation_mark",
    "=": "equals_sign",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
    "%": "percent_sign",
    "@": "at",
    "_": "underscore",
    "<": "less_than_sign",
    ">": "greater_than_sign",
    "&": "ampersand",
    "$": "dollar_sign",
    "|": "vertical_line",
    "\\": "backslash",
    ";": "semicolon",
    "~": "tilde",
    "`": "grave_accent",
    "^": "circumflex_accent",
}


def editor_open(app) -> bool:
    """The editor bar is editing a field (it stays mounted, hidden, in between)."""
    return getattr(app.screen, "editor", None) is not None


def make_app(project: Path, **kwargs) -> AiwfApp:
    kwargs.setdefault("today", TODAY)
    return AiwfApp(project, **kwargs)


def is_loaded(app) -> bool:
    """The project is open: the NO-GO screen, or the workflow screen showing a section."""
    if type(app.screen).__name__ == "NoGoScreen":
        return True
    screen = app.workflow_screen
    return (
        app.ctx is not None
        and screen is not None
        and screen.is_mounted
        and bool(screen.query("#section-host SectionView"))
    )


def is_settled(app) -> bool:
    """Nothing left to arrive: knowledge loaded, the preview (when shown) up to date, the
    Project files diff computed, no worker running."""
    if app.ctx is None:
        return True  # the NO-GO screen: nothing loads
    if app.ctx.knowledge is None or any(worker.is_running for worker in app.workers):
        return False
    screen = app.workflow_screen
    if screen.preview_visible():
        render = preview_for(screen.current).render
        if screen.query_one("#preview").text != render(app.ctx.project, app.ctx.plan, app.today):
            return False
    if screen.current == "files":
        return "Computing" not in str(screen.query_one("#files-status").render())
    return True


def in_view(widget) -> bool:
    """`widget` is laid out whole inside every container that scrolls it (a `scroll_visible`
    has been applied, not merely asked for)."""
    from textual.widget import Widget

    region = widget.region
    return bool(region) and all(
        ancestor.region.contains_region(region)
        for ancestor in widget.ancestors
        if isinstance(ancestor, Widget) and ancestor.is_scrollable
    )


async def scroll_into_view(pilot, widget, *, top: bool = False) -> None:
    """Scroll `widget` into view once no scroll is in flight (one measured from a point in flight
    stops off its target, a fraction of a line away), and wait until it is laid out there."""
    await pilot.wait_for_scheduled_animations()
    widget.scroll_visible(animate=False, immediate=True, top=top)
    await pilot_wait_until(pilot, lambda: in_view(widget), what=f"{type(widget).__name__} to be in view")


async def wait_loaded(app, pilot) -> None:
    """Wait until the project is open (the first screen paints before it loads)."""
    await pilot_wait_until(pilot, lambda: is_loaded(app), what="the project to open")


async def wait_section(app, pilot, key: str) -> None:
    """Wait until section `key` is the one shown and its view is mounted."""
    screen = app.workflow_screen

    def shown() -> bool:
        view = screen.section
        return screen.current == key and view is not None and view.is_mounted

    await pilot_wait_until(pilot, shown, what=f"section {key} to show")


async def show_section(app, pilot, key: str) -> None:
    """Jump to section `key` and wait until its view is mounted."""
    app.workflow_screen.show_section(key)
    await wait_section(app, pilot, key)


async def open_section(app, pilot, key: str) -> None:
    """Wait until the project is open, then show section `key`."""
    await wait_loaded(app, pilot)
    await show_section(app, pilot, key)


def table_titled(app, title: str) -> EditableTable:
    """The table titled `title` on the current screen."""
    return next(table for table in app.screen.query(EditableTable) if table.spec.title == title)


def select_cell(table: EditableTable, row: int, column: int) -> None:
    """Focus `table` with its cursor on (row, column), as arrow keys would leave it."""
    table.focus()
    table.move_cursor(row=row, column=column)


async def open_cell(pilot, table: EditableTable, row: int, column: int) -> None:
    """Focus `table`, put its cursor on (row, column) and press enter: the cell's editor (or
    its choice picker, or a toggle) opens."""
    select_cell(table, row, column)
    await pilot.press("enter")


async def retype(pilot, text: str) -> None:
    """In the open editor: ctrl+u clears it, then type `text` (not committed)."""
    await pilot.press("ctrl+u")
    await type_text(pilot, text)


async def edit_cell(pilot, table: EditableTable, row: int, column: int, text: str) -> None:
    """Open the cell (row, column), replace its text with `text`, commit with enter."""
    await open_cell(pilot, table, row, column)
    await retype(pilot, text)
    await pilot.press("enter")


CHARACTERS = {name: character for character, name in KEY_NAMES.items()}


def typed(text: str) -> list[str]:
    """The key names that type `text`."""
    return [KEY_NAMES.get(ch, ch) for ch in text]


def burst(app, *keys: str) -> int:
    """Post `keys` (Textual key names) as one burst of terminal input; returns how many keys the
    app will have handled once it has handled them all."""
    from textual import events

    for key in keys:
        character = key if len(key) == 1 else CHARACTERS.get(key)
        app.post_message(events.Key(key, character))
    return app.key_order.finished_count + len(keys)


async def settled(app, pilot, count: int) -> None:
    """Wait until the app has handled `count` keys and the last one's change is done."""
    order = app.key_order

    def done() -> bool:
        return order.finished_count >= count and order.current is None and not order.holds and not order.waiting

    await pilot_wait_until(pilot, done, what="the burst to be handled")


async def type_text(pilot, text: str) -> None:
    """Type `text` as a terminal delivers it, in one burst (the app takes the keys in order, each
    where the one before left the focus), and wait until every key is handled. `pilot.press`
    would wait for the app to go idle after each key: ~0.1 s a character."""
    await settled(pilot.app, pilot, burst(pilot.app, *typed(text)))


async def answer(pilot, text: str) -> None:
    """Edit the focused answer: enter, type, escape."""
    await pilot.press("enter")
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.press("escape")
    await pilot.pause()
