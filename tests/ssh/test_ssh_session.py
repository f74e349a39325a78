"""A reader's session through real OpenSSH: `ssh -tt` into a ForceCommand account.

This is how the reader is meant to be served (README "Serve it over SSH"): the client's
terminal, sshd's pty, the restricted reader. Read, search, compare, quit, and the
connection closes; drop the connection instead, and nothing is left running.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import time
from typing import TYPE_CHECKING

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    PACK_TITLE,
    Tmux,
    assert_no_traceback,
    processes_with,
    wait_until,
)

if TYPE_CHECKING:
    from conftest import SshServer

pytestmark = pytest.mark.ssh

FILAGGRIN = "The skin barrier and filaggrin"
CONNECT_TIMEOUT = 30.0


def header(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def crumb(screen: str) -> str:
    """The header's breadcrumb, without the progress figure that changes on its own."""
    return re.split(r"\s{3,}", header(screen).strip())[0]


def reader_pids(sshd: SshServer) -> list[int]:
    return processes_with(sshd.marker)


def test_read_search_compare_quit_over_ssh(tmux: Tmux, sshd: SshServer, connect) -> None:
    """Every step of a session; `q` ends the reader, and with it the SSH connection."""
    wait_until(lambda: not reader_pids(sshd), timeout=5, why="earlier readers to exit")
    shutil.rmtree(sshd.state_dir, ignore_errors=True)  # a first visit: no saved place
    connect()
    tmux.wait_for(FIRST_SCREEN_TEXT, PACK_TITLE, timeout=CONNECT_TIMEOUT)
    # Progress shows once every file is cut into sections, just after the first screen.
    tmux.wait_screen(lambda s: "% read" in header(s), why="reading progress in the header")
    assert reader_pids(sshd), "no reader process on the server side"

    tmux.send("]")
    tmux.wait_screen(lambda s: "What this pack covers" in header(s), why="`]` over ssh")

    tmux.send("/")
    tmux.wait_for("esc Clear search", why="the search box to take focus")
    tmux.type("filaggrin")
    tmux.wait_for("What filaggrin does", why="search results")
    tmux.send("Enter")
    tmux.wait_screen(lambda s: FILAGGRIN in header(s), why="the best result to open")

    tmux.send("c")
    tmux.wait_for("Autoimmune vs allergic", "c or Esc closes", "Reaction against self")
    tmux.send("c")
    closed = tmux.wait_screen(lambda s: "c or Esc closes" not in s, why="the panel to close")
    assert FILAGGRIN in header(closed)

    tmux.send("q")
    status = tmux.wait_dead(timeout=10)
    screen = tmux.history()
    assert_no_traceback(screen)
    assert status == 0, f"ssh exited {status} (the reader's status); screen:\n{screen}"
    wait_until(lambda: not reader_pids(sshd), timeout=5, why="the reader to end on the server")
    saved = list(sshd.state_dir.rglob("*.json"))
    assert saved, "restricted mode still keeps the user's reading state; nothing was saved"


def test_dropped_connection_leaves_nothing(tmux: Tmux, sshd: SshServer, connect) -> None:
    """The client dies (kill -9: no goodbye); sshd hangs up and the reader must go."""
    connect()
    before = crumb(tmux.wait_for(PACK_TITLE, "% read", timeout=CONNECT_TIMEOUT))
    tmux.send("]")  # the state is shared with other tests: any section, then the next one
    tmux.wait_screen(lambda s: crumb(s) != before, why="`]` over ssh")
    pids = reader_pids(sshd)
    assert pids, "no reader process on the server side"
    os.kill(tmux.pid, signal.SIGKILL)  # the ssh client
    started = time.monotonic()
    wait_until(lambda: not reader_pids(sshd), timeout=5, why=f"readers {pids} to exit")
    took = time.monotonic() - started
    assert took < 3.0, f"the reader took {took:.1f} s to notice the hang-up"
