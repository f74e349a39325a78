"""Reading state: the model, where it is stored, and that no failure loses data or crashes."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import state_io
from reader.state import (
    HISTORY_LIMIT,
    MAX_SCROLL,
    MAX_TIMESTAMP,
    Bookmark,
    Position,
    ReadingState,
    StateFormatError,
)
from reader.state_store import StateStore

WORKER = Path(__file__).with_name("state_worker.py")
TITLE = "Eczema Primer"


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test fall through to the real ~/.local/state."""
    monkeypatch.delenv(state_io.ENV_STATE_DIR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


@pytest.fixture
def pack_root(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-intro.md").write_text("# Intro\n\nHello.\n")
    return root


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


def open_store(pack_root: Path, state_dir: Path, title: str = TITLE) -> StateStore:
    return StateStore.open(pack_root, title, state_dir=state_dir)


def saving_store(pack_root: Path, state_dir: Path) -> tuple[StateStore, Path]:
    store = open_store(pack_root, state_dir)
    assert store.saving, store.take_notices()
    assert store.path is not None
    return store, store.path


def bad_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".bad-*"))


def temp_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(f".{path.name}.tmp-*"))


def fill(state: ReadingState) -> ReadingState:
    """Use every kind of field, so a round trip that drops one is caught."""
    for section in ("intro", "barrier", "genes"):
        state.visit(Position(section, 3.5))
    state.back()
    state.add_bookmark("barrier", 12.0, "filaggrin")
    state.add_bookmark("genes")
    state.mark_read("intro")
    state.mark_read("genes")
    return state


# --- the model -------------------------------------------------------------------------


def test_round_trip_through_json() -> None:
    state = fill(ReadingState())
    text = json.dumps(state.to_json())
    assert ReadingState.from_json(json.loads(text)) == state
    assert json.loads(text)["version"] == 1


def test_round_trip_through_store(pack_root: Path, state_dir: Path) -> None:
    store, path = saving_store(pack_root, state_dir)
    expected = store.update(fill)
    assert expected.bookmarks and expected.read and expected.history_index == 1
    again = open_store(pack_root, state_dir)
    assert again.path == path
    assert again.load() == expected
    on_disk = json.loads(path.read_text())
    assert on_disk["version"] == 1
    assert on_disk["pack"] == {"root": str(pack_root.resolve()), "title": TITLE}
    assert again.take_notices() == [] and store.take_notices() == []


def test_history_back_and_forward_like_a_browser() -> None:
    state = ReadingState()
    for name in ("a", "b", "c"):
        state.visit(Position(name, 1.0))
    assert state.back() == Position("b", 1.0)
    assert state.back() == Position("a", 1.0)
    assert state.back() is None
    assert state.position == Position("a", 1.0)
    assert state.forward() == Position("b", 1.0)
    assert state.position == Position("b", 1.0)
    assert state.forward() == Position("c", 1.0)
    assert state.forward() is None


def test_visiting_after_back_truncates_forward_history() -> None:
    state = ReadingState()
    for name in ("a", "b", "c"):
        state.visit(Position(name))
    state.back()
    state.back()
    state.visit(Position("d"))
    assert [entry.section for entry in state.history] == ["a", "d"]
    assert state.forward() is None
    assert state.back() == Position("a")


def test_visiting_the_same_section_updates_scroll_instead_of_pushing() -> None:
    state = ReadingState()
    state.visit(Position("a", 0.0))
    state.visit(Position("b", 0.0))
    state.visit(Position("b", 40.0))
    assert state.history == [Position("a"), Position("b", 40.0)]
    assert state.position == Position("b", 40.0)
    state.back()
    state.visit(Position("a", 7.0))  # scrolling where we went back to keeps forward history
    assert state.forward() == Position("b", 40.0)


def test_remembering_the_place_keeps_the_current_history_entrys_scroll() -> None:
    """Back returns to the line the reader left, not to where the section was opened."""
    state = ReadingState()
    state.visit(Position("intro", 0.0))
    state.visit(Position("barrier", 0.0))
    state.remember("barrier", 42.0)
    assert state.position == Position("barrier", 42.0)
    assert state.history[-1] == Position("barrier", 42.0)
    state.remember("genes", 7.0)  # not the current entry's section: history stays
    assert state.position == Position("genes", 7.0)
    assert state.history == [Position("intro", 0.0), Position("barrier", 42.0)]
    state.remember("barrier", float("nan"))  # storable whatever the caller passes
    assert state.history[-1].scroll == 0.0 and state.position == Position("barrier", 0.0)


