"""Child process for the multi-process reading-state tests in test_state.py.

    state_worker.py burst STATE_DIR PACK_ROOT TITLE TAG COUNT GO_FILE
        wait for GO_FILE, then make COUNT updates, each adding bookmark and read mark
        "TAG-i"; print one JSON line with start/end times, saving flag and notices.
    state_worker.py loop STATE_DIR PACK_ROOT TITLE
        update forever (until killed), counting in position.scroll; print "ready" once
        the first update is on disk.
    state_worker.py acked STATE_DIR PACK_ROOT TITLE TAG
        forever (until killed), alternately: a reading change "TAG-i" (the place, a
        bookmark, a read mark, a history step) and a rating of card "TAG-i"; after each
        call returns, print "read TAG-i" or "card TAG-i" (one write to the pipe each).
    state_worker.py session STATE_DIR PACK_ROOT TITLE TAG COUNT GO_FILE
        wait for GO_FILE, then COUNT times: a reading change "TAG-i" and two ratings, of
        card "TAG-i" and of card "shared"; print one JSON line with start/end times,
        both stores' saving flags and notices.

A real separate interpreter, because flock and kill -9 only mean something across
processes.
"""

from __future__ import annotations

import functools
import itertools
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.review import ReviewSettings, ReviewStore, Scheduler
from reader.state import Position, ReadingState
from reader.state_store import StateStore


def add_unique(state: ReadingState, name: str) -> None:
    state.add_bookmark(name, note=name)
    state.mark_read(name)


def burst(store: StateStore, tag: str, count: int, go_file: Path) -> None:
    """Hammer the store as fast as possible, so the two workers really contend."""
    while not go_file.exists():
        time.sleep(0.001)
    start = time.time()
    for number in range(count):
        store.update(functools.partial(add_unique, name=f"{tag}-{number}"))
    report = {"start": start, "end": time.time(), "saving": store.saving}
    print(json.dumps(report | {"notices": store.take_notices()}), flush=True)


def loop(store: StateStore) -> None:
    """Write continuously with a bounded file size, so every moment is a good moment to die."""

    def change(state: ReadingState) -> None:
        count = int(state.position.scroll) + 1 if state.position else 1
        state.visit(Position(f"s{count % 50}", float(count)))
        state.position = Position("counter", float(count))
        state.add_bookmark(f"s{count}", note=f"write {count}")
        del state.bookmarks[:-300]
        state.mark_read(f"s{count % 3000}")

    store.update(change)
    if not store.saving:
        print(json.dumps({"error": store.take_notices()}), flush=True)
        sys.exit(2)
    print("ready", flush=True)
    while True:
        store.update(change)


def read_change(state: ReadingState, name: str) -> None:
    """Every kind of reading change at once: the place and history, a bookmark, a read mark."""
    state.visit(Position(name, 7.0))
    state.add_bookmark(name, note=name)
    state.mark_read(name)


def acked(store: StateStore, reviews: ReviewStore, tag: str) -> None:
    """Write until killed, telling the parent after each write returned: what the parent
    was told must survive a kill at any moment."""
    scheduler = Scheduler(ReviewSettings(), fuzzing=False)
    for number in itertools.count():
        name = f"{tag}-{number}"
        store.update(functools.partial(read_change, name=name))
        os.write(1, f"read {name}\n".encode())
        reviews.rate(name, 1 + number % 4, datetime.now(UTC), 1000, scheduler)
        os.write(1, f"card {name}\n".encode())


def session(store: StateStore, reviews: ReviewStore, tag: str, count: int, go_file: Path) -> None:
    """One of many sessions of one user, all changing everything at once."""
    scheduler = Scheduler(ReviewSettings(), fuzzing=False)
    while not go_file.exists():
        time.sleep(0.001)
    start = time.time()
    for number in range(count):
        name = f"{tag}-{number}"
        store.update(functools.partial(read_change, name=name))
        reviews.rate(name, 3, datetime.now(UTC), 1000, scheduler)
        reviews.rate("shared", 1 + number % 4, datetime.now(UTC), 1000, scheduler)
    report = {
        "start": start,
        "end": time.time(),
        "saving": [store.saving, reviews.saving],
        "notices": store.take_notices() + reviews.take_notices(),
    }
    print(json.dumps(report), flush=True)


def main(argv: list[str]) -> int:
    mode, state_dir, pack_root, title = argv[:4]
    store = StateStore.open(Path(pack_root), title, state_dir=Path(state_dir))
    if not store.saving:
        print(json.dumps({"error": store.take_notices()}), flush=True)
        return 2
    if mode == "burst":
        burst(store, argv[4], int(argv[5]), Path(argv[6]))
    elif mode == "loop":
        loop(store)
    else:
        reviews = ReviewStore.open(Path(pack_root), title, state_dir=Path(state_dir))
        if not reviews.saving:
            print(json.dumps({"error": reviews.take_notices()}), flush=True)
            return 2
        if mode == "acked":
            acked(store, reviews, argv[4])
        else:
            session(store, reviews, argv[4], int(argv[5]), Path(argv[6]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
