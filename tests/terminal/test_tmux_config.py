"""config.toml through the installed `reader` in a real terminal (issue 22): a key moved
by `[keymap]` works and its old key no longer does, and a bad line is told on screen."""

from __future__ import annotations

import time

import pytest
from tmux import FIRST_SCREEN_TEXT, AppPlace, StartReader, Tmux, assert_no_traceback

pytestmark = pytest.mark.terminal


def header(screen: str) -> str:
    return screen.splitlines()[0]


def test_a_remapped_key_in_a_real_terminal(
    tmux: Tmux, start_reader: StartReader, place: AppPlace
) -> None:
    config = place.home / ".config" / "reader" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('colour = "red"\n\n[keymap]\napp.next-section = "ctrl+n"\n')
    start_reader("--no-state", width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT)
    screen = tmux.wait_screen(lambda s: "% read" in header(s), why="the sidebar")
    # The one notice: the file, and the line of the key it does not know.
    tmux.wait_for("line 1: unknown key 'colour'", why="the config's notice")
    second = "What this pack covers"  # the next section, in the header once it is open
    assert second not in header(screen)
    tmux.send("]")  # no longer the next section's key
    time.sleep(0.5)
    assert second not in header(tmux.screen()), "] moved on, though ctrl+n took its place"
    tmux.send("C-n")
    tmux.wait_screen(lambda s: second in header(s), why="ctrl+n to turn the page")
    tmux.send("q")
    assert tmux.wait_dead() == 0
    assert_no_traceback(tmux.history())
