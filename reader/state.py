"""Per-user, per-pack reading state: where you were, where you went, bookmarks, what you read.

The reading-state feature is three core modules (no Textual in any of them):
this one is the data and its JSON form, :mod:`reader.state_store` loads and saves it
safely, :mod:`reader.state_io` holds the filesystem mechanics. Public API::

    # reader.state
    Position(section: str, scroll: float = 0.0)
    Bookmark(id: str, section: str, scroll: float = 0.0, note: str = "", created: float = 0.0)
    ReadingState(position=None, history=[], history_index=-1, bookmarks=[], read=set(),
                 sidebar_width=None, sidebar_shown=None, sidebar_width_config=None,
                 theme=None, theme_config=None)
        .visit(pos: Position) -> None;  .stand_at(pos: Position) -> None
        .remember(section: str, scroll: float) -> None
        .back() -> Position | None;  .forward() -> Position | None
        .take_history(moved: ReadingState) -> None
        .add_bookmark(section: str, scroll: float = 0.0, note: str = "") -> Bookmark
        .bookmark_at(section: str, scroll: float) -> Bookmark | None
        .rename_bookmark(bookmark_id: str, note: str) -> bool
        .delete_bookmark(bookmark_id: str) -> bool
        .toggle_read(section: str) -> bool;  .mark_read(section: str);  .reset_progress()
        .set_sidebar_shown(shown: bool)
        .set_sidebar_width(width: int, config_width: int | None = None)
        .choose_theme(theme: str, config_theme: str | None = None)
        .copy() -> ReadingState
        .to_json() -> dict;  ReadingState.from_json(data: object) -> ReadingState
    # reader.state_store
    StateStore.open(pack_root: Path, pack_title: str, *, state_dir: Path | None = None,
                    enabled: bool = True) -> StateStore
        .saving: bool;  .path: Path | None
        .load() -> ReadingState
        .update(change: Callable[[ReadingState], object]) -> ReadingState
        .take_notices() -> list[str]

A pack is known by its resolved root path plus its title, not by a content hash, so
editing a pack keeps its progress. The file format has ``"version": 1``; from_json is
strict about the outer shape (StateFormatError: the file is set aside) and forgiving
inside it (unknown keys ignored, one malformed entry dropped).
"""

from __future__ import annotations

import math
import time
from typing import Any, TypeGuard

from reader.sanitize import sanitize_line

__all__ = [
    "FORMAT_VERSION",
    "HISTORY_LIMIT",
    "Bookmark",
    "NewerFormatError",
    "Position",
    "ReadingState",
    "Record",
    "StateFormatError",
]

FORMAT_VERSION = 1
HISTORY_LIMIT = 200
NOTE_LIMIT = 200
_ID_LIMIT = 1000
#: A section is at most 512 KB of text, so no scroll offset (in lines) comes near this.
MAX_SCROLL = 10_000_000.0
MIN_SIDEBAR_WIDTH = 12
MAX_SIDEBAR_WIDTH = 500  # the widest terminal the app lays out
#: Textual's theme names are a word or two; anything longer was not written by us.
THEME_NAME_LIMIT = 100
#: The start of 9999-12-30 (UTC): a year of four digits in every time zone.
MAX_TIMESTAMP = 253_402_128_000.0


class StateFormatError(ValueError):
    """The JSON is not a reading state; the whole file is set aside."""


class NewerFormatError(ValueError):
    """Written by a newer reader: neither trust nor overwrite it."""


class Record:
    """Value equality and a readable repr over `FIELDS`, as a dataclass gives: plain
    classes, because defining three dataclasses cost ~2 ms of every start. The state's
    records, the review's and a card are all built on it."""

    __slots__ = ()
    __hash__ = None  # type: ignore[assignment]  # mutable records, unhashable as before
    FIELDS: tuple[str, ...] = ()  # in the order __init__ takes them

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.FIELDS)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.FIELDS)
        return f"{type(self).__name__}({fields})"


class Position(Record):
    """A place in a pack: a section id plus how far down it was scrolled."""

    FIELDS = ("section", "scroll")
    __slots__ = FIELDS

    def __init__(self, section: str, scroll: float = 0.0) -> None:
        self.section = section
        self.scroll = scroll


class Bookmark(Record):
    """A named place the user chose to keep; `created` is a Unix timestamp."""

    FIELDS = ("id", "section", "scroll", "note", "created")
    __slots__ = FIELDS

    def __init__(
        self, id: str, section: str, scroll: float = 0.0, note: str = "", created: float = 0.0
    ) -> None:
        self.id = id
        self.section = section
        self.scroll = scroll
        self.note = note
        self.created = created


