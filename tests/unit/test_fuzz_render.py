"""Fuzzing the reading pane's pipeline (issue 21): any Markdown is parsed, built into
blocks and drawn at any width without an exception.

The documents come from a grammar of the constructs the pane draws (headings, lists
nested deep, block quotes and alerts, tables with ragged rows, fences left open, HTML
blocks and inline HTML, links, images and autolinks, footnotes, definition lists,
`<details>`, emphasis runs, self-test cards, glossary terms) mixed with raw text. Each is
drawn as the pane draws a section (`RenderedDocument` with the file's definitions, the
pack's glossary, cards shown, a search highlight), at several widths, re-wrapped, with
every `<details>` and card unfolded; and each block alone at widths down to 1.

CI runs a fixed, derandomized set; `python -m tests.fuzz N` runs each property with N
random examples.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from reader.files import PackFile
from reader.glossary import Glossary
from reader.markdown import definitions_of
from reader.render.blocks import BASE_STYLES, BuildContext
from reader.render.document import Navigator, RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles
from reader.sanitize import sanitize
from reader.search_query import match_spans
from tests.hypothesis_ci import ci_settings

GLOSSARY = Glossary(
    [
        PackFile(
            Path("glossary.md"),
            "glossary.md",
            Path("/pack/glossary.md"),
            "Immunoglobulin E (IgE)\n: An antibody.\n\nB cell\n: A cell.\n\n"
            "Keratin\n: Aliases: keratins, K\n: A protein.\n",
        )
    ]
)
WIDTHS = (1, 2, 20, 200)

# --- the grammar ---------------------------------------------------------------------

WORDS = st.sampled_from(
    [
        "word",
        "IgE",
        "B cell",
        "keratin",
        "Keratins",
        "caf\u00e9",
        "\u6f22\u5b57\u6f22\u5b57",
        "\U0001f469\u200d\u2695\ufe0f",
        "e\u0301",
        "x" * 90,
        "a-b",
        "&amp;",
        "&#x202E;",
        "&#0;",
        "&nbsp;",
        "\\*",
        "\\",
        "::",
        ":::",
        "?",
        "==",
        "#flashcards",
        "{{c1::",
        "}}",
        "|",
        "<",
        ">",
        "[",
        "]",
        "(",
        ")",
        "!",
        "`",
        "*",
        "_",
        "~",
        "^",
        "$",
        "\t",
    ]
)
URLS = st.sampled_from(
    ["https://e.org/a", "other.md#x", "#top", "", "<a b>", "javascript:x", "../../etc", "x y"]
)


def _inline(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds("*{}*".format, children),
        st.builds("**{}**".format, children),
        st.builds("***{}***".format, children),
        st.builds("_{}_".format, children),
        st.builds("~~{}~~".format, children),
        st.builds("=={}==".format, children),
        st.builds("`{}`".format, children),
        st.builds("[{}]({})".format, children, URLS),
        st.builds("![{}]({})".format, children, URLS),
        st.builds("[{}][{}]".format, children, st.sampled_from(["ref", "missing", ""])),
        st.builds("<span title='{}'>{}</span>".format, children, children),
        st.builds("{{{{c1::{}}}}}".format, children),
        st.builds("{} {}".format, children, children),
        st.builds("{}{}".format, children, children),
    )


INLINE = st.recursive(
    st.one_of(
        WORDS,
        st.sampled_from(
            [
                "<https://e.org>",
                "<a@b.c>",
                "https://bare.example/x",
                "www.example.com",
                "[^1]",
                "[^note]",
                "[^missing]",
                "[ref]",
                "<br>",
                "<b>",
                "</b>",
                "<!-- c -->",
                "<?x?>",
                "  \n",
                "\\\n",
                "*" * 30,
                "_" * 30,
                "`" * 5,
                "[" * 20,
            ]
        ),
        st.text(max_size=6),
    ),
    _inline,
    max_leaves=12,
)
LINE = st.lists(INLINE, min_size=1, max_size=4).map(" ".join)


def _indent(block: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in block.split("\n"))


def _list(items: list[str], marker: str) -> str:
    return "\n".join(marker + _indent(item, " " * len(marker)).lstrip(" ") for item in items)


def _table(header: list[str], rows: list[list[str]], align: str) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join([align] * len(header)) + "|"]
    lines.extend("| " + " | ".join(row) for row in rows)  # ragged, some rows not closed
    return "\n".join(lines)


def _blocks(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    items = st.lists(children, min_size=1, max_size=3)
    return st.one_of(
        st.builds(_list, items, st.sampled_from(["- ", "* ", "1. ", "3) ", "- [ ] ", "- [x] "])),
        st.builds(_indent, children, st.sampled_from(["> ", ">", "  ", "> > "])),
        st.builds(
            "> [!{}]\n{}".format,
            st.sampled_from(["NOTE", "WARNING", "CAUTION", "tip", "X"]),
            children.map(lambda block: _indent(block, "> ")),
        ),
        st.builds(
            "<details{}>\n<summary>{}</summary>\n\n{}\n\n</details>".format,
            st.sampled_from(["", " open"]),
            LINE,
            children,
        ),
        st.builds("<details>\n\n{}".format, children),  # never closed
        st.builds(
            "{}\n: {}".format, LINE, children.map(lambda block: _indent(block, "  ").lstrip())
        ),
        st.builds("[^{}]: {}".format, st.sampled_from(["1", "note"]), children),
        st.builds("{}\n\n{}".format, children, children),
        st.builds("{}\n{}".format, children, children),
    )


LEAF_BLOCK = st.one_of(
    LINE,
    st.builds("{} {}".format, st.sampled_from(["#", "##", "######", "#######"]), LINE),
    st.builds("{}\n{}".format, LINE, st.sampled_from(["===", "---"])),
    st.builds(
        "{}{}\n{}{}".format,
        st.sampled_from(["```", "~~~", "````"]),
        st.sampled_from(["", "python", "js {.x}", "nonexistent-language", "diff"]),
        st.lists(st.text(max_size=20), max_size=4).map("\n".join),
        st.sampled_from(["\n```", "\n~~~", ""]),  # left open, or closed by another fence
    ),
    st.builds(_indent, LINE, st.just("    ")),
    st.builds(
        _table,
        st.lists(LINE, min_size=1, max_size=4),
        st.lists(st.lists(LINE, max_size=6), max_size=4),
        st.sampled_from(["---", ":--", ":-:", "--:"]),
    ),
    st.sampled_from(
        [
            "---",
            "***",
            "<div>\n*not emphasis*\n</div>",
            "<div>",
            "</details>",
            "<summary>lone</summary>",
            "<table><tr><td>x</td></tr></table>",
            "<!--\nunclosed comment",
            "<pre>\ncode",
            "<script>alert(1)</script>",
            "[ref]: https://e.org/ref 'title'",
            "[^1]: A note.",
            "Question::Answer",
            "Question:::Answer",
            "Question\n?\nAnswer",
            "Question\n??\nAnswer",
            "#flashcards",
            "",
            "\n\n\n",
            "\u00a0",
        ]
    ),
    st.text(max_size=30),
)
BLOCK = st.recursive(LEAF_BLOCK, _blocks, max_leaves=10)
MARKDOWN = st.lists(BLOCK, max_size=8).map("\n\n".join)
WIDTH = st.sampled_from(WIDTHS)
#: Pieces repeated past CHUNK_CHARS (see the test).
LONG_SECTION = st.lists(MARKDOWN, min_size=1, max_size=4)

CI = ci_settings(100, large_data=True)


# --- the pipeline --------------------------------------------------------------------


def draw(markdown: str, width: int, *, cards: bool, printing: bool) -> RenderedDocument:
    """The Markdown as the reading pane draws a section of a file that holds it: the
    loader sanitizes the file, the definitions are the file's."""
    markdown = sanitize(markdown)
    context = BuildContext(
        dict(BASE_STYLES),
        definitions_of(markdown),
        printing=printing,
        glossary=GLOSSARY,
        cards=cards,
    )
    renderer = BlockRenderer(
        Console(width=200, color_system=None),
        RenderStyles(),
        lambda text: match_spans(text, "word"),
    )
    document = RenderedDocument(markdown, renderer, width, context, footer="[Next](#x)")
    document.fill()
    return document


