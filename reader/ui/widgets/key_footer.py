"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer remounts every key widget whenever the screen's bindings *may* have
changed: twice per focus change (at once and again after the next refresh). Each
rebuild relays out the whole screen, ~25-40 ms plus a full repaint on the benchmark
machine, so a letter typed just after "/" waited ~100 ms behind two rebuilds that drew
the same keys again.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

__all__ = ["KeyFooter"]

Shown = tuple[tuple[object, ...], ...]


class KeyFooter(Footer):
    """Recomposes only when the shown keys (or their enabled state) differ."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: Shown | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = self._keys_shown(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        """Rebuild the keys, then let go of the old ones.

        Footer.compose binds each key to the footer's `compact`, and Textual drops the
        binding of a removed key only when `compact` next changes, which here it never
        does: every rebuild kept its old keys alive, and the slowest keystrokes were
        full garbage collections growing with them. Forcing a `compact` update makes
        Textual drop the bindings of keys that are gone.
        """
        await super().recompose()
        self.mutate_reactive(Footer.compact)

    def _keys_shown(self, screen: Screen) -> Shown:
        """Everything Footer.compose reads from the bindings, in its order."""
        app = screen.app
        return tuple(
            (
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                binding.group,
                enabled,
                tooltip,
            )
            for (_node, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show or binding.action == "command_palette"
        )
