"""In-process measurements (run as a child of bench/run.py, one mode per process).

    python bench/interactive.py preview|echo|editor|table|plot PROJECT_DIR [PRESSES]

The app runs under `App.run_test()`; after it has loaded, its headless driver is
swapped for one that renders every frame to terminal bytes exactly as a real
terminal driver would (only the bytes go to a buffer instead of a tty), so "on
screen" means: the frame containing it was produced. Keys are sent through the
driver like a terminal's input thread does, without pilot's wait-for-idle.
Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import resource
import sys
import time
from pathlib import Path

from textual import events
from textual.drivers.headless_driver import HeadlessDriver

ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[@-Z\\-_])")
SIZE = (160, 48)


class CaptureDriver(HeadlessDriver):
    """Headless input, real output rendering: frames are kept as plain text."""

    frames: list[tuple[float, str]]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.frames.append((time.monotonic(), ANSI.sub("", data)))


def capture(app) -> CaptureDriver:
    driver = app._driver
    driver.__class__ = CaptureDriver
    driver.frames = []
    return driver


def send_key(app, key: str) -> None:
    event = events.Key(key, key if len(key) == 1 else None)
    event.set_sender(app)
    app._driver.send_message(event)


async def until(predicate, limit: float = 10.0, step: float = 0.001) -> float:
    """Poll `predicate` (on the app's own loop) until true; returns the monotonic time it became true."""
    deadline = time.monotonic() + limit
    while True:
        hit = predicate()
        if hit:
            return hit if isinstance(hit, float) else time.monotonic()
        if time.monotonic() > deadline:
            raise TimeoutError("condition not reached")
        await asyncio.sleep(step)


def on_screen(driver: CaptureDriver, start: int, needle: str):
    """The time of the first frame written after index `start` that contains `needle`."""

    def check():
        for stamp, text in driver.frames[start:]:
            if needle in text:
                return stamp
        return None

    return check


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


async def show_runbook_table(app, pilot, *, preview: bool | None = None):
    """The Runbook section shown (its preview on or off when `preview` says), the focus on its
    first table with rows, cursor on the first cell: (the workflow screen, that table)."""
    from aiwf_tui.widgets.editable_table import EditableTable

    await until(lambda: app.workflow_screen is not None, limit=120, step=0.02)
    await pilot.pause()
    screen = app.workflow_screen
    screen.show_section("runbook")
    await pilot.pause()
    await pilot.pause(0.1)
    if preview is not None and screen.preview_visible() != preview:
        screen.action_toggle_preview()
    table = next(t for t in screen.section.query(EditableTable) if t.spec.rows())  # the first with rows
    table.focus()
    table.move_cursor(row=0, column=0, animate=False)
    return screen, table


async def open_runbook_editor(app, pilot, *, preview: bool):
    from aiwf_tui.widgets.editor_bar import FieldInput

    screen, table = await show_runbook_table(app, pilot, preview=preview)
    await pilot.pause()
    table.action_edit_cell()
    await until(lambda: screen.editor is not None and bool(screen.editor.query(FieldInput)), step=0.01)
    await pilot.pause(0.2)
    field = screen.editor.query_one(FieldInput)
    await pilot.press("end")  # focusing an Input selects its text: type after it instead
    await pilot.pause(0.2)
    return screen, field


async def run_preview(project: Path, presses: int) -> dict:
    """Key press in a runbook table cell editor -> the preview pane shows the change."""
    from aiwf_tui.app import AiwfApp
    from aiwf_tui.widgets.preview import PreviewPane

    app = AiwfApp(project, today="2026-03-10")
    times = []
    async with app.run_test(size=SIZE) as pilot:
        screen, field = await open_runbook_editor(app, pilot, preview=True)
        pane = screen.query_one(PreviewPane)
        await until(lambda: len(pane._lines) > 10, limit=30, step=0.01)
        lines = len(pane._lines)
        rng = random.Random(5)
        for _ in range(presses):
            char = rng.choice("abcdefghijklmnopqrstuvwxyz")
            expected = field.value + char
            t0 = time.monotonic()
            send_key(app, char)
            t1 = await until(lambda expected=expected: any(expected in line for line in pane._lines))
            times.append((t1 - t0) * 1000)
            await asyncio.sleep(0.02)
    return {"lines": lines, "samples_ms": times}


async def run_plot(project: Path, presses: int) -> dict:
    """Key press in the Alerting rules table's threshold editor -> the alert plot, on screen,
    is redrawn for the new threshold (its caption names it). The error-rate thresholds typed
    (0.052 to 0.059) lie on its reference incident, so each redraw replays the ramp."""
    from aiwf_tui.app import AiwfApp
    from aiwf_tui.widgets.alert_plot import AlertPlot
    from aiwf_tui.widgets.editable_table import EditableTable
    from aiwf_tui.widgets.editor_bar import FieldInput

    app = AiwfApp(project, today="2026-03-10")
    times = []
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: app.workflow_screen is not None, limit=120, step=0.02)
        await pilot.pause()
        screen = app.workflow_screen
        screen.show_section("alerting")
        await pilot.pause(0.1)
        table = next(t for t in screen.section.query(EditableTable) if t.spec.title == "Alert rules")
        table.focus()
        table.move_cursor(row=1, column=4, animate=False)  # the error-rate rule's threshold
        plot = screen.query_one(AlertPlot)
        await until(lambda: plot.drawn_firing_minute is not None, limit=30, step=0.01)
        table.action_edit_cell()
        await until(lambda: screen.editor is not None and bool(screen.editor.query(FieldInput)), step=0.01)
        await pilot.pause(0.2)
        await pilot.press("ctrl+u")
        for char in "0.051":  # a threshold the reference incident crosses (0.05 to 0.059 below)
            send_key(app, char)
        await pilot.pause(0.3)
        plot.scroll_visible(animate=False, top=False)
        await pilot.pause(0.3)
        driver = capture(app)
        for i in range(presses):
            send_key(app, "backspace")
            await asyncio.sleep(0.15)
            field = screen.editor.query_one(FieldInput)
            value = field.value + str(2 + i % 8)
            start = len(driver.frames)
            t0 = time.monotonic()
            send_key(app, value[-1])
            t1 = await until(on_screen(driver, start, f"> {value} for"))
            times.append((t1 - t0) * 1000)
            await asyncio.sleep(0.05)
    return {"samples_ms": times}


