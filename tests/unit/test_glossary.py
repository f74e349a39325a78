"""The glossary (issue 18) without an app: its parser, the matcher that finds the terms in
text, and the marks the drawing pipeline puts on each term's first use.

`parse_glossary` reads a file with markdown-it's block rules only (so the reader can mark
terms without parsing every definition's inline Markdown); the reading pane draws the same
file with the full parser. Every case here, and a Hypothesis property over documents made
of glossary-like lines, holds the two to the same terms. The matcher's speed is judged as
tests/unit/test_redos.py judges linear time: a ratio of CPU times measured in the same
test, not seconds.
"""

from __future__ import annotations

import gc
import itertools
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

import reader.glossary as glossary_module
from reader.files import PackFile
from reader.glossary import (
    Glossary,
    TermMatcher,
    build_glossary,
    fold,
    is_glossary_file,
    names_of,
    parse_glossary,
    prose_text,
)
from reader.markdown import inline_token_text, markdown_parser
from reader.pack import load_pack
from reader.render.blocks import BuildContext
from reader.render.document import RenderedDocument, chunks
from reader.render.draw import BlockRenderer, RenderStyles

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_GLOSSARY = REPO_ROOT / "content" / "glossary.md"


# --- helpers -------------------------------------------------------------------------


def pack_file(text: str, relative: str = "glossary.md") -> PackFile:
    """A pack file as `load_pack` makes one: its text ends with a line end."""
    return PackFile(Path(relative), relative, Path("/pack") / relative, text)


def glossary_of(*files: tuple[str, str]) -> Glossary:
    """The glossary of `(relative path, text)` files, each taken as a glossary file."""
    return Glossary([pack_file(text, relative) for relative, text in files])


def parsed_names(text: str) -> list[list[str]]:
    entries, _ = parse_glossary(text, "glossary.md")
    return [list(entry.names) for entry in entries]


def drawn_terms(text: str) -> list[str]:
    """The terms of the definition lists the reading pane draws (the full parser, inline
    parse and all), as `parse_glossary` writes them: what must agree with the glossary."""
    lines = text.split("\n")
    start = glossary_module.front_matter_end(lines)
    tokens = markdown_parser().parse("\n".join([""] * start + lines[start:]))
    terms: list[str] = []
    in_definition = 0  # a list inside a definition is the definition's, not a term
    for index, token in enumerate(tokens):
        in_definition += {"dd_open": 1, "dd_close": -1}.get(token.type, 0)
        if token.type == "dt_open" and not in_definition:
            terms.append(" ".join(inline_token_text(tokens[index + 1]).split()))
    return terms


def parsed_terms(text: str) -> list[str]:
    entries, _ = parse_glossary(text, "glossary.md")
    return [entry.term for entry in entries]


def found(names: Sequence[str | Sequence[str]], text: str) -> list[tuple[str, int]]:
    """What the matcher of `names` (a name, or the names of one entry) finds in `text`:
    each span's text and entry index."""
    matcher = TermMatcher([[name] if isinstance(name, str) else name for name in names])
    return [(text[start:end], entry) for start, end, entry in matcher.find(text)]


class Drawn:
    """A piece of Markdown as the reading pane draws it, with its term marks."""

    def __init__(self, markdown: str, glossary: Glossary | None, width: int = 80) -> None:
        self.context = BuildContext(glossary=glossary)
        renderer = BlockRenderer(Console(width=200), RenderStyles())
        document = RenderedDocument(markdown, renderer, width, self.context)
        document.fill()
        self.lines = [line.rstrip() for line in document.plain_lines()]
        self.spots = [spot for spot in document.items if spot.kind == "term"]

    @property
    def marks(self) -> list[tuple[str, int]]:
        """Each term mark: the words it covers and the glossary entry (names index)."""
        return [
            (self.lines[spot.line][spot.start : spot.end], self.context.terms[spot.number])
            for spot in self.spots
        ]


GLOSSARY = """\
# Glossary

Immunoglobulin E (IgE)
: The antibody class behind allergy.

Keratin
: A tough protein of the skin.

B cell (B lymphocyte)
: A white blood cell that makes antibodies.

Janus kinase (JAK)
: An enzyme inside cells.

JAK inhibitor
: A medicine that blocks Janus kinases.
"""
IGE, KERATIN, B_CELL, JAK, JAK_INHIBITOR = range(5)


@pytest.fixture(scope="module")
def small_glossary() -> Glossary:
    return glossary_of(("glossary.md", GLOSSARY))


# --- 1. the parser -------------------------------------------------------------------


def test_a_parenthesis_gives_the_abbreviation_as_a_second_name() -> None:
    entries, problems = parse_glossary(
        "Immunoglobulin E (IgE)\n: The antibody class behind allergy.\n", "glossary.md"
    )
    assert problems == []
    [entry] = entries
    assert entry.names == ("Immunoglobulin E", "IgE")
    assert entry.term == "Immunoglobulin E (IgE)"
    assert entry.aliases == ("IgE",)
    assert entry.definition == "The antibody class behind allergy."
    assert (entry.path, entry.line) == ("glossary.md", 1)