def test_remembering_with_no_history_sets_only_the_position() -> None:
    state = ReadingState()
    state.remember("intro", 5.0)
    assert state.position == Position("intro", 5.0)
    assert state.history == [] and state.history_index == -1


def test_standing_somewhere_records_no_jump() -> None:
    state = ReadingState()
    state.visit(Position("intro", 0.0))
    state.stand_at(Position("barrier", 3.0))
    assert state.position == Position("barrier", 3.0)
    assert state.history == [Position("intro", 0.0)] and state.history_index == 0


def test_taking_the_history_of_a_copy_that_went_back_keeps_fresher_marks() -> None:
    """Back is worked out on a copy; the stored state, which another session may have
    changed since, takes only the history and the place from it."""
    state = ReadingState()
    for section in ("intro", "barrier", "genes"):
        state.visit(Position(section, 1.0))
    moved = state.copy()
    assert moved.back() == Position("barrier", 1.0)
    stored = state.copy()
    stored.mark_read("intro")  # another session's change since the copy
    stored.take_history(moved)
    assert stored.history == moved.history and stored.history_index == 1
    assert stored.position == Position("barrier", 1.0)
    assert stored.read == {"intro"}
    moved.history[0].scroll = 99.0
    assert stored.history[0].scroll == 1.0, "a copy of the history, not the same entries"


def test_taking_an_empty_history_keeps_the_position() -> None:
    state = ReadingState(position=Position("intro", 2.0))
    state.take_history(ReadingState())
    assert state.position == Position("intro", 2.0)
    assert state.history == [] and state.history_index == -1


def test_the_sidebar_choices_are_set_within_what_loading_accepts() -> None:
    state = ReadingState()
    state.set_sidebar_shown(False)
    state.set_sidebar_width(44)
    assert (state.sidebar_shown, state.sidebar_width) == (False, 44)
    state.set_sidebar_width(3)
    assert state.sidebar_width == 12
    state.set_sidebar_width(10**6)
    loaded = ReadingState.from_json(json.loads(json.dumps(state.to_json())))
    assert loaded.sidebar_width == state.sidebar_width == 500


def test_history_is_capped_dropping_the_oldest() -> None:
    state = ReadingState()
    for number in range(HISTORY_LIMIT + 50):
        state.visit(Position(f"s{number}"))
    assert HISTORY_LIMIT == 200
    assert len(state.history) == 200
    assert state.history[0].section == "s50"
    assert state.history_index == 199
    assert state.back() == Position("s248")


def test_bookmarks_add_rename_delete() -> None:
    state = ReadingState()
    before = time.time()
    first = state.add_bookmark("intro", 4.0, "start here")
    second = state.add_bookmark("genes")
    assert first.id != second.id
    assert first == Bookmark(first.id, "intro", 4.0, "start here", first.created)
    assert before <= first.created <= time.time()
    assert state.rename_bookmark(second.id, "read again")
    assert state.bookmarks[1].note == "read again"
    assert state.delete_bookmark(first.id)
    assert [bookmark.id for bookmark in state.bookmarks] == [second.id]
    assert not state.delete_bookmark(first.id)
    assert not state.rename_bookmark(first.id, "gone")


def test_unstorable_scroll_offsets_become_zero() -> None:
    state = ReadingState()
    state.visit(Position("a", float("nan")))
    bookmark = state.add_bookmark("a", float("inf"))
    state.visit(Position("b", -4.0))
    assert state.history == [Position("a", 0.0), Position("b", 0.0)] and bookmark.scroll == 0.0
    json.dumps(state.to_json(), allow_nan=False)


def test_huge_scroll_offsets_from_callers_are_capped() -> None:
    state = ReadingState()
    state.visit(Position("a", 1e300))
    bookmark = state.add_bookmark("a", 1e300)
    assert state.history == [Position("a", MAX_SCROLL)] and bookmark.scroll == MAX_SCROLL
    assert ReadingState.from_json(json.loads(json.dumps(state.to_json()))) == state


def test_the_latest_storable_bookmark_time_still_formats() -> None:
    state = ReadingState.from_json(
        {"version": 1, "bookmarks": [{"id": "b", "section": "a", "created": MAX_TIMESTAMP}]}
    )
    assert time.strftime("%Y", time.localtime(state.bookmarks[0].created)) == "9999"


