"""One key at a time: a typed key reaches the app only once the key before it is done.

Textual hands every key to the widget focused when the key arrives, and runs key bindings
later, once the key has bubbled back up to the app. Keys typed in a burst (over SSH, in tmux,
by a fast typist) all arrive before the first one's binding has run, so every key of the
burst goes to the widget focused when the burst began: the letters typed after `enter`
went to the table (where `a` adds a row) instead of the editor it opens, and the `tab`
after `n` moved through the old section. Here a key is done when a widget consumed it
(`stop()`), or when it came back up to the app and its binding ran; a binding that starts a
change finishing elsewhere (an editor that opens, a section that arrives) holds the keys
until that change is done (`hold_keys` / `release_keys`). Then the next key is handed over,
to whatever has the focus by then.
"""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from textual.app import App
    from textual.dom import DOMNode
    from textual.timer import Timer

log = logging.getLogger("aiwf")

#: Seconds after which a key that never came back (its widget went away before reading it),
#: or a change that never said it was done, stops holding the keys typed after it. Far above
#: any healthy key or change (milliseconds; a few hundred on a loaded 2-core machine): only a
#: lost one ever waits this long.
STUCK_AFTER = 5.0


class TrackedKey(events.Key):
    """A key the order follows: a handler that consumes it (`stop()`) finishes it."""

    __slots__ = ["_order"]

    def __init__(self, key: events.Key, order: KeyOrder) -> None:
        super().__init__(key.key, key.character)
        self.time = key.time
        # No sender, as a key from the terminal has: Textual stops a message when it bubbles
        # into its sender, which is not a widget consuming it.
        self._sender = None
        self._order = order

    def stop(self, stop: bool = True) -> TrackedKey:
        super().stop(stop)
        if stop:
            self._order.finished(self)
        return self


TrackedKey.handler_name = events.Key.handler_name  # handled exactly as a Key (`on_key`)


class KeyOrder:
    """Hands typed keys to the app one at a time (see the module's docstring)."""

    def __init__(self, app: App[Any], dispatch: Callable[[events.Key], Awaitable[None]]) -> None:
        self.app = app
        self.dispatch = dispatch  # what the app does with a key (Textual's own handling)
        self.waiting: deque[events.Key] = deque()
        self.current: TrackedKey | None = None
        self.holds = 0  # changes under way that keys must wait for
        self.finished_count = 0  # keys handled since the start (tests wait on it)
        self._stuck: Timer | None = None

    async def typed(self, key: events.Key) -> None:
        """A key from the terminal: handled now, or after the ones before it."""
        if self.current is not None or self.holds or self.waiting:
            self.waiting.append(key)
            self._arm()
            return
        await self._hand_over(key)

    async def _hand_over(self, key: events.Key) -> None:
        tracked = TrackedKey(key, self)
        self.current = tracked
        await self.dispatch(tracked)
        if not tracked.is_forwarded:
            self.finished(tracked)  # a priority binding took it (ctrl+q, ctrl+s): never sent on

    def came_back(self, key: events.Key) -> None:
        """The key has bubbled back up to the app and its binding has run."""
        if key is self.current:
            self.finished(key)

    def finished(self, key: events.Key) -> None:
        if key is not self.current:
            return
        self.current = None
        self.finished_count += 1
        self._next_soon()

    def hold(self) -> None:
        """A change began that keys must wait for (call `release` when it is done)."""
        self.holds += 1

    def hold_until(self, done: Awaitable[object]) -> None:
        """Keys wait until `done` (a screen being mounted) is."""
        self.hold()

        async def wait() -> None:
            try:
                await done
            finally:
                self.release()

        self.app.call_later(wait)

    def release(self) -> None:
        self.holds = max(0, self.holds - 1)
        self._next_soon()

    def _next_soon(self) -> None:
        if self.current is None and not self.holds:
            if self._stuck is not None:
                self._stuck.stop()
                self._stuck = None
            if self.waiting:
                # Queued behind what the finished key posted (a focus change, a mount), so
                # the next key goes to where the focus lands.
                self.app.call_later(self._next)

    async def _next(self) -> None:
        if self.current is None and not self.holds and self.waiting:
            key = self.waiting.popleft()
            if self.waiting:
                self._arm()
            await self._hand_over(key)

    def _arm(self) -> None:
        """Only keys that wait need the watch: the time is measured from the first of them."""
        if self._stuck is None:
            self._stuck = self.app.set_timer(STUCK_AFTER, self._unstick)

    def _unstick(self) -> None:
        self._stuck = None
        if self.current is not None or self.holds:
            log.debug("key %r or %d change(s) never finished: handing the next keys over", self.current, self.holds)
            self.current = None
            self.holds = 0
            self._next_soon()


def _order_of(node: DOMNode) -> KeyOrder | None:
    order = getattr(node.app, "key_order", None)
    return order if isinstance(order, KeyOrder) else None


def hold_keys(node: DOMNode) -> None:
    """The key being handled starts a change that another widget finishes (through a message):
    the keys typed after it wait until that one calls `release_keys`."""
    order = _order_of(node)
    if order is not None:
        order.hold()


def release_keys(node: DOMNode) -> None:
    """The change a `hold_keys` announced is done: the keys typed meanwhile go on."""
    order = _order_of(node)
    if order is not None:
        order.release()
