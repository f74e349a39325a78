"""`reader review` through the installed command in a real terminal (issue 19): the first
due card, its answer, a rating, the summary and the reading screen after it; then
`reader cards --due` at a shell sees the rating (one card fewer due)."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    PACK_TITLE,
    AppPlace,
    StartReader,
    Tmux,
    assert_no_traceback,
    env_argv,
    reader_command,
)

pytestmark = pytest.mark.terminal

CONTENT = Path(__file__).resolve().parents[2] / "content"
FIRST_QUESTION = "Atopic"
FIRST_ANSWER = "Having an inherited tendency"


def cards(place: AppPlace, cache: Path, *options: str) -> list[list[str]]:
    """`reader cards [options] CONTENT` as a shell would run it, in the test's own
    HOME and state: its lines split at the tabs (DUE, SECTION-ID, QUESTION)."""
    result = subprocess.run(
        env_argv(
            place.env(READER_CACHE_DIR=str(cache)),
            [reader_command(), "cards", *options, str(CONTENT)],
        ),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [line.split("\t") for line in result.stdout.splitlines()]


def test_review_rates_a_card_and_cards_due_sees_it(
    tmux: Tmux, start_reader: StartReader, place: AppPlace, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    due_before = cards(place, cache, "--due")
    assert due_before and due_before[0] == ["new", "check-yourself", FIRST_QUESTION], due_before

    start_reader("review", str(CONTENT), width=80, height=24, env={"READER_CACHE_DIR": str(cache)})
    screen = tmux.wait_for(FIRST_QUESTION, "show answer", why="the first card")
    assert FIRST_ANSWER not in screen
    assert "What eczema is › Check yourself" in screen, "the card's place"
    tmux.send("Space")
    screen = tmux.wait_for(FIRST_ANSWER, "3 Good 10m", why="the answer and the rating keys")
    assert "1 Again 1m" in screen and "4 Easy" in screen
    rated_from = datetime.now(UTC)
    tmux.send("3")
    # The next card is the reversed twin: the first card's answer is now its question.
    screen = tmux.wait_screen(
        lambda s: "1 done" in s and "show answer" in s, why="the next card after a rating"
    )
    rated_by = datetime.now(UTC)
    tmux.send("q")
    screen = tmux.wait_for("Review ended", "Reviewed 1 card", "Good 1", why="the summary")
    tmux.send("Enter")
    screen = tmux.wait_screen(
        lambda s: FIRST_SCREEN_TEXT in s and PACK_TITLE in s.splitlines()[0],
        why="the reading screen under the review",
    )
    tmux.wait_screen(lambda s: "due" in s.splitlines()[0], why="the header's due count")
    tmux.send("q")
    assert tmux.wait_dead() == 0
    assert_no_traceback(tmux.history())

    due_after = cards(place, cache, "--due")
    assert len(due_after) == len(due_before) - 1, (due_before, due_after)
    assert [FIRST_QUESTION] not in [row[2:] for row in due_after], "the rated card is not due"
    every = {row[2]: row for row in cards(place, cache)}
    when = datetime.fromisoformat(every[FIRST_QUESTION][0])
    ten = timedelta(minutes=10)
    assert rated_from + ten - timedelta(seconds=2) <= when <= rated_by + ten, when
