"""Whole-pack full-text search: an SQLite FTS5 index over plain documents.

Decoupled from the pack model: callers hand in SearchDocuments (one per section) and get
SearchHits with a plain one-line snippet and the exact offsets to highlight. The index is
built in a worker thread and queried from the UI thread, so one connection is shared
under a lock. With a cache directory the index is one SQLite file, written atomically,
thrown away (never reported) when it is stale or unreadable, and searched where it lies:
the process keeps SQLite's small page cache, not a copy of the index (6 MB for a file of
20,000 headings), and readers of one pack share the file in the system's page cache.
Without one (no saving, or the disk fails) the index is built in memory. Before either,
a session looks for the pack's shared index (`reader index` writes it, beside the pack or
under $READER_INDEX_DIR) and, when it is fresh, searches that file read-only: fifty
readers of one pack then share one copy in the page cache and build nothing. Query
parsing and highlighting live in :mod:`reader.search_query`. No Textual here.
"""

from __future__ import annotations

import contextlib
import hashlib
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
from unicodedata import east_asian_width

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
    "INDEX_DIR_ENV",
    "SCHEMA_VERSION",
    "SearchDocument",
    "SearchHit",
    "SearchIndex",
    "SharedIndexState",
    "match_spans",
    "one_line",
    "open_pack_index",
    "pack_cache_key",
    "pack_documents",
    "search_cache_dir",
    "shared_index_path",
    "shared_index_state",
    "title_letter",
    "write_shared_index",
]

if TYPE_CHECKING:
    from reader.pack import Pack, Section

log = logging.getLogger(__name__)

