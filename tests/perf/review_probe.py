"""`reader` with timestamps for the review benchmark; only tests/perf runs it.

Started in tmux in place of `reader` (`python -m tests.perf.review_probe review PATH`),
it runs the real command (`reader.cli.main`) and appends one JSON line per timed key to
the file named by READER_REVIEW_LOG: the time from the key's arrival (the Key event's
own timestamp, taken when the driver decoded the bytes, so time queued behind other
work counts) to the end of the first frame by which everything that key should draw
has been written:

- space (show the answer): the rating keys' line ("1 Again …") and the answer's first
  words;
- 1-4 (a rating): the title's new "N done", the unrevealed keys' line ("space show
  answer") and the next card's first words (or the summary, when none is left).

A rating's time includes saving it: the state file read under its lock, written
atomically with fsync, and the review log appended. A line `{"event": "first-card"}`
says when the first card is on screen. Nothing of the reader is changed.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from textual import _time, events
from textual.drivers.linux_driver import LinuxDriver

from reader import cli
from reader.ui.app import ReaderApp
from reader.ui.screens.review import ReviewScreen, ReviewSession
from tests.perf.keystroke_probe import ESCAPES
from tests.perf.review_rating import LOG_ENV, proof_words

TIMED_KEYS = {"space": "reveal", "1": "rate", "2": "rate", "3": "rate", "4": "rate"}


def card_proof(session: ReviewSession) -> set[str]:
    """What a frame of the card on show (unrevealed) holds, or of the summary."""
    card = session.card
    if card is None:
        return {"Review finished"}
    proof = {f"{session.reviewed} done", "show answer"}
    words = proof_words(card.question)
    if words:
        proof.add(words)
    return proof


def answer_proof(session: ReviewSession) -> set[str]:
    """What a frame of the card's answer holds: the rating keys and the answer's words."""
    card = session.card
    proof = {"Again"}
    words = proof_words(card.answer) if card is not None else None
    if words:
        proof.add(words)
    return proof


class _Probe:
    """The key being timed and what must still be written before its frame is out."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.key: events.Key | None = None
        self.kind = ""
        self.done = 0
        self.missing: set[str] | None = None  # None: the key's action has not run yet
        self.first_card: set[str] | None = None

    def log(self, record: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


def install(probe: _Probe) -> None:
    """Wrap the places the timing needs; each calls the original first."""
    on_event = ReaderApp.on_event
    mount = ReviewScreen.on_mount
    reveal = ReviewScreen.action_reveal
    rate = ReviewScreen.action_rate
    write = LinuxDriver.write

    async def timed_on_event(app: ReaderApp, event: events.Event) -> None:
        timed = isinstance(event, events.Key) and event.key in TIMED_KEYS
        if timed and not event.is_forwarded and isinstance(app.screen, ReviewScreen):
            probe.key, probe.kind, probe.missing = event, TIMED_KEYS[event.key], None
        await on_event(app, event)

    def timed_mount(screen: ReviewScreen) -> None:
        mount(screen)
        if probe.first_card is None:
            probe.first_card = card_proof(screen.session)

    def timed_reveal(screen: ReviewScreen) -> None:
        reveal(screen)
        if probe.key is not None and probe.kind == "reveal":
            probe.missing = answer_proof(screen.session)

    def timed_rate(screen: ReviewScreen, rating: int) -> None:
        rate(screen, rating)
        if probe.key is not None and probe.kind == "rate":
            probe.done = screen.session.reviewed
            probe.missing = card_proof(screen.session)

    def timed_write(driver: LinuxDriver, data: str) -> None:
        write(driver, data)
        if probe.first_card:
            text = ESCAPES.sub("", data)
            probe.first_card = {part for part in probe.first_card if part not in text}
            if not probe.first_card:
                probe.log({"event": "first-card"})
        key = probe.key
        if key is None or probe.missing is None:
            return
        text = ESCAPES.sub("", data)
        probe.missing = {part for part in probe.missing if part not in text}
        if probe.missing:
            return  # part of what the key changes is still to come
        probe.log(
            {
                "key": key.key,
                "kind": probe.kind,
                "done": probe.done,
                "latency_s": _time.get_time() - key.time,
            }
        )
        probe.key, probe.missing = None, None

    ReaderApp.on_event = timed_on_event  # type: ignore[method-assign]
    ReviewScreen.on_mount = timed_mount  # type: ignore[method-assign]
    ReviewScreen.action_reveal = timed_reveal  # type: ignore[method-assign]
    ReviewScreen.action_rate = timed_rate  # type: ignore[method-assign]
    LinuxDriver.write = timed_write  # type: ignore[method-assign]


def main() -> int:
    install(_Probe(os.environ[LOG_ENV]))
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
