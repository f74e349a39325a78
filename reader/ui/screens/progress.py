"""The Progress view: per top-level section, the share read and the cards known, due and
new; under it the reviews falling due over the next 14 days as a bar chart.

People would rather look than read here, so both shares are drawn: the part read as a
small horizontal bar beside "3/7", the forecast as vertical bars in eighths of a cell,
each with its count above and its weekday below. Everything is characters (block
elements, or `#` on an ASCII terminal), so it reads the same without colour. The
screen only presents: the app computes the numbers and opens the section chosen.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.geometry import Size
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from reader.glyphs import current as current_glyphs
from reader.sanitize import sanitize_line
from reader.ui.key_hints import key_hint
from reader.ui.styles import TEXT, component_style, use_stylesheet

if TYPE_CHECKING:
    from rich.console import RenderableType

__all__ = [
    "ForecastPanel",
    "ProgressRow",
    "ProgressScreen",
    "ProgressTable",
    "forecast_chart",
    "share_bar",
]

#: A vertical bar's top cell, by how many eighths of it are filled (1 to 8).
BAR_EIGHTHS = "▁▂▃▄▅▆▇█"
#: A horizontal bar's last cell, by how many eighths of it are filled (1 to 8).
SHARE_EIGHTHS = "▏▎▍▌▋▊▉█"
#: The unfilled rest of a horizontal bar, so its length shows without colour.
SHARE_TRACK = "░"
ASCII_FILL = "#"
ASCII_TRACK = "."
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
#: Columns each day of the forecast takes: a bar two cells wide with a gap either side.
DAY_COLUMNS = 4
#: Rows of the forecast's bars: at least this many, more when the screen has room.
MIN_BAR_ROWS = 4
MAX_BAR_ROWS = 8
#: Cells of a section's read bar.
SHARE_WIDTH = 8
#: Columns the statistics beside the chart need; narrower, they go under it.
STATS_WIDTH = 18
#: The dialog's widest, and the columns of its border and padding (progress.tcss).
DIALOG_MAX_WIDTH = 88
DIALOG_FRAME = 4
#: Rows of the dialog around the table and the chart: border (2), the column headings,
#: the totals and the keys (1 each).
CHROME_ROWS = 5
#: Rows of the table kept on screen when the terminal is too low for all of them.
MIN_TABLE_ROWS = 3
NO_CARDS = (
    "This pack has no self-test cards. To add some, put the tag #flashcards in one of "
    "its Markdown files and write a card as a line Question::Answer (or list the file "
    'in pack.toml: cards = ["file.md"]).'
)


class ProgressRow(NamedTuple):
    """One top-level section's line of the view, as the app counted it."""

    section_id: str
    title: str  # a top-level section's title
    read: int  # sections of it read
    sections: int  # sections in it
    known: int  # cards in review state, not due
    due: int  # due now, today's new cards included
    new: int  # cards never reviewed (all of them, not only today's)
    learning: int  # in (re)learning, not due yet


# ----------------------------------------------------------------- the pure drawing
def _round_half_up(numerator: int, denominator: int) -> int:
    """numerator / denominator to the nearest whole number, halves up (integers only,
    so a huge count cannot lose precision in a float)."""
    return (2 * numerator + denominator) // (2 * denominator)


def share_bar(read: int, total: int, width: int, ascii: bool) -> str:
    """`read` of `total` as a bar `width` cells long: whole and eighth blocks over a
    shaded track, or `#` over dots on an ASCII terminal.

    Anything read shows at least an eighth, and anything unread keeps the bar short of
    full, so "none", "some" and "all" never look alike.
    """
    width = max(1, width)
    if total <= 0:
        return (ASCII_TRACK if ascii else SHARE_TRACK) * width
    read = max(0, min(read, total))
    unit = 1 if ascii else 8
    filled = _round_half_up(read * width * unit, total)
    if read < total:
        filled = min(filled, width * unit - 1)
    if read > 0:
        filled = max(filled, 1)
    if ascii:
        return ASCII_FILL * filled + ASCII_TRACK * (width - filled)
    whole, part = divmod(filled, 8)
    bar = SHARE_EIGHTHS[-1] * whole + (SHARE_EIGHTHS[part - 1] if part else "")
    return bar + SHARE_TRACK * (width - cell_len(bar))


def _bar_eighths(count: int, peak: int, height: int, ascii: bool) -> int:
    """How many eighths of a cell high a day's bar is: the peak fills `height` rows,
    and any card at all shows as at least an eighth (a whole cell on ASCII, which has
    no eighths)."""
    if count <= 0 or peak <= 0:
        return 0
    if ascii:
        return 8 * max(1, _round_half_up(count * height, peak))
    return max(1, _round_half_up(count * height * 8, peak))


