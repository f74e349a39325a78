"""Whole-pack full-text search: an SQLite FTS5 index over plain documents.

Decoupled from the pack model: callers hand in SearchDocuments (one per section) and get
SearchHits with a plain one-line snippet and the exact offsets to highlight. The index is
built in a worker thread and queried from the UI thread, so one connection is shared
under a lock. With a cache directory the built index is kept as one SQLite file, written
atomically and thrown away (never reported) when it is stale or unreadable. Query
parsing and highlighting live in :mod:`reader.search_query`. No Textual here.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from reader.search_query import (
    TOKENIZER,
    QueryTerm,
    Vocabulary,
    compile_matcher,
    find_spans,
    fold,
    fts_expression,
    iter_spans,
    make_snippet,
    match_spans,
    parse_query,
)

__all__ = [
    "SCHEMA_VERSION",
    "SearchDocument",
    "SearchHit",
    "SearchIndex",
    "match_spans",
    "pack_documents",
]

if TYPE_CHECKING:
    from reader.pack import Pack

log = logging.getLogger(__name__)

SCHEMA_VERSION = 2  # bump whenever the tables or the tokenizer change: old caches rebuild
_MAX_LIMIT = 1000
_STALE_TEMP_SECONDS = 3600  # a younger temp file may be another process's write
# bm25 weights by column (title, path, body): a heading hit beats any number of body hits.
_RANK = "bm25(fts, 10.0, 3.0, 1.0)"
_SCHEMA = f"""
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL,
                  path TEXT NOT NULL, body TEXT NOT NULL, folded TEXT);
