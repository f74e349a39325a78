"""A dropped connection keeps the reader's place: SIGHUP/SIGTERM save, exit, and resume.

Over SSH the usual way a session ends is not `q` but a closed laptop: sshd hangs up the
pty and the reader gets SIGHUP. It must save where the reader was, leave within two
seconds (no orphan holding the state lock), and the next start must open that place.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    AppPlace,
    StartReader,
    Tmux,
    assert_no_traceback,
    env_argv,
    pid_alive,
    processes_with,
    reader_command,
    require_binary,
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


def heavy_pack(root: Path) -> Path:
    """A short first section, then a 2 MB one, in a 3.5 MB pack: opening the big section
    keeps the UI thread busy drawing, while a worker builds the search index."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from perf.generate import generate_big_section, generate_pack

    generate_pack(root, sections=2000, files=60, target_bytes=3_500_000, seed=2)
    (root / "00-0a-intro.md").write_text("# Intro\n\nA short first section.\n", encoding="utf-8")
    generate_big_section(root, kb=2000, name="00-0b-big-section.md")
    return root


BIG_TITLE = "A long chapter on barrier repair"


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_hang_up_during_heavy_work_exits_in_time_and_keeps_the_place(
    tmux: Tmux, start_reader: StartReader, place: AppPlace, tmp_path: Path, signum: int
):
    """The signal arrives while a 2 MB section is being drawn and the index is being built."""
    pack = str(heavy_pack(tmp_path / "heavy"))
    start_reader(pack)
    tmux.wait_for("A short first section", timeout=30)
    tmux.send("]")
    tmux.wait_screen(lambda s: BIG_TITLE in header(s), timeout=30, why="the big section")
    pid = tmux.pid
    started = time.monotonic()
    os.kill(pid, signum)
    took = assert_gone_within(pid, started, place)
    print(f"exited {took:.2f} s after {signal.Signals(signum).name}")
    assert_no_traceback(tmux.screen())
    start_reader(pack)
    screen = tmux.wait_screen(
        lambda s: BIG_TITLE in header(s), timeout=30, why="the saved (big) section on start"
    )
    assert_no_traceback(screen)


BUSY_READER = """
import sys, time
import reader.ui.app
def busy(self):  # stands in for any long synchronous step on the UI thread
    until = time.monotonic() + 30
    while time.monotonic() < until:
        pass
reader.ui.app.ReaderApp.action_bookmark = busy
from reader.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM], ids=["SIGHUP", "SIGTERM"])
def test_hang_up_while_the_ui_thread_is_stuck_still_ends_in_time(
    tmux: Tmux, place: AppPlace, tmp_path: Path, signum: int
):
    """The event loop never gets control back (a 30 s step, patched in): the signal
    handler itself arms the deadline, so the process still ends within EXIT_WITHIN, and
    the section (saved when it was opened) is kept."""
    script = tmp_path / "busy_reader.py"
    script.write_text(BUSY_READER, encoding="utf-8")
    tmux.start(env_argv(place.env(), [sys.executable, str(script)]), width=100, height=30)
    move_two_sections(tmux)
    tmux.send("m")  # the UI thread is now busy for 30 s
    time.sleep(0.3)
    pid = tmux.pid
    started = time.monotonic()
    os.kill(pid, signum)
    took = assert_gone_within(pid, started, place)
    print(f"stuck UI: exited {took:.2f} s after {signal.Signals(signum).name}")
    tmux.kill()
    start_again = [reader_command()]
    tmux.restart(env_argv(place.env(), start_again), width=100, height=30)
    screen = tmux.wait_screen(lambda s: TWO_ON in header(s), why="the saved section on start")
    assert_no_traceback(screen)


def test_a_terminal_gone_without_a_hang_up_signal_still_ends_the_reader(
    tmux: Tmux, place: AppPlace
):
    """Under a tracer, the SIGHUP of a closing terminal never reached the reader: its
    input loop read nothing, forever, at a quarter of a core (two such readers ran for
    an hour). The end of input alone must end it, place kept."""
    strace = require_binary("strace")
    argv = [strace, "-f", "-qq", "-o", os.devnull, reader_command()]
    tmux.start(env_argv(place.env(), argv), width=100, height=30)
    move_two_sections(tmux)
    readers = [pid for pid in processes_with(place.marker) if "strace" not in _command(pid)]
    assert readers, "the reader under strace"
    started = time.monotonic()
    tmux.kill()
    try:
        wait_until(
            lambda: not processes_with(place.marker),
            timeout=EXIT_WITHIN + 3,
            why="the reader (and strace) to end once its terminal is gone",
        )
    finally:  # a reader left spinning would slow every later test
        for pid in processes_with(place.marker):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
    assert time.monotonic() - started <= EXIT_WITHIN + 3


def _command(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
