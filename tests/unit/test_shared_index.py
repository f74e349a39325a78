"""The shared search index (issue 21): `reader index` builds it once, every session uses it.

A fresh shared index is opened read-only by the app's search controller and by
`reader --search` alike; a stale, missing or broken one is passed over in silence for
the per-user cache. `reader check` says whether it is fresh. Each case looks at what a
session really opened (the SQLite file behind its connection), not at timings.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import reader.search as search
from reader.pack import Pack, load_pack
from reader.search import (
    INDEX_DIR_ENV,
    SearchIndex,
    open_pack_index,
    pack_cache_key,
    shared_index_path,
    shared_index_state,
    write_shared_index,
)
from reader.ui.search_controller import SearchController
from tests.conftest import child_env, write_pack
from tests.perf.generate import generate_pack

PACK = {
    "01-skin.md": "# Skin\n\nThe barrier holds filaggrin.\n\n## Layers\n\nThe stratum corneum.\n",
    "02-itch.md": "# Itch\n\nScratching makes the itch worse.\n",
}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The per-user cache in a temp folder, and no index folder from the environment."""
    cache = tmp_path / "user-cache"
    monkeypatch.setenv("READER_CACHE_DIR", str(cache))
    monkeypatch.delenv(INDEX_DIR_ENV, raising=False)
    monkeypatch.delenv("READER_RESTRICTED", raising=False)
    return cache


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "pack", PACK)


def _user_cache_files(tmp_path: Path) -> list[Path]:
    folder = tmp_path / "user-cache" / "search"
    return sorted(folder.glob("search-*.sqlite3")) if folder.is_dir() else []


def _file_of(index: SearchIndex) -> Path | None:
    """The file behind the index's connection; None when it is in memory."""
    conn = index._conn
    assert conn is not None
    name = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(name) if name else None


