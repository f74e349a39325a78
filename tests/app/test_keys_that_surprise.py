"""Issue 15, "Keys that surprise": what a new student met in twenty minutes of reading.

Each test is one report: a second "/" kept the old query, keys typed quickly after ↓
were lost, Tab never reached the outline, keys that did nothing said nothing, b at the
top of a section did not go back, help lost its descriptions on a narrow terminal, and
the comparison's header row scrolled away.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    SIZE,
    document,
    record_notifications,
    visible_lines,
    wait_for_index,
    wait_rendered,
    wait_until,
)
from rich.text import Text
from textual import events
from textual.pilot import Pilot
from textual.widgets import Static

from reader.pack import load_pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.key_footer import KeyFooter
from reader.ui.widgets.outline import Outline
from reader.ui.widgets.search_results import SearchResults


def box(app: ReaderApp):
    return app.main.query_one("#search")


def results(app: ReaderApp) -> SearchResults:
    return app.main.query_one("#results", SearchResults)


def burst(app: ReaderApp, *keys: str) -> None:
    """Keys as they come over SSH: all in the app's queue before the first is handled."""
    for key in keys:
        character = key if len(key) == 1 else None
        event = events.Key(key, character)
        event.set_sender(app)
        app.post_message(event)


async def ready(pilot: Pilot) -> None:
    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar and footer")
    await pilot.pause()


def footer_descriptions(app: ReaderApp) -> list[str]:
    keys = app.main.query_one(KeyFooter).query("FooterKey")  # by CSS type: a private class
    return [getattr(key, "description", "") for key in keys]


def tiny_pack(tmp_path: Path, text: str):
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-a.md").write_text(text)
    return load_pack(root)


# ----------------------------------------------------------------- a fresh query, history


