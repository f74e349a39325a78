"""Textual's Footer, rebuilt only when the keys it shows change.

Textual's Footer remounts every key widget whenever the screen's bindings *may* have
changed: twice per focus change (at once and again after the next refresh). Each
rebuild relays out the whole screen, ~25-40 ms plus a full repaint on the benchmark
machine, so a letter typed just after "/" waited ~100 ms behind two rebuilds that drew
the same keys again. What the Footer draws, and how it holds its keys, are Textual's
internals: reader.ui.textual_compat knows them, with a contract test each.
"""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Footer

from reader.ui.textual_compat import FooterKeysShown, footer_keys_shown, release_footer_keys

__all__ = ["KeyFooter"]


class KeyFooter(Footer):
    """Recomposes only when the shown keys (or their enabled state) differ."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: FooterKeysShown | None = None

    def bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen and screen.app.app_focus:
            shown = footer_keys_shown(screen)
            if shown == self._shown:
                return
            self._shown = shown
        super().bindings_changed(screen)

    async def recompose(self) -> None:
        """Rebuild the keys, then let go of the old ones (every rebuild kept its old
        keys alive, and the slowest keystrokes were full garbage collections growing
        with them)."""
        await super().recompose()
        release_footer_keys(self)
