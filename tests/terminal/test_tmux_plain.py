"""`reader --plain` in a real terminal (issue 22): chosen by itself under TERM=dumb, it
prints linear text and a one-line prompt, pages at the terminal's height, and never
sends the terminal an escape sequence (the raw bytes of a pty session hold no ESC).

The installed `reader` is started without `--plain`: TERM=dumb alone must choose the
plain mode, as it does for a screen reader's dumb terminal or an Emacs shell buffer.
"""

from __future__ import annotations

import contextlib
import os
import pty
import select
import signal
import time
from pathlib import Path

import pytest
from tmux import PACK_TITLE, AppPlace, StartReader, Tmux, assert_no_traceback, reader_command

pytestmark = pytest.mark.terminal

PROMPT = "reader> "
MORE = "Enter or q: "
#: What the full-screen app draws and plain mode must never: box and block characters.
FRAME_CHARACTERS = set("─│┌┐└┘├┤┬┴┼╭╮╯╰━┃═║▁▔█▌▐")


def last_line(screen: str) -> str:
    lines = [line for line in screen.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def test_term_dumb_chooses_plain_mode_and_the_screen_is_linear(
    tmux: Tmux, start_reader: StartReader, place: AppPlace
) -> None:
    """Typed commands scroll past as lines: the contents (paged: a More prompt at the
    bottom), a section by its number, a search and a result, then quit; started again,
    the reader resumes at the section it left."""
    start_reader(width=80, height=24, term="dumb")
    screen = tmux.wait_screen(lambda s: last_line(s) == PROMPT.strip(), why="the prompt")
    assert f"{PACK_TITLE} (76 sections), plain text mode. Type help" in screen
    assert "Section 1 of 76" in screen
    tmux.type("toc")
    tmux.send("Enter")
    screen = tmux.wait_screen(lambda s: last_line(s).endswith(MORE.strip()), why="a More prompt")
    assert "Contents of Eczema: is it autoimmune?: 76 sections" in screen
    assert "  2. What this pack covers" in screen
    tmux.type("q")
    tmux.send("Enter")
    tmux.wait_screen(lambda s: last_line(s) == PROMPT.strip(), why="the prompt after q")
    tmux.type("18")
    tmux.send("Enter")
    screen = tmux.wait_for("Section 18 of 76", "End of section 18 of 76.")
    tmux.type("search filaggrin")
    tmux.send("Enter")
    screen = tmux.wait_screen(lambda s: last_line(s).endswith(MORE.strip()), why="More")
    assert "results for 'filaggrin'. Type a number to open one." in screen
    assert "1. Definition: Filaggrin" in screen
    tmux.type("2")  # a command at the More prompt stops the page and runs
    tmux.send("Enter")
    screen = tmux.wait_for("Section 29 of 76", "End of section 29 of 76.")
    for line in screen.splitlines():
        assert not FRAME_CHARACTERS & set(line), f"a drawn frame: {line!r}"
    tmux.type("q")
    tmux.send("Enter")
    assert tmux.wait_dead() == 0
    history = tmux.history()
    assert_no_traceback(history)
    assert "Goodbye. Your place is saved." in history
    # Every answer is printed below the last: the screen scrolled, nothing redrawn.
    assert (
        history.index("Section 1 of 76")
        < history.index("Contents of")
        < history.index("Section 18 of 76")
        < history.index("results for 'filaggrin'")
        < history.index("Section 29 of 76")
    )

    start_reader(width=80, height=24, term="dumb")
    screen = tmux.wait_screen(lambda s: last_line(s) == PROMPT.strip(), why="the prompt again")
    assert "Resuming where you left off." in screen and "Section 29 of 76" in screen
    tmux.type("q")
    tmux.send("Enter")
    assert tmux.wait_dead() == 0


def read_until(fd: int, wanted: bytes, seen: bytearray, timeout: float = 15.0) -> None:
    """Read the pty into `seen` until `wanted` is among what came since `len(seen)`."""
    start = len(seen)
    deadline = time.monotonic() + timeout
    while wanted not in seen[start:]:
        left = deadline - time.monotonic()
        assert left > 0, f"timed out waiting for {wanted!r}; got {bytes(seen[-400:])!r}"
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            assert chunk, f"the reader closed the terminal before {wanted!r}"
            seen += chunk


def test_a_pty_session_writes_not_one_escape_byte(place: AppPlace, tmp_path: Path) -> None:
    """Every command of plain mode, on a real pty under TERM=dumb: the raw bytes the
    reader wrote hold no ESC (no colour, no cursor move, no bracketed paste, no title)."""
    import fcntl
    import struct
    import termios

    env = place.env(term="dumb")
    argv = [reader_command()]
    pid, master = pty.fork()
    if pid == 0:  # the child: the pty is its terminal, 20 rows of 70 columns
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 20, 70, 0, 0))
        os.execve(argv[0], argv, env)
    seen = bytearray()
    steps: list[tuple[bytes, bytes]] = [
        (b"", PROMPT.encode()),
        (b"help\n", MORE.encode()),
        (b"\n", PROMPT.encode()),
        (b"toc\n", MORE.encode()),
        (b"q\n", PROMPT.encode()),
        (b"go 18\n", PROMPT.encode()),
        (b"links\n", PROMPT.encode()),
        (b"search itch\n", MORE.encode()),
        (b"q\n", PROMPT.encode()),
        (b"1\n", PROMPT.encode()),
        (b"define ige\n", PROMPT.encode()),
        (b"glossary jak\n", PROMPT.encode()),
        (b"compare\n", MORE.encode()),
        (b"q\n", PROMPT.encode()),
        (b"review\n", b"Enter shows the answer, q ends: "),
        (b"\n", b"Rate it, 1 to 4, q ends: "),
        (b"3\n", b"Enter shows the answer: "),  # after a rating, the short prompt
        (b"q\n", PROMPT.encode()),
        (b"bookmark a note\n", PROMPT.encode()),
        (b"bookmarks\n", PROMPT.encode()),
        (b"where\n", PROMPT.encode()),
        (b"\xff\xfe bad bytes\n", PROMPT.encode()),
        (b"q\n", b"Goodbye. Your place is saved."),
    ]
    try:
        for typed, wanted in steps:
            if typed:
                os.write(master, typed)
            read_until(master, wanted, seen)
        _, status = os.waitpid(pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)
    assert os.waitstatus_to_exitcode(status) == 0
    assert b"\x1b" not in seen, bytes(seen[seen.index(b"\x1b") - 80 :][:200])
    text = seen.decode("utf-8", "replace")
    assert "Traceback" not in text
    assert "Card 1, in " in text and "Good: due again in " in text
    assert "Definition of Immunoglobulin E (IgE):" in text
    assert "Section 48 of 76" in text  # the comparison table, its rows in words
