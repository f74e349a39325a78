"""What a terminal can send cannot crash the reader, exhaust the host or show a traceback.

Issue 14: a terminal claiming 65535x65535 cells (`stty rows 65535 cols 65535; ssh -t`),
a byte that is not UTF-8 (a Latin-1 terminal's `é`), and an internal error, each in a
real terminal: a pty we own, or tmux.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import pytest
from test_injection_pty import PtyApp
from tmux import (
    FIRST_SCREEN_TEXT,
    AppPlace,
    StartReader,
    Tmux,
    assert_bounded_memory,
    assert_no_traceback,
    env_argv,
    reader_command,
)

pytestmark = pytest.mark.terminal


def test_a_huge_terminal_is_drawn_clamped_with_bounded_memory(place: AppPlace, tmp_path: Path):
    app = PtyApp([reader_command(), "--no-state"], place.env(), tmp_path, size=(65535, 65535))
    try:
        app.wait_for(FIRST_SCREEN_TEXT, timeout=30)
        app.wait_for("This terminal is 65535\u00d765535; the reader draws only the", timeout=10)
        app.pump(0.5)
        assert_bounded_memory(app.process.pid)
        app.press(b"q")
        assert app.finish() == 0, app.tail()
    finally:
        app.close()
    assert b"Traceback" not in app.output


@pytest.mark.parametrize("byte", [b"\xff", b"\xe9", b"\x80", b"\xc3"], ids=["ff", "e9", "80", "c3"])
def test_an_invalid_byte_typed_is_ignored(tmux: Tmux, start_reader: StartReader, byte: bytes):
    """One byte that is not UTF-8 (a lone lead byte too): still reading, no traceback."""
    start_reader("--no-state")
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.send_bytes(byte)
    tmux.send_bytes(b"]")  # right after it: `\xc3]` is invalid too, and `]` must still move
    tmux.send("]")
    tmux.wait_screen(
        lambda screen: "Start here › How to read it" in screen.splitlines()[0],
        why="both `]` after the invalid byte",
    )
    assert not tmux.dead
    tmux.send("q")
    assert tmux.wait_dead() == 0, tmux.history()
    assert_no_traceback(tmux.history())


CRASHING_READER = """
import sys
import reader.ui.app
def explode(self):
    raise RuntimeError("boom from a test: /secret/install/path")
reader.ui.app.ReaderApp.action_bookmark = explode
from reader.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_an_internal_error_shows_one_line_and_logs_the_details(
    tmux: Tmux, place: AppPlace, tmp_path: Path
):
    """`m` raises inside the app (patched to): one line on the terminal, details in the log."""
    script = tmp_path / "crashing_reader.py"
    script.write_text(CRASHING_READER, encoding="utf-8")
    argv = env_argv(place.env(), [sys.executable, str(script)])
    # tmux 3.3 often reports no status for a pane whose pty closed first: the shell says it.
    shell = f'{shlex.join(argv)}; echo "[exit status $?]"'
    tmux.start(["sh", "-c", shell], width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT, "% read")
    tmux.send("m")
    tmux.wait_dead()
    history = tmux.history()
    log = place.state_dir / "errors.log"
    assert "[exit status 70]" in history, history
    assert_no_traceback(history)
    assert "/secret/install/path" not in history and "site-packages" not in history
    line = f"reader: internal error (RuntimeError); details in {log}"
    assert line in history.replace("\n", ""), f"{line!r} not in:\n{history}"
    details = log.read_text(encoding="utf-8")
    assert "Traceback" in details and "boom from a test" in details


#: The address-space limit the README recommends for an SSH account (`ulimit -v`).
ADDRESS_SPACE_KB = 300 * 1024


def test_usable_under_a_300_mb_address_space_limit(tmux: Tmux, place: AppPlace):
    """`ulimit -v 307200` in a ForceCommand wrapper: starts, shows the first section,
    searches, quits cleanly. (glibc's per-thread malloc arenas reserved 270 MB of
    address space before the reader limited them.)"""
    argv = env_argv(place.env(), [reader_command(), "--restricted"])
    shell = f'ulimit -v {ADDRESS_SPACE_KB}; {shlex.join(argv)}; echo "[exit status $?]"'
    tmux.start(["sh", "-c", shell], width=120, height=40)
    tmux.wait_for(FIRST_SCREEN_TEXT, "% read", timeout=30)
    tmux.send("/")
    tmux.type("filaggrin")
    tmux.wait_for("The skin barrier and", "Much of the story", timeout=30)
    tmux.send("C-q")
    tmux.wait_dead()
    history = tmux.history()
    assert "[exit status 0]" in history, history
    assert_no_traceback(history)
    assert "MemoryError" not in history and "unavailable" not in history
