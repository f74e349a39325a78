"""One character searches section titles only (issue 21's load benchmark).

The first key of every search is a one-letter query. As a prefix of every word it matched
nearly every section: bm25 scored them all (~11 ms on the benchmark pack, ~160 ms with ten
readers typing on two cores) and the snippets lit up every word starting with the letter.
It now finds the sections whose titles start with it, in reading order; from two
characters on search is as before. The cost check counts SQLite VM steps, not time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import pytest

import reader.search as search
from reader.pack import load_pack
from reader.search import SearchDocument, SearchIndex, pack_documents, title_letter
from tests.conftest import run_reader_process, write_pack
from tests.perf.generate import generate_pack

# "q" and "z" are everywhere in the text; only some titles start with "q", none with "z".
_BODY = "Quick quorum quotes quietly quell quarrels; zebras zigzag, zealous and zany. "
DOCS = [
    SearchDocument("barrier", "Barrier basics", "", _BODY * 3 + "The barrier holds water."),
    SearchDocument("quiet", "Quiet skin", "Barrier basics", "Calm days. " + _BODY),
    SearchDocument("quality", "Itch and quality of life", "", _BODY),
    SearchDocument("eczema", "Éczema at night", "", "Scratching " + _BODY),
    SearchDocument("quoted", "“Quotes” from patients", "", "Patients said " + _BODY),
    SearchDocument("later-q", "Questions left", "", "Open ones. " + _BODY),
    SearchDocument("word-q", "The letter q", "", "A word of one letter: q. " + _BODY),
]


@pytest.fixture(scope="module")
def index() -> Iterator[SearchIndex]:
    built = SearchIndex.build(DOCS)
    yield built
    built.close()


@pytest.mark.parametrize(
    ("query", "letter"),
    [
        ("a", "a"),
        ("Q", "q"),
        ("é", "e"),  # folded as the index folds it
        ("1", "1"),
        ("a*", "a"),  # a star is a separator, not syntax
        (" a ", "a"),
        ('"a', "a"),  # a phrase being typed: its quote still open
        ('"a"', None),  # the word "a" itself, asked for: the text
        ("-", None),  # no word at all: nothing to search
        ("", None),
        ("ab", None),
        ("a b", None),  # two words: each narrows the other
        ("a-b", None),  # a phrase of two words
        ("病", None),  # one Chinese character is often a whole word: the text
        ("ア", None),  # Japanese katakana, wide
        ("ж", "ж"),  # Cyrillic, like Latin
    ],
)
def test_which_queries_search_titles_only(query: str, letter: str | None) -> None:
    assert title_letter(query) == letter


def test_one_letter_finds_titles_starting_with_it_in_reading_order(index: SearchIndex) -> None:
    hits = index.search("q")
    # Not "Itch and quality of life" (its first word is "Itch") nor "The letter q", though
    # every body is full of q-words.
    assert [hit.id for hit in hits] == ["quiet", "quoted", "later-q"]
    assert index.search("z") == [], "a letter only the text has finds nothing"
    assert [hit.id for hit in index.search("Q*")] == ["quiet", "quoted", "later-q"]
    assert [hit.id for hit in index.search("É")] == ["eczema"], "accents folded, any case"
    assert [hit.id for hit in index.search("q", limit=2)] == ["quiet", "quoted"]


def test_one_letter_highlights_the_title_only(index: SearchIndex) -> None:
    hits = {hit.id: hit for hit in index.search("q")}
    assert hits["quiet"].title_spans == ((0, len("Quiet")),)
    quoted = hits["quoted"]
    assert [quoted.title[start:end] for start, end in quoted.title_spans] == ["Quotes"]
    for hit in hits.values():
        assert hit.snippet_spans == (), "the snippet is not marked"
        assert hit.snippet.startswith(next(d.text for d in DOCS if d.id == hit.id)[:10])


def test_two_letters_search_the_text_again(index: SearchIndex) -> None:
    hits = index.search("qu")
    assert {hit.id for hit in hits} == {doc.id for doc in DOCS}, "every body has qu-words"
    assert all(hit.snippet_spans for hit in hits), "matches marked in the snippets"
    assert {hit.id for hit in index.search("za")} == {doc.id for doc in DOCS}
    word = index.search('"q"')  # the one-letter word itself, quoted: the text
    assert [hit.id for hit in word] == ["word-q"]


def _vm_steps(index: SearchIndex, run: Callable[[], object]) -> int:
    """SQLite virtual machine instructions executed on the index's connection by run()."""
    conn = index._conn
    assert conn is not None
    steps = 0

    def count() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(count, 1)
    try:
        run()
    finally:
        conn.set_progress_handler(None, 1)
    return steps


