"""reader.ui.styles' colour rules: readable in every depth, and NO_COLOR that keeps
ANSI themes readable (the app-level check is tests/app/test_contrast.py)."""

from __future__ import annotations

from rich.color import Color, ColorSystem, ColorType
from rich.segment import Segment
from rich.style import Style

from reader.ui.styles import TEXT, NoColorFilter, _worst, contrast, readable

NAVY = Color.parse("#2e3440")  # nord's background: a 16-colour terminal shows it grey


def test_contrast_is_wcag() -> None:
    assert round(contrast((0, 0, 0), (255, 255, 255)), 1) == 21.0
    assert contrast((119, 119, 119), (255, 255, 255)) > 4.47


def test_a_readable_colour_is_kept() -> None:
    white = Color.parse("#eeeeee")
    assert readable(white, NAVY, TEXT, True) == white


def test_an_unreadable_colour_moves_only_as_far_as_needed() -> None:
    purple = Color.parse("#9d65ff")  # monokai's keyword colour: 3.3:1 here
    fixed = readable(purple, NAVY, TEXT, True)
    assert fixed != purple and _worst(fixed, (NAVY,), True) >= TEXT
    assert fixed.triplet is not None and fixed.triplet != (255, 255, 255)
    shown = fixed.downgrade(ColorSystem.STANDARD)  # survives a 16-colour terminal
    assert shown.number in (7, 10, 11, 14, 15)


def test_an_ansi_colour_stays_ansi() -> None:
    blue = Color.parse("color(4)")  # 1.6:1 on the console's black
    fixed = readable(blue, Color.default(), TEXT, True)
    assert fixed.type != ColorType.TRUECOLOR and fixed != blue


def test_no_color_keeps_ansi_colours_as_the_terminals_default() -> None:
    segments = [
        Segment("a", Style(color=Color.parse("color(4)"))),
        Segment("b", Style(color=Color.parse("#ff0000"), bgcolor=Color.parse("#000000"))),
        Segment("c", Style(bgcolor=Color.parse("color(3)"))),  # a match: reverse video
    ]
    a, b, c = (segment.style for segment in NoColorFilter().apply(segments, None))  # type: ignore[arg-type]
    assert a is not None and a.color == Color.default()
    assert b is not None and b.color == Color.from_rgb(54, 54, 54) and not b.reverse
    assert c is not None and c.reverse and c.bgcolor == Color.default()
