"""Restricted mode writes the reading state and nothing else (the README promises it).

The search index used to be cached under $XDG_CACHE_HOME/reader/search/ in every mode.
Here the real command runs `--restricted` in tmux with HOME, the XDG folders and the
state dir in temp folders, searches (so the index is built), and quits: no file may
appear or change outside the state dir. Where strace exists, every file system call
that could write is checked as well.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    AppPlace,
    Tmux,
    assert_no_traceback,
    env_argv,
    files_under,
    reader_command,
)

pytestmark = pytest.mark.terminal

#: strace lines that write: creating/opening for writing, making, renaming, removing.
WRITE_CALL = re.compile(
    r"^\d+\s+(?:(?:open|openat|creat)\(.*(?:O_WRONLY|O_RDWR|O_CREAT)"
    r"|(?:mkdir|mkdirat|rename|renameat2?|unlink|unlinkat|rmdir|link|linkat|symlink|symlinkat"
    r"|truncate|chmod|fchmodat)\()"
)
PATH_ARG = re.compile(r'"([^"]*)"')
ALLOWED = ("/dev/", "/proc/")


def snapshot(folders: list[Path]) -> dict[Path, tuple[int, int]]:
    return {path: (path.stat().st_size, path.stat().st_mtime_ns) for path in files_under(folders)}


def search_and_quit(tmux: Tmux) -> None:
    tmux.wait_for(FIRST_SCREEN_TEXT, "% read", timeout=30)
    tmux.send("/")
    tmux.type("filaggrin")
    tmux.wait_for("The skin barrier and", "Much of the story", timeout=30)
    tmux.send("C-q")  # not Esc then q: close together they read as alt+q
    tmux.wait_dead()
    assert_no_traceback(tmux.history())


def test_restricted_mode_writes_nothing_but_the_reading_state(
    tmux: Tmux, place: AppPlace, tmp_path: Path
) -> None:
    env = place.env(READER_RESTRICTED="1")
    env.pop("READER_CACHE_DIR", None)
    watched = [place.home, tmp_path / "elsewhere"]
    (tmp_path / "elsewhere").mkdir()
    before = snapshot(watched)
    argv = [reader_command()]
    trace = tmp_path / "strace.log"
    strace = shutil.which("strace")
    if strace:
        argv = [strace, "-f", "-qq", "-e", "trace=%file", "-o", str(trace), *argv]
    tmux.start(env_argv(env, argv), width=120, height=40)
    search_and_quit(tmux)
    after = snapshot(watched)
    changed = sorted(str(path) for path in after if before.get(path) != after[path])
    assert not changed, f"restricted mode wrote outside the state dir: {changed}"
    assert list(place.state_dir.rglob("*.json")), "the reading state itself was saved"
    if strace and trace.is_file():
        state = str(place.state_dir)
        writes = []
        for line in trace.read_text(errors="replace").splitlines():
            if not WRITE_CALL.match(line):
                continue
            paths = [os.path.normpath(path) for path in PATH_ARG.findall(line)]
            if all(
                p.startswith(state) or p.startswith(ALLOWED) or "__pycache__" in p for p in paths
            ):
                continue
            writes.append(line)
        assert not writes, "writes outside the state dir:\n" + "\n".join(writes[:20])


def test_restricted_mode_reads_an_existing_cache_read_only(
    tmux: Tmux, place: AppPlace, tmp_path: Path
) -> None:
    """A cache written by an unrestricted run is used, never changed or removed."""
    env = place.env()
    env.pop("READER_CACHE_DIR", None)
    tmux.start(env_argv(env, [reader_command()]), width=120, height=40)
    search_and_quit(tmux)
    caches = list((place.home / ".cache" / "reader" / "search").glob("*.sqlite3"))
    assert len(caches) == 1, "the unrestricted run keeps its search cache"
    caches[0].chmod(0o444)  # and sqlite must not need to write to read it
    before = snapshot([place.home])
    tmux.restart(
        env_argv({**env, "READER_RESTRICTED": "1"}, [reader_command()]), width=120, height=40
    )
    search_and_quit(tmux)
    assert snapshot([place.home]) == before
