"""Draw a Markdown table in rounded box lines, as Rich's `Table` draws it, but directly.

Rich renders every cell through the console (a `Padding` around the text, measured and
then cropped line by line): ~3 ms a table, a third of the time the benchmark's 260 KB
section takes to draw with its 76 tables. Here each cell is wrapped once, with Rich's
own `Text.wrap`, and the rows are joined with box characters. The column widths follow
Rich's rules, so the lines come out as Rich's do (a test compares the two on random
tables and widths).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console, JustifyMethod
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from reader.glyphs import Glyphs, current
from reader.render.wrap import Line, cells, wrap

__all__ = ["column_widths", "draw_table", "words_fit"]

PADDING = 1  # blank cells on each side of a cell's text
_JUSTIFY: dict[str, JustifyMethod] = {"left": "left", "center": "center", "right": "right"}


def words_fit(rows: Sequence[Sequence[Text]], width: int) -> bool:
    """Whether a table `width` cells wide can give every column its longest word.

    When it cannot, the table would break words in the middle (Rich's tables do the
    same), and the reading pane shows the rows as cards instead.
    """
    columns = max(len(row) for row in rows)
    longest = [0] * columns
    for row in rows:
        for column, cell in enumerate(row):
            for word in cell.plain.split():
                longest[column] = max(longest[column], cells(word))
    return sum(longest) + columns * 2 * PADDING + columns + 1 <= width


def column_widths(grid: Sequence[Sequence[Text]], width: int) -> list[int]:
    """Each column's width, padding included, for a table at most `width` cells wide.

    Rich's rules: a column takes its longest line; while the table is too wide, the
    widest columns come down together to the next widest, and so on.
    """
    available = width - (len(grid[0]) + 1)  # less the vertical lines
    natural = [2 * PADDING] * len(grid[0])
    for row in grid:
        for column, cell in enumerate(row):
            lines = cell.plain.splitlines()
            longest = max(map(cells, lines)) if lines else 0
            natural[column] = max(natural[column], min(longest + 2 * PADDING, available))
    if sum(natural) <= available:
        return natural
    widths = _collapse(natural, available)
    if sum(widths) > available:  # Rich's last resort: take from every column alike
        widths = _ratio_reduce(sum(widths) - available, [1] * len(widths), widths, widths)
    return widths


def _collapse(widths: list[int], available: int) -> list[int]:
    """Rich's `Table._collapse_widths`, for columns that may all wrap."""
    excess = sum(widths) - available
    while excess > 0:
        widest = max(widths)
        second = max((width for width in widths if width != widest), default=0)
        if not widest:
            break
        ratios = [1 if width == widest else 0 for width in widths]
        widths = _ratio_reduce(excess, ratios, [min(excess, widest - second)] * len(widths), widths)
        excess = sum(widths) - available
    return widths


def _ratio_reduce(
    total: int, ratios: list[int], maximums: list[int], values: list[int]
) -> list[int]:
    """Rich's `ratio_reduce`: take `total` from `values` in proportion to `ratios`, no
    more than `maximums` each (rounding as Python's `round` does)."""
    ratios = [ratio if maximum else 0 for ratio, maximum in zip(ratios, maximums, strict=True)]
    total_ratio = sum(ratios)
    if not total_ratio:
        return values[:]
    remaining = total
    result = []
    for ratio, maximum, value in zip(ratios, maximums, values, strict=True):
        if ratio and total_ratio > 0:
            taken = min(maximum, round(ratio * remaining / total_ratio))
            result.append(value - taken)
            remaining -= taken
            total_ratio -= ratio
        else:
            result.append(value)
    return result


def draw_table(
    header: Sequence[Text],
    rows: Sequence[Sequence[Text]],
    aligns: Sequence[str],
    width: int,
    *,
    console: Console,
    header_style: Style,
    border_style: Style,
    glyphs: Glyphs | None = None,
) -> list[Line]:
    """The table's lines: a rounded border, a line between rows, cells aligned per column.

    The border is drawn with `glyphs` (default: the app's), `+-|` where Unicode boxes
    would not show.
    """
    box = current() if glyphs is None else glyphs
    grid = [list(header), *(list(row) for row in rows)]
    columns = max(len(row) for row in grid)
    for row in grid:
        row.extend(Text("") for _ in range(columns - len(row)))
    justify = [
        _JUSTIFY.get(aligns[column] if column < len(aligns) else "", "left")
        for column in range(columns)
    ]
    widths = column_widths(grid, width)
    border = Segment(box.table_vertical, border_style)
    lines = [_rule(box.table_top, box.table_horizontal, widths, border_style)]
    for number, row in enumerate(grid):
        if number:
            lines.append(_rule(box.table_middle, box.table_horizontal, widths, border_style))
        style = header_style if number == 0 else None
        drawn = [
            _cell(console, text, cell_width, how, style)
            for text, cell_width, how in zip(row, widths, justify, strict=True)
        ]
        height = max(len(cell) for cell in drawn)
        for cell, cell_width in zip(drawn, widths, strict=True):
            padding = [[Segment(" " * cell_width, style)]] * (height - len(cell))
            if number:
                cell.extend(padding)
            else:  # a header row sits at the bottom of its cells, as Rich draws it
                cell[:0] = padding
        for line in range(height):
            segments = [border]
            for cell in drawn:
                segments.extend(cell[line])
                segments.append(border)
            lines.append(Line(segments))
    if len(grid) == 1:  # a header alone keeps the line under it, as Rich draws it
        lines.append(_rule(box.table_middle, box.table_horizontal, widths, border_style))
    lines.append(_rule(box.table_bottom, box.table_horizontal, widths, border_style))
    return lines


def _rule(corners: tuple[str, str, str], line: str, widths: list[int], style: Style) -> Line:
    left, cross, right = corners
    text = left + cross.join(line * width for width in widths) + right
    return Line([Segment(text, style)], len(text))


def _cell(
    console: Console, text: Text, width: int, justify: JustifyMethod, style: Style | None
) -> list[list[Segment]]:
    """A cell's lines, padded on both sides to `width`; `style` under all of it."""
    inner = width - 2 * PADDING
    pad = Segment(" " * PADDING)
    plain = text.plain
    if inner < 1:
        lines: list[list[Segment]] = [[Segment(" " * width)]]
    elif justify == "left" and not text.style and plain.isascii() and plain.isprintable():
        # What Rich's `wrap(justify="left")` draws (each line padded to the cell's width),
        # one cell a character: Rich would measure (and cache) every word and line.
        lines = []
        for line in wrap(text, console, inner):
            short = inner - len(line.plain)
            lines.append([pad, *line.render(console), Segment(" " * (short + PADDING))])
        lines = lines or [[Segment(" " * width)]]
    else:
        wrapped = text.wrap(console, inner, justify=justify, overflow="fold")
        lines = [[pad, *line.render(console), pad] for line in wrapped] or [[Segment(" " * width)]]
    if style is not None:
        lines = [list(Segment.apply_style(line, style)) for line in lines]
    return lines
