"""The search box at the top of the sidebar."""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.widgets import Input

__all__ = ["SearchBox"]


#: Earlier queries kept for ↑ (in memory, for the session).
HISTORY_SIZE = 50


class SearchBox(Input):
    """Typing searches the whole pack; ↑/↓ walk through earlier queries, ↓ past the
    newest moves into the results, Enter opens the first result, Esc clears."""

    BINDINGS = [
        Binding("up", "history(-1)", "Earlier search", show=False, id="search.earlier"),
        Binding(
            "down", "history(1)", "Later search, then results", show=False, id="search.results"
        ),
        Binding(
            "enter", "app.open_first_result", "Open first result", show=False, id="search.open"
        ),
        Binding("escape", "app.clear_search", "Clear search", id="search.clear"),
    ]

    def __init__(
        self, *, on_change: Callable[[str], object] | None = None, id: str | None = None
    ) -> None:
        super().__init__(placeholder="/ Search the pack", id=id, select_on_focus=False)
        self._on_change = on_change
        self.history: list[str] = []  # oldest first
        self._browsing: int | None = None  # the history entry shown; None: the typed draft
        self._draft = ""
        self._searched = ""  # the last value searched for

    # ------------------------------------------------------------------ history
    def remember(self, query: str) -> None:
        """Keep `query` as the newest earlier search (once; the oldest go first)."""
        query = query.strip()
        if not query:
            return
        if query in self.history:
            self.history.remove(query)
        self.history.append(query)
        del self.history[:-HISTORY_SIZE]

    def start_fresh(self) -> None:
        """`/` begins a new query; the one in the box goes into history."""
        self.remember(self.value)
        self._browsing = None
        if self.value:
            self.value = ""

    async def action_history(self, direction: int) -> None:
        """↑: an earlier query; ↓: a later one, then the typed draft, then the results."""
        if self._browsing is None:
            if direction > 0:
                await self.app.run_action("app.focus_results")
                return
            self._draft = self.value
            older = [i for i, query in enumerate(self.history) if query != self.value.strip()]
            if not older:
                self.notify("No earlier searches", markup=False, timeout=2)
                return
            self._show(older[-1])
            return
        following = self._browsing + direction
        if following < 0:
            self.notify("No earlier searches", markup=False, timeout=2)
        elif following >= len(self.history):
            self._browsing = None
            self._set(self._draft)
        else:
            self._show(following)

    def _show(self, index: int) -> None:
        self._browsing = index
        self._set(self.history[index])

    def _set(self, text: str) -> None:
        self.value = text
        self.cursor_position = len(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Search at once, here: bubbling up four containers to the app let a frame
        (just the typed character) slip in before the search, a frame per keystroke."""
        browsing = self._browsing
        if browsing is not None and self.history[browsing : browsing + 1] != [event.value]:
            self._browsing = None  # edited: ↑ starts again from the newest
        if self._on_change is not None:
            event.stop()
            # The value now, not the event's: a key typed right after (Esc, ↑) may have
            # changed it since, and an older query must not come back.
            if self.value != self._searched:
                self._searched = self.value
                self._on_change(self.value)
