"""The reader's own commands in the command palette (ctrl+p): go to any section by a
fuzzy match on its title, and every action that has a key."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp

__all__ = ["ReaderCommands"]

ACTIONS = (
    ("Toggle comparison", "toggle_comparison", "Show or hide the comparison table"),
    ("Toggle sidebar", "toggle_sidebar", "Show or hide the outline and search"),
    ("Search the pack", "focus_search", "Put the cursor in the search box"),
    ("Next section", "next_section", "Open the next section in reading order"),
    ("Previous section", "previous_section", "Open the previous section"),
    ("Back", "history_back", "Go back in history"),
    ("Forward", "history_forward", "Go forward in history"),
    ("Bookmark this place", "bookmark", "Add a bookmark at the current position"),
    ("Bookmarks", "bookmarks", "List, jump to, rename or delete bookmarks"),
    ("Mark section read or unread", "toggle_read", "Toggle the tick in the outline"),
    ("Reset reading progress", "reset_progress", "Forget which sections were read"),
    ("Keys", "help", "Every key of the reader"),
)
MAX_SECTION_HITS = 200


class ReaderCommands(Provider):
    """Sections by title and the reader's actions."""

    @property
    def reader(self) -> ReaderApp:
        return cast("ReaderApp", self.app)

    def _actions(self) -> list[tuple[str, str, str]]:
        app = self.reader
        return [a for a in ACTIONS if app.check_action(a[1], ()) and hasattr(app, f"action_{a[1]}")]

    async def discover(self) -> Hits:
        for title, action, help_text in self._actions():
            yield DiscoveryHit(title, partial(self.reader.run_action, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self.reader.run_action, action),
                    help=help_text,
                )
        found = 0
        for section in self.reader.pack.sections:
            score = matcher.match(section.title)
            if score > 0:
                found += 1
                # The palette parses prompts and help as markup: escape pack text.
                prompt = Content("Go to: ") + matcher.highlight(escape(section.title))
                yield Hit(
                    score,
                    prompt,
                    partial(self.reader.open_section, section.id),
                    help=escape(section.breadcrumb),
                )
                if found >= MAX_SECTION_HITS:
                    return