async def run_echo(project: Path, presses: int, preview: bool, interval: float) -> dict:
    """Key press -> the frame with the typed character is written, typing every `interval` s."""
    from aiwf_tui.app import AiwfApp
    from aiwf_tui.widgets.preview import PreviewPane

    app = AiwfApp(project, today="2026-03-10")
    times = []
    async with app.run_test(size=SIZE) as pilot:
        screen, field = await open_runbook_editor(app, pilot, preview=preview)
        if preview:
            pane = screen.query_one(PreviewPane)
            await until(lambda: len(pane._lines) > 10, limit=30, step=0.01)
        driver = capture(app)
        app.refresh()
        await pilot.pause(0.2)
        rng = random.Random(7)
        previews = 0
        for _ in range(presses):
            char = rng.choice("abcdefghijklmnopqrstuvwxyz")
            needle = (field.value + char)[-8:]
            start = len(driver.frames)
            t0 = time.monotonic()
            send_key(app, char)
            t1 = await until(on_screen(driver, start, needle))
            times.append((t1 - t0) * 1000)
            rest = interval - (time.monotonic() - t0)
            if rest > 0:
                await asyncio.sleep(rest)
        if preview:
            previews = sum(1 for line in pane._lines if field.value in line)
    return {"samples_ms": times, "preview_on": preview, "preview_shows_value": bool(previews) if preview else None}


#: On screen only while the editor bar is open (its title line), and only while a table has the
#: focus (the footer lists the table's keys): the two ends of the editor's transitions.
EDITOR_SHOWN = "ctrl+e: $EDITOR"
TABLE_KEYS_SHOWN = "a Add d Delete"


async def run_editor(project: Path, presses: int, interval: float) -> dict:
    """enter on a runbook table cell -> the frame with the editor bar; enter in the editor (keep
    the text) -> the frame with the table's keys back in the footer, the editor gone."""
    from aiwf_tui.app import AiwfApp
    from aiwf_tui.widgets.editor_bar import FieldInput

    app = AiwfApp(project, today="2026-03-10")
    opened, committed = [], []
    async with app.run_test(size=SIZE) as pilot:
        screen, table = await show_runbook_table(app, pilot)
        await pilot.pause(0.2)
        driver = capture(app)
        app.refresh()
        await pilot.pause(0.2)
        for i in range(presses):
            table.move_cursor(row=i % table.row_count, column=0, animate=False)
            await pilot.pause(0.05)
            start = len(driver.frames)
            t0 = time.monotonic()
            send_key(app, "enter")
            t1 = await until(on_screen(driver, start, EDITOR_SHOWN))
            opened.append((t1 - t0) * 1000)
            await until(lambda: isinstance(app.focused, FieldInput))
            await asyncio.sleep(interval)
            start = len(driver.frames)
            t0 = time.monotonic()
            send_key(app, "enter")
            t1 = await until(on_screen(driver, start, TABLE_KEYS_SHOWN))
            committed.append((t1 - t0) * 1000)
            await until(lambda: app.focused is table and screen.editor is None)
            await asyncio.sleep(interval)
    return {"open_ms": opened, "commit_ms": committed}


async def run_table(project: Path) -> dict:
    """Open the decisions review (all decisions) -> the first rows are on screen."""
    from aiwf_tui.app import AiwfApp

    app = AiwfApp(project, today="2026-03-10")
    async with app.run_test(size=SIZE) as pilot:
        t_load = time.monotonic()
        await until(lambda: app.workflow_screen is not None, limit=300, step=0.02)
        loaded_ms = (time.monotonic() - t_load) * 1000
        await pilot.pause(0.3)
        driver = capture(app)
        count = len(app.ctx.project.decisions)
        start = len(driver.frames)
        t0 = time.monotonic()
        app.workflow_screen.action_show_decisions()

        def shown():
            seen_title = None
            for stamp, text in driver.frames[start:]:
                if "All decisions of" in text:
                    seen_title = stamp
                if seen_title and "ARCH-001" in text:
                    return stamp
            return None

        t1 = await until(shown, limit=60)
    return {
        "decisions": count,
        "open_ms": (t1 - t0) * 1000,
        "app_loaded_ms": loaded_ms,
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    mode, project = sys.argv[1], Path(sys.argv[2])
    presses = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    if mode == "preview":
        result = asyncio.run(run_preview(project, presses))
    elif mode == "echo":
        result = asyncio.run(run_echo(project, presses, preview=True, interval=float(sys.argv[4])))
    elif mode == "echo-floor":
        result = asyncio.run(run_echo(project, presses, preview=False, interval=float(sys.argv[4])))
    elif mode == "editor":
        result = asyncio.run(run_editor(project, presses, interval=float(sys.argv[4])))
    elif mode == "table":
        result = asyncio.run(run_table(project))
    elif mode == "plot":
        result = asyncio.run(run_plot(project, presses))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
