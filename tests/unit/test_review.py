"""Spaced review (issue 19): settings, FSRS scheduling, what is due, and review state that
no failure, hostile file or second session can lose or crash.

Times are fixed and fuzzing is off wherever a date is asserted, so every test is
deterministic; the fuzz is tested on its own against fsrs's.
"""

from __future__ import annotations

import errno
import fcntl
import functools
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import fsrs
import fsrs.scheduler
import pytest

from reader import review, state_io
from reader.review import (
    RATINGS,
    CardProgress,
    Counts,
    ReviewLogEntry,
    ReviewSettings,
    ReviewState,
    ReviewStore,
    Scheduler,
    due_queue,
    forecast,
    format_interval,
    load_user_settings,
    next_due,
    summary,
)

WORKER = Path(__file__).with_name("review_worker.py")
TITLE = "Eczema Primer"
NOW = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
MINUTE, DAY = timedelta(minutes=1), timedelta(days=1)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never let a test fall through to the real ~/.local/state or ~/.config."""
    monkeypatch.delenv(state_io.ENV_STATE_DIR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv(review.ENV_CONFIG_DIR, str(tmp_path / "config"))


@pytest.fixture
def pack_root(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-intro.md").write_text("# Intro\n\nQ::A\n")
    return root


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


def plain_scheduler(**settings: object) -> Scheduler:
    table = {key: value for key, value in settings.items()}
    built, messages = ReviewSettings.from_tables(table, None)
    assert messages == []
    return Scheduler(built, fuzzing=False)


def saving_store(pack_root: Path, state_dir: Path) -> ReviewStore:
    store = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    assert store.saving and store.path is not None, store.take_notices()
    return store


def card_file(store: ReviewStore) -> Path:
    assert store.path is not None
    return store.path


def log_file(store: ReviewStore) -> Path:
    assert store.log_path is not None
    return store.log_path


def progress_after(
    *ratings: int, start: datetime = NOW, gap: timedelta | None = None
) -> CardProgress:
    """A card rated `ratings` in turn, each when it fell due (or `gap` after the last)."""
    scheduler = plain_scheduler()
    progress: CardProgress | None = None
    moment = start
    for rating in ratings:
        progress = scheduler.review(progress, rating, moment)
        moment = progress.due if gap is None else moment + gap
    assert progress is not None
    return progress


# --- settings -------------------------------------------------------------------------


def test_default_settings_are_the_issues() -> None:
    settings = ReviewSettings()
    assert settings.desired_retention == 0.9
    assert settings.new_per_day == 20
    assert settings.learning_steps == (MINUTE, 10 * MINUTE)
    assert settings.relearning_steps == (10 * MINUTE,)
    assert settings.fuzzing and settings.glossary_cards and settings.comparison_cards
    assert ReviewSettings.from_tables(None, None) == (ReviewSettings(), [])


def test_pack_settings_then_the_users_over_them() -> None:
    pack = {
        "desired_retention": 0.85,
        "new_cards_per_day": 5,
        "learning_steps": ["30s", "1m", "1h", "1d"],
        "relearning_steps": [],
        "glossary_cards": False,
        "comparison_cards": False,
    }
    user = {"desired_retention": 0.95, "comparison_cards": True, "learning_steps": ["2m"]}
    settings, messages = ReviewSettings.from_tables(pack, user)
    assert messages == []
    assert settings == ReviewSettings(
        desired_retention=0.95,
        new_per_day=5,
        learning_steps=(2 * MINUTE,),
        relearning_steps=(),
        glossary_cards=False,
        comparison_cards=True,
    )
    settings, _ = ReviewSettings.from_tables(pack, None)
    assert settings.learning_steps == (
        timedelta(seconds=30), MINUTE, timedelta(hours=1), DAY,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("desired_retention", 0.5),
        ("desired_retention", 1.0),
        ("desired_retention", "0.9"),
        ("desired_retention", True),
        ("desired_retention", float("nan")),
        ("new_cards_per_day", -1),
        ("new_cards_per_day", 10000),
        ("new_cards_per_day", 2.5),
        ("new_cards_per_day", True),
        ("learning_steps", "1m"),
        ("learning_steps", ["1m", 3]),
        ("learning_steps", ["0m"]),
        ("learning_steps", ["1x"]),
        ("learning_steps", ["m"]),
        ("learning_steps", ["-1m"]),
        ("learning_steps", ["١m"]),  # an Arabic-Indic digit: isdigit, but not a number here
        ("learning_steps", ["999999d"]),
        ("learning_steps", ["366d"]),
        ("relearning_steps", ["1m"] * 21),
        ("glossary_cards", "yes"),
        ("comparison_cards", 1),
        ("new_per_day", 5),  # the attribute's name is not the file's key
        ("fuzzing", False),  # only tests turn fuzzing off
    ],
)
def test_each_bad_setting_is_ignored_with_one_message(key: str, value: object) -> None:
    settings, messages = ReviewSettings.from_tables({key: value}, None)
    assert settings == ReviewSettings()
    [message] = messages
    assert message.startswith(f"pack.toml [review] {key}: ") and message.endswith("; ignored")


def test_bad_user_settings_keep_the_packs() -> None:
    settings, messages = ReviewSettings.from_tables(
        {"new_cards_per_day": 3}, {"new_cards_per_day": "lots", "desired_retention": 0.8}
    )
    assert settings.new_per_day == 3 and settings.desired_retention == 0.8
    assert messages == [
        "settings.toml [review] new_cards_per_day: must be a whole number from 0 to 9999; ignored"
    ]


def test_a_review_that_is_not_a_table() -> None:
    settings, messages = ReviewSettings.from_tables(["x"], 3)
    assert settings == ReviewSettings()
    assert messages == [
        "pack.toml: [review] is not a table; ignored",
        "settings.toml: [review] is not a table; ignored",
    ]


def config_file(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    folder.mkdir(exist_ok=True)
    return folder / "settings.toml"


def test_user_settings_file(tmp_path: Path) -> None:
    config_file(tmp_path).write_text('[review]\nnew_cards_per_day = 3\nlearning_steps = ["5m"]\n')
    data, messages = load_user_settings()
    assert messages == []
    settings, problems = ReviewSettings.from_tables({"new_cards_per_day": 9}, data.get("review"))
    assert problems == [] and settings.new_per_day == 3
    assert settings.learning_steps == (5 * MINUTE,)


def test_no_user_settings_file_is_no_settings(tmp_path: Path) -> None:
    assert load_user_settings() == ({}, [])
    config_file(tmp_path)  # the folder alone
    assert load_user_settings() == ({}, [])


def test_user_settings_from_the_platforms_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(review.ENV_CONFIG_DIR)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    (tmp_path / "xdg-config" / "reader").mkdir(parents=True)
    (tmp_path / "xdg-config" / "reader" / "settings.toml").write_text("[review]\nx = 1\n")
    assert load_user_settings() == ({"review": {"x": 1}}, [])


def test_user_settings_without_a_home(monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs would guess from the password file; no home means no settings."""
    for name in (review.ENV_CONFIG_DIR, "XDG_CONFIG_HOME", "HOME"):
        monkeypatch.delenv(name, raising=False)
    assert review.user_settings_path() is None
    assert load_user_settings() == ({}, [])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"[review\n", "Expected ']'"),
        (b"a = \xff\n", "not UTF-8"),
        (b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n", "nested too deeply"),
        (b"# " + b"x" * (1024 * 1024) + b"\n", "larger than 1024 KB"),
    ],
)
def test_unusable_user_settings_give_one_message(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    path = config_file(tmp_path)
    path.write_bytes(content)
    data, [message] = load_user_settings()
    assert data == {}
    assert message.startswith(f"Settings file {path} could not be used (") and reason in message


def test_user_settings_that_are_a_folder_or_a_fifo(tmp_path: Path) -> None:
    path = config_file(tmp_path)
    path.mkdir()
    assert load_user_settings()[0] == {} and len(load_user_settings()[1]) == 1
    path.rmdir()
    os.mkfifo(path)  # nobody writes: reading it would block for ever
    started = time.monotonic()
    data, [message] = load_user_settings()
    assert data == {} and "not a regular file" in message
    assert time.monotonic() - started < 2


def test_user_settings_through_a_symlink(tmp_path: Path) -> None:
    """Dotfile managers link config files: a symlink is followed, unlike in the state."""
    real = tmp_path / "dotfiles.toml"
    real.write_text("[review]\ndesired_retention = 0.8\n")
    config_file(tmp_path).symlink_to(real)
    assert load_user_settings() == ({"review": {"desired_retention": 0.8}}, [])


# --- the scheduler --------------------------------------------------------------------


def test_good_on_a_new_card_is_due_in_ten_minutes() -> None:
    progress = plain_scheduler().review(None, 3, NOW)
    assert progress.due == NOW + 10 * MINUTE
    assert (progress.state, progress.step) == ("learning", 1)
    assert progress.first_review == progress.last_review == NOW
    assert (progress.reps, progress.lapses) == (1, 0)


def test_learning_steps_from_the_settings() -> None:
    assert (
        plain_scheduler(learning_steps=["2m", "20m"]).review(None, 3, NOW).due == NOW + 20 * MINUTE
    )
    assert (
        plain_scheduler(learning_steps=["2m", "20m"]).review(None, 1, NOW).due == NOW + 2 * MINUTE
    )
    graduated = plain_scheduler(learning_steps=[]).review(None, 3, NOW)
    assert graduated.state == "review" and graduated.due - NOW >= DAY


def test_a_new_cards_ratings_are_ordered_as_fsrs_says() -> None:
    """Again the first step, Hard between the steps, Good the second, Easy graduates."""
    due = {rating: plain_scheduler().review(None, rating, NOW).due for rating in RATINGS}
    assert due[1] == NOW + MINUTE
    assert due[2] == NOW + 5.5 * MINUTE
    assert due[3] == NOW + 10 * MINUTE
    assert due[4] - NOW >= 2 * DAY
    assert due[1] < due[2] < due[3] < due[4]


def test_a_review_cards_ratings_are_ordered_as_fsrs_says() -> None:
    known = progress_after(3, 3)  # learnt, then graduated to review
    assert known.state == "review"
    later = known.due + DAY
    after = {rating: plain_scheduler().review(known, rating, later) for rating in RATINGS}
    assert after[1].state == "relearning" and after[1].due == later + 10 * MINUTE
    assert after[1].lapses == 1 and all(after[r].lapses == 0 for r in (2, 3, 4))
    assert all(after[r].state == "review" for r in (2, 3, 4))
    assert after[1].due < after[2].due < after[3].due < after[4].due
    assert after[2].due - later >= DAY


def test_the_scheduler_is_fsrs() -> None:
    """The same ratings through fsrs.Scheduler directly give the same dates and memory."""
    ratings = [3, 3, 3, 1, 2, 3, 4, 1, 1, 3, 4]
    ours = plain_scheduler()
    theirs = fsrs.Scheduler(enable_fuzzing=False)
    progress: CardProgress | None = None
    card = fsrs.Card(card_id=1, due=NOW)
    moment = NOW
    for number, rating in enumerate(ratings):
        progress = ours.review(progress, rating, moment)
        card, _ = theirs.review_card(card, fsrs.Rating(rating), review_datetime=moment)
        assert progress.due == card.due
        assert progress.stability == card.stability and progress.difficulty == card.difficulty
        assert progress.state == card.state.name.lower() and progress.step == card.step
        moment = card.due + timedelta(hours=number)  # sometimes late
    assert progress is not None and progress.reps == len(ratings)
    assert progress.lapses == 2  # Again from review twice; the third Again was relearning


def test_higher_retention_shortens_intervals() -> None:
    known = progress_after(3, 3)
    later = known.due
    loose = plain_scheduler(desired_retention=0.8).review(known, 3, later).due
    strict = plain_scheduler(desired_retention=0.97).review(known, 3, later).due
    assert strict < plain_scheduler().review(known, 3, later).due < loose


@pytest.mark.parametrize("fuzzing", [False, True])
@pytest.mark.parametrize("history", [(), (3,), (3, 3), (4, 3, 3, 1), (4, 4, 4, 4)])
def test_preview_is_what_review_then_gives(fuzzing: bool, history: tuple[int, ...]) -> None:
    scheduler = Scheduler(ReviewSettings(), fuzzing=fuzzing)
    progress = progress_after(*history) if history else None
    moment = (progress.due if progress else NOW) + timedelta(hours=3)
    preview = scheduler.preview(progress, moment, card_id="0123456789abcdef")
    assert sorted(preview) == [1, 2, 3, 4]
    for rating, interval in preview.items():
        after = scheduler.review(progress, rating, moment, card_id="0123456789abcdef")
        assert after.due - moment == interval


def test_fuzz_is_fsrs_fuzz_drawn_from_the_card(monkeypatch: pytest.MonkeyPatch) -> None:
    """Our fuzz at random() = 0 and just below 1 gives fsrs's own bounds, for every interval."""
    plain = fsrs.Scheduler()
    for days in [*range(1, 400), 1000, 5000, 36000, 36499, 36500]:
        for fraction in (0.0, 0.25, 0.5, 0.999999):
            monkeypatch.setattr(fsrs.scheduler, "random", lambda fraction=fraction: fraction)
            theirs = plain._get_fuzzed_interval(interval=timedelta(days=days)).days
            assert review._fuzzed_days(days, fraction, 36500) == theirs, (days, fraction)


def test_fuzz_spreads_cards_but_stays_put_for_one_card() -> None:
    known = progress_after(4, gap=DAY)  # Easy on a new card: ~8 days, in review
    later = known.due + 20 * DAY
    fuzzy, plain = Scheduler(ReviewSettings()), plain_scheduler()
    unfuzzed = (plain.review(known, 3, later).due - later).days
    assert unfuzzed >= 20
    intervals = {
        (fuzzy.review(known, 3, later, card_id=f"card{n}").due - later).days for n in range(60)
    }
    assert len(intervals) >= 3, intervals
    spread = 1 + 0.15 * 4.5 + 0.1 * (min(unfuzzed, 20) - 7) + 0.05 * max(unfuzzed - 20, 0)
    assert all(abs(days - unfuzzed) <= round(spread) + 1 for days in intervals), intervals
    again = {fuzzy.review(known, 3, later, card_id="card7").due for _ in range(5)}
    assert len(again) == 1


def test_learning_intervals_are_never_fuzzed() -> None:
    fuzzy = Scheduler(ReviewSettings())
    for n in range(20):
        assert fuzzy.review(None, 3, NOW, card_id=f"c{n}").due == NOW + 10 * MINUTE


def test_scheduler_refuses_a_naive_time_and_a_bad_rating() -> None:
    scheduler = plain_scheduler()
    with pytest.raises(ValueError, match="timezone-aware"):
        scheduler.review(None, 3, datetime(2025, 3, 1, 9, 0))
    for rating in (0, 5, True, "3", 3.0):
        with pytest.raises(ValueError, match="rating"):
            scheduler.review(None, rating, NOW)  # type: ignore[arg-type]


def test_any_time_zone_is_the_same_moment() -> None:
    paris = NOW.astimezone(ZoneInfo("Europe/Paris"))
    assert plain_scheduler().review(None, 4, paris) == plain_scheduler().review(None, 4, NOW)
    assert plain_scheduler().review(None, 4, paris).due.tzinfo is UTC


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (timedelta(seconds=20), "<1m"),
        (MINUTE, "1m"),
        (5.5 * MINUTE, "6m"),
        (59.7 * MINUTE, "1h"),
        (timedelta(hours=5), "5h"),
        (timedelta(hours=23, minutes=50), "1d"),
        (3 * DAY, "3d"),
        (63 * DAY, "2.1mo"),
        (90 * DAY, "3mo"),
        (548 * DAY, "1.5y"),
    ],
)
def test_format_interval(interval: timedelta, text: str) -> None:
    assert format_interval(interval) == text


