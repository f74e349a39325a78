"""ReaderApp: the wiring between the pack, the sidebar, the reading pane and the state.

Everything the CLI and the tests start goes through :func:`create_app`, so tests run
the real wiring. Widgets post messages; this class decides what they mean.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen

from reader.crash import crash_log_path, report_internal_error
from reader.pack import Pack, Section
from reader.sanitize import sanitize_line
from reader.state import Bookmark, Position, ReadingState
from reader.state_store import StateStore
from reader.ui.memory import resume_after_start
from reader.ui.screens.main import MainScreen
from reader.ui.search_controller import SearchController
from reader.ui.section_footer import internal_target, section_markdown
from reader.ui.textual_compat import (
    TerminalGuard,
    check_bindings,
    forward_event,
    install_input_decoder,
)
from reader.ui.widgets.document_view import NO_LINKS, DocumentView
from reader.ui.widgets.header_bar import HeaderBar

if TYPE_CHECKING:  # mounted after the first frame, with the modules behind them
    from textual.timer import Timer
    from textual.widget import Widget
    from textual.widgets import Input

    from reader.ui.widgets.outline import Outline
    from reader.ui.widgets.search_results import SearchResults

__all__ = ["ReaderApp", "create_app", "run_app"]

LAST_SECTION = "This is the last section: [ goes back"
HANG_UP_GRACE = 2  # seconds: a hang-up ends the process within this, whatever it is doing
#: When SIGALRM ends a process whose save-and-exit is stuck: early enough that the
#: process is gone (memory freed, state lock released) within HANG_UP_GRACE.
HANG_UP_DEADLINE = HANG_UP_GRACE - 0.5
#: Actions that work on the reading screen only, not while a dialog is open.
MAIN_SCREEN_ACTIONS = frozenset({
    "focus_search", "toggle_comparison", "toggle_sidebar", "next_section", "previous_section",
    "history_back", "history_forward", "back_out", "clear_search", "focus_results",
    "open_first_result", "open_result", "cycle_focus",
    "bookmark", "bookmarks", "toggle_read", "next_unread", "sidebar_narrower", "sidebar_wider",
})  # fmt: skip
#: Actions an SSH user of `--restricted` may trigger; everything else is refused.
RESTRICTED_ACTIONS = frozenset({
    "quit", "help", "focus_search", "toggle_comparison", "toggle_sidebar", "next_section",
    "previous_section", "back_out", "clear_search", "focus_results", "command_palette",
    "open_first_result", "open_result", "cycle_focus",
    "focus_next", "focus_previous", "history_back", "history_forward", "bookmark",
    "bookmarks", "toggle_read", "reset_progress", "change_theme", "help_quit", "bell",
    "show_help_panel", "hide_help_panel", "notify", "toggle_dark", "open_section",
    "next_unread", "sidebar_narrower", "sidebar_wider",
})  # fmt: skip


def _reader_commands() -> type[Provider]:
    """The palette's provider, imported only when the palette first opens."""
    from reader.ui.commands import ReaderCommands

    return ReaderCommands


