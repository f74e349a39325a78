"""Keys that arrive together (a fast typist, or SSH delivering a burst) reach the widget
that has focus, in order: issue 15's `/barrier ↓ j j` searched "barrierjj"."""

from __future__ import annotations

import pytest
from tmux import FIRST_SCREEN_TEXT, AppPlace, StartReader, Tmux, assert_no_traceback

pytestmark = pytest.mark.terminal

SEARCH_FOCUSED = "esc Clear search"
READING_PANE_KEYS = "f Next link"


def test_keys_sent_in_one_burst_after_down_reach_the_results(
    tmux: Tmux, start_reader: StartReader, place: AppPlace
) -> None:
    start_reader(width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.send("/")
    tmux.wait_for(SEARCH_FOCUSED, why="the search box to take focus")
    tmux.type("itch")
    tmux.wait_screen(
        lambda s: "Indexing" not in s and "Nothing matches" not in s and "itch" in s, why="results"
    )
    tmux.send("Escape")
    tmux.wait_for(READING_PANE_KEYS, why="Esc back to the reading pane")

    tmux.send_bytes(b"/barrier\x1b[Bjj")  # one write to the terminal: one burst
    screen = tmux.wait_screen(lambda s: "barrier" in s, why="the query in the box")
    tmux.send("Enter")
    opened = tmux.wait_for(READING_PANE_KEYS, why="Enter in the results to open one")
    assert "barrierjj" not in screen and "barrierjj" not in opened
    assert "Nothing matches" not in screen

    tmux.send_bytes(b"/eczema\x1b\x1b[Aj")  # Esc, then ↑ (its own sequence) and j
    after = tmux.wait_for(READING_PANE_KEYS, why="Esc to give the reading pane its keys")
    assert "eczemaj" not in after
    assert_no_traceback(after)