CREATE TABLE terms(term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(title, path, body, content='',
                                    tokenize='{TOKENIZER}', prefix='1 2 3');
"""
_SEARCH_SQL = f"""
SELECT d.id, d.title, d.path, d.body, d.folded, r.score
FROM (SELECT rowid, {_RANK} AS score FROM fts WHERE fts MATCH ?
      ORDER BY score, rowid LIMIT ?) AS r
JOIN docs AS d ON d.rowid = r.rowid
ORDER BY r.score, r.rowid
"""
# Control characters and lone surrogates (which SQLite cannot store) become spaces.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CACHE_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class SearchDocument:
    """One searchable section: `path` is its parents' titles ("" at top level)."""

    id: str
    title: str
    path: str
    text: str


@dataclass(frozen=True)
class SearchHit:
    """One result; spans are [start, end) offsets into `snippet` and `title`.

    Title, path and snippet are single-line, control-free text (spans refer to these
    forms); `score` is higher for better hits (bm25, sign flipped).
    """

    id: str
    title: str
    path: str
    snippet: str
    snippet_spans: tuple[tuple[int, int], ...]
    title_spans: tuple[tuple[int, int], ...]
    score: float


def _one_line(text: str) -> str:
    """Single-spaced, control-free text: snippets are cut from it with no offset mapping."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())


class SearchIndex:
    """A searchable set of documents; safe to build in one thread and query from another.

    `loaded_from_cache` is True when build reused a cache file instead of indexing.
    """

    def __init__(self, conn: sqlite3.Connection, *, loaded_from_cache: bool) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        # Loaded now, in the builder's thread, so the first typo never stalls the UI.
        self._vocabulary = _load_vocabulary(conn)
        self.loaded_from_cache = loaded_from_cache

    @classmethod
    def build(
        cls,
        documents: Iterable[SearchDocument],
        *,
        cache_dir: Path | None = None,
        cache_key: str | None = None,
        read_only: bool = False,
    ) -> SearchIndex:
        """Index documents, or reuse the cached index for cache_key without reading them.

        Pass a generator to skip producing documents at all when the cache is fresh.
        Cache problems are logged and fall back to an in-memory build; never raises for them.
        `read_only` (restricted mode): use a fresh cache file, opened read-only, but never
        write, replace or delete one.
        """
        cache_path = None
        if cache_dir is not None and cache_key:
            name = _CACHE_KEY_UNSAFE.sub("_", cache_key)[:128]
            cache_path = Path(cache_dir) / f"search-{name}.sqlite3"
            conn = _load_cache(cache_path, cache_key, read_only=read_only)
            if conn is not None:
                return cls(conn, loaded_from_cache=True)
        conn = _connect()
        _fill(conn, documents, cache_key or "")
        if cache_path is not None and not read_only:
            _write_cache(conn, cache_path)
        return cls(conn, loaded_from_cache=False)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Best hits first; any query text is safe and at worst finds nothing."""
        terms = parse_query(query)
        limit = min(limit, _MAX_LIMIT)
        if not terms or limit <= 0:
            return []
        with self._lock:
            if self._conn is None:
                return []
            try:
                rows = self._conn.execute(_SEARCH_SQL, (fts_expression(terms), limit)).fetchall()
                if not rows:
                    corrected = self._correct(self._conn, terms)
                    if corrected is not None:
                        terms = corrected
                        rows = self._conn.execute(
                            _SEARCH_SQL, (fts_expression(terms), limit)
                        ).fetchall()
            except sqlite3.Error:
                log.warning("search failed for %r", query[:200], exc_info=True)
                return []
        matcher = compile_matcher(terms)
        hits = []
        for doc_id, title, path, body, folded, score in rows:
            snippet, spans = make_snippet(body, iter_spans(body, matcher, folded))
            title_spans = tuple(find_spans(title, matcher))
            hits.append(SearchHit(doc_id, title, path, snippet, spans, title_spans, -score))
        return hits

    def close(self) -> None:
        """Release the database; later searches return nothing instead of failing."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _correct(
        self, conn: sqlite3.Connection, terms: tuple[QueryTerm, ...]
    ) -> tuple[QueryTerm, ...] | None:
        """Replace each single word that matches nothing by its one-typo neighbours.

        Only called when the query found nothing; None when there is nothing to correct
        (every term matches somewhere, or an unmatched phrase or word has no neighbour).
        """
        corrected: list[QueryTerm] = []
        for term in terms:
            if conn.execute(
                "SELECT 1 FROM fts WHERE fts MATCH ? LIMIT 1", (fts_expression([term]),)
            ).fetchone():
                corrected.append(term)
                continue
            if len(term.tokens) != 1:
                return None
            options = self._vocabulary.suggest(term.tokens[0], prefix=term.prefix)
            if not options:
                return None
            corrected.append(QueryTerm(tuple((option,) for option in options), term.prefix))
        return tuple(corrected) if corrected != list(terms) else None


def _connect() -> sqlite3.Connection:
    """An in-memory connection usable from any thread (callers hold the index lock)."""
    return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)


def _fill(conn: sqlite3.Connection, documents: Iterable[SearchDocument], cache_key: str) -> None:
    """Create the tables and index every document in one transaction."""
    conn.executescript(_SCHEMA)
    conn.execute("BEGIN")
    for rowid, doc in enumerate(documents, start=1):
        title, path, body = _one_line(doc.title), _one_line(doc.path), _one_line(doc.text)
        folded: str | None
        folded, offsets = fold(body)  # stored so snippets need no folding at query time
        if offsets is not None:
            folded = None  # folding changed the length: fold again, with offsets, per hit
        conn.execute(
            "INSERT INTO docs(rowid, id, title, path, body, folded) VALUES (?, ?, ?, ?, ?, ?)",
            (rowid, doc.id, title, path, body, folded),
        )
        conn.execute(
            "INSERT INTO fts(rowid, title, path, body) VALUES (?, ?, ?, ?)",
            (rowid, title, path, body),
        )
    conn.executemany(
        "INSERT INTO meta(key, value) VALUES (?, ?)",
        [
            ("schema_version", str(SCHEMA_VERSION)),
            ("cache_key", cache_key),
            ("sqlite_version", sqlite3.sqlite_version),
        ],
    )
    # fts5vocab reads the whole index (~50 ms here): do it once, in the builder's thread.
    conn.execute("CREATE VIRTUAL TABLE temp.vocab USING fts5vocab(main, fts, row)")
    conn.execute("INSERT INTO terms(term, docs) SELECT term, doc FROM temp.vocab")
    conn.execute("DROP TABLE temp.vocab")
    conn.execute("COMMIT")


def _load_vocabulary(conn: sqlite3.Connection) -> Vocabulary:
    """Every indexed term (already folded by FTS5) with its document count."""
    return Vocabulary(dict(conn.execute("SELECT term, docs FROM terms").fetchall()))


def _load_cache(
    path: Path, cache_key: str, *, read_only: bool = False
) -> sqlite3.Connection | None:
    """Copy a valid cache file into memory; delete it if it is unusable (unless read_only)."""
    if not path.is_file():
        return None
    conn = _connect()
    try:
        if read_only:  # SQLite writes nothing (no journal, no repair) through mode=ro
            disk = sqlite3.connect(f"{path.absolute().as_uri()}?mode=ro", uri=True)
        else:
            disk = sqlite3.connect(path)
        try:
            disk.backup(conn)
        finally:
            disk.close()
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        expected = {
            "schema_version": str(SCHEMA_VERSION),
            "cache_key": cache_key,
            "sqlite_version": sqlite3.sqlite_version,  # its tokenizer tables may differ
        }
        if any(meta.get(key) != value for key, value in expected.items()):
            raise sqlite3.DatabaseError("stale search cache")
        if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise sqlite3.DatabaseError("corrupt search cache")
        conn.execute("SELECT term, docs FROM terms LIMIT 1").fetchall()  # every table we read
        return conn
    except (sqlite3.Error, OSError) as exc:
        conn.close()
        log.info("rebuilding search cache %s: %s", path, exc)
        if not read_only:
            with contextlib.suppress(OSError):
                path.unlink()
        return None


def _write_cache(conn: sqlite3.Connection, path: Path) -> None:
    """Save the index beside a temp name, then rename: readers never see half a file."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):  # from a killed writer
            with contextlib.suppress(OSError):
                if time.time() - leftover.stat().st_mtime > _STALE_TEMP_SECONDS:
                    leftover.unlink()
        handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(handle)
        disk = sqlite3.connect(tmp)
        try:
            conn.backup(disk)
        finally:
            disk.close()
        os.replace(tmp, path)
        tmp = None
    except (sqlite3.Error, OSError) as exc:
        log.info("search cache not saved to %s: %s", path, exc)
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def pack_documents(pack: Pack) -> Iterator[SearchDocument]:
    """The pack's sections as search documents: title, parent path and plain words.

    A generator, so a fresh cached index never pays for extracting the text. The app and
    `reader --search` both index through it, so both find the same things.
    """
    from reader.markdown import search_text

    for section in pack.sections:
        path = " › ".join(ancestor.title for ancestor in section.ancestors)
        yield SearchDocument(section.id, section.title, path, search_text(section.markdown))