# --- what is due ----------------------------------------------------------------------


def progress_due(
    due: datetime, *, state: str = "review", first: datetime | None = None
) -> CardProgress:
    return CardProgress(
        state=state,
        step=None if state == "review" else 0,
        stability=5.0,
        difficulty=5.0,
        due=due,
        last_review=due - 3 * DAY,
        first_review=first or due - 3 * DAY,
        reps=2,
        lapses=0,
    )


def test_due_queue_order_and_new_card_limit() -> None:
    ids = [f"c{n}" for n in range(10)]
    state = ReviewState(
        {
            "c3": progress_due(NOW - 2 * DAY),
            "c1": progress_due(NOW - DAY),
            "c5": progress_due(NOW - 2 * DAY),  # due with c3: reading order decides
            "c7": progress_due(NOW + MINUTE),  # not due yet
            "gone": progress_due(NOW - DAY),  # a card no longer in the pack
        }
    )
    settings = ReviewSettings(new_per_day=3)
    assert due_queue(ids, state, settings, NOW) == ["c3", "c5", "c1", "c0", "c2", "c4"]
    assert due_queue(ids, state, ReviewSettings(new_per_day=0), NOW) == ["c3", "c5", "c1"]
    assert due_queue(["c9", "c1", "c9"], state, settings, NOW) == ["c1", "c9"]


