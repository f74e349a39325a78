"""Query parsing, folding and highlighting shared by the search index and the reading pane.

The user's text never reaches FTS5 as syntax: it is cut into terms here and every term is
quoted, so `NEAR`, `*`, `title:`, brackets and stray quotes are just words or separators.
Highlighting must agree with what FTS5 matched, so instead of guessing how SQLite's
`unicode61 remove_diacritics 2` tokenizer folds a character we ask it, once per distinct
character, through a tiny private FTS5 table. No Textual here.
"""

from __future__ import annotations

import bisect
import re
import sqlite3
import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "MAX_QUERY_CHARS",
    "MAX_TERMS",
    "SNIPPET_CHARS",
    "TOKENIZER",
    "QueryTerm",
    "Vocabulary",
    "compile_matcher",
    "edits1",
    "find_spans",
    "fold",
    "fts_expression",
    "iter_spans",
    "make_snippet",
    "match_spans",
    "parse_query",
]

TOKENIZER = "unicode61 remove_diacritics 2"
MAX_TERMS = 32  # tokens per query: more only slows FTS5 down without narrowing anything useful
MAX_QUERY_CHARS = 4000  # a pasted page is cut before parsing so it cannot cost much
SNIPPET_CHARS = 160
_SNIPPET_LEAD = 40  # context kept before the first match
_QUOTES = re.compile('["\u201c\u201d]')  # straight and typographic double quotes
_SURROGATE = re.compile("[\ud800-\udfff]")
_NON_ASCII_RUN = re.compile("([^\x00-\x7f]+)")

Span = tuple[int, int]


@dataclass(frozen=True)
class QueryTerm:
    """One required term: a word or a phrase (several spellings once typos are corrected).

    Each alternative is a tuple of folded tokens that must appear contiguously; `prefix`
    lets the last token match any word it starts (only for the query's last term).
    """

    alternatives: tuple[tuple[str, ...], ...]
    prefix: bool = False

    @property
    def tokens(self) -> tuple[str, ...]:
        """The tokens as the user typed them (the first alternative)."""
        return self.alternatives[0]


class _FoldTable(dict[int, str]):
    """Code point -> FTS5's folded form: one char, "" (dropped accent) or " " (separator)."""

    def __init__(self) -> None:
        super().__init__()
        self.irregular: set[str] = set()  # characters whose fold is not exactly one char
        self._lock = threading.Lock()
        self._probe: sqlite3.Connection | None = None
        self._ascii: bytes | None = None

    def ascii_table(self) -> bytes:
        """The ASCII part as a bytes.translate table: plain English folds ~50x faster."""
        if self._ascii is None:
            self.learn(chr(code) for code in range(128))
            folds = [self[code] for code in range(128)]
            usable = all(len(folded) == 1 and folded.isascii() for folded in folds)
            table = bytes(ord(folded) for folded in folds) + bytes(128)  # never used
            self._ascii = table if usable else b""
        return self._ascii

    def learn(self, chars: Iterable[str]) -> None:
        """Ask FTS5 how it tokenizes "a<char>b" for every character not seen before."""
        with self._lock:
            new = [ch for ch in chars if ord(ch) not in self]
            if not new:
                return
            try:
                tokens: dict[int, list[str]] | None = self._probe_tokens(new)
            except sqlite3.Error:  # no FTS5 in this SQLite: search is off, highlights guess
                tokens = None
            for i, ch in enumerate(new):
                folded = _guess_fold(ch) if tokens is None else _read_probe(tokens.get(i, []))
                if len(folded) != 1:
                    self.irregular.add(ch)
                self[ord(ch)] = folded

    def _probe_tokens(self, chars: list[str]) -> dict[int, list[str]]:
        """FTS5's tokens for "a<char>b", keyed by the character's position in chars."""
        if self._probe is None:
            probe = sqlite3.connect(":memory:", check_same_thread=False)
            probe.execute(f"CREATE VIRTUAL TABLE probe USING fts5(t, tokenize='{TOKENIZER}')")
            probe.execute(
                "CREATE VIRTUAL TABLE temp.probe_v USING fts5vocab(main, probe, instance)"
            )
            self._probe = probe
        self._probe.execute("DELETE FROM probe")  # in case an earlier probe failed midway
        rows = [(i, f"a{ch}b") for i, ch in enumerate(chars) if not _SURROGATE.match(ch)]
        self._probe.executemany("INSERT INTO probe(rowid, t) VALUES (?, ?)", rows)
        tokens: dict[int, list[str]] = {}
        for doc, term in self._probe.execute("SELECT doc, term FROM probe_v ORDER BY doc, offset"):
            tokens.setdefault(doc, []).append(term)
        return tokens


