"""The search index's memory: searched in its cache file, built compactly in memory.

With a cache directory the index is built straight into its file and searched there, so
the process holds SQLite's page cache instead of the index; without one it is built in
memory, small. Either way a search finds the same hits with the same snippets.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

import reader.search as search
from reader.pack import load_pack
from reader.search import SearchDocument, SearchIndex, pack_documents

DOCS = [
    SearchDocument("barrier", "The skin barrier", "", "Filaggrin holds the barrier together."),
    SearchDocument("itch", "Itch", "Symptoms", "The itch-scratch cycle; scratching hurts."),
    SearchDocument("creme", "Crème fraîche", "Kitchen", "Crème is not a moisturiser, café."),
    SearchDocument("combining", "Cafe\u0301", "Kitchen", "A cafe\u0301 with a decomposed accent."),
    *(
        SearchDocument(f"s{n}", f"Section {n}", "Chapter › Part", f"Words number {n} here.")
        for n in range(40)
    ),
]
QUERIES = ["filaggrin", "itch", "scratch", "creme", "cafe", "caf", "section 3", "chapter", "c"]


def _file_of(index: SearchIndex) -> str:
    """Where the index's main database lives: "" when it is in memory."""
    conn = index._conn
    assert conn is not None
    return str(conn.execute("PRAGMA database_list").fetchone()[2])


def _results(index: SearchIndex) -> list[object]:
    return [index.search(query) for query in QUERIES]


def test_a_cached_index_is_searched_in_its_file(tmp_path: Path) -> None:
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as built:
        assert _file_of(built) != ""  # opened by its temp name, before the rename
        assert list(tmp_path.iterdir()) == [tmp_path / "search-k.sqlite3"]
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as again:
        assert again.loaded_from_cache
        assert _file_of(again) == str(tmp_path / "search-k.sqlite3")
    with SearchIndex.build(DOCS) as in_memory:
        assert _file_of(in_memory) == ""


def test_the_file_and_memory_find_the_same(tmp_path: Path) -> None:
    with (
        SearchIndex.build(DOCS) as in_memory,
        SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as on_disk,
    ):
        expected = _results(in_memory)
        assert all(expected[:6]), "every word query finds something"
        assert _results(on_disk) == expected


def test_a_disk_failing_midway_builds_in_memory_from_the_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_fill = search._fill
    calls: list[str] = []

    def fill_then_disk_full(
        conn: sqlite3.Connection,
        documents: Iterable[SearchDocument],
        cache_key: str,
        *,
        vocabulary: bool = True,
    ) -> None:
        on_disk = conn.execute("PRAGMA database_list").fetchone()[2] != ""
        calls.append("disk" if on_disk else "memory")
        if on_disk:
            for _ in zip(range(3), documents, strict=False):
                pass  # a few documents read, then the disk is full
            raise sqlite3.OperationalError("database or disk is full")
        real_fill(conn, documents, cache_key, vocabulary=vocabulary)

    monkeypatch.setattr(search, "_fill", fill_then_disk_full)
    with SearchIndex.build(ReadTwice(DOCS), cache_dir=tmp_path, cache_key="k") as built:
        assert calls == ["disk", "memory"]
        assert not built.loaded_from_cache
        assert [hit.id for hit in built.search("filaggrin")] == ["barrier"]  # the first...
        assert [hit.id for hit in built.search("section 39")] == ["s39"]  # ...and the last
    assert list(tmp_path.iterdir()) == [], "no cache file and no temp file left"


def test_a_one_pass_iterator_is_built_in_memory_and_saved(tmp_path: Path) -> None:
    with SearchIndex.build(iter(DOCS), cache_dir=tmp_path, cache_key="k") as built:
        assert _file_of(built) == ""
        assert [hit.id for hit in built.search("filaggrin")] == ["barrier"]
    with SearchIndex.build(iter(()), cache_dir=tmp_path, cache_key="k") as again:
        assert again.loaded_from_cache


def test_pack_documents_can_be_read_twice() -> None:
    documents = pack_documents(load_pack())
    first = list(documents)
    assert first and list(documents) == first


def test_a_parent_path_is_stored_once() -> None:
    """Sections under one chapter share their path: the index keeps one copy of it."""
    with SearchIndex.build(DOCS) as built:
        conn = built._conn
        assert conn is not None
        paths = [row[0] for row in conn.execute("SELECT path FROM paths")]
        assert sorted(paths) == ["", "Chapter › Part", "Kitchen", "Symptoms"]
        assert [hit.path for hit in built.search("section 7")] == ["Chapter › Part"]


def test_folded_text_is_stored_only_where_folding_again_would_be_slow() -> None:
    with SearchIndex.build(DOCS) as built:
        conn = built._conn
        assert conn is not None
        stored = dict(conn.execute("SELECT id, folded IS NOT NULL FROM docs"))
        assert stored["creme"], "non-ASCII text of unchanged length keeps its fold"
        assert not stored["barrier"], "ASCII folds again at query time"
        assert not stored["combining"], "a fold that changes the length needs its offsets"
        hit = built.search("creme")[0]
        assert hit.snippet[slice(*hit.snippet_spans[0])] == "Crème"
        hit = built.search("filaggrin")[0]
        assert hit.snippet[slice(*hit.snippet_spans[0])] == "Filaggrin"


class ReadTwice:
    """Documents that can be read again, but are not a list (as `pack_documents`)."""

    def __init__(self, items: list[SearchDocument]) -> None:
        self.items = items

    def __iter__(self) -> Iterator[SearchDocument]:
        return iter(self.items)