def check_drawn(document: RenderedDocument) -> None:
    """Every block draws as tall as it was measured, every line fits the pane's width
    (its virtual width is the document's: a longer line's end could not be scrolled to),
    and every spot is on a line."""
    blocks = document.blocks
    for index in range(len(blocks)):
        start = document.block_start(index)
        end = document.block_start(index + 1) - 1 if index + 1 < len(blocks) else None
        lines = document.block_lines(index)
        if end is not None:
            assert len(lines) == end - start, (index, blocks[index])
        for line in lines:
            assert line.cell_length <= document.width, (document.width, line, blocks[index])
    assert len(list(document.plain_lines())) == document.line_count
    for spot in [*document.items, *document.matches]:
        assert 0 <= spot.line < document.line_count, spot


@CI
@given(MARKDOWN, WIDTH, st.booleans(), st.booleans())
def test_any_markdown_is_drawn_at_any_width(
    markdown: str, width: int, cards: bool, printing: bool
) -> None:
    document = draw(markdown, width, cards=cards, printing=printing)
    check_drawn(document)
    for number in range(document.context.details):
        document.toggle_details(number)
    for number in range(document.context.cards_shown):
        document.toggle_card(number)
    check_drawn(document)
    for other in WIDTHS:
        document.rewrap(other)
        check_drawn(document)
    navigator = Navigator(document)
    for _ in range(3):
        navigator.next_item(1, 0)
        navigator.next_match(1)
    document.text_between((0, 0), (document.line_count, 10**6))


@settings(CI, max_examples=50)
@given(MARKDOWN)
def test_each_block_alone_draws_at_widths_down_to_one(markdown: str) -> None:
    document = draw(markdown, 20, cards=True, printing=False)
    renderer = document.renderer
    for block, width in itertools.product(document.blocks, (1, 6)):
        for lines in (renderer.render(block, width), renderer.measuring().render(block, width)):
            # Drawn at 4 columns at least (what the pane's document is kept to).
            assert all(line.cell_length <= max(4, width) for line in lines), (width, lines)


