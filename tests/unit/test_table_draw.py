"""Tables drawn directly must look exactly as Rich's `Table` draws them.

`draw_table` replaced a Rich `Table` for speed; Rich stays here as the reference. Random
tables (wide words, accents, CJK, styled spans, ragged rows, every alignment) at random
widths must give the same lines, cell for cell and style for style.
"""

from __future__ import annotations

import random

from rich import box
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

from reader.render.table import column_widths, draw_table, words_fit

CONSOLE = Console(width=200, color_system="truecolor", force_terminal=True)
HEADER, BORDER = Style(bold=True, color="red"), Style(color="blue")
WORDS = ["a", "bb", "immune", "barrier", "filaggrin", "supercalifragilistic", "x" * 30]
WORDS += ["déjà", "日本語", "naïve", "—"]


def rich_lines(header: list[Text], rows: list[list[Text]], aligns: list[str], width: int):
    """What the reading pane drew before: a Rich Table, as it was configured."""
    columns = max(len(header), max((len(row) for row in rows), default=0))
    table = Table(
        box=box.ROUNDED,
        show_lines=True,
        header_style=HEADER,
        border_style=BORDER,
        expand=False,
        padding=(0, 1),
    )
    for number in range(columns):
        align = aligns[number] if number < len(aligns) else "left"
        table.add_column(
            header[number] if number < len(header) else Text(""),
            vertical="top",
            overflow="fold",
            justify=align if align in ("left", "center", "right") else "left",
        )
    for row in rows:
        table.add_row(*row)
    options = CONSOLE.options.update(width=width, height=None, highlight=False)
    return CONSOLE.render_lines(table, options, pad=False)


def comparable(line) -> list[Segment]:
    """Segments merged by style, with no style and an empty style counted the same."""
    return list(Segment.simplify(Segment(text, style or Style()) for text, style, _ in line))


def random_cell(rng: random.Random) -> Text:
    text = Text(" ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 6))))
    if text.plain and rng.random() < 0.3:
        text.stylize(Style(italic=True, meta={"link": 1}), 0, rng.randint(1, len(text.plain)))
    return text


def test_tables_come_out_as_rich_draws_them():
    rng = random.Random(5)
    compared = 0
    while compared < 800:
        columns = rng.randint(1, 5)
        header = [random_cell(rng) for _ in range(rng.choice([columns, rng.randint(1, columns)]))]
        rows = [
            [random_cell(rng) for _ in range(rng.choice([columns, rng.randint(1, columns)]))]
            for _ in range(rng.randint(0, 4))
        ]
        if not any(cell.plain for row in [header, *rows] for cell in row):
            continue  # a table of blanks only: Rich styles its header blank differently
        aligns = [rng.choice(["left", "right", "center", ""]) for _ in range(columns)]
        width = rng.randint(columns * 14, 120)
        expected = [comparable(line) for line in rich_lines(header, rows, aligns, width)]
        drawn = draw_table(
            header, rows, aligns, width, console=CONSOLE, header_style=HEADER, border_style=BORDER
        )
        assert [comparable(line) for line in drawn] == expected, (header, rows, aligns, width)
        compared += 1


def test_the_widest_columns_give_way_first():
    cells = [[Text("x" * 40), Text("y" * 10), Text("z" * 30)]]
    assert column_widths(cells, 200) == [42, 12, 32]  # each its longest line, padded
    # 66 cells left inside the four vertical lines: 42 comes down to 32, then both to 27.
    assert column_widths(cells, 70) == [27, 12, 27]


def rendered(markdown: str, width: int) -> list[str]:
    """The reading pane's lines for a Markdown table, as plain text."""
    from reader.markdown import parse
    from reader.render.blocks import BuildContext, build_blocks
    from reader.render.draw import BlockRenderer, RenderStyles

    (table,) = build_blocks(parse(markdown), BuildContext())
    return [line.text for line in BlockRenderer(CONSOLE, RenderStyles()).render(table, width)]


WIDE = "| Drug | Target | Notes |\n|---|---|---|\n| dupilumab | IL-4Rα | blocks {} |\n"


def test_a_table_whose_words_fit_is_drawn_as_a_table():
    lines = rendered(WIDE.format("two cytokines"), 60)
    assert lines[0].startswith("╭") and "│ dupilumab" in "\n".join(lines)


def test_a_word_too_long_for_its_column_turns_the_table_into_cards():
    """A table would fold the word in the middle: one card per row reads better."""
    url = "https://example.org/" + "a-very-long-path/" * 3
    lines = rendered(WIDE.format(url), 60)
    assert not any(line.startswith("╭") for line in lines)
    assert lines[0] == "dupilumab" and "  Target: IL-4Rα" in lines
    assert words_fit([[Text("a" * 10), Text("b" * 10)]], 10 + 10 + 4 + 3)
    assert not words_fit([[Text("a" * 10), Text("b" * 10)]], 10 + 10 + 4 + 2)