def test_a_parenthesis_may_list_several_names() -> None:
    assert names_of("Atopic dermatitis (AD, atopic eczema)") == [
        "Atopic dermatitis",
        "AD",
        "atopic eczema",
    ]
    assert parsed_names("Atopic dermatitis (AD, atopic eczema)\n: Eczema.\n") == [
        ["Atopic dermatitis", "AD", "atopic eczema"]
    ]


def test_a_year_in_parentheses_is_not_a_name() -> None:
    assert names_of("Hanifin–Rajka criteria (1980)") == ["Hanifin–Rajka criteria"]
    [names] = parsed_names("Hanifin–Rajka criteria (1980)\n: Criteria.\n")
    assert not any("1980" in name for name in names), names


def test_a_term_in_markup_is_named_by_its_words() -> None:
    assert parsed_names("**Immunoglobulin E** (*IgE*)\n: Antibody.\n") == [
        ["Immunoglobulin E", "IgE"]
    ]


@pytest.mark.parametrize(
    "aliases_line",
    [
        ": Aliases: atopic, atopics",
        ": *Aliases:* atopic; atopics",
        ": Also called: atopic, atopics",
    ],
)
def test_an_aliases_line_adds_names_and_is_not_part_of_the_definition(aliases_line: str) -> None:
    text = f"Atopy\n: An inherited tendency to allergy.\n{aliases_line}\n"
    entries, problems = parse_glossary(text, "glossary.md")
    assert problems == []
    [entry] = entries
    assert entry.names == ("Atopy", "atopic", "atopics")
    assert entry.definition == "An inherited tendency to allergy."


def test_an_aliases_line_ends_at_its_line_end() -> None:
    """A line after `: Aliases:` (no blank line between) continues the paragraph in
    Markdown, but it is not part of the last name."""
    text = "Atopy\n: An inherited tendency.\n: Aliases: atopic\nsee also allergy\n"
    [entry] = parse_glossary(text, "glossary.md")[0]
    assert not any("\n" in name for name in entry.names), entry.names
    assert entry.names[:2] == ("Atopy", "atopic")


def test_a_definition_keeps_its_paragraphs_markdown_and_links() -> None:
    text = (
        "Filaggrin\n"
        ": A **skin barrier** protein; see [the barrier](05-skin.md#filaggrin).\n"
        "\n"
        "    A second paragraph with `code` and *emphasis*.\n"
        "\n"
        "    - a list item\n"
        ": A second definition.\n"
    )
    [entry] = parse_glossary(text, "glossary.md")[0]
    # Each line as written; its indent under the `:` marker is the definition's own.
    assert [line.strip() for line in entry.definition.split("\n")] == [
        "A **skin barrier** protein; see [the barrier](05-skin.md#filaggrin).",
        "",
        "A second paragraph with `code` and *emphasis*.",
        "",
        "- a list item",
        "",
        "A second definition.",
    ]
    from reader.markdown import parse

    blocks = [token.type for token in parse(entry.definition) if token.nesting == 1]
    assert (
        blocks
        == ["paragraph_open"] * 2 + ["bullet_list_open", "list_item_open"] + ["paragraph_open"] * 2
    ), entry.definition


def test_front_matter_is_skipped_and_lines_are_numbered_as_in_the_file() -> None:
    text = "---\ntitle: Words\nglossary: true\n---\n\nAllergen\n: A trigger.\n"
    [entry] = parse_glossary(text, "words.md")[0]
    assert (entry.term, entry.line, entry.definition) == ("Allergen", 6, "A trigger.")


@pytest.mark.parametrize(
    ("relative", "text", "expected"),
    [
        ("glossary.md", "Term\n: def\n", True),
        ("notes/glossary.md", "Term\n: def\n", True),
        ("notes/Glossary.md", "Term\n: def\n", True),
        ("words.md", "---\nglossary: true\n---\n\nTerm\n: def\n", True),
        ("words.md", "---\ntitle: Words\nglossary: yes  # a comment\n---\n\nTerm\n: def\n", True),
        ("words.md", "---\nglossary: false\n---\n\nTerm\n: def\n", False),
        ("words.md", "---\ntitle: glossary\n---\n\nTerm\n: def\n", False),
        ("words.md", "Term\n: def\n\nglossary: true\n", False),
        ("my-glossary.md", "Term\n: def\n", False),
    ],
)
def test_which_files_are_glossaries(relative: str, text: str, expected: bool) -> None:
    assert is_glossary_file(pack_file(text, relative)) is expected


def test_a_pack_finds_its_glossary_files_in_subfolders_and_by_front_matter(
    make_pack: Callable[[Path, dict[str, str]], Path], tmp_path: Path
) -> None:
    root = make_pack(
        tmp_path,
        {
            "01-a.md": "# A\n\nKeratin and IgE.\n",
            "extra/glossary.md": "# More\n\nKeratin\n: A protein.\n",
            "words.md": "---\nglossary: true\n---\n\n# Words\n\nIgE\n: An antibody.\n",
            "notes.md": "---\nglossary: false\n---\n\n# Notes\n\nAllergen\n: Not a glossary.\n",
        },
    )
    pack = load_pack(root)
    assert pack.glossary.files == {"extra/glossary.md", "words.md"}
    assert pack.glossary.names == [("Keratin",), ("IgE",)]
    assert pack.glossary.lookup("allergen") is None
    in_glossary = {section.title: pack.in_glossary(section) for section in pack.sections}
    assert {title: in_glossary[title] for title in ("A", "More", "Words", "Notes")} == {
        "A": False,
        "More": True,
        "Words": True,
        "Notes": False,
    }


