"""Fuzzing the search query parser (issue 21): any text a reader types is parsed without
an exception, and what `fts_expression` makes of it is never an FTS5 syntax error.

`SearchIndex.search` swallows `sqlite3.Error` (a bad query finds nothing rather than
crashing the pane), so a syntax error there would only show as a search that silently
finds nothing. These properties run the expression against a real FTS5 table with the
index's own tokenizer instead, where an error is an error. The highlighter must agree
with FTS5: a document FTS5 matches has each term highlighted somewhere in it.

CI runs a fixed, derandomized set; `python -m tests.fuzz N` runs each property with N
random examples.
"""

from __future__ import annotations

import sqlite3

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.search_query import (
    TOKENIZER,
    QueryTerm,
    Vocabulary,
    compile_matcher,
    find_spans,
    fts_expression,
    make_snippet,
    match_spans,
    parse_query,
)
from tests.hypothesis_ci import ci_settings

#: FTS5's syntax, typographic quotes, accents (composed and not), scripts without
#: spaces, and controls: everything that could be an operator or split a token oddly.
QUERY_PIECES = [
    '"',
    '""',
    "\u201c",
    "\u201d",
    "'",
    "(",
    ")",
    "*",
    "^",
    ":",
    "-",
    "+",
    "{",
    "}",
    ",",
    ".",
    "NEAR",
    "NEAR(",
    "AND",
    "OR",
    "NOT",
    "title:",
    "body:",
    "col",
    "a",
    "ab",
    "abc",
    "covid-19",
    "e\u0301",
    "\u00e9",
    "\u00df",
    "\u0130",
    "\ufb01",
    "\u6f22\u5b57",
    "\U0001f600",
    "\x00",
    "\x1b",
    "\ud800",
    "\u200b",
    "\t",
    "\n",
    " ",
    "  ",
]
QUERY = st.one_of(
    st.lists(st.sampled_from(QUERY_PIECES), max_size=30).map("".join),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=40),
    st.lists(st.one_of(st.sampled_from(QUERY_PIECES), st.text(max_size=4)), max_size=20).map(
        " ".join
    ),
)
#: Documents from a few words, so that queries of the same words often match.
WORDS = ["ab", "abc", "b", "covid", "19", "\u00e9t\u00e9", "ete", "\u00df", "NEAR", "x"]
DOCUMENT = st.lists(st.sampled_from([*WORDS, " ", "-", ", ", "\n", "(", '"']), max_size=20).map(
    "".join
)
WORD_QUERY = st.lists(st.sampled_from([*WORDS, " ", '"', "-", "*", "a", "e"]), max_size=8).map(
    "".join
)
VOCABULARY = st.lists(st.sampled_from(WORDS), max_size=8)

CI = ci_settings(400)


def _table() -> sqlite3.Connection:
    """An empty FTS5 table as the search index makes it (same tokenizer and columns)."""
    conn = sqlite3.connect(":memory:")
    conn.execute(f"CREATE VIRTUAL TABLE fts USING fts5(title, path, body, tokenize='{TOKENIZER}')")
    conn.execute(
        "INSERT INTO fts(rowid, title, path, body) VALUES (1, 'A title', 'A › path', "
        "'abc covid-19 \u00e9t\u00e9 NEAR the x')"
    )
    return conn


_SHARED: list[sqlite3.Connection] = []


def shared_table() -> sqlite3.Connection:
    """One table for every example (Hypothesis gives a test no fixture per example)."""
    if not _SHARED:
        _SHARED.append(_table())
    return _SHARED[0]


def match(expression: str) -> list[int]:
    rows = shared_table().execute("SELECT rowid FROM fts WHERE fts MATCH ?", (expression,))
    return [rowid for (rowid,) in rows]


@CI
@given(QUERY)
def test_no_query_makes_an_fts5_syntax_error(query: str) -> None:
    terms = parse_query(query)
    for term in terms:
        assert term.alternatives and all(term.alternatives), (query, terms)
        assert all(token and not token.isspace() for token in term.tokens), (query, terms)
    if terms:
        match(fts_expression(terms))  # raises sqlite3.OperationalError on bad syntax
    # The highlighter takes the same terms: it must compile and run too.
    spans = match_spans(query, query)
    assert all(0 <= start < end <= len(query) for start, end in spans), (query, spans)


@CI
@given(QUERY, VOCABULARY)
def test_a_typo_corrected_query_is_valid_fts5_too(query: str, vocabulary: list[str]) -> None:
    """`SearchIndex._correct` swaps a word that finds nothing for its neighbours in the
    index's vocabulary (or, for a prefix, for any one-edit variant that starts a word)."""
    words = Vocabulary({word.lower(): 1 for word in vocabulary})
    corrected = []
    for term in parse_query(query):
        options = words.suggest(term.tokens[0], prefix=term.prefix) if term.tokens else []
        alternatives = tuple((option,) for option in options) or term.alternatives
        corrected.append(QueryTerm(alternatives, term.prefix))
    if corrected:
        match(fts_expression(corrected))
        compile_matcher(tuple(corrected))


@CI
@given(DOCUMENT, WORD_QUERY)
def test_what_fts5_matches_the_highlighter_finds(document: str, query: str) -> None:
    terms = parse_query(query)
    if not terms:
        return
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute(f"CREATE VIRTUAL TABLE t USING fts5(body, tokenize='{TOKENIZER}')")
        conn.execute("INSERT INTO t(rowid, body) VALUES (1, ?)", (document,))
        found = conn.execute(
            "SELECT rowid FROM t WHERE t MATCH ?", (fts_expression(terms),)
        ).fetchall()
    finally:
        conn.close()
    spans = find_spans(document, compile_matcher(terms))
    if found:
        # Every term is in the document, so each is highlighted at least once.
        for term in terms:
            assert find_spans(document, compile_matcher((term,))), (document, query, term)
        assert spans, (document, query)
    snippet, inside = make_snippet(document.replace("\n", " "), iter(spans))
    assert all(0 <= start <= end <= len(snippet) for start, end in inside), (snippet, inside)


def test_the_shared_table_matches_a_plain_word_and_reports_bad_syntax() -> None:
    """The table the properties use answers queries and does raise on bad syntax (a
    property over a table that never complained would prove nothing)."""
    assert match(fts_expression(parse_query("ete covid"))) == [1]
    with pytest.raises(sqlite3.OperationalError):
        match('covid AND (NEAR "x')
