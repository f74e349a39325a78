"""ReaderApp: the wiring between the pack, the sidebar, the reading pane and the state.

Everything the CLI and the tests start goes through :func:`create_app`, so tests run
the real wiring. Widgets post messages; this class decides what they mean. Each concern
lives in a module of its own, which this one puts together:

- :mod:`reader.ui.navigation`: the section on screen; next, previous, back, links
- :mod:`reader.ui.key_order`: keys held while the reader starts, and run in order
- :mod:`reader.ui.panes`: the sidebar, the comparison panel, focus among the panes
- :mod:`reader.ui.search_controller`: the index, the query and its results
- :mod:`reader.ui.progress`: read marks: the dwell, `x`, `U`, the reset that asks first
- :mod:`reader.ui.restricted`: what `--restricted` refuses
- :mod:`reader.ui.toasts`: one toast for one thing said
- :mod:`reader.ui.keymap`: config.toml's `[keymap]` checked against every binding (its
  theme and sidebar width are taken here, at start; see :mod:`reader.config`)
- :mod:`reader.ui.process`: hang-up signals and memory, around the running app

Pack files edited, deleted or replaced while the reader runs: the pack is asked every
PACK_POLL_SECONDS which files changed since it was loaded, and a section whose file
changed is not opened (the open one stays as it was drawn); either way the reader is
told once per file, and "Reload pack" (the palette) starts the reader again on the same
pack, at the same place.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import App
from textual.binding import Binding
from textual.command import Provider
from textual.dom import DOMNode
from textual.worker import Worker, WorkerState

from reader.config import UserConfig, load_config, starting_sidebar_width, starting_theme
from reader.crash import crash_log_path, report_internal_error
from reader.pack import Pack, Section
from reader.sanitize import sanitize_line
from reader.state import Bookmark, ReadingState
from reader.state_store import StateStore
from reader.ui.key_order import KeyOrder
from reader.ui.memory import resume_after_start
from reader.ui.navigation import LAST_SECTION, Navigation
from reader.ui.process import arm_deadline, limit_malloc_arenas, reexec, watch_hang_up
from reader.ui.progress import ReadingProgress
from reader.ui.restricted import MAIN_SCREEN_ACTIONS, RESTRICTED_ACTIONS, RestrictedMode
from reader.ui.screens.main import MainScreen
from reader.ui.search_controller import SearchController
from reader.ui.section_footer import DEFAULT_KEYS as DEFAULT_FOOTER_KEYS
from reader.ui.textual_compat import (
    TerminalGuard,
    add_binding,
    app_keymap,
    install_input_decoder,
    install_patient_input_wait,
)
from reader.ui.toasts import OneToastEach
from reader.ui.widgets.document_view import NO_LINKS, DocumentView
from reader.ui.widgets.header_bar import HeaderBar

if TYPE_CHECKING:  # mounted after the first frame, with the modules behind them
    from textual.geometry import Region
    from textual.widgets import Input

    from reader.cards import Card
    from reader.glossary import Glossary
    from reader.ui.commands import CommandHost
    from reader.ui.navigation import NavigationHost
    from reader.ui.panes import PaneHost, Panes
    from reader.ui.progress import ProgressHost
    from reader.ui.screens.review import ReviewSession
    from reader.ui.search_controller import SearchHost
    from reader.ui.study_controller import StudyController
    from reader.ui.widgets.outline import Outline
    from reader.ui.widgets.search_results import SearchResults

__all__ = ["RESTRICTED_ACTIONS", "ReaderApp", "create_app", "run_app"]

NO_GLOSSARY = "This pack has no glossary (a glossary.md of definition lists)"


def _reader_commands() -> type[Provider]:
    """The palette's provider, imported only when the palette first opens."""
    from reader.ui.commands import ReaderCommands

    return ReaderCommands


