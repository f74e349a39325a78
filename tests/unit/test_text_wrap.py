"""The fast word wrap must give exactly the lines Rich's `Text.wrap` gives.

Random prose built from the cases that could tell them apart (words longer than a line,
runs of spaces, leading spaces, styled spans across breaks, accents and wide characters
that must go to Rich) is wrapped at random widths both ways.
"""

from __future__ import annotations

import random

from rich.console import Console
from rich.style import Style
from rich.text import Text

from reader.render.wrap import wrap

CONSOLE = Console(width=200, color_system="truecolor", force_terminal=True)
ASCII = ["a", "immune", "barrier,", "x" * 25, "y" * 70, " ", "  ", "   ", "(see", "note)", "it."]
OTHER = ["—", "日本", "é", "\t"]  # wide, accented, a tab: Rich's own path


def lines_of(lines) -> list[tuple[str, list[tuple[int, int, str]]]]:
    return [(line.plain, [(s.start, s.end, str(s.style)) for s in line.spans]) for line in lines]


def test_fast_wrap_gives_the_lines_rich_gives():
    rng = random.Random(3)
    for _ in range(4000):
        pieces = ASCII if rng.random() < 0.8 else ASCII + OTHER
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 30))]
        text = Text((" " if rng.random() < 0.2 else "") + " ".join(words))
        for _ in range(rng.randint(0, 3)):
            if text.plain:
                start = rng.randrange(len(text.plain))
                text.stylize(Style(bold=True), start, rng.randint(start, len(text.plain)))
        width = rng.randint(1, 90)
        expected = lines_of(text.copy().wrap(CONSOLE, width))
        assert lines_of(wrap(text.copy(), CONSOLE, width)) == expected, (text.plain, width)


def test_text_rich_would_treat_specially_goes_to_rich():
    centred = Text("a few words to centre", justify="center")
    assert lines_of(wrap(centred, CONSOLE, 10)) == lines_of(centred.wrap(CONSOLE, 10))
    cropped = Text("x" * 30, overflow="ellipsis")
    assert lines_of(wrap(cropped, CONSOLE, 10)) == lines_of(cropped.wrap(CONSOLE, 10))
