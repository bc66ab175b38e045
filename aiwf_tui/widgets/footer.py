"""Textual's footer, rebuilt only when the keys it shows change.

Textual's `Footer` recomposes (new key widgets, styles, layout) every time the screen says its
bindings may have changed, and a single focus move says so twice. Opening and closing the
editor bar moves the focus, so that was two rebuilds of the footer per transition, most of the
time the footer took being for keys that had not changed.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer


class KeysFooter(Footer):
    """A `Footer` that rebuilds once per change of the keys it shows, and not at all without one."""

    _shown: tuple[object, ...] | None = None
    _pending = False

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_next(self._rebuild_if_changed)  # with the change that moved the focus: one frame, not two

    def _keys(self) -> tuple[object, ...]:
        """What `compose` shows: every binding on display, with its state."""
        return tuple(
            (binding.key, binding.action, binding.description, binding.group, binding.key_display, enabled, tooltip)
            for (_, binding, enabled, tooltip) in self.screen.active_bindings.values()
            if binding.show
        )

    async def _rebuild_if_changed(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        keys = self._keys()
        if keys != self._shown:
            self._shown = keys
            await self.recompose()