# Bump whenever the tables, the tokenizer or the indexed text change: old caches rebuild.
# 4: comments left out, footnotes indexed with the sections citing them (issue 17).
SCHEMA_VERSION = 4
_MAX_LIMIT = 1000
_STALE_TEMP_SECONDS = 3600  # a younger temp file may be another process's write
# bm25 weights by column (title, path, body): a heading hit beats any number of body hits.
_RANK = "bm25(fts, 10.0, 3.0, 1.0)"
# Sized for a file of 20,000 headings, whose index was 15.6 MB in memory and is 6.0 MB:
# - no prefix index: FTS5's for one, two and three letters held 2.5 times the words' own
#   index; without them a prefix query merges the words it starts, which for a single
#   letter takes ~11 ms instead of ~5 on the 3.5 MB benchmark pack (~22 ms instead of
#   ~16 on the 20,000-heading file); the same hits either way;
# - a parent path is stored once (`paths`): ten sections under one chapter share it;
# - `folded` only where folding again per hit would be slow (non-ASCII text of the same
#   length); ASCII folds again at ~1 GB/s, and a length change needs its offsets anyway;
# - auto_vacuum: pages that merging FTS5 segments frees go back, not to a free list;
# - pending words are written out every 128 KB, not every 1 MB (FTS5's `hashsize`):
#   the build peaks 1.3 MB lower, for the same index.
_SCHEMA = f"""
PRAGMA auto_vacuum = FULL;
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE paths(rowid INTEGER PRIMARY KEY, path TEXT NOT NULL);
CREATE TABLE docs(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL, title TEXT NOT NULL,
                  path INTEGER NOT NULL, body TEXT NOT NULL, folded TEXT);
CREATE TABLE terms(term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE VIRTUAL TABLE fts USING fts5(title, path, body, content='', tokenize='{TOKENIZER}');
INSERT INTO fts(fts, rank) VALUES ('hashsize', 131072);
"""
_SEARCH_SQL = f"""
SELECT d.id, d.title, p.path, d.body, d.folded, r.score
FROM (SELECT rowid, {_RANK} AS score FROM fts WHERE fts MATCH ?
      ORDER BY score, rowid LIMIT ?) AS r
JOIN docs AS d ON d.rowid = r.rowid
JOIN paths AS p ON p.rowid = d.path
ORDER BY r.score, r.rowid
"""
# A one-character query (see `title_letter`): titles whose first word starts with it, in
# reading order. `^` holds the match to the title's first token, and ordering by rowid lets
# FTS5 stop after `limit` rows instead of scoring every section: on the benchmark pack "a"
# takes ~0.4 ms this way, ~11 ms as a prefix of every word of every section.
_TITLE_SQL = """
SELECT d.id, d.title, p.path, d.body
FROM (SELECT rowid FROM fts WHERE fts MATCH ? ORDER BY rowid LIMIT ?) AS r
JOIN docs AS d ON d.rowid = r.rowid
JOIN paths AS p ON p.rowid = d.path
ORDER BY r.rowid
"""
# Control characters and lone surrogates (which SQLite cannot store) become spaces.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
# What str.split() splits at: every character str.isspace() is true of, as a space.
_WHITE_SPACE = str.maketrans(
    dict.fromkeys(
        "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
        "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000",
        " ",
    )
)
#: `_UNPRINTABLE` but lone surrogates, and white space: each to a space (see `one_line`).
_TO_SPACE = {
    **_WHITE_SPACE,
    **dict.fromkeys([*range(0x20), *range(0x7F, 0xA0), 0x2028, 0x2029], " "),
}
_SURROGATES = re.compile("[\ud800-\udfff]")  # which SQLite cannot store
_SPACE_RUNS = re.compile(" {2,}+")
_CACHE_KEY_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
#: Each session's private SQLite page cache over an index file it only reads.
READ_ONLY_CACHE_KIB = 256
#: The folder that holds the packs' shared indexes, one file each (`reader index`).
INDEX_DIR_ENV = "READER_INDEX_DIR"
#: Beside the pack: `PACK/.reader/index.sqlite` (the pack's walk skips dot-folders).
SHARED_INDEX_FOLDER = ".reader"
SHARED_INDEX_NAME = "index.sqlite"


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
    forms); `score` is higher for better hits (bm25, sign flipped; 0 for the titles a
    one-character query finds, listed in reading order). `kind` is "section",
    or "definition" for a glossary entry the query names (its snippet the definition).
    """

    id: str
    title: str
    path: str
    snippet: str
    snippet_spans: tuple[tuple[int, int], ...]
    title_spans: tuple[tuple[int, int], ...]
    score: float
    kind: str = "section"


def one_line(text: str) -> str:
    """Single-spaced, control-free text: snippets are cut from it with no offset mapping.

    As `" ".join(_UNPRINTABLE.sub(" ", text).split())`, without the list of every word
    or of every line (for a 260 KB section, ~2.5 MB and ~1 MB, most of building its
    index): each control or white space character becomes a space in one `translate`,
    then only runs of two or more spaces are matched.
    """
    spaced = text.translate(_TO_SPACE)
    if not spaced.isascii() and _SURROGATES.search(spaced):
        spaced = _SURROGATES.sub(" ", spaced)
    return _SPACE_RUNS.sub(" ", spaced).strip() if "  " in spaced else spaced.strip()


class SearchIndex:
    """A searchable set of documents; safe to build in one thread and query from another.

    `loaded_from_cache` is True when build reused a file (the shared index or the
    per-user cache) instead of indexing; `source` says which: "shared", "cache", or
    "built" (indexed now, into a cache file or memory).
    """

    def __init__(
        self, conn: sqlite3.Connection, *, loaded_from_cache: bool, source: str | None = None
    ) -> None:
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        # Read at the first query that finds nothing (~17 ms, once, on a 3.5 MB pack): most
        # sessions never mistype, and each would keep ~0.5 MB of words for nothing.
        self._vocabulary: Vocabulary | None = None
        self.loaded_from_cache = loaded_from_cache
        self.source = source or ("cache" if loaded_from_cache else "built")

    @classmethod
    def build(
        cls,
        documents: Iterable[SearchDocument],
        *,
        cache_dir: Path | None = None,
        cache_key: str | None = None,
        read_only: bool = False,
        shared: Path | None = None,
    ) -> SearchIndex:
        """Index documents, or reuse the cached index for cache_key without reading them.

        A fresh `shared` index (`reader index`'s file for this pack: same cache_key,
        schema and SQLite) comes first, opened read-only, never written or deleted; a
        stale, missing or broken one is passed over with a debug log line, no more.

        With a cache directory, documents that can be read twice (a list, or
        `pack_documents`) are indexed straight into the cache file, so building never
        holds the index in memory either; should the disk fail midway, they are read
        again into memory. A one-pass iterator is indexed in memory and then saved.
        Cache problems are logged and fall back to an in-memory build; never raises for them.
        `read_only` (restricted mode): use a fresh cache file, opened read-only, but never
        write, replace or delete one.
        """
        if shared is not None and cache_key:
            conn = _load_shared(shared, cache_key)
            if conn is not None:
                return cls(conn, loaded_from_cache=True, source="shared")
        cache_path = None
        if cache_dir is not None and cache_key:
            name = _CACHE_KEY_UNSAFE.sub("_", cache_key)[:128]
            cache_path = Path(cache_dir) / f"search-{name}.sqlite3"
            conn = _load_cache(cache_path, cache_key, read_only=read_only)
            if conn is not None:
                return cls(conn, loaded_from_cache=True)
            if not read_only and not isinstance(documents, Iterator):
                conn = _build_cache(documents, cache_path, cache_key)
                if conn is not None:
                    return cls(conn, loaded_from_cache=False)
                cache_path = None  # the disk failed once: do not write there again
        conn = _connect()
        save_to = None if read_only else cache_path
        _fill(conn, documents, cache_key or "", vocabulary=save_to is not None)
        if save_to is not None:
            _write_cache(conn, save_to)
        return cls(conn, loaded_from_cache=False)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Best hits first; any query text is safe and at worst finds nothing.

        One character (`title_letter`) finds the sections whose titles start with it,
        in reading order: as a prefix of every word it would match nearly every section,
        cost the most of any query, and highlight half the words of every snippet.
        """
        terms = parse_query(query)
        limit = min(limit, _MAX_LIMIT)
        if not terms or limit <= 0:
            return []
        if _is_title_letter(terms):
            return self._search_titles(terms, limit)
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

    def _search_titles(self, terms: tuple[QueryTerm, ...], limit: int) -> list[SearchHit]:
        """Titles whose first word starts with the one letter of `terms`, in reading
        order; their first word highlighted, the snippet the start of the text, unmarked."""
        expression = "{title} : ^" + fts_expression(terms)  # the term quoted: never syntax
        with self._lock:
            if self._conn is None:
                return []
            try:
                rows = self._conn.execute(_TITLE_SQL, (expression, limit)).fetchall()
            except sqlite3.Error:
                log.warning("title search failed for %r", terms[0].tokens[0], exc_info=True)
                return []
        matcher = compile_matcher(terms)
        hits = []
        for doc_id, title, path, body in rows:
            # FTS5 and the matcher split words alike: the first match is the first word.
            first = next(iter_spans(title, matcher), None)
            snippet, _ = make_snippet(body, iter(()))
            title_spans = () if first is None else (first,)
            hits.append(SearchHit(doc_id, title, path, snippet, (), title_spans, 0.0))
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
            if self._vocabulary is None:
                self._vocabulary = _load_vocabulary(conn)
            options = self._vocabulary.suggest(term.tokens[0], prefix=term.prefix)
            if not options:
                return None
            corrected.append(QueryTerm(tuple((option,) for option in options), term.prefix))
        return tuple(corrected) if corrected != list(terms) else None


