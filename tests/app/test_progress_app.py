"""The Progress view (issue 19) on its own, in a small host app with fixed numbers: a line
per top-level section (the share read, the cards known, due and new) chosen with the
arrows and Enter, the totals, and the 14-day forecast drawn as bars; a pack without
cards says how to add them. The reader app computes the numbers and opens the section."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator

import pytest
from conftest import CONTENT, wait_until
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.app import App
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widgets import Static

import reader.glyphs
from reader.glyphs import ASCII, UNICODE
from reader.pack import load_pack
from reader.ui.screens.progress import (
    NO_CARDS,
    ForecastPanel,
    ProgressRow,
    ProgressScreen,
    ProgressTable,
)
from reader.ui.styles import NoColorFilter, adapt_to_terminal

SnapCompare = Callable[..., bool]
SIZE = (80, 24)
MONDAY = datetime.date(2025, 3, 3)
FORECAST = [12, 5, 1, 0, 0, 8, 3, 0, 20, 2, 0, 0, 1, 0]


def pack_rows(cards: bool = True) -> list[ProgressRow]:
    """A row for each top-level section of the default pack, with fixed numbers (the
    default pack's titles, so the 80×24 check holds for the pack the reader ships)."""
    pack = load_pack(CONTENT)
    rows = []
    for index, section in enumerate(pack.top_level):
        inside = 1 + sum(1 for other in pack.sections if section in other.ancestors)
        read = (index * 3) % (inside + 1)
        if cards:
            rows.append(
                ProgressRow(section.id, section.title, read, inside, index % 7, index % 4,
                            (index * 7) % 9, index % 3)
            )  # fmt: skip
        else:
            rows.append(ProgressRow(section.id, section.title, read, inside, 0, 0, 0, 0))
    return rows


class _Host(App[None]):
    """Shows one ProgressScreen over an empty screen and keeps what it was dismissed with."""

    def __init__(self, make: Callable[[], ProgressScreen]) -> None:
        super().__init__()
        self.make = make
        self.results: list[str | None] = []

    def on_mount(self) -> None:
        adapt_to_terminal(self, reader.glyphs.current())
        self.push_screen(self.make(), self.results.append)


def progress(rows: list[ProgressRow] | None = None, *, cards: bool = True) -> _Host:
    rows = pack_rows(cards) if rows is None else rows
    due = sum(row.due for row in rows)

    def make() -> ProgressScreen:
        forecast = FORECAST if cards else [0] * 14
        return ProgressScreen(
            "Eczema: is it autoimmune?", rows, forecast, MONDAY, due, "in 3 h" if cards else ""
        )

    return _Host(make)


@pytest.fixture
def unicode_glyphs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Unicode chrome whatever the test machine's locale (the choice is process-wide)."""
    monkeypatch.setattr(reader.glyphs, "_current", UNICODE)
    yield


@pytest.fixture
def ascii_glyphs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(reader.glyphs, "_current", ASCII)
    yield


async def shown(pilot: Pilot) -> ProgressScreen:
    """The view, once its rows are drawn for the table's width."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, ProgressScreen), what="the view")
    screen = app.screen
    assert isinstance(screen, ProgressScreen)
    table = screen.query_one(ProgressTable)
    await wait_until(
        pilot,
        lambda: table.option_count and "/" in str(table.get_option_at_index(0).prompt),
        what="the rows drawn",
    )
    await pilot.pause()
    return screen


def prompt(table: ProgressTable, index: int) -> Text:
    value = table.get_option_at_index(index).prompt
    assert isinstance(value, Text)
    return value


def static_text(screen: ProgressScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def screen_lines(app: App[None]) -> list[str]:
    """What the view draws, as plain text: the dialog's own lines (its border and title)
    and every widget's in it, each rendered whole (`Widget.render_lines`)."""
    dialog = app.screen.query_one("#progress-dialog")
    lines = []
    for widget in [dialog, *dialog.query("*")]:
        strips = widget.render_lines(Region(0, 0, *widget.outer_size))
        lines += ["".join(segment.text for segment in strip) for strip in strips]
    return lines


async def test_each_section_has_a_line_with_its_share_read_and_its_cards(
    unicode_glyphs: None,
) -> None:
    rows = pack_rows()
    app = progress(rows)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        assert table.option_count == len(rows) >= 13
        for index, row in enumerate(rows):
            line = prompt(table, index).plain
            assert line.startswith(row.title[:20]), line
            assert f"{row.read}/{row.sections}" in line
            numbers = line.split()[-3:]
            expected = [str(value) if value else "–" for value in (row.known, row.due, row.new)]
            assert numbers == expected, (row, line)
        # A due count stands out without colour (bold); a zero is a dash, dimmed.
        busy = next(index for index, row in enumerate(rows) if row.due)
        text = prompt(table, busy)
        marked = [
            text.plain[span.start : span.end].strip()
            for span in text.spans
            if getattr(span.style, "bold", False)
        ]
        assert marked == [str(rows[busy].due)], text.spans
        idle = next(index for index, row in enumerate(rows) if index and not row.due)
        assert not any(getattr(span.style, "bold", False) for span in prompt(table, idle).spans)
        # The cursor's row (the first) is bold and reversed as a whole, without colours.
        cursor = prompt(table, 0)
        assert [(span.start, span.end) for span in cursor.spans] == [(0, len(cursor))]
        assert cursor.spans[0].style == Style(bold=True, reverse=True)
        heading = static_text(screen, "#progress-heading")
        assert heading.split() == ["Section", "Read", "Known", "Due", "New"]
        totals = static_text(screen, "#progress-totals")
        assert totals.startswith("All sections")
        read = sum(row.read for row in rows)
        sections = sum(row.sections for row in rows)
        assert f"{read}/{sections}" in totals
        assert totals.split()[-3:] == [
            str(sum(row.known for row in rows)),
            str(sum(row.due for row in rows)),
            str(sum(row.new for row in rows)),
        ]


async def test_80x24_shows_every_section_and_the_chart_without_scrolling(
    unicode_glyphs: None,
) -> None:
    app = progress()
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        assert table.max_scroll_y == 0, "all 13 sections on screen"
        assert screen.query_one("#progress-dialog").max_scroll_y == 0
        panel = screen.query_one(ForecastPanel)
        assert panel.bar_rows >= 4
        keys = screen.query_one("#progress-keys")
        assert keys.region.bottom <= 23 and keys.region.height == 1
        lines = screen_lines(app)
        assert any("Progress: Eczema: is it autoimmune?" in line for line in lines)
        # The chart: today's label bracketed, the busiest day's count over it.
        labels = next(line for line in lines if "[Mo]" in line)
        assert labels.split()[0:8] == ["[Mo]", "Tu", "We", "Th", "Fr", "Sa", "Su", "Mo"]
        assert any(line.split()[:1] == ["20"] for line in lines), "the peak's count on top"
        due = sum(row.due for row in pack_rows())
        assert any(re.search(rf"Due now +{due}$", line.rstrip()) for line in lines)
        week = sum(FORECAST[1:8])  # the seven days after today
        assert any(re.search(rf"Next 7 days +{week}$", line.rstrip()) for line in lines)
        assert any(re.search(r"Next due +in 3 h$", line.rstrip()) for line in lines)


async def test_a_low_terminal_scrolls_the_table_and_keeps_the_keys(
    unicode_glyphs: None,
) -> None:
    app = progress()
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        assert table.max_scroll_y > 0, "fewer rows than sections: the table scrolls"
        await pilot.press("end")
        await wait_until(pilot, lambda: table.scroll_y == table.max_scroll_y)
        assert table.highlighted == table.option_count - 1
        # The last row is drawn whole, not under the scrollbar: its numbers still show.
        assert prompt(table, table.option_count - 1).plain.split()[-1] in {"–", "3"}
        lines = screen_lines(app)
        assert any("Enter open" in line for line in lines)


async def test_a_tall_terminal_draws_taller_bars(unicode_glyphs: None) -> None:
    app = progress()
    async with app.run_test(size=(100, 40)) as pilot:
        screen = await shown(pilot)
        panel = screen.query_one(ForecastPanel)
        assert panel.bar_rows == 8
        assert len(panel.render().plain.splitlines()) == 8 + 2  # type: ignore[union-attr]


async def test_arrows_move_and_enter_opens_that_section() -> None:
    rows = pack_rows()
    app = progress(rows)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        assert table.highlighted == 0
        await pilot.press("down", "down", "down")
        assert table.highlighted == 3
        await pilot.press("up")
        assert table.highlighted == 2
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.results, what="the view to close")
        assert app.results == [rows[2].section_id]


