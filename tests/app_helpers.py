"""Helpers for the app tests (not a test module): start the app, wait, type like a person."""

from __future__ import annotations

import shutil
from pathlib import Path

from aiwf_tui.app import AiwfApp

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


def copy_project(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / source.name
    shutil.copytree(source, target)
    return target


def make_app(project: Path, **kwargs) -> AiwfApp:
    kwargs.setdefault("today", "2026-03-10")
    return AiwfApp(project, **kwargs)


async def wait_loaded(app, pilot, limit: float = 10.0) -> None:
    """Wait until the project is open (the first screen paints before it loads)."""
    waited = 0.0
    while waited < limit:
        if app.workflow_screen is not None or type(app.screen).__name__ == "NoGoScreen":
            await pilot.pause()
            return
        await pilot.pause(0.05)
        waited += 0.05
    raise AssertionError("the project did not open")


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


async def answer(pilot, text: str) -> None:
    """Edit the focused answer: enter, type, escape."""
    await pilot.press("enter")
    await pilot.pause()
    await type_text(pilot, text)
    await pilot.press("escape")
    await pilot.pause()


async def wait_for(pilot, predicate, limit: float = 10.0) -> None:
    waited = 0.0
    while not predicate():
        if waited > limit:
            raise AssertionError("condition not reached")
        await pilot.pause(0.05)
        waited += 0.05
