"""Twenty sessions of one user change the place, bookmarks, read marks and card reviews at
once, each in its own process: not one update is lost.

Each session (tests/unit/state_worker.py `session`) makes COUNT reading changes of its
own, rates COUNT cards of its own, and rates one card every session shares, as fast as
it can, all starting together. Afterwards the files must hold every bookmark and read
mark, every card, every rating in the log, and the shared card must have been reviewed
as often as it was rated in all (its repetitions count each review that was applied on
top of the one before: a lost update shows as a count too low).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import state_io
from reader.review import ReviewStore
from reader.state import HISTORY_LIMIT
from reader.state_store import StateStore

WORKER = Path(__file__).with_name("state_worker.py")
TITLE = "Class Pack"
SESSIONS = 20
COUNT = 15


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(state_io.ENV_STATE_DIR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


def test_twenty_sessions_of_one_user_lose_no_update(tmp_path: Path) -> None:
    pack_root, state_dir, go_file = tmp_path / "pack", tmp_path / "state", tmp_path / "go"
    pack_root.mkdir()
    command = [sys.executable, str(WORKER), "session", str(state_dir), str(pack_root), TITLE]
    tags = [f"s{number:02d}" for number in range(SESSIONS)]
    workers = [
        subprocess.Popen(
            [*command, tag, str(COUNT), str(go_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tag in tags
    ]
    time.sleep(1.5)  # twenty interpreters start on two cores: let them all wait for `go`
    go_file.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))
    for report in reports:
        assert report["saving"] == [True, True] and report["notices"] == [], report
    overlapping = sum(1 for report in reports if report["start"] < min(r["end"] for r in reports))
    assert overlapping >= SESSIONS // 2, f"only {overlapping} sessions ran at once"

    names = {f"{tag}-{number}" for tag in tags for number in range(COUNT)}
    store = StateStore.open(pack_root, TITLE, state_dir=state_dir)
    state = store.load()
    assert store.take_notices() == []
    bookmarked = [bookmark.note for bookmark in state.bookmarks]
    assert sorted(bookmarked) == sorted(names), "bookmarks lost or doubled"
    assert state.read == names, f"read marks lost: {len(names - state.read)}"
    # The place is one session's last; history keeps the latest HISTORY_LIMIT steps, one
    # per change, each session's in its own order.
    assert state.position is not None
    assert state.position.section in {f"{tag}-{COUNT - 1}" for tag in tags}
    visited = [entry.section for entry in state.history]
    assert len(visited) == len(set(visited)) == min(len(names), HISTORY_LIMIT)
    assert set(visited) <= names
    for tag in tags:
        steps = [int(name.split("-")[1]) for name in visited if name.startswith(f"{tag}-")]
        assert steps == sorted(steps), f"{tag}'s history out of order: {steps}"

    reviews = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    cards = reviews.load().cards
    assert reviews.take_notices() == []
    assert cards.keys() == names | {"shared"}, f"cards lost: {len(names - cards.keys())}"
    assert all(cards[name].reps == 1 for name in names)
    ratings_of_shared = SESSIONS * COUNT
    assert cards["shared"].reps == ratings_of_shared, (
        f"the shared card was rated {ratings_of_shared} times; {cards['shared'].reps} kept"
    )
    log = reviews.read_log()
    assert len(log) == len(names) + ratings_of_shared
    assert sorted(entry.card for entry in log if entry.card != "shared") == sorted(names)
