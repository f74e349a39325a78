"""One toast at a time for one thing said: pressing a key again while its toast shows
adds nothing, and a dialog opening clears the toasts behind it."""

from __future__ import annotations

import time
from functools import cached_property
from typing import TYPE_CHECKING

from textual import events
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[int]
else:  # a plain mixin at run time: each App subclass costs start-up ~1.9 M instructions
    _AppBase = object

__all__ = ["OneToastEach"]


class OneToastEach(_AppBase):
    """The app's toasts, never repeated while they show and never Textual markup.
    Mixed into the App (before `App` in its bases)."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
        key: str | None = None,
    ) -> None:
        """A toast, unless the same one (same `key`, or same text) is still showing.

        Never markup, whatever `markup` says (kept for Textual's signature): no text
        of the reader's is written in it, and content must never become one.
        """
        now = time.monotonic()
        key = key if key is not None else f"{severity}:{title}:{message}"
        live = self._toasts_showing
        for old in [k for k, until in live.items() if until <= now]:
            del live[old]
        if key in live:
            return
        live[key] = now + (self.NOTIFICATION_TIMEOUT if timeout is None else timeout)
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def clear_notifications(self) -> None:
        self._toasts_showing.clear()
        super().clear_notifications()

    @cached_property
    def _toasts_showing(self) -> dict[str, float]:
        """The key of each toast shown and when it goes (see `notify`)."""
        return {}

    def _on_screen_change(self, screen: Screen) -> None:
        """A dialog opens over the reading screen: the toasts behind it go."""
        from textual.command import CommandPalette

        if isinstance(screen, ModalScreen) and not isinstance(screen, CommandPalette):
            self.clear_notifications()

    def on_mount(self, event: events.Mount) -> None:
        """Textual calls each class's `on_mount` in the MRO: the app's own one too."""
        self.screen_change_signal.subscribe(self, self._on_screen_change)
