"""A rating to the next card on screen, in a real terminal: review cards in `reader` in tmux.

Issue 19's budget is 50 ms p95 from a rating key to the next card's question drawn.
`reader review` runs in tmux under `review_probe.py`, which times each key from the
moment the app decoded it to the end of the frame that finished drawing what the key
changes (queueing behind earlier work included). The state folder is a fresh one, so
every rating is saved as in use: the card file re-read under its lock, written
atomically with fsync, and the review log appended.

Each card is revealed with space, then rated, a reader's pause apart, through a fixed
mix of ratings (mostly Good, some Again, Hard and Easy), so cards come back while
learning as they do in a real review. The answer's arrival (space) is timed too.
"""

from __future__ import annotations

import itertools
import json
import re
import statistics
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any

__all__ = ["LOG_ENV", "RATING_MIX", "measure_ratings", "proof_words"]

LOG_ENV = "READER_REVIEW_LOG"

#: Cycled through; on the default pack's 20 new cards it lasts 55 ratings before the
#: review runs out (tests/perf/test_review_rating.py checks it outlasts the full run).
RATING_MIX = (3, 3, 1, 3, 2, 3, 4, 3)
START_TIMEOUT_S = 60.0
IDLE_LIMIT_S = 30.0
KEY_TIMEOUT_S = 5.0
READING_GAP_S = 0.15  # between a frame and the next key: nothing is queued behind it
QUIT_KEYS = ("q", "Enter", "q")  # end the review, close the summary, quit the reader
POLL_S = 0.005

#: What the reader draws of a card's side: its plain words, as the reading pane shows them.
PLAIN_WORDS = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ,]*")
PROOF_CHARS = 24

Tmux = Callable[..., CompletedProcess[str]]


def proof_words(markdown: str) -> str | None:
    """The opening plain words of a card's side (at most 24 characters, whole words),
    which any frame that draws that side holds; None when it opens with no such words."""
    for line in markdown.splitlines():
        words = PLAIN_WORDS.search(line)
        if words is None:
            continue
        text = words[0].strip(" ,")
        if len(text) > PROOF_CHARS:
            cut = text[:PROOF_CHARS]
            text = cut.rsplit(" ", 1)[0] if " " in cut else cut
        return text.strip(" ,") or None
    return None


def measure_ratings(
    tmux: Tmux,
    argv: list[str],
    log_path: Path,
    size: tuple[int, int],
    ratings: int,
    wait_idle: Callable[[int, float], object],
    state_dir: Path | None = None,
) -> dict[str, Any]:
    """p50/p95 over `ratings` ratings (and the reveals before them) of one review.

    `argv` starts the probe on a pack (`… review_probe review PATH`); `tmux` runs tmux
    commands on a private server whose environment names `log_path` in READER_REVIEW_LOG;
    `wait_idle(pid, limit)` returns once the app has stopped using CPU after its start
    (the sidebar, the glossary, the search index), so no rating races the start-up.
    `state_dir`, when given, is where the ratings are saved: its review log must hold
    one entry per rating afterwards.
    """
    log_path.unlink(missing_ok=True)
    name = "review"
    width, height = size
    spawned = tmux("new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), *argv)
    if spawned.returncode:
        return {"status": "error", "reason": f"tmux new-session: {spawned.stderr.strip()}"}
    rated: list[dict[str, Any]] = []
    revealed: list[dict[str, Any]] = []
    quit_clean = False
    try:
        if not _wait_for(log_path, _first_card, START_TIMEOUT_S):
            return {"status": "timeout", "reason": "the first card was never drawn"}
        pid_text = tmux("display-message", "-p", "-t", name, "#{pane_pid}").stdout.strip()
        if pid_text.isdigit():
            wait_idle(int(pid_text), IDLE_LIMIT_S)
        for number, rating in enumerate(itertools.islice(itertools.cycle(RATING_MIX), ratings)):
            for key, into in (("Space", revealed), (str(rating), rated)):
                seen = len(_timed(_records(log_path)))
                tmux("send-keys", "-t", name, key)
                if not _wait_for(log_path, partial(_timed_after, seen=seen), KEY_TIMEOUT_S):
                    what = "the answer" if key == "Space" else "the next card"
                    return {
                        "status": "timeout",
                        "reason": f"rating {number + 1}: {what} was not drawn within "
                        f"{KEY_TIMEOUT_S:.0f} s of {key}",
                        "screen": tmux("capture-pane", "-p", "-t", name).stdout[-1500:],
                    }
                into.append(_timed(_records(log_path))[seen])
                time.sleep(READING_GAP_S)
            if rated[-1]["done"] != number + 1:
                return {"status": "error", "reason": f"rating {number + 1} counted as {rated}"}
        quit_clean = _quit(tmux, name)
    finally:
        tmux("kill-session", "-t", name)
    result = {
        "status": "ok",
        "ratings": len(rated),
        **_stats([record["latency_s"] for record in rated]),
        "reveal": _stats([record["latency_s"] for record in revealed]),
        "keys": rated,  # in order, to see which ratings were slow
        "quit_clean": quit_clean,
        "rating_mix": list(RATING_MIX),
    }
    if state_dir is not None:
        logged = _review_log_entries(state_dir)
        result["logged"] = logged
        if logged != len(rated):
            result.update(
                status="error",
                reason=f"{len(rated)} ratings made, {logged} in the review log under {state_dir}",
            )
    return result


def _stats(latencies: list[float]) -> dict[str, float]:
    """p50, p95 (nearest rank: an observed latency) and the slowest."""
    ordered = sorted(latencies)
    if not ordered:
        return {}
    return {
        "p50_s": statistics.median(ordered),
        "p95_s": ordered[max(0, round(0.95 * len(ordered)) - 1)],
        "max_s": ordered[-1],
    }


def _review_log_entries(state_dir: Path) -> int:
    """Lines of every review log under the state folder: one a rating saved."""
    return sum(
        len(path.read_text(encoding="utf-8").splitlines())
        for path in state_dir.rglob("*.reviews.jsonl")
    )


def _quit(tmux: Tmux, name: str) -> bool:
    """q, Enter, q: the review's summary, the reading screen, gone; True if it quit."""
    for key in QUIT_KEYS:
        tmux("send-keys", "-t", name, key)
        time.sleep(0.1)
    deadline = time.perf_counter() + 5
    while time.perf_counter() < deadline:
        if tmux("display-message", "-p", "-t", name, "#{pane_dead}").stdout.startswith("1"):
            return True
        time.sleep(0.05)
    return False


def _records(log_path: Path) -> list[dict[str, Any]]:
    try:
        lines = log_path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in lines if line.strip()]


def _first_card(records: list[dict[str, Any]]) -> bool:
    return any(record.get("event") == "first-card" for record in records)


def _timed(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [record for record in records if "latency_s" in record]


def _timed_after(records: list[dict[str, Any]], seen: int) -> bool:
    return len(_timed(records)) > seen


def _wait_for(
    log_path: Path, condition: Callable[[list[dict[str, Any]]], object], timeout: float
) -> bool:
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        if condition(_records(log_path)):
            return True
        time.sleep(POLL_S)
    return False
