"""Ranked search results: title, where it sits in the pack, and a highlighted snippet."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.sanitize import sanitize_line

__all__ = ["SearchResults"]

SNIPPET_CHARS = 90


class SearchResults(OptionList):
    """Enter opens the highlighted result at its first match."""

    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("k", "cursor_up", "Up", show=False, id="results.up"),
        Binding("escape", "app.clear_search", "Clear search", id="results.clear"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[object, ...] | None = None

    def show_hits(self, hits: list, message: str = "") -> None:
        """Replace the list with `hits` (reader.search.SearchHit) or a one-line message.

        Typing on often leaves the results as they were ("barrie" → "barrier"); the
        list is then left alone, since rebuilding it is most of a keystroke's cost.
        """
        shown = (message, *(_key(hit) for hit in hits)) if hits else (message,)
        if shown == self._shown:
            return
        self._shown = shown
        self.clear_options()
        if not hits:
            self.add_option(Option(Text(message or "No matches", style="italic"), disabled=True))
            return
        options: list[Option | None] = []
        for hit in hits:
            if options:
                options.append(None)  # a rule between results
            options.append(Option(_prompt(hit), id=hit.id))
        self.add_options(options)
        self.highlighted = 0


def _prompt(hit) -> Text:
    title = _marked(sanitize_line(hit.title), hit.title_spans, "bold")
    prompt = Text.assemble(title)
    if hit.path:
        prompt.append("\n" + sanitize_line(hit.path), style="dim")
    if hit.snippet:
        text = sanitize_line(hit.snippet)
        # Two or three lines of a sidebar, not a paragraph. The string is cut before it
        # becomes Text: Text.truncate measures every character's cells, slowly.
        snippet = _marked(text[:SNIPPET_CHARS], hit.snippet_spans, "")
        if len(text) > SNIPPET_CHARS:
            snippet.append("…")
        prompt.append("\n")
        prompt.append_text(snippet)
    return prompt


def _key(hit) -> tuple[object, ...]:
    """What a result shows: the same key, the same lines."""
    return hit.id, hit.title, hit.path, hit.snippet, hit.snippet_spans, hit.title_spans


def _marked(text: str, spans: tuple[tuple[int, int], ...], style: str) -> Text:
    """Text with matched spans emphasised; spans past the end (after sanitizing) are dropped."""
    rich_text = Text(text, style=style)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            rich_text.stylize("bold reverse", start, end)
    return rich_text
