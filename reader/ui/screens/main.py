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
SIDEBAR_WIDTH = 32  # as in reader.tcss
DOCUMENT_CHROME = 6  # reading pane padding (2 + 2) and its scrollbar (2), as in reader.tcss
SHORT_HEIGHT = 32


class MainScreen(Screen[None]):
    """Lays out the reader; below NARROW_WIDTH columns the sidebar becomes an overlay."""

    AUTO_FOCUS = ""  # the app focuses the reading pane once the first frame is out

    def __init__(self, pack: Pack) -> None:
        super().__init__(id="reader")
        self.pack = pack
        self.sidebar_choice: bool | None = None  # None: follow the terminal's width
        #: Mounted after the first frame (see `mount_chrome`); None until then.
        self.search_box: SearchBox | None = None
        self.outline: Outline | None = None
        self.results: SearchResults | None = None
        self.comparison: ComparisonPanel | None = None
        self.chrome_ready = False

    def compose(self) -> ComposeResult:
        # No containers: Textual renders every visible widget in full each frame, covered
        # or not (a container cost the first screen ~8 ms). reader.tcss splits the header
        # and footer off the screen, and the rest lays out side by side.
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
        await self.query_one("#sidebar").mount_all([self.search_box, self.outline, self.results])
        if self.pack.comparison_id:
            self.comparison = ComparisonPanel(self.pack, id="comparison")
            await self.mount(self.comparison, before="#footer-space")
        with self.app.batch_update():
            await self.query_one("#footer-space").remove()
            await self.mount(KeyFooter())
        self.chrome_ready = True

    def on_mount(self) -> None:
        self.apply_width(self.app.size.width)
        self.query_one("#document", DocumentView).width_hint = self._document_width
        self.app.start_reading()  # type: ignore[attr-defined]

    def _document_width(self) -> int:
        """The reading pane's text width as the stylesheet will lay it out."""
        width = self.app.size.width
        if self.query_one("#sidebar").display and not self.narrow:
            width -= min(SIDEBAR_WIDTH, width * 40 // 100)  # its border included
        return width - DOCUMENT_CHROME

    def on_resize(self, event: events.Resize) -> None:
        self.apply_width(event.size.width)
        # On a short terminal the comparison takes the whole body, or it shows two rows.
        self.set_class(event.size.height < SHORT_HEIGHT, "-short")

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    def apply_width(self, width: int) -> None:
        narrow = width < NARROW_WIDTH
        self.set_class(narrow, "-narrow")
        shown = self.sidebar_choice if self.sidebar_choice is not None else not narrow
        self.query_one("#sidebar").display = shown

    def show_sidebar(self, shown: bool) -> None:
        self.sidebar_choice = shown
        self.query_one("#sidebar").display = shown