def _read_probe(found: list[str]) -> str:
    """One token "a?b" holds the character's fold; anything else means it separates."""
    if len(found) == 1 and found[0].startswith("a") and found[0].endswith("b"):
        return found[0][1:-1]  # a letter or digit, or "" for a dropped accent
    return " "


def _guess_fold(ch: str) -> str:
    """Without FTS5, approximate it: letters and digits, lowercased, accents dropped."""
    if unicodedata.combining(ch):
        return ""
    if not ch.isalnum():
        return " "
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    for candidate in (base.lower(), ch.lower()):
        if len(candidate) == 1:
            return candidate
    return ch


_TABLE = _FoldTable()


def fold(text: str) -> tuple[str, list[int] | None]:
    """Fold text as FTS5 does, separators becoming spaces; tokens are the runs of non-spaces.

    Returns the folded text and, when folding changed the length (decomposed accents,
    rare expansions), the original offset of every folded character plus a final one.
    """
    ascii_table = _TABLE.ascii_table()
    if text.isascii() and ascii_table:
        return text.encode("ascii").translate(ascii_table).decode("ascii"), None
    chars = set(text)
    if any(ord(ch) not in _TABLE for ch in chars):
        _TABLE.learn(chars)
    if _TABLE.irregular.isdisjoint(chars):
        if not ascii_table:
            return text.translate(_TABLE), None
        parts = _NON_ASCII_RUN.split(text)  # str.translate is slow: keep it off the ASCII
        parts[::2] = [part.encode("ascii").translate(ascii_table).decode() for part in parts[::2]]
        parts[1::2] = [part.translate(_TABLE) for part in parts[1::2]]
        return "".join(parts), None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, ch in enumerate(text):
        folded = _TABLE[ord(ch)]
        pieces.append(folded)
        offsets.extend([index] * len(folded))
    offsets.append(len(text))
    return "".join(pieces), offsets


def parse_query(query: str) -> tuple[QueryTerm, ...]:
    """Split user text into AND-ed terms; never fails, whatever the text.

    Double quotes group a phrase (an unclosed quote runs to the end, so a phrase being
    typed still matches); words joined by punctuation ("covid-19") form a phrase as FTS5
    would; the last term is a prefix unless it is a closed quoted phrase.
    """
    segments = _QUOTES.split(query[:MAX_QUERY_CHARS])
    unclosed = len(segments) % 2 == 0  # an odd number of quotes leaves the last one open
    terms: list[QueryTerm] = []
    budget = MAX_TERMS
    closed_last = False
    for index, segment in enumerate(segments):
        quoted = index % 2 == 1
        for chunk in [segment] if quoted else segment.split():
            tokens = tuple(fold(chunk)[0].split()[:budget])
            if not tokens:
                continue
            terms.append(QueryTerm((tokens,)))
            closed_last = quoted and not (unclosed and index == len(segments) - 1)
            budget -= len(tokens)
            if budget <= 0:
                break
        if budget <= 0:
            break
    if terms and not closed_last:
        terms[-1] = QueryTerm(terms[-1].alternatives, prefix=True)
    return tuple(terms)


def _fts_string(tokens: tuple[str, ...], prefix: bool) -> str:
    """An FTS5 string literal: quotes doubled, so its content can never be syntax."""
    quoted = '"' + " ".join(tokens).replace('"', '""') + '"'
    return quoted + "*" if prefix else quoted


def fts_expression(terms: Iterable[QueryTerm]) -> str:
    """The MATCH expression for terms: every term required, alternatives OR-ed."""
    parts = []
    for term in terms:
        options = [_fts_string(tokens, term.prefix) for tokens in term.alternatives]
        parts.append(options[0] if len(options) == 1 else "(" + " OR ".join(options) + ")")
    return " AND ".join(parts)


