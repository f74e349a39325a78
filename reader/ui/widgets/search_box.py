"""The search box at the top of the sidebar."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Input

__all__ = ["SearchBox"]


class SearchBox(Input):
    """Typing searches the whole pack; Down moves into the results, Esc clears."""

    BINDINGS = [
        Binding("down", "app.focus_results", "Results", show=False, id="search.results"),
        Binding("escape", "app.clear_search", "Clear search", id="search.clear"),
    ]

    def __init__(
        self, *, on_change: Callable[[str], object] | None = None, id: str | None = None
    ) -> None:
        super().__init__(placeholder="/ Search the pack", id=id, select_on_focus=False)
        self._on_change = on_change

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search at once, here: bubbling up four containers to the app let a frame
        (just the typed character) slip in before the search, a frame per keystroke."""
        if self._on_change is not None:
            event.stop()
            self._on_change(event.value)
