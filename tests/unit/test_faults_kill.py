"""kill -9 of a session while it writes its state, at 100 random moments: nothing lost.

A child process (tests/unit/state_worker.py `acked`) changes the reading state (the place,
a bookmark, a read mark, a history step) and rates cards, in a loop, and writes one line
to a pipe after each call returned. The parent kills it with SIGKILL at a random moment,
then checks what a new session would find: both files parse, nothing was set aside, no
temp file is left behind, and every change the child reported is there, from this round
and from every round before. The moments are drawn from a seeded generator, so a failure
can be replayed.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader import state_io
from reader.review import ReviewState, ReviewStore
from reader.state import ReadingState
from reader.state_store import StateStore

WORKER = Path(__file__).with_name("state_worker.py")
TITLE = "Kill Pack"
ROUNDS = 100
SEED = 21


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(state_io.ENV_STATE_DIR, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))


def acknowledged(output: bytes) -> tuple[list[str], list[str]]:
    """The reading changes and ratings the child said had returned (whole lines only)."""
    reads: list[str] = []
    cards: list[str] = []
    for line in output.split(b"\n")[:-1]:  # a last line without its newline was not said
        kind, name = line.decode().split(" ")
        (reads if kind == "read" else cards).append(name)
    return reads, cards


def test_sigkill_at_100_random_moments_loses_no_acknowledged_change(tmp_path: Path) -> None:
    chooser = random.Random(SEED)
    pack_root, state_dir = tmp_path / "pack", tmp_path / "state"
    pack_root.mkdir()
    reads_kept: list[str] = []
    cards_kept: list[str] = []
    killed_before_first_ack = 0
    for round_number in range(ROUNDS):
        tag = f"r{round_number}"
        command = [sys.executable, str(WORKER), "acked", str(state_dir), str(pack_root), TITLE]
        child = subprocess.Popen([*command, tag], stdout=subprocess.PIPE)
        assert child.stdout is not None
        first = b""
        if chooser.random() < 0.2:  # sometimes while it starts, opens, writes its first
            time.sleep(chooser.uniform(0.0, 0.2))
        else:  # mostly amid the loop of writes
            first = child.stdout.readline()
            assert first.startswith(b"read "), first
            time.sleep(chooser.uniform(0.0, 0.06))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        output = first + child.stdout.read()  # the pipe keeps what was said before the kill
        child.stdout.close()
        if child.returncode != -signal.SIGKILL:
            pytest.fail(f"round {round_number}: the child ended by itself ({child.returncode})")
        reads, cards = acknowledged(output)
        killed_before_first_ack += not reads
        reads_kept += reads
        cards_kept += cards
        check_nothing_lost(pack_root, state_dir, round_number, reads_kept, cards_kept, reads)
    # The moments really were spread over start-up and the loop of writes.
    assert 5 <= killed_before_first_ack <= 40, killed_before_first_ack
    assert len(cards_kept) > 2 * ROUNDS, len(cards_kept)


def check_nothing_lost(
    pack_root: Path,
    state_dir: Path,
    round_number: int,
    reads_kept: list[str],
    cards_kept: list[str],
    reads_this_round: list[str],
) -> None:
    where = f"round {round_number}"
    store = StateStore.open(pack_root, TITLE, state_dir=state_dir)
    reviews = ReviewStore.open(pack_root, TITLE, state_dir=state_dir)
    assert store.saving and reviews.saving, where
    assert store.path is not None and reviews.path is not None
    if reads_kept:  # the files parse as they are, before any store could set them aside
        state = ReadingState.from_json(json.loads(store.path.read_bytes()))
        bookmarked = {bookmark.note for bookmark in state.bookmarks}
        assert not set(reads_kept) - bookmarked, f"{where}: acknowledged bookmarks lost"
        assert not set(reads_kept) - state.read, f"{where}: acknowledged read marks lost"
        if reads_this_round:  # the place: the last one acknowledged, or one written after
            assert state.position is not None
            section = state.position.section
            assert section.startswith(f"r{round_number}-"), f"{where}: place lost ({section})"
            assert int(section.split("-")[1]) >= int(reads_this_round[-1].split("-")[1])
    if cards_kept:
        cards = ReviewState.from_json(json.loads(reviews.path.read_bytes())).cards
        assert not set(cards_kept) - cards.keys(), f"{where}: acknowledged ratings lost"
        logged = {entry.card for entry in reviews.read_log()}
        assert not set(cards_kept) - logged, f"{where}: acknowledged log lines lost"
    # What a new session makes of it: nothing set aside, no temp file left behind.
    assert store.load().read >= set(reads_kept), where
    assert store.take_notices() == [] and reviews.take_notices() == [], where
    assert reviews.load().cards.keys() >= set(cards_kept), where
    leftovers = [path.name for path in store.path.parent.iterdir() if ".tmp-" in path.name]
    assert leftovers == [], f"{where}: {leftovers}"
    set_aside = [path.name for path in store.path.parent.iterdir() if ".bad-" in path.name]
    assert set_aside == [], f"{where}: {set_aside}"