def test_bookmarking_the_same_place_twice_keeps_one_bookmark() -> None:
    state = ReadingState()
    first = state.add_bookmark("a", 10.0, "first")
    again = state.add_bookmark("a", 10.4)
    elsewhere = state.add_bookmark("a", 30.0)
    assert again is first and again.note == "first"
    assert state.bookmarks == [first, elsewhere]
    assert state.bookmark_at("a", 10.2) is first and state.bookmark_at("b", 10.0) is None


def test_the_sidebar_layout_is_remembered_and_checked() -> None:
    state = ReadingState(sidebar_width=44, sidebar_shown=False)
    loaded = ReadingState.from_json(json.loads(json.dumps(state.to_json())))
    assert (loaded.sidebar_width, loaded.sidebar_shown) == (44, False)
    assert ReadingState.from_json({"version": 1}).sidebar_width is None
    narrow = {"version": 1, "layout": {"sidebar_width": 3, "sidebar_shown": "yes"}}
    assert (
        ReadingState.from_json(narrow).sidebar_width,
        ReadingState.from_json(narrow).sidebar_shown,
    ) == (12, None)
    with pytest.raises(StateFormatError):
        ReadingState.from_json({"version": 1, "layout": {"sidebar_width": 1e9}})
    with pytest.raises(StateFormatError):
        ReadingState.from_json({"version": 1, "layout": [40]})


def test_bookmark_notes_are_terminal_safe_and_short() -> None:
    state = ReadingState()
    bookmark = state.add_bookmark("intro", note="evil\x1b]52;c;aGk=\x07\nnote " + "x" * 500)
    assert "\x1b" not in bookmark.note and "\n" not in bookmark.note
    assert bookmark.note.startswith("evil note x")
    assert len(bookmark.note) == 200


def test_progress_toggle_mark_and_reset() -> None:
    state = ReadingState()
    assert state.toggle_read("intro") is True
    assert state.read == {"intro"}
    assert state.toggle_read("intro") is False
    assert state.read == set()
    state.mark_read("a")
    state.mark_read("a")
    state.mark_read("b")
    assert state.read == {"a", "b"}
    state.reset_progress()
    assert state.read == set()


def test_from_json_rejects_wrong_outer_shape() -> None:
    with pytest.raises(StateFormatError):
        ReadingState.from_json([])
    with pytest.raises(StateFormatError):
        ReadingState.from_json({"version": 1, "read": "intro"})


# --- identity and location -------------------------------------------------------------


def test_same_root_and_title_share_a_file_even_after_editing(
    pack_root: Path, state_dir: Path, tmp_path: Path
) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("intro"))
    (pack_root / "01-intro.md").write_text("# Intro, rewritten\n\nNew words.\n")
    (pack_root / "02-more.md").write_text("# More\n")
    alias = tmp_path / "alias"
    alias.symlink_to(pack_root)
    for spelling in (pack_root, pack_root / "sub" / "..", alias):
        (pack_root / "sub").mkdir(exist_ok=True)
        other = open_store(spelling, state_dir)
        assert other.path == path
        assert other.load().read == {"intro"}


def test_different_title_or_root_means_a_different_file(
    pack_root: Path, state_dir: Path, tmp_path: Path
) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("intro"))
    retitled = open_store(pack_root, state_dir, title="Another Pack")
    (tmp_path / "copy").mkdir()
    moved = open_store(tmp_path / "copy", state_dir)
    assert len({path, retitled.path, moved.path}) == 3
    assert retitled.load().read == set() and moved.load().read == set()
    assert path.parent == state_dir / "packs"
    assert path.name.endswith("-eczema-primer.json") and len(path.name.split("-")[0]) == 16


