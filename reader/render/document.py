"""A section of Markdown as lines at one width, drawn on demand: the reading pane's model.

The section is parsed in chunks (cut at blank lines outside code and `<details>`), so the
first screen is drawn from the first chunk while the rest waits. Each block is drawn once
to learn its height and where its links, summaries and search matches fall; its lines are
then kept only in a bounded cache, and drawn again when they come back on screen. Memory
stays near a few screenfuls of drawn lines whatever the section's size, as Textual's
`Log` and toolong keep theirs.

`Navigator` keeps where the reader's focus is in a document: the focused link or
summary and the current search match.

Nothing here imports a widget: the model is tested without an app. (One module, not
two: each module imported before the first screen costs it ~0.6 M instructions.)
"""

from __future__ import annotations

import time
from bisect import bisect_right
from collections import OrderedDict, deque
from collections.abc import Iterator
from itertools import accumulate

from reader.markdown import parse
from reader.render.blocks import (
    Block,
    BuildContext,
    CardBlock,
    CodeBlock,
    DefinitionListBlock,
    DetailsBlock,
    FootnotesBlock,
    ListBlock,
    TableBlock,
    build_blocks,
    build_footnotes,
)
from reader.render.draw import BlockRenderer, Spot, locate_spots
from reader.render.wrap import Line
from reader.scan import scan_markdown

__all__ = [
    "CACHE_LINES",
    "CHUNK_CHARS",
    "FOCUS",
    "MATCH_CURRENT",
    "Navigator",
    "RenderedDocument",
    "chunks",
    "first_of_each",
]

CHUNK_CHARS = 6_000
#: Drawn lines kept at least: several screens of a common terminal; a block is kept whole.
#: A taller screen keeps more (`cache_lines`), so a repaint never draws a block twice.
CACHE_LINES = 300


_BLANK = Line()
_NO_SPOTS: list[Spot] = []  # shared by the many blocks with no link, summary or match


class _Placed:
    """A block drawn at the document's width: where its lines start, how many there are,
    and its links, summaries and matches (lines relative to the block).

    A plain class: a dataclass costs start-up ~0.5 ms to build.
    """

    __slots__ = ("block", "height", "spots", "start")

    def __init__(self, block: Block, start: int, height: int, spots: list[Spot]) -> None:
        self.block = block
        self.start = start
        self.height = height
        self.spots = spots


