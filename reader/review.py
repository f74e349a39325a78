"""Spaced review of a pack's cards: FSRS scheduling, the review queue, and review state
kept per user and per pack, out of the pack. No Textual here.

The pieces, and why each is here rather than elsewhere:

* :class:`ReviewSettings` reads the ``[review]`` table of ``pack.toml``, of the user's
  ``settings.toml`` (kept for settings written before config.toml) and of the user's
  ``config.toml`` (:mod:`reader.config`): the user's win, config.toml's over
  settings.toml's; each bad value ignored with a message.
* :class:`Scheduler` wraps ``fsrs.Scheduler`` (imported only when a review starts) so that
  the rest of the reader deals in :class:`CardProgress`, which adds what FSRS does not
  keep (first review, repetitions, lapses). Fuzz is drawn from the card's identity and its
  number of reviews, as Anki does, so the interval shown on a rating key is the interval
  that rating really gives.
* :class:`ReviewStore` keeps :class:`ReviewState` in ``<state dir>/packs/<stem>.cards.json``
  and appends every rating to ``<stem>.reviews.jsonl``, with the reading state's mechanics
  (:mod:`reader.state_io`) and policy (:mod:`reader.state_store`): every access under one
  lock, the card file re-read before each rating and written atomically, a bad file set
  aside with one notice, state kept in memory with one notice when saving is impossible,
  and the ratings made while a full or read-only disk paused saving replayed once it is
  back.
  The log's order is the order ratings were applied in, so replaying it rebuilds the card
  file.
* :func:`due_queue`, :func:`summary`, :func:`forecast` answer what the review screen, the
  outline, the header and the progress view ask, on the user's local calendar day.

Card file format (``"version": 1``), compact JSON, times ISO 8601 UTC::

    {"version":1,"pack":{"root":…,"title":…},"cards":{"<card id>":{"state":"review",
     "step":null,"stability":3.17,"difficulty":5.3,"due":"2025-03-04T10:00:00Z",
     "last_review":…,"first_review":…,"reps":2,"lapses":0},…}}

Log lines: ``{"card":"<id>","time":"<ISO UTC>","rating":1-4,"elapsed_ms":int|null}``.
"""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

from reader.state import NewerFormatError, Record, StateFormatError
from reader.state_store import FallbackStore, pack_root_key

if TYPE_CHECKING:
    from types import ModuleType


__all__ = [
    "ENV_CONFIG_DIR",
    "FORMAT_VERSION",
    "RATINGS",
    "CardProgress",
    "Counts",
    "ReviewLogEntry",
    "ReviewSettings",
    "ReviewState",
    "ReviewStore",
    "Scheduler",
    "due_queue",
    "forecast",
    "format_interval",
    "load_user_settings",
    "new_left_today",
    "next_due",
    "study_day",
    "summary",
    "user_settings_path",
]

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
FORMAT_VERSION = 1
ENV_CONFIG_DIR = "READER_CONFIG_DIR"
SETTINGS_FILE_NAME = "settings.toml"
#: The same cap as pack.toml's: a settings file is a few lines.
MAX_SETTINGS_BYTES = 1024 * 1024
#: The states of a reviewed card, as FSRS numbers them (1, 2, 3).
STATES = ("learning", "review", "relearning")
#: FSRS's own default longest interval (100 years); the fuzz respects it too.
MAXIMUM_INTERVAL_DAYS = 36500
#: Card ids are 16 hex characters; anything much longer in a file was not written by us.
_CARD_ID_LIMIT = 64
#: Room for a log line with a 64-character id and every field at its longest.
MAX_LOG_LINE = 1024
#: A rating's time spent is kept up to a day; more is a session left open, not thought.
MAX_ELAPSED_MS = 86_400_000
_MAX_STEPS = 20
_MAX_STEP_DIGITS = 5
_STEP_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_MAX_STEP_SECONDS = 365 * 86400
_MAX_TIME_TEXT = 40  # "0001-01-01T00:00:00.000000+00:00" and a little slack
_MAX_STABILITY = 1e9  # days; far beyond anything 100 years of reviews can reach
_MAX_COUNT = 1_000_000_000
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def _io() -> ModuleType:
    """The disk side (json, locks, atomic writes), imported only by a store that saves."""
    from reader import state_io

    return state_io


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# --- times ----------------------------------------------------------------------------


def _utc(moment: datetime) -> datetime:
    """`moment` in UTC; a naive time is a caller's bug (whose local time would it be?)."""
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError("times given to the review code must be timezone-aware datetimes")
    return moment.astimezone(UTC)


def _iso(moment: datetime) -> str:
    """ISO 8601 UTC with a `Z`, to the microsecond, so parsing it gives back `moment`."""
    if moment.tzinfo is not UTC:  # what the scheduler and the parser make is UTC already
        moment = moment.astimezone(UTC)
    return moment.isoformat().removesuffix("+00:00") + "Z"