def test_env_var_overrides_platformdirs_and_argument_overrides_env(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(state_io.ENV_STATE_DIR, str(tmp_path / "from-env"))
    from_env = StateStore.open(pack_root, TITLE)
    assert from_env.saving and from_env.path is not None
    assert from_env.path.parent == tmp_path / "from-env" / "packs"
    explicit = StateStore.open(pack_root, TITLE, state_dir=tmp_path / "explicit")
    assert explicit.path is not None and explicit.path.parent == tmp_path / "explicit" / "packs"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is the Linux convention")
def test_default_location_is_xdg_state_home(pack_root: Path, tmp_path: Path) -> None:
    store = StateStore.open(pack_root, TITLE)
    assert store.path is not None
    assert store.path.parent == tmp_path / "xdg-state" / "reader" / "packs"


def test_disabled_store_never_touches_disk(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(state_io.ENV_STATE_DIR, str(tmp_path / "from-env"))
    store = StateStore.open(pack_root, TITLE, state_dir=tmp_path / "explicit", enabled=False)
    state = store.update(lambda state: state.mark_read("intro"))
    assert state.read == {"intro"} and store.load().read == {"intro"}
    assert not store.saving and store.path is None
    assert store.take_notices() == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pack"]


# --- integrity of the file -------------------------------------------------------------

GOOD = json.dumps(fill(ReadingState()).to_json()).encode()
HUGE = b'{"version": 1, "pad": "' + b"x" * (4 * 1024 * 1024) + b'"}'
BAD_CONTENTS = {
    "empty": b"",
    "whitespace": b"  \n",
    "truncated": GOOD[: len(GOOD) // 2],
    "not-json": b"hello, I am not JSON",
    "list": b"[1, 2, 3]",
    "no-version": b'{"read": ["intro"]}',
    "version-string": b'{"version": "1"}',
    "version-bool": b'{"version": true}',
    "history-string": b'{"version": 1, "history": "a"}',
    "bookmarks-object": b'{"version": 1, "bookmarks": {"id": "x"}}',
    "read-string": b'{"version": 1, "read": "intro"}',
    "index-string": b'{"version": 1, "history_index": "0"}',
    "position-list": b'{"version": 1, "position": ["a", 1]}',
    "not-utf8": b'{"version": 1, "read": ["caf\xe9\xff"]}',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge": HUGE,
    # Finite but impossible numbers: `B` formatted 1e300 as a date and crashed.
    "bookmark-created-1e300": b'{"version": 1, "bookmarks": [{"id": "b", "section": "a", '
    b'"created": 1e300}]}',
    "bookmark-created-huge-int": b'{"version": 1, "bookmarks": [{"id": "b", "section": "a", '
    b'"created": 1' + b"0" * 400 + b"}]}",
    "position-scroll-1e300": b'{"version": 1, "position": {"section": "a", "scroll": 1e300}}',
    "history-scroll-1e12": b'{"version": 1, "history": [{"section": "a", "scroll": 1e12}]}',
}


@pytest.mark.parametrize("content", BAD_CONTENTS.values(), ids=BAD_CONTENTS.keys())
def test_bad_file_is_set_aside_once_and_we_start_fresh(
    pack_root: Path, state_dir: Path, content: bytes
) -> None:
    store, path = saving_store(pack_root, state_dir)
    path.write_bytes(content)
    assert store.load() == ReadingState()
    notices = store.take_notices()
    assert len(notices) == 1 and "moved" in notices[0]
    [aside] = bad_files(path)
    assert aside.read_bytes() == content
    assert not path.exists()
    assert store.update(lambda state: state.mark_read("intro")).read == {"intro"}
    assert store.saving and store.load().read == {"intro"}
    assert store.take_notices() == []
    assert bad_files(path) == [aside]
    assert ReadingState.from_json(json.loads(path.read_bytes())).read == {"intro"}


def test_symlinked_state_file_is_set_aside_without_touching_its_target(
    pack_root: Path, state_dir: Path, tmp_path: Path
) -> None:
    store, path = saving_store(pack_root, state_dir)
    target = tmp_path / "elsewhere.json"
    target.write_bytes(GOOD)  # even a perfectly good target is not followed
    path.symlink_to(target)
    assert store.load() == ReadingState()
    assert len(store.take_notices()) == 1
    [aside] = bad_files(path)
    assert aside.is_symlink() and aside.readlink() == target
    store.update(lambda state: state.mark_read("fresh"))
    assert target.read_bytes() == GOOD and not target.is_symlink()
    assert not path.is_symlink() and json.loads(path.read_bytes())["read"] == ["fresh"]
    assert store.take_notices() == []


def test_a_directory_in_place_of_the_file_is_set_aside(pack_root: Path, state_dir: Path) -> None:
    store, path = saving_store(pack_root, state_dir)
    path.mkdir()
    assert store.update(lambda state: state.mark_read("intro")).read == {"intro"}
    assert len(store.take_notices()) == 1 and bad_files(path)[0].is_dir()
    assert store.saving and path.is_file()


def test_malformed_entries_are_dropped_not_the_whole_file(pack_root: Path, state_dir: Path) -> None:
    store, path = saving_store(pack_root, state_dir)
    good = {"id": "b1", "section": "intro", "scroll": 2, "note": "ok", "created": 5.0}
    document = {
        "version": 1,
        "from_the_future": {"anything": True},
        "position": {"section": "intro", "scroll": 2.0, "extra": 1},
        "history": [{"section": "intro"}, {"section": 5}, "junk", {"section": "b", "scroll": -3}],
        "history_index": 99,
        "bookmarks": [
            good,
            {"id": "b2", "section": "x", "scroll": "far"},
            {"id": "b3", "section": "evil\x1b[2J"},
            {"id": "b4", "section": "x", "note": 7},
            ["not", "a", "bookmark"],
            {"id": "b1", "section": "duplicate id"},
            {"id": "b5", "section": "x", "scroll": 1e400},
        ],
        "read": ["intro", 3, None, "", "genes"],
    }
    path.write_text(json.dumps(document))
    state = store.load()
    assert store.take_notices() == [] and bad_files(path) == []
    assert state.position == Position("intro", 2.0)
    assert state.history == [Position("intro"), Position("b", 0.0)]
    assert state.history_index == 1
    assert state.bookmarks == [Bookmark("b1", "intro", 2.0, "ok", 5.0)]
    assert state.read == {"intro", "genes"}


def test_file_from_a_newer_reader_is_neither_trusted_nor_overwritten(
    pack_root: Path, state_dir: Path
) -> None:
    store, path = saving_store(pack_root, state_dir)
    future = b'{"version": 2, "read": ["intro"]}'
    path.write_bytes(future)
    assert store.update(lambda state: state.mark_read("x")).read == {"x"}
    assert not store.saving
    [notice] = store.take_notices()
    assert notice.startswith("Reading state will not be saved:") and "newer" in notice
    assert path.read_bytes() == future and bad_files(path) == []


def test_leftover_temp_files_do_not_break_loading_and_are_cleared(
    pack_root: Path, state_dir: Path
) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("intro"))
    for number in range(3):
        (path.parent / f".{path.name}.tmp-dead{number}").write_bytes(b'{"version": 1, "re')
    assert store.load().read == {"intro"}
    assert store.take_notices() == []
    reopened = open_store(pack_root, state_dir)
    assert reopened.load().read == {"intro"} and temp_files(path) == []


def test_a_failing_change_writes_nothing(pack_root: Path, state_dir: Path) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("intro"))
    before = path.read_bytes()

    def broken(state: ReadingState) -> None:
        state.mark_read("half")
        raise RuntimeError("bug in the caller")

    with pytest.raises(RuntimeError):
        store.update(broken)
    assert path.read_bytes() == before and store.load().read == {"intro"} and store.saving


def test_two_stores_at_once_see_each_others_updates(pack_root: Path, state_dir: Path) -> None:
    first, _ = saving_store(pack_root, state_dir)
    second, _ = saving_store(pack_root, state_dir)
    first.update(lambda state: state.mark_read("a"))
    second.update(lambda state: state.mark_read("b"))
    assert first.update(lambda state: state.mark_read("c")).read == {"a", "b", "c"}


# --- when saving is impossible ---------------------------------------------------------


def assert_memory_only_with_one_notice(store: StateStore, existing: frozenset = frozenset()) -> str:
    """No exception, state still works in memory, and the user is told exactly once."""
    assert not store.saving
    assert store.update(lambda state: state.mark_read("intro")).read == existing | {"intro"}
    assert store.update(lambda state: state.mark_read("more")).read == existing | {"intro", "more"}
    assert store.load().read == existing | {"intro", "more"}
    [notice] = store.take_notices()
    assert notice.startswith("Reading state will not be saved: ")
    assert store.take_notices() == []
    return notice


def test_read_only_state_dir(pack_root: Path, tmp_path: Path) -> None:
    locked_dir = tmp_path / "locked"
    locked_dir.mkdir()
    locked_dir.chmod(0o500)
    try:
        try:  # as root, chmod stops nobody: expect whatever the OS really allows
            (locked_dir / "probe").touch()
            (locked_dir / "probe").unlink()
            writable = True
        except PermissionError:
            writable = False
        store = StateStore.open(pack_root, TITLE, state_dir=locked_dir)
        if writable:
            assert store.saving and store.take_notices() == []
        else:
            assert_memory_only_with_one_notice(store)
    finally:
        locked_dir.chmod(0o700)


def test_state_dir_under_a_regular_file(pack_root: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("I am a file")
    store = StateStore.open(pack_root, TITLE, state_dir=tmp_path / "afile" / "x")
    assert store.path is None
    assert_memory_only_with_one_notice(store)
    assert (tmp_path / "afile").read_text() == "I am a file"


def test_home_unset_and_no_override(pack_root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    store = StateStore.open(pack_root, TITLE)
    assert store.path is None
    assert "HOME is not set" in assert_memory_only_with_one_notice(store)


def test_home_missing(pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nobody-home"))
    monkeypatch.delenv("XDG_STATE_HOME", raising=False)
    store = StateStore.open(pack_root, TITLE)
    assert "does not exist" in assert_memory_only_with_one_notice(store)
    assert not (tmp_path / "nobody-home").exists()


def test_lock_impossible(pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    assert_memory_only_with_one_notice(open_store(pack_root, state_dir))


def test_lock_held_too_long_stops_saving_without_writing(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("before"))
    before = path.read_bytes()
    monkeypatch.setattr(state_io, "LOCK_TIMEOUT", 0.2)
    with open(path.with_name(path.name + ".lock"), "a") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        state = store.update(lambda state: state.mark_read("during"))
        assert time.monotonic() - started >= 0.2
    assert state.read == {"before", "during"}
    assert path.read_bytes() == before and not store.saving
    [notice] = store.take_notices()
    assert "locked" in notice


def test_write_error_after_start_switches_to_memory(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("saved"))
    before = path.read_bytes()

    def failing_fsync(fd: int) -> None:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    assert store.update(lambda state: state.mark_read("x")).read == {"saved", "x"}
    monkeypatch.undo()
    assert not store.saving
    assert store.update(lambda state: state.mark_read("y")).read == {"saved", "x", "y"}
    [notice] = store.take_notices()
    assert "Input/output error" in notice
    assert path.read_bytes() == before and temp_files(path) == []


def test_state_folder_replaced_by_a_file_after_start(pack_root: Path, state_dir: Path) -> None:
    store, path = saving_store(pack_root, state_dir)
    store.update(lambda state: state.mark_read("saved"))
    for child in path.parent.iterdir():
        child.unlink()
    path.parent.rmdir()
    path.parent.write_text("not a folder any more")
    assert store.load().read == {"saved"}
    assert_memory_only_with_one_notice(store, existing=frozenset({"saved"}))


# --- several processes -----------------------------------------------------------------


def test_two_processes_lose_no_updates(pack_root: Path, state_dir: Path, tmp_path: Path) -> None:
    go_file = tmp_path / "go"
    command = [sys.executable, str(WORKER), "burst", str(state_dir), str(pack_root), TITLE]
    workers = [
        subprocess.Popen(
            [*command, tag, "200", str(go_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in ("A", "B")
    ]
    time.sleep(0.3)  # let both interpreters start, so the bursts really overlap
    go_file.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))
    assert all(report["saving"] and report["notices"] == [] for report in reports), reports
    assert max(r["start"] for r in reports) < min(r["end"] for r in reports), "no overlap"
    state = open_store(pack_root, state_dir).load()
    expected = {f"{tag}-{number}" for tag in "AB" for number in range(200)}
    assert {bookmark.note for bookmark in state.bookmarks} == expected
    assert len(state.bookmarks) == 400
    assert state.read == expected


def test_sigkill_mid_write_never_leaves_a_partial_file(pack_root: Path, state_dir: Path) -> None:
    path = open_store(pack_root, state_dir).path
    assert path is not None
    command = [sys.executable, str(WORKER), "loop", str(state_dir), str(pack_root), TITLE]
    last_count = 0.0
    for _ in range(20):
        child = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
        time.sleep(random.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        child.stdout.close()
        assert child.returncode == -signal.SIGKILL
        document = json.loads(path.read_bytes())  # whole, never a torn write
        state = ReadingState.from_json(document)
        assert state.position is not None and state.position.section == "counter"
        assert state.position.scroll >= last_count, "a committed update was lost"
        last_count = state.position.scroll
        store = open_store(pack_root, state_dir)  # whatever temp files were left behind
        assert store.load() == state and store.take_notices() == []
        assert temp_files(path) == []
    assert last_count > 20
