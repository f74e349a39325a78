"""Glossary matchers compared on one 260 KB section (issue 18): `python -m tests.perf.matchers`.

    python -m tests.perf.matchers [--terms 500] [--kb 260] [--runs 7]

The issue asked for one pass per drawn block, by an Aho–Corasick automaton or one
compiled alternation, measured on 500 terms × a 260 KB section. This puts four matchers
on the same seeded section (`generate_big_section`) and the same seeded terms
(`pick_glossary_terms`: one to three words of that section, some capitalised, some with
an abbreviation in capitals): (a) one compiled alternation, (b) the alternation shaped
as a trie, (c) pyahocorasick when it is importable (not a dependency of the reader), and
(d) the reader's `TermMatcher`. Each is built and scanned several times; the medians are
printed with the hits each found, and whether they are the spans `TermMatcher` finds:
all four follow its rules (whole words, case-insensitive except words with a capital
inside, simple plurals, any white space between words, longest first, no overlaps), so
the times compare like with like. The generated names are words and single spaces, so
(a)–(c) handle only those.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import re
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.glossary import TermMatcher
from tests.perf.generate import generate_big_section, pick_glossary_terms

Span = tuple[int, int]
#: The glossary sizes `TermMatcher` is timed at besides the main comparison.
SCALING_TERMS = "10,100,500,2000"


def is_exact(word: str) -> bool:
    """As the reader decides: a capital after the first letter, or a word of one or two
    letters that starts with a capital (`B`, `As`)."""
    return any(character.isupper() for character in word[1:]) or (
        len(word) <= 2 and word[:1].isupper()
    )


def spellings(name: str) -> list[str]:
    """A name and its plurals by the reader's rule: `-es` after s, x, z, sh; both `-s`
    and `-es` after ch (stomachs, churches); `-ies` too after a consonant and `y`; `-s`
    otherwise; none when the last word is a letter or holds a digit."""
    last = name.rsplit(" ", 1)[-1]
    if len(last) < 2 or not last.isalpha():
        return [name]
    if last.endswith(("s", "x", "z", "sh")):
        return [name, name + "es"]
    if last.endswith("ch"):
        return [name, name + "s", name + "es"]
    if last.endswith("y") and last[-2].lower() not in "aeiou":
        return [name, name + "s", name[:-1] + "ies"]
    return [name, name + "s"]


def all_spellings(names: Iterable[str]) -> list[str]:
    return sorted({spelling for name in names for spelling in spellings(name)})


# --------------------------------------------------------------------------- (a) and (b)


def _word_pattern(word: str) -> str:
    """Compiled with IGNORECASE; a word written with a capital inside is matched as written."""
    return f"(?-i:{re.escape(word)})" if is_exact(word) else re.escape(word.lower())


def alternation(names: Iterable[str]) -> re.Pattern[str]:
    """(a) Every spelling, longest first, in one alternation between word boundaries."""
    branches = [
        r"\s+".join(_word_pattern(word) for word in spelling.split(" "))
        for spelling in sorted(all_spellings(names), key=len, reverse=True)
    ]
    return re.compile(r"(?<!\w)(?:" + "|".join(branches) + r")(?!\w)", re.IGNORECASE)


def trie_alternation(names: Iterable[str]) -> re.Pattern[str]:
    """(b) The same spellings as a trie, so the engine tries each shared prefix once:
    a letter of a case-insensitive word, a whole word written with a capital inside, or
    the white space between words is one step; optional groups are greedy, so a longer
    spelling wins over its prefix."""
    root: dict[str, Any] = {}
    for spelling in all_spellings(names):
        node = root
        for index, word in enumerate(spelling.split(" ")):
            steps = [_word_pattern(word)] if is_exact(word) else list(word.lower())
            for step in ([r"\s+"] if index else []) + steps:
                node = node.setdefault(re.escape(step) if len(step) == 1 else step, {})
        node[""] = {}

    def pattern(node: dict[str, Any]) -> str:
        branches = [step + pattern(child) for step, child in sorted(node.items()) if step]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return re.compile(r"(?<!\w)" + pattern(root) + r"(?!\w)", re.IGNORECASE)


def scan_pattern(pattern: re.Pattern[str], text: str) -> list[Span]:
    return [match.span() for match in pattern.finditer(text)]


# --------------------------------------------------------------------------- (c)

#: White space the automaton sees as the one space its keys hold.
_SPACES = str.maketrans(dict.fromkeys("\n\t\r\f\v", " "))


@dataclass
class Automaton:
    """(c) pyahocorasick over the lower-cased spellings; it finds every occurrence, even
    inside words, so the word boundaries, the words matched as written and the choice of
    the longest non-overlapping spans are Python's work after it. Its keys hold one space
    between words, so it misses words two spaces apart (the generated prose has none)."""

    automaton: Any

    @classmethod
    def build(cls, names: Iterable[str]) -> Automaton:
        automaton = importlib.import_module("ahocorasick").Automaton()
        for spelling in all_spellings(names):
            exact, offset = [], 0
            for word in spelling.split(" "):
                if is_exact(word):
                    exact.append((offset, word))
                offset += len(word) + 1
            automaton.add_word(spelling.lower(), (len(spelling), tuple(exact)))
        automaton.make_automaton()
        return cls(automaton)

    def scan(self, text: str) -> list[Span]:
        lowered = text.lower().translate(_SPACES)
        if len(lowered) != len(text):  # a letter whose lower case is longer: not in the test
            raise ValueError("lower-casing changed the text's length")
        size = len(text)
        candidates: list[Span] = []
        for last, (length, exact) in self.automaton.iter(lowered):
            start, end = last - length + 1, last + 1
            if start and (lowered[start - 1].isalnum() or lowered[start - 1] == "_"):
                continue
            if end < size and (lowered[end].isalnum() or lowered[end] == "_"):
                continue
            if any(text[start + at : start + at + len(word)] != word for at, word in exact):
                continue
            candidates.append((start, end))
        candidates.sort(key=lambda span: (span[0], -span[1]))
        found: list[Span] = []
        covered = 0
        for start, end in candidates:
            if start >= covered:
                found.append((start, end))
                covered = end
        return found


def have_ahocorasick() -> bool:
    return importlib.util.find_spec("ahocorasick") is not None


# --------------------------------------------------------------------------- timing


@dataclass
class Result:
    """One matcher's medians on one glossary."""

    name: str
    build_s: float
    scan_s: float
    blocks_s: float
    spans: list[Span]


