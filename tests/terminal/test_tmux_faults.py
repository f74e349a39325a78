"""Faults in a real terminal (issue 21): the pack's files edited and deleted under a
restricted reader, which says so once and reloads, at the same place, when asked; and
the state folder filling up under it (a small tmpfs in a mount namespace).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
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

PAGE = "\n\n".join(f"Paragraph {n} of this section, as it was loaded." for n in range(3))


def header(screen: str) -> str:
    return screen.splitlines()[0] if screen else ""


def crumb(screen: str) -> str:
    return re.split(r"\s{3,}", header(screen).strip())[0]


def changing_pack(root: Path) -> Path:
    root.mkdir()
    (root / "pack.toml").write_text('title = "Changing Pack"\n')
    for number, name in enumerate(("One", "Two", "Three"), start=1):
        (root / f"0{number}-{name.lower()}.md").write_text(f"# {name}\n\n{PAGE}\n")
    return root


def test_pack_edited_and_deleted_under_a_restricted_reader_then_reloaded(
    tmux: Tmux, place: AppPlace, tmp_path: Path
) -> None:
    pack = changing_pack(tmp_path / "pack")
    built = subprocess.run(
        [reader_command(), "index", str(pack)],
        env=place.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert built.returncode == 0, built.stderr  # a shared index, soon stale
    argv = env_argv(place.env(), [reader_command(), "--restricted", str(pack)])
    tmux.start(argv, width=100, height=30)
    tmux.wait_for("Changing Pack", "Paragraph 2", why="the first section")
    tmux.send("]")
    tmux.wait_screen(lambda s: crumb(s).endswith("Two"), why="`]` to the second section")
    pid = tmux.pid

    (pack / "02-two.md").write_text("# Two\n\nEDITED after loading.\n\n" + PAGE + "\n")
    (pack / "03-three.md").unlink()
    screen = tmux.wait_for("The pack changed on disk", timeout=10, why="the notice (polled)")
    assert "Reload pack" in screen and "Paragraph 2" in screen
    assert "EDITED" not in screen, "the open section changed under the reader"
    tmux.send("]")  # into the deleted file's section: refused, the reader goes on
    screen = tmux.wait_for("Paragraph 2", why="the open section, still readable")
    assert crumb(screen).endswith("Two") and pid_alive(pid)
    assert_no_traceback(screen)

    tmux.send("C-p")
    tmux.wait_for("Search for commands", why="the command palette")
    tmux.type("Reload pack")
    tmux.wait_for("Read the pack again from disk", why="the palette's reload command")
    tmux.send("Enter")
    screen = tmux.wait_for("EDITED after loading", timeout=20, why="the pack read again")
    assert crumb(screen).endswith("Two"), f"the place was not kept: {header(screen)}"
    assert tmux.pid == pid, "not the same terminal session (the reader re-execs in place)"
    assert "Three" not in screen, "the deleted file is still in the outline"
    assert_no_traceback(screen)
    # The shared index no longer matches the pack: ignored, the new text is found.
    tmux.send("/")
    tmux.wait_for("esc Clear search", why="the search box")
    tmux.type("edited")
    screen = tmux.wait_screen(  # the result's snippet, beside the section itself
        lambda s: s.count("EDITED") >= 2, timeout=20, why="the edited word found"
    )
    assert_no_traceback(screen)
    tmux.send("Escape")
    tmux.wait_for("/ Search", why="the search cleared")
    tmux.send("C-q")
    assert tmux.wait_dead(timeout=10) == 0


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
