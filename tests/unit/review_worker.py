"""Child process for the multi-process review tests in test_review.py.

    review_worker.py burst STATE_DIR PACK_ROOT TITLE SEED COUNT CARDS GO_FILE
        wait for GO_FILE, then rate COUNT times, each a card "card-<n>" (n below CARDS)
        with a rating from 1 to 4, both drawn from a generator seeded with SEED, at the
        current time, with fuzzing off; print one JSON line with start/end times, the
        saving flag and notices.

A real separate interpreter, because flock only means something across processes.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.review import ReviewSettings, ReviewStore, Scheduler


def card_name(number: int) -> str:
    return f"card-{number:02d}"


def burst(store: ReviewStore, seed: int, count: int, cards: int, go_file: Path) -> None:
    """Rate as fast as possible, so the two workers really contend for the lock."""
    scheduler = Scheduler(ReviewSettings(), fuzzing=False)
    chooser = random.Random(seed)
    while not go_file.exists():
        time.sleep(0.001)
    start = time.time()
    for _ in range(count):
        card_id = card_name(chooser.randrange(cards))
        rating = chooser.randint(1, 4)
        store.rate(card_id, rating, datetime.now(UTC), chooser.randrange(500, 9000), scheduler)
    report = {"start": start, "end": time.time(), "saving": store.saving}
    print(json.dumps(report | {"notices": store.take_notices()}), flush=True)


def main(argv: list[str]) -> int:
    _mode, state_dir, pack_root, title, seed, count, cards, go_file = argv[:8]
    store = ReviewStore.open(Path(pack_root), title, state_dir=Path(state_dir))
    if not store.saving:
        print(json.dumps({"error": store.take_notices()}), flush=True)
        return 2
    burst(store, int(seed), int(count), int(cards), Path(go_file))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