def _run(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    """`python -m reader ARGS` with this test's environment (and `env` on top)."""
    environment = child_env(**env)
    return subprocess.run(
        [sys.executable, "-m", "reader", *map(str, args)],
        env=environment,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _session(pack: Pack, *, saving: bool = True, restricted: bool = False) -> SearchIndex:
    """The index the app's search controller opens for `pack` (its worker, run here)."""
    host = SimpleNamespace(pack=pack, restricted=restricted, store=SimpleNamespace(saving=saving))
    built = SearchController(host)._build()  # type: ignore[arg-type]
    assert isinstance(built, SearchIndex), built
    return built


# ------------------------------------------------------------------ built once, used
def test_reader_index_writes_a_fresh_index_beside_the_pack(pack_dir: Path) -> None:
    result = _run("index", pack_dir)
    assert result.returncode == 0, result.stderr
    shared = pack_dir / ".reader" / "index.sqlite"
    assert result.stdout.startswith(f"wrote {shared} (3 sections, ")
    assert result.stdout.rstrip().endswith(" s")
    assert shared.is_file()
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert stat.S_IMODE(shared.parent.stat().st_mode) == 0o755
    assert [p.name for p in shared.parent.iterdir()] == ["index.sqlite"], "no temp file left"
    assert shared_index_state(load_pack(pack_dir), shared).state == "fresh"


def test_the_index_is_readable_by_all_whatever_the_umask(pack_dir: Path) -> None:
    old = os.umask(0o077)
    try:
        write_shared_index(load_pack(pack_dir), shared_index_path(pack_dir))
    finally:
        os.umask(old)
    shared = pack_dir / ".reader" / "index.sqlite"
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    assert stat.S_IMODE(shared.parent.stat().st_mode) == 0o755


def test_the_app_opens_a_fresh_shared_index_read_only(pack_dir: Path, tmp_path: Path) -> None:
    pack = load_pack(pack_dir)
    write_shared_index(pack, shared_index_path(pack.root))
    with _session(pack) as index:
        assert index.source == "shared"
        assert _file_of(index) == pack_dir / ".reader" / "index.sqlite"
        assert [hit.id for hit in index.search("filaggrin")] == ["skin"]
        conn = index._conn
        assert conn is not None
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("CREATE TABLE scribble(x)")
    assert _user_cache_files(tmp_path) == [], "no per-user copy next to a fresh shared one"


def test_restricted_mode_uses_the_shared_index_too(pack_dir: Path, tmp_path: Path) -> None:
    pack = load_pack(pack_dir)
    write_shared_index(pack, shared_index_path(pack.root))
    with _session(pack, saving=False, restricted=True) as index:
        assert index.source == "shared"
    with _session(pack, saving=False) as no_state:
        assert no_state.source == "shared", "--no-state reads the shared index as well"
    assert _user_cache_files(tmp_path) == []


def _mark_titles(path: Path) -> None:
    """Give the index's results a title the pack does not have: whoever shows it has
    read this very file."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("UPDATE docs SET title = title || ' (shared)'")
    conn.close()


def test_reader_search_uses_the_shared_index(pack_dir: Path, tmp_path: Path) -> None:
    assert _run("index", pack_dir).returncode == 0
    _mark_titles(pack_dir / ".reader" / "index.sqlite")
    for env in [{}, {"READER_RESTRICTED": "1"}]:
        result = _run("--search", "filaggrin", pack_dir, **env)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[0] == "Skin (shared)  [skin]"
    assert _user_cache_files(tmp_path) == [], "the shared index was used, nothing built"


def test_an_open_session_keeps_its_index_when_reader_index_replaces_it(pack_dir: Path) -> None:
    """The file is renamed over, never written in place: what makes `immutable=1` safe."""
    pack = load_pack(pack_dir)
    shared = shared_index_path(pack.root)
    write_shared_index(pack, shared)
    with open_pack_index(pack, saving=False, restricted=True) as before:
        assert before.source == "shared"
        inode = shared.stat().st_ino
        (pack_dir / "02-itch.md").write_text("# Itch\n\nEmollients soothe it.\n")
        write_shared_index(load_pack(pack_dir), shared)
        assert shared.stat().st_ino != inode, "replaced by a new file"
        assert [hit.id for hit in before.search("scratching")] == ["itch"]
        assert before.search("emollients") == []
    with open_pack_index(load_pack(pack_dir), saving=False, restricted=True) as after:
        assert after.source == "shared"
        assert [hit.id for hit in after.search("emollients")] == ["itch"]


# ------------------------------------------------------------------ stale or broken
def test_a_stale_shared_index_is_ignored_for_the_user_cache(
    pack_dir: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    shared = shared_index_path(pack_dir)
    write_shared_index(load_pack(pack_dir), shared)
    written = shared.read_bytes()
    (pack_dir / "02-itch.md").write_text("# Itch\n\nEmollients soothe it.\n")
    pack = load_pack(pack_dir)
    assert shared_index_state(pack, shared).state == "stale"
    with caplog.at_level(logging.DEBUG, logger="reader.search"), _session(pack) as index:
        assert index.source == "built"
        assert [hit.id for hit in index.search("emollients")] == ["itch"]
    assert len(_user_cache_files(tmp_path)) == 1
    assert shared.read_bytes() == written, "the administrator's file is never touched"
    assert all(r.levelno <= logging.DEBUG for r in caplog.records if "shared" in r.message)
    with _session(pack) as again:
        assert again.source == "cache"


def _garbage(path: Path) -> None:
    path.write_bytes(b"not a database, just bytes \x00\xff" * 200)


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _a_folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


def _old_schema(path: Path) -> None:
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "UPDATE meta SET value = ? WHERE key = 'schema_version'",
            (str(search.SCHEMA_VERSION - 1),),
        )
    conn.close()


BREAKAGES = {
    "garbage": _garbage,
    "empty": _empty,
    "truncated": _truncated,
    "folder": _a_folder,
    "old-schema": _old_schema,
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_shared_index_falls_back_silently(
    breakage: str, pack_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = load_pack(pack_dir)
    shared = shared_index_path(pack.root)
    write_shared_index(pack, shared)
    BREAKAGES[breakage](shared)
    with _session(pack) as index:
        assert index.source == "built"
        assert [hit.id for hit in index.search("filaggrin")] == ["skin"]
    assert len(_user_cache_files(tmp_path)) == 1
    assert shared.exists(), "never deleted"
    assert capsys.readouterr() == ("", "")
    result = _run("--search", "filaggrin", pack_dir)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.splitlines()[0] == "Skin  [skin]"
    state = shared_index_state(pack, shared)
    assert state.state == ("stale" if breakage == "old-schema" else "unusable")


def test_an_unreadable_shared_index_falls_back(pack_dir: Path, tmp_path: Path) -> None:
    pack = load_pack(pack_dir)
    shared = shared_index_path(pack.root)
    write_shared_index(pack, shared)
    shared.chmod(0)
    try:
        with _session(pack) as index:
            if os.geteuid() != 0:  # root reads it all the same: then it is simply used
                assert index.source == "built"
            assert [hit.id for hit in index.search("filaggrin")] == ["skin"]
    finally:
        shared.chmod(0o644)


# ------------------------------------------------------------------ where it lives
def test_index_dir_option_and_environment(
    pack_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "indexes"
    result = _run("index", pack_dir, "--index-dir", folder)
    assert result.returncode == 0, result.stderr
    [written] = folder.iterdir()
    assert written == shared_index_path(pack_dir, folder)
    assert written.name.startswith("index-") and written.suffix == ".sqlite"
    assert not (pack_dir / ".reader").exists()
    pack = load_pack(pack_dir)
    with _session(pack) as without:
        assert without.source == "built", "not looked for there unless named"
    monkeypatch.setenv(INDEX_DIR_ENV, str(folder))
    with _session(pack) as with_env:
        assert with_env.source == "shared"
        assert _file_of(with_env) == written
    other = write_pack(tmp_path / "other", {"a.md": "# Other\n\nText.\n"})
    assert shared_index_path(other, folder) != written, "one file per pack"
    result = _run("index", other, READER_INDEX_DIR=str(folder))
    assert result.returncode == 0, result.stderr
    assert sorted(folder.iterdir()) == sorted([written, shared_index_path(other, folder)])


def test_restricted_mode_refuses_reader_index(pack_dir: Path) -> None:
    for args, env in [(("--restricted",), {}), ((), {"READER_RESTRICTED": "1"})]:
        result = _run("index", pack_dir, *args, **env)
        assert result.returncode == 2
        assert result.stderr == (
            "reader: index is not available in restricted mode (it writes files)\n"
        )
        assert not (pack_dir / ".reader").exists()


def test_an_unwritable_place_is_one_clear_line(pack_dir: Path, tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    result = _run("index", pack_dir, "--index-dir", not_a_folder)
    assert result.returncode == 1
    assert result.stderr.startswith("reader: cannot write the search index ")
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_the_pack_walk_ignores_the_index_folder(pack_dir: Path) -> None:
    key = pack_cache_key(load_pack(pack_dir))
    write_pack(pack_dir, {".reader/notes.md": "# Not part of the pack\n"})
    write_shared_index(load_pack(pack_dir), shared_index_path(pack_dir))
    pack = load_pack(pack_dir)
    assert [f.relative for f in pack.files] == ["01-skin.md", "02-itch.md"]
    assert pack_cache_key(pack) == key


# ------------------------------------------------------------------ reader --search
def test_reader_search_twice_builds_the_index_once(tmp_path: Path) -> None:
    """The second search reads the per-user cache the first one wrote: the same file
    (inode and mtime), not a rebuilt one renamed over it."""
    big = generate_pack(tmp_path / "big", sections=300, files=12, target_bytes=500_000)
    first = _run("--search", "barrier protein", big)
    assert first.returncode == 0, first.stderr
    [cache] = _user_cache_files(tmp_path)
    before = cache.stat()
    second = _run("--search", "barrier protein", big)
    assert second.stdout == first.stdout
    after = cache.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert _user_cache_files(tmp_path) == [cache]


def test_reader_search_with_no_state_writes_no_cache(pack_dir: Path, tmp_path: Path) -> None:
    result = _run("--search", "itch", pack_dir, "--no-state")
    assert result.returncode == 0, result.stderr
    assert _user_cache_files(tmp_path) == []
    restricted = _run("--search", "itch", pack_dir, READER_RESTRICTED="1")
    assert restricted.returncode == 0, restricted.stderr
    assert _user_cache_files(tmp_path) == [], "restricted mode writes no cache"


# ------------------------------------------------------------------ reader check
def test_reader_check_notes_fresh_and_stale(pack_dir: Path) -> None:
    plain = _run("check", pack_dir)
    assert plain.stdout == "2 files, 3 sections, 0 links: 0 problems\n"
    assert _run("index", pack_dir).returncode == 0
    fresh = _run("check", pack_dir)
    assert fresh.returncode == 0
    assert fresh.stdout.splitlines() == [
        "note: shared search index .reader/index.sqlite is fresh",
        "2 files, 3 sections, 0 links: 0 problems",
    ]
    (pack_dir / "02-itch.md").write_text("# Itch\n\nChanged.\n")
    stale = _run("check", pack_dir)
    assert stale.returncode == 0
    assert stale.stdout.splitlines()[0] == (
        "note: shared search index .reader/index.sqlite is stale: run reader index"
    )
    _garbage(pack_dir / ".reader" / "index.sqlite")
    broken = _run("check", pack_dir).stdout.splitlines()[0]
    assert broken.startswith("note: shared search index .reader/index.sqlite cannot be used (")


def test_reader_check_with_an_index_dir(pack_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "indexes"
    missing = _run("check", pack_dir, "--index-dir", folder).stdout.splitlines()
    expected = shared_index_path(pack_dir, folder)
    assert missing[0] == (
        f"note: no shared search index at {expected}: run reader index --index-dir {folder}"
        " to build it"
    )
    assert _run("index", pack_dir, READER_INDEX_DIR=str(folder)).returncode == 0
    fresh = _run("check", pack_dir, READER_INDEX_DIR=str(folder)).stdout.splitlines()
    assert fresh[0] == f"note: shared search index {expected} is fresh"


def test_an_index_file_is_searched_with_a_small_private_page_cache(tmp_path: Path) -> None:
    """Fifty sessions share the file's pages through the system; each keeps 256 KiB of
    its own (SQLite's default is 2 MB, filled by the integrity check on opening)."""
    from reader.search import READ_ONLY_CACHE_KIB, _open_file

    path = tmp_path / "index.sqlite"
    sqlite3.connect(path).close()
    conn = _open_file(path)
    try:
        assert conn.execute("PRAGMA cache_size").fetchone() == (-READ_ONLY_CACHE_KIB,)
        assert READ_ONLY_CACHE_KIB <= 512
    finally:
        conn.close()


def test_a_kept_text_hashes_as_its_bytes_on_disk_do(tmp_path: Path) -> None:
    """A lone file up to 1 MiB keeps its text, hashed a chunk at a time; the cache key
    must still be the hash of the file's bytes, as for a file read from disk in chunks
    (multi-byte characters across every chunk's end included)."""
    import hashlib

    from reader.files import HASH_CHUNK_BYTES

    body = ("é€𝄞 skin barrier " * (5 * HASH_CHUNK_BYTES // 16))[: 5 * HASH_CHUNK_BYTES + 7]
    text = f"# Big\n\n{body}\n"
    write_pack(tmp_path / "alone", {"big.md": text})
    write_pack(tmp_path / "two", {"big.md": text, "other.md": "# Other\n"})
    kept = load_pack(tmp_path / "alone" / "big.md").files[0]
    on_disk = load_pack(tmp_path / "two").files[0]
    assert kept.relative == on_disk.relative == "big.md"
    assert kept._text is not None and on_disk._text is None, "one kept, one read from disk"
    digests = [hashlib.sha256(), hashlib.sha256()]
    kept.hash_into(digests[0])
    on_disk.hash_into(digests[1])
    assert digests[0].digest() == digests[1].digest() == hashlib.sha256(text.encode()).digest()