def _median_time(action: Callable[[], object], runs: int) -> tuple[float, Any]:
    samples, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


def measure(
    name: str,
    build: Callable[[], Any],
    scan: Callable[[Any, str], list[Span]],
    text: str,
    blocks: Sequence[str],
    runs: int,
) -> Result:
    """Build time (the regex cache purged first, so a compile is a compile), then a
    scan of the whole text in one call and block by block, as the reader draws it."""

    def fresh() -> Any:
        re.purge()
        return build()

    build_s, matcher = _median_time(fresh, runs)
    scan_s, spans = _median_time(lambda: scan(matcher, text), runs)
    blocks_s, _ = _median_time(lambda: [scan(matcher, block) for block in blocks], runs)
    return Result(name, build_s, scan_s, blocks_s, spans)


def term_matcher_spans(matcher: TermMatcher, text: str) -> list[Span]:
    return [(start, end) for start, end, _ in matcher.find(text)]


def compare(
    text: str, entries: Sequence[tuple[str, ...]], runs: int, with_automaton: bool = True
) -> list[Result]:
    """(a)–(d) on one text and one glossary; (c) only when asked and importable."""
    names = [name for entry in entries for name in entry]
    blocks = text.split("\n\n")
    TermMatcher([("warm",)]).find("warm up the reader's word pattern")
    results = [
        measure(
            "one compiled alternation", lambda: alternation(names), scan_pattern, text, blocks, runs
        ),
        measure(
            "trie-shaped alternation",
            lambda: trie_alternation(names),
            scan_pattern,
            text,
            blocks,
            runs,
        ),
    ]
    if with_automaton and have_ahocorasick():
        results.append(
            measure(
                "pyahocorasick + checks in Python",
                lambda: Automaton.build(names),
                lambda automaton, part: automaton.scan(part),
                text,
                blocks,
                runs,
            )
        )
    results.append(
        measure(
            "reader TermMatcher",
            lambda: TermMatcher(entries),
            term_matcher_spans,
            text,
            blocks,
            runs,
        )
    )
    return results


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def comparison_table(results: list[Result]) -> str:
    reference = set(results[-1].spans)
    lines = [
        "| matcher | build | scan, one call | scan, block by block | hits "
        "| same spans as TermMatcher |",
        "|---|---|---|---|---|---|",
    ]
    for result in results:
        differ = len(set(result.spans) ^ reference)
        same = "yes" if not differ else f"**no** ({differ} differ)"
        lines.append(
            f"| {result.name} | {_ms(result.build_s)} | {_ms(result.scan_s)} | "
            f"{_ms(result.blocks_s)} | {len(result.spans):,} | {same} |"
        )
    return "\n".join(lines)


