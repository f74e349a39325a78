"""A second review of the glossary (issue 18) in the running reader: the `t` screen's
keys and looks and the popover, in terminals a reader really has (resized, the Linux
console, NO_COLOR). Each case is one behaviour a user would notice.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import contrast, reader, ready, wait_until
from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Input, OptionList

from reader.ui.app import ReaderApp
from reader.ui.screens.glossary import GlossaryScreen
from reader.ui.screens.term_popover import TermPopover

SIZE = (80, 24)

#: A pack whose words are all ASCII, so whatever else the glossary screen shows is chrome.
ASCII_PACK = {
    "01-cells.md": "# Cells\n\n## Signals\n\nA cytokine carries the signal between cells.\n",
    "glossary.md": (
        "# Glossary\n\n"
        "Cytokine\n: A small signalling protein. See [Signals](01-cells.md#signals).\n"
    ),
}


async def open_glossary(pilot: Pilot, app: ReaderApp) -> GlossaryScreen:
    """`t`, as a reader presses it; the sections that use each term counted."""
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="the glossary")
    screen = app.screen
    assert isinstance(screen, GlossaryScreen)
    await wait_until(pilot, lambda: screen.usage is not None, what="the usage count")
    await pilot.pause()
    return screen


def lines_of(widget: Widget) -> list[list[Segment]]:
    """What the widget draws, border included, row by row."""
    width, height = widget.outer_size
    strips = widget.render_lines(Region(0, 0, width, height))
    return [list(strip) for strip in strips]


async def test_the_popover_stays_on_screen_when_the_terminal_shrinks() -> None:
    """The box is sized and placed once, when it opens: shrink the terminal from 80x24 to
    60x20 (a split pane, a phone rotated) and its right border, key hint and the end of
    every line are off screen, the definition cut mid-word."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.define("Dupilumab")
        await wait_until(pilot, lambda: isinstance(app.screen, TermPopover), what="the popover")
        await pilot.pause()
        await pilot.resize_terminal(60, 20)
        await pilot.pause(0.3)
        box = app.screen.query_one("#term-popover").region
        assert box.right <= 60 and box.bottom <= 20, f"{box} on a 60x20 screen"


async def test_the_glossary_screen_draws_ascii_on_the_linux_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TERM=linux: the README promises ASCII arrows, rules and borders, and the reader's
    own chrome keeps it (`+--+`); the glossary screen's two lists keep Textual's tall
    borders (the console font draws their blocks as diamonds), its sections their ` › `
    and its key hint its arrows."""
    monkeypatch.setenv("TERM", "linux")
    for name, text in ASCII_PACK.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    app = reader(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert app.has_class("-ascii")
        screen = await open_glossary(pilot, app)
        shown = {
            f"#{widget.id}": "".join(segment.text for line in lines_of(widget) for segment in line)
            for widget in screen.query("#glossary-dialog, #glossary-dialog *")
            if widget.id and widget.outer_size.area
        }
        assert "Signals" in shown["#glossary-sections"], shown["#glossary-sections"]
        not_ascii = {
            where: sorted({char for char in text if not char.isascii()})
            for where, text in shown.items()
        }
        assert not {where: chars for where, chars in not_ascii.items() if chars}


async def test_page_down_in_the_filter_pages_through_the_terms() -> None:
    """The filter has the cursor while the list is browsed (↑ ↓ move the list); with 98
    terms PgDn is the way to browse, but it does nothing there: no move, no word why."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await open_glossary(pilot, app)
        terms = screen.query_one("#glossary-terms", OptionList)
        assert screen.focused is screen.query_one("#glossary-filter")
        await pilot.press("pagedown")
        await pilot.pause()
        assert (terms.highlighted or 0) > 1, "PgDn in the filter left the list where it was"
        await pilot.press("pageup")
        await pilot.pause()
        assert terms.highlighted == 0


def _background(segments: list[Segment], app: ReaderApp) -> tuple[Style, tuple[int, int, int]]:
    """The style of a row's first letter and its background, through the app's filters
    (NO_COLOR's greys), as the terminal shows them."""
    for line_filter in app.get_line_filters():
        segments = line_filter.apply(segments, Color(0, 0, 0))
    letter = next(segment for segment in segments if segment.text.strip("▊▎ "))
    style = letter.style or Style()
    colour = style.bgcolor or RichColor.parse("black")
    triplet = colour.get_truecolor()
    return style, (triplet.red, triplet.green, triplet.blue)


async def test_without_colour_the_highlighted_term_stands_out(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """NO_COLOR: the term ↑ ↓ move to is shown (the filter keeps the cursor) only by a
    grey a shade lighter than its neighbours' (#333333 by #1e1e1e: 1.3:1), where
    WCAG asks 3:1 of a state indicator; the search results and outline use bold reverse
    for the same reason. Without colour a reader cannot see which term is meant."""
    monkeypatch.setenv("NO_COLOR", "1")
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await open_glossary(pilot, app)
        await pilot.press("down")
        await pilot.pause()
        terms = screen.query_one("#glossary-terms", OptionList)
        assert terms.highlighted == 1
        rows = lines_of(terms)
        label = str(terms.get_option_at_index(1).prompt)
        chosen = next(row for row in rows if label in "".join(s.text for s in row))
        other_label = str(terms.get_option_at_index(2).prompt)
        other = next(row for row in rows if other_label in "".join(s.text for s in row))
        chosen_style, chosen_back = _background(chosen, app)
        other_style, other_back = _background(other, app)
        marked = any(
            getattr(chosen_style, attr) and not getattr(other_style, attr)
            for attr in ("bold", "reverse", "underline")
        )
        ratio = contrast(chosen_back, other_back)
        assert marked or ratio >= 3, f"{chosen_back} vs {other_back}: {ratio:.2f}:1"


async def test_the_footer_under_the_glossary_offers_no_key_the_filter_takes() -> None:
    """The README: "the footer offers only the keys that apply here". With `t` open the
    footer still says `f Next link  q Quit  ? Help`, yet each of those letters is typed
    into the filter: `q` does not quit, `?` shows no help."""
    app = reader()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await open_glossary(pilot, app)
        await pilot.pause(0.3)
        offered = {
            key.key_display.strip(): key.description
            for key in app.main.query("FooterKey")  # by CSS type: the class is private
            if key.display
        }
        typed = {}
        for key, description in offered.items():
            if len(key) != 1:
                continue  # ^p and the like: not a letter the filter takes
            filter_box = screen.query_one("#glossary-filter", Input)
            before = filter_box.value
            await pilot.press(key)
            await pilot.pause()
            if app.screen is screen and filter_box.value != before:
                typed[key] = description
        assert not typed, f"offered, but typed into the filter: {typed}"