async def test_a_second_slash_starts_a_fresh_query_and_up_recalls_the_old_one(
    app: ReaderApp,
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for_index(pilot, app)
        await pilot.press("slash", *"itch", "enter")
        await wait_until(pilot, lambda: app.focused is document(app), what="the result opened")
        await pilot.press("slash", *"filaggrin")
        await wait_until(pilot, lambda: app.search.query == "filaggrin", what="a fresh query")
        assert box(app).value == "filaggrin"
        await pilot.press("up")
        assert box(app).value == "itch", "↑ in the box recalls the earlier query"
        assert app.focused is box(app)
        await pilot.press("down")
        assert box(app).value == "filaggrin", "↓ goes forward again"
        await wait_until(pilot, lambda: app.search.query == "filaggrin", what="the query back")
        await pilot.press("down")
        assert app.focused is results(app), "↓ past the newest query moves into the results"
        await pilot.press("up")
        assert app.focused is box(app), "↑ at the first result goes back to the box"


# ------------------------------------------------------------------- keys in a burst


async def test_keys_in_a_burst_after_down_reach_the_results(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for_index(pilot, app)
        burst(app, "slash", *"barrier", "down", "j", "j")
        await wait_until(pilot, lambda: app.focused is results(app), what="the results")
        await pilot.pause()
        assert box(app).value == "barrier"
        assert results(app).highlighted == 2


async def test_keys_in_a_burst_after_escape_and_enter_reach_the_reading_pane(
    app: ReaderApp,
) -> None:
    async with app.run_test(size=(100, 14)) as pilot:
        await ready(pilot)
        await wait_for_index(pilot, app)
        assert document(app).max_scroll_y > 2
        burst(app, "slash", *"itch", "escape", "j", "j")
        await wait_until(pilot, lambda: app.focused is document(app), what="the reading pane")
        await pilot.pause()
        assert box(app).value == ""
        await wait_until(pilot, lambda: document(app).scroll_y == 2, what="j j in the text")
        burst(app, "slash", *"barrier", "enter", "j")
        await wait_until(pilot, lambda: app.focused is document(app), what="the reading pane")
        await pilot.pause()
        assert box(app).value == "barrier"
        assert app.current is not None and app.current.id == app.search.hits[0].id


async def test_keys_in_a_burst_in_the_box_keep_their_order(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        burst(app, "slash", *"ac", "left", "b")
        await wait_until(pilot, lambda: len(box(app).value) == 3, what="three letters")
        assert box(app).value == "abc"


# --------------------------------------------------------------------------------- Tab


async def test_tab_goes_search_box_outline_reading_pane(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        outline = app.main.query_one("#outline", Outline)
        await pilot.press("right_square_bracket", "right_square_bracket")
        current = app.current
        assert current is not None
        await pilot.press("tab")
        assert app.focused is box(app)
        await pilot.press("tab")
        assert app.focused is outline and outline.display
        assert outline.cursor_node is not None and outline.cursor_node.data == current.id
        await pilot.press("tab")
        assert app.focused is document(app)
        await pilot.press("shift+tab")
        assert app.focused is outline
        assert outline.cursor_node is not None and outline.cursor_node.data == current.id


async def test_tab_reaches_the_results_only_when_there_are_results(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        await wait_for_index(pilot, app)
        await pilot.press("slash", *"filaggrin")
        await wait_until(pilot, lambda: app.search.hits, what="results")
        await pilot.press("tab", "tab")
        assert app.focused is document(app)
        await pilot.press("tab")
        assert app.focused is results(app) and results(app).display
        await pilot.press("tab")
        assert app.focused is box(app)


# ------------------------------------------------------------------- keys that do nothing


async def test_keys_that_do_nothing_say_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = tiny_pack(tmp_path, "# Alpha\n\nSome text, one section, no links.\n")
    app = create_app(pack, no_state=True)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        shown = footer_descriptions(app)
        assert "Compare" not in shown, "no comparison: c is not offered"
        assert "Next link" not in shown, "no links: f is not offered"
        expected = {
            "c": "comparison",
            "n": "No search yet",
            "N": "No search yet",
            "f": "No links",
            "backspace": "back",
            "left_square_bracket": "first section",
        }
        for key, words in expected.items():
            before = len(notices)
            await pilot.press(key)
            await pilot.pause()
            assert len(notices) == before + 1, f"{key} said nothing"
            assert words.lower() in notices[-1][1].lower(), (key, notices[-1])
        assert "Next section" not in footer_descriptions(app), "the only section is the last"
        before = len(notices)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert len(notices) == before + 1 and "last section" in notices[-1][1].lower()


# ----------------------------------------------------------------------- b at the top


async def test_b_at_the_top_goes_back_to_the_end_of_the_previous_section(
    app: ReaderApp,
) -> None:
    async with app.run_test(size=(100, 24)) as pilot:
        await ready(pilot)
        first = app.current
        await pilot.press("right_square_bracket")
        assert app.current is not first
        view = document(app)
        await pilot.press("b")
        await wait_until(pilot, lambda: app.current is first, what="the previous section")
        await wait_rendered(pilot, view)
        await pilot.pause()
        assert view.max_scroll_y > 0
        assert view.scroll_y == view.max_scroll_y, "reading backwards lands on its end"
        await pilot.press("g", "right_square_bracket")
        await pilot.press("pageup")
        await wait_until(pilot, lambda: app.current is first, what="PgUp goes back too")


# ------------------------------------------------------------------------------- help


def help_lines(app: ReaderApp) -> list[str]:
    table = app.screen.query_one("#help-table", Static)
    width = table.content_region.width
    lines = app.console.render_lines(
        table.content, app.console.options.update_width(width), pad=False
    )
    return ["".join(segment.text for segment in line).rstrip() for line in lines]


@pytest.mark.parametrize("width", [60, 80])
async def test_help_at_60_columns_keeps_each_key_on_one_line(app: ReaderApp, width: int) -> None:
    async with app.run_test(size=(width, 30)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        lines = help_lines(app)
        for line in lines:
            if line.startswith("  ") and line.strip():
                pytest.fail(f"a wrapped description: {line!r}")
        assert any("Next section" in line and "]" in line for line in lines)


async def test_help_at_40_columns_puts_descriptions_below_their_keys(app: ReaderApp) -> None:
    async with app.run_test(size=(40, 20)) as pilot:
        await ready(pilot)
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.pause()
        lines = help_lines(app)
        text = "\n".join(lines)
        for words in ("Next section", "Compare", "Next link", "Bookmark"):
            assert words in text, f"{words!r} lost at 40 columns"
        index = next(i for i, line in enumerate(lines) if line.strip() == "]")
        assert "Next section" in lines[index + 1]


async def test_the_palette_lists_one_way_to_see_every_key(app: ReaderApp) -> None:
    from reader.ui.commands import ACTIONS

    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        titles += [title for title, _action, _help in ACTIONS]
        keys = [title for title in titles if "key" in title.lower() or "help" in title.lower()]
        assert len(keys) == 1, keys


# ------------------------------------------------------------------------- comparison


async def test_the_comparison_keeps_its_header_row_and_uses_the_width(app: ReaderApp) -> None:
    async with app.run_test(size=(200, 20)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        table = app.main.query_one("#comparison-document")
        await wait_rendered(pilot, table)
        await pilot.pause()
        assert max(len(line.rstrip()) for line in table.plain_lines()) > 120
        header_row = app.main.query_one("#comparison-header", Static)
        assert "Atopic dermatitis" in " ".join(visible_lines(table)[:4]), (
            "the header row, in the table"
        )
        for _ in range(10):
            await pilot.press("down")
        await pilot.pause()
        assert table.scroll_y > 2
        assert header_row.display, "the header row stays above the scrolled body"
        header_text = str(header_row.render())
        assert "Classic autoimmune" in header_text and "Atopic dermatitis" in header_text
        assert "Atopic dermatitis" not in " ".join(visible_lines(table)[:1])


def test_cards_keep_a_hanging_indent() -> None:
    from rich.console import Console

    from reader.markdown import parse
    from reader.render.blocks import BuildContext, build_blocks
    from reader.render.draw import BlockRenderer, RenderStyles

    cell = "a long value that has to wrap over more than one line of this narrow card"
    markdown = f"| Name | Note | Other |\n|---|---|---|\n| x | {cell} | y |\n"
    blocks = build_blocks(parse(markdown), BuildContext())
    renderer = BlockRenderer(Console(width=30), RenderStyles(), None)
    lines = [line.text.rstrip() for line in renderer.render(blocks[0], 24)]
    note = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Note:"))
    assert lines[note + 1].startswith("    "), lines
    assert Text(lines[note + 1]).plain.strip()
