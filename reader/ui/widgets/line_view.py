"""Base of the widgets drawn line by line from strips they keep: the reading pane and the
search results."""

from __future__ import annotations

from typing import NamedTuple

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset, Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from reader.ui.textual_compat import update_scrollbars

__all__ = ["Frame", "LineView", "restyle", "restyle_characters"]


class Frame(NamedTuple):
    """What drawing any line of one repaint needs."""

    scroll: Offset
    width: int
    base: Style


class LineView(ScrollView):
    """A ScrollView that works out its frame once per repaint, not once per line:
    `rich_style` walks the ancestors' styles, ~0.3 ms a call on the benchmark machine."""

    _frame: Frame | None = None

    def render_lines(self, crop: Region) -> list[Strip]:
        self._frame = self._frame_now()
        try:
            return super().render_lines(crop)
        finally:
            self._frame = None

    def _frame_now(self) -> Frame:
        return Frame(self.scroll_offset, self.scrollable_content_region.width, self.rich_style)

    def grow_to(self, size: Size) -> None:
        """Set `virtual_size`, laying out the screen only when the scrollbars may change.

        `virtual_size` asks for a layout of the whole screen, ~17 ms on the benchmark
        machine, five times or more while a big section fills. While the vertical
        scrollbar is shown before and after (and the width stays), the layout cannot
        change: only the scrollbar needs its new size, which is what Textual itself does
        when it resizes a ScrollView.
        """
        old, height = self.virtual_size, self.size.height
        if size.width == old.width and min(old.height, size.height) > height > 0:
            update_scrollbars(self, size)
        else:
            self.virtual_size = size

    @property
    def painting(self) -> bool:
        """Whether lines are being drawn for the screen, not looked up one at a time.

        Textual finds where a mouse selection falls by calling `render_line` alone
        (textual_compat.SELECTION_OFFSETS_FROM_RENDER_LINE), so only those lines need
        selection offsets; painted lines skip their cost."""
        return self._frame is not None

    @property
    def frame(self) -> Frame:
        """This repaint's frame (or, outside a repaint, the current one)."""
        return self._frame or self._frame_now()


def restyle(line: Strip, start: int, end: int, style: Style) -> Strip:
    """Apply `style` over cells [start, end) of a line (a focused link, a selection)."""
    if end <= start:
        return line
    before, middle, after = line.divide([start, end, max(end, line.cell_length)])
    middle = Strip([Segment(text, (old or Style()) + style) for text, old, _ in middle])
    return Strip.join([before, middle, after])


def restyle_characters(line: Strip, start: int, end: int, style: Style) -> Strip:
    """Apply `style` over characters [start, end) of a line (end -1: to its end), as a
    mouse selection counts them; wide characters take two cells."""
    text = line.text
    end = len(text) if end == -1 else end
    return restyle(line, cell_len(text[:start]), cell_len(text[:end]), style)
