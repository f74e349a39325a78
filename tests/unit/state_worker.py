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
    state_worker.py disk MOUNT PACK_ROOT TITLE
        inside a mount namespace where MOUNT is a small tmpfs: save, fill the disk, keep
        changing, free it, change again; then remount it read-only and back; print one
        JSON line of what was seen at each step (see test_faults_disk.py).

A real separate interpreter, because flock and kill -9 only mean something across
processes.
"""

from __future__ import annotations

import errno
import functools
import itertools
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.review import ReviewLogEntry, ReviewSettings, ReviewState, ReviewStore, Scheduler
from reader.state import Position, ReadingState
from reader.state_store import FallbackStore, StateStore


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


def fill_up(folder: Path) -> Path:
    """Write a file until the file system has no space left; return it."""
    filler = folder / "filler"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"x" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def remount(mount: Path, mode: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mount)], check=True)


def saved_on_disk(store: StateStore, reviews: ReviewStore) -> dict[str, object]:
    """What the files hold now, read as they are (a new session could not even open them
    while the folder is read-only)."""
    assert store.path is not None and reviews.path is not None and reviews.log_path is not None
    state = ReadingState.from_json(json.loads(store.path.read_bytes()))
    cards = ReviewState.from_json(json.loads(reviews.path.read_bytes())).cards
    log = [ReviewLogEntry.from_line(line) for line in reviews.log_path.read_bytes().splitlines()]
    return {
        "read": sorted(state.read),
        "bookmarks": sorted(bookmark.note for bookmark in state.bookmarks),
        "cards": sorted(cards),
        "log": [entry.card if entry else None for entry in log],
    }


def disk(mount: Path, pack_root: Path, title: str) -> None:
    """A session whose state folder fills up, then turns read-only, each mid-session."""
    FallbackStore.RETRY_SECONDS = 0.05  # every change below tries the disk again
    state_dir = mount / "state"
    store = StateStore.open(pack_root, title, state_dir=state_dir)
    reviews = ReviewStore.open(pack_root, title, state_dir=state_dir)
    scheduler = Scheduler(ReviewSettings(), fuzzing=False)
    assert store.path is not None and reviews.path is not None
    report: dict[str, object] = {}

    def change(name: str, pause: float = 0.06) -> None:
        time.sleep(pause)
        store.update(functools.partial(read_change, name=name))
        reviews.rate(name, 3, datetime.now(UTC), 1000, scheduler)

    def step(key: str, *names: str) -> None:
        notices = store.take_notices() + reviews.take_notices()
        loaded = store.load()  # reading goes on, whatever the disk does
        report[key] = {
            "saving": [store.saving, reviews.saving],
            "notices": notices,
            "in_memory": sorted(set(names) - loaded.read),  # changes missing in memory
            "cards_in_memory": sorted(set(names) - reviews.load().cards.keys()),
        }

    change("before", 0)
    saved = store.path.read_bytes(), reviews.path.read_bytes()
    filler = fill_up(mount)
    full = [f"full-{number}" for number in range(10)]
    for name in full:
        change(name)
    step("full", "before", *full)
    report["intact_while_full"] = (store.path.read_bytes(), reviews.path.read_bytes()) == saved
    report["leftovers"] = [p.name for p in store.path.parent.iterdir() if ".tmp-" in p.name]
    filler.unlink()
    change("space-back")
    step("space_back", "before", *full, "space-back")
    report["disk_after_space"] = saved_on_disk(store, reviews)

    remount(mount, "ro")
    read_only = [f"ro-{number}" for number in range(10)]
    for name in read_only:
        change(name)
    step("read_only", *read_only)
    report["disk_while_read_only"] = saved_on_disk(store, reviews)
    remount(mount, "rw")
    change("writable")
    step("writable", *read_only, "writable")
    report["disk_after_read_only"] = saved_on_disk(store, reviews)
    print(json.dumps(report), flush=True)


def main(argv: list[str]) -> int:
    mode, state_dir, pack_root, title = argv[:4]
    if mode == "disk":
        disk(Path(state_dir), Path(pack_root), title)
        return 0
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
