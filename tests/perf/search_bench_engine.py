"""Benchmark the search engine on a generated pack-sized corpus; prints numbers, asserts none.

Run: python tests/perf/search_bench_engine.py [--megabytes 3.5] [--documents 2000] [--limit 100]
The corpus is English-like: a few thousand invented words drawn with Zipf frequencies,
some accented, so common words match most sections and rare ones a handful.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from reader.search import SearchDocument, SearchIndex

_ONSETS = ["b", "c", "d", "f", "g", "h", "l", "m", "n", "p", "r", "s", "t", "v", "st", "tr", "pl"]
_VOWELS = ["a", "e", "i", "o", "u", "ea", "io", "é", "ï"]
_CODAS = ["", "", "n", "r", "s", "l", "m", "t", "nd", "st", "x"]


def make_vocabulary(rng: random.Random, size: int) -> list[str]:
    """Distinct pronounceable words, short ones first so the common words are short."""
    words: set[str] = set()
    while len(words) < size:
        syllables = rng.choice([1, 2, 2, 3, 3, 4])
        word = "".join(
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS) for _ in range(syllables)
        )
        accented = "é" in word or "ï" in word
        if not accented or rng.random() < 0.1:  # a few accented words, as in real notes
            words.add(word)
    return sorted(words, key=lambda word: (len(word), word))


def make_corpus(
    rng: random.Random, vocabulary: list[str], documents: int, megabytes: float
) -> list[SearchDocument]:
    """Sections with Zipf-distributed words, headings and a two-level parent path."""
    weights = [1 / (rank + 1) ** 1.05 for rank in range(len(vocabulary))]
    budget = int(megabytes * 1_000_000)
    mean = budget / documents
    parents = [" ".join(rng.choices(vocabulary[200:], k=2)).title() for _ in range(40)]
    corpus = []
    for index in range(documents):
        size = max(80, int(rng.lognormvariate(0, 0.6) * mean * 0.76))
        words: list[str] = []
        length = 0
        while length < size:
            sentence = rng.choices(vocabulary, weights, k=rng.randint(6, 18))
            sentence[0] = sentence[0].capitalize()
            words.extend([*sentence[:-1], sentence[-1] + rng.choice([".", ".", ",", ";", "?"])])
            length += sum(len(word) + 1 for word in sentence)
        title = " ".join(rng.choices(vocabulary[100:], k=rng.randint(2, 5))).capitalize()
        parent = parents[index % len(parents)]
        path = parent if index % 3 else f"{parent} \u203a {rng.choice(parents)}"
        text = "\n\n".join(" ".join(words[i : i + 60]) for i in range(0, len(words), 60))
        corpus.append(SearchDocument(f"s{index}", title, path, text))
    return corpus


def make_queries(rng: random.Random, vocabulary: list[str], corpus: list[SearchDocument]) -> dict:
    """Query mixes by kind, drawn from the corpus so most of them find something."""

    def some_words(count: int) -> list[str]:
        doc = rng.choice(corpus).text.split()
        start = rng.randrange(max(1, len(doc) - count))
        return [word.strip(".,;?").lower() for word in doc[start : start + count]]

    def typo(word: str) -> str:
        at = rng.randrange(len(word))
        return word[:at] + rng.choice("aeioust") + word[at + 1 :] if len(word) > 4 else word + "e"

    kinds: dict[str, Callable[[], str]] = {
        "common word": lambda: rng.choice(vocabulary[:50]),
        "rare word": lambda: rng.choice(vocabulary[-2000:]),
        "prefix": lambda: rng.choice(vocabulary)[: rng.randint(2, 5)],
        "two terms": lambda: " ".join(some_words(2)[::-1]),
        "three terms": lambda: " ".join(rng.sample(some_words(12), 3)),
        "phrase": lambda: '"' + " ".join(some_words(rng.randint(2, 4))) + '"',
        "miss": lambda: "".join(rng.choices("bcdfghjklmnpqrstvwxz", k=7)),
        "typo": lambda: typo(rng.choice(vocabulary[-3000:])),
        "typo prefix": lambda: "".join(some_words(1)) + " " + typo(rng.choice(vocabulary))[:-1],
    }
    return {kind: [make() for _ in range(30)] for kind, make in kinds.items()}


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile, enough for a few hundred samples."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_queries(index: SearchIndex, queries: dict[str, list[str]], limit: int) -> None:
    """Print wall-clock p50/p95/max per kind and overall, plus CPU p95 (immune to a busy box)."""
    wall_all: list[float] = []
    cpu_all: list[float] = []
    print(f"{'kind':<14}{'n':>5}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'cpu p95':>9}{'hits':>7}")
    for kind, texts in queries.items():
        wall, cpu, found = [], [], 0
        for text in texts:
            started, cpu_started = time.perf_counter(), time.process_time()
            found += bool(index.search(text, limit=limit))
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        wall_all.extend(wall)
        cpu_all.extend(cpu)
        print(
            f"{kind:<14}{len(wall):>5}{percentile(wall, 0.5):>9.2f}{percentile(wall, 0.95):>9.2f}"
            f"{max(wall):>9.2f}{percentile(cpu, 0.95):>9.2f}{found:>7}"
        )
    print(
        f"{'ALL':<14}{len(wall_all):>5}{percentile(wall_all, 0.5):>9.2f}"
        f"{percentile(wall_all, 0.95):>9.2f}{max(wall_all):>9.2f}{percentile(cpu_all, 0.95):>9.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=3.5)
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--vocabulary", type=int, default=6000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--limit", type=int, default=100, help="hits per query (the app asks 100)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    vocabulary = make_vocabulary(rng, args.vocabulary)
    corpus = make_corpus(rng, vocabulary, args.documents, args.megabytes)
    size = sum(len(f"{doc.title}{doc.path}{doc.text}".encode()) for doc in corpus)
    print(f"corpus: {len(corpus)} documents, {size / 1e6:.2f} MB of UTF-8 text")
    queries = make_queries(rng, vocabulary, corpus)

    started = time.perf_counter()
    index = SearchIndex.build(corpus)
    print(f"build in memory:          {(time.perf_counter() - started) * 1000:8.1f} ms")
    time_queries(index, queries, args.limit)
    index.close()

    with tempfile.TemporaryDirectory() as cache_dir:
        started = time.perf_counter()
        SearchIndex.build(corpus, cache_dir=Path(cache_dir), cache_key="bench").close()
        print(f"build + write cache:      {(time.perf_counter() - started) * 1000:8.1f} ms")
        file = next(Path(cache_dir).glob("search-*.sqlite3"))
        print(f"cache file:               {file.stat().st_size / 1e6:8.2f} MB")
        started = time.perf_counter()
        cached = SearchIndex.build(iter(()), cache_dir=Path(cache_dir), cache_key="bench")
        elapsed = (time.perf_counter() - started) * 1000
        print(f"load from cache:          {elapsed:8.1f} ms (reused: {cached.loaded_from_cache})")
        time_queries(cached, queries, args.limit)
        cached.close()


if __name__ == "__main__":
    main()
