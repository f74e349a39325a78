"""The Progress view's drawing (issue 19): the 14-day forecast as vertical bars in eighths
of a cell, and a section's share read as a short horizontal bar, both plain text so they
read without colour, and both in `#` on an ASCII terminal."""

from __future__ import annotations

import datetime
import time

import pytest
from rich.cells import cell_len

from reader.ui.screens.progress import (
    BAR_EIGHTHS,
    SHARE_EIGHTHS,
    SHARE_TRACK,
    ProgressRow,
    _columns,
    day_columns,
    fits_beside,
    forecast_chart,
    share_bar,
)

MONDAY = datetime.date(2025, 3, 3)
FULL = BAR_EIGHTHS[-1]


def stack(lines: list[str], day: int, column: int = 4) -> list[str]:
    """One day's two cells over its bar, bottom up, from the bottom bar row to the top
    row (the count row above the bars included; the labels left out), blank cells
    at the top dropped."""
    x = day * column + 1
    cells = [line[x : x + 2] for line in reversed(lines[:-1])]
    while cells and not cells[-1].strip():
        cells.pop()
    return cells


def test_the_busiest_day_fills_the_height_and_the_rest_scale_in_eighths() -> None:
    lines = forecast_chart([16, 8, 4, 2, 1], MONDAY, 2, ascii=False)
    assert len(lines) == 1 + 2 + 1, "a count row, two bar rows, a label row"
    assert stack(lines, 0) == [FULL * 2, FULL * 2, "16"]
    assert stack(lines, 1) == [FULL * 2, "8 "]
    assert stack(lines, 2) == ["▄▄", "4 "]  # 4 of 16 over 2 rows: 4 eighths
    assert stack(lines, 3) == ["▂▂", "2 "]
    assert stack(lines, 4) == ["▁▁", "1 "]
    # A bar is two cells wide, with a gap either side.
    assert lines[2][0:8] == f" {FULL}{FULL}  {FULL}{FULL} "


def test_every_eighth_is_used_between_empty_and_full() -> None:
    lines = forecast_chart(list(range(9)), MONDAY, 1, ascii=False)
    assert [lines[1][day * 4 + 1] for day in range(1, 9)] == list(BAR_EIGHTHS)
    assert lines[1][1] == "0", "no cards: no bar, a 0 where it would stand"


def test_counts_sit_just_above_their_bars() -> None:
    lines = forecast_chart([12, 3, 0, 2], MONDAY, 4, ascii=False)
    assert stack(lines, 0) == [FULL * 2] * 4 + ["12"], "the tallest bar's count on top"
    # 3 of 12 over 4 rows is exactly one row: its count on the row above it.
    assert stack(lines, 1) == [FULL * 2, "3 "]
    # 2 of 12 is 5⅓ eighths: a partial cell, the count above that.
    assert stack(lines, 3) == ["▅▅", "2 "]
    assert stack(lines, 2) == ["0 "], "a day with nothing has its 0 where its bar would be"


def test_all_zero_days_draw_no_bars_and_say_zero() -> None:
    lines = forecast_chart([0] * 14, MONDAY, 3, ascii=False)
    assert len(lines) == 5
    assert all(not line.strip() for line in lines[:3]), "nothing above the bottom row"
    assert lines[3].split() == ["0"] * 14
    assert not set("".join(lines)) & set(BAR_EIGHTHS)