class ReaderApp(TerminalGuard, App[int]):
    """A study reader for one pack."""

    CSS_PATH = "reader.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {_reader_commands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark,f1", "help", "Help", id="app.help"),
        # Priority: keys typed right after "/" must land in the box, not the reading pane.
        Binding("slash", "focus_search", "Search", id="app.search", priority=True),
        # Priority: the Screen's own Tab skips the outline (hidden while the box has focus).
        Binding("tab", "cycle_focus(1)", "Next pane", show=False, id="app.tab", priority=True),
        Binding(
            "shift+tab",
            "cycle_focus(-1)",
            "Previous pane",
            show=False,
            id="app.shift-tab",
            priority=True,
        ),
        Binding("c", "toggle_comparison", "Compare", id="app.comparison"),
        Binding("s", "toggle_sidebar", "Sidebar", id="app.sidebar"),
        Binding("right_square_bracket", "next_section", "Next section", id="app.next-section"),
        Binding(
            "left_square_bracket",
            "previous_section",
            "Previous section",
            show=False,
            id="app.previous-section",
        ),
        Binding("backspace,H", "history_back", "Back", show=False, id="app.back"),
        Binding("shift+backspace,L", "history_forward", "Forward", show=False, id="app.forward"),
        Binding("m", "bookmark", "Bookmark", id="app.bookmark"),
        Binding("B", "bookmarks", "Bookmarks", show=False, id="app.bookmarks"),
        Binding("x", "toggle_read", "Mark read", show=False, id="app.toggle-read"),
        Binding("escape", "back_out", "Back out", show=False, id="app.escape"),
        Binding("U", "next_unread", "Next unread", show=False, id="app.next-unread"),
        Binding(
            "less_than_sign",
            "sidebar_narrower",
            "Narrower sidebar",
            show=False,
            id="app.sidebar-narrower",
        ),
        Binding(
            "greater_than_sign",
            "sidebar_wider",
            "Wider sidebar",
            show=False,
            id="app.sidebar-wider",
        ),
    ]
    #: Seconds a section's end stays on screen before the section counts as read, so
    #: paging through is not reading (tests shorten it).
    READ_DWELL: ClassVar[float] = 1.5
    #: Columns `<` and `>` take from or give to the sidebar.
    SIDEBAR_STEP: ClassVar[int] = 4

    def __init__(
        self, pack: Pack, *, restricted: bool = False, store: StateStore | None = None
    ) -> None:
        super().__init__()
        self.pack = pack
        self.restricted = restricted
        self.store = store or StateStore.open(pack.root, pack.title, enabled=False)
        self.reading: ReadingState = self.store.load()
        self.current: Section | None = None
        self.search = SearchController(self)
        self.title = sanitize_line(pack.title)
        self.main = MainScreen(pack)
        self.handle_signals = False  # run_app turns it on; tests keep their own loop clean
        self._held_keys: list[events.Key] = []
        self._typing = False  # a key is on its way into the search box (see _key_now)
        self._typed_ahead: list[events.Key] = []
        # ASCII chrome on the Linux console and non-UTF-8 locales (cheap env checks), and
        # under NO_COLOR a filter that keeps ANSI themes readable.
        from reader.glyphs import select as select_glyphs
        from reader.ui.styles import adapt_to_terminal

        adapt_to_terminal(self, select_glyphs())

    # ------------------------------------------------------------------ layout
    def get_default_screen(self) -> MainScreen:
        return self.main

    def start_reading(self) -> None:
        """Called by the reading screen once mounted: open where the reader left off."""
        position = self.reading.position
        start = self.pack.get(position.section) if position else None
        first = start or self.pack.first_section
        scroll = round(position.scroll) if start is not None and position is not None else 0
        # The first screen is drawn now; the rest of a big section waits for the sidebar
        # and footer (see _finish_screen), which would otherwise queue behind its slices.
        self.main.query_one("#document", DocumentView).pause_rendering()
        self.open_section(first.id, scroll=scroll, record=start is None)
        self._tell(self.store.take_notices())
        self._show_progress()
        if self.handle_signals:
            self._watch_hang_up()
        self.search.start_indexing()
        self.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        self.call_after_refresh(self._finish_screen)

    async def _finish_screen(self) -> None:
        """After the first frame: mount the rest, replay the keys that waited, and let
        the reading pane render the rest of its section."""
        document = self.main.query_one("#document", DocumentView)
        self.pack.load_all()  # the outline lists every section: cut the files not cut yet
        # Focus restyles the pane and its sixteen component styles: after the first frame.
        document.focus()
        try:
            await self.main.mount_chrome(on_search=self.search.run)
            self.watch(self.main, "focused", self.search.focus_moved, init=False)
        finally:
            document.resume_rendering()
        self._show_progress()
        if self.current is not None and self.main.outline is not None:
            self.main.outline.reveal(self.current.id)
        held, self._held_keys = self._held_keys, []
        for key in held:  # the very events, untouched: a new one would name us as sender
            self.post_message(key)
        resume_after_start()

    async def on_event(self, event: events.Event) -> None:
        """Keys pressed before the sidebar and footer exist wait for them, in order.

        Type-ahead is common over SSH: "/" and a query typed while the reader starts
        must reach the search box, not the reading pane.
        """
        if (
            isinstance(event, events.Key)
            and not event.is_forwarded
            and not self.main.chrome_ready
            and self.main.is_attached
        ):
            self._held_keys.append(event)
            return
        if isinstance(event, events.Key) and not event.is_forwarded and await self._key_now(event):
            return
        await super().on_event(event)

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
        focused = self.focused
        if self.screen is not self.main or focused is None:
            return False
        if self._typing:
            self._typed_ahead.append(event)
            return True
        self.app_focus = True
        if await check_bindings(self, event.key, priority=True):
            return True
        if event.is_printable and focused is self.main.search_box:
            self._typing = True
            forward_event(focused, event)
            focused.call_later(self.call_later, self._typed)  # once the box has the key
            return True
        if await check_bindings(self, event.key):
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
            await self.on_event(key)

    def _explain_refused(self, key: str) -> bool:
        """A key whose action does not apply here (hidden from the footer) says why."""
        focused = self.focused
        nodes = [focused, *focused.ancestors] if focused is not None else [self]
        for node in nodes:
            for binding in getattr(node, "BINDINGS", ()):
                if not isinstance(binding, Binding):
                    continue
                if key not in (part.strip() for part in binding.key.split(",")):
                    continue
                why = self._why_not(binding.action.split("(")[0].removeprefix("app."), node)
                if why:
                    self.notify(why, markup=False, timeout=3)
                    return True
        return False

    def _why_not(self, action: str, node: object) -> str | None:
        """Why `action` does nothing now (its key is hidden from the footer), or None."""
        if action == "toggle_comparison" and not self.pack.comparison_id:
            return "This pack has no comparison table"
        if action == "next_section" and self._at_edge(1):
            return LAST_SECTION
        if action == "next_item" and isinstance(node, DocumentView) and not node.has_links:
            return NO_LINKS
        return None

    def _at_edge(self, direction: int) -> bool:
        if self.current is None:
            return False
        return not 0 <= self.current.index + direction < len(self.pack.sections)

    def _restyle(self) -> None:
        for view in self.main.query(DocumentView):
            view.restyle()

    def _tell(self, notices: list[str]) -> None:
        for notice in notices:
            self.notify(sanitize_line(notice), severity="warning", markup=False, timeout=8)

    # ------------------------------------------------------------------ sections
    def open_section(
        self,
        section_id: str,
        *,
        scroll: int = 0,
        record: bool = True,
        highlight_query: str | None = None,
        to_match: str = "first",
    ) -> None:
        """Show a section; remember the jump in history unless it is a history move."""
        section = self.pack.get(section_id)
        if section is None:
            return
        leaving = self._place_now()
        self.current = section
        document = self.main.query_one("#document", DocumentView)
        highlighter = self.search.highlighter(highlight_query)
        document.show(
            section_markdown(self.pack, section, read=self.reading.read),
            highlighter=highlighter,
            scroll_to=scroll or None,
            to_match=to_match,
        )
        outline = self.main.outline
        if outline is not None:
            outline.call_after_refresh(outline.reveal, section.id)
        arriving = Position(section.id, float(scroll))

        def remember_jump(state: ReadingState) -> None:  # one locked write per jump
            if leaving is not None:
                state.remember(*leaving)
            if record:
                state.visit(arriving)
            else:  # a history move or a resume: history is already where it should be
                state.stand_at(arriving)

        self._update_state(remember_jump)
        self._show_place()

    def _show_place(self) -> None:
        if self.current is None:
            return
        self.main.query_one(HeaderBar).show_place(self.pack.title, self.current.breadcrumb)
        self.refresh_status()

    def refresh_status(self) -> None:
        if not self.main.is_attached:
            return  # shutting down: the header is already gone
        percent = ""  # until every file is cut into sections, after the first screen
        if self.pack.loaded:
            read = len(self.reading.read & self.pack.by_id.keys())
            percent = f"{100 * read // max(1, len(self.pack.sections))}% read"
        self.main.query_one(HeaderBar).show_status(self.search.status(), percent)

    def _place_now(self) -> tuple[str, float] | None:
        if self.current is None:
            return None
        return self.current.id, float(self.main.query_one(DocumentView).scroll_y)

    def _save_position(self) -> None:
        place = self._place_now()
        if place is not None:
            self._update_state(lambda state: state.remember(*place))

    def _update_state(self, change: Callable[[ReadingState], object]) -> None:
        self.reading = self.store.update(change)
        self._tell(self.store.take_notices())

    def action_next_section(self) -> None:
        self._step(1)

    def action_previous_section(self) -> None:
        self._step(-1)

    def _step(self, direction: int, *, to_end: bool = False) -> None:
        """The next or previous section; `to_end`: scrolled to its end (reading back)."""
        if self.current is None:
            return
        index = self.current.index + direction
        if 0 <= index < len(self.pack.sections):
            self.open_section(self.pack.sections[index].id)
            if to_end:
                self.main.query_one("#document", DocumentView).action_scroll_end()
        elif direction < 0:
            self.notify("This is the first section", markup=False, timeout=3)
        else:
            self.notify(LAST_SECTION, markup=False, timeout=3)

    @on(DocumentView.ReachedEdge, "#document")
    def _turn_page(self, event: DocumentView.ReachedEdge) -> None:
        if abs(event.direction) == 2:
            if not self.search.active:
                self.notify("No search yet: / searches the pack", markup=False, timeout=3)
            elif not self.search.hits:
                self.notify("No results: / changes the search", markup=False, timeout=3)
            else:
                self.search.next_result(event.direction // 2)
        else:
            self._step(event.direction, to_end=event.direction < 0)

    def on_outline_section_selected(self, event: Outline.SectionSelected) -> None:
        self.open_section(event.section_id)
        if self.main.narrow and self.main.sidebar_choice:
            self.action_toggle_sidebar()
        self.main.query_one("#document").focus()

    # ------------------------------------------------------------------ search
    # Handlers by name, not @on(SearchBox.Submitted): the class is imported after the
    # first frame. Dialogs have inputs of their own, hence the checks.
    # Typing calls self.search.run straight from the box (see SearchBox).
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.main.search_box:
            self.action_open_first_result()

    def on_search_results_selected(self, event: SearchResults.Selected) -> None:
        if event.results is self.main.results:
            self._open_hit(event.section_id)

    def action_open_first_result(self) -> None:
        """Enter in the search box: the best result."""
        if self.search.hits:
            self._open_hit(self.search.hits[0].id)
        elif self.search.active:
            self.notify("No results to open", markup=False, timeout=2)

    def action_open_result(self) -> None:
        """Enter in the results: the highlighted one."""
        results, hits = self.main.results, self.search.hits
        if results is not None and results.highlighted is not None and hits:
            self._open_hit(hits[min(results.highlighted, len(hits) - 1)].id)

    def _open_hit(self, section_id: str) -> None:
        if self.main.search_box is not None:
            self.main.search_box.remember(self.search.query)
        self.search.open_result(section_id)
        self.main.set_focus(self.main.query_one("#document"))  # at once: see _key_now

    @on(DocumentView.MatchesChanged, "#document")
    def _matches_changed(self, event: DocumentView.MatchesChanged) -> None:
        self.search.match_current, self.search.match_total = event.current, event.total
        self.refresh_status()

    # ------------------------------------------------------------------ links
    @on(DocumentView.LinkActivated, "#document")
    def _follow_link(self, event: DocumentView.LinkActivated) -> None:
        href = event.href
        internal = internal_target(href)  # the footer's own links; content cannot forge one
        if internal is not None:
            self.open_section(internal)
            return
        if self.current is None:
            return
        target = self.pack.resolve(self.current, href)
        if target.followable and target.section_id:
            self.open_section(target.section_id)
        elif target.kind == "external":
            self._show_external(href)
        else:
            reason = target.reason or "not a page of this pack"
            self.notify(
                f"Not followed: {sanitize_line(href)} ({sanitize_line(reason)})",
                severity="warning",
                markup=False,
            )

    @on(DocumentView.LinkActivated, "#comparison-document")
    def _comparison_link(self, event: DocumentView.LinkActivated) -> None:
        self.action_toggle_comparison()
        self._follow_link(event)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Never start a browser on this host (over SSH it would be the server's)."""
        self._show_external(url)

    def _show_external(self, url: str) -> None:
        from reader.ui.screens.external_link import ExternalLinkScreen

        self.push_screen(ExternalLinkScreen(url))

    # ------------------------------------------------------------------ panels
    def action_toggle_comparison(self) -> None:
        panel = self.main.comparison
        if panel is None:
            self.notify("This pack has no comparison table", markup=False)
            return
        opening = not panel.has_class("-open")
        panel.set_class(opening, "-open")
        if opening:
            panel.load()
            panel.query_one(DocumentView).focus()
        else:
            self.main.query_one("#document").focus()

    def _close_comparison(self) -> None:
        if self.main.comparison is not None:
            self.main.comparison.remove_class("-open")

    def action_toggle_sidebar(self) -> None:
        shown = not self.main.query_one("#sidebar").display
        self.main.show_sidebar(shown)
        outline = self.main.outline
        if shown and outline is not None:
            outline.focus()
            if self.current is not None:  # hidden, it could not scroll to the section
                outline.call_after_refresh(outline.reveal, self.current.id)
        else:
            self.main.query_one("#document").focus()
        if not self.main.narrow:  # the overlay of a narrow terminal is not a preference
            self._update_state(lambda state: state.set_sidebar_shown(shown))

    def action_sidebar_narrower(self) -> None:
        self._resize_sidebar(-self.SIDEBAR_STEP)

    def action_sidebar_wider(self) -> None:
        self._resize_sidebar(self.SIDEBAR_STEP)

    def _resize_sidebar(self, step: int) -> None:
        if self.main.narrow:  # the overlay takes the width it has
            self.bell()
            return
        if not self.main.query_one("#sidebar").display:
            self.action_toggle_sidebar()
            return
        width = self.main.resize_sidebar(step)
        if width is None:
            self.bell()
            return
        self._update_state(lambda state: state.set_sidebar_width(width))

    def action_focus_search(self) -> None:
        box = self.main.search_box
        if box is None:
            return
        self._close_comparison()  # on a short terminal it would hide the results
        if self.focused is box:
            box.insert_text_at_cursor("/")  # the priority binding took the key from the box
            return
        if not self.main.query_one("#sidebar").display:
            self.main.show_sidebar(True)
        box.start_fresh()  # a new query; the old one is a ↑ away
        self.main.set_focus(box)

    def action_focus_results(self) -> None:
        results = self.main.results
        if results is not None and results.display:
            self.main.set_focus(results)

    def action_clear_search(self) -> None:
        if self.main.search_box is not None:
            self.main.search_box.remember(self.search.query)
        self.search.clear()
        self.main.set_focus(self.main.query_one("#document"))

    def action_cycle_focus(self, direction: int) -> None:
        """Tab: search box → outline → reading pane (→ results, when there are some)."""
        main = self.main
        box, outline, results = main.search_box, main.outline, main.results
        sidebar = main.query_one("#sidebar").display
        order: list[Widget] = []
        if box is not None and outline is not None and sidebar:
            order += [box, outline]
        order.append(main.query_one("#document"))
        if results is not None and self.search.hits and sidebar:
            order.append(results)
        place = order.index(self.focused) if self.focused in order else min(0, -direction)
        target = order[(place + direction) % len(order)]
        if target is outline and outline is not None and results is not None:
            outline.display, results.display = True, False
            if self.current is not None:
                outline.reveal(self.current.id)
        elif target is results and results is not None and outline is not None:
            results.display, outline.display = True, False
        main.set_focus(target)

    def action_back_out(self) -> None:
        """Esc closes whatever is open, innermost first; the place is kept."""
        panel = self.main.comparison
        if panel is not None and panel.has_class("-open"):
            self.action_toggle_comparison()
        elif self.search.active:
            self.action_clear_search()
        elif self.main.narrow and self.main.sidebar_choice:
            self.action_toggle_sidebar()
        elif self.focused is not self.main.query_one("#document"):
            self.main.query_one("#document").focus()

    def action_help(self) -> None:
        from reader.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.help_groups()))

    def help_groups(self) -> list[tuple[str, list]]:
        """Every key by where it works, straight from the bindings."""
        from reader.ui.screens.bookmarks import BookmarksScreen
        from reader.ui.screens.external_link import ExternalLinkScreen
        from reader.ui.widgets.outline import Outline
        from reader.ui.widgets.search_box import SearchBox
        from reader.ui.widgets.search_results import SearchResults

        return [
            (
                "Everywhere",
                [
                    *self.BINDINGS,
                    *self.screen.BINDINGS,
                    Binding("ctrl+p", "command_palette", "Commands"),
                    Binding("ctrl+q", "quit", "Quit"),
                ],
            ),
            (
                "Reading pane",
                [*DocumentView.BINDINGS, Binding("up,down,pageup,pagedown,home,end", "", "Scroll")],
            ),
            ("Outline", [*Outline.BINDINGS, Binding("enter", "", "Open section")]),
            (
                "Search",
                [*SearchBox.BINDINGS, *SearchResults.BINDINGS],
            ),
            ("Bookmarks list", BookmarksScreen.BINDINGS),
            ("External link", ExternalLinkScreen.BINDINGS),
        ]

    # ------------------------------------------------------------------ history
    def action_history_back(self) -> None:
        self._go(-1)

    def action_history_forward(self) -> None:
        self._go(1)

    def _go(self, direction: int) -> None:
        """Move through history like a browser; the scroll where we were is kept."""
        self._save_position()
        moved = self.reading.copy()
        position = moved.back() if direction < 0 else moved.forward()
        if position is None or self.pack.get(position.section) is None:
            where = "back to" if direction < 0 else "forward to"
            self.notify(f"Nothing to go {where} yet", markup=False, timeout=3)
            return
        self._update_state(lambda state: state.take_history(moved))
        self.open_section(position.section, scroll=round(position.scroll), record=False)

    # ------------------------------------------------------------------ bookmarks
    def action_bookmark(self) -> None:
        if self.current is None:
            return
        section_id = self.current.id
        scroll = float(self.main.query_one(DocumentView).scroll_y)
        title = sanitize_line(self.current.title)
        if self.reading.bookmark_at(section_id, scroll) is not None:
            message = f"Already bookmarked: {title} (B lists bookmarks)"
        else:
            self._update_state(lambda state: state.add_bookmark(section_id, scroll))
            message = f"Bookmarked {title}: B lists bookmarks"
        # One toast per place however often `m` is pressed while it shows.
        self.notify(message, markup=False, timeout=3, key=f"bookmark:{section_id}:{round(scroll)}")

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

    @on(events.Mount)
    def _watch_dialogs(self) -> None:
        self.screen_change_signal.subscribe(self, self._on_screen_change)

    def action_bookmarks(self) -> None:
        from reader.ui.screens.bookmarks import BookmarksScreen

        self.push_screen(BookmarksScreen(self.pack, list(self.reading.bookmarks)))

    def jump_to_bookmark(self, bookmark: Bookmark) -> None:
        self.open_section(bookmark.section, scroll=round(bookmark.scroll))

    def rename_bookmark(self, bookmark_id: str, note: str) -> None:
        self._update_state(lambda state: state.rename_bookmark(bookmark_id, note))

    def delete_bookmark(self, bookmark_id: str) -> None:
        """Delete at once: the bookmarks list asks first (see `BookmarksScreen`)."""
        self._update_state(lambda state: state.delete_bookmark(bookmark_id))

    # ------------------------------------------------------------------ progress
    @on(DocumentView.EndSeen, "#document")
    def _end_seen(self, event: DocumentView.EndSeen) -> None:
        """The end is on screen: the section is read if it stays there READ_DWELL
        seconds (paging through is not reading); scrolling it away or leaving stops it."""
        if self._dwell_view is None:
            self._dwell_view = event.view
            self.watch(event.view, "scroll_y", lambda _y: self._check_dwell(), init=False)
        self._stop_dwell()
        self._check_dwell()

    def _end_on_screen(self) -> bool:
        view = self._dwell_view
        if view is None or not view.is_attached:  # shutting down
            return False
        return view.fully_rendered and round(view.scroll_y) + view.size.height >= view.line_count

    def _check_dwell(self) -> None:
        current = self.current
        if current is None or current.id in self.reading.read or not self._end_on_screen():
            self._stop_dwell()
        elif self._dwell is None or self._dwell[0] != current.id:
            self._stop_dwell()
            timer = self.set_timer(self.READ_DWELL, lambda: self._dwell_over(current.id))
            self._dwell = (current.id, timer)

    def _stop_dwell(self) -> None:
        if self._dwell is not None:
            self._dwell[1].stop()
            self._dwell = None

    def _dwell_over(self, section_id: str) -> None:
        self._dwell = None
        if self.current is None or self.current.id != section_id or not self._end_on_screen():
            return  # left the section, or its end, while the time ran
        if section_id not in self.reading.read:
            self._update_state(lambda state: state.mark_read(section_id))
            self._show_progress()

    _dwell: tuple[str, Timer] | None = None
    _dwell_view: DocumentView | None = None

    def action_toggle_read(self) -> None:
        if self.current is None:
            return
        section_id = self.current.id
        self._stop_dwell()
        self._update_state(lambda state: state.toggle_read(section_id))
        self._show_progress()

    def action_next_unread(self) -> None:
        """The first section after this one, in reading order, that is not read."""
        from reader.progress import next_unread

        target = next_unread(self.pack, self.current, self.reading.read)
        if target is None:
            self.notify("Everything is read", markup=False, timeout=3)
        else:
            self.open_section(target.id)

    def action_reset_progress(self) -> None:
        """Asks first (No by default): the ticks cannot be brought back."""
        from reader.ui.screens.confirm import ConfirmScreen

        read = len(self.reading.read & self.pack.by_id.keys())
        if not read:
            self.notify("Nothing is marked read yet", markup=False, timeout=3)
            return

        def answered(reset: bool | None) -> None:
            if not reset:
                return
            self._update_state(lambda state: state.reset_progress())
            self._show_progress()
            self.notify("Reading progress reset", markup=False, timeout=3)

        sections = "section" if read == 1 else "sections"
        self.push_screen(
            ConfirmScreen(
                "Reset reading progress?",
                f"Forget that {read} {sections} of this pack are read. This cannot be undone.",
                yes="Reset",
            ),
            answered,
        )

    def _show_progress(self) -> None:
        if self.main.outline is not None:
            self.main.outline.set_read(self.reading.read)
        self.refresh_status()

    # ------------------------------------------------------------------ safety
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in MAIN_SCREEN_ACTIONS and self.screen is not self.main:
            return False  # a dialog is open: its keys win, the reading screen waits
        if self._why_not(action, self) is not None:
            return False  # hidden from the footer; its key says why (_explain_refused)
        return self.allowed_on_reading_screen(action)

    def allowed_on_reading_screen(self, action: str) -> bool | None:
        """Whether `action` would run on the reading screen, whatever is on top now.

        The command palette asks this while it is itself the screen on top, where
        `check_action` refuses every reading-screen action; its commands run once it
        has closed. None: shown but disabled (a pack without a comparison).
        """
        if self.restricted and action not in RESTRICTED_ACTIONS:
            return False
        if action == "toggle_comparison" and not self.pack.comparison_id:
            return None
        return True

    def get_system_commands(self, screen: Screen):
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                continue  # Textual's keys panel: the reader's help (commands.py) lists every key
            if self.restricted and command.title not in ("Theme", "Quit"):
                continue
            yield command

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        if self.restricted:
            self.notify("Screenshots are off in restricted mode", markup=False)
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        if not self.restricted:
            self.deliver_screenshot(filename, path)

    def action_suspend_process(self) -> None:
        if not self.restricted:
            super().action_suspend_process()

    # ------------------------------------------------------------------ leaving
    def save_and_exit(self) -> None:
        """Keep the place, then leave (quit, or the terminal hung up)."""
        self._save_position()
        self.exit(0)

    async def action_quit(self) -> None:
        self.save_and_exit()

    def hang_up(self) -> None:
        """SIGHUP (the SSH connection dropped) or SIGTERM: save, leave within 2 seconds.

        If the exit gets stuck (a busy UI thread, a terminal that is gone), SIGALRM's
        default action ends the process at the deadline armed by the signal handler.
        """
        _arm_deadline()
        self.save_and_exit()

    def _watch_hang_up(self) -> None:
        """SIGHUP/SIGTERM end the process within HANG_UP_GRACE, however busy the UI is.

        `loop.add_signal_handler` runs only when the event loop gets control, so a long
        parse or layout kept the process alive. A Python signal handler runs in the main
        thread between two bytecodes, even in the middle of that work: it arms SIGALRM at
        once, then asks the loop to save the place and exit as soon as it can.
        """
        loop = asyncio.get_running_loop()
        pending: list[int] = []

        def on_signal(signum: int, _frame: object) -> None:
            _arm_deadline()
            if not pending:  # a second signal changes nothing: the first one is on its way
                pending.append(signum)
                with contextlib.suppress(RuntimeError):  # the loop has closed: the alarm ends it
                    loop.call_soon_threadsafe(self.hang_up)

        for signum in (signal.SIGHUP, signal.SIGTERM):
            signal.signal(signum, on_signal)