def scaling_table(
    text: str, entries: Sequence[tuple[str, ...]], sizes: Sequence[int], runs: int
) -> str:
    """`TermMatcher` at each of `sizes` terms (the first n of the same terms)."""
    blocks = text.split("\n\n")
    lines = [
        "| terms (names) | build | scan, one call | scan, block by block | hits |",
        "|---|---|---|---|---|",
    ]
    for count in sizes:
        chosen = entries[:count]
        names = sum(len(entry) for entry in chosen)

        def build(chosen: Sequence[tuple[str, ...]] = chosen) -> TermMatcher:
            return TermMatcher(chosen)

        result = measure("", build, term_matcher_spans, text, blocks, runs)
        lines.append(
            f"| {count:,} ({names:,}) | {_ms(result.build_s)} | {_ms(result.scan_s)} | "
            f"{_ms(result.blocks_s)} | {len(result.spans):,} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tests.perf.matchers",
        description="Glossary matchers on one generated section: build and scan medians.",
    )
    parser.add_argument("--terms", type=int, default=500, help="glossary terms (default 500)")
    parser.add_argument("--kb", type=int, default=260, help="section size in KB (default 260)")
    parser.add_argument("--runs", type=int, default=7, help="runs per median (default 7)")
    parser.add_argument(
        "--sizes",
        default=SCALING_TERMS,
        help=f"glossary sizes TermMatcher is also timed at (default {SCALING_TERMS})",
    )
    args = parser.parse_args(argv)
    runs = max(1, args.runs)
    sizes = [int(size) for size in args.sizes.split(",")]
    with tempfile.TemporaryDirectory(prefix="reader-matchers-") as folder:
        text = generate_big_section(Path(folder), kb=args.kb).read_text(encoding="utf-8")
    entries = pick_glossary_terms(text, max(args.terms, *sizes))
    chosen = entries[: args.terms]
    names = sum(len(entry) for entry in chosen)
    words = sum(len(name.split()) for entry in chosen for name in entry)
    print(
        f"section: {len(text.encode()) / 1024:.0f} KB, {len(text.split(chr(10) * 2)):,} blocks; "
        f"glossary: {len(chosen):,} terms, {names:,} names ({words / names:.1f} words each); "
        f"median of {runs} runs\n"
    )
    if not have_ahocorasick():
        print("note: pyahocorasick is not installed (not a dependency): (c) skipped\n")
    print(comparison_table(compare(text, chosen, runs)))
    print(f"\nTermMatcher by glossary size ({args.kb} KB section):\n")
    print(scaling_table(text, entries, sizes, runs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