class RenderedDocument:
    """One section: its blocks, their heights and spots at `width`, lines drawn on demand.

    Blocks are separated by one blank line. `items` are the links and summaries in
    reading order, `matches` the search matches; both in document lines.
    """

    def __init__(
        self,
        markdown: str,
        renderer: BlockRenderer,
        width: int,
        context: BuildContext | None = None,
        *,
        footer: str = "",
        cache_lines: int = 0,
    ) -> None:
        """`context`: the theme's inline styles and the definitions of the file the
        Markdown comes from (its reference links and footnotes). `footer`: Markdown drawn
        after `markdown` and its footnotes (the reader's links to other sections), parsed
        apart, so a big section is not copied to add it. `cache_lines`: how many drawn
        lines to keep, at least CACHE_LINES."""
        self.renderer = renderer  # and the measurer: see the `renderer` setter
        self.width = max(4, width)
        self.context = BuildContext() if context is None else context
        #: Pieces left to parse, each with the line of `markdown` it starts at.
        self._chunks: deque[tuple[str, int]] = deque(chunks_with_lines(markdown))
        self._footnotes_due = True  # drawn once every chunk is parsed
        self._footer = footer
        self._pending: deque[Block] = deque()  # parsed, not measured yet
        self._placed: list[_Placed] = []
        self._starts: list[int] = []  # each placed block's first line, for bisecting
        self._line_count = 0
        #: Drawn lines by block index, least recently drawn first.
        self._cache: OrderedDict[int, list[Line]] = OrderedDict()
        self._cached_lines = 0
        self.cache_lines = max(CACHE_LINES, cache_lines)
        self.items: list[Spot] = []
        self.matches: list[Spot] = []
        #: Whether a block measured so far holds code in a named language.
        self.has_code = False

    @property
    def renderer(self) -> BlockRenderer:
        """What draws lines for the screen. Blocks are measured by its `measuring()`
        twin, which draws code plain: a block with highlighted code is drawn (and its
        lexer built) only when it is on screen."""
        return self._renderer

    @renderer.setter
    def renderer(self, renderer: BlockRenderer) -> None:
        self._renderer = renderer
        self._measurer = renderer.measuring()

    # ----------------------------------------------------------------- filling
    @property
    def unfinished(self) -> bool:
        """Markdown is left to parse or blocks to measure."""
        return bool(self._chunks or self._pending or self._footnotes_due or self._footer)

    @property
    def line_count(self) -> int:
        return self._line_count

    def fill(self, *, until_lines: int | None = None, deadline: float | None = None) -> None:
        """Parse and measure until `until_lines` exist, `deadline` (perf_counter) passes,
        or the section is done. The checks come between blocks: a chunk can hold tables
        that take tens of milliseconds each, and a first screen needs only a few blocks."""
        while self.unfinished:
            if until_lines is not None and self._line_count >= until_lines:
                return
            if deadline is not None and time.perf_counter() > deadline:
                return
            if self._pending:
                self._append(self._pending.popleft())
            elif self._chunks:
                text, first_line = self._chunks.popleft()
                blocks = build_blocks(self.context.parse(text), self.context)
                if first_line:
                    for block in blocks:  # lines of the section, not of the piece
                        block.line += first_line
                self._pending.extend(blocks)
            elif self._footnotes_due:  # the notes the section referenced, at its end
                self._footnotes_due = False
                self._pending.extend(build_footnotes(self.context))
            else:  # the reader's own Markdown: none of the section's definitions
                footer, self._footer = self._footer, ""
                self._pending.extend(build_blocks(parse(footer), self.context))

    def _append(self, block: Block) -> None:
        lines = self._measurer.render(block, self.width)
        start = self._line_count + (1 if self._placed else 0)
        placed = _Placed(block, start, len(lines), locate_spots(lines) or _NO_SPOTS)
        self._placed.append(placed)
        self._starts.append(start)
        self._line_count = start + placed.height
        if _has_code(block):
            self.has_code = True  # drawn highlighted only when on screen
        else:  # drawn as the screen shows it: kept
            self._keep(len(self._placed) - 1, lines)
        self._add_spots(placed)

    def _add_spots(self, placed: _Placed) -> None:
        for spot in placed.spots:
            moved = spot._replace(line=spot.line + placed.start)
            (self.matches if spot.kind == "match" else self.items).append(moved)

    # ----------------------------------------------------------------- lines
    def line(self, row: int) -> Line:
        """One drawn line (blank between blocks and past the end)."""
        index = bisect_right(self._starts, row) - 1
        if index < 0:
            return _BLANK
        placed = self._placed[index]
        offset = row - placed.start
        lines = self._block_lines(index) if offset < placed.height else ()
        # Drawn shorter than measured never happens (a test holds code to it): blank if so.
        return lines[offset] if offset < len(lines) else _BLANK

    def lines(self, start: int, end: int) -> list[Line]:
        """Drawn lines [start, end), clipped to the document."""
        return [self.line(row) for row in range(max(0, start), min(end, self._line_count))]

    def plain_line(self, row: int) -> str:
        """A line's text as drawn, without trailing padding."""
        return self.line(row).text.rstrip()

    def plain_lines(self) -> Iterator[str]:
        """Every measured line's text, top to bottom."""
        for row in range(self._line_count):
            yield self.plain_line(row)

    def _block_lines(self, index: int) -> list[Line]:
        lines = self._cache.get(index)
        if lines is not None:
            self._cache.move_to_end(index)
            return lines
        return self._keep(index, self.renderer.render(self._placed[index].block, self.width))

    def _keep(self, index: int, lines: list[Line]) -> list[Line]:
        """Cache a block's lines, dropping the least recently drawn beyond `cache_lines`
        (the block just drawn always stays, however tall)."""
        self._cache[index] = lines
        self._cached_lines += len(lines)
        while self._cached_lines > self.cache_lines and len(self._cache) > 1:
            _, dropped = self._cache.popitem(last=False)
            self._cached_lines -= len(dropped)
        return lines

    @property
    def cached_lines(self) -> int:
        """Drawn lines held now (bounded by `cache_lines`, or one block taller than that)."""
        return self._cached_lines

    def forget_drawn(self) -> None:
        """Drop every drawn line (styles changed); heights and spots stay."""
        self._cache.clear()
        self._cached_lines = 0

    # ----------------------------------------------------------------- blocks
    @property
    def blocks(self) -> list[Block]:
        return [placed.block for placed in self._placed]

    def block_at(self, row: int) -> int | None:
        """The index of the block drawn on `row` (or just above it), or None."""
        index = bisect_right(self._starts, row) - 1
        return index if index >= 0 else None

    def block_start(self, index: int) -> int:
        return self._placed[index].start

    def block_lines(self, index: int) -> list[Line]:
        return self._block_lines(index)

    def rewrap(self, width: int, renderer: BlockRenderer | None = None) -> None:
        """Measure every block again at a new width, or with a new renderer (theme,
        search highlight); the build context stays, so links keep their numbers."""
        self.width = max(4, width)
        if renderer is not None:
            self.renderer = renderer
        blocks = self.blocks
        self._placed, self._starts, self._line_count = [], [], 0
        self.items, self.matches = [], []
        self.forget_drawn()
        for block in blocks:
            self._append(block)

    def redraw(self, index: int) -> None:
        """Measure one block again (a summary opened or closed); the rest move."""
        old = self._placed[index]
        lines = self._measurer.render(old.block, self.width)
        shift = len(lines) - old.height
        self._placed[index] = _Placed(old.block, old.start, len(lines), locate_spots(lines))
        self._forget(index)
        if not _has_code(old.block):
            self._keep(index, lines)
        if shift:
            for later in range(index + 1, len(self._placed)):
                self._placed[later].start += shift
                self._starts[later] += shift
            self._line_count += shift
        self.items, self.matches = [], []
        for placed in self._placed:
            self._add_spots(placed)

    def _forget(self, index: int) -> None:
        dropped = self._cache.pop(index, None)
        if dropped is not None:
            self._cached_lines -= len(dropped)

    def toggle_details(self, number: int) -> bool:
        """Open or close `<details>` number `number`; False when there is none."""
        return self._toggle(DetailsBlock, "open", number)

    def toggle_card(self, number: int) -> bool:
        """Show or hide card `number`'s answer; False when there is none."""
        return self._toggle(CardBlock, "revealed", number)

    def _toggle(self, kind: type[DetailsBlock | CardBlock], flag: str, number: int) -> bool:
        """Flip `flag` of fold `number` of `kind` (a summary's, a card's) and measure its
        block again; False when there is none."""
        for index, placed in enumerate(self._placed):
            for node in nested(placed.block):
                if isinstance(node, kind) and node.number == number:
                    setattr(node, flag, not getattr(node, flag))
                    self.redraw(index)
                    return True
        return False

    def row_of_source_line(self, line: int) -> int:
        """The first drawn row of the block holding line `line` (0-based) of the Markdown,
        as far as it is measured: where the reader is taken to see what that line says."""
        row = 0
        for placed in self._placed:
            if placed.block.line > line:
                break
            row = placed.start
        return row

    def redraw_code(self, languages: set[str]) -> None:
        """Drop the drawn lines of blocks holding code in `languages` (drawn plain before
        their lexers were built): the screen draws them again, highlighted."""
        for index, placed in enumerate(self._placed):
            if index in self._cache and any(
                isinstance(node, CodeBlock) and node.language.lower() in languages
                for node in nested(placed.block)
            ):
                self._forget(index)

    def table_head(self, middle: str) -> tuple[int, list[Line]] | None:
        """The first table's top line and its lines down to the rule under its header
        row (the rule starts with `middle`), or None when it is drawn as cards."""
        for index, placed in enumerate(self._placed):
            if isinstance(placed.block, TableBlock):
                lines = self.block_lines(index)
                for end, line in enumerate(lines[1:], start=2):
                    if line.text.startswith(middle):
                        return placed.start, lines[:end]
                return None
        return None

    @property
    def links(self) -> list[str]:
        """Every link target, by link number."""
        return self.context.links

    # ----------------------------------------------------------------- selection
    def text_between(self, start: tuple[int, int] | None, end: tuple[int, int] | None) -> str:
        """The drawn text from (line, character) `start` to `end` (exclusive), plain;
        None for either end means the document's start or end. Lines are drawn on demand,
        so a selection over a long section draws only what it covers."""
        first_line, first_x = start if start is not None else (0, 0)
        if end is None:
            self.fill()
            last_line, last_x = self._line_count - 1, None
        else:
            last_line, last_x = end
            last_line = min(last_line, self._line_count - 1)
        texts: list[str] = []
        for row in range(max(0, first_line), last_line + 1):
            text = self.line(row).text
            if row == last_line and last_x is not None:
                text = text[:last_x]
            if row == first_line:
                text = text[first_x:]
            texts.append(text.rstrip())
        return "\n".join(texts)