@pytest.mark.parametrize("marker", [":", "~", ":   "])
def test_a_term_whose_definition_line_is_empty_is_reported_with_file_and_line(
    marker: str,
) -> None:
    text = f"Alpha\n: first\n\nEmpty\n{marker}\n\nBeta\n: second\n"
    entries, problems = parse_glossary(text, "words/glossary.md")
    assert [entry.names for entry in entries] == [("Alpha",), ("Beta",)]
    reported = [(p.path, p.line, p.severity) for p in problems if "Empty" in p.message]
    assert reported == [("words/glossary.md", 4, "error")], problems
    assert "empty definition" in problems[0].message


def test_a_glossary_file_without_a_definition_list_is_reported() -> None:
    entries, problems = parse_glossary("# Glossary\n\nJust prose, no terms.\n", "glossary.md")
    assert entries == []
    [problem] = problems
    assert problem.path == "glossary.md" and problem.severity == "error"
    assert "no definition list" in problem.message


@pytest.mark.parametrize(
    ("files", "duplicate", "first_at", "second_at"),
    [
        ([("glossary.md", "IgE\n: first\n\nIgE\n: second\n")], "IgE", "glossary.md:1", 4),
        (
            [("glossary.md", "IgE\n: first\n"), ("more/glossary.md", "\nIgE\n: second\n")],
            "IgE",
            "glossary.md:1",
            2,
        ),
        (
            [("glossary.md", "Keratin\n: first\n\nkeratin\n: second\n")],
            "keratin",
            "glossary.md:1",
            4,
        ),
        (
            [("glossary.md", "Immunoglobulin E (IgE)\n: first\n\nIgE\n: second\n")],
            "IgE",
            "glossary.md:1",
            4,
        ),
        (
            [("glossary.md", "Atopy\n: first\n: Aliases: atopic\n\natopic\n: second\n")],
            "atopic",
            "glossary.md:1",
            5,
        ),
    ],
    ids=["same-file", "two-files", "case-only", "alias-of-another", "aliases-line"],
)
def test_a_name_defined_twice_is_reported_with_both_places_and_the_first_wins(
    files: list[tuple[str, str]], duplicate: str, first_at: str, second_at: int
) -> None:
    glossary = glossary_of(*files)
    twice = [problem for problem in glossary.problems if "defined twice" in problem.message]
    assert len(twice) == 1, glossary.problems
    [problem] = twice
    second_path = files[-1][0]
    assert (problem.path, problem.line, problem.severity) == (second_path, second_at, "error")
    assert f"'{duplicate}'" in problem.message and f"(first at {first_at})" in problem.message
    entry = glossary.lookup(duplicate)
    assert entry is not None and entry.definition == "first"
    # The line scan's names agree: the name is the first entry's only.
    assert glossary.names == [entry.names for entry in glossary.entries]
    assert sum(fold(duplicate) in map(fold, names) for names in glossary.names) == 1


def test_lookup_ignores_case_spacing_dashes_and_composition() -> None:
    glossary = glossary_of(
        ("glossary.md", "Hanifin–Rajka criteria\n: Criteria.\n\nCafé au lait\n: A colour.\n")
    )
    for name in (
        "hanifin-rajka CRITERIA",
        "  Hanifin\u2011Rajka   criteria ",
        "Hanifin—Rajka criteria",
    ):
        entry = glossary.lookup(name)
        assert entry is not None and entry.term == "Hanifin–Rajka criteria", name
    entry = glossary.lookup(unicodedata.normalize("NFD", "CAFÉ AU LAIT"))
    assert entry is not None and entry.term == "Café au lait"
    assert glossary.defines("café au lait") and not glossary.defines("cafe au lait")
    assert fold("Hanifin–Rajka") == fold("hanifin-rajka") == "hanifin-rajka"


# --- 2. the glossary's terms are the terms the reading pane draws ---------------------


def test_the_glossary_names_what_the_reading_pane_draws_on_the_default_pack() -> None:
    text = DEFAULT_GLOSSARY.read_text(encoding="utf-8")
    parsed = parsed_names(text)
    assert len(parsed) >= 35
    assert parsed_terms(text) == drawn_terms(text)
    pack = load_pack(REPO_ROOT / "content")
    glossary = pack.glossary
    assert glossary.names == [entry.names for entry in glossary.entries]
    assert glossary.problems == []


