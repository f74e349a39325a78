"""The reader's own commands in the command palette (ctrl+p): go to any section by a
fuzzy match on its title, and every action that has a key."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from reader.ui.textual_compat import fuzzy_offsets

if TYPE_CHECKING:
    from reader.pack import Pack

__all__ = ["CommandHost", "ReaderCommands"]

#: Navigation first: with an empty query the pre-selected first entry (ctrl+p Enter)
#: must be harmless. Destructive ones last, and they ask first anyway.
ACTIONS = (
    ("Next section", "next_section", "Open the next section in reading order"),
    ("Previous section", "previous_section", "Open the previous section"),
    ("Back", "history_back", "Go back in history"),
    ("Forward", "history_forward", "Go forward in history"),
    ("Next unread section", "next_unread", "Open the next section not read yet"),
    ("Search the pack", "focus_search", "Put the cursor in the search box"),
    ("Toggle sidebar", "toggle_sidebar", "Show or hide the outline and search"),
    ("Toggle comparison", "toggle_comparison", "Show or hide the comparison table"),
    ("Glossary", "glossary", "Every term the pack defines, filtered as you type"),
    ("Review due cards", "review", "Self-test on the cards due in the whole pack (r)"),
    ("Review this section", "review_section", "Self-test on this section's due cards"),
    ("Review this chapter", "review_chapter", "Self-test on the due cards of this chapter"),
    ("Progress", "progress", "Read and known per chapter, and the cards due in 14 days (p)"),
    ("Bookmark this place", "bookmark", "Add a bookmark at the current position"),
    ("Bookmarks", "bookmarks", "List, jump to, rename or delete bookmarks"),
    ("Mark section read or unread", "toggle_read", "Toggle the tick in the outline"),
    ("Reload pack", "reload_pack", "Read the pack again from disk, keeping your place"),
    ("Help: every key", "help", "Every key of the reader, by where it works"),
    ("Reset reading progress", "reset_progress", "Forget which sections were read (asks)"),
)
#: Ranked below every section and harmless action that matches the query at all.
DESTRUCTIVE = frozenset({"reset_progress"})
DESTRUCTIVE_WEIGHT = 1e-6
MAX_SECTION_HITS = 200
MAX_TERM_HITS = 50


if TYPE_CHECKING:  # a protocol is only for the type checker: no class made at run time

    class CommandHost(Protocol):
        """What the palette's commands need of the app (`ReaderApp` is one)."""

        pack: Pack

        def allowed_on_reading_screen(self, action: str) -> bool | None:
            """Whether `action` runs on the reading screen (None: shown, but disabled)."""
            ...

        async def run_action(self, action: str) -> Any: ...
        def open_section(self, section_id: str) -> None: ...
        def define(self, name: str) -> None:
            """Show the definition of the glossary term `name` finds."""
            ...


class ReaderCommands(Provider):
    """Sections by title and the reader's actions."""

    @property
    def reader(self) -> CommandHost:
        """The app, as the commands use it."""
        return cast("CommandHost", self.app)

    def _actions(self) -> list[tuple[str, str, str]]:
        """The actions the reading screen would run now: the palette is on top while this
        asks, and `check_action` refuses reading-screen actions while a dialog is open."""
        app = self.reader
        return [
            a
            for a in ACTIONS
            if app.allowed_on_reading_screen(a[1]) and hasattr(app, f"action_{a[1]}")
        ]

    async def discover(self) -> Hits:
        for title, action, help_text in self._actions():
            yield DiscoveryHit(
                Content(title),
                partial(self.reader.run_action, action),
                text=title,
                help=_help(help_text),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, action, help_text in self._actions():
            score = matcher.match(title)
            if score > 0:
                if action in DESTRUCTIVE:
                    score *= DESTRUCTIVE_WEIGHT
                yield Hit(
                    score,
                    _highlight(matcher, title),
                    partial(self.reader.run_action, action),
                    text=title,
                    help=_help(help_text),
                )
        pack = self.reader.pack
        if pack.has_glossary and self.reader.allowed_on_reading_screen("glossary"):
            glossary = pack.glossary
            scored = [
                (max(matcher.match(f"Define: {name}") for name in names), names)
                for names in glossary.names
            ]
            best = sorted((item for item in scored if item[0] > 0), key=lambda item: -item[0])
            for score, names in best[:MAX_TERM_HITS]:  # the best, not the first, of many
                yield Hit(
                    score,
                    _highlight(matcher, f"Define: {names[0]}"),
                    partial(self.reader.define, names[0]),
                    text=f"Define: {names[0]}",
                    help=_help(", ".join(names[1:]) or "Its definition, from the glossary"),
                )
        found = 0
        for section in self.reader.pack.sections:
            score = matcher.match(section.title)
            if score > 0:
                found += 1
                yield Hit(
                    score,
                    Content("Go to: ") + _highlight(matcher, section.title),
                    partial(self.reader.open_section, section.id),
                    text=f"Go to: {section.title}",
                    help=_help(section.breadcrumb),
                )
                if found >= MAX_SECTION_HITS:
                    return


# Pack text never meets Textual markup. The palette (textual/command.py,
# CommandPalette._gather_commands) runs `Content.from_markup` on a `str` prompt or help,
# and `Matcher.highlight` (textual/fuzzy.py) on its candidate; `textual.markup.escape`
# leaves `[ @click=…]`, `[$var]` and `[Reverse]` live. A `Content` passes through
# `from_markup` unchanged, so every prompt and help is built as one, from plain text.


def _help(text: str) -> str:
    """Help text as Content; typed `str` in Textual, which accepts Content here."""
    return cast(str, Content(text))


def _highlight(matcher: Matcher, candidate: str) -> Content:
    """`Matcher.highlight` without markup parsing: the matched letters styled."""
    content = Content(candidate)
    score, offsets = fuzzy_offsets(matcher, candidate)
    if not score:
        return content
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
