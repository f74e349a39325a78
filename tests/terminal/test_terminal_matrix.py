"""The reader in the terminals people really have: small, tiny, resized, old, colourless.

Over SSH the terminal is whatever the client has: a phone's 40 columns, a split pane
squeezed to nothing, TERM=linux on a console, NO_COLOR set by habit. Each case must
draw without a traceback, survive, and quit cleanly with the process gone.
"""

from __future__ import annotations

import os
import random
import re
import time

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    AppPlace,
    StartReader,
    Tmux,
    assert_no_traceback,
    processes_with,
    wait_until,
)

pytestmark = pytest.mark.terminal

QUIT_WITHIN = 5.0  # seconds
NEXT_TITLE = "What this pack covers"  # the section after the first, shown by `]`


def quit_cleanly(tmux: Tmux, place: AppPlace, key: str = "q") -> None:
    """Quit with `key`: status 0 within QUIT_WITHIN, no traceback left, no process left."""
    tmux.send(key)
    status = tmux.wait_dead(timeout=QUIT_WITHIN)
    history = tmux.history()
    assert_no_traceback(history)
    assert status == 0, f"exit status {status}; the pane shows:\n{history}"
    wait_until(lambda: not processes_with(place.marker), timeout=3, why="the app's process to go")


def read_a_little(tmux: Tmux) -> None:
    """First screen, then `]`: the next section's title heads the reading pane."""
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.send("]")
    tmux.wait_screen(
        lambda screen: NEXT_TITLE in "".join(screen.splitlines()[1:3]),
        why=f"`]` to open {NEXT_TITLE!r}",
    )
    assert_no_traceback(tmux.screen())


def stays_alive(tmux: Tmux, seconds: float) -> None:
    """Poll that the app is still running for a while (it must not die at this size)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert not tmux.dead, f"the app died at {tmux.size()}:\n{tmux.history()}"
        time.sleep(0.05)


CASES = {
    "80x24": (80, 24, "xterm-256color", {}),
    "40x12": (40, 12, "xterm-256color", {}),
    "TERM=vt100": (80, 24, "vt100", {}),
    "TERM=linux": (80, 24, "linux", {}),
}  # NO_COLOR=1 has its own test below, which also checks the colours; TERM=dumb chooses
# plain mode, never a drawn screen (test_tmux_plain.py)


@pytest.mark.parametrize("case", CASES.keys())
def test_reads_and_quits(tmux: Tmux, start_reader: StartReader, place: AppPlace, case: str):
    """Draw, move a section, quit with `q`: in each size and terminal type."""
    width, height, term, env = CASES[case]
    start_reader(width=width, height=height, term=term, env=env)
    read_a_little(tmux)
    assert tmux.size() == (width, height)
    quit_cleanly(tmux, place)


def test_no_color_draws_in_greys_only(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """NO_COLOR=1 (no-color.org): Textual's monochrome filter, so no hue reaches the screen."""
    start_reader(width=80, height=24, env={"NO_COLOR": "1"})
    read_a_little(tmux)
    coloured = chromatic_colours(tmux.run("capture-pane", "-p", "-e", "-t", tmux.target))
    assert not coloured, f"colours on screen despite NO_COLOR=1: {sorted(coloured)[:10]}"
    quit_cleanly(tmux, place)


def test_tiny_sizes_do_not_crash(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """Start at 20x6 and at tmux's smallest (1x1), grow, shrink again, quit at 1x1."""
    start_reader(width=20, height=6)
    stays_alive(tmux, 1.5)
    tmux.resize(1, 1)
    width, height = tmux.size()
    assert (width, height) == (1, 1), f"tmux clamped 1x1 to {width}x{height}"
    stays_alive(tmux, 1.5)
    tmux.resize(80, 24)
    tmux.wait_for(FIRST_SCREEN_TEXT, why="a full redraw after growing from 1x1")
    tmux.resize(1, 1)
    stays_alive(tmux, 1.0)
    quit_cleanly(tmux, place, key="C-q")


def test_starts_at_one_by_one(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """A first frame at 1x1 (a pane squeezed before the app starts) must not crash it."""
    start_reader(width=1, height=1)
    stays_alive(tmux, 2.5)
    tmux.resize(80, 24)
    read_a_little(tmux)
    quit_cleanly(tmux, place)


def test_resize_storm(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """Random sizes every 50 ms for 3 s (a window being dragged), then a sane redraw."""
    seed = int(os.environ.get("READER_STORM_SEED", random.randrange(1 << 30)))
    rng = random.Random(seed)
    start_reader(width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT)
    sizes = []
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        size = (rng.randint(1, 200), rng.randint(1, 60))
        sizes.append(size)
        tmux.resize(*size)
        assert not tmux.dead, (
            f"died during the storm (READER_STORM_SEED={seed}), last sizes {sizes[-5:]}:\n"
            f"{tmux.history()}"
        )
        time.sleep(0.05)
    tmux.resize(100, 30)
    screen = tmux.wait_screen(
        lambda s: FIRST_SCREEN_TEXT in s and "Eczema: is it autoimmune?" in s.splitlines()[0],
        why=f"a clean redraw at 100x30 after the storm (READER_STORM_SEED={seed})",
    )
    assert_no_traceback(screen)
    assert len(sizes) >= 20, f"only {len(sizes)} resizes in 3 s"
    read_a_little(tmux)
    quit_cleanly(tmux, place)


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def chromatic_colours(ansi: str) -> set[str]:
    """Foreground/background colours with a hue in tmux's `capture-pane -e` output."""
    found: set[str] = set()
    for match in _SGR.finditer(ansi):
        params = [int(p) if p.isdigit() else 0 for p in re.split("[;:]", match[1]) if p != ""]
        index = 0
        while index < len(params):
            code = params[index]
            if code in (38, 48) and index + 2 < len(params) and params[index + 1] == 5:
                if not _grey_256(params[index + 2]):
                    found.add(f"{code};5;{params[index + 2]}")
                index += 3
            elif code in (38, 48) and index + 4 < len(params) and params[index + 1] == 2:
                red, green, blue = params[index + 2 : index + 5]
                if max(red, green, blue) - min(red, green, blue) > 12:
                    found.add(f"{code};2;{red};{green};{blue}")
                index += 5
            else:
                if 31 <= code <= 36 or 41 <= code <= 46 or 91 <= code <= 96 or 101 <= code <= 106:
                    found.add(str(code))
                index += 1
    return found


def _grey_256(index: int) -> bool:
    if index >= 232 or index in (0, 7, 8, 15):
        return True
    if 16 <= index <= 231:
        cube = index - 16
        return cube // 36 == (cube // 6) % 6 == cube % 6
    return False
