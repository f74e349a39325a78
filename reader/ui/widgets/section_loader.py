"""When the reading pane measures its section: the first screen at once, the rest of a
big section in slices between frames, and a place asked for (a line, a search match)
reached as soon as it exists.

A plain object owned by the pane (`DocumentView`), with its state as an explicit enum;
it drives the pane only through the small `LoaderHost` protocol.
"""

from __future__ import annotations

import time
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.geometry import Size

from reader.render.document import RenderedDocument
from reader.render.draw import Highlighter, Spot
from reader.ui.textual_compat import forget_cell_widths

if TYPE_CHECKING:
    from collections.abc import Callable

    from textual.geometry import Offset, Region

    from reader.glossary import Glossary
    from reader.markdown import Definitions
    from reader.ui.styles import PaneStyles

__all__ = ["Fill", "LoaderHost", "SectionLoader"]

SLICE_BUDGET = 0.040  # seconds of measuring before keys and paints get a turn
GROWTH_INTERVAL = 0.25  # seconds between scrollbar updates while a big section fills
SLICE_GAP = 0.001  # seconds between slices: long enough to let keys and frames through


class Fill(Enum):
    """How far the section on show has been measured."""

    EMPTY = "nothing shown yet"
    WAITING_FOR_SIZE = "shown before the first layout: the width is unknown"
    FILLING = "the rest is measured in slices between frames"
    STALLED = "a slice came due while paused (the screen is mounting)"
    DONE = "every block measured, code highlighted"


if TYPE_CHECKING:  # a protocol is only for the type checker: no class made at run time

    class LoaderHost(Protocol):
        """What the loader needs of the pane it fills."""

        @property
        def size(self) -> Size: ...
        @property
        def scroll_offset(self) -> Offset: ...
        @property
        def scrollable_content_region(self) -> Region: ...

        #: Before the first layout, the owner's estimate of the text width.
        width_hint: Callable[[], int] | None
        #: The widest the text is drawn; None: as wide as the pane.
        max_text_width: int | None

        def grow_to(self, size: Size) -> None: ...
        def go_to_line(self, line: int) -> None: ...
        def arrived(self, document: RenderedDocument) -> None: ...
        def select_match(self, index: int, spot: Spot) -> None: ...
        def publish(self) -> None: ...
        def refresh(self) -> object: ...
        def call_after_refresh(self, callback: Callable[..., object], *args: object) -> bool: ...
        def set_timer(
            self, delay: float, callback: Callable[[], object], *, name: str
        ) -> object: ...


