"""Ranked search results: title, where it sits in the pack, and a highlighted snippet.

Drawn line by line, like the reading pane. Textual's OptionList (used before) measured
every option again while painting and only then learnt its height, so each keystroke's
results reached the screen a frame late, ~90 ms after the key on the benchmark pack.
Here the lines are wrapped once per set of results (and per width), the height is known
before the first paint, and a repaint only copies strips.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip

from reader.glyphs import current as current_glyphs
from reader.sanitize import sanitize_line
from reader.ui.textual_compat import repaint_in_this_frame
from reader.ui.widgets.line_view import LineView

__all__ = ["ResultEntry", "SearchResults"]

SNIPPET_CHARS = 90
DEFINITION_CHARS = 240
RULE = "─"  # the Unicode rule between results (reader.glyphs picks "-" on a console)
#: Wrapped entries kept (a query shows 20). Each line is a Textual Strip carrying seven
#: caches of its own, all scanned by every full garbage collection: 400 entries made
#: those 20-40 ms longer while a reader typed.
WRAP_CACHE_SIZE = 100


class ResultEntry(NamedTuple):
    """One thing the list shows: a result (with its section id) or a message (id None)."""

    id: str | None
    text: Text


@dataclass
class _Layout:
    """Entries wrapped to one width, a strip per row, filled in as far as it is needed."""

    width: int
    strips: list[Strip] = field(default_factory=list)
    owners: list[int | None] = field(default_factory=list)  # entry per row; None: a rule
    first_rows: list[int] = field(default_factory=list)  # each laid-out entry's first row

    @property
    def entries(self) -> int:
        return len(self.first_rows)


class SearchResults(LineView, can_focus=True):
    """Enter (or a click) opens the highlighted result at its first match."""

    COMPONENT_CLASSES = {
        "search-results--title",
        "search-results--path",
        "search-results--match",
        "search-results--message",
        "search-results--rule",
        "search-results--highlighted",
    }

    BINDINGS = [
        Binding("down,j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="results.up"),
        Binding("home", "first", "First", show=False, id="results.first"),
        Binding("end", "last", "Last", show=False, id="results.last"),
        Binding("pagedown", "page(1)", "Page down", show=False, id="results.page-down"),
        Binding("pageup", "page(-1)", "Page up", show=False, id="results.page-up"),
        # The app opens it and moves focus at once, so keys typed after Enter reach the text.
        Binding("enter", "app.open_result", "Open result", show=False, id="results.open"),
        Binding("escape", "app.clear_search", "Clear search", id="results.clear"),
    ]

    class Selected(Message):
        """The reader chose a result."""

        def __init__(self, results: SearchResults, section_id: str) -> None:
            super().__init__()
            self.results = results
            self.section_id = section_id

        @property
        def control(self) -> SearchResults:
            return self.results

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[object, ...] | None = None
        self._hits: list = []
        self.entries: list[ResultEntry] = []
        self._entry_keys: list[tuple[object, ...]] = []
        self.highlighted: int | None = None
        self._layout: _Layout | None = None
        # Wrapped lines by (what an entry shows, width): typing on keeps most results.
        self._wrapped: dict[tuple[object, ...], list[Strip]] = {}

    # ------------------------------------------------------------------ content
    def show_hits(self, hits: list, message: str = "") -> None:
        """Replace the list with `hits` (reader.search.SearchHit) or a one-line message.

        Typing on often leaves the results as they were ("barrie" → "barrier"); the
        list is then left alone.
        """
        shown = (message, *(_key(hit) for hit in hits)) if hits else (message,)
        if shown == self._shown:
            return
        self._shown = shown
        self._hits = list(hits)
        if hits:
            self.entries = [ResultEntry(hit.id, self._entry_text(hit)) for hit in hits]
            self._entry_keys = [_key(hit) for hit in hits]
        else:
            text = message or "No matches"
            self.entries = [ResultEntry(None, Text(text, self._style("search-results--message")))]
            self._entry_keys = [("message", text)]
        self.highlighted = 0 if hits else None
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._restart_layout()
        self._paint_with_the_typed_key()

    def _paint_with_the_typed_key(self) -> None:
        """Tell the screen now that the list changed, not when this widget next idles.

        The search runs in the search box's handler. Left to itself, this widget would
        report its repaint from its own task, after the screen had already drawn a frame
        holding only the typed character: the results then came a frame (~30-50 ms)
        later (see `repaint_in_this_frame`).
        """
        repaint_in_this_frame(self)

    def _entry_text(self, hit) -> Text:
        match = self._style("search-results--match")
        text = _marked(sanitize_line(hit.title), hit.title_spans, match)
        text.stylize_before(self._style("search-results--title"))
        if hit.path:
            text.append("\n" + sanitize_line(hit.path), style=self._style("search-results--path"))
        if hit.snippet:
            plain = sanitize_line(hit.snippet)
            # Two or three lines of a sidebar, not a paragraph (a definition: all of it, as
            # far as DEFINITION_CHARS). The string is cut before it becomes Text:
            # Text.truncate measures every character's cells, slowly.
            limit = DEFINITION_CHARS if hit.kind == "definition" else SNIPPET_CHARS
            snippet = _marked(plain[:limit], hit.snippet_spans, match)
            if len(plain) > limit:
                snippet.append(current_glyphs().ellipsis)
            text.append("\n")
            text.append_text(snippet)
        return text

    def _style(self, component: str) -> Style:
        return self.get_component_rich_style(component, partial=True)

    def _rule_style(self) -> Style:
        """The rule's colour blended with the background (a partial style drops the
        blend, and a full one would paint the background too)."""
        return Style.from_color(self.get_component_rich_style("search-results--rule").color)

    # ------------------------------------------------------------------ layout
    def _restart_layout(self) -> None:
        """Wrap what the first paint shows now (its height must be known before it), and
        the rest right after that paint."""
        self._layout = None
        self._extend(rows=self.scroll_offset.y + self.scrollable_content_region.height + 1)
        self.refresh()
        self.call_after_refresh(self._extend, entries=len(self.entries))

    def _extend(self, rows: int = 0, entries: int = 0) -> None:
        """Lay out entries until there are `rows` rows and `entries` entries (or all)."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return  # not laid out yet: on_resize starts again
        layout = self._layout
        if layout is None or layout.width != width:
            layout = self._layout = _Layout(width)
        console = self.app.console
        while layout.entries < len(self.entries) and (
            len(layout.strips) < rows or layout.entries < entries
        ):
            index = layout.entries
            if index:
                rule = current_glyphs().rule * width
                layout.strips.append(Strip([Segment(rule, self._rule_style())], width))
                layout.owners.append(None)
            layout.first_rows.append(len(layout.strips))
            cache_key = (self._entry_keys[index], width)
            lines = self._wrapped.get(cache_key)
            if lines is None:
                wrapped = self.entries[index].text.wrap(console, width, overflow="ellipsis")
                lines = [Strip(line.render(console)).extend_cell_length(width) for line in wrapped]
                if len(self._wrapped) >= WRAP_CACHE_SIZE:
                    self._wrapped.clear()
                self._wrapped[cache_key] = lines
            layout.strips.extend(lines)
            layout.owners.extend([index] * len(lines))
        self.grow_to(Size(width, len(layout.strips)))

    def _rows_of(self, index: int) -> Region:
        """The rows of entry `index`, laying it out if it is not yet."""
        self._extend(entries=index + 2)  # and the next, to know where this one ends
        layout = self._layout
        if layout is None or index >= layout.entries:
            return Region(0, 0, 0, 0)
        first = layout.first_rows[index]
        following = layout.first_rows[index + 1] - 1 if index + 1 < layout.entries else None
        last = following if following is not None else len(layout.strips)
        return Region(0, first, layout.width, last - first)

    # ---------------------------------------------------------------- painting
    def on_resize(self, event: events.Resize) -> None:
        if self._layout is None or self._layout.width != self.scrollable_content_region.width:
            self._restart_layout()

    def notify_style_update(self) -> None:
        """A theme change restyles the entries (focus alone only moves the highlight)."""
        super().notify_style_update()
        self._wrapped.clear()
        if self._hits and self.is_mounted:
            self.entries = [ResultEntry(hit.id, self._entry_text(hit)) for hit in self._hits]
        if self.entries and self.is_mounted:
            self._restart_layout()

    def render_line(self, y: int) -> Strip:
        (scroll_x, scroll_y), width, base = self.frame
        layout = self._layout
        row = scroll_y + y
        if layout is None or row >= len(layout.strips):
            return Strip.blank(width, base)
        strip = layout.strips[row]
        if self.highlighted is not None and layout.owners[row] == self.highlighted:
            strip = strip.apply_style(self.get_component_rich_style("search-results--highlighted"))
        if scroll_x or strip.cell_length != width:  # laid out at this width: never, or rarely
            strip = strip.crop_extend(scroll_x, scroll_x + width, base)
        return strip.apply_style(base)

    # ---------------------------------------------------------------- choosing
    def highlight(self, index: int) -> None:
        """Put the cursor on result `index` (the one just opened from the search box)."""
        self._highlight(index)

    def _highlight(self, index: int) -> None:
        if not self._hits:
            return
        self.highlighted = max(0, min(index, len(self._hits) - 1))
        self.refresh()
        self.scroll_to_region(
            self._rows_of(self.highlighted), animate=False, force=True, immediate=True
        )

    def action_cursor_down(self) -> None:
        self._highlight(0 if self.highlighted is None else self.highlighted + 1)

    def action_cursor_up(self) -> None:
        """Up from the first result goes back to the search box, which sits above."""
        if not self.highlighted:
            self.screen.focus_previous("#search")  # at once: the next key goes to the box
            return
        self._highlight(self.highlighted - 1)

    def action_first(self) -> None:
        self._highlight(0)

    def action_last(self) -> None:
        self._highlight(len(self._hits) - 1)

    def action_page(self, direction: int) -> None:
        """Move by about a screenful of rows, to the result found there."""
        if self.highlighted is None:
            self._highlight(0)
            return
        self._extend(entries=len(self.entries))
        layout = self._layout
        if layout is None or not layout.owners:
            return
        page = direction * self.scrollable_content_region.height
        row = max(0, min(layout.first_rows[self.highlighted] + page, len(layout.owners) - 1))
        owner = layout.owners[row]
        if owner is None:  # a rule: the result after it
            owner = layout.owners[row + 1]
        self._highlight(owner if owner is not None else self.highlighted)

    def action_select(self) -> None:
        if self.highlighted is not None and self._hits:
            self.post_message(self.Selected(self, self._hits[self.highlighted].id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        layout = self._layout
        if offset is None or layout is None or not self._hits:
            return
        row = offset.y + self.scroll_offset.y
        if 0 <= row < len(layout.owners):
            owner = layout.owners[row]
            if owner is not None:
                self._highlight(owner)
                self.action_select()


def _key(hit) -> tuple[object, ...]:
    """What a result shows: the same key, the same lines."""
    return hit.id, hit.title, hit.path, hit.snippet, hit.snippet_spans, hit.title_spans


def _marked(text: str, spans: tuple[tuple[int, int], ...], style: Style) -> Text:
    """Text with matched spans emphasised; spans past the end (after sanitizing) are dropped."""
    rich_text = Text(text)
    for start, end in spans:
        if 0 <= start < end <= len(text):
            rich_text.stylize(style, start, end)
    return rich_text
