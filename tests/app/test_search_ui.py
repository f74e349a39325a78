"""Searching the whole pack from the sidebar, as a reader would: type, pick, step through
the matches, carry on into the next result, and Esc back to where they were."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import (
    CONTENT,
    REPO_ROOT,
    SIZE,
    document,
    header,
    visible_lines,
    wait_for_index,
    wait_until,
)
from textual.pilot import Pilot

from reader.pack import load_pack
from reader.search import SearchIndex
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.outline import Outline
from reader.ui.widgets.search_results import SearchResults


def results(app: ReaderApp) -> SearchResults:
    return app.main.query_one("#results", SearchResults)


def result_texts(app: ReaderApp) -> list[str]:
    return [entry.text.plain for entry in results(app).entries]


def row_of_result(listing: SearchResults, index: int) -> int | None:
    """The screen row (in the list) where result `index` starts, as drawn; None when
    it is not on screen."""
    title = listing.entries[index].text.plain.split("\n")[0].split()
    for y in range(listing.size.height):
        words = listing.render_line(y).text.split()  # a title's first line, if it wraps
        if words and title[: len(words)] == words:
            return y
    return None


async def search_for(pilot: Pilot, query: str) -> None:
    """/ then the query, then wait for the result list to show this query's hits."""
    app: ReaderApp = pilot.app  # type: ignore[assignment]
    await wait_for_index(pilot, app)
    await pilot.press("slash", *query)
    await wait_until(
        pilot,
        lambda: app.search.query == query and results(app).entries and app.search.hits,
        what=f"results for {query!r}",
    )
    await pilot.pause()


def status(app: ReaderApp) -> str:
    return header(app).status


async def test_typing_replaces_the_outline_with_ranked_results(app: ReaderApp) -> None:
    """The results list takes the outline's place; title hits come before body hits."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        outline = app.main.query_one("#outline", Outline)
        assert outline.display and not results(app).display
        await search_for(pilot, "filaggrin")
        assert results(app).display and not outline.display
        assert app.focused is app.main.query_one("#search"), "typing goes on in the box"
        ids = [entry.id for entry in results(app).entries]
        assert ids == [hit.id for hit in app.search.hits]
        # "filaggrin" is a glossary term: its definition comes first (issue 18).
        assert ids[:2] == ["define:Filaggrin", "the-skin-barrier-and-filaggrin"]
        assert result_texts(app)[0].startswith("Definition: Filaggrin")
        assert results(app).highlighted == 0
        sections = [hit for hit in app.search.hits if hit.kind == "section"]
        titled = ["filaggrin" in hit.title.lower() for hit in sections]
        assert titled[:2] == [True, True]
        assert titled == sorted(titled, reverse=True), "a title hit outranks a body hit"
        first = result_texts(app)[1]
        assert first.startswith("The skin barrier and filaggrin")
        snippet = first.split("\n", 1)[1]
        assert snippet.strip(), "a snippet of the body follows the title"
        assert not snippet.startswith("The skin barrier"), "the heading is not repeated"
        second = result_texts(app)[2]
        assert "filaggrin" in second.split("\n", 1)[1].lower(), "a body hit shows its match"
        assert app.current is not None and app.current.id == "start-here", "nothing opened yet"


async def test_result_snippets_keep_punctuation_attached(app: ReaderApp) -> None:
    """'*protein*)' must read 'protein)' in a snippet, not 'protein )'."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "filaggrin")
        loose = [hit.snippet for hit in app.search.hits if re.search(r"\w\s+[,.;:)]", hit.snippet)]
        assert loose == [], "a space before punctuation after emphasis"


async def test_query_with_no_hits_says_so(app: ReaderApp) -> None:
    """A query that matches nothing shows a message, not an empty box."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await wait_for_index(pilot, app)
        await pilot.press("slash", *"zzqqxx")
        await wait_until(
            pilot,
            lambda: any("Nothing matches" in text for text in result_texts(app)),
            what="the no-match message",
        )
        assert app.search.hits == []


async def test_enter_opens_the_best_result_with_matches_highlighted(app: ReaderApp) -> None:
    """Enter in the box opens the first result at its first match, counted in the header."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "filaggrin")
        await pilot.press("enter")
        await pilot.pause()
        view = document(app)
        assert app.current is not None and app.current.id == "the-skin-barrier-and-filaggrin"
        assert view.match_count > 0
        assert view.current_match == 0
        assert f"match 1 of {view.match_count}" in status(app)
        assert app.focused is view
        assert results(app).display, "the results stay for the next pick"