class ReadingState(Record):
    """Everything remembered for one pack; plain data, so it can be tested without a disk.

    `history[history_index]` is the current entry, as in a browser; -1 means no history.
    `sidebar_width` and `sidebar_shown` are the sidebar as the reader left it (None: the
    reader has not chosen, the app decides by the terminal's size). `theme` is the theme
    last chosen in the palette (None: never). `sidebar_width_config` and `theme_config`
    are the user's config.toml values when the width or theme was chosen: a choice made
    here wins over config.toml until config.toml's value changes (see `reader.config`).
    """

    FIELDS = (
        "position", "history", "history_index", "bookmarks", "read", "sidebar_width",
        "sidebar_shown", "sidebar_width_config", "theme", "theme_config",
    )  # fmt: skip
    __slots__ = FIELDS

    def __init__(
        self,
        position: Position | None = None,
        history: list[Position] | None = None,
        history_index: int = -1,
        bookmarks: list[Bookmark] | None = None,
        read: set[str] | None = None,
        sidebar_width: int | None = None,
        sidebar_shown: bool | None = None,
        sidebar_width_config: int | None = None,
        theme: str | None = None,
        theme_config: str | None = None,
    ) -> None:
        self.position = position
        self.history: list[Position] = [] if history is None else history
        self.history_index = history_index
        self.bookmarks: list[Bookmark] = [] if bookmarks is None else bookmarks
        self.read: set[str] = set() if read is None else read
        self.sidebar_width = sidebar_width
        self.sidebar_shown = sidebar_shown
        self.sidebar_width_config = sidebar_width_config
        self.theme = theme
        self.theme_config = theme_config

    def visit(self, pos: Position) -> None:
        """Record a jump; staying in the same section only refreshes its scroll offset.

        A new place drops any forward history, and the oldest entries beyond
        HISTORY_LIMIT, exactly like a browser's back/forward.
        """
        entry = Position(pos.section, _scroll(pos.scroll))
        if 0 <= self.history_index < len(self.history) and (
            self.history[self.history_index].section == entry.section
        ):
            self.history[self.history_index] = entry
        else:
            del self.history[self.history_index + 1 :]
            self.history.append(entry)
            del self.history[: max(0, len(self.history) - HISTORY_LIMIT)]
            self.history_index = len(self.history) - 1
        self.position = Position(entry.section, entry.scroll)

    def stand_at(self, pos: Position) -> None:
        """Be at `pos` without recording a jump: a history move or a resume, where the
        history already is where it should be."""
        self.position = Position(pos.section, _scroll(pos.scroll))

    def remember(self, section: str, scroll: float) -> None:
        """Keep how far down `section` the reader is: the position, and the current
        history entry when it is that section, so Back returns to the same line."""
        offset = _scroll(scroll)
        self.position = Position(section, offset)
        if 0 <= self.history_index < len(self.history):
            current = self.history[self.history_index]
            if current.section == section:
                current.scroll = offset

    def back(self) -> Position | None:
        """Step back in history; None (and no change) at the oldest entry."""
        return self._step(-1)

    def forward(self) -> Position | None:
        """Step forward after going back; None when there is nothing ahead."""
        return self._step(1)

    def _step(self, delta: int) -> Position | None:
        target = self.history_index + delta
        if not 0 <= target < len(self.history):
            return None
        self.history_index = target
        entry = self.history[target]
        self.position = Position(entry.section, entry.scroll)
        return Position(entry.section, entry.scroll)

    def take_history(self, moved: ReadingState) -> None:
        """Adopt the history of `moved` (a copy that went Back or Forward) and its place
        in it; bookmarks and read marks stay this state's, which may be fresher."""
        self.history = [Position(entry.section, entry.scroll) for entry in moved.history]
        self.history_index = moved.history_index
        if 0 <= moved.history_index < len(moved.history):
            entry = moved.history[moved.history_index]
            self.position = Position(entry.section, entry.scroll)

    def add_bookmark(self, section: str, scroll: float = 0.0, note: str = "") -> Bookmark:
        """Add a bookmark with a fresh random id (unique across concurrent sessions)."""
        existing = self.bookmark_at(section, scroll)
        if existing is not None:  # one place, one bookmark: `m` twice adds nothing
            return existing
        import secrets  # only bookmarking needs it (it brings hmac): not at start-up

        taken = {bookmark.id for bookmark in self.bookmarks}
        bookmark_id = secrets.token_hex(6)
        while bookmark_id in taken:  # pragma: no cover - 48 random bits
            bookmark_id = secrets.token_hex(6)
        bookmark = Bookmark(bookmark_id, section, _scroll(scroll), _clean_note(note), time.time())
        self.bookmarks.append(bookmark)
        return bookmark

    def bookmark_at(self, section: str, scroll: float) -> Bookmark | None:
        """The bookmark already kept at this place (the same section, within a line)."""
        offset = _scroll(scroll)
        for bookmark in self.bookmarks:
            if bookmark.section == section and abs(bookmark.scroll - offset) < 1:
                return bookmark
        return None

    def rename_bookmark(self, bookmark_id: str, note: str) -> bool:
        """Change a bookmark's note; False if another session already deleted it."""
        for bookmark in self.bookmarks:
            if bookmark.id == bookmark_id:
                bookmark.note = _clean_note(note)
                return True
        return False

    def delete_bookmark(self, bookmark_id: str) -> bool:
        """Remove a bookmark; False if it was already gone."""
        kept = [bookmark for bookmark in self.bookmarks if bookmark.id != bookmark_id]
        found = len(kept) != len(self.bookmarks)
        self.bookmarks = kept
        return found

    def toggle_read(self, section: str) -> bool:
        """Flip a section's read mark and return the new value."""
        if section in self.read:
            self.read.discard(section)
            return False
        self.read.add(section)
        return True

    def mark_read(self, section: str) -> None:
        self.read.add(section)

    def reset_progress(self) -> None:
        self.read.clear()

    def set_sidebar_shown(self, shown: bool) -> None:
        """The reader showed or hid the sidebar of a wide terminal."""
        self.sidebar_shown = shown

    def set_sidebar_width(self, width: int, config_width: int | None = None) -> None:
        """The reader made the sidebar `width` columns wide (while config.toml said
        `config_width`); kept within what loading accepts, so a saved width always loads
        back as the same width."""
        self.sidebar_width = min(max(int(width), MIN_SIDEBAR_WIDTH), MAX_SIDEBAR_WIDTH)
        self.sidebar_width_config = _width_or_none(config_width)

    def choose_theme(self, theme: str, config_theme: str | None = None) -> None:
        """The reader chose `theme` in the palette (while config.toml said `config_theme`)."""
        self.theme = _theme_or_none(theme)
        self.theme_config = _theme_or_none(config_theme)

    def copy(self) -> ReadingState:
        """An independent copy, so a caller's edits never leak into a store's state."""
        return ReadingState(
            Position(self.position.section, self.position.scroll) if self.position else None,
            [Position(entry.section, entry.scroll) for entry in self.history],
            self.history_index,
            [
                Bookmark(mark.id, mark.section, mark.scroll, mark.note, mark.created)
                for mark in self.bookmarks
            ],
            set(self.read),
            self.sidebar_width,
            self.sidebar_shown,
            self.sidebar_width_config,
            self.theme,
            self.theme_config,
        )

    def to_json(self) -> dict[str, Any]:
        """The on-disk shape, version 1."""
        return {
            "version": FORMAT_VERSION,
            "position": _position_json(self.position) if self.position else None,
            "history": [_position_json(entry) for entry in self.history],
            "history_index": self.history_index,
            "bookmarks": [_bookmark_json(bookmark) for bookmark in self.bookmarks],
            "read": sorted(self.read),
            "layout": self._layout_json(),
        }

    def _layout_json(self) -> dict[str, Any]:
        """The sidebar and the theme; keys added after version 1 only when set, so a
        state without them is written as before (older readers ignore them anyway)."""
        layout: dict[str, Any] = {
            "sidebar_width": self.sidebar_width,
            "sidebar_shown": self.sidebar_shown,
        }
        optional = {
            "sidebar_width_config": self.sidebar_width_config,
            "theme": self.theme,
            "theme_config": self.theme_config,
        }
        layout.update((key, value) for key, value in optional.items() if value is not None)
        return layout

    @classmethod
    def from_json(cls, data: object) -> ReadingState:
        """Strict on the outer shape (raise StateFormatError), forgiving inside it.

        Unknown keys are ignored and a malformed entry (one bookmark, one history step,
        one read mark) is dropped, so one bad value never costs the whole file.
        """
        if not isinstance(data, dict):
            raise StateFormatError("it is not a JSON object")
        version = data.get("version")
        if not _is_int(version) or version < 1:
            raise StateFormatError("it has no valid version")
        if version > FORMAT_VERSION:
            raise NewerFormatError(f"the state file is from a newer reader (format {version})")
        position = _field(data, "position", (dict, type(None)), None)
        history = [p for p in map(_parse_position, _field(data, "history", list, [])) if p]
        index = _field(data, "history_index", int, len(history) - 1)
        bookmarks: dict[str, Bookmark] = {}
        for raw in _field(data, "bookmarks", list, []):
            bookmark = _parse_bookmark(raw)
            if bookmark and bookmark.id not in bookmarks:
                bookmarks[bookmark.id] = bookmark
        read = {s for s in _field(data, "read", list, []) if _clean_id(s) is not None}
        overflow = max(0, len(history) - HISTORY_LIMIT)
        history = history[overflow:]
        index = min(max(index - overflow, 0), len(history) - 1)
        layout = _field(data, "layout", dict, {})
        width = _number(layout.get("sidebar_width"), None, MAX_SIDEBAR_WIDTH, "sidebar width")
        shown = layout.get("sidebar_shown")
        theme = _theme_or_none(layout.get("theme"))
        return cls(
            _parse_position(position),
            history,
            index,
            list(bookmarks.values()),
            read,
            max(MIN_SIDEBAR_WIDTH, int(width)) if width is not None else None,
            shown if isinstance(shown, bool) else None,
            _width_or_none(layout.get("sidebar_width_config")),
            theme,
            _theme_or_none(layout.get("theme_config")) if theme is not None else None,
        )


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _width_or_none(value: object) -> int | None:
    """A sidebar width as loading accepts it, or None."""
    if _is_int(value) and MIN_SIDEBAR_WIDTH <= value <= MAX_SIDEBAR_WIDTH:
        return value
    return None


