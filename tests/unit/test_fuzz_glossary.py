"""Fuzzing the glossary parser (issue 21): any definition-list-ish text is parsed without
an exception, every entry it returns has a term and names to find it by, and every
problem names a line of the file.

tests/unit/test_glossary.py holds the parser to the reading pane on documents of whole
glossary-like lines; these examples are rougher: lines cut and joined from markers,
aliases, parentheses, front matter, fences and arbitrary text, then looked up and matched
as the app does.

CI runs a fixed, derandomized set; `python -m tests.fuzz N` runs each property with N
random examples.
"""

from __future__ import annotations

import operator
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader.files import PackFile
from reader.glossary import Glossary, fold, names_of, parse_glossary
from tests.hypothesis_ci import ci_settings

LINE_STARTS = [
    "",
    ": ",
    ":",
    ":\t",
    "~ ",
    "   : ",
    "    : ",
    "  ",
    "    ",
    "\t",
    "- ",
    "1. ",
    "> ",
    "# ",
    "```",
    "~~~",
    "---",
    "***",
    "| ",
    "<div>",
    "<!-- ",
    "[^1]: ",
    "[a]: ",
]
LINE_BODIES = [
    "",
    "Term",
    "Immunoglobulin E (IgE)",
    "Atopic dermatitis (AD, atopic eczema)",
    "Hanifin–Rajka criteria (1980)",
    "B cell (B lymphocyte)",
    "(only a parenthesis)",
    "()",
    "(,;)",
    "Aliases: a, b",
    "*Aliases:* x; y",
    "also called: ",
    "Also known as: ,,,",
    "glossary: true",
    "glossary: false",
    "A definition.",
    "*emphasis* and `code`",
    "[link](other.md)",
    "term[^1]",
    "[^",
    ".*",
    "C++",
    "IL-13",
    "caf\u00e9",
    "cafe\u0301",
    "\u200d",
    "x" * 130,
    " word " * 15,
    "|",
    ":",
    "\\",
    "<b>bold</b>",
]
LINE = st.one_of(
    st.builds(operator.add, st.sampled_from(LINE_STARTS), st.sampled_from(LINE_BODIES)),
    st.text(max_size=20),
)
GLOSSARY_TEXT = st.lists(LINE, max_size=24).map("\n".join)
GLOSSARY_FILES = st.lists(GLOSSARY_TEXT, min_size=1, max_size=3)
PROSE = st.text(max_size=60)
TERM_LINE = st.one_of(st.text(max_size=40), st.lists(st.sampled_from(LINE_BODIES)).map(" ".join))

CI = ci_settings(400)


@CI
@given(GLOSSARY_TEXT)
def test_every_entry_has_a_term_and_every_problem_a_line(text: str) -> None:
    entries, problems = parse_glossary(text, "glossary.md")
    line_count = text.count("\n") + 1
    for entry in entries:
        assert entry.term and entry.term == entry.term.strip(), (text, entry)
        assert entry.names and all(name.strip() for name in entry.names), (text, entry)
        assert 1 <= entry.line <= line_count, (text, entry, entry.line)
        assert entry.path == "glossary.md"
    for problem in problems:
        assert problem.path == "glossary.md" and problem.message, (text, problem)
        assert 0 <= problem.line <= line_count, (text, problem)


@CI
@given(GLOSSARY_FILES, PROSE)
def test_a_glossary_of_any_files_looks_up_and_marks_its_own_terms(
    texts: list[str], prose: str
) -> None:
    files = [
        PackFile(Path(f"g{index}.md"), f"g{index}.md", Path(f"/pack/g{index}.md"), text + "\n")
        for index, text in enumerate(texts)
    ]
    glossary = Glossary(files)
    entries = glossary.entries
    assert isinstance(glossary.problems, list)
    for index, entry in enumerate(entries):
        for name in entry.names:
            # A name is found by any case of it, and names the entry that owns it.
            assert glossary.index_of(name) == index, (texts, entry, name)
            assert glossary.index_of(f"  {name.swapcase()} ") is not None or fold(name) != fold(
                name.swapcase()
            )
        glossary.suggestions(entry.term)
    text = " ".join([prose, *(name for entry in entries for name in entry.names)])
    covered = 0
    for start, end, entry_index in glossary.matcher.find(text):
        assert covered <= start < end <= len(text), (texts, text)
        assert 0 <= entry_index < len(entries)
        covered = end
    usage = glossary.usage([("s", text)])
    assert len(usage) == len(entries)


@CI
@given(TERM_LINE)
def test_names_of_any_term_line_are_non_empty(term: str) -> None:
    for name in names_of(term):
        assert name and name == name.strip(), (term, name)
