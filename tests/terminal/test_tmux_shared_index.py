"""Two users' sessions on one pack share its prebuilt search index (issue 21).

An administrator runs `reader index` and makes the pack folder, its `.reader/` folder
and the index read-only; two sessions with their own HOME each search. Both find what
only that index holds (its titles are marked after it was built, so results from any
other index would show the pack's own titles), both hold it open read-only at the same
time, nothing is written to it, and neither user gets a private copy in their cache.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
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

REPO_ROOT = Path(__file__).resolve().parents[2]
MARK = " (shared)"


def _open_read_only(pid: int, path: Path) -> bool | None:
    """Whether process `pid` holds `path` open, and read-only: None when not open."""
    fd_folder = Path(f"/proc/{pid}/fd")
    for fd in fd_folder.iterdir():
        try:
            if Path(os.readlink(fd)) != path:
                continue
            flags = (fd_folder.parent / "fdinfo" / fd.name).read_text().split("flags:")[1]
        except OSError:
            continue
        return int(flags.split()[0], 8) & os.O_ACCMODE == os.O_RDONLY
    return None


def _index_pack(pack: Path, home: Path) -> Path:
    """`reader index PACK` as the administrator runs it; the index's titles marked."""
    env = {**os.environ, "HOME": str(home), "PYTHONPATH": str(REPO_ROOT)}
    env.pop("READER_INDEX_DIR", None)
    env.pop("READER_RESTRICTED", None)
    result = subprocess.run(
        [sys.executable, "-m", "reader", "index", str(pack)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shared = pack / ".reader" / "index.sqlite"
    conn = sqlite3.connect(shared)
    with conn:
        conn.execute("UPDATE docs SET title = title || ?", (MARK,))
    conn.close()
    return shared


def test_two_sessions_share_one_read_only_index(tmux: Tmux, tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(REPO_ROOT / "content", pack)
    shared = _index_pack(pack, tmp_path / "admin")
    for path in (shared, shared.parent, pack):
        path.chmod(0o444 if path.is_file() else 0o555)
    before = shared.stat()
    second = Tmux(tmp_path / "second-tmux")
    users = [AppPlace(tmp_path / name, tmp_path / f"{name}-state", str(tmp_path)) for name in "ab"]
    try:
        for terminal, user in zip([tmux, second], users, strict=True):
            env = user.env()
            terminal.start(env_argv(env, [reader_command(), str(pack)]), width=120, height=40)
        for terminal in (tmux, second):
            terminal.wait_for(FIRST_SCREEN_TEXT, "% read", timeout=30)
            terminal.send("/")
            terminal.type("filaggrin")
        for terminal in (tmux, second):
            terminal.wait_for(f"The skin barrier and filaggrin{MARK}"[:40], timeout=30)
        pids = [tmux.pid, second.pid]
        assert all(_open_read_only(pid, shared) for pid in pids), "both hold it, read-only"
        for terminal in (tmux, second):
            terminal.send("C-q")
            assert terminal.wait_dead() == 0
            assert_no_traceback(terminal.history())
    finally:
        second.kill()
        for path in (pack, shared.parent, shared):
            path.chmod(0o644 if path.is_file() else 0o755)
    after = shared.stat()
    assert (after.st_ino, after.st_mtime_ns, after.st_size) == (
        before.st_ino,
        before.st_mtime_ns,
        before.st_size,
    )
    assert sorted(p.name for p in shared.parent.iterdir()) == ["index.sqlite"]
    for user in users:
        private = [p for p in files_under([user.home]) if "search" in p.parts]
        assert private == [], f"a private index was built: {private}"
        assert list(user.state_dir.rglob("*.json")), "the session saved its reading state"
