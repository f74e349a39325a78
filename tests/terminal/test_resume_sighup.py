"""A dropped connection keeps the reader's place: SIGHUP/SIGTERM save, exit, and resume.

Over SSH the usual way a session ends is not `q` but a closed laptop: sshd hangs up the
pty and the reader gets SIGHUP. It must save where the reader was, leave within two
seconds (no orphan holding the state lock), and the next start must open that place.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    AppPlace,
    StartReader,
    Tmux,
    assert_no_traceback,
    pid_alive,
    processes_with,
    wait_until,
)

pytestmark = pytest.mark.terminal

EXIT_WITHIN = 2.0  # seconds, from issue 5
#: `]` twice from the first screen: Start here -> What this pack covers -> How to read it.
TWO_ON = "Start here › How to read it"


def header(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def move_two_sections(tmux: Tmux) -> None:
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.send("]")
    tmux.wait_screen(lambda s: "What this pack covers" in header(s), why="the first `]`")
    tmux.send("]")
    tmux.wait_screen(lambda s: TWO_ON in header(s), why="the second `]`")


def assert_gone_within(pid: int, started: float, place: AppPlace) -> float:
    """The process and anything it started are gone within EXIT_WITHIN of the signal."""
    while pid_alive(pid) and time.monotonic() - started < EXIT_WITHIN + 1:
        time.sleep(0.02)
    took = time.monotonic() - started
    assert not pid_alive(pid), f"pid {pid} still running {took:.1f} s after the signal"
    assert took <= EXIT_WITHIN, f"took {took:.2f} s to exit; must be within {EXIT_WITHIN} s"
    wait_until(lambda: not processes_with(place.marker), timeout=2, why="no process left")
    return took


def assert_resumes(tmux: Tmux, start_reader: StartReader) -> None:
    """A second start opens the section the first one was on when it was killed."""
    start_reader()
    screen = tmux.wait_screen(
        lambda s: "How to read it" in header(s), timeout=20, why="the saved section on start"
    )
    assert TWO_ON in header(screen), header(screen)
    assert_no_traceback(screen)


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_signal_saves_exits_and_resumes(
    tmux: Tmux, start_reader: StartReader, place: AppPlace, signum: int
):
    """kill -HUP / kill -TERM with the terminal still there: a clean exit (status 0)."""
    start_reader()
    move_two_sections(tmux)
    pid = tmux.pid
    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    assert b"reader" in cmdline, f"pane_pid {pid} is not the app: {cmdline!r}"
    started = time.monotonic()
    os.kill(pid, signum)
    assert_gone_within(pid, started, place)
    status = tmux.wait_dead(timeout=2)
    screen = tmux.screen()
    assert_no_traceback(screen)
    assert status == 0, f"exit status {status} after {signum!r}: not the save-and-exit path"
    assert_resumes(tmux, start_reader)


def test_terminal_hangup_saves_and_resumes(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """The terminal itself goes away (tmux kill-server closes the pty, like sshd does)."""
    start_reader()
    move_two_sections(tmux)
    pid = tmux.pid
    started = time.monotonic()
    tmux.kill()
    assert_gone_within(pid, started, place)
    assert_resumes(tmux, start_reader)


def reading_pane(screen: str) -> list[str]:
    """The top lines of the reading pane (right of the sidebar's edge), scrollbar cut off."""
    return [line.split("▕", 1)[-1][:60].rstrip() for line in screen.splitlines()[1:5]]


def test_hangup_keeps_the_scroll_position(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """The place is the section *and* how far down it: SIGHUP saves it, the next start shows it.

    Only the scroll position is written by the hang-up handler itself (the section was
    saved when it was opened), so this is what proves the handler saved.
    """
    start_reader(width=100, height=14)  # short, so the section scrolls
    move_two_sections(tmux)
    top = reading_pane(tmux.screen())
    tmux.send("j", "j", "j", "j")
    scrolled = reading_pane(
        tmux.wait_screen(lambda s: reading_pane(s) != top, why="`j` to scroll the section")
    )
    pid = tmux.pid
    started = time.monotonic()
    os.kill(pid, signal.SIGHUP)
    assert_gone_within(pid, started, place)
    start_reader(width=100, height=14)
    tmux.wait_screen(lambda s: TWO_ON in header(s), why="the saved section on start")
    try:
        tmux.wait_screen(
            lambda s: near(reading_pane(s), scrolled), timeout=10, why="the saved scroll position"
        )
    except AssertionError:
        pytest.fail(
            f"resumed at the top of the section, not where the reader was.\n"
            f"expected the pane to start with {scrolled}\n"
            f"it starts with {reading_pane(tmux.screen())}"
        )


def near(shown: list[str], expected: list[str]) -> bool:
    """The same place to within one line (a re-wrap may snap to the start of a paragraph)."""
    return bool(shown and expected) and (expected[0] in shown[:2] or shown[0] in expected[:2])
