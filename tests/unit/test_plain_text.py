"""The text of `reader --plain` (issue 22): what a screen reader or a braille line gets.

Every construct is checked for the words that announce it, and every page for the
contract the command loop relies on: lines no wider than asked (in terminal cells), no
trailing space, no control character of any kind, links numbered as the text shows them.
Hostile input (escape sequences, bidi controls, huge tables, deep nesting, megabyte
lines) must come out clean and in linear time.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from reader.markdown import definitions_of
from reader.pack import load_pack
from reader.plain_text import MIN_WIDTH, PlainLink, PlainPage, markdown_page, section_page
from tests.conftest import CONTENT
from tests.hypothesis_ci import ci_settings
from tests.unit.test_redos import DOCUMENTS, ENTRY_CAP, MAX_GROWTH, growth

#: Nothing of this may reach the terminal: C0 (tab and line end too: a page is lines),
#: DEL, C1, the line and paragraph separators, zero-width and raw bidi characters.
FORBIDDEN = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u200b\u2060-\u2064\ufeff"
    "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def text(markdown: str, width: int = 80) -> str:
    return "\n".join(markdown_page(markdown, width).lines)


def check_contract(page: PlainPage, width: int) -> None:
    """What the command loop relies on for any page."""
    for line in page.lines:
        assert cell_len(line) <= max(width, MIN_WIDTH), line
        assert line == line.rstrip(" "), line
        assert FORBIDDEN.search(line) is None, line
    assert [link.number for link in page.links] == list(range(1, len(page.links) + 1))
    joined = " ".join(page.lines)
    position = 0
    for link in page.links:  # each number is shown, in order
        found = joined.find(f"[{link.number}]", position)
        assert found >= 0, (link, joined)
        position = found


# --- headings and paragraphs ---------------------------------------------------------


def test_heading_is_announced_with_its_level_without_marks() -> None:
    assert text("## Immune *dysregulation*") == "Heading 2: Immune dysregulation"
    assert text("Title\n=====") == "Heading 1: Title"
    assert text("###### Deep `code`") == "Heading 6: Deep code"


def test_paragraph_drops_emphasis_marks_and_keeps_code_text() -> None:
    assert text("Some **bold**, _em_, ***both*** and `a ** b`.") == (
        "Some bold, em, both and a ** b."
    )


def test_paragraph_wraps_at_the_width_with_a_blank_line_between_blocks() -> None:
    page = markdown_page("one two three four five six seven\n\nnext", 12)
    assert page.lines == ["one two", "three four", "five six", "seven", "", "next"]


def test_hard_break_starts_a_line_and_soft_break_is_a_space() -> None:
    assert text("first  \nsecond\nthird") == "first\nsecond third"


def test_strikethrough_is_said_and_highlight_marks_are_dropped() -> None:
    assert text("~~old~~ new ==marked== a == b") == "(struck out: old) new marked a == b"


# --- links, images, notes ------------------------------------------------------------


def test_link_is_numbered_in_the_text_and_collected_in_order() -> None:
    page = markdown_page("See [the table](08-x.md#t) and [*this*](https://e.org).", 80)
    assert page.lines == ["See the table [1] and this [2]."]
    assert page.links == [
        PlainLink(1, "the table", "08-x.md#t"),
        PlainLink(2, "this", "https://e.org"),
    ]


def test_reference_links_resolve_through_the_definitions() -> None:
    definitions = definitions_of("[ref]: other.md#part\n")
    page = markdown_page("A [full][ref] and a [ref] link.", 80, definitions)
    assert page.lines == ["A full [1] and a ref [2] link."]
    assert [link.href for link in page.links] == ["other.md#part", "other.md#part"]
    # Without definitions passed, those in the Markdown itself are used.
    alone = markdown_page("A [ref].\n\n[ref]: https://x.org\n", 80)
    assert alone.links == [PlainLink(1, "ref", "https://x.org")]
    # An undefined reference stays the text it is.
    assert markdown_page("A [full][nothing].", 80, definitions).links == []


def test_section_links_resolve_with_its_files_definitions(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(
        "# One\n\nSee [two][t].\n\n# Two\n\nText[^n].\n\n[t]: #two\n[^n]: The note.\n",
        encoding="utf-8",
    )
    pack = load_pack(tmp_path)
    first, second = pack.sections
    assert section_page(first, 80).links == [PlainLink(1, "two", "#two")]
    assert section_page(second, 80).lines == [
        "Heading 1: Two",
        "",
        "Text (note 1).",
        "",
        "Notes:",
        "",
        "Note 1: The note.",
    ]


def test_autolinks_and_bare_urls_are_numbered_links() -> None:
    page = markdown_page("Go to https://example.org or <https://b.org/x>.", 80)
    assert page.lines == ["Go to https://example.org [1] or https://b.org/x [2]."]
    assert [link.href for link in page.links] == ["https://example.org", "https://b.org/x"]


def test_images_say_their_description_and_a_linked_one_its_number() -> None:
    assert text("![A diagram of cells](x.png)") == "Image: A diagram of cells"
    assert text("![](x.png)") == "Image"
    assert text("An ![icon](i.png) here.") == "An (image: icon) here."
    page = markdown_page("[![logo](l.png)](https://l.org)", 80)
    assert page.lines == ["(image: logo) [1]"]
    assert page.links == [PlainLink(1, "image: logo", "https://l.org")]


def test_an_html_image_reads_as_a_markdown_image_does() -> None:
    """`<img>` in an HTML block came out as `[image: logo]`: brackets read out, and
    not the `Image:` a Markdown image is."""
    assert text('<div align="center"><img src="l.png" alt="The logo"></div>\n') == (
        "Image: The logo"
    )
    assert text('<p><img src="l.png"></p>\n') == "Image"
    assert text('<p>See <img src="i.png" alt="icon"> here</p>\n') == "See (image: icon) here"


def test_footnotes_are_marked_and_printed_at_the_end_under_notes() -> None:
    markdown = (
        "Claim[^b] and another[^a].\n\n"
        "[^a]: Second, with [a link](https://n.org).\n"
        "[^b]: First *note*.\n"
    )
    page = markdown_page(markdown, 80)
    assert page.lines == [
        "Claim (note 1) and another (note 2).",
        "",
        "Notes:",
        "",
        "Note 1: First note.",
        "",
        "Note 2: Second, with a link [1].",
    ]
    assert page.links == [PlainLink(1, "a link", "https://n.org")]


# --- lists -----------------------------------------------------------------------------


def test_lists_keep_markers_and_indent_two_columns_a_level() -> None:
    markdown = "- one\n- two\n  - nested **x**\n    1. deep\n- three\n\n3. c\n4. d\n"
    assert text(markdown) == ("- one\n- two\n  - nested x\n    1. deep\n- three\n\n3. c\n4. d")


def test_list_item_continues_under_its_text() -> None:
    page = markdown_page("- alpha beta gamma delta\n", 14)
    assert page.lines == ["- alpha beta", "  gamma delta"]
    loose = text("1. first\n\n   second para\n\n2. next\n")
    assert loose == "1. first\n\n   second para\n\n2. next"


def test_task_list_items_say_done_or_to_do() -> None:
    assert text("- [x] finished\n- [ ] open\n") == "- done: finished\n- to do: open"
    assert text("- [ ] ![chart](c.png)\n- plain\n") == "- to do: Image: chart\n- plain"


def test_deep_nesting_is_capped_and_fits() -> None:
    markdown = "".join("  " * depth + "- item\n" for depth in range(60))
    page = markdown_page(markdown, 40)
    check_contract(page, 40)
    assert max(len(line) - len(line.lstrip()) for line in page.lines) <= 16


# --- tables ----------------------------------------------------------------------------


def test_table_is_read_row_by_row_with_header_labels() -> None:
    markdown = (
        "| Feature | Autoimmune | Eczema |\n|---|:-:|--|\n"
        "| Target | Self | Outside. |\n| Antibodies | IgG | |\n"
    )
    assert text(markdown).split("\n") == [
        "Table: 3 columns, 2 rows. Columns: Feature; Autoimmune; Eczema.",
        "Row 1: Feature: Target; Autoimmune: Self; Eczema: Outside.",
        "Row 2: Feature: Antibodies; Autoimmune: IgG; Eczema: (empty).",
        "End of table.",
    ]


def test_table_rows_wrap_under_their_label_and_unlabelled_columns_are_numbered() -> None:
    markdown = "| A | |\n|-|-|\n| a long cell that wraps | [x](y) |\n"
    page = markdown_page(markdown, 30)
    assert page.lines == [
        "Table: 2 columns, 1 row.",
        "Columns: A; Column 2.",
        "Row 1: A: a long cell that",
        "  wraps; Column 2: x [1].",
        "End of table.",
    ]


# --- code, quotes, alerts, definitions, HTML -------------------------------------------


def test_code_block_is_announced_and_kept_verbatim() -> None:
    markdown = "```python\ndef f():\n\treturn  1   \n```\n"
    assert text(markdown) == "Code (python):\ndef f():\n    return  1\nEnd of code."
    assert text("    indented\n      code\n") == "Code:\nindented\n  code\nEnd of code."


DIAGRAM = """```text
  barrier ─────────► triggers
     ▲                  │
     │                  ▼
 scratching         alarmins
```
"""


def test_a_diagram_is_read_as_its_words_without_its_drawing() -> None:
    """Box lines and arrowheads are read one by one ("box drawings light horizontal"):
    a drawn block keeps its words where they stand and drops the rows only lines held."""
    assert text(DIAGRAM) == (
        "Diagram, drawing characters left out:\n"
        "  barrier            triggers\n"
        " scratching         alarmins\n"
        "End of diagram."
    )


def test_code_with_a_few_drawing_characters_stays_code() -> None:
    markdown = "```python\nprint('── done ──')\nlimit = 10\n```\n"
    assert text(markdown) == "Code (python):\nprint('── done ──')\nlimit = 10\nEnd of code."


def test_long_code_lines_are_split_at_a_space_and_the_split_is_said() -> None:
    markdown = "```\nsay('one two three four five six')\n" + "x" * 30 + "\n```\n"
    assert markdown_page(markdown, 24).lines == [
        "Code, long lines split:",
        "say('one two three four",
        "five six')",
        "x" * 24,
        "x" * 6,
        "End of code.",
    ]


def test_quotes_are_announced_and_ended() -> None:
    assert text("> quoted *text*\n>\n> > nested\n") == (
        "Quote:\nquoted text\n\nQuote:\nnested\nEnd of quote.\nEnd of quote."
    )


def test_alerts_are_announced_by_their_kind() -> None:
    assert text("> [!WARNING]\n> Be careful.\n") == "Warning:\nBe careful.\nEnd of warning."
    assert text("> [!NOTE]\n> Noted.\n").split("\n")[0] == "Note:"
    assert text("> [!TIP]\n> Try.\n").endswith("End of tip.")


def test_definition_lists_read_term_colon_definition() -> None:
    markdown = "Eczema\n: An itchy skin disease.\n\nAtopy\n: First.\n: Second.\n"
    assert text(markdown) == "Eczema: An itchy skin disease.\nAtopy: First.\nAtopy: Second."
    wrapped = markdown_page("Filaggrin\n: A protein of the skin barrier.\n", 24)
    assert wrapped.lines == ["Filaggrin: A protein of", "  the skin barrier."]


def test_html_comments_are_never_shown_and_html_reads_as_text() -> None:
    markdown = (
        "<!-- secret -->\n\nBefore <!-- inline secret --> after.\n\n"
        "<div>Raw <b>HTML</b><br>next</div>\n\n<ul><li>a</li><li>b</li></ul>\n\n"
        "<blockquote><p>q</p></blockquote>\n\nH<sub>2</sub>O, x<sup>10</sup>, "
        '<a href="https://h.org">an html link</a>.\n'
    )
    page = markdown_page(markdown, 80)
    assert "secret" not in " ".join(page.lines)
    assert page.lines == [
        "Before after.",
        "",
        "Raw HTML",
        "next",
        "",
        "- a",
        "- b",
        "",
        "Quote:",
        "q",
        "End of quote.",
        "",
        "H_2O, x^10, an html link [1].",
    ]
    assert page.links == [PlainLink(1, "an html link", "https://h.org")]


def test_script_content_is_hidden() -> None:
    assert text("a <script>alert(1)</script> b") == "a b"


def test_horizontal_rule_is_only_the_gap_between_blocks() -> None:
    assert text("above\n\n---\n\nbelow") == "above\n\nbelow"


def test_cards_read_as_question_and_answer() -> None:
    markdown = "What is it::An answer.\n\nOral ==JAK inhibitors== act inside.\n"
    assert markdown_page(markdown, 80, cards=True).lines == [
        "Question: What is it",
        "Answer: An answer.",
        "",
        "Question: Oral [...] act inside.",
        "Answer: Oral JAK inhibitors act inside.",
    ]
    # Not a file of cards: the separators are text, the highlight its words.
    assert text(markdown) == "What is it::An answer.\n\nOral JAK inhibitors act inside."


# --- wide characters and hostile text --------------------------------------------------


def test_wide_characters_wrap_by_cells() -> None:
    page = markdown_page("漢字" * 30 + " 😀😀😀 end", 20)
    check_contract(page, 20)
    assert page.lines[0] == "漢字" * 5  # 20 cells: ten characters
    assert "".join(page.lines).replace(" ", "") == "漢字" * 30 + "😀😀😀end"


def test_emoji_clusters_are_measured_and_split_whole() -> None:
    heart, health_worker = "\u2764\ufe0f", "\U0001f469\u200d\u2695\ufe0f"  # two cells each
    for markdown in (heart * 30, f"```\n{health_worker * 30}\n```", f"- {heart * 8} x"):
        page = markdown_page(markdown, 12)
        check_contract(page, 12)
        joined = "".join(page.lines)
        assert joined.count(heart) + joined.count(health_worker) in (8, 30), page.lines
    assert markdown_page(heart * 30, 12).lines[0] == heart * 6


def test_escape_sequences_and_controls_never_reach_the_page() -> None:
    markdown = (
        "# Ti\x1b[2Jtle\n\nText \x1b]52;c;ZXZpbA==\x07 \x9b31m C1 \x7f del &#x1b;[31m "
        "ref \u202eevil\u202c \x00nul\n\n```\ncode\x1b[?1049h\tx\n```\n\n"
        "| a\x1b[1m | b |\n|-|-|\n| c\x85 | d |\n\n[link\x1b[0m](ht\x1btp://x)\n"
    )
    page = markdown_page(markdown, 80)
    check_contract(page, 80)
    joined = "\n".join(page.lines)
    assert "\x1b" not in joined and "[2J" not in joined
    assert "⟨U+202E⟩" in joined  # a bidi control is shown, not obeyed


def test_narrow_width_is_raised_to_the_minimum() -> None:
    page = markdown_page("- 漢字漢字 a-very-long-word\n", 1)
    check_contract(page, MIN_WIDTH)


HOSTILE = [
    "\x1b",
    "\x1b[2J",
    "\x1b]52;c;x\x07",
    "\x9b",
    "\x85",
    "\x7f",
    "\x00",
    "\t",
    "\r",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u2028",
    "\ufeff",
    "&#x1b;",
    "&#x9b;",
    "&#x202e;",
    "&#0;",
]
MARKUP = [
    "\n",
    "\n\n",
    "# ",
    "## ",
    "> ",
    "> [!NOTE]\n> ",
    "- ",
    "1. ",
    "- [ ] ",
    "  ",
    "    ",
    "```\n",
    "```py\n",
    "|",
    "|-|-|\n",
    "**",
    "_",
    "`",
    "~~",
    "==",
    "[a](b)",
    "[a][r]",
    "[r]: /x\n",
    "![alt](i.png)",
    "[^1]",
    "[^1]: note\n",
    "https://e.org ",
    "<b>",
    "</b>",
    "<!--",
    "-->",
    "<br>",
    "<script>",
    "<sup>",
    "\n: ",
    "::",
    "?",
    "---\n",
]
WORDS = ["word", "漢字", "😀", "a", "longerwordthanmostlines" * 3, "é"]
PIECES = st.one_of(
    st.sampled_from(HOSTILE),
    st.sampled_from(MARKUP),
    st.sampled_from(WORDS),
    st.characters(exclude_categories=()),
)
DOCUMENT = st.lists(PIECES, max_size=80).map("".join)
CI = ci_settings(300)


@CI
@given(DOCUMENT, st.sampled_from([10, 17, 40, 80]), st.booleans())
def test_any_markdown_gives_a_clean_page_that_fits(markdown: str, width: int, cards: bool) -> None:
    check_contract(markdown_page(markdown, width, cards=cards), width)


# --- linear time -------------------------------------------------------------------------

#: Hostile families of the house ReDoS test, and some of a plain page's own.
LINEAR = {
    **{
        name: DOCUMENTS[name]
        for name in (
            "[ run",
            "< run",
            "* run",
            "nested > quotes",
            "nested > quote lines",
            "nested list items",
            "nested list lines",
            "task list",
            "footnotes",
            "reference uses",
            "table, many rows",
            "table, many columns",
            "code line of spaces",
            "alerts",
            "definition list",
            "<sup> run",
            "<!-- unclosed",
        )
    },
    "one long line": lambda n: "word " * (n // 5),
    "one long word": lambda n: "x" * n,
    "one long wide word": lambda n: "漢" * (n // 3),
    "long code line": lambda n: "```\n" + "ab " * (n // 3) + "\n```\n",
    "long wide code line": lambda n: "```\n" + "漢" * (n // 3) + "\n```\n",
    "== run": lambda n: "==a" * (n // 3),
    "many links": lambda n: "[a](b) " * (n // 7),
    "table, wide cells": lambda n: "|a|b|\n|-|-|\n|" + "x " * (n // 4) + "|y|\n",
    "HTML [image: unclosed": lambda n: "<div>" + "[image: " * (n // 8) + "</div>\n",
    "diagram": lambda n: "```\n" + "──► a ▲ │\n" * (n // 10) + "```\n",
}


@pytest.mark.parametrize("family", sorted(LINEAR))
def test_rendering_scales_linearly(family: str) -> None:
    small_time, large_time, ratio = growth(
        lambda markdown: markdown_page(str(markdown), 80), LINEAR[family], ENTRY_CAP
    )
    assert ratio <= MAX_GROWTH, (
        f"{family}: 10 KB {small_time * 1e3:.1f} ms, 100 KB {large_time * 1e3:.1f} ms, x{ratio:.0f}"
    )


def test_a_megabyte_line_renders_in_seconds() -> None:
    start = time.process_time()
    page = markdown_page("word " * 200_000, 80)
    assert time.process_time() - start < 10
    assert len(page.lines) == 12_500  # 16 words of 5 cells and their spaces a line


# --- the default pack ----------------------------------------------------------------------


def test_every_section_of_the_default_pack_fits_and_shows_no_markup() -> None:
    pack = load_pack(CONTENT)
    assert pack.sections
    for width in (40, 80, 120):
        for section in pack.sections:
            page = section_page(section, width, cards=pack.holds_cards(section))
            check_contract(page, width)
            for line in page.lines:
                assert "|---" not in line and "**" not in line, (section.id, line)
                assert not line.startswith("#"), (section.id, line)
            assert page.lines[0].startswith(f"Heading {section.level}: "), section.id


def test_the_comparison_table_is_read_with_its_header_labels() -> None:
    pack = load_pack(CONTENT)
    section = next(section for section in pack.sections if section.path.startswith("08"))
    lines = section_page(section, 80).lines
    assert any(line.startswith("Table: 3 columns, 14 rows.") for line in lines)
    assert any(line.startswith("Row 1: Feature: Main target; ") for line in lines)
    assert "End of table." in lines


def test_cards_of_the_default_pack_need_no_flag_when_the_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("# Cards\n\n#flashcards\n\nQ::A\n", encoding="utf-8")
    section = load_pack(tmp_path).sections[0]
    assert "Question: Q" in section_page(section, 80).lines
    assert "Q::A" in section_page(section, 80, cards=False).lines