class SectionLoader:
    """Measures one pane's section over time; see the module docstring."""

    def __init__(self, host: LoaderHost, styles: PaneStyles) -> None:
        self.host = host
        self.styles = styles
        self.state = Fill.EMPTY
        self.document: RenderedDocument | None = None
        self.markdown = ""
        self.footer = ""  # drawn after the markdown, parsed apart (no copy of a big section)
        self.definitions: Definitions | None = None  # of the file the markdown comes from
        self.glossary: Glossary | None = None  # whose terms are marked
        self.cards = False  # the markdown's file holds self-test cards
        self.highlighter: Highlighter | None = None
        self.target: int | str | None = None  # a line, or the "first"/"last" match
        self.paused = False  # asked to wait; a slice due meanwhile leaves it STALLED
        self._generation = 0  # which show() a scheduled slice belongs to
        self._last_growth = 0.0
        self._lines_shown: int | None = None  # lines there were at the last text repaint

    def show(
        self,
        markdown: str,
        footer: str,
        highlighter: Highlighter | None,
        scroll_to: int | None,
        to_match: str | None,
        definitions: Definitions | None = None,
        glossary: Glossary | None = None,
    ) -> None:
        """A new section; `scroll_to` (a line) wins over `to_match` ("first"/"last")."""
        self.markdown, self.footer, self.highlighter = markdown, footer, highlighter
        self.definitions, self.glossary = definitions, glossary
        self.target = scroll_to
        if scroll_to is None and highlighter is not None:
            self.target = to_match
        if not self.host.size.width and self.host.width_hint is None:
            # Before the first layout: text wrapped at a guessed width would put resume
            # positions and "read" marks wrong, so measuring waits for the width.
            self.document, self.state = None, Fill.WAITING_FOR_SIZE
            return
        self.restart()

    def restart(self) -> None:
        """Measure the section from the top: the first screen now, the rest in slices.

        Code whose lexer is not built yet is drawn plain on the first screen and
        highlighted a slice later (see `_highlight_code`)."""
        host = self.host
        renderer = self.styles.renderer(self.highlighter, load_lexers=False)
        context = self.styles.build_context(self.definitions, self.glossary, cards=self.cards)
        screen = host.size.height or 60
        document = RenderedDocument(
            self.markdown,
            renderer,
            self.text_width(),
            context,
            footer=self.footer,
            cache_lines=3 * screen,  # a screen, and one above and below it
        )
        self.document = document
        self._generation += 1
        self._lines_shown = None
        self._last_growth = time.perf_counter()
        host.arrived(document)
        target_line = self.target if isinstance(self.target, int) else 0
        document.fill(until_lines=target_line + screen + 1)
        self.after_growth()
        if document.unfinished or document.has_code:  # code: highlighted a slice later
            self.state = Fill.FILLING
            host.call_after_refresh(self._continue, self._generation)
        else:
            self._finish()

    def text_width(self) -> int:
        """The width text is wrapped at: the pane's, or its owner's estimate before the
        first layout (waiting for the layout costs the first screen a frame or more)."""
        host = self.host
        width = host.scrollable_content_region.width
        if not width and host.width_hint is not None:
            width = host.width_hint()
        return max(4, min(width or 80, host.max_text_width or width or 80))

    def _continue(self, generation: int) -> None:
        """Measure the next slice; the scrollbar and screen update a few times a second."""
        document, host = self.document, self.host
        if generation != self._generation or document is None:
            return  # a slice of a section no longer shown
        if self.paused:
            self.state = Fill.STALLED
            return
        self._highlight_code()
        document.fill(deadline=time.perf_counter() + SLICE_BUDGET)
        now = time.perf_counter()
        if not document.unfinished or now - self._last_growth > GROWTH_INTERVAL:
            self._last_growth = now
            # Lines below the screen change only the scrollbar, which the new virtual size
            # redraws: repainting the text as well cost ~20 ms a growth on a big section.
            shown, bottom = self._lines_shown, host.scroll_offset.y + host.size.height
            self.after_growth(repaint=shown is None or shown < bottom)
        if document.unfinished:
            # A timer, not call_later: a message to itself is taken from the pane's
            # queue without the loop running anything else, so no key or repaint would
            # get a turn until the whole section was measured.
            host.set_timer(SLICE_GAP, partial(self._continue, generation), name="render-slice")
        else:
            self._finish()

    def _highlight_code(self) -> None:
        """Draw again, highlighted, the code the first screen drew plain; from now on
        the section draws with lexers (built here, once per language)."""
        document = self.document
        if document is not None and document.renderer.plain_languages:
            languages = document.renderer.plain_languages
            document.renderer = self.styles.renderer(self.highlighter)
            document.redraw_code(languages)
            self.after_growth()

    def _finish(self) -> None:
        if self.state is Fill.FILLING:  # measured in slices: a big section
            forget_cell_widths()
        self.state = Fill.DONE
        if isinstance(self.target, str):
            self.after_growth()  # the last match is known now; a missing first one is not
            self.target = None
        self.host.publish()
        self.host.refresh()  # the last line may be on screen: the pane marks it seen

    def resume(self) -> None:
        self.paused = False
        if self.state is Fill.STALLED:
            self.state = Fill.FILLING
            self._continue(self._generation)

    def finish_now(self) -> None:
        """Measure the rest now (the reader jumped to the end before it was done)."""
        if self.document is not None and self.state is not Fill.DONE:
            self._highlight_code()
            self.document.fill()
            self.after_growth()
            self._finish()

    def rewrap(self, top_line: int) -> None:
        """Measure every block again (new width or highlight), keeping the block that
        is at `top_line` at the top unless another place is asked for."""
        document = self.document
        if document is None:
            return
        top = document.block_at(top_line)
        document.rewrap(self.text_width(), self.styles.renderer(self.highlighter))
        if top is not None and self.target is None:
            self.target = document.block_start(top)
        self.after_growth()

    def after_growth(self, repaint: bool = True) -> None:
        """The document grew or changed: resize, then reach a place asked for if it can."""
        document, host = self.document, self.host
        if document is None:
            return
        host.grow_to(Size(document.width, document.line_count))
        target, height = self.target, host.size.height
        if height and target is not None:  # not laid out yet: the pane's resize retries
            matches = document.matches
            if isinstance(target, int):
                # Reachable: a scroll past the lines measured so far would stop short.
                if document.line_count >= target + height or not document.unfinished:
                    self.target = None
                    host.go_to_line(target)
            elif matches and (target == "first" or not document.unfinished):
                self.target = None
                current = 0 if target == "first" else len(matches) - 1
                host.select_match(current, matches[current])
        if repaint:
            self._lines_shown = document.line_count
            host.refresh()
        host.publish()
