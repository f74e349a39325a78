"""The reading screen: header, sidebar (search box, outline, results), reading pane."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from reader.ui.widgets.comparison import ComparisonPanel
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.header_bar import HeaderBar
from reader.ui.widgets.outline import Outline
from reader.ui.widgets.search_box import SearchBox
from reader.ui.widgets.search_results import SearchResults

if TYPE_CHECKING:
    from reader.pack import Pack

__all__ = ["NARROW_WIDTH", "MainScreen"]

NARROW_WIDTH = 70
SIDEBAR_WIDTH = 32  # as in reader.tcss
DOCUMENT_CHROME = 6  # reading pane padding (2 + 2) and its scrollbar (2), as in reader.tcss
SHORT_HEIGHT = 32


class MainScreen(Screen[None]):
    """Lays out the reader; below NARROW_WIDTH columns the sidebar becomes an overlay."""

    def __init__(self, pack: Pack) -> None:
        super().__init__(id="reader")
        self.pack = pack
        self.sidebar_choice: bool | None = None  # None: follow the terminal's width

    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")
        with Vertical(id="body"):
            with Horizontal(id="main"):
                with Vertical(id="sidebar"):
                    yield SearchBox(id="search")
                    yield Outline(self.pack, id="outline")
                    yield SearchResults(id="results")
                yield DocumentView(id="document")
            if self.pack.comparison_id:
                yield ComparisonPanel(self.pack, id="comparison")
        yield Footer()

    def on_mount(self) -> None:
        self.apply_width(self.app.size.width)
        self.query_one("#document", DocumentView).width_hint = self._document_width
        self.app.start_reading()  # type: ignore[attr-defined]

    def _document_width(self) -> int:
        """The reading pane's text width as the stylesheet will lay it out."""
        width = self.app.size.width
        if self.query_one("#sidebar").display and not self.narrow:
            width -= min(SIDEBAR_WIDTH, width * 40 // 100) + 1  # its border
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
