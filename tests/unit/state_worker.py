"""Child process for the multi-process reading-state tests in test_state.py.

    state_worker.py burst STATE_DIR PACK_ROOT TITLE TAG COUNT GO_FILE
        wait for GO_FILE, then make COUNT updates, each adding bookmark and read mark
        "TAG-i"; print one JSON line with start/end times, saving flag and notices.
    state_worker.py loop STATE_DIR PACK_ROOT TITLE
        update forever (until killed), counting in position.scroll; print "ready" once
        the first update is on disk.

A real separate interpreter, because flock and kill -9 only mean something across
processes.
"""

from __future__ import annotations

import functools
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

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


def main(argv: list[str]) -> int:
    mode, state_dir, pack_root, title = argv[:4]
    store = StateStore.open(Path(pack_root), title, state_dir=Path(state_dir))
    if not store.saving:
        print(json.dumps({"error": store.take_notices()}), flush=True)
        return 2
    if mode == "burst":
        burst(store, argv[4], int(argv[5]), Path(argv[6]))
    else:
        loop(store)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