TRICKY = {
    "fenced-code-holds-a-term": "Alpha\n: a\n\n```\nNot a term\n: no\n```\n\nBeta\n: b\n",
    "tilde-fence-holds-a-term": "~~~\nNot a term\n: no\n~~~\n\nAlpha\n: a\n",
    "long-fence-holds-a-short-one": "````\n```\nNo\n: no\n```\nCode\n: no\n````\n\nAlpha\n: a\n",
    "loose-blank-between-term-and-definition": "Alpha\n\n: a\n\nBeta\n\n: b\n",
    "continuation-paragraphs": "Alpha\n: a\n\n    more of a\n\n    and more\n\nBeta\n: b\n",
    "continuation-with-tab": "Alpha\n: a\n\n\tmore of a\n\nBeta\n: b\n",
    "lazy-continuation": "Alpha\n: a\nlazy line\n\nBeta\n: b\n",
    "tight-list": "Alpha\n: a\nBeta\n: b\nGamma\n~ c\n",
    "tilde-markers": "Alpha\n~ a\n~ Aliases: al\n\nBeta\n~ b\n",
    "tab-after-marker": "Alpha\n:\ta\n\nBeta\n~\tb\n",
    "tab-indented-term": "\tIndented code\n: not a term\n\nAlpha\n: a\n",
    "colon-without-space": "Alpha\n:a\n\nBeta\n: b\n",
    "several-definitions": "Alpha\n: one\n: two\n\n: three\n\nBeta\n: b\n",
    "list-then-term": "- item\n\nAlpha\n: a\n",
    "paragraph-then-term": "Some prose.\n\nAlpha\n: a\n",
    "prose-line-is-not-a-term": "Some prose\nAlpha\n: a\n",
    "table-then-term": "| a |\n|---|\n| b |\n\nAlpha\n: a\n",
    "aliases-with-markup": "Alpha\n: a\n: *Aliases:* al, be\n",
    "term-after-a-heading": "# Glossary\nAlpha\n: a\n",
    "term-after-a-setext-heading": "Glossary\n========\nAlpha\n: a\n",
    "term-after-a-closing-fence": "```\ncode\n```\nAlpha\n: a\n",
    "term-after-a-thematic-break": "***\nAlpha\n: a\n",
    "term-after-an-html-comment": "<!-- terms -->\nAlpha\n: a\n",
    "term-after-a-link-definition": "[home]: https://example.org\nAlpha\n: a\n",
    "term-after-indented-code": "    code\nAlpha\n: a\n",
    "html-comment-between-entries": "Alpha\n: a\n\n<!-- next -->\nBeta\n: b\n",
    "definition-of-spaces-only": "Alpha\n:   \n\nBeta\n: b\n",
    "definition-marker-indented-four": "Alpha\n    : a\n",
    "footnote-mark-in-term": "Alpha[^1]\n: a\n\n[^1]: A note.\n",
    "aliases-then-second-paragraph": "Alpha\n: Aliases: al\n\n    more\n",
    "aliases-as-indented-paragraph": "Alpha\n: a\n\n  : Aliases: al\n",
    "definition-list-in-a-quote": "> Alpha\n> : a\n",
    "definition-lines-without-a-term": ": a\n: b\n",
    "aliases-then-a-lazy-line": "Alpha\n: Aliases: al, be\nlazy words\n",
    "fence-line-as-the-next-term": "Alpha\n: a\n```\n: b\n",
    "fence-opened-right-after-a-definition": "Alpha\n: a\n```\n\nBeta\n: b\n```\n",
}


@pytest.mark.parametrize("text", TRICKY.values(), ids=TRICKY.keys())
def test_the_glossary_agrees_with_the_reading_pane_on_tricky_glossaries(text: str) -> None:
    # A term with no letter or digit (`: a` read as a term, `` ``` ``) finds nothing and
    # is left out; every other term the pane draws is a term of the glossary.
    drawn = [term for term in drawn_terms(text) if any(c.isalnum() for c in term)]
    assert parsed_terms(text) == drawn, text


def test_a_term_of_punctuation_alone_is_reported_not_kept() -> None:
    entries, problems = parse_glossary("(((\n: parentheses\n\nAlpha\n: a\n", "g.md")
    assert [entry.term for entry in entries] == ["Alpha"]
    assert [str(problem) for problem in problems] == [
        "g.md:1: glossary term '(((' has no letter or digit to find it by"
    ]


def test_the_tricky_glossaries_are_not_all_empty() -> None:
    """The agreement above means something: most cases define terms."""
    defining = [key for key, text in TRICKY.items() if parsed_names(text)]
    assert len(defining) >= len(TRICKY) - 2


#: Lines glossaries are made of, and the block starts that end or hide a term.
LINES = [
    "",
    "",
    "",
    "Alpha",
    "Beta (B)",
    "Immunoglobulin E (IgE, IGE)",
    "Hanifin–Rajka criteria (1980)",
    "**Bold** term",
    ": A definition.",
    ": Aliases: al, be",
    "~ Another definition.",
    ":\tA tabbed definition.",
    "  lazily continued",
    "    An indented paragraph.",
    "\tA tab-indented paragraph.",
    "```",
    "~~~",
    "# A heading",
    "- a list item",
    "> a quote",
    "Plain prose.",
    "| a | b |",
]


