"""Helpers for the app tests (not a test module): start the app, wait, type like a person."""

from __future__ import annotations

from pathlib import Path

from aiwf_tui.app import AiwfApp
from aiwf_tui.sections.registry import preview_for
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


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


async def answer(pilot, text: str) -> None:
    """Edit the focused answer: enter, type, escape."""
    await pilot.press("enter")
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.press("escape")
    await pilot.pause()
