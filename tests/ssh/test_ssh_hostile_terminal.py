"""An SSH user's terminal cannot crash the restricted reader or exhaust the server.

Issue 14, through real OpenSSH: the client's terminal claims 65535x65535 cells (`stty`
in the tmux pane before `ssh -tt`, so the pty-req carries that size), then types bytes
that are not UTF-8. The reader must stay alive (or end cleanly), never print a
traceback, and its memory must stay bounded and flat.
"""

from __future__ import annotations

import shlex
import time
from typing import TYPE_CHECKING

import pytest
from tmux import (
    PACK_TITLE,
    Tmux,
    assert_bounded_memory,
    assert_no_traceback,
    env_argv,
    pid_alive,
    processes_with,
    wait_until,
)

if TYPE_CHECKING:
    from conftest import SshServer

pytestmark = pytest.mark.ssh

CONNECT_TIMEOUT = 30.0


def test_a_huge_terminal_and_invalid_bytes_over_ssh(tmux: Tmux, sshd: SshServer) -> None:
    wait_until(lambda: not processes_with(sshd.marker), timeout=5, why="earlier readers to end")
    client = shlex.join(env_argv(sshd.client_env(), sshd.ssh()))
    tmux.start(["sh", "-c", f"stty rows 65535 cols 65535 && exec {client}"], width=100, height=30)
    # The pane is 100x30 but the reader draws 500x300: its lines scroll the pane, so the
    # title is looked for in the scrollback, not on the screen.
    wait_until(lambda: PACK_TITLE in tmux.history(), timeout=CONNECT_TIMEOUT, why="the title")
    wait_until(lambda: len(processes_with(sshd.marker)) == 1, timeout=10, why="the reader")
    pid = processes_with(sshd.marker)[0]
    assert_bounded_memory(pid)
    for byte in (b"\xff", b"\xe9", b"\x80", b"\xc3"):
        tmux.send_bytes(byte)
    tmux.send("]")
    time.sleep(0.5)  # the input thread has read them all by now
    assert pid_alive(pid), f"the reader died:\n{tmux.history()}"
    assert_bounded_memory(pid, seconds=2.0)
    assert_no_traceback(tmux.history())
    tmux.send("q")
    tmux.wait_dead(timeout=10)
    wait_until(lambda: not pid_alive(pid), timeout=5, why="the reader to end after q")
    assert_no_traceback(tmux.history())