def _parse_time(value: object) -> datetime | None:
    """A stored time, in UTC; None for anything that is not an aware ISO 8601 time."""
    if not isinstance(value, str) or len(value) > _MAX_TIME_TEXT:
        return None
    try:
        moment = datetime.fromisoformat(value)
        if moment.utcoffset() is None:
            return None
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: year 1 moved west of UTC
        return None


#: A study day starts at 4 in the morning, as Anki's do: reviewing past midnight is still
#: the same day's work (its new-card limit, its forecast bar).
DAY_STARTS_AT = timedelta(hours=4)


def _local_day(moment: datetime, zone: tzinfo | None) -> date:
    return (moment.astimezone(zone) - DAY_STARTS_AT).date()


def study_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The study day `moment` falls in, in `zone` (None: its own): from 4 am to 4 am."""
    _utc(moment)
    return _local_day(moment, zone if zone is not None else moment.tzinfo)


def _zone(now: datetime, tz: tzinfo | None) -> tzinfo:
    """The zone whose calendar day is "today": the one given, else `now`'s own."""
    _utc(now)  # refuse a naive `now` here too
    if tz is not None:
        return tz
    assert now.tzinfo is not None
    return now.tzinfo


def format_interval(interval: timedelta) -> str:
    """Anki's short form for a rating key: "<1m", "10m", "3h", "4d", "2.1mo", "1.5y"."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if round(seconds / 60) < 60:
        return f"{round(seconds / 60)}m"
    if round(seconds / 3600) < 24:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if round(days) < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")


# --- settings -------------------------------------------------------------------------


def _parse_step(text: object) -> timedelta | None:
    """ "1m", "10m", "1h", "1d" (and "30s"): a whole number and a unit; None otherwise."""
    if not isinstance(text, str):
        return None
    text = text.strip()
    number, unit = text[:-1], text[-1:]
    if unit not in _STEP_UNITS or not number.isascii() or not number.isdigit():
        return None
    if len(number) > _MAX_STEP_DIGITS:
        return None
    seconds = int(number) * _STEP_UNITS[unit]
    return timedelta(seconds=seconds) if 0 < seconds <= _MAX_STEP_SECONDS else None


class ReviewSettings(Record):
    """How reviews are scheduled and which cards a pack derives; defaults are Anki's.

    `new_per_day` is the pack's daily limit of cards seen for the first time.
    """

    FIELDS = (
        "desired_retention", "new_per_day", "learning_steps", "relearning_steps", "fuzzing",
        "glossary_cards", "comparison_cards",
    )  # fmt: skip
    __slots__ = FIELDS
    #: The settings file's key for each field it accepts (`fuzzing` is the tests' business).
    KEYS = {
        "desired_retention": "desired_retention",
        "new_cards_per_day": "new_per_day",
        "learning_steps": "learning_steps",
        "relearning_steps": "relearning_steps",
        "glossary_cards": "glossary_cards",
        "comparison_cards": "comparison_cards",
    }

    def __init__(
        self,
        desired_retention: float = 0.9,
        new_per_day: int = 20,
        learning_steps: tuple[timedelta, ...] = (timedelta(minutes=1), timedelta(minutes=10)),
        relearning_steps: tuple[timedelta, ...] = (timedelta(minutes=10),),
        fuzzing: bool = True,
        glossary_cards: bool = True,
        comparison_cards: bool = True,
    ) -> None:
        self.desired_retention = desired_retention
        self.new_per_day = new_per_day
        self.learning_steps = tuple(learning_steps)
        self.relearning_steps = tuple(relearning_steps)
        self.fuzzing = fuzzing
        self.glossary_cards = glossary_cards
        self.comparison_cards = comparison_cards

    @classmethod
    def from_tables(
        cls, pack_table: object, user_table: object, config_table: object = None
    ) -> tuple[ReviewSettings, list[str]]:
        """The pack's `[review]` table, then the user's settings.toml's over it, then the
        user's config.toml's over both; never raises.

        Each value that cannot be used (unknown key, wrong type, out of range) is ignored
        with one message naming the file and the key; None stands for "no such table".
        (config.toml's table comes checked, with lines, from `reader.config`.)
        """
        settings = cls()
        messages: list[str] = []
        for source, table in (
            ("pack.toml", pack_table),
            (SETTINGS_FILE_NAME, user_table),
            ("config.toml", config_table),
        ):
            if table is None:
                continue
            if not isinstance(table, dict):
                messages.append(f"{source}: [review] is not a table; ignored")
                continue
            for key, value in table.items():
                problem = settings._apply(str(key), value)
                if problem:
                    messages.append(f"{source} [review] {key}: {problem}; ignored")
        return settings, messages

    def _apply(self, key: str, value: object) -> str | None:
        """Take one setting, or say what is wrong with it."""
        field = self.KEYS.get(key)
        if field is None:
            return "unknown setting"
        if field == "desired_retention":
            if not _is_number(value) or not 0.7 <= value <= 0.99:
                return "must be a number from 0.7 to 0.99"
            self.desired_retention = float(value)
        elif field == "new_per_day":
            if not _is_int(value) or not 0 <= value <= 9999:
                return "must be a whole number from 0 to 9999"
            self.new_per_day = value
        elif field in ("learning_steps", "relearning_steps"):
            steps = [_parse_step(item) for item in value] if isinstance(value, list) else None
            if steps is None or len(steps) > _MAX_STEPS or None in steps:
                return (
                    f'must be a list of at most {_MAX_STEPS} steps like "1m", "10m", "1h", "1d" '
                    "(up to 365d each)"
                )
            setattr(self, field, tuple(step for step in steps if step is not None))
        else:
            if not isinstance(value, bool):
                return "must be true or false"
            setattr(self, field, value)
        return None


def user_settings_path() -> Path | None:
    """`$READER_CONFIG_DIR/settings.toml`, else the platform's config folder's; None when
    there is no home to find it in (platformdirs would guess from the password file)."""
    import sys

    override = os.environ.get(ENV_CONFIG_DIR, "").strip()
    if override:
        return Path(override).expanduser() / SETTINGS_FILE_NAME
    uses_xdg = sys.platform not in ("darwin", "win32")
    if os.name == "posix" and not (uses_xdg and os.environ.get("XDG_CONFIG_HOME", "").strip()):
        home = os.environ.get("HOME", "").strip()
        if not home or not os.path.isdir(home):
            return None
    import platformdirs

    return platformdirs.user_config_path("reader") / SETTINGS_FILE_NAME


def load_user_settings() -> tuple[dict[str, Any], list[str]]:
    """The user's settings file as a dict, and what went wrong reading it; never raises.

    No file is no settings and no message. A file that cannot be read or is not valid
    TOML gives {} and one message. A symlink is followed: dotfile managers link config.
    """
    path = user_settings_path()
    if path is None:
        return {}, []
    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)  # a FIFO must not block us
    except FileNotFoundError:
        return {}, []
    except OSError as exc:
        return {}, [f"Settings file {path} could not be read ({_describe(exc)}); ignored"]
    import stat
    import tomllib

    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise ValueError("it is not a regular file")
            data = file.read(MAX_SETTINGS_BYTES + 1)
        if len(data) > MAX_SETTINGS_BYTES:
            raise ValueError(f"it is larger than {MAX_SETTINGS_BYTES // 1024} KB")
        return tomllib.loads(data.decode("utf-8")), []
    except UnicodeDecodeError:
        reason = "it is not UTF-8 text"
    except RecursionError:  # tomllib recurses once per level of nesting
        reason = "it is nested too deeply"
    except (OSError, ValueError) as exc:  # ValueError covers TOMLDecodeError
        reason = _describe(exc)
    return {}, [f"Settings file {path} could not be used ({reason}); ignored"]


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc) or type(exc).__name__


# --- one card's progress, and the whole pack's ------------------------------------------


class CardProgress(Record):
    """One reviewed card's scheduling state: FSRS's card plus what FSRS does not keep.

    Immutable, so a state's copy can share them. `state` is "learning", "review" or
    "relearning"; `step` the (re)learning step (None in review); `reps` counts ratings,
    `lapses` the times a card in review was forgotten (Again). Times are UTC.
    """

    FIELDS = (
        "state", "step", "stability", "difficulty", "due", "last_review", "first_review",
        "reps", "lapses",
    )  # fmt: skip
    __slots__ = (*FIELDS, "_encoded")

    state: str
    step: int | None
    stability: float
    difficulty: float
    due: datetime
    last_review: datetime
    first_review: datetime
    reps: int
    lapses: int
    _encoded: str | None

    def __init__(
        self,
        *,
        state: str,
        step: int | None,
        stability: float,
        difficulty: float,
        due: datetime,
        last_review: datetime,
        first_review: datetime,
        reps: int,
        lapses: int,
    ) -> None:
        setter = object.__setattr__
        setter(self, "state", state)
        setter(self, "step", step)
        setter(self, "stability", stability)
        setter(self, "difficulty", difficulty)
        setter(self, "due", due)
        setter(self, "last_review", last_review)
        setter(self, "first_review", first_review)
        setter(self, "reps", reps)
        setter(self, "lapses", lapses)
        setter(self, "_encoded", None)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"CardProgress is immutable (tried to set {name})")

    def __hash__(self) -> int:  # type: ignore[override]  # immutable: hashable, unlike others
        return hash(tuple(getattr(self, name) for name in self.FIELDS))

    def is_due(self, now: datetime) -> bool:
        return self.due <= now

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": _iso(self.due),
            "last_review": _iso(self.last_review),
            "first_review": _iso(self.first_review),
            "reps": self.reps,
            "lapses": self.lapses,
        }

    def encoded(self) -> str:
        """Its compact JSON, made once: a rating rewrites every card of the pack's file,
        and re-encoding 2,000 unchanged cards each time cost most of a rating's time."""
        if self._encoded is None:
            text = self._encode(_iso(self.due), _iso(self.last_review), _iso(self.first_review))
            object.__setattr__(self, "_encoded", text)
            return text
        return self._encoded

    def _encode(self, due: str, last_review: str, first_review: str) -> str:
        """By hand, as json.dumps would write it: the state is one of STATES, the numbers
        are ints and finite floats (repr is JSON's float form), the times need no escape."""
        step = "null" if self.step is None else str(self.step)
        return (
            f'{{"state":"{self.state}","step":{step},"stability":{self.stability!r},'
            f'"difficulty":{self.difficulty!r},"due":"{due}","last_review":"{last_review}",'
            f'"first_review":"{first_review}","reps":{self.reps},"lapses":{self.lapses}}}'
        )

    @classmethod
    def from_json(cls, raw: object) -> CardProgress | None:
        """One stored card, or None when any part of it is not what we write."""
        if not isinstance(raw, dict):
            return None
        state = raw.get("state")
        step = raw.get("step")
        stability, difficulty = raw.get("stability"), raw.get("difficulty")
        reps, lapses = raw.get("reps"), raw.get("lapses")
        if state not in STATES:
            return None
        if state == "review":
            step = None  # FSRS keeps no step in review; a stray one means nothing
        elif not _is_int(step) or not 0 <= step <= 1000:
            return None
        if not _is_number(stability) or not 0.001 <= stability <= _MAX_STABILITY:
            return None  # the range check also refuses NaN (every comparison is False)
        if not _is_number(difficulty) or not 1.0 <= difficulty <= 10.0:
            return None
        if not _is_int(reps) or not 1 <= reps <= _MAX_COUNT:
            return None
        if not _is_int(lapses) or not 0 <= lapses <= reps:
            return None
        texts = raw.get("due"), raw.get("last_review"), raw.get("first_review")
        due, last_review, first_review = (_parse_time(text) for text in texts)
        if due is None or last_review is None or first_review is None:
            return None
        progress = cls(
            state=state,
            step=step,
            stability=float(stability),
            difficulty=float(difficulty),
            due=due,
            last_review=last_review,
            first_review=first_review,
            reps=reps,
            lapses=lapses,
        )
        if all(_plain_utc_text(text) for text in texts):
            # Written by us: kept as they are, which spares formatting 3 times per card
            # when the file is next written (most of a rating's time for a fresh file).
            due_text, last_text, first_text = texts
            encoded = progress._encode(str(due_text), str(last_text), str(first_text))
            object.__setattr__(progress, "_encoded", encoded)
        return progress


def _plain_utc_text(text: object) -> bool:
    """A parsed time's text that is UTC and can go into JSON without an escape (Python's
    ISO parser takes any character between the date and the time, a quote included)."""
    return (
        isinstance(text, str)
        and text.endswith("Z")
        and text.isascii()
        and text.isprintable()
        and '"' not in text
        and "\\" not in text
    )


def _clean_card_id(value: object) -> str | None:
    """Card ids are opaque but short and plain: anything else in a file is dropped."""
    if not isinstance(value, str) or not 0 < len(value) <= _CARD_ID_LIMIT:
        return None
    return value if value.isascii() and value.isprintable() else None


class ReviewState(Record):
    """Every reviewed card of one pack, by card id; a card not here is new."""

    FIELDS = ("cards",)
    __slots__ = FIELDS

    def __init__(self, cards: dict[str, CardProgress] | None = None) -> None:
        self.cards: dict[str, CardProgress] = {} if cards is None else cards

    def __repr__(self) -> str:
        return f"ReviewState({len(self.cards)} cards)"

    def is_new(self, card_id: str) -> bool:
        return card_id not in self.cards

    def get(self, card_id: str) -> CardProgress | None:
        """The card's progress, None while it is new (what Scheduler.preview takes)."""
        return self.cards.get(card_id)

    def copy(self) -> ReviewState:
        """An independent copy (the progress records are immutable, so they are shared)."""
        return ReviewState(dict(self.cards))

    def first_reviewed_on(self, day: date, zone: tzinfo) -> int:
        """How many cards were seen for the first time on `day` in `zone`."""
        return sum(
            1 for progress in self.cards.values() if _local_day(progress.first_review, zone) == day
        )

    def to_json(self) -> dict[str, Any]:
        return {card_id: progress.to_json() for card_id, progress in self.cards.items()}

    def encoded_cards(self) -> str:
        """`to_json()` as compact JSON text, from each card's cached encoding."""
        import json

        return (
            "{"
            + ",".join(
                f"{json.dumps(card_id)}:{progress.encoded()}"
                for card_id, progress in self.cards.items()
            )
            + "}"
        )

    @classmethod
    def from_json(cls, data: object) -> ReviewState:
        """Strict on the outer shape (StateFormatError, NewerFormatError), forgiving
        inside: a card entry of the wrong shape is dropped and the rest kept."""
        if not isinstance(data, dict):
            raise StateFormatError("it is not a JSON object")
        version = data.get("version")
        if not _is_int(version) or version < 1:
            raise StateFormatError("it has no valid version")
        if version > FORMAT_VERSION:
            raise NewerFormatError(f"the review file is from a newer reader (format {version})")
        raw_cards = data.get("cards", {})
        if not isinstance(raw_cards, dict):
            raise StateFormatError("its 'cards' is not an object")
        cards: dict[str, CardProgress] = {}
        for raw_id, raw in raw_cards.items():
            card_id = _clean_card_id(raw_id)
            progress = CardProgress.from_json(raw) if card_id is not None else None
            if card_id is not None and progress is not None:
                cards[card_id] = progress
        return cls(cards)


class ReviewLogEntry(Record):
    """One line of the review log: which card, when (UTC), the rating, the time it took."""

    FIELDS = ("card", "time", "rating", "elapsed_ms")
    __slots__ = FIELDS

    def __init__(self, card: str, time: datetime, rating: int, elapsed_ms: int | None) -> None:
        self.card = card
        self.time = time
        self.rating = rating
        self.elapsed_ms = elapsed_ms

    def to_json(self) -> dict[str, Any]:
        return {
            "card": self.card,
            "time": _iso(self.time),
            "rating": self.rating,
            "elapsed_ms": self.elapsed_ms,
        }

    @classmethod
    def from_line(cls, line: bytes) -> ReviewLogEntry | None:
        """One log line, or None for a torn, garbled or foreign one."""
        import json

        try:
            raw = json.loads(line)
        except (ValueError, RecursionError):  # also UnicodeDecodeError
            return None
        if not isinstance(raw, dict):
            return None
        card = _clean_card_id(raw.get("card"))
        moment = _parse_time(raw.get("time"))
        rating, elapsed = raw.get("rating"), raw.get("elapsed_ms")
        if card is None or moment is None or not _is_int(rating) or rating not in RATINGS:
            return None
        if elapsed is not None and not (_is_int(elapsed) and 0 <= elapsed <= MAX_ELAPSED_MS):
            return None
        return cls(card, moment, rating, elapsed)


# --- scheduling -----------------------------------------------------------------------


def _clamp(value: float, low: float, high: float) -> float:
    """`value` within [low, high]; NaN (which no comparison orders) becomes `high`."""
    return min(max(value, low), high) if value == value else high


def _fuzz_fraction(card_id: str, reps: int) -> float:
    """A number in [0, 1) fixed by the card and how often it was reviewed, as Anki seeds
    its fuzz: preview and review agree, and cards rated together still spread apart."""
    import hashlib

    digest = hashlib.sha256(f"{card_id}\0{reps}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


def _fuzzed_days(days: int, fraction: float, maximum: int) -> int:
    """FSRS's fuzz (fsrs.Scheduler._get_fuzzed_interval), with `fraction` for its random()."""
    from fsrs.scheduler import FUZZ_RANGES

    if days < 2.5:
        return days
    delta = 1.0
    for fuzz_range in FUZZ_RANGES:
        delta += fuzz_range["factor"] * max(
            min(float(days), fuzz_range["end"]) - fuzz_range["start"], 0.0
        )
    low = max(2, round(days - delta))
    high = min(round(days + delta), maximum)
    low = min(low, high)
    return min(round(fraction * (high - low + 1) + low), maximum)


class Scheduler:
    """FSRS with the pack's settings, over CardProgress instead of fsrs.Card.

    `fuzzing` (None: the settings') spreads review intervals of 3 days and more by a few
    percent, so cards learnt together do not fall due together; tests turn it off.
    """

    def __init__(self, settings: ReviewSettings, *, fuzzing: bool | None = None) -> None:
        import fsrs

        self.settings = settings
        self.fuzzing = settings.fuzzing if fuzzing is None else fuzzing
        self._fsrs = fsrs.Scheduler(
            desired_retention=settings.desired_retention,
            learning_steps=settings.learning_steps,
            relearning_steps=settings.relearning_steps,
            maximum_interval=MAXIMUM_INTERVAL_DAYS,
            enable_fuzzing=False,  # applied here, drawn from the card: see _fuzz_fraction
        )

    def preview(
        self, progress: CardProgress | None, now: datetime, *, card_id: str = ""
    ) -> dict[int, timedelta]:
        """The interval each rating 1..4 would give now, for the rating keys.

        Pass the card's id so the fuzz previewed is the fuzz `review` then applies.
        """
        moment = _utc(now)
        return {
            rating: self.review(progress, rating, moment, card_id=card_id).due - moment
            for rating in RATINGS
        }

    def review(
        self, progress: CardProgress | None, rating: int, now: datetime, *, card_id: str = ""
    ) -> CardProgress:
        """The card's progress after `rating` at `now` (None: a new card's first review)."""
        import fsrs

        if not _is_int(rating) or rating not in RATINGS:
            raise ValueError(f"a rating is 1 (Again) to 4 (Easy), not {rating!r}")
        moment = _utc(now)
        if progress is None:
            before = fsrs.Card(card_id=0, due=moment)  # an id given: fsrs sleeps 1 ms without
        else:
            before = fsrs.Card(
                card_id=0,
                state=fsrs.State(STATES.index(progress.state) + 1),
                step=progress.step,
                stability=progress.stability,
                difficulty=progress.difficulty,
                due=progress.due,
                last_review=progress.last_review,
            )
        after, _ = self._fsrs.review_card(before, fsrs.Rating(rating), review_datetime=moment)
        due = after.due
        if self.fuzzing and after.state == fsrs.State.Review:
            days = (due - moment).days
            reps = progress.reps if progress else 0
            fuzzed = _fuzzed_days(days, _fuzz_fraction(card_id, reps), MAXIMUM_INTERVAL_DAYS)
            due = moment + timedelta(days=fuzzed)
        assert after.stability is not None and after.difficulty is not None
        lapsed = progress is not None and progress.state == "review" and rating == 1
        return CardProgress(
            state=STATES[int(after.state) - 1],
            step=after.step,
            # FSRS keeps both in these bounds already; clamped so that what is saved is
            # always what loading accepts, whatever a future fsrs computes
            stability=_clamp(float(after.stability), 0.001, _MAX_STABILITY),
            difficulty=_clamp(float(after.difficulty), 1.0, 10.0),
            due=due,
            last_review=moment,
            first_review=progress.first_review if progress else moment,
            reps=(progress.reps if progress else 0) + 1,
            lapses=(progress.lapses if progress else 0) + int(lapsed),
        )


# --- what is due ----------------------------------------------------------------------


class Counts(Record):
    """One set of cards split four ways (each card in exactly one): `new` never reviewed,
    `due` reviewed and due now, `learning` in (re)learning and not due yet, `known` in
    review and not due. `new_available` is how many of the new ones today's limit lets in.
    """

    FIELDS = ("new", "due", "learning", "known", "new_available")
    __slots__ = FIELDS

    def __init__(
        self, new: int = 0, due: int = 0, learning: int = 0, known: int = 0, new_available: int = 0
    ) -> None:
        self.new = new
        self.due = due
        self.learning = learning
        self.known = known
        self.new_available = new_available

    @property
    def to_review(self) -> int:
        """What a review started now would show: the due cards and today's new ones."""
        return self.due + self.new_available


def _unique(card_ids: list[str]) -> list[str]:
    return list(dict.fromkeys(card_ids))


def new_left_today(
    state: ReviewState, settings: ReviewSettings, now: datetime, *, tz: tzinfo | None = None
) -> int:
    """The daily new-card limit minus the cards of this pack first seen today (local day)."""
    zone = _zone(now, tz)
    seen = state.first_reviewed_on(_local_day(now, zone), zone)
    return max(0, settings.new_per_day - seen)


def due_queue(
    card_ids: list[str],
    state: ReviewState,
    settings: ReviewSettings,
    now: datetime,
    *,
    tz: tzinfo | None = None,
    learn_ahead: timedelta = timedelta(0),
) -> list[str]:
    """What to review now, in order: the due cards (earliest due first, reading order
    among equals), then new cards in reading order up to what today's limit leaves.

    `learn_ahead` appends the (re)learning cards falling due within it, earliest first,
    as Anki does at the end of a session rather than saying "come back in a minute".
    """
    moment = _utc(now)
    ids = _unique(card_ids)
    due: list[tuple[datetime, int, str]] = []
    ahead: list[tuple[datetime, int, str]] = []
    new: list[str] = []
    horizon = moment + learn_ahead
    for position, card_id in enumerate(ids):
        progress = state.cards.get(card_id)
        if progress is None:
            new.append(card_id)
        elif progress.due <= moment:
            due.append((progress.due, position, card_id))
        elif progress.state != "review" and progress.due <= horizon:
            ahead.append((progress.due, position, card_id))
    limit = new_left_today(state, settings, now, tz=tz)
    return (
        [card_id for _, _, card_id in sorted(due)]
        + new[:limit]
        + [card_id for _, _, card_id in sorted(ahead)]
    )


def summary(
    card_ids: list[str],
    state: ReviewState,
    settings: ReviewSettings,
    now: datetime,
    *,
    tz: tzinfo | None = None,
) -> Counts:
    """The cards of `card_ids` counted by where they stand now (see Counts)."""
    moment = _utc(now)
    counts = Counts()
    for card_id in _unique(card_ids):
        progress = state.cards.get(card_id)
        if progress is None:
            counts.new += 1
        elif progress.due <= moment:
            counts.due += 1
        elif progress.state == "review":
            counts.known += 1
        else:
            counts.learning += 1
    counts.new_available = min(counts.new, new_left_today(state, settings, now, tz=tz))
    return counts


def forecast(
    card_ids: list[str],
    state: ReviewState,
    now: datetime,
    days: int = 14,
    *,
    tz: tzinfo | None = None,
) -> list[int]:
    """How many reviewed cards fall due on each of the next `days` local days, today
    first (overdue cards counted today); new cards are not forecast."""
    zone = _zone(now, tz)
    today = _local_day(now, zone)
    counts = [0] * max(0, days)
    for card_id in _unique(card_ids):
        progress = state.cards.get(card_id)
        if progress is None:
            continue
        offset = max(0, (_local_day(progress.due, zone) - today).days)
        if offset < len(counts):
            counts[offset] += 1
    return counts


def next_due(card_ids: list[str], state: ReviewState) -> datetime | None:
    """When the first of these reviewed cards falls due (perhaps already); None if none."""
    dues = [state.cards[card_id].due for card_id in card_ids if card_id in state.cards]
    return min(dues, default=None)


# --- the store ------------------------------------------------------------------------


class ReviewStore(FallbackStore):
    """Loads and saves one pack's ReviewState and appends its log; falls back to memory.

    `saving` is False when state lives only in memory (disabled, or saving became
    impossible); `path` is the card file and `log_path` the log, None if none could ever
    be chosen. Safe to use from several threads; calls are serialised per store.
    """

    NAME = "Review state"

    def __init__(self, pack_root: str, pack_title: str) -> None:
        super().__init__()
        self.log_path: Path | None = None
        self._identity = {"root": pack_root, "title": pack_title}
        self._state = ReviewState()
        self._disk_bytes: bytes | None = None  # the card file as last read or written
        self._unsaved: list[ReviewLogEntry] = []  # ratings the log on disk lacks
        self._unapplied: list[ReviewLogEntry] = []  # paused: ratings the card file lacks
        self._scheduler: Scheduler | None = None  # the one that rated them, to replay

    @classmethod
    def open(
        cls,
        pack_root: Path,
        pack_title: str,
        *,
        state_dir: Path | None = None,
        enabled: bool = True,
    ) -> ReviewStore:
        """Find (and prove writable) the pack's review files; never raises for I/O."""
        root = pack_root_key(pack_root)
        store = cls(root, pack_title)
        path = store._open_file(state_dir, root, pack_title, ".cards.json", enabled)
        if path is not None:  # the log beside it: `<stem>.reviews.jsonl`
            store.log_path = path.with_name(
                path.name.removesuffix(".cards.json") + ".reviews.jsonl"
            )
        return store

    def load(self) -> ReviewState:
        """The current state, as saved by any session (a copy: change it through rate)."""
        with self._mutex:
            if self._try_disk():
                self._locked_cycle(None, self._scheduler)
            return self._state.copy()

    def rate(
        self,
        card_id: str,
        rating: int,
        now: datetime,
        elapsed_ms: int | None,
        scheduler: Scheduler,
    ) -> CardProgress:
        """Schedule the card after `rating` at `now` and keep it: re-read under the lock,
        schedule, write the card file atomically, append the rating to the log.

        A bad card id, rating or naive `now` is the caller's bug (ValueError); I/O
        problems never raise, they switch the store to memory with one notice.
        """
        if _clean_card_id(card_id) is None:
            raise ValueError(f"not a card id: {card_id!r}")
        if not _is_int(rating) or rating not in RATINGS:
            raise ValueError(f"a rating is 1 (Again) to 4 (Easy), not {rating!r}")
        moment = _utc(now)
        elapsed = None if elapsed_ms is None else min(max(int(elapsed_ms), 0), MAX_ELAPSED_MS)
        entry = ReviewLogEntry(card_id, moment, rating, elapsed)
        with self._mutex:
            self._scheduler = scheduler
            if self._try_disk():
                progress = self._locked_cycle(entry, scheduler)
                if progress is not None:
                    return progress
            progress = scheduler.review(self._state.get(card_id), rating, moment, card_id=card_id)
            self._state.cards[card_id] = progress
            self._unsaved.append(entry)
            if self.paused:  # replayed on the card file once the disk takes it
                self._unapplied.append(entry)
            return progress

    def read_log(self) -> list[ReviewLogEntry]:
        """Every rating in the log, in the order applied, then those not saved this session;
        torn, garbled and foreign lines are skipped. Read without the lock: appends are
        whole lines, and a line still being written is skipped like a torn one."""
        with self._mutex:
            unsaved = list(self._unsaved)
            log_path = self.log_path
        return (_read_log_file(log_path) if log_path is not None else []) + unsaved

    def _locked_cycle(
        self, entry: ReviewLogEntry | None, scheduler: Scheduler | None
    ) -> CardProgress | None:
        """Re-read the card file under the lock and apply what it lacks: the ratings kept
        through a pause, then `entry`; save the card file, append to the log what it lacks.

        Returns the rated card's progress; None when nothing was rated (no entry, or the
        store had to stop saving before rating: the caller then rates in memory).
        """
        assert self.path is not None
        state_io = _io()
        try:
            with state_io.locked(state_io.lock_path(self.path)):
                try:
                    self._read(self.path)
                except (state_io.Unavailable, NewerFormatError, OSError) as exc:
                    self._stop_saving(exc)
                    return None
                ratings = [*self._unapplied, *([entry] if entry is not None else [])]
                progress = None
                for rating in ratings:
                    assert scheduler is not None  # rate() gave one; load() passes rate()'s
                    progress = scheduler.review(
                        self._state.get(rating.card),
                        rating.rating,
                        rating.time,
                        card_id=rating.card,
                    )
                    self._state.cards[rating.card] = progress
                if entry is not None:
                    self._unsaved.append(entry)
                try:
                    if ratings:
                        self._write(self.path)
                    self._unapplied = []
                    while self._unsaved:  # oldest first: the log's order is the rating order
                        self._append_log(self._unsaved[0])
                        del self._unsaved[0]
                except (state_io.Unavailable, OSError) as exc:
                    if self._disk_bytes is None:  # the card file lacks them still
                        self._unapplied = ratings
                    self._stop_saving(exc)  # the rating still holds, in memory
                    if not self.paused:
                        self._unapplied = []  # for good: nothing will replay them
                    return progress if entry is not None else None
                self._saved()
                return progress if entry is not None else None
        except state_io.Unavailable as exc:
            self._stop_saving(exc)
            return None

    def _read(self, path: Path) -> None:
        """Bring `_state` up to the file; a bad file is set aside (one notice) and review
        starts afresh. The file as we last saw it is not parsed again."""
        state_io = _io()
        try:
            data = state_io.read_state_bytes(path)
            if data is None:
                self._state, self._disk_bytes = ReviewState(), None
            elif data != self._disk_bytes:
                self._state = ReviewState.from_json(state_io.decode_json(data))
                self._disk_bytes = data
        except (state_io.BadFile, StateFormatError) as exc:  # NewerFormatError propagates
            self._disk_bytes = None
            moved = state_io.set_aside(path)  # an OSError here means: stop saving
            self._notify(
                f"Review state for this pack could not be used ({exc}); it was moved to "
                f"{moved} and reviewing starts afresh."
            )
            self._state = ReviewState()

    def _write(self, path: Path) -> None:
        import json

        state_io = _io()
        self._disk_bytes = None  # until the new bytes are surely on disk
        identity = json.dumps(self._identity, ensure_ascii=True, separators=(",", ":"))
        cards = self._state.encoded_cards()  # card ids are ASCII, numbers finite: see from_json
        data = f'{{"version":{FORMAT_VERSION},"pack":{identity},"cards":{cards}}}'.encode()
        if len(data) > state_io.MAX_STATE_BYTES:
            raise state_io.Unavailable("the review state grew larger than 4 MiB")
        data += b"\n"
        state_io.atomic_write(path, data)
        self._disk_bytes = data

    def _append_log(self, entry: ReviewLogEntry) -> None:
        """Append one whole line; a torn last line (a crash mid-append) is ended first, so
        it costs only itself. Called under the lock."""
        import json

        assert self.log_path is not None
        line = json.dumps(entry.to_json(), ensure_ascii=True, separators=(",", ":")).encode()
        fd = self._open_log(self.log_path)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                line = b"\n" + line
            data = memoryview(line + b"\n")
            while data:
                data = data[os.write(fd, data) :]
            os.fsync(fd)
        finally:
            os.close(fd)

    def _open_log(self, log_path: Path) -> int:
        """The log opened for appending; a symlink or non-file in its place is set aside."""
        import errno
        import stat

        flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | _NOFOLLOW | _NONBLOCK | _CLOEXEC
        for _ in range(2):
            try:
                fd = os.open(log_path, flags, 0o600)
            except OSError as exc:
                if exc.errno != errno.ELOOP:
                    raise
                reason = "it is a symbolic link"
            else:
                if stat.S_ISREG(os.fstat(fd).st_mode):
                    return fd
                os.close(fd)
                reason = "it is not a regular file"
            moved = _io().set_aside(log_path)
            self._notify(
                f"The review log of this pack could not be used ({reason}); it was moved to "
                f"{moved} and a new log starts."
            )
        raise _io().Unavailable(f"cannot open the review log {log_path}")


def _read_log_file(log_path: Path) -> list[ReviewLogEntry]:
    """The log's entries; a missing or unreadable log (or a symlink) is an empty one."""
    import stat

    try:
        fd = os.open(log_path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except OSError:
        return []
    entries: list[ReviewLogEntry] = []
    with os.fdopen(fd, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return []
        while True:
            try:
                line = file.readline(MAX_LOG_LINE + 1)
            except OSError:
                break
            if not line:
                break
            if len(line) > MAX_LOG_LINE:  # not ours: skip to its end, never hold it whole
                while line and not line.endswith(b"\n"):
                    line = file.readline(65536)
                continue
            entry = ReviewLogEntry.from_line(line)
            if entry is not None:
                entries.append(entry)
    return entries