M_ARENA_MAX = -8  # glibc's mallopt parameter


def _limit_malloc_arenas(arenas: int = 2) -> None:
    """At most two malloc arenas (as MALLOC_ARENA_MAX=2 would), before any thread starts.

    glibc gives each new thread (Textual's input and writer threads, the index worker)
    an arena that reserves 64 MB of address space: 270 MB of it for a 46 MB reader, so
    an administrator's `ulimit -v` below ~300 MB made allocations fail. With two arenas
    the reader runs under 100 MB of address space. An explicit MALLOC_ARENA_MAX wins.

    Only under an address-space limit (`ulimit -v`): loading ctypes to call mallopt
    costs ~10 ms, which every other start would pay before its first screen.
    """
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    import resource

    if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl has no arenas to limit)
        pass


def _arm_deadline() -> None:
    """SIGALRM (default action: end the process) HANG_UP_DEADLINE from the first call."""
    if signal.getitimer(signal.ITIMER_REAL)[0] == 0:
        signal.setitimer(signal.ITIMER_REAL, HANG_UP_DEADLINE)


def create_app(
    pack: Pack, *, restricted: bool = False, no_state: bool = False, state_dir: Path | None = None
) -> ReaderApp:
    """The one way to build the app, for the command and for the tests."""
    store = StateStore.open(pack.root, pack.title, state_dir=state_dir, enabled=not no_state)
    return ReaderApp(pack, restricted=restricted, store=store)


def run_app(
    pack: Pack, *, restricted: bool = False, no_state: bool = False, state_dir: Path | None = None
) -> int:
    """Run full screen until the reader quits or the terminal goes away.

    An unexpected error ends the app with one line on stderr, never a traceback: the
    details go to the log `reader.crash.crash_log_path` picks (if any).
    """
    # A terminal gone without a SIGHUP is a hang-up all the same (see install_input_decoder).
    install_input_decoder(on_end_of_input=lambda: os.kill(os.getpid(), signal.SIGHUP))
    _limit_malloc_arenas()
    app = create_app(pack, restricted=restricted, no_state=no_state, state_dir=state_dir)
    app.handle_signals = True
    store = app.store
    saving_in = store.path.parent.parent if store.saving and store.path is not None else None
    app.crash_log = crash_log_path(restricted=restricted, state_dir=saving_in)
    try:
        result = app.run()
    except Exception as error:  # starting or stopping the terminal failed: one line too
        return report_internal_error(error, restricted=restricted, state_dir=saving_in)
    return result if isinstance(result, int) else (app.return_code or 0)