def test_new_cards_seen_today_count_against_the_limit() -> None:
    """Today is the local study day, from 4 am (as Anki's): 05:00 in New York is 10:00
    UTC, and 03:59 there is still the day before."""
    new_york = ZoneInfo("America/New_York")
    now = datetime(2025, 3, 2, 5, 0, tzinfo=new_york)
    state = ReviewState(
        {
            "seen-today": progress_due(
                now + DAY, first=datetime(2025, 3, 2, 4, 30, tzinfo=new_york)
            ),
            "seen-today-2": progress_due(now + DAY, first=now - timedelta(minutes=5)),
            "seen-yesterday": progress_due(
                now + DAY, first=datetime(2025, 3, 2, 3, 59, tzinfo=new_york)
            ),
        }
    )
    ids = ["n1", "n2", "n3", "seen-today", "seen-today-2", "seen-yesterday"]
    settings = ReviewSettings(new_per_day=3)
    assert due_queue(ids, state, settings, now) == ["n1"]
    assert summary(ids, state, settings, now).new_available == 1
    # The same moment seen from UTC is 10:00 on the 2nd, and "yesterday" (08:59 UTC) is today.
    assert due_queue(ids, state, settings, now.astimezone(UTC)) == []
    assert due_queue(ids, state, settings, now.astimezone(UTC), tz=new_york) == ["n1"]
    assert review.new_left_today(state, ReviewSettings(new_per_day=1), now) == 0