async def test_choosing_a_result_in_the_list_opens_it(app: ReaderApp) -> None:
    """Down moves from the box into the list; Enter on the third result opens that one."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "filaggrin")
        await pilot.press("down")
        assert app.focused is results(app)
        await pilot.press("down", "down")
        wanted = results(app).entries[2].id
        await pilot.press("enter")
        await pilot.pause()
        view = document(app)
        assert app.current is not None and app.current.id == wanted
        assert view.match_count > 0 and view.current_match == 0
        assert f"match 1 of {view.match_count}" in status(app)


async def test_opening_a_result_scrolls_to_a_match_below_the_first_screen(
    tmp_path: Path,
) -> None:
    """A match far down its section must be on screen after Enter, not left below it."""
    root = tmp_path / "pack"
    root.mkdir()
    filler = "\n\n".join(f"Filler paragraph number {n} about nothing." for n in range(60))
    (root / "01-deep.md").write_text(f"# Deep\n\n{filler}\n\nThe zebra is here.\n")
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "zebra")
        await pilot.press("enter")
        await pilot.pause()
        view = document(app)
        assert view.match_count == 1 and view.current_match == 0
        assert any("zebra" in line for line in visible_lines(view)), (
            f"the match is not on screen (scroll_y={view.scroll_y})"
        )


async def test_n_and_shift_n_step_through_matches(app: ReaderApp) -> None:
    """n moves to the next match and N back, with the counter following."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "filaggrin")
        # Past the term's definition to "What filaggrin does": several matches.
        await pilot.press("down", "down", "down", "enter")
        await pilot.pause()
        view = document(app)
        assert app.current is not None and app.current.id == "what-filaggrin-does"
        total = view.match_count
        assert total >= 3
        await pilot.press("n")
        assert view.current_match == 1
        assert f"match 2 of {total}" in status(app)
        await pilot.press("n")
        assert view.current_match == 2
        await pilot.press("N", "N")
        assert view.current_match == 0
        assert f"match 1 of {total}" in status(app)
        assert app.current.id == "what-filaggrin-does"