def _full_text_prefix(index: SearchIndex, letter: str) -> list[object]:
    """What a one-letter query ran before: a prefix of every word, every section scored."""
    conn = index._conn
    assert conn is not None
    return conn.execute(search._SEARCH_SQL, (f'"{letter}"*', 20)).fetchall()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SearchIndex]]:
    """Indexes of a benchmark-like pack and one four times larger, each with more than
    twenty titles starting with "a" and with "s"."""
    built = []
    for sections, size in [(600, 1_000_000), (2400, 4_000_000)]:
        folder = generate_pack(tmp_path_factory.mktemp(f"pack{sections}"), sections, 10, size)
        built.append(SearchIndex.build(list(pack_documents(load_pack(folder)))))
    yield built
    for each in built:
        each.close()


def test_one_letter_does_a_small_fraction_of_the_full_text_work(
    generated: list[SearchIndex],
) -> None:
    small, large = generated
    for letter in "as":
        titles_small = _vm_steps(small, partial(small.search, letter, limit=20))
        titles_large = _vm_steps(large, partial(large.search, letter, limit=20))
        full_small = _vm_steps(small, partial(_full_text_prefix, small, letter))
        full_large = _vm_steps(large, partial(_full_text_prefix, large, letter))
        assert len(small.search(letter, limit=20)) == 20, "enough titles to fill the list"
        # The full-text prefix scores nearly every section: its work grows with the pack.
        assert full_large > 3 * full_small
        # Titles in reading order stop at the limit: the same work on a pack four times
        # larger, and a small fraction of the full-text query's.
        assert titles_large < 1.5 * titles_small
        assert titles_large * 10 < full_large, (letter, titles_large, full_large)


def test_a_broken_index_finds_no_titles_and_raises_nothing() -> None:
    index = SearchIndex.build(DOCS)
    assert index.search("q")
    conn = index._conn
    assert conn is not None
    conn.execute("DROP TABLE fts")
    assert index.search("q") == []
    index.close()
    assert index.search("q") == []


def test_reader_search_says_one_letter_searches_titles(tmp_path: Path) -> None:
    pack = write_pack(
        tmp_path / "pack",
        {
            "01-skin.md": "# Skin\n\nStratum corneum and sebum.\n\n## Quiet nights\n\nSleep.\n",
            "02-itch.md": "# Itch\n\nScratching, and quite a lot of it.\n",
        },
    )
    one = run_reader_process("--no-state", "--search", "q", pack)
    assert one.returncode == 0, one.stderr
    assert [line for line in one.stdout.splitlines() if "[" in line] == [
        "Quiet nights  [quiet-nights]"
    ]
    assert one.stderr.count("\n") == 1, "said once"
    assert "titles only" in one.stderr and "'q'" in one.stderr
    none = run_reader_process("--no-state", "--search", "z", pack)
    assert none.returncode != 0 and none.stdout == ""
    assert "no title starts with 'z'" in none.stderr
    two = run_reader_process("--no-state", "--search", "qu", pack)
    assert two.returncode == 0 and two.stderr == ""
    assert [line for line in two.stdout.splitlines() if "[" in line] == [
        "Quiet nights  [quiet-nights]",
        "Itch  [itch]",
    ]
