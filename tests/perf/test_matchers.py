"""The matchers `python -m tests.perf.matchers` compares find what the reader's finds:
otherwise its times would compare different work."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reader.glossary import TermMatcher
from tests.perf import matchers
from tests.perf.generate import generate_big_section, pick_glossary_terms

HAND_MADE = [
    ("IgE",),
    ("cell",),
    ("B cell",),
    ("allergy",),
    ("barrier lipid", "BL"),
    ("flux",),
    ("As",),
    ("stomach",),
    ("patch",),
]
TEXT = (
    "IgE and ige; cells, cellular, B cell, b cell, B\tcells; allergies; Barrier\n"
    "lipids and BL, bl; fluxes; influx; as As; stomachs, patches"
)


def reference_matchers(names: list[str]) -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = [
        ("alternation", matchers.alternation(names)),
        ("trie", matchers.trie_alternation(names)),
    ]
    if matchers.have_ahocorasick():
        found.append(("automaton", matchers.Automaton.build(names)))
    return found


def spans(matcher: object, text: str) -> list[tuple[int, int]]:
    if isinstance(matcher, matchers.Automaton):
        return matcher.scan(text)
    assert isinstance(matcher, re.Pattern)
    return matchers.scan_pattern(matcher, text)


def test_reference_matchers_follow_the_readers_rules() -> None:
    expected = matchers.term_matcher_spans(TermMatcher(HAND_MADE), TEXT)
    found = [TEXT[start:end] for start, end in expected]
    assert found == [
        *("IgE", "cells", "B cell", "cell", "B\tcells", "allergies", "Barrier\nlipids", "BL"),
        *("fluxes", "As", "stomachs", "patches"),
    ]
    names = [name for entry in HAND_MADE for name in entry]
    for label, matcher in reference_matchers(names):
        assert spans(matcher, TEXT) == expected, label


def test_reference_matchers_agree_on_a_generated_section(tmp_path: Path) -> None:
    text = generate_big_section(tmp_path, kb=20).read_text(encoding="utf-8")
    entries = pick_glossary_terms(text, 150)
    expected = matchers.term_matcher_spans(TermMatcher(entries), text)
    assert len(expected) > 100
    names = [name for entry in entries for name in entry]
    for label, matcher in reference_matchers(names):
        assert spans(matcher, text) == expected, label


def test_the_comparison_prints_every_matcher(capsys: pytest.CaptureFixture[str]) -> None:
    assert matchers.main(["--kb", "8", "--terms", "40", "--runs", "1", "--sizes", "10,60"]) == 0
    out = capsys.readouterr().out
    assert "| one compiled alternation |" in out and "| trie-shaped alternation |" in out
    assert ("| pyahocorasick" in out) == matchers.have_ahocorasick()
    assert "| 10 (" in out and "| 60 (" in out and "**no**" not in out