class ReaderApp(TerminalGuard, RestrictedMode, OneToastEach, App[int]):
    """A study reader for one pack."""

    CSS_PATH = "reader.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {_reader_commands}
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        # Textual's own two, declared here to have ids ([keymap] in config.toml). The
        # palette's keeps Textual's description: the footer shows it.
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit-now"),
        Binding(
            "ctrl+p", "command_palette", "palette", show=False, priority=True, id="app.commands"
        ),
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
        Binding("t", "glossary", "Glossary", show=False, id="app.glossary"),
        Binding("r", "review", "Review", id="app.review"),
        Binding("p", "progress", "Progress", show=False, id="app.progress"),
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
    #: Seconds between the first frame and mounting the sidebar and footer (tests hold
    #: them back, to look at the first screen alone and type while they are missing).
    CHROME_DELAY: ClassVar[float] = 0.0
    #: Seconds between two looks at whether the pack's files changed on disk (a few stat
    #: calls each, on the UI thread).
    PACK_POLL_SECONDS: ClassVar[float] = 3.0
    #: config.toml's problems listed in its one notice (the rest are counted).
    CONFIG_PROBLEMS_SHOWN: ClassVar[int] = 6

    def __init__(
        self,
        pack: Pack,
        *,
        restricted: bool = False,
        store: StateStore | None = None,
        review_dir: Path | None = None,
        review_saving: bool = False,
        start_review: bool = False,
        config: UserConfig | None = None,
    ) -> None:
        """`review_dir`/`review_saving`: where review state is kept (beside the reading
        state) and whether it is saved at all; `start_review`: open in a review of what
        is due (`reader review`); `config`: the user's config.toml (None: read it now;
        restricted mode reads it too: it changes only keys and looks)."""
        super().__init__()
        self.pack = pack
        self.restricted = restricted
        self.store = store or StateStore.open(pack.root, pack.title, enabled=False)
        self.reading: ReadingState = self.store.load()
        #: What the user's config.toml says; its problems are told once, after the first
        #: frame (see `_settle_config`).
        self.config = load_config() if config is None else config
        self._config_settled = False
        #: The theme the reader started with: a different one at the end was chosen in
        #: the palette, and is remembered with the reading state.
        self._theme_at_start = self._choose_theme()
        #: The sidebar's width at start (config.toml's or the remembered one; None: fit).
        self.sidebar_width_at_start = starting_sidebar_width(
            self.config.sidebar_width, self.reading
        )
        self.search = SearchController(self)
        self.navigation = Navigation(self)
        #: The pack's files the reader was told changed on disk (told once each).
        self.pack_changes_told: set[str] = set()
        #: Set by "Reload pack": `run_app` starts the reader again once the app is gone.
        self.reload_requested = False
        self.title = sanitize_line(pack.title)
        self.main = MainScreen(pack)
        self.handle_signals = False  # run_app turns it on; tests keep their own loop clean
        self.keys = KeyOrder(self, self.main, why_not=self._why_not)
        self.progress = ReadingProgress(self)
        #: Terms are marked once the glossary is read, right after the first screen.
        self.glossary_ready = False
        self._study: StudyController | None = None
        self._review_dir, self._review_saving = review_dir, review_saving
        self.start_review = start_review
        #: The section a review started from the command line keeps waiting under it.
        self._deferred_opening: tuple[str, int, bool] | None = None
        # ASCII chrome on the Linux console and non-UTF-8 locales (cheap env checks), and
        # under NO_COLOR a filter that keeps ANSI themes readable.
        from reader.glyphs import select as select_glyphs
        from reader.ui.styles import adapt_to_terminal

        adapt_to_terminal(self, select_glyphs())

    @property
    def study(self) -> StudyController:
        """Cards, reviews and the progress view: imported after the first screen."""
        if self._study is None:
            from reader.ui.study_controller import StudyController

            self._study = StudyController(
                self, state_dir=self._review_dir, saving=self._review_saving
            )
        return self._study

    @cached_property
    def panes(self) -> Panes:
        """The sidebar, the comparison and focus among them: first used after the first
        frame, so imported then (a module imported before it costs ~1 M instructions)."""
        from reader.ui.panes import Panes

        return Panes(self)

    # ------------------------------------------------------------------ layout
    def get_default_screen(self) -> MainScreen:
        return self.main

    def start_reading(self) -> None:
        """Called by the reading screen once mounted: open where the reader left off."""
        position = self.reading.position
        start = self.pack.get(position.section) if position else None
        first = start or self.pack.first_section
        scroll = round(position.scroll) if start is not None and position is not None else 0
        if self.handle_signals:
            watch_hang_up(self.hang_up)
        self.theme_changed_signal.subscribe(self, lambda _theme: self._restyle())
        if self.start_review:
            # `reader review`: the review is the first screen; the reading screen is built,
            # and the place reading left off opened, when the reader first comes to it.
            self.start_review = False
            self._deferred_opening = (first.id, scroll, start is None)
            self._settle_config()  # the review's keys as config.toml maps them
            self._tell(self.store.take_notices())
            self.study.review()
            self.call_after_refresh(resume_after_start)
            return
        # The first screen is drawn now; the rest of a big section waits for the sidebar
        # and footer (see _finish_screen), which would otherwise queue behind its slices.
        self.main.query_one("#document", DocumentView).pause_rendering()
        self.open_section(first.id, scroll=scroll, record=start is None)
        self._tell(self.store.take_notices())
        self.progress.show()
        self.search.start_indexing()
        if self.CHROME_DELAY:
            self.call_after_refresh(self.set_timer, self.CHROME_DELAY, self._finish_screen)
        else:
            self.call_after_refresh(self._finish_screen)

    async def _finish_screen(self) -> None:
        """After the first frame: mount the rest, replay the keys that waited, and let
        the reading pane render the rest of its section."""
        document = self.main.query_one("#document", DocumentView)
        self.pack.load_all()  # the outline lists every section: cut the files not cut yet
        self._read_glossary(document)
        # Focus restyles the pane and its sixteen component styles: after the first frame.
        document.focus()
        try:
            await self.main.mount_chrome(on_search=self.search.run)
            self.watch(self.main, "focused", self.search.focus_moved, init=False)
        finally:
            document.resume_rendering()
        self.progress.show()
        if self.current is not None and self.main.outline is not None:
            self.main.outline.reveal(self.current.id)
        self._settle_config()  # before the keys typed meanwhile run: they run as remapped
        self.keys.release()
        self.study.start_loading()
        self.set_interval(self.PACK_POLL_SECONDS, self.check_pack_files, name="pack-files")
        resume_after_start()

    def _choose_theme(self) -> str:
        """Start in config.toml's theme or the one last chosen in the palette (see
        `reader.config.starting_theme`); a name no theme has is told, default kept."""
        config = self.config
        if config.theme is not None and config.theme not in self.available_themes:
            config.add_problem(
                config.line_of("theme"),
                f"no theme '{config.theme}' (ctrl+p, Theme lists them); default kept",
            )
            config.theme = None
        theme = starting_theme(config.theme, self.reading)
        if theme is not None and theme in self.available_themes and theme != self.theme:
            self.theme = theme
        return self.theme

    def _settle_config(self) -> None:
        """The `[keymap]`, checked against every binding and applied, and everything in
        config.toml that could not be used told in one notice. Once, before the keys
        typed during the start run; the check imports every screen, so only when there
        is a keymap at all."""
        if self._config_settled:
            return
        self._config_settled = True
        config = self.config
        if config.keymap:
            from reader.ui.keymap import EXTRA_BINDINGS, check_keymap

            keymap = check_keymap(type(self), config)
            for extra in EXTRA_BINDINGS:
                if extra.id in keymap:  # no default key: bound only once a key is chosen
                    for key in keymap[extra.id].split(","):
                        add_binding(self, extra.with_key(key))
            self.set_keymap(keymap)
            if "app.commands" in keymap:  # where the footer looks for the palette's key
                palette_key = keymap["app.commands"].split(",")[0]
                self.__dict__["COMMAND_PALETTE_BINDING"] = palette_key  # this app's only
        if config.problems:
            self._tell_config_problems()

    def footer_keys(self) -> dict[str, str]:
        """The keys a section's footer names, as config.toml's keymap has them."""
        if not self.config.keymap:  # (the app's keymap comes from it)
            return dict(DEFAULT_FOOTER_KEYS)  # the usual case: nothing to look up
        from reader.ui.key_hints import key_hint

        return {
            "next": key_hint(self, "app.next-section", "]"),
            "previous": key_hint(self, "app.previous-section", "["),
            "unread": key_hint(self, "app.next-unread", "U"),
        }

    def _tell_config_problems(self) -> None:
        """One notice for all of config.toml's problems (the file, then each line), up to
        CONFIG_PROBLEMS_SHOWN of them, long enough to read."""
        shown = min(len(self.config.notes), self.CONFIG_PROBLEMS_SHOWN)
        self.notify(
            self.config.summary(self.CONFIG_PROBLEMS_SHOWN),
            title="Settings not used (defaults kept)",
            severity="warning",
            markup=False,
            timeout=min(30, 10 + 4 * shown),
        )

    def _read_glossary(self, document: DocumentView) -> None:
        """Read the glossary (98 terms: ~10 ms, too long for the first screen, which is
        drawn without marks) and mark its terms in the section on show, in place."""
        self.glossary_ready = True
        current = self.current
        if current is not None and self.glossary_for(current) is not None:
            document.mark_terms(self.pack.glossary)

    def glossary_for(self, section: Section) -> Glossary | None:
        """The glossary whose terms a section marks: none in the glossary itself, none
        before the first screen is out (see `_read_glossary`), none if there is none."""
        if not self.glossary_ready or not self.pack.has_glossary:
            return None
        return None if self.pack.in_glossary(section) else self.pack.glossary

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The search index's worker has ended: its index (or its error) goes to search."""
        if self._study is not None and self._study.on_worker_state_changed(event):
            return
        built = event.worker.result
        if (
            event.worker.group == "index"
            and event.state is WorkerState.SUCCESS
            and built is not None
        ):
            self.search.index_built(built)

    @property
    def held_key_count(self) -> int:
        """Keys pressed before the sidebar and footer exist, waiting for them."""
        return self.keys.held_count

    async def on_event(self, event: events.Event) -> None:
        """Keys go through KeyOrder first: held until the sidebar and footer exist, then
        each key's binding runs as it arrives, in order."""
        if await self.keys.take(event):
            return
        await super().on_event(event)

    def _why_not(self, action: str, node: DOMNode) -> str | None:
        """Why `action` does nothing now (its key is hidden from the footer), or None."""
        if action == "toggle_comparison" and not self.pack.comparison_id:
            return "This pack has no comparison table"
        if action == "glossary" and not self.pack.has_glossary:
            return NO_GLOSSARY
        if action in ("review", "review_section", "review_chapter") and (
            not self.pack.may_hold_cards()
            or (
                self._study is not None
                and self._study.study is not None
                and not self._study.study.cards.cards
            )
        ):
            from reader.ui.study_controller import NO_CARDS

            return NO_CARDS
        if action == "next_section" and self.navigation.at_edge(1):
            return LAST_SECTION
        if action == "next_item" and isinstance(node, DocumentView) and not node.has_links:
            return NO_LINKS
        return None

    def _restyle(self) -> None:
        """A new theme: every reading pane draws again, a dialog's (a term's definition,
        the glossary's) as well as the main screen's."""
        for screen in self.screen_stack:
            for view in screen.query(DocumentView):
                view.restyle()
            for face in screen.query("CardFace"):  # a review's card (not imported before)
                face.restyle()  # type: ignore[attr-defined]

    def _tell(self, notices: list[str]) -> None:
        """The stores' notices: a warning each, but saving back after a pause is good news."""
        for notice in notices:
            good = notice.endswith(" is saved again.")
            self.notify(
                sanitize_line(notice),
                severity="information" if good else "warning",
                markup=False,
                timeout=8,
            )

    # ------------------------------------------------------------------ sections
    @property
    def current(self) -> Section | None:
        """The section on screen (None until the first one opens)."""
        return self.navigation.current

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
        self.navigation.open(
            section_id,
            scroll=scroll,
            record=record,
            highlight_query=highlight_query,
            to_match=to_match,
        )

    def check_pack_files(self) -> None:
        """Look whether the pack's files changed on disk since it was loaded."""
        changed = self.pack.changed_files()
        if changed:
            self.pack_files_changed(changed)

    def pack_files_changed(self, paths: list[str]) -> None:
        """Tell the reader, once per file, that the pack changed and how to reload it."""
        new = [path for path in paths if path not in self.pack_changes_told]
        if not new:
            return
        self.pack_changes_told.update(new)
        names = ", ".join(sanitize_line(path) for path in new[:3])
        more = f" and {len(new) - 3} more" if len(new) > 3 else ""
        self.notify(
            f"The pack changed on disk ({names}{more}). Sections already open stay as they "
            "were; to read the new version: ctrl+p, Reload pack (your place is kept).",
            title="Pack changed",
            severity="warning",
            markup=False,
            timeout=20,
        )

    def action_reload_pack(self) -> None:
        """Start the reader again on the same pack and state, at the same place: the
        simplest way to read a pack changed on disk whole and consistent."""
        self.reload_requested = True
        self.save_and_exit()

    def refresh_status(self) -> None:
        if not self.main.is_attached or self.main.deferred:
            return  # shutting down, or not built yet (a review opened first): no header
        percent = ""  # until every file is cut into sections, after the first screen
        if self.pack.loaded:
            read = len(self.reading.read & self.pack.by_id.keys())
            percent = f"{100 * read // max(1, len(self.pack.sections))}% read"
        due = self._study.due_label() if self._study is not None else ""
        self.main.query_one(HeaderBar).show_status(self.search.status(), due, percent)

    def update_state(self, change: Callable[[ReadingState], object]) -> None:
        """Change the reading state as the store holds it (one locked write), and tell
        the reader what the store has to say (saving stopped, a file set aside)."""
        self.reading = self.store.update(change)
        self._tell(self.store.take_notices())

    def action_next_section(self) -> None:
        self.navigation.step(1)

    def action_previous_section(self) -> None:
        self.navigation.step(-1)

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
            self.navigation.step(event.direction, to_end=event.direction < 0)

    def on_outline_section_selected(self, event: Outline.SectionSelected) -> None:
        self.open_section(event.section_id)
        if self.main.narrow and self.main.sidebar_choice:
            self.panes.toggle_sidebar()
        self.panes.focus_document()

    # ------------------------------------------------------------------ search
    # Handlers by name, not @on(SearchBox.Submitted): the class is imported after the
    # first frame. Dialogs have inputs of their own, hence the checks.
    # Typing calls self.search.run straight from the box (see SearchBox).
    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self.main.search_box:
            self.search.open_first()

    def on_search_results_selected(self, event: SearchResults.Selected) -> None:
        if event.results is self.main.results:
            self.search.open_result(event.section_id)

    def action_open_first_result(self) -> None:
        self.search.open_first()

    def action_open_result(self) -> None:
        self.search.open_highlighted()

    def action_clear_search(self) -> None:
        self.search.clear()

    @on(DocumentView.MatchesChanged, "#document")
    def _matches_changed(self, event: DocumentView.MatchesChanged) -> None:
        self.search.matches_changed(event.current, event.total)

    # ------------------------------------------------------------------ links
    @on(DocumentView.LinkActivated, "#document")
    def _follow_link(self, event: DocumentView.LinkActivated) -> None:
        self.navigation.follow(event.href)

    @on(DocumentView.LinkActivated, "#comparison-document")
    def _comparison_link(self, event: DocumentView.LinkActivated) -> None:
        self.panes.toggle_comparison()
        self.navigation.follow(event.href)

    # ------------------------------------------------------------------ glossary
    @on(DocumentView.TermActivated)
    def _define_term(self, event: DocumentView.TermActivated) -> None:
        """A term's definition in a box beside it; a link followed there is followed
        from the glossary's own section, where the definition is written."""
        from_comparison = event.view.id == "comparison-document"
        self.define(event.name, event.region, from_comparison=from_comparison)

    def define(
        self, name: str, region: Region | None = None, *, from_comparison: bool = False
    ) -> None:
        """Show the definition of the term `name` finds: beside the term (`region`, on
        screen), or in the middle (the palette's "Define:")."""
        from reader.ui.screens.term_popover import TermPopover

        entry = self.pack.glossary.lookup(name)
        if entry is None:
            self.notify(f"No definition of {sanitize_line(name)}", markup=False, timeout=3)
            return
        popover = TermPopover(entry, region, self.pack.definitions_of(entry.path))

        def closed(href: str | None) -> None:
            if href is not None:
                if from_comparison:
                    self.panes.toggle_comparison()
                self.navigation.follow(href, base=self.pack.section_at(entry.path, entry.line))
            elif popover.wants_glossary:
                self.action_glossary(entry.names[0])

        self.push_screen(popover, closed)

    def action_glossary(self, start: str | None = None) -> None:
        """Every term of the pack's glossary, filtered as you type (`t`)."""
        from reader.ui.screens.glossary import GlossaryChoice, GlossaryScreen

        if not self.pack.has_glossary:
            self.notify(NO_GLOSSARY, markup=False, timeout=3)
            return

        def chosen(choice: GlossaryChoice | None) -> None:
            if choice is None:
                return
            if choice.kind == "section":
                self.open_section(choice.target)
            else:
                entry = choice.entry
                base = self.pack.section_at(entry.path, entry.line)
                self.navigation.follow(choice.target, base=base)
            self.panes.focus_document()

        self.push_screen(GlossaryScreen(self.pack, start), chosen)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Never start a browser on this host (over SSH it would be the server's)."""
        from reader.ui.screens.external_link import ExternalLinkScreen

        self.push_screen(ExternalLinkScreen(url))

    # ------------------------------------------------------------------ panes
    def action_toggle_comparison(self) -> None:
        self.panes.toggle_comparison()

    def action_toggle_sidebar(self) -> None:
        self.panes.toggle_sidebar()

    def action_sidebar_narrower(self) -> None:
        self.panes.resize_sidebar(-self.SIDEBAR_STEP)

    def action_sidebar_wider(self) -> None:
        self.panes.resize_sidebar(self.SIDEBAR_STEP)

    def action_focus_search(self) -> None:
        self.panes.focus_search()

    def action_focus_results(self) -> None:
        self.panes.focus_results()

    def action_cycle_focus(self, direction: int) -> None:
        self.panes.cycle_focus(direction)

    def action_back_out(self) -> None:
        if self.panes.close_one():
            return
        if self._study is not None and self._study.resume():
            return  # Esc after `o` in a review, nothing else open: back to the card
        self.panes.back_out()

    # ------------------------------------------------------------------ study
    def action_review(self) -> None:
        """Review what is due in the whole pack."""
        self.study.review("pack")

    def action_review_section(self) -> None:
        self.study.review("section")

    def action_review_chapter(self) -> None:
        self.study.review("chapter")

    def action_progress(self) -> None:
        self.study.show_progress()

    def open_deferred(self) -> None:
        """Build the reading screen under a review `reader review` started on, and open
        the place reading left off there (once: later calls do nothing)."""
        if self._deferred_opening is not None:
            self.call_later(self.reading_screen_ready)

    async def reading_screen_ready(self, *, open_place: bool = True) -> None:
        """The reading screen built, its section open (where reading left off, unless
        `open_place` is False: the caller opens another), and its sidebar and footer
        mounted, as after the first frame of a plain start."""
        waiting, self._deferred_opening = self._deferred_opening, None
        if not self.main.deferred:
            if waiting is not None and open_place and self.current is None:
                self.open_section(waiting[0], scroll=waiting[1], record=waiting[2])
            return
        await self.main.build()
        document = self.main.query_one("#document", DocumentView)
        document.pause_rendering()
        if waiting is not None and open_place:
            section_id, scroll, record = waiting
            self.open_section(section_id, scroll=scroll, record=record)
        self.progress.show()
        self.search.start_indexing()
        await self._finish_screen()
        self.study.refresh_counts()  # the outline exists now: its due counts

    def open_review_source(self, session: ReviewSession, card: Card) -> None:
        """`o` in a review: read the card's section, Esc to come back."""
        self.study.open_source(session, card)

    def action_help(self) -> None:
        from reader.ui.help_keys import help_groups, unbound_bindings
        from reader.ui.screens.help import HelpScreen

        # The reading screen's keys as "everywhere": a review's own are a group of their own.
        keymap = app_keymap(self)  # what `set_keymap` took from config.toml
        groups = help_groups([*self.BINDINGS, *self.main.BINDINGS], keymap)
        self.push_screen(HelpScreen(groups, unbound_bindings(keymap)))

    # ------------------------------------------------------------------ history
    def action_history_back(self) -> None:
        self.navigation.go(-1)

    def action_history_forward(self) -> None:
        self.navigation.go(1)

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
            self.update_state(lambda state: state.add_bookmark(section_id, scroll))
            message = f"Bookmarked {title}: B lists bookmarks"
        # One toast per place however often `m` is pressed while it shows.
        self.notify(message, markup=False, timeout=3, key=f"bookmark:{section_id}:{round(scroll)}")

    def action_bookmarks(self) -> None:
        from reader.ui.screens.bookmarks import BookmarksScreen

        self.push_screen(BookmarksScreen(self.pack, list(self.reading.bookmarks)))

    def jump_to_bookmark(self, bookmark: Bookmark) -> None:
        self.open_section(bookmark.section, scroll=round(bookmark.scroll))

    def rename_bookmark(self, bookmark_id: str, note: str) -> None:
        self.update_state(lambda state: state.rename_bookmark(bookmark_id, note))

    def delete_bookmark(self, bookmark_id: str) -> None:
        """Delete at once: the bookmarks list asks first (see `BookmarksScreen`)."""
        self.update_state(lambda state: state.delete_bookmark(bookmark_id))

    # ------------------------------------------------------------------ progress
    @on(DocumentView.EndSeen, "#document")
    def _end_seen(self, event: DocumentView.EndSeen) -> None:
        self.progress.end_seen(event.view)

    def action_toggle_read(self) -> None:
        self.progress.toggle_read()

    def action_next_unread(self) -> None:
        self.progress.next_unread()

    def action_reset_progress(self) -> None:
        self.progress.ask_to_reset()

    # ------------------------------------------------------------------ safety
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("quit", "help") and getattr(self.screen, "TAKES_TYPING", False):
            return False  # `q` and `?` are typed into the dialog's filter: not offered
        if action in MAIN_SCREEN_ACTIONS and self.screen is not self.main:
            return False  # a dialog is open: its keys win, the reading screen waits
        if self._why_not(action, self) is not None:
            return False  # hidden from the footer; its key says why (KeyOrder)
        return self.allowed_on_reading_screen(action)

    def allowed_on_reading_screen(self, action: str) -> bool | None:
        """Whether `action` would run on the reading screen, whatever is on top now.

        The command palette asks this while it is itself the screen on top, where
        `check_action` refuses every reading-screen action; its commands run once it
        has closed. None: shown but disabled (a pack without a comparison).
        """
        if self.refuses(action):
            return False
        if action == "toggle_comparison" and not self.pack.comparison_id:
            return None
        if action == "glossary" and not self.pack.has_glossary:
            return None
        return True

    # ------------------------------------------------------------------ leaving
    def save_and_exit(self) -> None:
        """Keep the place, then leave (quit, or the terminal hung up). A store that a full
        or read-only disk paused tries it once more, so what it kept is saved if it can be."""
        self.store.try_disk_now()
        self.navigation.save_position()
        self._remember_theme()
        study = self._study.study if self._study is not None else None
        if study is not None and study.store.paused:
            study.store.try_disk_now()
            study.store.load()  # replays the ratings kept in memory, if the disk takes them
        self.exit(0)

    def _remember_theme(self) -> None:
        """A theme chosen in the palette is kept with the reading state (never written
        to the user's config.toml), with config.toml's `theme` at the time: see
        `reader.config.starting_theme` for which wins at the next start."""
        theme, configured = self.theme, self.config.theme
        if theme != self._theme_at_start:
            self.update_state(lambda state: state.choose_theme(theme, configured))
            self._theme_at_start = theme

    async def action_quit(self) -> None:
        self.save_and_exit()

    def hang_up(self) -> None:
        """SIGHUP (the SSH connection dropped) or SIGTERM: save, leave within 2 seconds.

        If the exit gets stuck (a busy UI thread, a terminal that is gone), SIGALRM's
        default action ends the process at the deadline armed by the signal handler.
        """
        arm_deadline()
        self.save_and_exit()


if TYPE_CHECKING:  # the modules the app wires together depend on these, not on it

    def _hosts(
        app: ReaderApp,
    ) -> tuple[CommandHost, NavigationHost, PaneHost, ProgressHost, SearchHost]:
        return app, app, app, app, app


def create_app(
    pack: Pack,
    *,
    restricted: bool = False,
    no_state: bool = False,
    state_dir: Path | None = None,
    start_review: bool = False,
    config: UserConfig | None = None,
) -> ReaderApp:
    """The one way to build the app, for the command and for the tests; `config`: the
    user's config.toml (None: read from where `reader.config.config_path` says)."""
    store = StateStore.open(pack.root, pack.title, state_dir=state_dir, enabled=not no_state)
    return ReaderApp(
        pack,
        restricted=restricted,
        store=store,
        review_dir=state_dir,
        review_saving=not no_state,
        start_review=start_review,
        config=config,
    )


def run_app(
    pack: Pack,
    *,
    restricted: bool = False,
    no_state: bool = False,
    state_dir: Path | None = None,
    start_review: bool = False,
) -> int:
    """Run full screen until the reader quits or the terminal goes away.

    An unexpected error ends the app with one line on stderr, never a traceback: the
    details go to the log `reader.crash.crash_log_path` picks (if any).
    """
    # A terminal gone without a SIGHUP is a hang-up all the same (see install_input_decoder).
    install_input_decoder(on_end_of_input=lambda: os.kill(os.getpid(), signal.SIGHUP))
    install_patient_input_wait()  # idle sessions wake twice a second, not ten times
    limit_malloc_arenas()
    app = create_app(
        pack,
        restricted=restricted,
        no_state=no_state,
        state_dir=state_dir,
        start_review=start_review,
    )
    app.handle_signals = True
    store = app.store
    saving_in = store.path.parent.parent if store.saving and store.path is not None else None
    app.crash_log = crash_log_path(restricted=restricted, state_dir=saving_in)
    try:
        result = app.run()
    except Exception as error:  # starting or stopping the terminal failed: one line too
        return report_internal_error(error, restricted=restricted, state_dir=saving_in)
    if app.reload_requested:
        reexec()  # the terminal is restored and the place saved: start afresh
    return result if isinstance(result, int) else (app.return_code or 0)
