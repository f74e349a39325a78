"""Keys reach what they were meant for, in the order they were typed.

Two cases matter over SSH, where keys arrive in bursts: keys typed while the reader
starts wait until the sidebar and footer exist, and a key that moves focus is acted on
before the keys behind it are looked at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import events
from textual.binding import Binding

from reader.ui.textual_compat import app_keymap, check_bindings, forward_event

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from reader.ui.screens.main import MainScreen

__all__ = ["KeyOrder"]


class KeyOrder:
    """Holds keys pressed before the chrome exists, and runs each key's binding as the
    key arrives.

    `why_not(action, node)` says why an action whose key was pressed does nothing now
    (None: it does something); the key then says so instead of passing silently.
    """

    def __init__(
        self,
        app: App[Any],
        main: MainScreen,
        why_not: Callable[[str, DOMNode], str | None],
    ) -> None:
        self._app = app
        self._main = main
        self._why_not = why_not
        self._held: list[events.Key] = []
        self._typing = False  # a key is on its way into the search box (see _key_now)
        self._typed_ahead: list[events.Key] = []

    @property
    def held_count(self) -> int:
        """Keys waiting for the chrome (the sidebar and the footer) to exist."""
        return len(self._held)

    async def take(self, event: events.Event) -> bool:
        """Handle a key that just arrived; False: not one of ours, Textual handles it.

        Type-ahead is common over SSH: "/" and a query typed while the reader starts
        must reach the search box, not the reading pane.
        """
        if not isinstance(event, events.Key) or event.is_forwarded:
            return False
        if (
            not self._main.chrome_ready
            and self._main.is_attached
            and self._app.screen is self._main
        ):
            # (A review `reader review` opened on takes its keys at once.)
            self._held.append(event)
            return True
        return await self._key_now(event)

    def release(self) -> None:
        """The chrome exists: the keys that waited for it, in order."""
        held, self._held = self._held, []
        for key in held:  # the very events, untouched: a new one would name us as sender
            self._app.post_message(key)

    async def _key_now(self, event: events.Key) -> bool:
        """Run a key's binding on the reading screen as the key arrives, in order.

        Textual hands each key to the focused widget's queue as it arrives, but looks up
        that widget's bindings only once the key has bubbled back up to the app, several
        queues later. A key that moves focus (↓ into the results, Enter, Esc) moved it
        after the keys behind it had already gone to the old focus: `/barrier ↓ j j`,
        arriving together over SSH, searched "barrierjj". Here the binding runs before
        the next key is looked at, and the actions move focus at once (Screen.set_focus;
        Widget.focus waits for the queue). A printable key in the search box is its
        text: the keys after it wait until the box has taken it (`_typed`).
        """
        app = self._app
        focused = app.focused
        if app.screen is not self._main or focused is None:
            return False
        if self._typing:
            self._typed_ahead.append(event)
            return True
        app.app_focus = True
        if await check_bindings(app, event.key, priority=True):
            return True
        box = self._main.search_box
        if event.is_printable and box is not None and focused is box:
            self._typing = True
            forward_event(box, event)
            box.call_later(app.call_later, self._typed)  # once the box has the key
            return True
        if await check_bindings(app, event.key):
            return True
        return self._explain_refused(event.key)

    async def _typed(self) -> None:
        """The box has the last typed key: the keys that came after it, in order."""
        self._typing = False
        waiting, self._typed_ahead = self._typed_ahead, []
        for index, key in enumerate(waiting):
            if self._typing:  # another letter for the box: the rest wait for it
                self._typed_ahead[:0] = waiting[index:]
                return
            await self._app.on_event(key)

    def _explain_refused(self, key: str) -> bool:
        """A key whose action does not apply here (hidden from the footer) says why."""
        app = self._app
        focused = app.focused
        nodes: list[DOMNode] = [focused, *focused.ancestors] if focused is not None else [app]
        keymap = app_keymap(app)  # config.toml's keys, as Textual holds them
        for node in nodes:
            for binding in getattr(node, "BINDINGS", ()):
                if not isinstance(binding, Binding):
                    continue
                keys = (binding.id and keymap.get(binding.id)) or binding.key
                if key not in (part.strip() for part in keys.split(",")):
                    continue
                why = self._why_not(binding.action.split("(")[0].removeprefix("app."), node)
                if why:
                    app.notify(why, markup=False, timeout=3)
                    return True
        return False
