"""Tests for the search engine: matching rules, ranking, hostile queries, snippets, cache."""

from __future__ import annotations

import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from reader import search_query
from reader.search import SearchDocument, SearchHit, SearchIndex, match_spans
from reader.search_query import MAX_TERMS, parse_query

_FILLER_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india"]


def _filler(count: int = 30) -> list[SearchDocument]:
    """Unrelated sections, so bm25 sees the test words as rare as in a real pack."""
    rng = random.Random(7)
    return [
        SearchDocument(f"filler-{n}", f"Filler {n}", "", " ".join(rng.choices(_FILLER_WORDS, k=40)))
        for n in range(count)
    ]


DOCS = [
    SearchDocument("eczema", "Eczéma basics", "", "Eczema is an inflammatory skin condition."),
    SearchDocument(
        "immune",
        "Immune dysregulation",
        "Eczema › Immune system",
        "The immune system overreacts to harmless triggers near the skin barrier.",
    ),
    SearchDocument(
        "autoimmune",
        "What autoimmune means",
        "",
        "Autoimmune disease: the body attacks its own tissue. Eczema is not autoimmune.",
    ),
    SearchDocument("order", "Word order", "", "The system of the immune cells differs."),
    SearchDocument("barrier", "Skin barrier", "", "Filaggrin keeps the barrier; lipids help."),
    SearchDocument("lipid", "Lipids", "", "A lipid layer and water; no other words here."),
    SearchDocument("arabic", "العربية", "", "نص عن الأكزيما والجلد"),
    SearchDocument("hebrew", "עברית", "", "טקסט על אקזמה ועור"),
    SearchDocument("covid", "Covid-19 notes", "", "Notes about covid-19; don't panic, it's fine."),
]


@pytest.fixture(scope="module")
def index() -> Iterator[SearchIndex]:
    built = SearchIndex.build(DOCS + _filler())
    yield built
    built.close()


def _ids(hits: list[SearchHit]) -> list[str]:
    return [hit.id for hit in hits]


# --- ranking ---------------------------------------------------------------------------


def test_title_hit_outranks_body_hits() -> None:
    docs = [
        SearchDocument("body", "Notes", "", "filaggrin " * 5 + "appears often in this body."),
        SearchDocument("title", "Filaggrin", "", "A protein of the outer skin layer, see above."),
    ]
    with SearchIndex.build(docs + _filler()) as built:
        assert _ids(built.search("filaggrin")) == ["title", "body"]


@pytest.mark.parametrize("reverse", [False, True])
def test_rarer_term_weighs_more(reverse: bool) -> None:
    common = [SearchDocument(f"c{n}", f"C {n}", "", "common words everywhere") for n in range(20)]
    docs = [
        SearchDocument("more-common", "A", "", "zygote common common filler"),
        SearchDocument("more-rare", "B", "", "zygote zygote common filler"),
    ]
    with SearchIndex.build((docs[::-1] if reverse else docs) + common + _filler()) as built:
        hits = built.search("common zygote")
    assert _ids(hits) == ["more-rare", "more-common"]
    assert hits[0].score > hits[1].score  # not a tie broken by insertion order


def test_scores_are_higher_for_better_hits(index: SearchIndex) -> None:
    hits = index.search("eczema")
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


# --- matching rules --------------------------------------------------------------------


def test_all_terms_are_required(index: SearchIndex) -> None:
    assert _ids(index.search("barrier lipids")) == ["barrier"]
    assert set(_ids(index.search("barrier"))) == {"barrier", "immune"}


def test_quoted_phrase_keeps_words_together(index: SearchIndex) -> None:
    assert set(_ids(index.search("immune system"))) == {"immune", "order"}
    assert _ids(index.search('"immune system"')) == ["immune"]
    assert _ids(index.search('"system immune"')) == []


def test_unclosed_quote_is_a_phrase_being_typed(index: SearchIndex) -> None:
    assert _ids(index.search('"immune sys')) == ["immune"]


def test_words_joined_by_punctuation_form_a_phrase(index: SearchIndex) -> None:
    assert _ids(index.search("covid-19")) == ["covid"]
    assert _ids(index.search("don't")) == ["covid"]


