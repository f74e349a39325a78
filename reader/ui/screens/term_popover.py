"""A glossary term's definition in a small box beside the term, over the text.

The reading pane stays where it was underneath; Esc closes the box. The definition is
drawn by a reading pane of its own, so its links are focused with `f` and followed with
Enter as anywhere else (the box closes and the link is followed from the glossary's
file, where the definition is written).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.render.blocks import BuildContext
from reader.render.document import RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles
from reader.sanitize import sanitize_line
from reader.ui.key_hints import key_line
from reader.ui.styles import use_stylesheet
from reader.ui.widgets.document_view import DocumentView

if TYPE_CHECKING:
    from textual.geometry import Region

    from reader.glossary import GlossaryEntry
    from reader.markdown import Definitions

__all__ = ["TermPopover", "popover_place"]

MAX_WIDTH = 64
#: Rows of the box around its text: border (2), title (1), key hint (1).
CHROME_ROWS = 4
#: Columns of the box around its text: border (2) and padding (2).
CHROME_COLUMNS = 4
MAX_TEXT_ROWS = 12


class TermPopover(ModalScreen[str | None]):
    """Shows one entry; dismissed with None (closed) or the href of a link followed."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="term.close"),
        Binding("t", "all_terms", "Glossary", id="term.glossary"),
    ]

    def __init__(
        self,
        entry: GlossaryEntry,
        term_region: Region | None = None,
        definitions: Definitions | None = None,
    ) -> None:
        """`definitions`: those of the glossary's file, for a definition's `[text][ref]`."""
        super().__init__()
        use_stylesheet(self.app, "glossary.tcss")
        self.entry = entry
        self.definitions = definitions
        self.term_region = term_region
        #: Set when `t` asks for the whole glossary (the app opens it once this closes).
        self.wants_glossary = False
        self._placed_for = Size(0, 0)  # the terminal size the box was placed for

    def compose(self) -> ComposeResult:
        with Vertical(id="term-popover"):
            yield Static(Text(sanitize_line(self.entry.term), style="bold"), id="term-title")
            yield DocumentView(id="term-definition")
            hint = key_line(  # the keys as config.toml's [keymap] has them
                self.app,
                ("term.close", "Esc", "close"),
                ("document.next-link", "f", "link"),
                ("document.follow", "Enter", "follow"),
                ("term.glossary", "t", "all terms"),
            )
            yield Static(Text(hint), id="term-keys")

    def on_mount(self) -> None:
        self._place()
        view = self.query_one(DocumentView)
        view.max_text_width = None
        view.show(self.entry.definition or "*No definition.*", definitions=self.definitions)
        view.focus()

    def on_resize(self) -> None:
        """A new terminal size: the text under the box has moved, so the box no longer
        points at the term; it is sized again and kept on screen."""
        if self.is_mounted and self.app.size != self._placed_for:
            self.term_region = None
            self._place()

    def _place(self) -> None:
        """Size the box to the definition (as many rows as it takes, up to
        MAX_TEXT_ROWS) and put it beside the term."""
        self._placed_for = self.app.size
        width, height = self.app.size
        box_width = min(MAX_WIDTH, max(20, width - 2))
        # The pane keeps a column for its scrollbar: the text wraps one column short.
        text_width = box_width - CHROME_COLUMNS - 1
        needed = definition_rows(self.entry, text_width, self.definitions)
        rows = min(MAX_TEXT_ROWS, max(1, height - CHROME_ROWS - 2), needed)
        box = self.query_one("#term-popover")
        box.styles.width = box_width
        box.styles.height = rows + CHROME_ROWS
        x, y = popover_place(self.term_region, (box_width, rows + CHROME_ROWS), (width, height))
        box.styles.offset = (x, y)
        self.query_one(DocumentView).styles.height = rows

    def on_document_view_link_activated(self, event: DocumentView.LinkActivated) -> None:
        event.stop()
        self.dismiss(event.href)

    def on_document_view_reached_edge(self, event: DocumentView.ReachedEdge) -> None:
        event.stop()  # paging past a definition's end does not turn the reader's page

    def action_close(self) -> None:
        self.dismiss(None)

    def action_all_terms(self) -> None:
        self.wants_glossary = True
        self.dismiss(None)


def definition_rows(
    entry: GlossaryEntry, width: int, definitions: Definitions | None = None
) -> int:
    """How many lines the definition takes at `width` columns (the box is made to fit)."""
    console = Console(file=io.StringIO(), width=width, color_system=None, legacy_windows=False)
    document = RenderedDocument(
        entry.definition or "*No definition.*",
        BlockRenderer(console, RenderStyles()),
        width,
        BuildContext(definitions=definitions),
    )
    document.fill()
    return document.line_count


def popover_place(
    anchor: Region | None, size: tuple[int, int], screen: tuple[int, int]
) -> tuple[int, int]:
    """Where the box's top left goes: under the term, or over it when there is no room
    below; kept on screen; centred without a term to point at."""
    width, height = size
    screen_width, screen_height = screen
    if anchor is None:
        return max(0, (screen_width - width) // 2), max(0, (screen_height - height) // 2)
    x = max(0, min(anchor.x, screen_width - width))
    below = anchor.y + 1
    if below + height <= screen_height:
        return x, below
    above = anchor.y - height
    return x, max(0, above) if above >= 0 else max(0, screen_height - height)