def test_one_huge_day_still_leaves_every_other_card_visible() -> None:
    counts = [5000, 1, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    lines = forecast_chart(counts, MONDAY, 4, ascii=False)
    # Its count does not fit two cells and a gap: "99+", within its own cell.
    assert lines[0][0:4] == "99+ "
    assert stack(lines, 0)[:4] == [FULL * 2] * 4
    assert stack(lines, 1) == ["▁▁", "1 "], "one card: an eighth at least"
    assert stack(lines, 3) == ["▁▁", "2 "]
    assert stack(lines, 13) == ["▁▁", "1 "]
    assert stack(lines, 2) == ["0 "]


def test_huge_counts_cost_no_more_than_small_ones() -> None:
    """Scaling is integer arithmetic: a count of 10**30 neither loses precision in a
    float nor takes long to draw."""
    start = time.process_time()
    lines = forecast_chart([10**30, 10**30 // 2, 1], MONDAY, 8, ascii=False)
    assert time.process_time() - start < 0.5
    assert stack(lines, 0)[:8] == [FULL * 2] * 8
    assert stack(lines, 1)[:4] == [FULL * 2] * 4
    assert lines[8 - 4][4:8] == "99+ ", "half the peak: its count over the fourth row"
    assert stack(lines, 2) == ["▁▁", "1 "]


def test_labels_are_weekdays_with_today_in_brackets() -> None:
    lines = forecast_chart([1] * 14, MONDAY, 2, ascii=False)
    labels = lines[-1]
    week = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"]
    assert labels.split() == ["[Mo]", *week[1:], *week]
    assert labels[0:4] == "[Mo]"
    assert labels[4:8] == " Tu "
    saturday = forecast_chart([1, 1], datetime.date(2025, 3, 8), 2, ascii=False)[-1]
    assert saturday == "[Sa] Su "


def test_every_line_has_the_same_width() -> None:
    for column in (2, 3, 4):
        lines = forecast_chart([7, 0, 123, 3, 99999], MONDAY, 3, ascii=False, column=column)
        assert {cell_len(line) for line in lines} == {5 * column}, column


def test_narrow_cells_keep_a_gap_and_mark_today() -> None:
    three = forecast_chart([4, 2], MONDAY, 1, ascii=False, column=3)
    assert three[1] == f" {FULL}{FULL} ▄▄"
    assert three[-1] == "[M] Tu"
    two = forecast_chart([4, 2, 0], MONDAY, 1, ascii=False, column=2)
    assert two[1] == f" {FULL} ▄ 0"
    assert two[-1] == " • T W"
    assert forecast_chart([4], MONDAY, 1, ascii=True, column=2)[-1] == " *"


def test_ascii_draws_whole_cells_of_hashes() -> None:
    counts = [16, 8, 3, 1, 0]
    lines = forecast_chart(counts, MONDAY, 4, ascii=True)
    drawn = "".join(lines)
    assert drawn.isascii()
    assert not set(drawn) & set(BAR_EIGHTHS)
    assert stack(lines, 0) == ["##"] * 4 + ["16"]
    assert stack(lines, 1) == ["##"] * 2 + ["8 "]
    assert stack(lines, 2) == ["##", "3 "], "3 of 16 over 4 rows rounds to one cell"
    assert stack(lines, 3) == ["##", "1 "], "one card still shows a cell"
    assert stack(lines, 4) == ["0 "]
    assert lines[-1].split()[0] == "[Mo]"


def test_the_chart_is_as_tall_as_asked_and_never_less_than_one_row() -> None:
    assert len(forecast_chart([1, 2], MONDAY, 6, ascii=False)) == 8
    assert len(forecast_chart([1, 2], MONDAY, 0, ascii=False)) == 3
    assert forecast_chart([], MONDAY, 2, ascii=False) == ["", "", "", ""]


def test_day_cells_narrow_and_the_numbers_move_under_the_chart_when_room_runs_out() -> None:
    assert day_columns(14, 76) == 4
    assert day_columns(14, 50) == 3
    assert day_columns(14, 30) == 2
    assert fits_beside(14, 76), "80 columns: the chart and its numbers side by side"
    assert not fits_beside(14, 60)


# ----------------------------------------------------------------- the share read
@pytest.mark.parametrize(
    ("read", "total", "expected"),
    [
        (0, 7, SHARE_TRACK * 8),
        (7, 7, FULL * 8),
        (4, 8, FULL * 4 + SHARE_TRACK * 4),
        (3, 7, FULL * 3 + SHARE_EIGHTHS[2] + SHARE_TRACK * 4),  # 27.4 eighths: 27
        (1, 1000, SHARE_EIGHTHS[0] + SHARE_TRACK * 7),  # anything read shows
        (999, 1000, FULL * 7 + SHARE_EIGHTHS[6]),  # anything unread keeps it short
        (0, 0, SHARE_TRACK * 8),
        (9, 7, FULL * 8),  # more read than there is: full, not longer
        (-2, 7, SHARE_TRACK * 8),
    ],
)
def test_share_bar_in_eighths(read: int, total: int, expected: str) -> None:
    assert share_bar(read, total, 8, ascii=False) == expected


@pytest.mark.parametrize(
    ("read", "total", "expected"),
    [
        (0, 7, "........"),
        (7, 7, "########"),
        (3, 7, "###....."),
        (1, 1000, "#......."),
        (999, 1000, "#######."),
    ],
)
def test_share_bar_in_ascii(read: int, total: int, expected: str) -> None:
    assert share_bar(read, total, 8, ascii=True) == expected


def test_share_bar_is_always_its_width() -> None:
    for width in (1, 2, 5, 8):
        for total in (1, 3, 7, 13):
            for read in range(total + 1):
                for ascii in (False, True):
                    bar = share_bar(read, total, width, ascii)
                    assert cell_len(bar) == width, (read, total, width, ascii, bar)
                    assert len(bar) == width


# ----------------------------------------------------------------- the table's columns
def test_titles_take_what_the_numbers_leave_and_no_more_than_they_need() -> None:
    rows = [
        ProgressRow("a", "A short one", 1, 3, 10, 2, 140, 0),
        ProgressRow("b", "A title long enough to be cut in a narrow view", 0, 12, 0, 0, 0, 0),
    ]
    totals = ProgressRow("", "All sections", 1, 15, 10, 2, 140, 0)
    wide = _columns(rows, totals, 200, cards=True)
    assert wide.title == len(rows[1].title)
    assert (wide.known, wide.due, wide.new) == (5, 3, 3), "headings wider than the numbers"
    assert wide.fraction == len("1/15")
    narrow = _columns(rows, totals, 60, cards=True)
    used = 2 + narrow.share + 1 + narrow.fraction + 2 + 5 + 1 + 3 + 1 + 3
    assert narrow.title == 60 - used
    without_cards = _columns(rows, totals, 70, cards=False)
    assert without_cards.title == len(rows[1].title), "no card columns: room for the title"