def test_prefix_applies_to_the_last_term_only(index: SearchIndex) -> None:
    assert "autoimmune" in _ids(index.search("autoimm"))
    assert "autoimmune" in _ids(index.search("disease autoimm"))
    assert _ids(index.search("autoimm disease")) == []
    assert _ids(index.search('"own tiss"')) == []  # a closed phrase is exact


def test_path_is_searched(index: SearchIndex) -> None:
    assert "immune" in _ids(index.search("eczema overreacts"))


@pytest.mark.parametrize(
    ("query", "expected"),
    [("eczema", "eczema"), ("ECZÉMA", "eczema"), ("eczéma", "autoimmune"), ("EcZeMa", "eczema")],
)
def test_case_and_accent_insensitive(index: SearchIndex, query: str, expected: str) -> None:
    assert expected in _ids(index.search(query))


def test_accents_in_the_text_match_plain_queries() -> None:
    docs = [SearchDocument("fr", "Résumé", "", "Un café naïve à Besançon; e\u0301le\u0300ve.")]
    with SearchIndex.build(docs + _filler()) as built:
        for query in ["resume", "CAFE", "naive besancon", "eleve", "élève", "ÉLÈVE"]:
            assert _ids(built.search(query)) == ["fr"], query


@pytest.mark.parametrize(("query", "expected"), [("الأكزيما", "arabic"), ("אקזמה", "hebrew")])
def test_right_to_left_words_are_found(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query)
    assert _ids(hits) == [expected]
    snippet = hits[0].snippet
    assert [snippet[start:end] for start, end in hits[0].snippet_spans] == [query]


def test_operators_are_plain_words(index: SearchIndex) -> None:
    assert _ids(index.search("NEAR")) == ["immune"]  # "near" occurs in its body
    assert _ids(index.search("immune OR lipid")) == []  # no section says "or"
    assert _ids(index.search("immune NOT system")) == []


BAD_QUERIES = [
    "",
    "   ",
    "\t\n",
    "!!! ??? ...",
    "x" * 10_000,
    "eczema " * 2_000,
    '"',
    '"""',
    '"immune',
    'immune"',
    "*",
    "immune*",
    "-",
    "-immune",
    "NEAR",
    "NEAR(immune barrier)",
    "AND",
    "OR",
    "NOT",
    "immune AND",
    "(",
    ")",
    "(immune",
    ":",
    "^",
    "^immune",
    "title:foo",
    "title:immune",
    "{title path}: immune",
    "\x00",
    "imm\x00une",
    "\x1b[2J\x07",
    "😀",
    "eczema 😀",
    "\ud800",
    "العربية",
    "עברית",
    "\u202eimmune",
    "'; DROP TABLE docs; --",
    '"" "" ""',
    "a" * 300 + " b",
]


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_hostile_queries_never_raise(index: SearchIndex, query: str) -> None:
    hits = index.search(query)
    assert isinstance(hits, list)
    assert all(isinstance(hit, SearchHit) for hit in hits)
    assert isinstance(match_spans("The immune system is near.", query), list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [("immune*", "immune"), ("-immune", "immune"), ("title:immune", None), ("^immune", "immune")],
)
def test_punctuation_is_not_syntax(index: SearchIndex, query: str, expected: str | None) -> None:
    found = _ids(index.search(query))
    assert (expected in found) if expected else found == []


def test_random_queries_never_raise(index: SearchIndex) -> None:
    rng = random.Random(3)
    alphabet = "abcéÉ \"*-:^()\x00\u0301😀ع€_'\\NEAROT"
    for _ in range(300):
        query = "".join(rng.choices(alphabet, k=rng.randint(0, 30)))
        assert isinstance(index.search(query), list)


def test_terms_are_capped() -> None:
    terms = parse_query(" ".join(f"w{n}" for n in range(500)))
    assert sum(len(term.tokens) for term in terms) == MAX_TERMS


def test_limit_is_respected() -> None:
    with SearchIndex.build(_filler(80)) as built:
        assert len(built.search("alpha", limit=7)) == 7
        assert built.search("alpha", limit=0) == []


# --- typos -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("immnue", "immune"),  # swapped letters
        ("eczma", "eczema"),  # missing letter
        ("filagggrin", "barrier"),  # extra letter
        ("skin barier", "barrier"),  # one typo among good words
        ("autoimmnu", "autoimmune"),  # typo inside the prefix being typed
    ],
)
def test_one_typo_is_forgiven(index: SearchIndex, query: str, expected: str) -> None:
    hits = index.search(query)
    assert expected in _ids(hits)
    assert any(hit.snippet_spans or hit.title_spans for hit in hits)


