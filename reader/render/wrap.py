"""Word-wrap prose as Rich's `Text.wrap` does, faster for the common case.

Rich measures every word with `cell_len`, which must allow for wide and zero-width
characters. Printable ASCII has neither: each character is one cell, so the break
offsets can be found with plain lengths, less than half the time (on the benchmark's
260 KB section, wrapping its 1,400 paragraphs took 155 ms, a third of it finding
breaks). Anything else, and any text Rich would justify or crop, goes to Rich. A test
compares the two on random text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rich.cells import cell_len
from rich.console import Console
from rich.containers import Lines
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

__all__ = ["Line", "cells", "wrap"]

# Rich's word: leading space (at the start only), trailing. Leading space is matched only
# at the start, since no later match can have any: a line of spaces alone is then read
# once, not once from each space.
_WORD = re.compile(r"(?:\A\s*+)?\S++\s*+")


def wrap(text: Text, console: Console, width: int) -> Lines:
    """`text.wrap(console, width)`, lines for lines."""
    plain = text.plain
    if (
        width < 1
        or not plain.isascii()
        or not plain.isprintable()  # a line end, a tab or a control character
        or text.justify not in (None, "default")
        or text.overflow not in (None, "fold")
        or text.no_wrap
    ):
        return text.wrap(console, width)
    lines = text.divide(_breaks(plain, width))
    for line in lines:
        if len(line.plain) > width:  # only spaces run past the edge: Rich drops them
            line.rstrip_end(width)
    return lines


def _breaks(plain: str, width: int) -> list[int]:
    """Rich's `divide_line` for one-cell characters: where each line after the first starts."""
    breaks: list[int] = []
    used = 0  # cells on the current line
    for match in _WORD.finditer(plain):
        start, end = match.span()
        length = len(match.group().rstrip())
        if width - used >= length:
            used += end - start
        elif length > width:  # longer than a line: folded, as Rich folds it
            for piece in range(start, end, width):
                if piece:
                    breaks.append(piece)
                used = min(width, end - piece)
        elif used and start:
            breaks.append(start)
            used = end - start
    return breaks


def cells(text: str) -> int:
    """The cells `text` takes, as Rich's `cell_len` counts them, without filling Rich's
    4096-entry cache of measured strings (~1 MB once full) with every piece of a long
    section: printable ASCII is one cell a character."""
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


class Line:
    """One drawn line: Rich segments and their width in cells. The drawing pipeline's
    own type, so it needs nothing of Textual; the reading pane makes each line on screen
    a Textual `Strip`. Lighter than a Strip too, which carries seven caches of its own."""

    __slots__ = ("_cells", "segments")

    def __init__(self, segments: Iterable[Segment] = (), cell_length: int | None = None) -> None:
        self.segments = list(segments)
        self._cells = cell_length

    def __iter__(self) -> Iterator[Segment]:
        return iter(self.segments)

    def __repr__(self) -> str:
        return f"Line({self.text!r})"

    @property
    def text(self) -> str:
        return "".join(segment.text for segment in self.segments)

    @property
    def cell_length(self) -> int:
        if self._cells is None:
            self._cells = sum(cells(segment.text) for segment in self.segments)
        return self._cells

    def apply_style(self, style: Style | None) -> Line:
        """The line with `style` under every segment's own."""
        if not style:
            return self
        return Line(Segment.apply_style(self.segments, style), self._cells)
