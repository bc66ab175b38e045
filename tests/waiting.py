"""Wait on a condition, never a fixed sleep: the one polling helper of the suite.

A test says what it waits for; the deadline only turns a hang into a failure that names it
(it is generous because CI machines are shared and slow, and it is not a timing assertion).
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: Seconds before a wait gives up. Far above any healthy wait on a loaded 2-core machine.
TIMEOUT = 30.0
#: Seconds between two looks at the condition.
INTERVAL = 0.02


def wait_until(
    predicate: Callable[[], object], timeout: float = TIMEOUT, what: str = "the condition", interval: float = INTERVAL
) -> None:
    """Return as soon as `predicate()` is true; fail naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(interval)


async def pilot_wait_until(
    pilot, predicate: Callable[[], object], timeout: float = TIMEOUT, what: str = "the condition"
) -> None:
    """`wait_until` for a Textual pilot: lets the app process its messages between looks."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(INTERVAL)
    await pilot.pause()