def test_learn_ahead_brings_learning_cards_due_soon() -> None:
    state = ReviewState(
        {
            "soon": progress_due(NOW + 5 * MINUTE, state="learning"),
            "sooner": progress_due(NOW + 2 * MINUTE, state="relearning"),
            "later": progress_due(NOW + 30 * MINUTE, state="learning"),
            "review-soon": progress_due(NOW + 5 * MINUTE),
            "due": progress_due(NOW),
        }
    )
    ids = ["soon", "sooner", "later", "review-soon", "due", "new"]
    assert due_queue(ids, state, ReviewSettings(), NOW) == ["due", "new"]
    queue = due_queue(ids, state, ReviewSettings(), NOW, learn_ahead=20 * MINUTE)
    assert queue == ["due", "new", "sooner", "soon"]


def test_summary_splits_the_cards_four_ways() -> None:
    state = ReviewState(
        {
            "due": progress_due(NOW),
            "overdue-learning": progress_due(NOW - MINUTE, state="learning"),
            "learning": progress_due(NOW + MINUTE, state="learning"),
            "relearning": progress_due(NOW + MINUTE, state="relearning"),
            "known": progress_due(NOW + DAY),
            "elsewhere": progress_due(NOW),
        }
    )
    ids = ["due", "overdue-learning", "learning", "relearning", "known", "n1", "n2", "n1"]
    counts = summary(ids, state, ReviewSettings(new_per_day=1), NOW)
    assert counts == Counts(new=2, due=2, learning=2, known=1, new_available=1)
    assert counts.to_review == 3
    assert counts.new + counts.due + counts.learning + counts.known == len(set(ids))
    assert summary([], state, ReviewSettings(), NOW) == Counts()


def test_forecast_by_local_day() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")  # NOW is 18:00 there
    state = ReviewState(
        {
            "overdue": progress_due(NOW - 10 * DAY),
            "tonight": progress_due(NOW + timedelta(hours=5)),  # 23:00 in Tokyo
            "after-midnight": progress_due(NOW + timedelta(hours=7)),  # 01:00: still today
            "after-four": progress_due(NOW + timedelta(hours=11)),  # 05:00 tomorrow
            "day-13": progress_due(NOW + 13 * DAY),
            "day-14": progress_due(NOW + 14 * DAY),
            "unlisted": progress_due(NOW),
        }
    )
    ids = ["overdue", "tonight", "after-midnight", "after-four", "day-13", "day-14", "new"]
    days = forecast(ids, state, NOW, tz=tokyo)
    assert days == [3, 1] + [0] * 11 + [1]
    # UTC: 14:00, 16:00 and 20:00 today.
    assert forecast(ids, state, NOW) == [4] + [0] * 12 + [1]
    assert forecast(ids, state, NOW, days=3, tz=tokyo) == [3, 1, 0]
    assert forecast(ids, state, NOW, days=0) == []


def test_next_due() -> None:
    state = ReviewState({"a": progress_due(NOW + DAY), "b": progress_due(NOW + 2 * MINUTE)})
    assert next_due(["a", "b", "new"], state) == NOW + 2 * MINUTE
    assert next_due(["new"], state) is None


def test_due_functions_refuse_a_naive_now() -> None:
    naive = datetime(2025, 3, 1, 9, 0)
    for call in (
        lambda: due_queue([], ReviewState(), ReviewSettings(), naive),
        lambda: summary([], ReviewState(), ReviewSettings(), naive),
        lambda: forecast([], ReviewState(), naive),
    ):
        with pytest.raises(ValueError, match="timezone-aware"):
            call()


# --- the card file --------------------------------------------------------------------


def test_progress_round_trips_through_json() -> None:
    for progress in (progress_after(3), progress_after(3, 3, 1), progress_after(4, 1, 2)):
        encoded = progress.encoded()
        assert json.loads(encoded) == progress.to_json()
        assert CardProgress.from_json(json.loads(encoded)) == progress
        assert progress.to_json()["due"].endswith("Z")