async def test_n_past_the_last_match_continues_in_the_next_result(app: ReaderApp) -> None:
    """After a section's last match, n opens the next result at its first match."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "filaggrin")
        hits = [hit.id for hit in app.search.hits if hit.kind == "section"]
        await pilot.press("enter")
        await pilot.pause()
        view = document(app)
        for _ in range(view.match_count - 1):
            await pilot.press("n")
        assert view.current_match == view.match_count - 1
        await pilot.press("n")
        await pilot.pause()
        assert app.current is not None and app.current.id == hits[1]
        assert view.match_count > 0 and view.current_match == 0
        assert f"match 1 of {view.match_count}" in status(app)


async def test_shift_n_before_the_first_match_goes_to_the_previous_result_last_match(
    app: ReaderApp,
) -> None:
    """N at a section's first match goes back to the previous result, at its last match."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "filaggrin")
        hits = [hit.id for hit in app.search.hits if hit.kind == "section"]
        # Into the results, past the term's definition, to the third section.
        await pilot.press("down", "down", "down", "down", "enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == hits[2]
        await pilot.press("N")
        await pilot.pause()
        view = document(app)
        assert app.current.id == hits[1]
        assert view.match_count >= 2
        assert view.current_match == view.match_count - 1, "N lands on the last match"
        assert f"match {view.match_count} of {view.match_count}" in status(app)


async def test_escape_clears_the_search_and_keeps_the_place(app: ReaderApp) -> None:
    """Esc from the reading pane: highlights gone, outline back, same section and scroll."""
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.pause()
        await search_for(pilot, "type 2")
        await pilot.press("enter")
        await pilot.pause()
        view = document(app)
        opened = app.current
        assert opened is not None and view.match_count > 0
        place = view.scroll_y
        await pilot.press("escape")
        await pilot.pause()
        assert app.search.query == ""
        assert app.main.query_one("#search").value == ""  # type: ignore[attr-defined]
        assert app.main.query_one("#outline").display
        assert not results(app).display
        assert app.current is opened
        assert view.scroll_y == place
        assert view.match_count == 0 and view.current_match is None
        assert "match" not in status(app)
        assert app.is_running


async def test_escape_in_the_search_box_gives_the_outline_back(app: ReaderApp) -> None:
    """Esc while still typing clears the box and returns to the reading pane."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "itch")
        await pilot.press("escape")
        await pilot.pause()
        assert app.main.query_one("#outline").display
        assert not results(app).display
        assert app.focused is document(app)
        assert app.current is not None and app.current.id == "start-here"


async def test_escape_backs_out_innermost_first(app: ReaderApp) -> None:
    """With the comparison open over a search, Esc closes the comparison, then the search."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await search_for(pilot, "itch")
        await pilot.press("enter")
        await pilot.pause()
        opened = app.current
        await pilot.press("c")
        await pilot.pause()
        panel = app.main.query_one("#comparison")
        assert panel.has_class("-open")
        await pilot.press("escape")
        await pilot.pause()
        assert not panel.has_class("-open")
        assert app.search.active, "the first Esc only closes the comparison"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.search.active
        assert app.current is opened


async def test_query_before_the_index_is_ready_shows_indexing(
    app: ReaderApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Typing before the index exists says 'Indexing…', then shows results once it is."""
    gate = threading.Event()
    real_build = SearchIndex.build

    def held_build(*args: object, **kwargs: object) -> SearchIndex:
        gate.wait(timeout=30)
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SearchIndex, "build", held_build)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("slash", *"filaggrin")
            await pilot.pause()
            assert app.search.index is None
            assert results(app).display
            assert result_texts(app) == ["Indexing…"]
            gate.set()
            await wait_for_index(pilot, app)
            await wait_until(pilot, lambda: app.search.hits, what="results after indexing")
            await pilot.pause()
            assert results(app).entries[1].id == "the-skin-barrier-and-filaggrin"
    finally:
        gate.set()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "reader", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def test_cli_search_prints_ranked_results() -> None:
    """`reader --search QUERY PATH` prints title [id], path and snippet, best first."""
    done = run_cli("--search", "filaggrin", str(CONTENT))
    assert done.returncode == 0, done.stderr
    heads = [line for line in done.stdout.splitlines() if not line.startswith(" ")]
    assert heads[0] == "The skin barrier and filaggrin  [the-skin-barrier-and-filaggrin]"
    assert heads[1] == "What filaggrin does  [what-filaggrin-does]"
    assert len(heads) >= 5
    assert "    in The skin barrier and filaggrin" in done.stdout
    assert "\x1b" not in done.stdout, "no terminal escapes when not on a terminal"


def test_cli_search_with_no_hits_fails_politely() -> None:
    """No hits: exit code 1, a one-line message on stderr, no traceback."""
    done = run_cli("--search", "zzqqxx", str(CONTENT))
    assert done.returncode == 1
    assert done.stdout == ""
    assert "nothing matches" in done.stderr
    assert "Traceback" not in done.stderr


async def test_keys_typed_while_the_sidebar_mounts_reach_it_in_order() -> None:
    """Type-ahead: "/" and a query pressed before the search box exists are not lost,
    and "c" in the query is a letter for the box, not the comparison key."""
    app = create_app(load_pack(CONTENT), no_state=True)
    app.CHROME_DELAY = 0.5  # leave the app idle, the sidebar not yet mounted
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: document(app).first_screen_ready, what="the text")
        await pilot.press("slash", "e", "c", "z")
        assert app.main.search_box is None and app.held_key_count == 4
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        await wait_until(pilot, lambda: app.search.query == "ecz", what="the query typed")
        assert app.focused is app.main.search_box
        assert not app.main.query("#comparison.-open"), "'c' went to the box"
        assert app.held_key_count == 0


async def test_the_results_list_takes_the_outlines_place_as_the_box_gets_focus(
    app: ReaderApp,
) -> None:
    """ "/" shows the (empty) results list at once, so typing only fills it; leaving the
    box empty brings the outline back."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        outline = app.main.query_one("#outline", Outline)
        await pilot.press("slash")
        await pilot.pause()
        assert results(app).display and not outline.display
        assert result_texts(app) == ["Type to search the whole pack"]
        await pilot.press("f", "i", "l", "backspace", "backspace", "backspace")
        await pilot.pause()
        assert results(app).display and not outline.display, "still searching: box focused"
        await pilot.press("down")  # into the (empty) list: still searching
        await pilot.pause()
        assert app.focused is results(app) and results(app).display
        await pilot.press("escape")  # nothing typed, focus elsewhere: the outline is back
        await pilot.pause()
        assert app.focused is document(app)
        assert outline.display and not results(app).display


async def test_the_results_list_moves_by_result_and_page_and_up_returns_to_the_box(
    app: ReaderApp,
) -> None:
    """Down/up move one result, End/Home jump, PageDown moves about a screenful; each
    keeps the highlighted result in view, and Up from the first goes back to the box."""
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "skin")
        listing = results(app)
        count = len(listing.entries)
        assert count > 5, "enough results to scroll"
        await pilot.press("down")
        assert app.focused is listing and listing.highlighted == 0
        await pilot.press("down", "j")
        assert listing.highlighted == 2
        await pilot.press("k")
        assert listing.highlighted == 1
        await pilot.press("end")
        await pilot.pause()
        assert listing.highlighted == count - 1
        assert listing.scroll_offset.y > 0, "the last result was scrolled into view"
        assert row_of_result(listing, count - 1) is not None, "its first row is on screen"
        assert listing.scroll_offset.y == listing.max_scroll_y, "and so is its last"
        await pilot.press("home")
        await pilot.pause()
        assert listing.highlighted == 0 and listing.scroll_offset.y == 0
        await pilot.press("pagedown")
        assert listing.highlighted > 1, "a page is several results"
        await pilot.press("pageup")
        assert listing.highlighted == 0
        await pilot.press("up")
        assert app.focused is app.main.search_box, "up from the first result: back to the box"


async def test_clicking_a_result_opens_it(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "filaggrin")
        listing = results(app)
        second = row_of_result(listing, 1)
        assert second is not None
        wanted = listing.entries[1].id
        assert await pilot.click(listing, offset=(3, second + 1))  # its second line
        await pilot.pause()
        assert app.current is not None and app.current.id == wanted
        assert document(app).match_count > 0


async def test_results_rewrap_when_the_sidebar_width_changes(app: ReaderApp) -> None:
    """A wider terminal, a wider sidebar (40% of the width, up to 32 columns): fewer
    rows, and every line fits the new width."""
    async with app.run_test(size=(70, 30)) as pilot:
        await search_for(pilot, "filaggrin")
        listing = results(app)
        await pilot.pause()
        narrow_rows = listing.virtual_size.height
        narrow_width = listing.scrollable_content_region.width
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        await pilot.pause()
        wide_width = listing.scrollable_content_region.width
        assert wide_width > narrow_width
        assert listing.virtual_size.height < narrow_rows
        lines = [listing.render_line(y) for y in range(listing.size.height)]
        assert all(line.cell_length == wide_width for line in lines)
        assert lines[0].text.startswith("Definition: Filaggrin")


def marked_in(app: ReaderApp, index: int) -> list[str]:
    """The words the results list marks as matches in entry `index`, as drawn."""
    text = results(app).entries[index].text
    match = results(app)._style("search-results--match")
    return [text.plain[span.start : span.end] for span in text.spans if span.style == match]


async def test_one_letter_lists_titles_starting_with_it_and_says_so(app: ReaderApp) -> None:
    """The first key of a search finds titles only (issue 21: it was the slow key with
    ten readers typing); the header says so; the second key searches the text again."""
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "s")
        titled = [s.id for s in app.pack.sections if s.title.lower().startswith("s")]
        assert [hit.id for hit in app.search.hits] == titled[:20], "in reading order"
        assert "titles starting with “s” · type more to search the text" in status(app)
        for index, hit in enumerate(app.search.hits):
            first_word = re.match(r"\w+", hit.title)
            assert first_word is not None
            assert marked_in(app, index) == [first_word.group()], "the title's first word only"
        await pilot.press("k")
        await wait_until(pilot, lambda: app.search.query == "sk", what="the second key")
        await pilot.pause()
        assert "titles" not in status(app)
        assert any(not hit.title.lower().startswith("s") for hit in app.search.hits)
        snippet_marks = [
            word for index in range(len(app.search.hits)) for word in marked_in(app, index)[1:]
        ]
        assert any(word.lower().startswith("sk") for word in snippet_marks), "the text marked"
        await pilot.press("backspace")
        await wait_until(pilot, lambda: "titles starting" in status(app), what="titles again")
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == titled[0]
        assert "titles starting" not in status(app), "a result opened: its matches counted"


async def test_one_letter_no_title_starts_with(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_index(pilot, app)
        assert not any(s.title.lower().startswith("z") for s in app.pack.sections)
        await pilot.press("slash", "z")
        message = "No title starts with “z” · type more to search the text"
        await wait_until(pilot, lambda: result_texts(app) == [message], what="the message")
        assert app.search.hits == []


async def test_a_one_letter_glossary_term_shows_its_definition_then_titles(
    tmp_path: Path,
) -> None:
    """A term of one letter is still a term: its definition first, then the titles."""
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-vitamins.md").write_text(
        "# Vitamins\n\nD is made in the skin.\n\n## Deficiency\n\nDry skin, dull days.\n"
    )
    (root / "glossary.md").write_text("# Glossary\n\nD\n: Vitamin D, made in sunlit skin.\n")
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await search_for(pilot, "d")
        assert [hit.id for hit in app.search.hits] == ["define:D", "deficiency"]
        assert result_texts(app)[0].startswith("Definition: D")
        assert "titles starting with “d”" in status(app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == "deficiency"