def _theme_or_none(value: object) -> str | None:
    """A theme's name as the file may hold it (short, one printable line), or None."""
    if isinstance(value, str) and 0 < len(value) <= THEME_NAME_LIMIT and value.isprintable():
        return value
    return None


def _field(data: dict[str, Any], key: str, kind: type | tuple[type, ...], default: Any) -> Any:
    """A top-level value of the right type; a wrong type means the file is not ours."""
    if key not in data:
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise StateFormatError(f"its {key!r} has the wrong type")
    return value


def _clean_id(value: object) -> str | None:
    """Section and bookmark ids are opaque, but must be short and terminal-safe."""
    if not isinstance(value, str) or not 0 < len(value) <= _ID_LIMIT:
        return None
    return value if value.isprintable() or sanitize_line(value) == value else None


def _clean_note(note: str) -> str:
    """Notes are shown on a terminal, so they lose control characters and stay short."""
    return sanitize_line(note)[:NOTE_LIMIT]


def _number(value: object, default: float | None, limit: float, what: str) -> float | None:
    """A stored number: None when it is not one (the entry is dropped); out of range, the
    file was not written by a reader (nothing here stores such values) and is set aside."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float
        raise StateFormatError(f"its {what} is out of range") from None
    if not math.isfinite(number):
        return None  # JSON's Infinity and NaN: one bad entry, dropped
    if number > limit:
        raise StateFormatError(f"its {what} is out of range")
    return max(number, 0.0)  # a negative offset means the top


def _scroll(value: float) -> float:
    """Callers' offsets are trusted but must stay storable (JSON has no NaN)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    number = float(value) if math.isfinite(value) else 0.0
    return min(max(number, 0.0), MAX_SCROLL)