def test_progress_is_immutable() -> None:
    progress = progress_after(3)
    with pytest.raises(AttributeError):
        progress.reps = 5
    assert {progress, progress_after(3)} == {progress}


def test_times_in_the_files_are_utc(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    paris = datetime(2025, 3, 1, 10, 0, 0, 250_000, tzinfo=ZoneInfo("Europe/Paris"))
    store.rate("abc", 3, paris, 4200, plain_scheduler())
    document = json.loads(card_file(store).read_bytes())
    entry = document["cards"]["abc"]
    assert entry["first_review"] == entry["last_review"] == "2025-03-01T09:00:00.250000Z"
    assert entry["due"] == "2025-03-01T09:10:00.250000Z"
    assert document["version"] == 1 and document["pack"]["title"] == TITLE
    [line] = log_file(store).read_text().splitlines()
    assert json.loads(line) == {
        "card": "abc", "time": "2025-03-01T09:00:00.250000Z", "rating": 3, "elapsed_ms": 4200,
    }  # fmt: skip
    assert b" " not in card_file(store).read_bytes().replace(TITLE.encode(), b"")  # compact


def valid_entry() -> dict[str, object]:
    return progress_after(3, 3).to_json()


@pytest.mark.parametrize(
    "change",
    [
        lambda e: "not a dict",
        lambda e: [e],
        lambda e: e | {"due": "yesterday"},
        lambda e: e | {"due": "2025-03-01T09:00:00"},  # naive
        lambda e: e | {"last_review": None},
        lambda e: e | {"first_review": 20250301},
        lambda e: e | {"due": "2025-03-01T09:00:00Z" + "0" * 100},
        lambda e: e | {"state": "graduated"},
        lambda e: e | {"state": "learning", "step": None},
        lambda e: e | {"state": "learning", "step": -1},
        lambda e: e | {"stability": float("nan")},
        lambda e: e | {"stability": float("inf")},
        lambda e: e | {"stability": 0},
        lambda e: e | {"stability": "3.2"},
        lambda e: e | {"difficulty": 11},
        lambda e: e | {"reps": True},
        lambda e: e | {"reps": 0},
        lambda e: e | {"lapses": 5, "reps": 2},
        lambda e: {k: v for k, v in e.items() if k != "difficulty"},
    ],
)
def test_a_bad_card_entry_is_dropped_and_the_rest_kept(
    pack_root: Path, state_dir: Path, change: Callable[[dict[str, object]], object]
) -> None:
    store = saving_store(pack_root, state_dir)
    good = valid_entry()
    document = {"version": 1, "cards": {"good": good, "bad": change(dict(good))}}
    card_file(store).write_text(json.dumps(document))
    state = store.load()
    assert list(state.cards) == ["good"] and state.cards["good"] == CardProgress.from_json(good)
    assert store.take_notices() == [] and store.saving


def test_bad_card_ids_are_dropped(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    good = valid_entry()
    cards = {"ok": good, "": good, "x" * 65: good, "tab\there": good, "é": good, "\x1b[31m": good}
    card_file(store).write_text(json.dumps({"version": 1, "cards": cards, "extra": [1]}))
    assert list(store.load().cards) == ["ok"]


def test_stored_review_state_with_a_stray_step_loads() -> None:
    assert CardProgress.from_json(valid_entry() | {"step": 4}) == CardProgress.from_json(
        valid_entry()
    )


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   \n",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"cards": {}}',
        b'{"version": "1", "cards": {}}',
        b'{"version": 0, "cards": {}}',
        b'{"version": 1, "cards": []}',
        b'{"version": 1, "cards": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
)
def test_a_corrupt_card_file_is_set_aside_once(
    pack_root: Path, state_dir: Path, content: bytes
) -> None:
    store = saving_store(pack_root, state_dir)
    path = card_file(store)
    path.write_bytes(content)
    assert store.load() == ReviewState()
    [notice] = store.take_notices()
    assert notice.startswith("Review state for this pack could not be used (")
    assert notice.endswith("and reviewing starts afresh.")
    [aside] = [p for p in path.parent.iterdir() if p.name.startswith(path.name + ".bad-")]
    assert aside.read_bytes() == content
    progress = store.rate("a", 3, NOW, None, plain_scheduler())
    assert store.saving and store.take_notices() == []
    assert ReviewStore.open(pack_root, TITLE, state_dir=state_dir).load().cards == {"a": progress}


def test_a_huge_card_file_is_set_aside(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    card_file(store).write_bytes(b'{"version":1,"cards":{}}' + b" " * state_io.MAX_STATE_BYTES)
    assert store.load() == ReviewState()
    [notice] = store.take_notices()
    assert "larger than 4 MiB" in notice


def test_a_symlinked_card_file_is_set_aside_not_followed(
    pack_root: Path, state_dir: Path, tmp_path: Path
) -> None:
    store = saving_store(pack_root, state_dir)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    card_file(store).symlink_to(victim)
    store.rate("a", 3, NOW, None, plain_scheduler())
    [notice] = store.take_notices()
    assert "symbolic link" in notice
    assert victim.read_text() == "precious" and not card_file(store).is_symlink()
    assert list(store.load().cards) == ["a"]


def test_a_newer_format_is_neither_trusted_nor_overwritten(
    pack_root: Path, state_dir: Path
) -> None:
    store = saving_store(pack_root, state_dir)
    newer = json.dumps({"version": 2, "cards": {"a": valid_entry()}}).encode()
    card_file(store).write_bytes(newer)
    assert store.load() == ReviewState()
    assert not store.saving
    [notice] = store.take_notices()
    assert (
        notice
        == "Review state will not be saved: the review file is from a newer reader (format 2)"
    )
    progress = store.rate("a", 3, NOW, 10, plain_scheduler())
    assert progress.reps == 1 and store.load().cards == {"a": progress}
    assert card_file(store).read_bytes() == newer and not log_file(store).exists()
    assert store.take_notices() == []
    assert store.read_log() == [ReviewLogEntry("a", NOW, 3, 10)]


# --- the store ------------------------------------------------------------------------


def test_ratings_are_saved_and_logged(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    scheduler = plain_scheduler()
    first = store.rate("a", 3, NOW, 1500, scheduler)
    second = store.rate("a", 3, first.due, None, scheduler)
    third = store.rate("b", 1, NOW + MINUTE, -20, scheduler)
    assert second == scheduler.review(first, 3, first.due)
    reopened = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    assert reopened.load().cards == {"a": second, "b": third}
    assert reopened.read_log() == [
        ReviewLogEntry("a", NOW, 3, 1500),
        ReviewLogEntry("a", first.due, 3, None),
        ReviewLogEntry("b", NOW + MINUTE, 1, 0),  # a negative time spent means none
    ]
    assert store.take_notices() == [] and reopened.take_notices() == []
    assert not reopened.load().is_new("a") and reopened.load().is_new("c")


def test_files_live_beside_the_reading_state(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    stem = state_io.pack_file_name(str(pack_root.resolve()), TITLE).removesuffix(".json")
    assert card_file(store) == state_dir / "packs" / f"{stem}.cards.json"
    assert log_file(store) == state_dir / "packs" / f"{stem}.reviews.jsonl"
    store.rate("a", 3, NOW, None, plain_scheduler())
    assert not any(path.name.endswith((".json", ".jsonl")) for path in pack_root.iterdir())
    assert (
        card_file(store).stat().st_mode & 0o077 == 0 and log_file(store).stat().st_mode & 0o077 == 0
    )


def test_the_state_dir_from_the_environment(
    pack_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(state_io.ENV_STATE_DIR, str(tmp_path / "from-env"))
    store = ReviewStore.open(pack_root, TITLE)
    assert card_file(store).parent == tmp_path / "from-env" / "packs"


def test_load_gives_a_copy(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    store.rate("a", 3, NOW, None, plain_scheduler())
    copy = store.load()
    copy.cards.clear()
    assert list(store.load().cards) == ["a"]


def test_two_stores_see_each_others_ratings(pack_root: Path, state_dir: Path) -> None:
    first, second = saving_store(pack_root, state_dir), saving_store(pack_root, state_dir)
    scheduler = plain_scheduler()
    assert first.load() == second.load() == ReviewState()
    a1 = first.rate("a", 3, NOW, None, scheduler)
    a2 = second.rate("a", 3, NOW + 10 * MINUTE, None, scheduler)  # builds on first's rating
    assert a2 == scheduler.review(a1, 3, NOW + 10 * MINUTE) and a2.reps == 2
    b1 = first.rate("b", 4, NOW, None, scheduler)
    assert first.load().cards == second.load().cards == {"a": a2, "b": b1}
    assert len(first.read_log()) == 3


def test_a_file_changed_behind_the_stores_back_is_read_again(
    pack_root: Path, state_dir: Path
) -> None:
    store = saving_store(pack_root, state_dir)
    store.rate("a", 3, NOW, None, plain_scheduler())
    document = json.loads(card_file(store).read_bytes())
    document["cards"]["z"] = document["cards"]["a"]
    card_file(store).write_text(json.dumps(document))
    assert set(store.load().cards) == {"a", "z"}
    card_file(store).unlink()
    assert store.load() == ReviewState()


def test_a_disabled_store_touches_nothing(pack_root: Path, state_dir: Path) -> None:
    store = ReviewStore.open(pack_root, TITLE, state_dir=state_dir, enabled=False)
    progress = store.rate("a", 3, NOW, None, plain_scheduler())
    assert store.load().cards == {"a": progress} and not store.saving
    assert store.take_notices() == [] and not state_dir.exists()


def test_callers_bugs_raise(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    scheduler = plain_scheduler()
    with pytest.raises(ValueError, match="rating"):
        store.rate("a", 7, NOW, None, scheduler)
    with pytest.raises(ValueError, match="card id"):
        store.rate("", 3, NOW, None, scheduler)
    with pytest.raises(ValueError, match="timezone-aware"):
        store.rate("a", 3, datetime(2025, 3, 1), None, scheduler)
    assert store.load() == ReviewState() and not log_file(store).exists()


def assert_memory_only_with_one_notice(store: ReviewStore) -> str:
    """No exception, ratings still work in memory, and the user is told exactly once."""
    scheduler = plain_scheduler()
    first = store.rate("m1", 3, NOW, 100, scheduler)
    assert not store.saving
    second = store.rate("m1", 3, first.due, 200, scheduler)
    assert store.load().cards["m1"] == second and second.reps == 2
    assert store.read_log()[-2:] == [
        ReviewLogEntry("m1", NOW, 3, 100),
        ReviewLogEntry("m1", first.due, 3, 200),
    ]
    [notice] = store.take_notices()
    assert notice.startswith("Review state will not be saved: ")
    assert store.take_notices() == []
    return notice


def test_state_dir_under_a_regular_file(pack_root: Path, tmp_path: Path) -> None:
    (tmp_path / "afile").write_text("I am a file")
    store = ReviewStore.open(pack_root, TITLE, state_dir=tmp_path / "afile" / "x")
    assert store.path is None and store.log_path is None
    assert_memory_only_with_one_notice(store)
    assert (tmp_path / "afile").read_text() == "I am a file"


def test_read_only_state_dir(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As the file system says it (the tests may run as root, whom chmod stops not)."""

    def read_only(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    store = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    assert "Read-only file system" in assert_memory_only_with_one_notice(store)


def test_disk_full_after_start_keeps_ratings_in_memory(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = saving_store(pack_root, state_dir)
    saved = store.rate("a", 3, NOW, None, plain_scheduler())
    before = card_file(store).read_bytes()

    def disk_full(fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)
    notice = assert_memory_only_with_one_notice(store)
    assert "No space left on device" in notice
    monkeypatch.undo()
    assert card_file(store).read_bytes() == before
    assert store.load().cards["a"] == saved
    assert [entry.card for entry in store.read_log()] == ["a", "m1", "m1"]
    leftovers = [p for p in card_file(store).parent.iterdir() if ".tmp-" in p.name]
    assert leftovers == []


def test_log_append_failing_keeps_the_rating(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = saving_store(pack_root, state_dir)
    real_write = os.write

    def full_for_the_log(fd: int, data: bytes | memoryview) -> int:
        if os.fstat(fd).st_size < 10_000 and bytes(data).startswith(b'{"card"'):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", full_for_the_log)
    progress = store.rate("a", 3, NOW, None, plain_scheduler())
    monkeypatch.undo()
    assert not store.saving and store.load().cards == {"a": progress}
    assert store.read_log() == [ReviewLogEntry("a", NOW, 3, None)]
    [notice] = store.take_notices()
    assert "No space left" in notice


def test_lock_held_too_long_stops_saving_without_writing(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = saving_store(pack_root, state_dir)
    store.rate("a", 3, NOW, None, plain_scheduler())
    before = card_file(store).read_bytes()
    monkeypatch.setattr(state_io, "LOCK_TIMEOUT", 0.2)
    with open(card_file(store).with_name(card_file(store).name + ".lock"), "a") as holder:
        fcntl.flock(holder.fileno(), fcntl.LOCK_EX)
        started = time.monotonic()
        progress = store.rate("b", 3, NOW, None, plain_scheduler())
        assert time.monotonic() - started >= 0.2
    assert card_file(store).read_bytes() == before and not store.saving
    assert set(store.load().cards) == {"a", "b"} and store.load().cards["b"] == progress
    [notice] = store.take_notices()
    assert "locked" in notice


def test_no_locks_on_this_system(
    pack_root: Path, state_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_locks(fd: int, operation: int) -> None:
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    store = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    assert "No locks available" in assert_memory_only_with_one_notice(store)


# --- the log --------------------------------------------------------------------------


def test_torn_and_garbage_log_lines_are_skipped(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    good = json.dumps(ReviewLogEntry("a", NOW, 3, 12).to_json())
    lines = [
        good,
        "garbage",
        "",
        "[1, 2]",
        '{"card": "a", "time": "2025-03-01T09:00:00Z", "rating": 5, "elapsed_ms": 1}',
        '{"card": "a", "time": "2025-03-01T09:00:00", "rating": 3, "elapsed_ms": 1}',
        '{"card": "a", "time": "2025-03-01T09:00:00Z", "rating": true, "elapsed_ms": 1}',
        '{"card": "a", "time": "2025-03-01T09:00:00Z", "rating": 3, "elapsed_ms": -1}',
        '{"card": 7, "time": "2025-03-01T09:00:00Z", "rating": 3, "elapsed_ms": null}',
        '{"card": "' + "x" * 5000 + '", "time": "2025-03-01T09:00:00Z", "rating": 3}',
        "[" * 10_000,
        json.dumps(ReviewLogEntry("b", NOW, 3, 12).to_json()),
    ]
    log_file(store).write_bytes("\n".join(lines).encode() + b"\n\xff\xfe\n" + good.encode()[:30])
    assert store.read_log() == [ReviewLogEntry("a", NOW, 3, 12), ReviewLogEntry("b", NOW, 3, 12)]
    store.rate("c", 4, NOW, 99, plain_scheduler())  # after a torn line: ends it first
    assert store.read_log()[-1] == ReviewLogEntry("c", NOW, 4, 99)
    assert len(store.read_log()) == 3
    assert log_file(store).read_bytes().endswith(b"\n")


def test_a_symlinked_log_is_set_aside_not_followed(
    pack_root: Path, state_dir: Path, tmp_path: Path
) -> None:
    store = saving_store(pack_root, state_dir)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n")
    log_file(store).symlink_to(victim)
    assert store.read_log() == []
    store.rate("a", 3, NOW, None, plain_scheduler())
    assert victim.read_text() == "precious\n" and not log_file(store).is_symlink()
    [notice] = store.take_notices()
    assert notice.startswith(
        "The review log of this pack could not be used (it is a symbolic link)"
    )
    assert store.read_log() == [ReviewLogEntry("a", NOW, 3, None)] and store.saving


def test_a_fifo_in_place_of_the_log(pack_root: Path, state_dir: Path) -> None:
    store = saving_store(pack_root, state_dir)
    os.mkfifo(log_file(store))
    started = time.monotonic()
    assert store.read_log() == []
    store.rate("a", 3, NOW, None, plain_scheduler())
    assert time.monotonic() - started < 2
    [notice] = store.take_notices()
    assert "not a regular file" in notice
    assert store.read_log() == [ReviewLogEntry("a", NOW, 3, None)]


def _cpu_seconds(run: Callable[[], object]) -> float:
    """Best of three, collector off (its pauses grow with the heap, not the work)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(3):
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def test_hostile_logs_and_card_files_cost_linear_time(tmp_path: Path) -> None:
    """A log of one endless line, or of endless short garbage lines, and a card file of
    many broken entries: 10x the input costs ~10x the time, never ~100x."""

    def log_of(size: int, kind: str) -> Path:
        path = tmp_path / f"{kind}-{size}.jsonl"
        unit = {"one-line": b"{", "lines": b"{\n", "brackets": b"[" * 900 + b"\n"}[kind]
        path.write_bytes(unit * (size // len(unit)))
        return path

    for kind in ("one-line", "lines", "brackets"):
        small, large = log_of(100_000, kind), log_of(1_000_000, kind)
        assert review._read_log_file(small) == []
        ratio = _cpu_seconds(functools.partial(review._read_log_file, large)) / max(
            _cpu_seconds(functools.partial(review._read_log_file, small)), 1e-4
        )
        assert ratio < 25, (kind, ratio)

    def cards_of(count: int) -> dict[str, object]:
        bad = valid_entry() | {"due": "2025-13-45T99:99:99Z"}
        return {"version": 1, "cards": {f"{n:016x}": bad for n in range(count)}}

    small_doc, large_doc = cards_of(2_000), cards_of(20_000)
    assert ReviewState.from_json(small_doc) == ReviewState()
    ratio = _cpu_seconds(lambda: ReviewState.from_json(large_doc)) / _cpu_seconds(
        lambda: ReviewState.from_json(small_doc)
    )
    assert ratio < 25, ratio


# --- speed ----------------------------------------------------------------------------


def test_a_rating_with_2000_cards_is_well_under_50_ms(pack_root: Path, state_dir: Path) -> None:
    """The issue's budget for a rating to the next card (~3 ms here), and for a rating
    after another session changed the file, which parses all of it (~20 ms); the file
    stays compact. Wall-clock time, so a round over budget is measured again (the
    machine may be busy) and the best of three rounds counts."""
    scheduler = Scheduler(ReviewSettings())  # fuzzing on, as in use
    ids = [f"{n:016x}" for n in range(2000)]
    state = ReviewState()
    for card_id in ids:
        learnt = scheduler.review(None, 3, NOW, card_id=card_id)
        state.cards[card_id] = scheduler.review(learnt, 3, learnt.due, card_id=card_id)
    store = saving_store(pack_root, state_dir)
    card_file(store).write_text(json.dumps({"version": 1, "cards": state.to_json()}))
    size = card_file(store).stat().st_size
    chooser = random.Random(19)
    ratings = 0

    def rate_once(rating_store: ReviewStore) -> float:
        nonlocal ratings
        ratings += 1
        started = time.perf_counter()
        moment = NOW + 5 * DAY + ratings * MINUTE
        rating_store.rate(chooser.choice(ids), chooser.randint(1, 4), moment, 900, scheduler)
        return time.perf_counter() - started

    best_steady = best_fresh = float("inf")
    for _ in range(3):
        fresh = [  # each a new store: it parses the whole file, as after another session
            rate_once(ReviewStore.open(pack_root, TITLE, state_dir=state_dir)) for _ in range(5)
        ]
        steady = [rate_once(store) for _ in range(40)]
        best_steady = min(best_steady, statistics.median(steady))
        best_fresh = min(best_fresh, statistics.median(fresh))
        if best_steady < 0.025 and best_fresh < 0.05:
            break
    assert best_steady < 0.025 and best_fresh < 0.05, (best_steady, best_fresh)
    assert store.saving and len(store.load().cards) == 2000 and store.take_notices() == []
    written = card_file(store).read_bytes()
    assert len(written) < size and len(written) / 2000 < 260  # no spaces, unlike json.dumps'
    assert len(store.read_log()) == ratings


def test_times_of_any_form_are_written_back_as_plain_json(pack_root: Path, state_dir: Path) -> None:
    """Python reads an ISO time with any character between date and time, a quote too:
    such text is never copied into the file as it is."""
    store = saving_store(pack_root, state_dir)
    entries = {
        "quote": valid_entry() | {"due": '2025-03-01"09:10:00Z'},
        "backslash": valid_entry() | {"last_review": "2025-03-01\\09:10:00Z"},
        "newline": valid_entry() | {"first_review": "2025-03-01\n09:00:00Z"},
        "offset": valid_entry() | {"due": "2025-03-01T10:10:00+01:00"},
    }
    card_file(store).write_text(json.dumps({"version": 1, "cards": entries}))
    loaded = store.load().cards
    assert set(loaded) == set(entries)
    store.rate("new", 3, NOW, None, plain_scheduler())
    document = json.loads(card_file(store).read_bytes())
    assert document["cards"]["quote"]["due"] == "2025-03-01T09:10:00Z"
    assert document["cards"]["backslash"]["last_review"] == "2025-03-01T09:10:00Z"
    assert document["cards"]["offset"]["due"] == "2025-03-01T09:10:00Z"
    reloaded = ReviewStore.open(pack_root, TITLE, state_dir=state_dir).load().cards
    assert {key: reloaded[key] for key in entries} == loaded


def test_importing_review_loads_neither_fsrs_nor_json() -> None:
    """The outline's due counts need the state, not the scheduler (fsrs costs ~3 ms)."""
    code = (
        "import sys, reader.review; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('fsrs', 'json')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"


# --- several processes -----------------------------------------------------------------


def test_two_processes_lose_no_ratings(pack_root: Path, state_dir: Path, tmp_path: Path) -> None:
    go_file = tmp_path / "go"
    command = [sys.executable, str(WORKER), "burst", str(state_dir), str(pack_root), TITLE]
    workers = [
        subprocess.Popen(
            [*command, seed, "200", "20", str(go_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for seed in ("1", "2")
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

    store = saving_store(pack_root, state_dir)
    log = store.read_log()
    assert len(log) == 400
    state = store.load()
    scheduler = plain_scheduler()
    replayed: dict[str, CardProgress] = {}
    for entry in log:  # the log's order is the order the ratings were applied in
        replayed[entry.card] = scheduler.review(replayed.get(entry.card), entry.rating, entry.time)
    assert state.cards == replayed
    for card_id, progress in state.cards.items():
        assert progress.reps == sum(1 for entry in log if entry.card == card_id)
    assert len(state.cards) == 20
