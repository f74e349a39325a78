"""The reading pane: one section, drawn line by line, never mounting a widget per block.

A big section is parsed in chunks (cut at blank lines outside code and `<details>`):
the first screen is drawn from the first chunk, and the rest renders between frames,
so a 260 KB section shows at once and becomes scrollable to the end soon after.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from itertools import accumulate
from typing import TYPE_CHECKING

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.color import Color as TextualColor
from textual.color import ColorParseError
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip

from reader.markdown import parse
from reader.render.blocks import (
    BASE_STYLES,
    Block,
    BuildContext,
    CodeBlock,
    DetailsBlock,
    build_blocks,
)
from reader.render.draw import (
    BlockRenderer,
    Highlighter,
    RenderStyles,
    Spot,
    locate_spots,
    syntax_theme,
)
from reader.scan import scan_markdown
from reader.ui.memory import hold_collector, release_collector
from reader.ui.styles import TEXT, component_style, readable
from reader.ui.widgets.line_view import Frame, LineView

if TYPE_CHECKING:
    from rich.syntax import SyntaxTheme

__all__ = ["NO_LINKS", "DocumentView"]

CHUNK_CHARS = 6_000
SLICE_BUDGET = 0.040  # seconds of rendering before keys and paints get a turn
GROWTH_INTERVAL = 0.25  # seconds between scrollbar updates while a big section fills
SLICE_GAP = 0.001  # seconds between slices: long enough to let keys and frames through
MAX_TEXT_WIDTH = 100
MATCH_CURRENT = "document--match-current"
NO_LINKS = "No links in this section"  # what `f` says where it has nowhere to go


class _Placed:
    """A rendered block: where its lines start, the lines, and what is on them.

    (This and `_Document` are plain classes: a dataclass costs start-up ~0.5 ms to build.)
    """

    __slots__ = ("block", "lines", "spots", "start")

    def __init__(self, block: Block, lines: list[Strip], spots: list[Spot], start: int = 0) -> None:
        self.block = block
        self.lines = lines
        self.spots = spots
        self.start = start


class _Document:
    """A section being drawn: Markdown chunks not parsed yet, blocks parsed but not drawn
    yet, the blocks drawn, and what the build numbers (links, details)."""

    __slots__ = ("blocks", "chunks", "context", "pending")

    def __init__(
        self,
        chunks: deque[str] | None = None,
        blocks: list[_Placed] | None = None,
        context: BuildContext | None = None,
    ) -> None:
        self.chunks: deque[str] = deque() if chunks is None else chunks
        self.blocks: list[_Placed] = [] if blocks is None else blocks
        self.context = BuildContext() if context is None else context
        self.pending: deque[Block] = deque()  # parsed, not drawn yet

    @property
    def unfinished(self) -> bool:
        return bool(self.chunks or self.pending)


class _ViewMessage(Message):
    """A message from a reading view; `control` lets `@on` pick the view by id."""

    def __init__(self, view: DocumentView) -> None:
        super().__init__()
        self.view = view

    @property
    def control(self) -> DocumentView:
        return self.view


class DocumentView(LineView, can_focus=True):
    """Shows Markdown; focusable links and summaries; search matches highlighted."""

    COMPONENT_CLASSES = {
        "document--h1", "document--h2", "document--h3", "document--h4",
        "document--link", "document--focus", "document--match", "document--match-current",
        "document--code", "document--code-inline", "document--quote", "document--rule",
        "document--summary", "document--table-header", "document--dim", "document--bullet",
    }  # fmt: skip

    BINDINGS = [
        Binding("j", "scroll_down", "Down", show=False, id="document.down"),
        Binding("k", "scroll_up", "Up", show=False, id="document.up"),
        Binding("space", "page_forward", "Page down", show=False, id="document.page-down"),
        Binding("b,pageup", "page_backward", "Page up", show=False, id="document.page-up"),
        Binding("d", "half_page(1)", "Half page down", show=False, id="document.half-down"),
        Binding("u", "half_page(-1)", "Half page up", show=False, id="document.half-up"),
        Binding("g", "scroll_home", "Top", show=False, id="document.top"),
        Binding("G", "scroll_end", "Bottom", show=False, id="document.bottom"),
        Binding("f", "next_item(1)", "Next link", id="document.next-link"),
        Binding("F", "next_item(-1)", "Previous link", show=False, id="document.previous-link"),
        Binding("enter", "activate", "Follow", show=False, id="document.follow"),
        Binding("n", "next_match(1)", "Next match", show=False, id="document.next-match"),
        Binding("N", "next_match(-1)", "Previous match", show=False, id="document.previous-match"),
    ]

    class LinkActivated(_ViewMessage):
        """The reader followed a link (Enter on a focused link, or a click)."""

        def __init__(self, view: DocumentView, href: str) -> None:
            super().__init__(view)
            self.href = href

    class MatchesChanged(_ViewMessage):
        """The current search match or the number of matches changed."""

        def __init__(self, view: DocumentView, current: int | None, total: int) -> None:
            super().__init__(view)
            self.current = current
            self.total = total

    class ReachedEdge(_ViewMessage):
        """Paging past the end of the section (±1), or past its last search match (±2)."""

        def __init__(self, view: DocumentView, direction: int) -> None:
            super().__init__(view)
            self.direction = direction

    class EndSeen(_ViewMessage):
        """The last line of the section has been on screen: it counts as read."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._document = _Document()
        self._lines: list[Strip] = []
        self._width = 0
        self._highlighter: Highlighter | None = None
        self._items: list[Spot] = []  # links and summaries, in reading order
        self._matches: list[Spot] = []
        self._focused_item: int | None = None
        self._current_match: int | None = None
        self._pending_line: int | None = None
        self._pending_match: str | None = None
        self._markdown = ""
        self.first_screen_ready = False
        self.fully_rendered = False
        self._end_seen = False
        self._waiting_for_size = False
        #: Before the first layout, the owner's estimate of the text width: waiting for
        #: the layout costs the first screen a frame or more.
        self.width_hint: Callable[[], int] | None = None
        self._renderer_cache: BlockRenderer | None = None
        self._last_growth = 0.0
        self._paused = False
        self._continue_when_resumed = False
        self._lines_shown: int | None = None  # lines there were at the last text repaint
        #: The body text's colour, made readable over the pane (see `_renderer`).
        self._body = Style()
        #: The code colours, by theme and code background: built when code first shows.
        self._syntax_themes: dict[tuple[str, object], SyntaxTheme] = {}
        #: The focused link's and the current match's styles, readable (see `_renderer`).
        self._marks: dict[str, Style] = {}
        self._links_offered: bool | None = None  # whether the footer was told of links
        #: The widest the text is drawn; None: the pane's width (the comparison table).
        self.max_text_width: int | None = MAX_TEXT_WIDTH

    # ----------------------------------------------------------------- loading
    def show(
        self,
        markdown: str,
        *,
        highlighter: Highlighter | None = None,
        scroll_to: int | None = None,
        to_match: str | None = None,
    ) -> None:
        """Replace the document; render the first screen now and the rest between frames.

        `to_match` is "first" or "last": select that search match once it is rendered.
        Before the first layout the width is unknown, so rendering waits for it: text
        wrapped at a guessed width would put resume positions and "read" marks wrong.
        """
        self._markdown = markdown
        self._highlighter = highlighter
        self._pending_line = scroll_to
        self._pending_match = to_match if highlighter is not None else None
        self.scroll_to(0, 0, animate=False, immediate=True)
        if not self.size.width and self.width_hint is None:
            self._waiting_for_size = True
            self._document = _Document()
            self._lines, self._items, self._matches = [], [], []
            self.first_screen_ready = self.fully_rendered = False
            return
        self._restart()

    def set_highlighter(self, highlighter: Highlighter | None, to_first_match: bool) -> None:
        """Change the highlighted search; keeps the place unless asked to jump."""
        self._highlighter = highlighter
        self._pending_match = "first" if to_first_match and highlighter is not None else None
        self._pending_line = None if to_first_match else round(self.scroll_y)
        self._rerender_all()

    def _restart(self) -> None:
        # Code whose lexer is not built yet is drawn plain on the first screen, and
        # highlighted a frame later (see _highlight_code).
        self._renderer_cache = self._renderer(load_lexers=False)
        self._last_growth = time.perf_counter()
        self._document = _Document(deque(_chunks(self._markdown)), [], self._build_context())
        self._lines = []
        self._lines_shown = None
        self._items, self._matches = [], []
        self._focused_item = self._current_match = None
        self.first_screen_ready = self.fully_rendered = False
        self._end_seen = False
        self._links_offered = None  # a new section: the footer's keys may change
        self._width = self._text_width()
        screen = self.size.height or 60
        self._fill(until_lines=(self._pending_line or 0) + screen + 1)  # to the place asked for
        self._publish()
        if self._document.unfinished:
            self.call_after_refresh(self._continue)
        else:
            self._finish()

    def _build_context(self) -> BuildContext:
        styles = dict(BASE_STYLES)
        if self.is_mounted:
            styles["link"] = component_style(self, "document--link", minimum=TEXT)
            styles["code"] = component_style(self, "document--code-inline", minimum=TEXT)
            # Muted by colour, not `dim`: a terminal's dim halves the contrast unseen.
            dim = component_style(self, "document--dim", minimum=TEXT)
            styles["footnote"] = dim
            styles["image"] = dim + Style(italic=True)
        return BuildContext(styles=styles)

    def _renderer(self, *, load_lexers: bool = True) -> BlockRenderer:
        styles = RenderStyles()
        if self.is_mounted:

            def get(name: str) -> Style:
                return component_style(self, name, minimum=TEXT)

            # Every colour readable over its background in every depth (see
            # reader.ui.styles.readable), the body text's too: see `_frame_now`.
            pane = self.rich_style
            dark = self.app.current_theme.dark
            if pane.color is not None and pane.bgcolor is not None:
                self._body = Style(color=readable(pane.color, pane.bgcolor, TEXT, dark))
            code = get("document--code")
            self._marks = {role: get(role) for role in ("document--focus", MATCH_CURRENT)}
            rule = component_style(self, "document--rule")  # lines: decoration

            styles = RenderStyles(
                heading=[get(f"document--h{min(level, 4)}") for level in range(1, 7)],
                rule=rule,
                bullet=get("document--bullet"),
                quote=get("document--quote"),
                quote_bar=rule,
                code=code,
                match=get("document--match"),
                summary=get("document--summary"),
                table_header=get("document--table-header"),
                table_border=rule,
                dim=get("document--dim"),
                dark=dark,
                syntax=lambda: self._syntax_theme(code),
            )
        return BlockRenderer(self.app.console, styles, self._highlighter, load_lexers=load_lexers)

    def _syntax_theme(self, code: Style) -> SyntaxTheme:
        """The code colours: the theme's own (SYNTAX_COLOURS), each made readable over
        the code block's background; built once per theme, when code is first drawn.

        Taken from the theme's variables here, not from component classes in the
        stylesheet: the first screen would parse and style seven rules for code that
        most first screens do not show."""
        key = (self.app.theme, code.bgcolor)
        if key not in self._syntax_themes:
            background = code.bgcolor or self.rich_style.bgcolor
            dark = self.app.current_theme.dark
            variables = self.app.get_css_variables()
            roles = {}
            for role, (variable, text_style) in SYNTAX_COLOURS.items():
                style = Style.parse(text_style) if text_style else Style()
                color = _theme_colour(variables, variable, background)
                if color is not None and background is not None:
                    style += Style(color=readable(color, background, TEXT, dark))
                roles[role] = style
            self._syntax_themes[key] = syntax_theme(roles)
        return self._syntax_themes[key]

    def _frame_now(self) -> Frame:
        """The pane's base style with the body text's readable colour."""
        frame = super()._frame_now()
        return frame._replace(base=frame.base + self._body)

    def _text_width(self) -> int:
        width = self.scrollable_content_region.width
        if not width and self.width_hint is not None:
            width = self.width_hint()
        return max(4, min(width or 80, self.max_text_width or width or 80))

    def _fill(
        self, *, until_lines: int | None = None, budget: float | None = None, publish: bool = True
    ) -> None:
        """Parse chunks and draw their blocks until enough lines exist or the time budget
        is spent. The checks come between blocks: a chunk can hold tables that take tens
        of milliseconds each, and the first screen needs only its first few blocks."""
        document = self._document
        renderer = self._current_renderer()
        deadline = time.perf_counter() + budget if budget is not None else None
        while document.unfinished:
            if until_lines is not None and len(self._lines) >= until_lines:
                break
            if deadline is not None and time.perf_counter() > deadline:
                break
            if document.pending:
                self._place(document.pending.popleft(), renderer)
            else:
                chunk = document.chunks.popleft()
                document.pending.extend(build_blocks(parse(chunk), document.context))
        if publish:
            self._after_growth()

    def _current_renderer(self) -> BlockRenderer:
        if self._renderer_cache is None:
            self._renderer_cache = self._renderer()
        return self._renderer_cache

    def _place(self, block: Block, renderer: BlockRenderer) -> None:
        lines = renderer.render(block, self._width)
        placed = _Placed(block, lines, locate_spots(lines), len(self._lines))
        if self._document.blocks:
            self._lines.append(Strip.blank(0))
            placed.start += 1
        self._document.blocks.append(placed)
        self._lines.extend(lines)
        for spot in placed.spots:
            moved = Spot(spot.kind, spot.number, spot.line + placed.start, spot.start, spot.end)
            (self._matches if spot.kind == "match" else self._items).append(moved)

    def _screen_bottom(self) -> int:
        return self.scroll_offset.y + self.size.height

    def _after_growth(self, repaint: bool = True) -> None:
        self.grow_to(Size(self._width, len(self._lines)))
        if not self.size.height:
            pass  # not laid out yet: a scroll now would be clamped to 0; on_resize retries
        elif self._pending_match == "last" and self._document.unfinished:
            pass  # the last match is only known once everything is rendered
        elif self._pending_match and self._matches:
            last = self._pending_match == "last"
            self._pending_match = None
            self._current_match = len(self._matches) - 1 if last else 0
            self._scroll_to_spot(self._matches[self._current_match])
            self._publish()
        if (
            self._pending_line is not None
            and self.size.height
            # Reachable: a scroll past the lines drawn so far would stop short of it.
            and (
                len(self._lines) >= self._pending_line + self.size.height
                or not self._document.unfinished
            )
        ):
            line, self._pending_line = self._pending_line, None
            self.scroll_to(0, line, animate=False, immediate=True)
        if len(self._lines) >= self.size.height or not self._document.unfinished:
            self.first_screen_ready = True
        if repaint:
            self._lines_shown = len(self._lines)
            self.refresh()

    def pause_rendering(self) -> None:
        """Stop rendering between frames for a while (the rest of the screen is mounting)."""
        self._paused = True

    def resume_rendering(self) -> None:
        self._paused = False
        if self._continue_when_resumed:
            self._continue_when_resumed = False
            self._next_slice()

    def _continue(self) -> None:
        """Render the next slice; the scrollbar and screen update a few times a second."""
        if not self._document.unfinished:
            return
        if self._paused:
            self._continue_when_resumed = True
            return
        hold_collector(self)  # a big section is filling
        self._highlight_code()
        self._fill(budget=SLICE_BUDGET, publish=False)
        now = time.perf_counter()
        if not self._document.unfinished or now - self._last_growth > GROWTH_INTERVAL:
            self._last_growth = now
            # Lines below the screen change only the scrollbar, which the new virtual size
            # redraws: repainting the text as well cost ~20 ms a growth on a big section.
            shown = self._lines_shown
            self._after_growth(repaint=shown is None or shown < self._screen_bottom())
            self._publish()
        if self._document.unfinished:
            self._next_slice()
        else:
            self._finish()

    def _next_slice(self) -> None:
        """Render the next slice after the event loop has had a turn.

        Not call_later: a message this widget posts to itself is taken from its queue
        without the loop ever running another task, so the screen would not repaint, nor
        the app see a key, until the whole section was drawn. A timer's wait yields.
        """
        self.set_timer(SLICE_GAP, self._continue, name="render-slice")

    def _highlight_code(self) -> None:
        """Draw again, highlighted, the code the first screen drew plain; from now on
        the section renders with lexers (built here, once per language)."""
        renderer = self._renderer_cache
        if renderer is None or not renderer.plain_languages:
            return
        languages = renderer.plain_languages
        self._renderer_cache = None  # the next one builds lexers
        for index, placed in enumerate(self._document.blocks):
            if any(
                isinstance(node, CodeBlock) and node.language.lower() in languages
                for node in _nested(placed.block)
            ):
                self._replace_block(index)

    def _highlight_then_finish(self) -> None:
        self._highlight_code()
        if not self._document.unfinished:  # not a newer section, still being drawn
            self._finish()

    def _finish(self) -> None:
        renderer = self._renderer_cache
        if renderer is not None and renderer.plain_languages:
            self.call_after_refresh(self._highlight_then_finish)  # after the first screen
            return
        self.fully_rendered = True
        release_collector(self)
        if self._pending_match:
            self._after_growth()  # place the last match, or give up on a missing first one
            self._pending_match = None
            self._publish()

    def on_unmount(self) -> None:
        release_collector(self)

    def render_everything(self) -> None:
        """Finish rendering now (the reader jumped to the end before it was done)."""
        if self._document.unfinished:
            self._fill()
            self._finish()
            self._publish()

    def _rerender_all(self) -> None:
        """Wrap every block again (new width, theme, or highlight), keeping the top block."""
        top_block = self._block_at(round(self.scroll_y))
        blocks = [placed.block for placed in self._document.blocks]
        self._document.blocks = []  # the build context stays: links keep their numbers
        self._lines, self._items, self._matches = [], [], []
        self._width = self._text_width()
        self._renderer_cache = None
        renderer = self._current_renderer()
        for block in blocks:
            self._place(block, renderer)
        if top_block is not None and self._pending_line is None and not self._pending_match:
            self._pending_line = self._document.blocks[top_block].start
        self._current_match = None
        self._after_growth()
        self._publish()

    def _block_at(self, line: int) -> int | None:
        for index, placed in enumerate(self._document.blocks):
            if placed.start + len(placed.lines) > line:
                return index
        return None

    # ----------------------------------------------------------------- drawing
    def render_line(self, y: int) -> Strip:
        (scroll_x, scroll_y), width, base = self.frame
        row = scroll_y + y
        if row >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[row]
        if row == len(self._lines) - 1 and self.fully_rendered and not self._end_seen:
            self._end_seen = True
            # Built later, in this widget's own message loop: a message made during a
            # repaint names the screen as its sender and would stop bubbling there.
            self.call_later(self._announce_end)
        for spot, role in self._emphasis():
            if spot.line == row:
                style = self._marks.get(role) or self.get_component_rich_style(role)
                line = _restyle(line, spot.start, spot.end, style)
        return line.crop_extend(scroll_x, scroll_x + width, base).apply_style(base)

    def _announce_end(self) -> None:
        self.post_message(self.EndSeen(self))

    def _emphasis(self) -> list[tuple[Spot, str]]:
        marks: list[tuple[Spot, str]] = []
        if self._focused_item is not None and self._focused_item < len(self._items):
            focused = self._items[self._focused_item]
            marks.extend(
                (spot, "document--focus")
                for spot in self._items
                if spot.kind == focused.kind and spot.number == focused.number
            )
        if self._current_match is not None and self._current_match < len(self._matches):
            marks.append((self._matches[self._current_match], MATCH_CURRENT))
        return marks

    def on_resize(self, event: events.Resize) -> None:
        if self._waiting_for_size and self.size.width:
            self._waiting_for_size = False
            self._restart()
        elif self._text_width() != self._width and self._document.blocks:
            self._rerender_all()
        elif self._pending_line is not None or self._pending_match:
            self._after_growth()  # a place or match asked for before the first layout

    def restyle(self) -> None:
        """A theme change rebuilds the blocks, since link and code colours live in them."""
        if self._markdown:
            self.call_after_refresh(self._rebuild_keeping_place)

    def _rebuild_keeping_place(self) -> None:
        self._pending_line = round(self.scroll_y)
        self._restart()

    # ----------------------------------------------------------------- actions
    def action_page_forward(self) -> None:
        if self.scroll_y >= self.max_scroll_y and self.fully_rendered:
            self.post_message(self.ReachedEdge(self, 1))
        else:
            self.scroll_page_down()

    def action_page_backward(self) -> None:
        """At the top, the previous section, from its end: reading back is continuous."""
        if self.scroll_y <= 0:
            self.post_message(self.ReachedEdge(self, -1))
        else:
            self.scroll_page_up()

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.size.height // 2), animate=False)

    def action_scroll_end(self) -> None:
        """Straight to the end, like less: no animation across thousands of lines."""
        self.render_everything()
        self.scroll_end(animate=False, immediate=True)

    def action_scroll_home(self) -> None:
        self.scroll_home(animate=False, immediate=True)

    def action_next_item(self, direction: int) -> None:
        """Move the link/summary focus, scrolling it into view."""
        if not self._items:
            self.notify(NO_LINKS, markup=False, timeout=3)
            return
        distinct = _first_of_each(self._items)
        if self._focused_item is None:
            visible = [i for i in distinct if self._items[i].line >= self.scroll_y]
            target = (visible[0] if visible else distinct[0]) if direction > 0 else distinct[-1]
        else:
            current = distinct.index(self._first_spot_of(self._focused_item))
            target = distinct[(current + direction) % len(distinct)]
        self._focused_item = target
        self._scroll_to_spot(self._items[target])
        self.refresh()

    def _first_spot_of(self, index: int) -> int:
        spot = self._items[index]
        for number, other in enumerate(self._items):
            if other.kind == spot.kind and other.number == spot.number:
                return number
        return index

    def action_activate(self) -> None:
        if self._focused_item is None or self._focused_item >= len(self._items):
            return
        spot = self._items[self._focused_item]
        self._activate(spot.kind, spot.number)

    def _activate(self, kind: str, number: int) -> None:
        if kind == "link" and number < len(self._document.context.links):
            self.post_message(self.LinkActivated(self, self._document.context.links[number]))
        elif kind == "details":
            self.toggle_details(number)

    def toggle_details(self, number: int) -> None:
        for index, placed in enumerate(self._document.blocks):
            for node in _nested(placed.block):
                if isinstance(node, DetailsBlock) and node.number == number:
                    node.open = not node.open
                    self._replace_block(index)
                    self._focus_spot("details", number)
                    return

    def _replace_block(self, index: int) -> None:
        """Draw one block again (a details block opened or closed); the rest only moves."""
        blocks = self._document.blocks
        old = blocks[index]
        lines = self._current_renderer().render(old.block, self._width)
        blocks[index] = _Placed(old.block, lines, locate_spots(lines), old.start)
        self._lines[old.start : old.start + len(old.lines)] = lines
        shift = len(lines) - len(old.lines)
        for placed in blocks[index + 1 :]:
            placed.start += shift
        self._items, self._matches = [], []
        for placed in blocks:
            for spot in placed.spots:
                moved = Spot(spot.kind, spot.number, spot.line + placed.start, spot.start, spot.end)
                (self._matches if spot.kind == "match" else self._items).append(moved)
        self._after_growth()

    def _focus_spot(self, kind: str, number: int) -> None:
        for index, spot in enumerate(self._items):
            if spot.kind == kind and spot.number == number:
                self._focused_item = index
                self._scroll_to_spot(spot)
                break
        self.refresh()

    def action_next_match(self, direction: int) -> None:
        if not self._matches:
            self.post_message(self.ReachedEdge(self, 2 * direction))
            return
        if self._current_match is None:
            self._current_match = 0 if direction > 0 else len(self._matches) - 1
        else:
            following = self._current_match + direction
            if not 0 <= following < len(self._matches):
                self.post_message(self.ReachedEdge(self, 2 * direction))
                return
            self._current_match = following
        self._scroll_to_spot(self._matches[self._current_match])
        self._publish()
        self.refresh()

    def _scroll_to_spot(self, spot: Spot) -> None:
        top, height = round(self.scroll_y), max(1, self.size.height)
        if not top <= spot.line < top + height:
            self.scroll_to(0, max(0, spot.line - height // 3), animate=False, immediate=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """No links: f is not offered (and says why when pressed, see ReaderApp)."""
        return action != "next_item" or bool(self._items)

    @property
    def has_links(self) -> bool:
        return bool(self._items)

    def _publish(self) -> None:
        if bool(self._items) is not self._links_offered:
            self._links_offered = bool(self._items)
            self.refresh_bindings()  # the footer offers f only with links to go to
        total = len(self._matches)
        self.post_message(self.MatchesChanged(self, self._current_match, total))

    def on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "link" in meta:
            self._focus_spot("link", meta["link"])
            self._activate("link", meta["link"])
        elif "details" in meta:
            self.toggle_details(meta["details"])

    # ----------------------------------------------------------------- queries
    @property
    def match_count(self) -> int:
        return len(self._matches)

    @property
    def current_match(self) -> int | None:
        return self._current_match

    @property
    def focused_href(self) -> str | None:
        if self._focused_item is None or self._focused_item >= len(self._items):
            return None
        spot = self._items[self._focused_item]
        links = self._document.context.links
        return links[spot.number] if spot.kind == "link" and spot.number < len(links) else None

    def table_head(self) -> tuple[int, list[Strip]] | None:
        """The first table's top line and its lines down to the rule under its header
        row (drawn as a table, not as cards), or None."""
        from reader.glyphs import current
        from reader.render.blocks import TableBlock

        middle = current().table_middle[0]
        for placed in self._document.blocks:
            if isinstance(placed.block, TableBlock):
                for end, line in enumerate(placed.lines[1:], start=2):
                    if line.text.startswith(middle):
                        return placed.start, placed.lines[:end]
                return None
        return None

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_lines(self) -> list[str]:
        """The rendered text, line by line (tests and the 'end seen' check use it)."""
        return [line.text for line in self._lines]


def _chunks(markdown: str) -> list[str]:
    """Cut Markdown at blank lines outside code and details into pieces of ~CHUNK_CHARS."""
    if len(markdown) <= CHUNK_CHARS:
        return [markdown]
    lines = markdown.split("\n")
    offsets = [0, *accumulate(len(line) + 1 for line in lines)]
    pieces: list[str] = []
    start = 0
    for number in scan_markdown(lines).break_lines:
        if offsets[number] - offsets[start] >= CHUNK_CHARS:
            pieces.append("\n".join(lines[start:number]))
            start = number
    pieces.append("\n".join(lines[start:]))
    return [piece for piece in pieces if piece.strip()]


def _first_of_each(items: list[Spot]) -> list[int]:
    """Indices of the first spot of each link/summary (a wrapped link has several)."""
    seen: set[tuple[str, int]] = set()
    firsts: list[int] = []
    for index, spot in enumerate(items):
        key = (spot.kind, spot.number)
        if key not in seen:
            seen.add(key)
            firsts.append(index)
    return firsts


def _nested(block: Block) -> Iterator[Block]:
    """The block and every block inside it (quote, details, list items), at any depth."""
    stack = [block]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", []))
        for item in getattr(node, "items", []):
            stack.extend(item)


def _restyle(line: Strip, start: int, end: int, style: Style) -> Strip:
    """Apply `style` over columns [start, end) of a line."""
    if end <= start:
        return line
    before, middle, after = line.divide([start, end, max(end, line.cell_length)])
    middle = Strip([Segment(text, (old or Style()) + style) for text, old, _ in middle])
    return Strip.join([before, middle, after])


#: The theme variable and text style of each kind of code token (SYNTAX_ROLES): the
#: theme's text colours, which Textual makes readable on the background already.
SYNTAX_COLOURS: dict[str, tuple[str, str]] = {
    "keyword": ("text-primary", "bold"),
    "name": ("text-accent", ""),
    "builtin": ("text-secondary", ""),
    "string": ("text-success", ""),
    "number": ("text-warning", ""),
    "comment": ("foreground", "italic"),  # dimmed below, as $text-muted is
    "error": ("text-error", ""),
}
#: How much of the foreground a comment keeps over the code's background.
_COMMENT_OPACITY = 0.6


def _theme_colour(
    variables: dict[str, str], name: str, background: RichColor | None
) -> RichColor | None:
    """A theme variable as a Rich colour; a comment's foreground faded over `background`."""
    value = variables.get(name)
    if value is None:
        return None
    try:
        color = TextualColor.parse(value)
    except ColorParseError:  # "auto 60%" and the like: no fixed colour to take
        return None
    if name == "foreground" and background is not None:
        under = TextualColor.from_rich_color(background)
        color = under.blend(color, _COMMENT_OPACITY)
    return color.rich_color