def _bar_width(column: int) -> int:
    return column - 2 if column >= 4 else column - 1


def _count_label(count: int, room: int) -> str:
    """A count in at most `room` cells: itself, or "99+" and the like when too long."""
    shown = str(max(0, count))
    if len(shown) <= room:
        return shown
    return "9" * (room - 1) + "+" if room >= 2 else "+"


def _count_place(count: int, peak: int, height: int, ascii: bool, column: int) -> tuple[int, int]:
    """Where a day's count goes: (row, first column within the day's cell). The row is
    the one just above the bar's top (0 is the row over the tallest bar); a day with no
    cards has its 0 on the bottom row, where its bar would stand."""
    eighths = _bar_eighths(count, peak, height, ascii)
    rows = -(-eighths // 8)  # cells the bar covers, a partial top cell included
    row = height - rows if rows else height
    label = _count_label(count, max(1, column - 1))
    left = 1 + (_bar_width(column) - len(label)) // 2
    return row, max(0, min(column - len(label), left))


def _day_label(day: datetime.date, is_today: bool, column: int, ascii: bool) -> tuple[int, str]:
    """A day's label under its bar and the column it starts at: the weekday, today's
    in brackets ("[Mo]"); in a cell too narrow for brackets, today is a dot."""
    weekday = WEEKDAYS[day.weekday()]
    if not is_today:
        return 1, weekday[: _bar_width(column)]
    if column >= 3:
        return 0, f"[{weekday[: column - 2]}]"
    return 1, "*" if ascii else "•"


def forecast_chart(
    counts: list[int],
    today: datetime.date,
    height: int,
    ascii: bool,
    *,
    column: int = DAY_COLUMNS,
) -> list[str]:
    """The forecast as lines of text: `height` + 1 rows of bars with each day's count
    just above its bar, then a row of weekday labels, today's in brackets.

    Each day takes `column` cells (its bar `column` - 2 wide, a gap either side; narrower
    cells keep one gap). The busiest day fills all `height` rows and the rest are scaled
    to it in eighths of a cell (▁▂▃▄▅▆▇█), or in whole `#` cells when `ascii`. Every line
    is exactly len(counts) * column cells, so lines can be set beside other text.
    """
    height = max(1, height)
    column = max(2, column)
    width = len(counts) * column
    grid = [[" "] * width for _ in range(height + 2)]
    peak = max((count for count in counts), default=0)
    bar_width = _bar_width(column)
    for index, count in enumerate(counts):
        left = index * column
        eighths = _bar_eighths(count, peak, height, ascii)
        whole, part = divmod(eighths, 8)
        for level in range(whole):
            for x in range(left + 1, left + 1 + bar_width):
                grid[height - level][x] = ASCII_FILL if ascii else BAR_EIGHTHS[-1]
        if part:
            for x in range(left + 1, left + 1 + bar_width):
                grid[height - whole][x] = BAR_EIGHTHS[part - 1]
        label = _count_label(count, max(1, column - 1))
        row, start = _count_place(count, peak, height, ascii, column)
        for offset, character in enumerate(label):
            grid[row][left + start + offset] = character
        day = today + datetime.timedelta(days=index)
        start, name = _day_label(day, index == 0, column, ascii)
        for offset, character in enumerate(name):
            grid[height + 1][left + start + offset] = character
    return ["".join(line) for line in grid]


def _cut(text: str, width: int, ellipsis: str) -> str:
    """`text` in exactly `width` cells: padded, or cut with `ellipsis` (wide characters
    counted as two cells)."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    if width <= cell_len(ellipsis):
        return set_cell_size(text, width)
    return set_cell_size(text, width - cell_len(ellipsis)) + ellipsis


# ----------------------------------------------------------------- the table
class _Columns(NamedTuple):
    """The widths of the table's columns for one width of the list."""

    title: int
    share: int
    fraction: int
    known: int
    due: int
    new: int
    cards: bool  # whether the card columns are shown at all


_GAP = "  "
#: The column headings, as a row for measuring the title column.
_HEADING = ProgressRow("", "Section", 0, 0, 0, 0, 0, 0)


def _columns(rows: list[ProgressRow], totals: ProgressRow, width: int, cards: bool) -> _Columns:
    """Column widths fitting `width` cells: the numbers as wide as their largest value
    (or heading), the title the rest; the read bar shrinks before the title goes
    below a dozen cells."""
    everything = [*rows, totals]
    fraction = max(len(f"{row.read}/{row.sections}") for row in everything)
    known = max(len("Known"), *(len(str(row.known)) for row in everything))
    due = max(len("Due"), *(len(str(row.due)) for row in everything))
    new = max(len("New"), *(len(str(row.new)) for row in everything))
    numbers = len(_GAP) + known + 1 + due + 1 + new if cards else 0
    share = SHARE_WIDTH
    fixed = len(_GAP) + share + 1 + fraction + numbers
    if width - fixed < 12:
        share = max(2, share - (12 - (width - fixed)))
        fixed = len(_GAP) + share + 1 + fraction + numbers
    longest = max(cell_len(sanitize_line(row.title)) for row in [*everything, _HEADING])
    title = max(4, min(width - fixed, longest))
    return _Columns(title, share, fraction, known, due, new, cards)


class ProgressTable(OptionList):
    """The sections, one selectable line each; its component classes colour the numbers
    (theme variables, in progress.tcss)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "progress--bar",
        "progress--zero",
        "progress--due",
        "progress--heading",
    }

    def on_resize(self, event: events.Resize) -> None:
        screen = self.screen
        if isinstance(screen, ProgressScreen):
            screen.draw_rows()

    def styles_for_rows(self) -> dict[str, Style]:
        """The component classes' styles, each readable over the list's background."""
        return {
            name: component_style(self, f"progress--{name}", minimum=TEXT)
            for name in ("bar", "zero", "due", "heading")
        }


def _row_text(row: ProgressRow, columns: _Columns, styles: dict[str, Style]) -> Text:
    """One line of the table: the title cut to fit, the read bar and fraction, and the
    cards known, due and new (a zero as a dim dash; cards due marked)."""
    glyphs = current_glyphs()
    text = Text(_cut(sanitize_line(row.title), columns.title, glyphs.ellipsis))
    text.append(_GAP)
    text.append(share_bar(row.read, row.sections, columns.share, glyphs.ascii), styles["bar"])
    text.append(" " + f"{row.read}/{row.sections}".rjust(columns.fraction))
    if not columns.cards:
        return text
    text.append(_GAP)
    dash = "-" if glyphs.ascii else "–"
    for value, width, accent in (
        (row.known, columns.known, False),
        (row.due, columns.due, True),
        (row.new, columns.new, False),
    ):
        if value == 0:
            text.append(dash.rjust(width), styles["zero"])
        else:
            text.append(str(value).rjust(width), styles["due"] if accent else Style())
        text.append(" ")
    text.right_crop(1)
    return text


def _heading_text(columns: _Columns, styles: dict[str, Style]) -> Text:
    read_width = columns.share + 1 + columns.fraction
    line = "Section".ljust(columns.title) + _GAP + "Read".ljust(read_width)
    if columns.cards:
        line += (
            _GAP
            + "Known".rjust(columns.known)
            + " "
            + "Due".rjust(columns.due)
            + " "
            + "New".rjust(columns.new)
        )
    return Text(line, style=styles["heading"])


# ----------------------------------------------------------------- the forecast
def day_columns(days: int, width: int) -> int:
    """The widest cell per day (4, 3 or 2 columns) that fits the chart in `width`."""
    for column in (DAY_COLUMNS, 3):
        if days * column <= width:
            return column
    return 2


def fits_beside(days: int, width: int) -> bool:
    """Whether the statistics fit beside the chart in `width` (else they go under it)."""
    return days * day_columns(days, width) + 2 + STATS_WIDTH <= width


class ForecastPanel(Widget):
    """The 14-day forecast as bars, with the numbers that matter beside it (under it when
    the dialog is too narrow for both)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "forecast--bar",
        "forecast--label",
        "forecast--zero",
        "forecast--due",
    }
    #: Rows of the bars; the screen sets it from the room there is.
    bar_rows: reactive[int] = reactive(MIN_BAR_ROWS, layout=True)

    def __init__(
        self,
        counts: list[int],
        today: datetime.date,
        stats: list[tuple[str, str, bool]],
        *,
        id: str | None = None,
    ) -> None:
        """`stats`: (label, value, marked) lines shown beside the chart."""
        super().__init__(id=id)
        self.counts = counts
        self.today = today
        self.stats = stats

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        chart = self.bar_rows + 2
        return chart if fits_beside(len(self.counts), width) else chart + len(self.stats)

    def render(self) -> RenderableType:
        width = self.content_size.width or self.size.width
        return self.draw(width)

    def draw(self, width: int) -> Text:
        """The chart, styled: bars in the bar colour, today's column bold, counts of
        zero and the weekday labels muted; the statistics beside or under it."""
        ascii = current_glyphs().ascii
        column = day_columns(len(self.counts), width)
        height = self.bar_rows
        lines = forecast_chart(self.counts, self.today, height, ascii, column=column)
        styles = {
            name: component_style(self, f"forecast--{name}", minimum=TEXT)
            for name in ("bar", "label", "zero", "due")
        }
        rows = [Text(line) for line in lines]
        peak = max(self.counts, default=0)
        bar_glyphs = set(BAR_EIGHTHS) | {ASCII_FILL}
        for row in rows[:-1]:
            for index, character in enumerate(row.plain):
                if character in bar_glyphs:
                    row.stylize(styles["bar"], index, index + 1)
        rows[-1].stylize(styles["label"])
        for index, count in enumerate(self.counts):
            if count == 0:
                row_index, start = _count_place(count, peak, height, ascii, column)
                left = index * column + start
                rows[row_index].stylize(styles["zero"], left, left + 1)
        for row in rows:
            row.stylize("bold", 0, column)
        stats = self._stats_lines(styles)
        if fits_beside(len(self.counts), width):
            gap = " " * 2
            for number, line in enumerate(stats):
                if number < len(rows):
                    rows[number].append(gap)
                    rows[number].append_text(line)
        else:
            rows.extend(stats)
        return Text("\n").join(rows)

    def _stats_lines(self, styles: dict[str, Style]) -> list[Text]:
        """Each statistic on a line of its own: the label, the value flush right."""
        ellipsis = current_glyphs().ellipsis
        lines = []
        for label, value, marked in self.stats:
            room = max(1, STATS_WIDTH - len(label) - 1)
            shown = _cut(value, room, ellipsis).rstrip() if cell_len(value) > room else value
            line = Text(label.ljust(STATS_WIDTH - cell_len(shown)))
            line.append(shown, styles["due"] if marked else Style())
            lines.append(line)
        return lines