def _position_json(pos: Position) -> dict[str, Any]:
    return {"section": pos.section, "scroll": pos.scroll}


def _bookmark_json(bookmark: Bookmark) -> dict[str, Any]:
    return {
        "id": bookmark.id,
        "section": bookmark.section,
        "scroll": bookmark.scroll,
        "note": bookmark.note,
        "created": bookmark.created,
    }


def _parse_position(raw: object) -> Position | None:
    if not isinstance(raw, dict):
        return None
    section = _clean_id(raw.get("section"))
    scroll = _number(raw.get("scroll"), 0.0, MAX_SCROLL, "scroll offset")
    return Position(section, scroll) if section is not None and scroll is not None else None


def _parse_bookmark(raw: object) -> Bookmark | None:
    if not isinstance(raw, dict):
        return None
    bookmark_id, section = _clean_id(raw.get("id")), _clean_id(raw.get("section"))
    scroll = _number(raw.get("scroll"), 0.0, MAX_SCROLL, "scroll offset")
    created = _number(raw.get("created"), 0.0, MAX_TIMESTAMP, "bookmark time")
    note = raw.get("note", "")
    if bookmark_id is None or section is None or scroll is None or created is None:
        return None
    if not isinstance(note, str):
        return None
    return Bookmark(bookmark_id, section, scroll, _clean_note(note), created)