@lru_cache(maxsize=64)
def compile_matcher(terms: tuple[QueryTerm, ...]) -> re.Pattern[str] | None:
    """A regex over folded text finding every term, longest alternative first."""
    patterns = []
    for term in terms:
        for first, *rest in term.alternatives:
            # The word-start check comes after the first literal, as a fixed-width lookbehind,
            # so the regex engine can skip ahead to candidates (4-20x faster than before it).
            start = f"{re.escape(first)}(?<![^ ].{{{len(first)}}})"
            # Runs are taken possessively (a token never starts with a space), so a failed
            # phrase never retries each split of a long run of spaces.
            body = start + "".join(" ++" + re.escape(token) for token in rest)
            tail = "[^ ]*+" if term.prefix else "(?![^ ])"  # a prefix highlights the whole word
            patterns.append((len(" ".join((first, *rest))), body + tail))
    if not patterns:
        return None
    patterns.sort(key=lambda item: -item[0])
    return re.compile("|".join(pattern for _, pattern in patterns), re.DOTALL)


def iter_spans(
    text: str, matcher: re.Pattern[str] | None, folded: str | None = None
) -> Iterator[Span]:
    """Lazily yield [start, end) offsets in `text` of each match, left to right.

    `folded` is fold(text) computed earlier (the index stores it), when it kept the length.
    """
    if matcher is None or not text:
        return
    offsets = None
    if folded is None:
        folded, offsets = fold(text)
    for match in matcher.finditer(folded):
        start, end = match.span()
        if offsets is None:
            yield start, end
            continue
        last = offsets[end - 1] + 1
        while last < len(text) and _TABLE[ord(text[last])] == "":
            last += 1  # keep a trailing combining accent inside the highlight
        yield offsets[start], last


def find_spans(text: str, matcher: re.Pattern[str] | None) -> list[Span]:
    """Every non-overlapping match of a compiled matcher in `text`."""
    return list(iter_spans(text, matcher))


def match_spans(text: str, query: str) -> list[Span]:
    """Every match of `query` in `text`, with the same rules as search, in text order."""
    return find_spans(text, compile_matcher(parse_query(query)))


def make_snippet(
    text: str, spans: Iterator[tuple[int, int]]
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """About SNIPPET_CHARS of one-line text around the first match, cut at word breaks.

    `spans` is consumed lazily, only as far as the window: long sections stay cheap.
    """
    first = next(spans, None)
    first_start, first_end = first or (0, 0)
    start, end = 0, len(text)
    if end > SNIPPET_CHARS:
        start = max(0, min(first_start - _SNIPPET_LEAD, len(text) - SNIPPET_CHARS))
        if start > 0:
            space = text.find(" ", start, first_start)
            start = space + 1 if 0 <= space < start + 20 else start
        end = min(len(text), start + SNIPPET_CHARS)
        if end < len(text):
            space = text.rfind(" ", max(start, first_end), end + 1)
            end = space if space > end - 20 else end
    lead = "…" if start > 0 else ""
    snippet = lead + text[start:end] + ("…" if end < len(text) else "")
    shift = len(lead) - start
    inside = []
    if first is not None and first_end <= end:
        inside.append((first_start + shift, first_end + shift))
        for span_start, span_end in spans:
            if span_end > end:
                break
            inside.append((span_start + shift, span_end + shift))
    return snippet, tuple(inside)


class Vocabulary:
    """Indexed terms with their document counts, for one-typo corrections."""

    def __init__(self, counts: dict[str, int]) -> None:
        self._counts = counts
        self._sorted = sorted(counts)
        letters = Counter(ch for term in counts for ch in term)
        self._alphabet = "".join(ch for ch, _ in letters.most_common(64))

    def suggest(self, word: str, *, prefix: bool, limit: int = 5) -> list[str]:
        """Indexed words (or word starts, for a prefix) one edit away, most common first."""
        if not 3 <= len(word) <= 40:
            return []  # short words have too many neighbours; long ones are not typos
        weights: dict[str, int] = {}
        for variant in edits1(word, self._alphabet):
            if not prefix:
                if variant in self._counts:
                    weights[variant] = self._counts[variant]
            elif len(variant) >= 3:
                low = bisect.bisect_left(self._sorted, variant)
                high = bisect.bisect_left(self._sorted, variant + "\U0010ffff", lo=low)
                if high > low:
                    weights[variant] = high - low
        return sorted(weights, key=lambda term: (-weights[term], term))[:limit]


def edits1(word: str, alphabet: str) -> set[str]:
    """Every string one deletion, adjacent swap, replacement or insertion away from word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {left + right[1:] for left, right in splits if right}
    swaps = {left + right[1] + right[0] + right[2:] for left, right in splits if len(right) > 1}
    replaces = {left + ch + right[1:] for left, right in splits if right for ch in alphabet}
    inserts = {left + ch + right for left, right in splits for ch in alphabet}
    return (deletes | swaps | replaces | inserts) - {word}