async def test_a_click_opens_the_section_clicked() -> None:
    rows = pack_rows()
    app = progress(rows)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        await pilot.click(table, offset=(4, 5))
        await wait_until(pilot, lambda: app.results, what="the view to close")
        assert app.results == [rows[5].section_id]


@pytest.mark.parametrize("key", ["escape", "q"])
async def test_escape_and_q_close_with_nothing_to_open(key: str) -> None:
    app = progress()
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot)
        await pilot.press("down", key)
        await wait_until(pilot, lambda: app.results, what="the view to close")
        assert app.results == [None]


async def test_a_pack_without_cards_says_how_to_add_them(unicode_glyphs: None) -> None:
    rows = pack_rows(cards=False)
    app = progress(rows, cards=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        assert not screen.query(ForecastPanel), "no empty chart"
        message = static_text(screen, "#progress-no-cards")
        assert message == NO_CARDS
        assert "#flashcards" in message and "::" in message
        heading = static_text(screen, "#progress-heading")
        assert heading.split() == ["Section", "Read"], "no empty card columns"
        table = screen.query_one(ProgressTable)
        assert table.max_scroll_y == 0
        assert prompt(table, 0).plain.split()[-1] == f"{rows[0].read}/{rows[0].sections}"
        await pilot.press("down", "enter")  # reading progress still leads to a section
        await wait_until(pilot, lambda: app.results, what="the view to close")
        assert app.results == [rows[1].section_id]


async def test_long_titles_are_cut_with_an_ellipsis(unicode_glyphs: None) -> None:
    long = "A section title far too long to fit beside its bar and its numbers " * 3
    rows = [
        ProgressRow("long", long, 1, 2, 1, 1, 1, 0),
        ProgressRow("short", "Short", 2, 2, 0, 0, 0, 0),
    ]
    app = progress(rows)
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        first, second = prompt(table, 0).plain, prompt(table, 1).plain
        assert "…" in first and first.startswith("A section title")
        assert len(first) == len(second), "the columns line up"
        assert first.index("1/2") == second.index("2/2")


async def test_ascii_terminals_get_hashes_and_ascii_borders(ascii_glyphs: None) -> None:
    app = progress()
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        lines = screen_lines(app)
        assert all(line.isascii() for line in lines), [line for line in lines if not line.isascii()]
        assert any("##" in line for line in lines)
        assert any("Up/Down section" in line for line in lines)
        assert lines[0].startswith("+-"), "an ASCII border"
        assert screen.query_one(ProgressTable).max_scroll_y == 0


@pytest.mark.parametrize("no_color", [False, True])
async def test_the_cursor_row_is_bold_and_reversed_for_no_colour(
    unicode_glyphs: None, monkeypatch: pytest.MonkeyPatch, no_color: bool
) -> None:
    """The cursor shows without colour: bold and reverse video, through the line filters
    NO_COLOR puts in (the reader's own, as the reader app sets them up)."""
    if no_color:
        monkeypatch.setenv("NO_COLOR", "1")
    app = progress()
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        table = screen.query_one(ProgressTable)
        await pilot.press("down")
        await pilot.pause()

        def drawn(y: int) -> list[Segment]:
            segments = list(table.render_line(y))
            for line_filter in app.get_line_filters():
                segments = line_filter.apply(segments, Color(0, 0, 0))
            return segments

        filters = app.get_line_filters()
        assert any(isinstance(line_filter, NoColorFilter) for line_filter in filters) == no_color
        title = next(segment for segment in drawn(1) if segment.text.strip())
        assert title.text.startswith(pack_rows()[1].title)
        assert title.style is not None and title.style.bold and title.style.reverse
        other = next(segment for segment in drawn(2) if segment.text.strip())
        assert other.style is None or not other.style.reverse
        # The row left behind is drawn plain again.
        left = prompt(table, 0)
        assert not any(span.style == Style(bold=True, reverse=True) for span in left.spans)


async def test_titles_are_shown_as_written_never_as_markup(unicode_glyphs: None) -> None:
    rows = [ProgressRow("a", "[bold]Not bold[/bold] $accent", 0, 1, 1, 0, 0, 0)]
    pack = "[reverse]Pack[/] [@click=app.quit]x[/]"
    app = _Host(lambda: ProgressScreen(pack, rows, FORECAST, MONDAY, 0, ""))
    async with app.run_test(size=SIZE) as pilot:
        screen = await shown(pilot)
        assert f" Progress: {pack} " in screen_lines(app)[0]
        assert prompt(screen.query_one(ProgressTable), 0).plain.startswith(rows[0].title)


def test_progress_view_80x24(snap_compare: SnapCompare, unicode_glyphs: None) -> None:
    async def run_before(pilot: Pilot) -> None:
        await shown(pilot)
        await pilot.press("down", "down")

    assert snap_compare(progress(), terminal_size=SIZE, run_before=run_before)