# ----------------------------------------------------------------- the screen
class ProgressScreen(ModalScreen[str | None]):
    """The Progress view; dismissed with the section id to open, or None (closed)."""

    BINDINGS = [
        Binding("escape,q", "close", "Close", id="progress.close"),
    ]

    def __init__(
        self,
        pack_title: str,
        rows: list[ProgressRow],
        forecast: list[int],
        today: datetime.date,
        total_due: int,
        next_due: str,
    ) -> None:
        """`forecast`: cards falling due on each of the next 14 days, today first;
        `total_due`: cards due now in the whole pack (today's new ones included);
        `next_due`: when the next card falls due, as a short phrase ("in 3 h"), or ""."""
        super().__init__()
        use_stylesheet(self.app, "progress.tcss")
        self.pack_title = pack_title
        self.rows = list(rows)
        self.forecast = list(forecast)
        self.today = today
        self.total_due = total_due
        self.next_due = next_due
        self.has_cards = any(
            row.known + row.due + row.new + row.learning for row in self.rows
        ) or bool(total_due or any(self.forecast))
        self.totals = ProgressRow(
            "",
            "All sections",
            sum(row.read for row in self.rows),
            sum(row.sections for row in self.rows),
            sum(row.known for row in self.rows),
            total_due,  # the pack's own count: the daily new-card limit is the pack's
            sum(row.new for row in self.rows),
            sum(row.learning for row in self.rows),
        )
        self._drawn_width = -1
        #: Rows the table may take (set from the screen's height).
        self._table_rows = len(self.rows)
        #: The table's column widths and colours, once it has a width.
        self._layout: tuple[_Columns, dict[str, Style]] | None = None
        #: The row last drawn as the cursor's.
        self._cursor: int | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="progress-dialog") as dialog:
            dialog.border_title = Content(f"Progress: {sanitize_line(self.pack_title)}")
            yield Static(id="progress-heading")
            yield ProgressTable(
                *(Option(sanitize_line(row.title), id=row.section_id) for row in self.rows),
                id="progress-table",
                compact=True,
            )
            yield Static(id="progress-totals")
            if self.has_cards:
                yield ForecastPanel(
                    self.forecast, self.today, self._stats(), id="progress-forecast"
                )
            else:
                yield Static(Text(NO_CARDS), id="progress-no-cards")
            arrows = "Up/Down" if current_glyphs().ascii else "↑↓"
            close = key_hint(self.app, "progress.close", "Esc")
            hint = f"{arrows} section   Enter open   {close} close"
            yield Static(Text(hint), id="progress-keys")

    def _stats(self) -> list[tuple[str, str, bool]]:
        """The numbers beside the chart: due now (what a review would show), the
        reviews of the next seven days after today, when the next one falls due, and
        cards being learnt."""
        week = sum(self.forecast[1:8])
        learning = self.totals.learning
        return [
            ("Due now", str(self.total_due), self.total_due > 0),
            ("Next 7 days", str(week), False),
            ("Next due", self.next_due or ("-" if current_glyphs().ascii else "–"), False),
            ("Learning", str(learning), False),
        ]

    def on_mount(self) -> None:
        self.app.clear_notifications()  # toasts would sit over the table
        table = self.query_one(ProgressTable)
        if self.rows:
            table.highlighted = 0
        table.focus()
        self._fit(self.app.size)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size: Size) -> None:
        """Every section on screen when the terminal has the rows (80×24 does for 13);
        with rows to spare a blank line above the chart and taller bars, with too few
        lower bars, then a table that scrolls (and below 12 rows, a dialog that does).

        The dialog's width is worked out here from the terminal's, as progress.tcss
        sizes it, because the table's height must be set before the layout runs."""
        inner = max(1, min(size.width, DIALOG_MAX_WIDTH) - DIALOG_FRAME)
        room = size.height - CHROME_ROWS
        table = self.query_one(ProgressTable)
        panels = self.query(ForecastPanel)
        if panels:
            panel = panels.first()
            fixed = 2 if fits_beside(len(self.forecast), inner) else 2 + len(panel.stats)
            bars = MIN_BAR_ROWS
            missing = len(self.rows) + fixed + bars - room
            if missing > 0:
                bars = max(2, bars - missing)
            spare = room - len(self.rows) - fixed - bars
            margin = 1 if spare > 0 else 0
            bars += max(0, min(MAX_BAR_ROWS - MIN_BAR_ROWS, spare - 1))
            panel.styles.margin = (margin, 0, 0, 0)
            panel.bar_rows = bars
            below = margin + fixed + bars
        else:
            wrapped = Text(NO_CARDS).wrap(self.app.console, max(1, inner - 2))
            below = 1 + len(wrapped)
        self._table_rows = max(MIN_TABLE_ROWS, room - below)
        table.styles.max_height = self._table_rows
        self.draw_rows()

    def draw_rows(self) -> None:
        """The table's lines drawn for its width (called as it is sized): the titles
        take what the numbers leave. The width is the list's less the options' padding
        and, when the rows will not all fit, its scrollbar (known here before the
        layout shows it, as the screen sets the list's height)."""
        table = self.query_one(ProgressTable)
        scrolls = len(self.rows) > self._table_rows
        scrollbar = table.styles.scrollbar_size_vertical if scrolls else 0
        width = table.size.width - 2 - scrollbar
        if table.size.width <= 0 or width <= 0 or width == self._drawn_width:
            return
        self._drawn_width = width
        styles = table.styles_for_rows()
        columns = _columns(self.rows, self.totals, width, self.has_cards)
        self._layout = (columns, styles)
        for index in range(len(self.rows)):
            self._draw_row(index)
        self.query_one("#progress-heading", Static).update(_heading_text(columns, styles))
        totals = _row_text(self.totals, columns, styles)
        self.query_one("#progress-totals", Static).update(totals)

    def _draw_row(self, index: int) -> None:
        """One row's line; the cursor's in bold reverse video of its own.

        The reverse is in the line's text because Textual 8 drops `reverse` from an
        OptionList's component styles (`Widget.get_visual_style` builds the style
        without it), so `text-style: reverse` in the stylesheet draws nothing. The
        cursor row goes without its colours: reversed, they would be backgrounds."""
        table = self.query_one(ProgressTable)
        if self._layout is None or not 0 <= index < len(self.rows):
            return
        columns, styles = self._layout
        if index == table.highlighted:
            plain = dict.fromkeys(styles, Style())
            text = _row_text(self.rows[index], columns, plain)
            text.stylize(Style(bold=True, reverse=True))
        else:
            text = _row_text(self.rows[index], columns, styles)
        table.replace_option_prompt_at_index(index, text)

    # ------------------------------------------------------------------ keys
    # The table has the focus: its own keys move (up, down, home, end, the page keys)
    # and Enter (or a click) chooses a row.
    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        previous, self._cursor = self._cursor, event.option_index
        if previous is not None:
            self._draw_row(previous)
        self._draw_row(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
