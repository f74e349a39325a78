"""Faults in a real terminal (issue 21): the state folder filling up under a reader (a
small tmpfs in a mount namespace).
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from tmux import (
    AppPlace,
    Tmux,
    assert_no_traceback,
    env_argv,
    pid_alive,
    reader_command,
    require_binary,
)

pytestmark = pytest.mark.terminal


def header(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def crumb(screen: str) -> str:
    return re.split(r"\s{3,}", header(screen).strip())[0]


def test_state_folder_full_under_a_reader_in_a_real_terminal(
    tmux: Tmux, place: AppPlace, tmp_path: Path
) -> None:
    """The reader's state folder is a 256 KiB tmpfs of its own mount namespace; the test
    fills it through /proc/PID/root, the reader keeps reading with one notice, and saves
    again (a second notice) once the filler is gone."""
    unshare = require_binary("unshare")
    namespace = [unshare, "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        namespace = [unshare, "--user", "--map-root-user", "--mount", "--propagation", "private"]
    small = tmp_path / "small"
    small.mkdir()
    script = 'mount -t tmpfs -o size=256k tmpfs "$1" && shift && exec "$@"'
    state = small / "state"
    env = place.env() | {"READER_STATE_DIR": str(state)}
    argv = [*namespace, "sh", "-c", script, "sh", str(small), reader_command()]
    tmux.start(env_argv(env, argv), width=100, height=30)
    tmux.wait_for("This pack asks one question", timeout=20, why="the first screen")
    pid = tmux.pid  # the reader, exec'd by sh inside the namespace
    inside = Path(f"/proc/{pid}/root") / str(small).lstrip("/")
    assert (inside / "state" / "packs").is_dir(), "the reader's state is not on the tmpfs"

    filler = inside / "filler"
    with filler.open("wb", buffering=0) as file:
        try:
            while True:
                file.write(b"x" * 4096)
        except OSError as exc:
            assert exc.errno == 28, exc
    for _ in range(4):
        tmux.send("]")
    tmux.send("m")
    screen = tmux.wait_for("will not be saved", why="the notice that saving stopped")
    assert "No space left" in screen
    tmux.send("]", "]")
    screen = tmux.screen()
    assert screen.count("will not be saved") == 1, "more than one notice"
    assert pid_alive(pid)
    filler.unlink()
    time.sleep(2.2)  # the store's RETRY_SECONDS
    tmux.send("]")
    assert_no_traceback(tmux.wait_for("Reading state is saved again", why="saving resumed"))
    [saved] = [p for p in (inside / "state" / "packs").glob("*.json") if ".cards" not in p.name]
    state = json.loads(saved.read_bytes())
    assert len(state["bookmarks"]) == 1, "the bookmark made while the disk was full was lost"
    assert state["position"]["section"] != state["bookmarks"][0]["section"]
    tmux.send("q")
    assert tmux.wait_dead(timeout=10) == 0