def test_typos_are_only_tried_when_nothing_matches(index: SearchIndex) -> None:
    assert _ids(index.search('"lipid"')) == ["lipid"]  # not "lipids" too, via a correction
    assert _ids(index.search("filaggrin panic")) == []  # both exist, never together
    assert _ids(index.search("qqqqqq")) == []


def test_the_words_for_typos_are_read_only_when_a_query_finds_nothing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Most sessions never mistype: the vocabulary (~0.5 MB on a 3.5 MB pack) is read at
    the first query that finds nothing, once, and a session that never does keeps none."""
    from reader import search

    reads: list[object] = []
    real = search._load_vocabulary
    monkeypatch.setattr(search, "_load_vocabulary", lambda conn: reads.append(conn) or real(conn))
    with SearchIndex.build(_filler()) as built:
        assert built.search("filler") and reads == []
        built.search("fillre")  # nothing matches: corrected, the words read now
        built.search("fillre")
        built.search("filer")
    assert len(reads) == 1


def test_an_index_in_memory_lists_its_words_only_when_a_typo_needs_them(tmp_path: Path) -> None:
    """An index file keeps a table of its words for every session that opens it; an
    index built in memory (`--no-state`, a pack too small to cache) does not build one
    (~0.8 MB and 50 ms on a 260 KB section): a query that finds nothing asks FTS5."""
    with SearchIndex.build(_filler()) as in_memory:
        assert in_memory._conn.execute("SELECT count(*) FROM terms").fetchone() == (0,)
        assert _ids(in_memory.search("fillre")), "corrected from FTS5's own words"
    with SearchIndex.build(_filler(), cache_dir=tmp_path, cache_key="k") as cached:
        assert not cached.loaded_from_cache
        (count,) = cached._conn.execute("SELECT count(*) FROM terms").fetchone()
        assert count > 10
        assert _ids(cached.search("fillre"))


# --- snippets and highlights -----------------------------------------------------------


def test_snippet_is_one_line_around_the_match_with_exact_spans() -> None:
    before = "Lorem ipsum dolor sit amet.\n\n" * 20
    after = "\tConsectetur adipiscing elit.\n" * 20
    text = f"{before}The Immunoglobulin level rises; immunoglobulin falls.\n{after}"
    docs = [SearchDocument("long", "Immunoglobulin E", "", text)]
    with SearchIndex.build(docs + _filler()) as built:
        (hit,) = built.search("immunoglob")
    assert "\n" not in hit.snippet and "\t" not in hit.snippet and "  " not in hit.snippet
    assert hit.snippet.startswith("…") and hit.snippet.endswith("…")
    assert len(hit.snippet) <= 170
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["Immunoglobulin", "immunoglobulin"]
    assert [hit.title[s:e] for s, e in hit.title_spans] == ["Immunoglobulin"]
    one_line = " ".join(text.split())
    core = hit.snippet.strip("…")
    at = one_line.find(core)
    assert at > 0 and one_line[at - 1] == " " and one_line[at + len(core)] == " "  # whole words


def test_snippet_spans_for_accents_and_phrases(index: SearchIndex) -> None:
    (hit,) = index.search('"immune system" overreact')
    words = [hit.snippet[s:e] for s, e in hit.snippet_spans]
    assert words == ["immune system", "overreacts"]
    top = index.search("eczema")[0]
    assert top.id == "eczema"
    assert [top.title[s:e] for s, e in top.title_spans] == ["Eczéma"]


def test_short_text_snippet_is_whole_text(index: SearchIndex) -> None:
    (hit,) = index.search("lipid layer")
    assert hit.snippet == "A lipid layer and water; no other words here."
    assert [hit.snippet[s:e] for s, e in hit.snippet_spans] == ["lipid", "layer"]


def test_hit_in_path_only_still_has_a_snippet(index: SearchIndex) -> None:
    hits = index.search("dysregulation")
    assert _ids(hits) == ["immune"]
    assert hits[0].snippet.startswith("The immune system")


def _spanned(text: str, query: str) -> list[str]:
    return [text[start:end] for start, end in match_spans(text, query)]


def test_match_spans_case_accents_and_prefix() -> None:
    text = "Eczéma, ECZEMA and eczemas; not peczema."
    assert _spanned(text, "eczema") == ["Eczéma", "ECZEMA", "eczemas"]  # last term: prefix
    assert _spanned(text, "eczema ") == ["Eczéma", "ECZEMA", "eczemas"]
    assert _spanned(text, '"eczema"') == ["Eczéma", "ECZEMA"]  # closed phrase: exact
    assert _spanned(text, "ÉCZÉMA") == ["Eczéma", "ECZEMA", "eczemas"]


def test_match_spans_phrases_and_several_terms() -> None:
    text = "The immune system; an immune-system response. System immune."
    assert _spanned(text, '"immune system"') == ["immune system", "immune-system"]
    assert _spanned(text, "system immune") == [
        "immune",
        "system",
        "immune",
        "system",
        "System",
        "immune",
    ]
    assert _spanned(text, '"immune sys') == ["immune system", "immune-system"]


def test_match_spans_decomposed_accents_cover_the_whole_word() -> None:
    text = "Un e\u0301le\u0300ve et un élève, un cafe\u0301 noir."
    assert _spanned(text, "eleve") == ["e\u0301le\u0300ve", "élève"]
    assert _spanned(text, '"cafe"') == ["cafe\u0301"]  # the accent after the word too


def test_match_spans_right_to_left_and_empty() -> None:
    assert _spanned("نص عن الأكزيما", "الأكزيما") == ["الأكزيما"]
    assert match_spans("anything", "") == []
    assert match_spans("", "anything") == []
    assert match_spans("a + b", "+") == []


def test_highlights_still_work_without_fts5(monkeypatch: pytest.MonkeyPatch) -> None:
    table = search_query._FoldTable()

    def no_fts5(chars: list[str]) -> dict[int, list[str]]:
        raise sqlite3.OperationalError("no such module: fts5")

    monkeypatch.setattr(table, "_probe_tokens", no_fts5)
    monkeypatch.setattr(search_query, "_TABLE", table)
    assert _spanned("Un Élève, e\u0301le\u0300ve; ELEVES.", "eleve") == [
        "Élève",
        "e\u0301le\u0300ve",
        "ELEVES",
    ]


def test_match_spans_agrees_with_search_on_every_word() -> None:
    """Every indexed word is highlighted where search finds it, in several scripts."""
    text = "Straße İstanbul ŁÓDŹ Ἀθῆναι Москва 東京 naïve façade 2024 x²"
    with SearchIndex.build([SearchDocument("d", "T", "", text), *_filler()]) as built:
        for word in text.split():
            assert _ids(built.search(f'"{word}"')) == ["d"], word
            assert _spanned(text, f'"{word}"') == [word], word


# --- cache -----------------------------------------------------------------------------


def _documents_that_must_not_be_read() -> Iterator[SearchDocument]:
    raise AssertionError("the cached index should have been reused")
    yield  # pragma: no cover


def test_cache_is_written_and_reused(tmp_path: Path) -> None:
    first = SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="pack-1")
    assert not first.loaded_from_cache
    assert (tmp_path / "search-pack-1.sqlite3").is_file()
    assert list(tmp_path.iterdir()) == [tmp_path / "search-pack-1.sqlite3"]  # no temp left
    second = SearchIndex.build(
        _documents_that_must_not_be_read(), cache_dir=tmp_path, cache_key="pack-1"
    )
    assert second.loaded_from_cache
    assert second.search("immnue sys") == first.search("immnue sys") != []
    first.close()
    second.close()


def test_temp_file_left_by_a_killed_writer_is_removed(tmp_path: Path) -> None:
    old = tmp_path / ".search-k.sqlite3.abc123.tmp"
    young = tmp_path / ".search-k.sqlite3.def456.tmp"
    for leftover in (old, young):
        leftover.write_bytes(b"half a file")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k").close()
    assert not old.exists()
    assert young.exists()  # perhaps another process writing right now


def test_other_cache_key_builds_its_own_file(tmp_path: Path) -> None:
    SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="a").close()
    other = SearchIndex.build(DOCS[:1], cache_dir=tmp_path, cache_key="b/../../c")
    assert not other.loaded_from_cache
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "search-a.sqlite3",
        "search-b_.._.._c.sqlite3",
    ]
    other.close()


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 5000],
)
def test_corrupt_cache_is_rebuilt(tmp_path: Path, damage: bytes) -> None:
    path = tmp_path / "search-k.sqlite3"
    path.write_bytes(damage)
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as built:
        assert not built.loaded_from_cache
        assert _ids(built.search("filaggrin")) == ["barrier"]
    with SearchIndex.build(
        _documents_that_must_not_be_read(), cache_dir=tmp_path, cache_key="k"
    ) as again:
        assert again.loaded_from_cache


def test_truncated_cache_is_rebuilt(tmp_path: Path) -> None:
    SearchIndex.build(DOCS + _filler(200), cache_dir=tmp_path, cache_key="k").close()
    path = tmp_path / "search-k.sqlite3"
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as built:
        assert not built.loaded_from_cache
        assert _ids(built.search("filaggrin")) == ["barrier"]


def test_cache_with_damaged_pages_is_rebuilt(tmp_path: Path) -> None:
    SearchIndex.build(DOCS + _filler(300), cache_dir=tmp_path, cache_key="k").close()
    path = tmp_path / "search-k.sqlite3"
    data = bytearray(path.read_bytes())
    for start in range(len(data) // 4, len(data) * 3 // 4, 3 * 4096):
        data[start : start + 200] = b"\xa5" * 200  # header and meta page stay intact
    path.write_bytes(bytes(data))
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as built:
        assert not built.loaded_from_cache
        assert _ids(built.search("filaggrin")) == ["barrier"]


def test_cache_of_another_schema_version_is_rebuilt(tmp_path: Path) -> None:
    SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k").close()
    with sqlite3.connect(tmp_path / "search-k.sqlite3") as conn:
        conn.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    conn.close()
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as built:
        assert not built.loaded_from_cache
    with SearchIndex.build(DOCS, cache_dir=tmp_path, cache_key="k") as built:
        assert built.loaded_from_cache


def test_unwritable_cache_dir_still_builds(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    with SearchIndex.build(DOCS, cache_dir=blocker / "cache", cache_key="k") as built:
        assert not built.loaded_from_cache
        assert _ids(built.search("filaggrin")) == ["barrier"]


# --- threads and lifetime --------------------------------------------------------------


def test_built_in_a_worker_and_queried_from_main_thread() -> None:
    built: list[SearchIndex] = []
    worker = threading.Thread(target=lambda: built.append(SearchIndex.build(DOCS + _filler())))
    worker.start()
    worker.join()
    assert _ids(built[0].search("filaggrin")) == ["barrier"]
    built[0].close()


def test_concurrent_queries_from_several_threads(index: SearchIndex) -> None:
    failures: list[BaseException] = []

    def hammer() -> None:
        try:
            for _ in range(50):
                assert _ids(index.search("filaggrin")) == ["barrier"]
                assert "immune" in _ids(index.search("immnue"))
        except BaseException as exc:  # reported to the main thread below
            failures.append(exc)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_search_waits_for_the_connection_lock(index: SearchIndex) -> None:
    results: list[list[SearchHit]] = []
    with index._lock:  # as if the builder or another caller were using the connection
        searcher = threading.Thread(target=lambda: results.append(index.search("filaggrin")))
        searcher.start()
        searcher.join(timeout=0.3)
        assert searcher.is_alive() and results == []
    searcher.join()
    assert _ids(results[0]) == ["barrier"]


def test_search_after_close_finds_nothing() -> None:
    built = SearchIndex.build(DOCS)
    built.close()
    built.close()
    assert built.search("eczema") == []


def test_core_module_does_not_import_textual() -> None:
    import ast

    import reader.search
    import reader.search_query

    for module in (reader.search, reader.search_query):
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any(name.split(".")[0] == "textual" for name in imported)


def test_one_line_is_split_and_join_without_the_word_list() -> None:
    """Single-spacing runs a regex, not `" ".join(text.split())` (whose list of every
    word was most of a big section's index build): the same text for any white space."""
    import random

    from reader.search import _UNPRINTABLE, _WHITE_SPACE, one_line

    assert sorted(_WHITE_SPACE) == [code for code in range(0x110000) if chr(code).isspace()]
    spaces = [chr(code) for code in range(0x3100) if chr(code).isspace()]
    alphabet = [*spaces, *"ab c\t\n\x00\x1f\u2028é"]
    rng = random.Random(16)
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert one_line(text) == " ".join(_UNPRINTABLE.sub(" ", text).split()), repr(text)
