"""The search box at the top of the sidebar."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input

__all__ = ["SearchBox"]


class SearchBox(Input):
    """Typing searches the whole pack; Down moves into the results, Esc clears."""

    BINDINGS = [
        Binding("down", "app.focus_results", "Results", show=False, id="search.results"),
        Binding("escape", "app.clear_search", "Clear search", id="search.clear"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="/ Search the pack", id=id, select_on_focus=False)