@ci_settings(10, large_data=True)
@given(LONG_SECTION)
def test_a_section_long_enough_to_be_parsed_in_chunks(pieces: list[str]) -> None:
    """Past CHUNK_CHARS a section is cut at blank lines and parsed piece by piece: a
    list, footnote or `<details>` may straddle a cut."""
    markdown = "\n\n".join(pieces)
    repeat = 1 + 7_000 // max(1, len(markdown))
    document = draw("\n\n".join([markdown] * min(repeat, 400)), 60, cards=True, printing=False)
    check_drawn(document)


# --- what the properties found -------------------------------------------------------


@pytest.mark.parametrize(
    ("markdown", "width"),
    [
        ("> " * 12 + "word word word", 20),
        ("\n".join("  " * depth + f"- item{depth}" for depth in range(12)), 20),
        ("<details>\n\nword", 4),
    ],
)
def test_deep_nesting_in_a_narrow_pane_stays_inside_the_pane(markdown: str, width: int) -> None:
    """Found by checking every drawn line's width in the first property: a container
    indented its content even when fewer than 4 columns were left, and that content was
    drawn 4 wide anyway, past the pane's edge, where it was cut off."""
    document = draw(markdown, width, cards=False, printing=False)
    widest = max(line.cell_length for line in document.lines(0, document.line_count))
    assert widest <= document.width, list(document.plain_lines())


#: Each kind of container around some Markdown, with "word" of its own: a summary, a
#: term, an alert's first line or an item's first paragraph.
CONTAINERS = {
    "quote": lambda inner: _indent(f"word\n\n{inner}", "> "),
    "alert": lambda inner: "> [!NOTE]\n" + _indent(f"word\n\n{inner}", "> "),
    "list": lambda inner: _list([f"word\n\n{inner}"], "- "),
    "ordered list": lambda inner: _list([f"word\n\n{inner}"], "10. "),
    "task list": lambda inner: "- [x] " + _indent(f"word\n\n{inner}", "  ").lstrip(),
    "details": "<details open>\n<summary>word</summary>\n\n{}\n\n</details>".format,
    "definition": lambda inner: "word\n: " + _indent(f"word\n\n{inner}", "  ").lstrip(),
}
#: Deep, yet within markdown-it's nesting limit (20 tokens deep: a list is 2 a level).
DEPTH = 8
#: What must be drawn as often in a narrow pane as in a wide one: words, alert titles,
#: list markers, the ends of `<details>`.
KEPT = ("word", "Note", "•", "◦", "▪", "☑", "10.", "╰─")


def _counts(document: RenderedDocument) -> dict[str, int]:
    drawn = "\n".join(document.plain_lines())
    return {token: drawn.count(token) for token in KEPT}


@pytest.mark.parametrize("kind", [*CONTAINERS, "all kinds"])
@pytest.mark.parametrize("width", [4, 5, 6, 7, 9, 12, 20])
def test_deep_containers_of_each_kind_keep_everything_inside_the_pane(
    kind: str, width: int
) -> None:
    """Past the depth the pane has room for, a container stops indenting: nothing is
    drawn past the edge, and nothing is lost (words, titles, markers) that a wide pane
    shows."""
    kinds = list(CONTAINERS) if kind == "all kinds" else [kind]
    markdown = "word"
    for depth in range(DEPTH):
        markdown = CONTAINERS[kinds[depth % len(kinds)]](markdown)
    wide = draw(markdown, 200, cards=False, printing=False)
    document = draw(markdown, width, cards=False, printing=False)
    lines = document.lines(0, document.line_count)
    assert max(line.cell_length for line in lines) <= width, list(document.plain_lines())
    assert _counts(document) == _counts(wide), list(document.plain_lines())
    assert _counts(wide)["word"] > DEPTH  # the nesting was parsed as meant


@pytest.mark.parametrize("width", [4, 5, 6, 7, 9, 12])
@pytest.mark.parametrize(
    "markdown",
    [
        "x[^1]\n\n[^1]: " + CONTAINERS["quote"]("word"),  # a footnote
        "| a | b |\n|---|---|\n| word | word |",  # a table drawn as cards
        "#flashcards\n\nword\n?\n" + CONTAINERS["list"]("word"),  # a card, revealed
    ],
)
def test_footnotes_table_cards_and_cards_in_a_narrow_pane_keep_every_word_inside_it(
    markdown: str, width: int
) -> None:
    """The containers a section's end or the cards add: a footnote's number, a table
    card's indent and a card's "Q" and guide give way as the other containers do."""
    document = draw(markdown, width, cards=True, printing=False)
    for number in range(document.context.cards_shown):
        document.toggle_card(number)
    lines = document.lines(0, document.line_count)
    assert max(line.cell_length for line in lines) <= width, list(document.plain_lines())
    drawn = "\n".join(document.plain_lines())
    assert drawn.count("word") == markdown.count("word"), drawn