def title_letter(query: str) -> str | None:
    """The one character (folded, as indexed) that `query` is when it searches section
    titles only, or None when it searches the text.

    That is a single word of one character as typed so far ("a", "É", "a*", or `"a`
    with its quote still open). A closed quoted `"a"` asks for the word itself, and one
    wide character ("病") is often a word of its own: both search the text. From two
    characters on, a prefix narrows enough to be cheap.
    """
    terms = parse_query(query)
    return terms[0].tokens[0] if _is_title_letter(terms) else None


def _is_title_letter(terms: tuple[QueryTerm, ...]) -> bool:
    """`title_letter` on parsed terms."""
    if len(terms) != 1 or not terms[0].prefix or len(terms[0].alternatives) != 1:
        return False
    tokens = terms[0].tokens
    # One letter of an alphabet says little; one Chinese, Japanese or Korean character is
    # often a whole word (wide characters), so it searches the text.
    return len(tokens) == 1 and len(tokens[0]) == 1 and east_asian_width(tokens[0]) not in "WF"


def _connect() -> sqlite3.Connection:
    """An in-memory connection usable from any thread (callers hold the index lock)."""
    return sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)


def _fill(
    conn: sqlite3.Connection,
    documents: Iterable[SearchDocument],
    cache_key: str,
    *,
    vocabulary: bool = True,
) -> None:
    """Create the tables and index every document in one transaction; `vocabulary`:
    fill the `terms` table too (for a file; an index kept in memory lists its terms the
    first time a query needs them, see `_load_vocabulary`)."""
    conn.executescript(_SCHEMA)
    conn.execute("BEGIN")
    path_rows: dict[str, int] = {}
    for rowid, doc in enumerate(documents, start=1):
        title, path, body = one_line(doc.title), one_line(doc.path), one_line(doc.text)
        doc_id = doc.id
        del doc  # its text, unless a caller keeps it: only `body` is indexed
        path_row = path_rows.get(path)
        if path_row is None:
            path_row = path_rows[path] = len(path_rows) + 1
            conn.execute("INSERT INTO paths(rowid, path) VALUES (?, ?)", (path_row, path))
        folded: str | None = None
        if not body.isascii():
            folded, offsets = fold(body)  # stored so snippets need no folding at query time
            if offsets is not None:
                folded = None  # folding changed the length: fold again, with offsets, per hit
        conn.execute(
            "INSERT INTO docs(rowid, id, title, path, body, folded) VALUES (?, ?, ?, ?, ?, ?)",
            (rowid, doc_id, title, path_row, body, folded),
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
    if vocabulary:
        # fts5vocab reads the whole index (~50 ms here): once, in the builder's thread,
        # for a file that every later session (and every user of a shared one) reads.
        conn.execute(f"CREATE VIRTUAL TABLE temp.vocab USING {_VOCABULARY}")
        conn.execute("INSERT INTO terms(term, docs) SELECT term, doc FROM temp.vocab")
        conn.execute("DROP TABLE temp.vocab")
    conn.execute("COMMIT")


#: The index's own list of its terms and how many documents hold each.
_VOCABULARY = "fts5vocab(main, fts, row)"


def _load_vocabulary(conn: sqlite3.Connection) -> Vocabulary:
    """Every indexed term (already folded by FTS5) with its document count: from the
    `terms` table of an index file, or, for an index built in memory (which leaves the
    table empty: most sessions never make a typo that finds nothing, and the table
    cost the build 50 ms and its memory), from FTS5 itself."""
    rows = conn.execute("SELECT term, docs FROM terms").fetchall()
    if not rows:
        conn.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING {_VOCABULARY}")
        rows = conn.execute("SELECT term, doc FROM temp.vocab").fetchall()
    return Vocabulary(dict(rows))


def _open_file(path: Path | str) -> sqlite3.Connection:
    """An index file opened for reading only, as one that never changes.

    `immutable=1` is safe because no writer of ours ever changes an index file in place:
    the per-user cache and the shared index (`write_shared_index`) are both built under
    a temp name and renamed over the old file. A rename gives the name a new inode; a
    connection already open keeps reading the old one, which nobody writes again (the
    system frees it when its last reader closes). So SQLite needs no locks (none on a
    read-only folder or a file system that lacks them) and no change counter check per
    query, and it writes nothing (no journal, no repair, temporary tables in memory). A
    file someone else overwrote in place (`cp` over it) could read as corrupt: searches
    then fail as "nothing found", logged, never raised (see `search`)."""
    uri = f"{Path(path).absolute().as_uri()}?mode=ro&immutable=1"
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
    conn.execute("PRAGMA temp_store = MEMORY")
    # 256 KiB of private page cache instead of SQLite's 2 MB: the file's pages stay in the
    # system's page cache, shared by every session, and searches measured no slower.
    conn.execute(f"PRAGMA cache_size = {-READ_ONLY_CACHE_KIB}")
    return conn


class _StaleIndex(sqlite3.DatabaseError):
    """An index file that is sound but was built from other text, schema or SQLite."""


def _open_checked(path: Path, cache_key: str) -> sqlite3.Connection:
    """Open an index file read-only and prove it is the index for `cache_key`, in the
    current schema, and sound; raises _StaleIndex, sqlite3.Error or OSError if not."""
    conn = _open_file(path)
    try:
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        expected = {
            "schema_version": str(SCHEMA_VERSION),
            "cache_key": cache_key,
            "sqlite_version": sqlite3.sqlite_version,  # its tokenizer tables may differ
        }
        if any(meta.get(key) != value for key, value in expected.items()):
            raise _StaleIndex("stale search index")
        if conn.execute("PRAGMA quick_check").fetchone() != ("ok",):
            raise sqlite3.DatabaseError("corrupt search index")
        conn.execute("SELECT term, docs FROM terms LIMIT 1").fetchall()  # every table we read
    except BaseException:
        conn.close()
        raise
    return conn


def _load_cache(
    path: Path, cache_key: str, *, read_only: bool = False
) -> sqlite3.Connection | None:
    """Open a valid cache file to search in place; delete it if unusable (unless read_only)."""
    if not path.is_file():
        return None
    try:
        return _open_checked(path, cache_key)
    except (sqlite3.Error, OSError) as exc:
        log.info("rebuilding search cache %s: %s", path, exc)
        if not read_only:
            with contextlib.suppress(OSError):
                path.unlink()
        return None


def _load_shared(path: Path, cache_key: str) -> sqlite3.Connection | None:
    """The shared index, if fresh and sound; else None, quietly (the per-user cache
    takes over). Never deleted or repaired here: it is the administrator's file."""
    try:
        if not path.is_file():
            return None
        return _open_checked(path, cache_key)
    except (sqlite3.Error, OSError) as exc:
        log.debug("shared search index %s not used: %s", path, exc)
        return None


def _build_cache(
    documents: Iterable[SearchDocument], path: Path, cache_key: str
) -> sqlite3.Connection | None:
    """Index into a temp file beside `path`, open it for reading, then rename it to
    `path`; None (and no file left) when the disk fails.

    The file is opened before the rename, so the connection reads what was built even if
    another reader of the same pack renames its own copy over it a moment later.
    """
    tmp: str | None = None
    try:
        tmp = _temp_beside(path)
        disk = sqlite3.connect(tmp, isolation_level=None)
        try:
            disk.execute("PRAGMA journal_mode = OFF")  # a half-built file is thrown away
            _fill(disk, documents, cache_key)
        finally:
            disk.close()
        conn = _open_file(tmp)
        try:
            conn.execute("SELECT term, docs FROM terms LIMIT 1").fetchall()
            os.replace(tmp, path)
        except (sqlite3.Error, OSError):
            conn.close()
            raise
        tmp = None
        return conn
    except (sqlite3.Error, OSError) as exc:
        log.info("search index not built in %s, building it in memory: %s", path, exc)
        return None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _temp_beside(path: Path) -> str:
    """A new empty temp file in path's folder (made if missing), after removing the
    temp files that writers killed long ago left there."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if time.time() - leftover.stat().st_mtime > _STALE_TEMP_SECONDS:
                leftover.unlink()
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    return tmp


def _write_cache(conn: sqlite3.Connection, path: Path) -> None:
    """Save the index beside a temp name, then rename: readers never see half a file."""
    tmp: str | None = None
    try:
        tmp = _temp_beside(path)
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


def pack_cache_key(pack: Pack) -> str:
    """The pack's content hash (every file's name and bytes, in reading order): what a
    cache file or shared index must have been built from to be used for this pack."""
    digest = hashlib.sha256()
    for pack_file in pack.files:
        digest.update(pack_file.relative.encode("utf-8", "replace") + b"\0")
        pack_file.hash_into(digest)
        digest.update(b"\0")
    return digest.hexdigest()[:32]


def shared_index_path(pack_root: Path, index_dir: Path | None = None) -> Path:
    """Where the pack's shared index lives: in `index_dir` (else $READER_INDEX_DIR) as
    `index-<hash of the pack's folder>.sqlite`, one file per pack; with neither, beside
    the pack as `.reader/index.sqlite`."""
    from reader.state_store import pack_root_key

    if index_dir is None:
        configured = os.environ.get(INDEX_DIR_ENV, "")
        index_dir = Path(configured) if configured else None
    if index_dir is None:
        return Path(pack_root) / SHARED_INDEX_FOLDER / SHARED_INDEX_NAME
    root_key = os.fsencode(pack_root_key(Path(pack_root)))
    return Path(index_dir) / f"index-{hashlib.sha256(root_key).hexdigest()[:16]}.sqlite"


def search_cache_dir(*, saving: bool, restricted: bool) -> Path | None:
    """Where the per-user index cache is: none when nothing may be saved, except in
    restricted mode, which reads a cache made before (never writing one)."""
    if not saving and not restricted:
        return None
    from reader.state_io import cache_folder

    return cache_folder("search")


def open_pack_index(
    pack: Pack, *, saving: bool, restricted: bool, index_dir: Path | None = None
) -> SearchIndex:
    """The pack's index as every session gets it (the app and `reader --search`): the
    fresh shared index, else the per-user cache (written only when saving and not
    restricted), else built in memory."""
    return SearchIndex.build(
        pack_documents(pack),
        cache_dir=search_cache_dir(saving=saving, restricted=restricted),
        cache_key=pack_cache_key(pack),
        read_only=restricted,
        shared=shared_index_path(pack.root, index_dir),
    )


@dataclass(frozen=True)
class SharedIndexState:
    """What `reader check` says of a shared index: `state` is "fresh", "stale",
    "missing" or "unusable" (then `reason` says why)."""

    path: Path
    state: str
    reason: str = ""


def shared_index_state(pack: Pack, path: Path) -> SharedIndexState:
    """Whether the shared index at `path` would be used for this pack, and if not why."""
    try:
        if not path.exists():
            return SharedIndexState(path, "missing")
        if not path.is_file():
            return SharedIndexState(path, "unusable", "not a file")
        _open_checked(path, pack_cache_key(pack)).close()
    except _StaleIndex:
        return SharedIndexState(path, "stale")
    except (sqlite3.Error, OSError) as exc:
        return SharedIndexState(path, "unusable", str(exc))
    return SharedIndexState(path, "fresh")


def write_shared_index(pack: Pack, path: Path) -> int:
    """Build the pack's shared index at `path` for every user to read; returns how many
    sections it holds. Raises OSError or sqlite3.Error when it cannot be written.

    Built under a temp name in the same folder and renamed over the old file, never
    written in place: sessions that have the old one open keep reading it unchanged
    (see `_open_file`), new ones open the new one. The file is made readable by
    everyone (0644) and a folder made for it 0755, whatever the umask.
    """
    cache_key = pack_cache_key(pack)
    folder = path.parent
    if not folder.is_dir():
        folder.mkdir(parents=True, mode=0o755)
        folder.chmod(0o755)  # mkdir's mode is cut by the umask
    tmp = _temp_beside(path)
    renamed = False
    try:
        disk = sqlite3.connect(tmp, isolation_level=None)
        try:
            disk.execute("PRAGMA journal_mode = OFF")  # a half-built file is thrown away
            _fill(disk, pack_documents(pack), cache_key)
            sections = disk.execute("SELECT count(*) FROM docs").fetchone()[0]
        finally:
            disk.close()
        with open(tmp, "rb") as written:
            os.fsync(written.fileno())  # on disk before its name is: never half a file
        os.chmod(tmp, 0o644)
        _open_checked(Path(tmp), cache_key).close()  # what sessions will check
        os.replace(tmp, path)
        renamed = True
    finally:
        if not renamed:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return int(sections)


def pack_documents(pack: Pack) -> Iterable[SearchDocument]:
    """The pack's sections as search documents: title, parent path and plain words.

    Made lazily on each pass, so a fresh cached index never pays for extracting the text,
    and a build that the disk fails midway can read them again. The app and
    `reader --search` both index through it, so both find the same things.
    """
    return _PackDocuments(pack)


class _PackDocuments:
    """`pack_documents`: an iterable that reads the pack afresh on each pass.

    Each file is read from disk once a pass and its sections cut from that text; only the
    file being indexed is in memory, and nothing is kept once its documents are indexed.
    """

    __slots__ = ("_pack",)

    def __init__(self, pack: Pack) -> None:
        self._pack = pack

    def __iter__(self) -> Iterator[SearchDocument]:
        read_from: object = None  # the file whose text is `text`
        text = ""
        for section in self._pack.sections:
            if section.file is not read_from:
                read_from, text = section.file, section.file.text
            # Made in a call, so that this frame keeps no copy of the section's text
            # while the document is indexed (a 260 KB section: two copies fewer).
            yield _section_document(section, text)


def _section_document(section: Section, text: str) -> SearchDocument:
    """A section as a search document; `text` is its file's text."""
    from reader.markdown import (
        cited_notes,
        search_text,
        without_footnote_definitions,
        without_footnote_marks,
    )

    path = " › ".join(ancestor.title for ancestor in section.ancestors)
    markdown = text[section.start : section.end]  # what `section.markdown` reads
    if section.file.definition_starts and "[^" in markdown:
        # A note is drawn at the end of the sections citing it, not where it is defined:
        # it is found with them.
        markdown = without_footnote_definitions(markdown)
        notes = cited_notes(markdown, section.definitions)
        markdown = without_footnote_marks(markdown, section.definitions)
        return SearchDocument(
            section.id, section.title, path, "\n\n".join(map(search_text, [markdown, *notes]))
        )
    return SearchDocument(section.id, section.title, path, search_text(markdown))
