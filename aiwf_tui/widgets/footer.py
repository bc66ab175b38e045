"""Textual's footer, changed in place when the keys it shows change.

Textual's `Footer` recomposes (new key widgets, their styles, a layout) every time the screen
says its bindings may have changed, and a single focus move says so twice. Opening and closing
the editor bar moves the focus, so every edit rebuilt the footer twice, and creating the key
widgets and styling them was the largest part of both transitions. Here each key is made once,
kept (hidden while it does not apply) and shown again when it does.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Past this many kept keys (a keymap changed many times), the footer starts afresh.
MAX_KEPT = 64

KeySignature = tuple[str, str, str, str, bool, str]


class KeysFooter(Footer):
    """A `Footer` that shows and hides key widgets it keeps instead of recomposing them."""

    _shown: list[KeySignature] | None = None
    _pending = False

    def __init__(self, *, compact: bool = False, show_command_palette: bool = True) -> None:
        super().__init__(compact=compact, show_command_palette=show_command_palette)
        self._kept: dict[KeySignature, FooterKey] = {}

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen and not self._pending:
            self._pending = True
            self.call_next(self._show_keys)  # with the change that moved the focus: one frame, not two

    def _wanted(self) -> list[tuple[KeySignature, Binding, bool, str]] | None:
        """The keys `Footer.compose` would show, in its order (one per action); None where it would
        show more than keys (grouped keys, the command palette's key): then it composes them."""
        if self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE:
            return None
        by_action: dict[str, tuple[Binding, bool, str]] = {}
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show:
                if binding.group is not None:
                    return None
                by_action.setdefault(binding.action, (binding, enabled, tooltip))
        return [
            (
                (binding.key, self.app.get_key_display(binding), binding.description, binding.action, enabled, tooltip),
                binding,
                enabled,
                tooltip,
            )
            for binding, enabled, tooltip in by_action.values()
        ]

    async def _show_keys(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        wanted = self._wanted()
        if wanted is None or len(self._kept) > MAX_KEPT:
            self._kept.clear()
            self._shown = None
            await self.recompose()
            return
        signatures = [signature for signature, *_ in wanted]
        if signatures == self._shown:
            return
        self._shown = signatures
        new = [
            (signature, FooterKey(key, display, description, action, disabled=not enabled, tooltip=tooltip))
            for signature, _binding, enabled, tooltip in wanted
            if signature not in self._kept
            for key, display, description, action, _enabled, _tooltip in (signature,)
        ]
        if new:
            for signature, key in new:
                self._kept[signature] = key.data_bind(compact=Footer.compact)
            await self.mount_all([key for _, key in new])
        shown = set(signatures)
        for signature, key in self._kept.items():
            key.display = signature in shown
        previous: Widget | None = None
        for signature in signatures:  # in the order the bindings come
            key = self._kept[signature]
            children = list(self.children)
            if previous is None:
                if children[0] is not key:
                    self.move_child(key, before=0)
            elif children.index(key) != children.index(previous) + 1:
                self.move_child(key, after=previous)
            previous = key
        self.styles.grid_size_columns = len(signatures)
