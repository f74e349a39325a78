"""The reading screen: header, sidebar (search box, outline, results), reading pane.

The first frame holds the header and the reading pane, with the sidebar's frame
already in place so the text never reflows; the search box, outline, results list,
footer and comparison panel (and the Textual widgets behind them) are imported and
mounted right after it. The text is on the terminal sooner, and keys pressed in
between wait for them (see `ReaderApp.on_event`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widget import Widget

from reader.ui.styles import use_stylesheet
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.header_bar import HeaderBar

if TYPE_CHECKING:
    from reader.pack import Pack
    from reader.ui.widgets.comparison import ComparisonPanel
    from reader.ui.widgets.outline import Outline
    from reader.ui.widgets.search_box import SearchBox
    from reader.ui.widgets.search_results import SearchResults

__all__ = ["NARROW_WIDTH", "MainScreen"]

NARROW_WIDTH = 70
SIDEBAR_WIDTH = 32  # as in reader.tcss: the width until every title is known
SIDEBAR_SHARE = 40  # per cent of the terminal the sidebar takes at most by itself
SIDEBAR_MIN = 16
SIDEBAR_MIN_TEXT = 30  # columns `>` always leaves to the text
SIDEBAR_CHROME = 3  # the outline's left padding, the sidebar's border and a scrollbar
DOCUMENT_CHROME = 6  # reading pane padding (2 + 2) and its scrollbar (2), as in reader.tcss
SHORT_HEIGHT = 32
#: Rows the header and the footer take (reader.tcss docks them at the top and bottom).
CHROME_ROWS = 2
#: Per cent of the rows between header and footer that the open comparison takes.
COMPARISON_SHARE = 75
#: Packs up to this much text are cut whole before the first frame to fit the sidebar
#: (the bundled pack, 70 KB with its glossary and cards: ~9 M instructions, ~2 ms);
#: bigger ones are cut after it.
FIT_AT_START_CHARS = 128 * 1024


class MainScreen(Screen[None]):
    """Lays out the reader; below NARROW_WIDTH columns the sidebar becomes an overlay."""

    AUTO_FOCUS = ""  # the app focuses the reading pane once the first frame is out

    def __init__(self, pack: Pack) -> None:
        super().__init__(id="reader")
        self.pack = pack
        #: Shown on a wide terminal (None: yes) and its width in columns (None: fitted to
        #: the titles), as the reader left them (`ReadingState.sidebar_*`).
        self.wide_choice: bool | None = None
        self.chosen_width: int | None = None
        self.overlay_open = False  # the sidebar over the text of a narrow terminal
        self._titles_need: int | None = None
        self._applied_width = SIDEBAR_WIDTH  # the sidebar's width in the layout now
        #: Mounted after the first frame (see `mount_chrome`); None until then.
        self.search_box: SearchBox | None = None
        self.outline: Outline | None = None
        self.results: SearchResults | None = None
        self.comparison: ComparisonPanel | None = None
        self.chrome_ready = False
        #: `reader review` opens on the review, over this screen: its parts are built only
        #: when the reader first comes to it (`build`), not for the first frame.
        self.deferred = False

    def compose(self) -> ComposeResult:
        if getattr(self.app, "start_review", False):
            self.deferred = True
            return
        yield from self._parts()

    def _parts(self) -> ComposeResult:
        # No containers: Textual renders every visible widget in full each frame, covered
        # or not (a container cost the first screen ~8 ms). reader.tcss docks the header
        # and footer at the top and bottom, and the rest lays out side by side.
        yield HeaderBar(id="header")
        yield Vertical(id="sidebar")
        yield DocumentView(id="document")
        # Holds the footer's line, so the reading pane keeps its height (and a resumed
        # place its line) when the footer replaces it.
        yield Widget(id="footer-space")

    async def mount_chrome(self, on_search: Callable[[str], object]) -> None:
        """Everything but the text: search box, outline, results, comparison, footer.

        `on_search` gets the search box's text as it changes.
        """
        from reader.ui.widgets.comparison import ComparisonPanel
        from reader.ui.widgets.key_footer import KeyFooter
        from reader.ui.widgets.outline import Outline
        from reader.ui.widgets.search_box import SearchBox
        from reader.ui.widgets.search_results import SearchResults

        use_stylesheet(self.app, "chrome.tcss")
        self.search_box = SearchBox(on_change=on_search, id="search")
        self.outline = Outline(self.pack, id="outline")
        self.results = SearchResults(id="results")
        self.titles_known()
        await self.query_one("#sidebar").mount_all([self.search_box, self.outline, self.results])
        if self.pack.comparison_id:
            self.comparison = ComparisonPanel(self.pack, id="comparison")
            self.fit_comparison(self.size.height)
            await self.mount(self.comparison, before="#footer-space")
        with self.app.batch_update():
            await self.query_one("#footer-space").remove()
            await self.mount(KeyFooter())
        self.chrome_ready = True

    def on_mount(self) -> None:
        if not self.deferred:
            self._lay_out()
        self.app.start_reading()  # type: ignore[attr-defined]

    async def build(self) -> None:
        """Build the parts a review started on left unbuilt (see `deferred`)."""
        if not self.deferred:
            return
        self.deferred = False
        await self.mount_all(list(self._parts()))
        self._lay_out()

    def _lay_out(self) -> None:
        """The sidebar's width and the reading pane's, before the section is drawn."""
        reading = getattr(self.app, "reading", None)
        if reading is not None:
            # The width config.toml or `<`/`>` chose (the app decides which, see
            # reader.config.starting_sidebar_width).
            width = getattr(self.app, "sidebar_width_at_start", reading.sidebar_width)
            self.wide_choice, self.chosen_width = reading.sidebar_shown, width
        if sum(pack_file.length for pack_file in self.pack.files) <= FIT_AT_START_CHARS:
            # A small pack is cut whole in a millisecond: the sidebar fits its titles from
            # the first frame (a bigger one fits from the next layout, see titles_known).
            self._titles_need = self._measure_titles()
        self.apply_width(self.app.size.width)
        self.query_one("#document", DocumentView).width_hint = self._document_width

    def _document_width(self) -> int:
        """The reading pane's text width as the stylesheet will lay it out."""
        width = self.app.size.width
        if self.query_one("#sidebar").display and not self.narrow:
            width -= self._applied_width  # its border included
        return width - DOCUMENT_CHROME

    @property
    def sidebar_choice(self) -> bool | None:
        """Whether the reader chose to show the sidebar in the current layout."""
        return self.overlay_open if self.narrow else self.wide_choice

    def sidebar_width(self, width: int) -> int:
        """Columns of the sidebar beside the text on a `width`-column terminal: as the
        reader set it with `<`/`>`, or as wide as the titles need up to 40% (40% until
        every title is known)."""
        if self.chosen_width is not None:
            return max(SIDEBAR_MIN, min(self.chosen_width, width - SIDEBAR_MIN_TEXT))
        share = width * SIDEBAR_SHARE // 100
        need = self._titles_need if self._titles_need is not None else share
        return max(min(SIDEBAR_MIN, share), min(need, share))

    def _measure_titles(self) -> int:
        from reader.ui.outline_layout import label_width

        need = 0
        for section in self.pack.sections:
            need = max(need, label_width(section, len(section.ancestors)))
        return need + SIDEBAR_CHROME

    def resize_sidebar(self, step: int) -> int | None:
        """Make the sidebar `step` columns wider (or narrower); its new width, or None
        when it is already as wide (or narrow) as it can be."""
        width = self.app.size.width
        now = self._applied_width
        wanted = max(SIDEBAR_MIN, min(now + step, width - SIDEBAR_MIN_TEXT))
        if wanted == now:
            return None
        self.chosen_width = wanted
        self.apply_width(width)
        return wanted

    def on_resize(self, event: events.Resize) -> None:
        if self.deferred:
            return  # nothing to lay out yet: `build` lays it out for the size then
        self.apply_width(event.size.width)
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")
        self.fit_comparison(event.size.height)

    def fit_comparison(self, height: int) -> None:
        """Size the comparison for a `height`-row screen: COMPARISON_SHARE of the rows
        between the header and the footer, or all of them on a short terminal (a share
        would show two rows).

        It docks above the footer, and a docked widget's percentage height is of the
        whole screen, so the rows are counted here rather than in chrome.tcss.
        """
        if self.comparison is None:
            return
        body = max(0, height - CHROME_ROWS)
        rows = body if height < SHORT_HEIGHT else body * COMPARISON_SHARE // 100
        self.comparison.styles.height = rows

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def apply_width(self, width: int) -> None:
        narrow = width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        sidebar = self.query_one("#sidebar")
        if narrow:
            sidebar.styles.width = "100%"  # the overlay: the whole width
            sidebar.display = self.overlay_open
        else:
            self._applied_width = self.sidebar_width(width)
            sidebar.styles.width = self._applied_width
            sidebar.display = self.wide_choice is not False

    def show_sidebar(self, shown: bool) -> None:
        if self.narrow:
            self.overlay_open = shown
        else:
            self.wide_choice = shown
        self.query_one("#sidebar").display = shown

    def titles_known(self) -> None:
        """Every section is cut (after the first frame): the sidebar fits its titles
        from the next layout on (a resize, `s`); not now, which would wrap the text the
        reader is looking at a second time. A small pack was measured before the first
        frame already (see on_mount)."""
        if self._titles_need is None:
            self._titles_need = self._measure_titles()
