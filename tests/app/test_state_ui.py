"""Remembering the reader's place through the app: resume, history, bookmarks, progress,
`--no-state`, and a corrupt state file that must not stop the reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    CONTENT,
    SIZE,
    document,
    focus_first_link,
    header,
    record_notifications,
    wait_past_dwell,
    wait_rendered,
    wait_until,
)
from textual.pilot import Pilot
from textual.widgets import Button, Input, OptionList

from reader.pack import Pack, load_pack
from reader.state_store import StateStore
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.bookmarks import BookmarksScreen
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.outline import CURRENT_MARK, READ_MARK, Outline

#: Tall enough for the chrome, short enough that "Points to remember" scrolls. At SIZE
#: (100×30) "Start here" fits on one screen, so it is read as soon as it is shown, while
#: "Points to remember" (32 lines) still needs scrolling.
SHORT = (100, 20)
LONG_SECTION = "points-to-remember"


def files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def reading_state_file(folder: Path) -> Path:
    """The pack's reading state among its files (the review state's lie beside it)."""
    return next(
        path
        for path in files_under(folder)
        if path.suffix == ".json" and not path.name.endswith(".cards.json")
    )


def outline_label(app: ReaderApp, section_id: str) -> str:
    """The outline text for a section, unfolding down to it first, without the mark of
    the current section."""
    node = app.main.query_one("#outline", Outline).node_for(section_id)
    assert node is not None, section_id
    return str(node.label).removeprefix(CURRENT_MARK)


def scrolled(view: DocumentView, place: float) -> str:
    return f"scroll_y {place} (it is {view.scroll_y})"


def percent(app: ReaderApp) -> str:
    status = header(app).status
    return next(part for part in status.split("·") if "% read" in part).strip()


def expected_percent(app: ReaderApp, read: int) -> str:
    return f"{100 * read // len(app.pack.sections)}% read"


async def open_and_scroll(pilot: Pilot, app: ReaderApp, section_id: str) -> float:
    """Open a section (the way the palette does) and page down once; return the scroll."""
    app.open_section(section_id)
    view = document(app)
    await wait_rendered(pilot, view)
    await pilot.pause()
    await pilot.press("space")
    await wait_until(pilot, lambda: view.scroll_y > 0, what="the page to scroll")
    await pilot.pause()
    return view.scroll_y


# --------------------------------------------------------------------------- resume


async def test_resume_after_restart(pack: Pack, tmp_path: Path) -> None:
    """Quit in the middle of a section; the next start opens it at the same line."""
    state_dir = tmp_path / "state"
    first = create_app(pack, state_dir=state_dir)
    async with first.run_test(size=SHORT) as pilot:
        await pilot.pause()
        place = await open_and_scroll(pilot, first, LONG_SECTION)
        await pilot.press("q")
    assert first.return_value == 0
    assert files_under(state_dir), "quitting saved the state"

    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=SHORT) as pilot:
        view = document(again)
        await wait_until(pilot, lambda: view.first_screen_ready, what="the first screen")
        await pilot.pause()
        assert again.current is not None and again.current.id == LONG_SECTION
        await wait_until(pilot, lambda: view.scroll_y == place, 2, lambda: scrolled(view, place))
        assert header(again).place.endswith("Points to remember")


async def test_resume_without_quitting_through_q(pack: Pack, tmp_path: Path) -> None:
    """Leaving by other means (the app just ends) still resumes the last section."""
    state_dir = tmp_path / "state"
    first = create_app(pack, state_dir=state_dir)
    async with first.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert first.current is not None
        left_at = first.current.id
    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=SHORT) as pilot:
        await pilot.pause()
        assert again.current is not None and again.current.id == left_at


# --------------------------------------------------------------------------- history


async def test_history_back_and_forward(app: ReaderApp) -> None:
    """H / Backspace go back through visited sections, L forward again, like a browser."""
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await focus_first_link(pilot, document(app))
        await pilot.press("enter")  # follow the anchor link to "Sections in this pack"
        await pilot.pause()
        assert app.current is not None and app.current.id == "sections-in-this-pack"
        await pilot.press("right_square_bracket")
        assert app.current.id == "what-eczema-is"

        await pilot.press("H")
        assert app.current.id == "sections-in-this-pack"
        await pilot.press("backspace")
        assert app.current.id == "start-here"
        await pilot.press("H")  # nothing further back: stays
        assert app.current.id == "start-here"
        await pilot.press("L")
        assert app.current.id == "sections-in-this-pack"
        await pilot.press("L")
        assert app.current.id == "what-eczema-is"
        await pilot.press("L")  # nothing further forward: stays
        assert app.current.id == "what-eczema-is"


async def test_history_restores_the_scroll_of_each_visit(app: ReaderApp) -> None:
    """Back returns to the line the reader had scrolled to, not the top."""
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        place = await open_and_scroll(pilot, app, LONG_SECTION)
        await pilot.press("right_square_bracket")
        assert app.current is not None and app.current.id != LONG_SECTION
        await pilot.press("H")
        view = document(app)
        assert app.current.id == LONG_SECTION
        await wait_until(pilot, lambda: view.scroll_y == place, 2, lambda: scrolled(view, place))


async def test_a_new_jump_after_going_back_drops_the_forward_history(app: ReaderApp) -> None:
    """Back, then a new jump: forward has nothing left, as in a browser."""
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket", "right_square_bracket", "H")
        assert app.current is not None and app.current.id == "what-this-pack-covers"
        await pilot.press("left_square_bracket")
        assert app.current.id == "start-here"
        await pilot.press("L")
        assert app.current.id == "start-here"


# --------------------------------------------------------------------------- bookmarks


def bookmark_list(app: ReaderApp) -> OptionList:
    return app.screen.query_one("#bookmark-list", OptionList)


async def open_bookmarks(pilot: Pilot, app: ReaderApp) -> None:
    await pilot.press("B")
    await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), what="bookmarks")
    await pilot.pause()


async def test_bookmark_add_jump_rename_delete(pack: Pack, tmp_path: Path) -> None:
    """m keeps the place; B lists it; Enter jumps there; r gives it a note; d deletes it."""
    state_dir = tmp_path / "state"
    app = create_app(pack, state_dir=state_dir)
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        place = await open_and_scroll(pilot, app, LONG_SECTION)
        await pilot.press("m")
        assert [(b.section, b.scroll) for b in app.reading.bookmarks] == [(LONG_SECTION, place)]
        await pilot.press("g", "right_square_bracket")
        assert app.current is not None and app.current.id != LONG_SECTION

        await open_bookmarks(pilot, app)
        options = bookmark_list(app)
        assert options.option_count == 1
        assert "Points to remember" in str(options.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the list to close")
        view = document(app)
        assert app.current.id == LONG_SECTION
        await wait_until(pilot, lambda: view.scroll_y == place, 2, lambda: scrolled(view, place))

        await open_bookmarks(pilot, app)
        await pilot.press("r")
        note = app.screen.query_one("#bookmark-note", Input)
        assert note.display and app.focused is note
        await pilot.press(*"revise this", "enter")
        await pilot.pause()
        assert [b.note for b in app.reading.bookmarks] == ["revise this"]
        assert "revise this" in str(bookmark_list(app).get_option_at_index(0).prompt)
        assert app.focused is bookmark_list(app)

        await pilot.press("d")  # asks first (see test_nothing_lost.py)
        await wait_until(pilot, lambda: isinstance(app.focused, Button), what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), what="list")
        assert app.reading.bookmarks == []
        assert "No bookmarks yet" in str(bookmark_list(app).get_option_at_index(0).prompt)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the list to close")

    saved = json.loads(reading_state_file(state_dir / "packs").read_text())
    assert saved.get("bookmarks") == []


async def test_bookmark_with_note_survives_a_restart(pack: Pack, tmp_path: Path) -> None:
    """A bookmark and its note are on disk: the next session lists them."""
    state_dir = tmp_path / "state"
    app = create_app(pack, state_dir=state_dir)
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket", "m")
        await open_bookmarks(pilot, app)
        await pilot.press("r", *"first", "enter", "escape")
        await pilot.press("q")
    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await open_bookmarks(pilot, again)
        prompt = str(bookmark_list(again).get_option_at_index(0).prompt)
        assert "What this pack covers" in prompt and "first" in prompt


async def test_bookmarks_screen_without_bookmarks(app: ReaderApp) -> None:
    """An empty list says how to add one; Enter, r and d do nothing harmful."""
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await open_bookmarks(pilot, app)
        assert "No bookmarks yet" in str(bookmark_list(app).get_option_at_index(0).prompt)
        await pilot.press("enter", "r", "d")
        await pilot.pause()
        assert isinstance(app.screen, BookmarksScreen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the list to close")
        assert app.current is not None and app.current.id == "start-here"


# --------------------------------------------------------------------------- progress


async def test_reaching_the_end_marks_a_section_read(pack: Pack, tmp_path: Path) -> None:
    """A short section is read as soon as it is shown; a long one once its end is seen."""
    app = create_app(pack, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        await wait_until(pilot, lambda: "start-here" in app.reading.read, what="start-here read")
        # A chapter: its tick waits for its subsections, its count shows where it is.
        assert outline_label(app, "start-here") == "Start here  1/4"
        assert percent(app) == expected_percent(app, 1)

        app.open_section(LONG_SECTION)
        view = document(app)
        await wait_rendered(pilot, view)
        await pilot.pause()
        assert LONG_SECTION not in app.reading.read, "its end is not on screen yet"
        assert not outline_label(app, LONG_SECTION).startswith(READ_MARK)
        await pilot.press("G")
        await wait_until(pilot, lambda: LONG_SECTION in app.reading.read, what="the end seen")
        await pilot.pause()
        assert outline_label(app, LONG_SECTION) == READ_MARK + "Points to remember"
        assert percent(app) == expected_percent(app, 2)


async def test_a_section_is_not_read_before_its_end_was_on_screen(
    pack: Pack, tmp_path: Path
) -> None:
    """At 80×24 'Start here' does not fit: opening the pack must not tick it already.
    Its end brought on screen, the same wait ticks it (the positive control)."""
    app = create_app(pack, state_dir=tmp_path / "state")
    app.READ_DWELL = 0.3
    async with app.run_test(size=(80, 24)) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        await wait_past_dwell(pilot, app)
        assert view.line_count > round(view.scroll_y) + view.size.height, "end is below"
        assert "start-here" not in app.reading.read
        assert not outline_label(app, "start-here").startswith(READ_MARK)
        assert percent(app) == "0% read"
        await pilot.press("G")
        await wait_past_dwell(pilot, app)
        assert "start-here" in app.reading.read


async def test_x_toggles_read_and_reset_clears_progress(pack: Pack, tmp_path: Path) -> None:
    """x marks a section read or unread; resetting progress clears every tick."""
    app = create_app(pack, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        app.open_section(LONG_SECTION)
        await pilot.pause()
        assert LONG_SECTION not in app.reading.read
        await pilot.press("x")
        assert LONG_SECTION in app.reading.read
        assert outline_label(app, LONG_SECTION).startswith(READ_MARK)
        await pilot.press("x")
        assert LONG_SECTION not in app.reading.read
        assert not outline_label(app, LONG_SECTION).startswith(READ_MARK)
        await pilot.press("x")
        read = len(app.reading.read)
        assert read >= 1
        assert percent(app) == expected_percent(app, read)

        app.action_reset_progress()  # asks first (see test_nothing_lost.py)
        await wait_until(pilot, lambda: isinstance(app.focused, Button), what="the question")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is app.main, what="the question to go")
        assert app.reading.read == set()
        assert percent(app) == "0% read"
        assert not outline_label(app, LONG_SECTION).startswith(READ_MARK)
        assert not outline_label(app, "start-here").startswith(READ_MARK)


async def test_progress_is_kept_across_sessions(pack: Pack, tmp_path: Path) -> None:
    """Ticks come back after a restart, in the outline and the header."""
    state_dir = tmp_path / "state"
    app = create_app(pack, state_dir=state_dir)
    async with app.run_test(size=SHORT) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        app.open_section(LONG_SECTION)
        await pilot.press("x", "q")
    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=SHORT) as pilot:
        await wait_until(pilot, lambda: again.main.chrome_ready, what="the sidebar")
        assert LONG_SECTION in again.reading.read
        assert outline_label(again, LONG_SECTION).startswith(READ_MARK)
        assert percent(again) == expected_percent(again, len(again.reading.read))


# --------------------------------------------------------------------------- safety


async def test_no_state_writes_nothing(pack: Pack, tmp_path: Path, _isolated_home: Path) -> None:
    """--no-state: bookmarks, ticks, history and the search cache stay in memory."""
    state_dir = tmp_path / "state"
    app = create_app(pack, no_state=True, state_dir=state_dir)
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket", "m", "x", "H")
        await wait_until(pilot, lambda: app.search.index is not None, what="the search index")
        await pilot.press("slash", *"itch", "enter")
        await pilot.pause()
        assert len(app.reading.bookmarks) == 1, "the session itself still remembers"
        await pilot.press("q")
    assert app.return_value == 0
    assert not state_dir.exists() or files_under(state_dir) == []
    assert files_under(_isolated_home) == []


async def test_corrupt_state_file_is_set_aside_with_one_warning(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state file that is not JSON: the reader starts fresh, says so once, keeps the bytes."""
    state_dir = tmp_path / "state"
    store = StateStore.open(pack.root, pack.title, state_dir=state_dir)
    assert store.path is not None
    garbage = b'{"version": 1, "position": {"sect'
    store.path.write_bytes(garbage)

    app = create_app(pack, state_dir=state_dir)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await pilot.press("right_square_bracket", "m", "left_square_bracket")
        await pilot.pause()
        assert app.is_running
        assert app.current is not None and app.current.id == "start-here"
        warnings = [message for severity, message in notices if severity == "warning"]
        assert len(warnings) == 1, notices
        assert "could not be used" in warnings[0]
    aside = sorted(store.path.parent.glob(store.path.name + ".bad-*"))
    assert len(aside) == 1
    assert aside[0].read_bytes() == garbage
    saved = json.loads(store.path.read_text())
    assert len(saved["bookmarks"]) == 1, "the fresh state is saved normally"


async def test_a_bookmark_dated_1e300_is_set_aside_and_b_still_works(
    pack: Pack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state file that parses but holds an impossible date: `B` used to end the app with
    OverflowError while formatting it. The file is set aside like any damaged one."""
    state_dir = tmp_path / "state"
    store = StateStore.open(pack.root, pack.title, state_dir=state_dir)
    assert store.path is not None
    hostile = {
        "version": 1,
        "bookmarks": [{"id": "b1", "section": "start-here", "created": 1e300}],
    }
    store.path.write_text(json.dumps(hostile))

    app = create_app(pack, state_dir=state_dir)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SHORT) as pilot:
        await pilot.pause()
        await pilot.press("m", "B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen))
        assert app.is_running
        await pilot.press("escape")
        warnings = [message for severity, message in notices if severity == "warning"]
        assert len(warnings) == 1 and "could not be used" in warnings[0], notices
    assert len(sorted(store.path.parent.glob(store.path.name + ".bad-*"))) == 1