@settings(
    derandomize=True,
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(st.lists(st.sampled_from(LINES), max_size=16).map("\n".join))
def test_the_glossary_agrees_with_the_reading_pane_on_any_glossary_like_document(
    text: str,
) -> None:
    drawn = [term for term in drawn_terms(text) if any(c.isalnum() for c in term)]
    assert parsed_terms(text) == drawn, text


# --- 3. the matcher ------------------------------------------------------------------


def test_matches_are_whole_words() -> None:
    text = "IgE, bigE IgEx xIgE IgE2 IgE_x IgE-mediated (IgE)."
    assert found(["IgE"], text) == [("IgE", 0), ("IgE", 0), ("IgE", 0)]
    assert found(["keratin"], "keratinocyte prokeratin keratin.") == [("keratin", 0)]


def test_a_word_with_inner_capitals_matches_only_as_written() -> None:
    assert found(["IgE"], "ige IGE Ige iGE IgE") == [("IgE", 0)]
    assert found(["HLA"], "hla Hla HLA") == [("HLA", 0)]
    assert found(["mAb"], "mab MAB Mab mAb") == [("mAb", 0)]


def test_a_plain_word_matches_in_any_case() -> None:
    assert found(["keratin"], "Keratin keratin KERATIN") == [
        ("Keratin", 0),
        ("keratin", 0),
        ("KERATIN", 0),
    ]
    assert found(["Keratin"], "keratin") == [("keratin", 0)]


def test_a_one_capital_word_matches_only_as_written() -> None:
    assert found(["B cell"], "b cell B cell B Cell B cells") == [
        ("B cell", 0),
        ("B Cell", 0),
        ("B cells", 0),
    ]


@pytest.mark.parametrize(
    ("name", "plural"),
    [
        ("cytokine", "cytokines"),
        ("antibody", "antibodies"),
        ("rash", "rashes"),
        ("box", "boxes"),
        ("patch", "patches"),
        ("IgE", "IgEs"),
        ("B cell", "B cells"),
        ("JAK inhibitor", "JAK inhibitors"),
    ],
)
def test_simple_plurals_match(name: str, plural: str) -> None:
    assert found([name], f"one {name}, two {plural}.") == [(name, 0), (plural, 0)]


def test_only_plurals_are_added() -> None:
    assert found(["rash"], "rashs rashy rashes") == [("rashes", 0)]
    assert found(["cytokine"], "cytokineses cytokined") == []


def test_a_multi_word_name_matches_across_line_breaks_and_runs_of_space() -> None:
    text = "B\ncell, B   cell, B\n   cell, B\tcell, Bcell, B-cell"
    assert [span for span, _ in found(["B cell"], text)] == [
        "B\ncell",
        "B   cell",
        "B\n   cell",
        "B\tcell",
    ]


def test_dashes_are_interchangeable() -> None:
    text = "Hanifin-Rajka, Hanifin–Rajka, Hanifin—Rajka, Hanifin\u2011Rajka, Hanifin Rajka"
    for name in ("Hanifin–Rajka", "Hanifin-Rajka"):
        assert [span for span, _ in found([name], text)] == [
            "Hanifin-Rajka",
            "Hanifin–Rajka",
            "Hanifin—Rajka",
            "Hanifin\u2011Rajka",
        ]


@pytest.mark.parametrize("name_form", ["NFC", "NFD"])
@pytest.mark.parametrize("text_form", ["NFC", "NFD"])
def test_accents_match_composed_or_decomposed(name_form: str, text_form: str) -> None:
    name = unicodedata.normalize(name_form, "café au lait")
    word = unicodedata.normalize(text_form, "Café au lait")
    text = f"A {word} spot, {unicodedata.normalize(text_form, 'cafés')}."
    spans = found([name, unicodedata.normalize(name_form, "café")], text)
    assert spans == [(word, 0), (unicodedata.normalize(text_form, "cafés"), 1)]


@pytest.mark.parametrize("order", [1, -1])
def test_the_longest_name_wins(order: int) -> None:
    names = ["IL", "IL-4", "JAK", "JAK inhibitor"][::order]
    index = {name: names.index(name) for name in names}
    text = "IL-4 and IL; JAK inhibitors block JAK."
    assert found(names, text) == [
        ("IL-4", index["IL-4"]),
        ("IL", index["IL"]),
        ("JAK inhibitors", index["JAK inhibitor"]),
        ("JAK", index["JAK"]),
    ]


def assert_apart(spans: list[tuple[int, int, int]]) -> None:
    for (_, end, _), (start, _, _) in itertools.pairwise(spans):
        assert end <= start, spans


@pytest.mark.parametrize(
    ("names", "text"),
    [
        (["atopic dermatitis", "dermatitis herpetiformis"], "atopic dermatitis herpetiformis"),
        (["type 2", "2 inflammation"], "type 2 inflammation"),
        (["b.", "..a"], "b..a"),
        (["C++", "++x"], "C+++x"),
    ],
)
def test_names_never_overlap(names: list[str], text: str) -> None:
    spans = TermMatcher([[name] for name in names]).find(text)
    assert spans, "the first name is found"
    assert_apart(spans)


NAME_PIECES = st.text(alphabet="ab .-()", min_size=1, max_size=5)


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(st.lists(NAME_PIECES, min_size=1, max_size=4), st.text(alphabet="ab .-()", max_size=14))
def test_names_never_overlap_for_any_names(names: list[str], text: str) -> None:
    spans = TermMatcher([[name] for name in names]).find(text)
    assert_apart(spans)
    for start, end, entry in spans:
        assert 0 <= start < end <= len(text) and 0 <= entry < len(names)


def test_names_made_of_regex_metacharacters_match_only_themselves() -> None:
    names = ["C++", ".*", "(a)", "[", "\\d+", "(?x)", "a|b"]
    text = "We use C++ daily. C+ and C and C++x are not it; (a) is, a alone is not; 12 a b"
    spans = found(names, text)
    assert spans == [("C++", 0), ("(a)", 2)]
    assert found([".*"], "anything at all") == []


def test_a_one_letter_term() -> None:
    assert found(["a"], "a cat, A dog, as an aside; a.") == [("a", 0), ("A", 0), ("a", 0)]
    assert found(["T"], "t T Th") == [("T", 0)]
    text = "a " * 100_000
    assert len(TermMatcher([["a"]]).find(text)) == 100_000
    assert TermMatcher([["a"]]).find("a" * 200_000) == []


# Speed: CPU-time ratios measured in the same test (tests/unit/test_redos.py's way).
MAX_RATIO = 20


def cpu(run: Callable[[], object], repeat: int = 3) -> float:
    """Best CPU seconds of `repeat` calls, the collector off (its pauses grow with the
    heap, not with the work)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(repeat):
            start = time.process_time()
            run()
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return max(best, 1e-6)


def scan_ratio(many: TermMatcher, few: TermMatcher, text: str) -> tuple[float, str]:
    """How many times longer `many` takes than `few` to scan `text`, and how that was
    found. A 1/100 slice is scanned first: one already far past the limit is reported
    as it extrapolates, so a matcher that tries every term fails in a second instead of
    running for long."""
    baseline = cpu(lambda: few.find(text))
    probe = text[: len(text) // 100]
    extrapolated = cpu(lambda: many.find(probe), repeat=1) * 100
    if extrapolated > 3 * MAX_RATIO * baseline:
        return extrapolated / baseline, "extrapolated from a 1/100 slice"
    ratio = cpu(lambda: many.find(text), repeat=1) / baseline
    if MAX_RATIO < ratio < 3 * MAX_RATIO:  # a pause of the process, or real: again
        ratio = min(ratio, cpu(lambda: many.find(text)) / cpu(lambda: few.find(text), 5))
    return ratio, "measured"


def made_up_words(count: int, seed: int = 7) -> list[str]:
    """Distinct pronounceable words (no digits: a term of a real glossary)."""
    import random

    rng = random.Random(seed)
    syllables = ["ka", "ri", "to", "mun", "ex", "lo", "vi", "sen", "da", "pho", "gly", "ter"]
    words: dict[str, None] = {}
    while len(words) < count:
        words["".join(rng.choice(syllables) for _ in range(rng.randint(2, 5)))] = None
    return list(words)


def prose(words: Sequence[str], size: int, seed: int = 3) -> str:
    import random

    rng = random.Random(seed)
    pieces: list[str] = []
    length = 0
    while length < size:
        word = rng.choice(words)
        pieces.append(word)
        length += len(word) + 1
    return " ".join(pieces)[:size]


def test_ten_thousand_terms_build_in_linear_time() -> None:
    words = made_up_words(10_000)
    names = [[f"{word} cell"] for word in words]
    small = cpu(lambda: TermMatcher(names[:1_000]))
    large = cpu(lambda: TermMatcher(names))
    assert large < MAX_RATIO * small, f"1,000 terms {small:.4f}s, 10,000 {large:.4f}s"


def test_ten_thousand_terms_scan_about_as_fast_as_ten() -> None:
    """Every other word of the text starts one of the 10,000 terms (the matcher's worst
    case for distinct first words); with 10 terms almost none does."""
    words = made_up_words(10_000)
    names = [[f"{word} cell"] for word in words]
    phrases = [f"{word} cell" for word in words] + [f"{word} cells" for word in words[:10]] * 20
    text = prose(phrases, 200_000)
    many, few = TermMatcher(names), TermMatcher(names[:10])
    assert len(many.find(text)) > 10 * len(few.find(text)) > 0
    ratio, how = scan_ratio(many, few, text)
    assert ratio < MAX_RATIO, f"10,000 terms scan {ratio:.0f}x slower than 10 ({how})"


def test_ten_thousand_terms_sharing_a_first_word_scan_about_as_fast_as_ten() -> None:
    """A glossary of `the …` names (or of many `Interleukin-N`): a text word that starts
    them all must not be tried against each of them in turn."""
    words = made_up_words(10_000)
    names = [[f"the {word}"] for word in words]
    text = prose(["the", "the", "skin", "barrier", "and", "its", "cells", *words[:50]], 200_000)
    many, few = TermMatcher(names), TermMatcher(names[:10])
    assert few.find(text) and many.find(text)
    ratio, how = scan_ratio(many, few, text)
    assert ratio < MAX_RATIO, f"10,000 terms scan {ratio:.0f}x slower than 10 ({how})"


# --- 4. marks in the drawn text ------------------------------------------------------


def test_the_first_use_is_marked_and_later_ones_are_not(small_glossary: Glossary) -> None:
    drawn = Drawn(
        "Keratin makes skin tough; keratin again.\n\nKeratin in a second paragraph, "
        "then IgE and B cells.\n\nIgE once more.\n",
        small_glossary,
    )
    assert drawn.marks == [("Keratin", KERATIN), ("IgE", IGE), ("B cells", B_CELL)]
    assert drawn.spots[0].line == 0 and drawn.spots[1].line == 2
    assert [spot.number for spot in drawn.spots] == [0, 1, 2]
    assert drawn.context.terms == [KERATIN, IGE, B_CELL]


def test_only_the_first_use_in_a_document_of_several_chunks_is_marked(
    small_glossary: Glossary,
) -> None:
    filler = "\n\n".join(f"Paragraph {n} of plain words and nothing else." * 4 for n in range(60))
    markdown = f"Keratin first.\n\n{filler}\n\nKeratin later, and IgE.\n\n{filler}\n\nIgE again.\n"
    assert len(chunks(markdown)) >= 3
    drawn = Drawn(markdown, small_glossary)
    assert drawn.marks == [("Keratin", KERATIN), ("IgE", IGE)]
    assert drawn.lines[drawn.spots[1].line].startswith("Keratin later")
    # Each document (a section) marks its own first uses.
    assert Drawn("Keratin and IgE.\n", small_glossary).marks == [("Keratin", KERATIN), ("IgE", IGE)]


@pytest.mark.parametrize(
    "markdown",
    [
        "# Keratin heading\n",
        "Keratin\n=======\n",
        "Keratin setext\n---\n",
        "| Keratin | IgE |\n|---|---|\n| a | b |\n",
        "A `Keratin` code span.\n",
        "```\nKeratin in fenced code\n```\n",
        "~~~python\nIgE = 1\n~~~\n",
        "    Keratin in indented code\n",
        "A [Keratin](x.md) link.\n",
        "A [link to IgE][ref].\n\n[ref]: https://example.org\n",
        "A bare https://example.org/Keratin link.\n",
        "An <a href='x.md'>Keratin</a> link.\n",
        "An ![Keratin](k.png) image.\n",
        "An [![IgE](i.png)](x.md) image link.\n",
        "Keratin\n: a definition list's term is not marked\n",
        "A <kbd>IgE</kbd> key.\n",
        "An HTML <code>Keratin</code> code.\n",
    ],
    ids=[
        "heading",
        "setext-heading",
        "setext-heading-2",
        "table-header",
        "code-span",
        "fenced-code",
        "tilde-fence",
        "indented-code",
        "link",
        "reference-link",
        "bare-url",
        "html-link",
        "image-alt",
        "image-in-link",
        "definition-term",
        "html-kbd",
        "html-code",
    ],
)
def test_no_mark_outside_running_text(markdown: str, small_glossary: Glossary) -> None:
    drawn = Drawn(markdown, small_glossary)
    assert any("Keratin" in line or "IgE" in line for line in drawn.lines), drawn.lines
    assert drawn.marks == []


def test_a_use_where_marks_are_not_allowed_does_not_count_as_the_first(
    small_glossary: Glossary,
) -> None:
    drawn = Drawn("# IgE\n\nSee `IgE` and [IgE](x.md), then IgE here.\n", small_glossary)
    assert drawn.marks == [("IgE", IGE)]
    [spot] = drawn.spots
    assert drawn.lines[spot.line][: spot.start].endswith("then ")


@pytest.mark.parametrize(
    ("markdown", "mark"),
    [
        ("- a list item about Keratin\n", "Keratin"),
        ("1. first\n   - nested IgE item\n", "IgE"),
        ("- [ ] a task about IgE\n", "IgE"),
        ("> a quote about Keratin\n", "Keratin"),
        ("> [!NOTE]\n> An alert about IgE.\n", "IgE"),
        ("| a | b |\n|---|---|\n| x | B cell |\n", "B cell"),
        ("Term\n: A definition about Keratin.\n", "Keratin"),
        ("*Keratin* in emphasis and **IgE** in bold.\n", "Keratin"),
        ("A line\\\nbreak, then Keratin.\n", "Keratin"),
    ],
    ids=[
        "list",
        "nested-list",
        "task",
        "quote",
        "alert",
        "table-body",
        "definition",
        "emphasis",
        "hard-break",
    ],
)
def test_marks_in_running_text_of_every_block(
    markdown: str, mark: str, small_glossary: Glossary
) -> None:
    drawn = Drawn(markdown, small_glossary)
    assert [text for text, _ in drawn.marks][:1] == [mark], drawn.lines


def test_emphasis_and_a_line_break_inside_a_name_still_mark_it(small_glossary: Glossary) -> None:
    drawn = Drawn("Made by *B\ncells*, and JAK\ninhibitors.\n", small_glossary)
    assert drawn.marks == [("B cells", B_CELL), ("JAK inhibitors", JAK_INHIBITOR)]


def test_without_a_glossary_nothing_is_marked(small_glossary: Glossary) -> None:
    markdown = "Keratin and IgE and B cells.\n"
    assert Drawn(markdown, None).marks == []
    assert Drawn(markdown, Glossary()).marks == []
    assert len(Drawn(markdown, small_glossary).marks) == 3


def test_a_mark_is_a_term_spot_numbering_the_names_of_its_entry(
    small_glossary: Glossary,
) -> None:
    drawn = Drawn("A JAK inhibitor is not Immunoglobulin E; JAK is.\n", small_glossary)
    assert [spot.kind for spot in drawn.spots] == ["term", "term", "term"]
    for spot, (text, entry) in zip(drawn.spots, drawn.marks, strict=True):
        assert fold(text) in {fold(name) for name in small_glossary.names[entry]}
        assert spot.end - spot.start == len(text)
    assert drawn.context.terms == [JAK_INHIBITOR, IGE, JAK]


def test_marking_terms_parses_the_glossary_once(
    small_glossary: Glossary, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Sections drawn one after another share one reading of the glossary files."""
    glossary = glossary_of(("glossary.md", GLOSSARY))
    parses: list[str] = []
    parse = glossary_module.parse_glossary

    def counted(text: str, path: str) -> object:
        parses.append(path)
        return parse(text, path)

    monkeypatch.setattr(glossary_module, "parse_glossary", counted)
    assert Drawn("Keratin and IgE.\n", glossary).marks == [("Keratin", KERATIN), ("IgE", IGE)]
    assert Drawn("IgE again.\n", glossary).marks == [("IgE", IGE)]
    assert parses == ["glossary.md"]


# --- 5. prose and usage --------------------------------------------------------------


def test_prose_text_drops_fenced_and_inline_code() -> None:
    markdown = (
        "# Title\n\nKeratin in prose, `IgE` in code.\n\n```\nIgE fenced\n```\n\n"
        "~~~~\n```\nJAK inside a longer fence\n```\n~~~~\n\nAfter the fences.\n"
    )
    text = prose_text(markdown)
    assert "Keratin in prose" in text and "After the fences" in text
    assert "IgE" not in text and "JAK" not in text
    assert "`" not in text


def test_prose_text_of_unmatched_backticks_stays_linear() -> None:
    small, large = "`a " * 3_000, "`a " * 30_000
    assert cpu(lambda: prose_text(large)) < MAX_RATIO * cpu(lambda: prose_text(small))


def test_usage_counts_the_sections_that_use_each_term(
    make_pack: Callable[[Path, dict[str, str]], Path], tmp_path: Path
) -> None:
    root = make_pack(
        tmp_path,
        {
            "01-a.md": "# A\n\nIgE, IgE and more IgE. `Keratin` is only code here.\n",
            "02-b.md": "# B\n\nKeratins and an immunoglobulin E.\n\n```\nJAK\n```\n",
            "03-c.md": "# C\n\nNothing to see.\n\n## C two\n\nA JAK inhibitor.\n",
            "glossary.md": "# Glossary\n\n" + GLOSSARY.split("\n", 2)[2],
        },
    )
    pack = load_pack(root)
    glossary = pack.glossary
    sections = [(s.id, s.markdown) for s in pack.sections if not pack.in_glossary(s)]
    by_title = {s.id: s.title for s in pack.sections}
    used = {
        names[0]: [by_title[section] for section in ids]
        for names, ids in zip(glossary.names, glossary.usage(sections), strict=True)
    }
    assert used == {
        "Immunoglobulin E": ["A", "B"],
        "Keratin": ["B"],
        "B cell": [],
        "Janus kinase": [],
        "JAK inhibitor": ["C two"],
    }


def test_build_glossary_keeps_only_glossary_files() -> None:
    files = [
        pack_file("# A\n\nIgE\n: not a glossary file.\n", "01-a.md"),
        pack_file(GLOSSARY, "glossary.md"),
    ]
    glossary = build_glossary(files)
    assert glossary.files == {"glossary.md"}
    assert len(glossary) == 5 and bool(glossary)
    assert not build_glossary(files[:1]) and len(build_glossary(files[:1])) == 0


def test_suggestions_offer_up_to_three_close_names(small_glossary: Glossary) -> None:
    close = small_glossary.suggestions("Immunoglobulin")
    assert close and len(close) <= 3 and "Immunoglobulin E" in close
    assert small_glossary.suggestions("zzzzzz") == []
    assert len(small_glossary.suggestions("JA")) <= 3


def test_suggestions_ignore_accents() -> None:
    """`reader --define naive` offers `Naïve T cell`: close names are compared unaccented."""
    glossary = glossary_of(("glossary.md", "Naïve T cell\n: A cell.\n\nNemo\n: A fish.\n"))
    assert glossary.suggestions("naive") == ["Naïve T cell"]
    assert glossary.lookup("naive t cell") is None, "a lookup still wants the accent"
