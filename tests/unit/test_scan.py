"""The line scanner must find the same headings markdown-it does, or sections split wrongly.

The pack splits files with a fast line scanner (reader.scan) instead of parsing every
paragraph. If it disagreed with markdown-it, a `# comment` in a code block would start
a section, or a real heading would vanish from the outline. So every tricky case is
checked twice: against the heading lines written down here, and against markdown-it's
own `heading_open` tokens for the whole file. Two deliberate differences are left out
of the comparison: headings inside `<details>` (they stay in their collapsible block)
and headings nested in a list item or block quote (cutting there would split the list).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from heading_oracle import lines_of, markdown_it_headings, random_documents, scanner_headings

from reader.scan import scan_markdown

CONTENT = Path(__file__).resolve().parents[2] / "content"

# name: (markdown, the headings as (0-based line, level))
CORPUS: dict[str, tuple[str, list[tuple[int, int]]]] = {
    "atx levels and closing hashes": (
        "# One\n## Two ##\n### Three #\n#### Four\n##### Five\n###### Six ######\n",
        [(0, 1), (1, 2), (2, 3), (3, 4), (4, 5), (5, 6)],
    ),
    "not headings: seven hashes, no space, escaped": (
        "####### seven\n#hashtag\n\\# escaped\n",
        [],
    ),
    "empty heading and indented up to three": ("#\n   ## three spaces\n", [(0, 1), (1, 2)]),
    "emphasis and code in a heading": ("# *Emph* and `# code` [l](x)\n", [(0, 1)]),
    "fenced code with hash lines": ("```\n# not a heading\n```\n# yes\n", [(3, 1)]),
    "tilde fence with info string": ("~~~python\n# no\n## no\n~~~\n## yes\n", [(4, 2)]),
    "longer fence holds shorter ones": ("````\n```\n# no\n```\n````\n# yes\n", [(5, 1)]),
    "unclosed fence runs to the end": ("# before\n```\n# no\n", [(0, 1)]),
    "indented closing fence is still code": ("```\n# no\n    ```\n# no\n```\n# yes\n", [(5, 1)]),
    "backtick info with a backtick is no fence": ("``` a`b\n# yes\n", [(1, 1)]),
    "indented code": ("para\n\n    # code\n\n\t# tab code\n\n# yes\n", [(6, 1)]),
    "lazy indented line continues a paragraph": ("para\n    # lazy\n", []),
    "setext both kinds": ("Title\n=====\n\nSub\n---\n", [(0, 1), (3, 2)]),
    "setext spanning lines": ("line one\nline two\n===\n", [(0, 1)]),
    "setext underline indented four is text": ("Title\n    ===\n", []),
    "thematic break after a blank": ("text\n\n---\n\n# h\n", [(4, 1)]),
    "other thematic breaks never underline": ("para\n***\n\npara\n- - -\n\npara\n___\n", []),
    "two dashes underline": ("para\n--\n", [(0, 2)]),
    "front matter is skipped": ("---\ntitle: x\n---\n# h\n", [(3, 1)]),
    "front matter closed by dots": ("---\na: b\n...\n# h\n", [(3, 1)]),
    "unclosed front matter is a thematic break": ("---\ntitle: x\n# h\n", [(2, 1)]),
    "list followed by dashes": ("- item\n---\n", []),
    "list with lazy line then dashes": ("- item\ncontinued\n---\n", []),
    "list item content then a paragraph": ("- a\n\n  b\n\nText\n---\n", [(4, 2)]),
    "setext nested in a list item": ("- a\n\n  text\n  ---\n\nOut\n===\n", [(5, 1)]),
    "heading in a list item stays nested": ("- # in list\n1) # numbered\n", []),
    "fence in a list item": ("- item\n\n  ```\n  # no\n  ```\n# yes\n", [(5, 1)]),
    "ordered item cannot interrupt unless 1": ("para\n2. two\n---\n", [(0, 2)]),
    "empty item then text": ("- \nx\n---\n", [(1, 2)]),
    "block quote with hash": ("> # quoted\n> text\n# out\n", [(2, 1)]),
    "block quote lazy line then dashes": ("> a\nlazy\n---\n", []),
    "paragraph after a block quote": ("> q\n\nText\n===\n", [(2, 1)]),
    "fence in a block quote": ("> ```\n> # no\n> ```\n# yes\n", [(3, 1)]),
    "table then dashes": ("| a | b |\n|---|---|\n| 1 | 2 |\n---\n", []),
    "table row without pipes then dashes": ("| a |\n|---|\nText\n---\n", []),
    "pipe line that is no table": ("| not a table\ntext\n---\n", [(0, 2)]),
    "cells that do not match are no table": ("a | b\n---\n", [(0, 2)]),
    "html block swallows hash lines": ("<div>\n# inside html\n</div>\n\n# out\n", [(4, 1)]),
    "html comment spans blank lines": ("<!--\n# no\n\n# no\n-->\n# yes\n", [(5, 1)]),
    "pre block spans blank lines": ("<pre>\nTitle\n=====\n\n# x\n</pre>\n# y\n", [(6, 1)]),
    "inline html starts a paragraph": ("<span>x</span> y\n---\n", [(0, 2)]),
    "custom tag cannot interrupt a paragraph": ("para\n<custom-tag>\n# h\n", [(2, 1)]),
    "link reference definition is not a paragraph": ("[x]: http://a\n---\n", []),
    "text after a reference definition": ("[x]: http://a\ntext\n---\n", [(1, 2)]),
    "details mentioned in prose": ("Use the `<details>` element.\n\n# Heading\n", [(2, 1)]),
    "details tag inside a sentence": ("The <details> tag is neat.\n\n# H\n", [(2, 1)]),
    "heading inside details stays in the section": (
        "<details>\n<summary>S</summary>\n\n# inside\n\n</details>\n\n# after\n",
        [(7, 1)],
    ),
    "details on one line": ("<details><summary>S</summary>text</details>\n\n# after\n", [(2, 1)]),
    "nested details": (
        "<details>\n\n<details>\n\n# a\n\n</details>\n\n# b\n\n</details>\n\n# c\n",
        [(12, 1)],
    ),
    "no-break space is not a blank line": ("- a\n\u00a0\nBug\n---\n", []),
}


@pytest.mark.parametrize("name", list(CORPUS))
def test_scanner_finds_the_expected_headings(name: str):
    markdown, expected = CORPUS[name]
    assert scanner_headings(markdown) == expected


@pytest.mark.parametrize("name", list(CORPUS))
def test_scanner_agrees_with_markdown_it(name: str):
    markdown, _ = CORPUS[name]
    assert scanner_headings(markdown) == markdown_it_headings(markdown)


@pytest.mark.parametrize("path", sorted(CONTENT.glob("*.md")), ids=lambda p: p.name)
def test_scanner_agrees_with_markdown_it_on_the_default_pack(path: Path):
    text = path.read_text(encoding="utf-8")
    assert scanner_headings(text), "every default pack file has headings"
    assert scanner_headings(text) == markdown_it_headings(text)


_SNIPPETS = [
    "# H", "## H2 ##", "Text", "more text", "", "", "---", "===", "***", "- item", "* item",
    "1. one", "2) two", "  indented2", "    code", "```", "~~~", "```py", "> quote", "> # qh",
    "<div>", "</div>", "<!--", "-->", "| a | b |", "|---|---|", "[ref]: http://x", "#no",
    "   ### three", "\t# tab", "<pre>", "</pre>", "Title", "<br/>", "<custom>", "  - nested",
    "   ```", "1. # h",
]  # fmt: skip


def test_scanner_agrees_with_markdown_it_on_random_documents():
    """Seeded random mixes of the awkward lines above: the scanner must never drift."""
    for markdown in random_documents(_SNIPPETS, count=3000, seed=20261126, most_lines=10):
        assert scanner_headings(markdown) == markdown_it_headings(markdown), repr(markdown)


def test_heading_text_is_the_inline_source():
    scan = scan_markdown(lines_of("# Title ##\n## *Emph* `x`\nTwo\nlines\n---\n#\n"))
    assert [h.text for h in scan.headings] == ["Title", "*Emph* `x`", "Two lines", ""]
    assert [(h.line, h.end_line) for h in scan.headings] == [(0, 1), (1, 2), (2, 5), (5, 6)]


def test_front_matter_title_and_body_start():
    scan = scan_markdown(lines_of('---\ntitle: "Quoted title"\nother: 1\n---\nbody\n'))
    assert (scan.body_start, scan.front_matter_title) == (4, "Quoted title")
    scan = scan_markdown(lines_of("---\nno title here\n---\n"))
    assert (scan.body_start, scan.front_matter_title) == (3, None)
    assert scan_markdown(lines_of("text\n---\ntitle: x\n---\n")).body_start == 0


def test_split_points_are_blank_lines_outside_code_html_and_details():
    text = (
        "para\n"  # 0
        "\n"  # 1: yes
        "```\n\n```\n"  # 2-4: the blank in code is not
        "<!--\n\n-->\n"  # 5-7: nor in a comment
        "<details>\n\ninside\n\n</details>\n"  # 8-12: nor in details
        "\n"  # 13: yes
        "- item\n\n  ```\n\n  ```\n"  # 14-18: nor in a list item's code
    )
    assert scan_markdown(lines_of(text)).break_lines == [1, 13, 15]