def chunks(markdown: str) -> list[str]:
    """The pieces of `chunks_with_lines`, without their lines."""
    return [piece for piece, _ in chunks_with_lines(markdown)]


def chunks_with_lines(markdown: str) -> list[tuple[str, int]]:
    """Cut Markdown at blank lines outside code and details into pieces of ~CHUNK_CHARS,
    not before an indented line: it may go on a list item or a footnote (a paragraph of
    its own there, and indented code if parsed apart). A piece four times that size is
    cut anyway (a whole section of indented lines would otherwise be parsed at once)."""
    if len(markdown) <= CHUNK_CHARS:
        return [(markdown, 0)]
    lines = markdown.split("\n")
    offsets = [0, *accumulate(len(line) + 1 for line in lines)]
    pieces: list[tuple[str, int]] = []
    start = 0
    for number in scan_markdown(lines).break_lines:
        size = offsets[number] - offsets[start]
        following = lines[number + 1] if number + 1 < len(lines) else ""
        # Indented: a list item's or a footnote's; `:`/`~`: a definition list's definition.
        if following[:1] in (" ", "\t", ":", "~") and size < 4 * CHUNK_CHARS:
            continue
        if size >= CHUNK_CHARS:
            pieces.append(("\n".join(lines[start:number]), start))
            start = number
    pieces.append(("\n".join(lines[start:]), start))
    return [(piece, line) for piece, line in pieces if piece.strip()]


