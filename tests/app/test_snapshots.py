"""What the reader looks like, pinned as SVG snapshots (pytest-textual-snapshot).

Regenerate after an intended change with `pytest tests/app/test_snapshots.py
--snapshot-update`, and look at the SVGs before committing them. Each `run_before`
waits until the screen can no longer change on its own (index built, document fully
rendered, no notification showing), so a snapshot never depends on timing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from conftest import reader, wait_for_index, wait_rendered, wait_until
from textual.pilot import Pilot

from reader.ui.app import ReaderApp
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.document_view import DocumentView

SnapCompare = Callable[..., bool]


#: A pack of every construct GitHub adds to Markdown, and HTML as READMEs hold it (issue 17).
GITHUB_MARKDOWN = Path(__file__).parent / "gfm_pack"


async def settle(pilot: Pilot) -> None:
    """Wait until nothing on screen is still on its way: index, rendering, notices."""
    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await wait_for_index(pilot, app)
    # The cards are found in a worker too: their due counts are in the header and outline.
    if app.pack.may_hold_cards():
        await wait_until(
            pilot,
            lambda: app.study.study is not None and app.study.due_label(),
            what="the due counts",
        )
    await wait_rendered(pilot, app.main.query_one("#document", DocumentView))
    if app.main.query("#comparison.-open"):
        await wait_rendered(pilot, app.main.query_one("#comparison-document", DocumentView))
    await wait_until(pilot, lambda: not app.screen.query("Toast"), what="notifications to go")
    await pilot.pause()


def then(*steps: Callable[[Pilot], Awaitable[Any]]) -> Callable[[Pilot], Awaitable[None]]:
    """Run `steps` after the first screen has settled, then settle again."""

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        for step in steps:
            await step(pilot)
        await settle(pilot)

    return run_before


def press(*keys: str) -> Callable[[Pilot], Awaitable[None]]:
    async def step(pilot: Pilot) -> None:
        await pilot.press(*keys)

    return step


async def open_comparison(pilot: Pilot) -> None:
    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await pilot.press("c")
    await wait_rendered(pilot, app.main.query_one("#comparison-document", DocumentView))


async def open_help(pilot: Pilot) -> None:
    app = pilot.app
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="the help screen")


async def search_filaggrin(pilot: Pilot) -> None:
    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await pilot.press("slash", *"filaggrin")
    await wait_until(
        pilot,
        lambda: app.search.query == "filaggrin" and bool(app.search.hits),
        what="results for filaggrin",
    )


async def define_first_term(pilot: Pilot) -> None:
    """f to the first glossary term of the start page, Enter: its definition beside it."""
    from reader.ui.screens.term_popover import TermPopover

    app: ReaderApp = pilot.app  # type: ignore[assignment]
    view = app.main.query_one("#document", DocumentView)
    await pilot.press("f")
    spot = view._navigator.focused_spot
    assert spot is not None and spot.kind == "term", spot
    await pilot.press("enter")
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, TermPopover) and bool(app.screen.query(DocumentView)),
        what="the popover",
    )
    await wait_rendered(pilot, app.screen.query_one(DocumentView))


async def filter_glossary(pilot: Pilot) -> None:
    """t, then "ige": the glossary filtered, IgE's definition and where it is used."""
    from reader.ui.screens.glossary import GlossaryScreen

    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await pilot.press("t")
    await wait_until(pilot, lambda: isinstance(app.screen, GlossaryScreen), what="glossary")
    screen = app.screen
    await pilot.press(*"ige")
    await wait_until(pilot, lambda: screen.usage is not None, what="the usage count")
    await wait_rendered(pilot, screen.query_one(DocumentView))


def test_main_view_80x24(snap_compare: SnapCompare) -> None:
    """The first screen at the smallest size the sidebar is meant to fit."""
    assert snap_compare(reader(), terminal_size=(80, 24), run_before=then())


def test_main_view_120x40(snap_compare: SnapCompare) -> None:
    """A roomy terminal: text width is capped, the sidebar keeps its size."""
    assert snap_compare(reader(), terminal_size=(120, 40), run_before=then())


def test_comparison_open(snap_compare: SnapCompare) -> None:
    """The comparison table at 80 columns, over the first section."""
    assert snap_compare(reader(), terminal_size=(80, 24), run_before=then(open_comparison))


def test_comparison_open_120x40(snap_compare: SnapCompare) -> None:
    """The comparison where the whole table should fit."""
    assert snap_compare(reader(), terminal_size=(120, 40), run_before=then(open_comparison))


def test_term_popover_80x24(snap_compare: SnapCompare) -> None:
    """A term's definition in a box under the term, the text left in place around it."""
    assert snap_compare(reader(), terminal_size=(80, 24), run_before=then(define_first_term))


def test_glossary_screen_80x24(snap_compare: SnapCompare) -> None:
    """The glossary filtered by "ige": terms, the definition, the sections using it."""
    assert snap_compare(reader(), terminal_size=(80, 24), run_before=then(filter_glossary))


def test_help_screen(snap_compare: SnapCompare) -> None:
    """The key list over the reading screen."""
    assert snap_compare(reader(), terminal_size=(80, 24), run_before=then(open_help))


def test_narrow_layout_60x20(snap_compare: SnapCompare) -> None:
    """Below 70 columns the sidebar is hidden and the text has the width."""
    assert snap_compare(reader(), terminal_size=(60, 20), run_before=then())


def test_narrow_layout_sidebar_overlay(snap_compare: SnapCompare) -> None:
    """s shows the outline as an overlay on a narrow terminal."""
    assert snap_compare(reader(), terminal_size=(60, 20), run_before=then(press("s")))


def test_search_results_filaggrin(snap_compare: SnapCompare) -> None:
    """The ranked results list with highlighted snippets, in place of the outline."""
    assert snap_compare(reader(), terminal_size=(100, 30), run_before=then(search_filaggrin))


def test_search_result_opened_with_highlights(snap_compare: SnapCompare) -> None:
    """A result opened: matches highlighted, the current one stronger, the counter shown."""
    assert snap_compare(
        reader(), terminal_size=(100, 30), run_before=then(search_filaggrin, press("enter"))
    )


def test_github_markdown_80_columns(snap_compare: SnapCompare) -> None:
    """References resolved, a comment hidden, a footnote marker and its note at the end,
    task boxes, two alerts, a definition list, HTML's image, keys and sub/superscripts."""
    assert snap_compare(reader(GITHUB_MARKDOWN), terminal_size=(80, 40), run_before=then())


def test_github_markdown_footnote_followed(snap_compare: SnapCompare) -> None:
    """f to the footnote marker (after two reference links and a bare URL), Enter: the
    note at the section's end is focused, on screen."""
    assert snap_compare(
        reader(GITHUB_MARKDOWN),
        terminal_size=(80, 24),
        run_before=then(press("f", "f", "f", "f", "enter")),
    )


def test_github_markdown_quotes_and_tables(snap_compare: SnapCompare) -> None:
    """A list nested in a block quote, and a table with inline code and an escaped pipe."""
    assert snap_compare(
        reader(GITHUB_MARKDOWN),
        terminal_size=(80, 24),
        run_before=then(press("right_square_bracket")),
    )