def _has_code(block: Block) -> bool:
    """Whether a block holds code in a named language (highlighted when drawn)."""
    return any(isinstance(node, CodeBlock) and node.language for node in nested(block))


def nested(block: Block) -> Iterator[Block]:
    """The block and every block inside it (quote, alert, details, list items,
    definitions, footnotes), at any depth."""
    stack = [block]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(getattr(node, "children", []))
        if isinstance(node, ListBlock):
            for item in node.items:
                stack.extend(item)
        elif isinstance(node, DefinitionListBlock):
            for _, definitions in node.items:
                for blocks in definitions:
                    stack.extend(blocks)
        elif isinstance(node, FootnotesBlock):
            for _, blocks in node.notes:
                stack.extend(blocks)


# ----------------------------------------------------------------- focus
FOCUS = "document--focus"
MATCH_CURRENT = "document--match-current"


class Navigator:
    """The focused item (link or summary) and the current match of one document.

    Items and matches are the document's spots; a wrapped link has a spot per line,
    and moving the focus steps over links, not spots.
    """

    def __init__(self, document: RenderedDocument | None = None) -> None:
        self.document = document
        self.focused: int | None = None  # index into document.items
        self.current_match: int | None = None  # index into document.matches
        #: Footnote number -> the marker last followed to it, which its way back returns to.
        self._note_origins: dict[int, int] = {}

    @property
    def items(self) -> list[Spot]:
        return self.document.items if self.document is not None else []

    @property
    def matches(self) -> list[Spot]:
        return self.document.matches if self.document is not None else []

    def next_item(self, direction: int, top_line: float) -> Spot | None:
        """Focus the next (+1) or previous (-1) link or summary; the first step goes to
        the first one on screen (from `top_line`) or the last one. None: there is none."""
        items = self.items
        if not items:
            return None
        distinct = first_of_each(items)
        if self.focused is None or self.focused >= len(items):
            on_screen = [index for index in distinct if items[index].line >= top_line]
            target = (on_screen or distinct)[0] if direction > 0 else distinct[-1]
        else:
            focused = items[self.focused]
            current = next(
                position
                for position, index in enumerate(distinct)
                if (items[index].kind, items[index].number) == (focused.kind, focused.number)
            )
            target = distinct[(current + direction) % len(distinct)]
        self.focused = target
        return items[target]

    def focus(self, kind: str, number: int) -> Spot | None:
        """Focus link or summary `number` (clicked, or a summary just toggled)."""
        for index, spot in enumerate(self.items):
            if spot.kind == kind and spot.number == number:
                self.focused = index
                return spot
        return None

    def follow_note(self, kind: str, number: int) -> Spot | None:
        """Focus where a footnote mark leads: from a marker ("note") to its footnote's
        way back at the section's end, and from there ("noteback") to the marker it was
        reached from (else the note's first marker)."""
        notes = self.document.context.notes if self.document is not None else []
        if kind == "note":
            if number >= len(notes):
                return None
            self._note_origins[notes[number]] = number
            return self.focus("noteback", notes[number])
        marker = self._note_origins.get(number)
        if marker is None:
            marker = next((index for index, note in enumerate(notes) if note == number), None)
        return None if marker is None else self.focus("note", marker)

    @property
    def focused_spot(self) -> Spot | None:
        items = self.items
        if self.focused is None or self.focused >= len(items):
            return None
        return items[self.focused]

    @property
    def focused_href(self) -> str | None:
        spot = self.focused_spot
        links = self.document.links if self.document is not None else []
        if spot is None or spot.kind != "link" or spot.number >= len(links):
            return None
        return links[spot.number]

    def next_match(self, direction: int) -> Spot | None:
        """Make the next (+1) or previous (-1) match current; None past either end."""
        matches = self.matches
        if self.current_match is None:
            following = 0 if direction > 0 else len(matches) - 1
        else:
            following = self.current_match + direction
        if not 0 <= following < len(matches):
            return None
        self.current_match = following
        return matches[following]

    def emphasis(self, row: int) -> list[tuple[Spot, str]]:
        """The spots on line `row` drawn in a mark, and the mark's role."""
        marks: list[tuple[Spot, str]] = []
        focused = self.focused_spot
        if focused is not None:
            marks.extend(
                (spot, FOCUS)
                for spot in self.items
                if spot.line == row and (spot.kind, spot.number) == (focused.kind, focused.number)
            )
        matches = self.matches
        if self.current_match is not None and self.current_match < len(matches):
            current = matches[self.current_match]
            if current.line == row:
                marks.append((current, MATCH_CURRENT))
        return marks


def first_of_each(items: list[Spot]) -> list[int]:
    """Indices of the first spot of each link/summary (a wrapped link has several)."""
    seen: set[tuple[str, int]] = set()
    firsts: list[int] = []
    for index, spot in enumerate(items):
        if (spot.kind, spot.number) not in seen:
            seen.add((spot.kind, spot.number))
            firsts.append(index)
    return firsts
