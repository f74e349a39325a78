"""One definition of each Markdown concept (reader.markdown_syntax), and that it still
says what markdown-it says.

The line scanner decides where raw HTML blocks start and end with its own copy of
CommonMark's seven start conditions (markdown-it's `HTML_SEQUENCES` is not public API),
so each kind is checked here against markdown-it's own parse: the headings it finds and
the blank lines it leaves outside HTML must be the ones the scanner finds. Each case
also names what CommonMark says, so a case that tests nothing (both reading a line as
a paragraph) fails too.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from heading_oracle import lines_of, markdown_it_headings, scanner_headings

import reader
from reader import markdown_syntax
from reader.lazy_pattern import LazyPattern
from reader.markdown import parse, plain_text
from reader.markdown_syntax import DETAILS_ELEMENT, escape_markdown
from reader.render.blocks import BuildContext, DetailsBlock, build_blocks
from reader.scan import scan_markdown

PACKAGE = Path(reader.__file__).resolve().parent

# --- CommonMark's seven HTML block kinds, against markdown-it --------------------------

#: (first line, the line that ends it: "" for a blank line) for each kind of HTML block,
#: and lines that start none.
HTML_BLOCKS: dict[int | None, list[tuple[str, str]]] = {
    1: [("<pre>", "</pre>"), ('<script type="x">', "</script>"), ("<STYLE", "</style>")],
    2: [("<!-- a note", "-->")],
    3: [("<?php echo 1;", "?>")],
    4: [("<!DOCTYPE html", ">")],
    5: [("<![CDATA[", "]]>")],
    6: [("<div>", ""), ("</table>", ""), ("<p class=x", ""), ("<hr/>", ""), ("<section", "")],
    7: [("<custom-tag>", ""), ("</span>", ""), ("<a href=\"x\" title='y'>", ""), ("<br />", "")],
    None: [("<span>a</span> and more", ""), ("< div>", ""), ("<a href=x y", ""), ("<1>", "")],
}
CASES = [
    pytest.param(kind, first, last, id=f"kind {kind}: {first}" if kind else f"no block: {first}")
    for kind, examples in HTML_BLOCKS.items()
    for first, last in examples
]


def html_block_lines(markdown: str) -> set[int]:
    """The lines markdown-it puts in raw HTML blocks."""
    return {
        line
        for token in parse(markdown)
        if token.type == "html_block" and token.map
        for line in range(*token.map)
    }


@pytest.mark.parametrize(("kind", "first", "last"), CASES)
def test_an_html_block_ends_where_markdown_it_ends_it(kind: int | None, first: str, last: str):
    """Kinds 1-5 run to the line holding their end, blank lines and all; 6 and 7 stop
    at a blank line; a line that starts none is a paragraph, and `# a` interrupts it."""
    markdown = f"{first}\n# a\n\n# b\n{last}\n\n# c\n"
    expected = {None: [1, 3, 6], 6: [3, 6], 7: [3, 6]}.get(kind, [6])
    assert [line for line, _ in markdown_it_headings(markdown)] == expected, "what CommonMark says"
    assert scanner_headings(markdown) == markdown_it_headings(markdown)
    blank = {number for number, line in enumerate(lines_of(markdown)) if not line.strip()}
    outside_html = blank - html_block_lines(markdown)
    assert set(scan_markdown(lines_of(markdown)).break_lines) == outside_html


@pytest.mark.parametrize(("kind", "first", "last"), CASES)
def test_only_kinds_1_to_6_interrupt_a_paragraph(kind: int | None, first: str, last: str):
    markdown = f"para\n{first}\n# a\n"
    expected = [] if kind in (1, 2, 3, 4, 5, 6) else [2]
    assert [line for line, _ in markdown_it_headings(markdown)] == expected, "what CommonMark says"
    assert scanner_headings(markdown) == markdown_it_headings(markdown)


def test_the_reader_does_not_import_markdown_its_html_patterns():
    """`markdown_it.rules_block.html_block.HTML_SEQUENCES` is not public API (the block
    state, which plugins' rules take, is: `markdown_it.rules_block.StateBlock`)."""
    importers = [
        f"{path.relative_to(PACKAGE)}:{node.lineno}"
        for path in sorted(PACKAGE.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom)
        and (
            (node.module or "").startswith(
                ("markdown_it.rules_block.html", "markdown_it.common.html")
            )
            or any(alias.name in ("HTML_SEQUENCES", "html_block") for alias in node.names)
        )
    ]
    assert importers == []


# --- one definition each ----------------------------------------------------------------


def _shared_patterns() -> set[int]:
    shared = {id(value) for value in vars(markdown_syntax).values()}
    for start, end, _ in markdown_syntax.HTML_BLOCK_KINDS:
        shared |= {id(start), id(end)}
    return shared


def _module_patterns() -> list[tuple[str, object, str]]:
    """(module.attribute, the object, its source) for every module-level pattern."""
    found = []
    for info in pkgutil.walk_packages(reader.__path__, "reader."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for attribute, value in vars(module).items():
            if isinstance(value, (LazyPattern, re.Pattern)):
                found.append((f"{info.name}.{attribute}", value, str(value.pattern)))
    return found


def test_details_summary_and_tags_are_defined_once():
    """Every pattern that reads `<details>`, `<summary>` or a whole tag is the one in
    reader.markdown_syntax, imported; it used to be written out in four modules."""
    shared = _shared_patterns()
    tag = markdown_syntax.TAG.pattern
    copies = [
        name
        for name, value, source in _module_patterns()
        if (re.search("details|summary", source, re.IGNORECASE) or source == tag)
        and id(value) not in shared
    ]
    assert copies == []


#: Search text strips heading marks with patterns of its own, made from the shared marks.
BUILT_FROM_ATX_MARKS = {"reader.markdown._HEADING_LINES", "reader.markdown._LINE_MARKERS"}


def test_atx_headings_are_defined_once():
    """A pattern that reads ATX heading marks is a shared one, or one of the few named
    above, built from the shared marks (`ATX_MARKS_SOURCE`)."""
    shared = _shared_patterns()
    readers = {
        name: source
        for name, value, source in _module_patterns()
        if "#{1,6}" in source and id(value) not in shared
    }
    assert set(readers) == BUILT_FROM_ATX_MARKS
    assert all(markdown_syntax.ATX_MARKS_SOURCE in source for source in readers.values())


# --- what the shared definitions mean, wherever they are used ---------------------------


@pytest.mark.parametrize(
    ("opening", "is_details"),
    [
        ("<details>", True),
        ("<DETAILS open>", True),
        ("<details\n  open>", True),
        ("<details-list>", False),  # a custom element, as CommonMark ends a tag name
        ("<detailsx>", False),
    ],
)
def test_the_scanner_and_the_renderer_agree_on_what_opens_details(opening: str, is_details: bool):
    """The scanner keeps a heading inside `<details>` in its section; the renderer folds
    the same block. They once disagreed on `<details-list>`."""
    markdown = f"{opening}\n<summary>S</summary>\n\n# inside\n\n</details>\n\n# after\n"
    after = markdown.count("\n", 0, markdown.index("# after"))
    inside = markdown.count("\n", 0, markdown.index("# inside"))
    expected = [after] if is_details else [inside, after]
    assert [line for line, _ in scanner_headings(markdown)] == expected
    blocks = build_blocks(parse(markdown), BuildContext())
    assert any(isinstance(block, DetailsBlock) for block in blocks) == is_details


def test_a_details_element_has_its_summary_and_body():
    match = DETAILS_ELEMENT.search(
        "x <details open><summary>A <b>vs</b> B</summary>\n|a|\n</details>"
    )
    assert match is not None
    assert (match["summary"], match["body"]) == ("A <b>vs</b> B", "\n|a|\n")
    left_open = DETAILS_ELEMENT.search("<details>\n<summary>S</summary>\nbody to the end")
    assert left_open is not None and left_open["body"] == "\nbody to the end"
    assert DETAILS_ELEMENT.search("<details-list><summary>S</summary></details>") is None


@pytest.mark.parametrize(
    "title", ["*not emphasis* and _not_ either", "[a](b) <i>x</i> `code`", "a | b ~c~ # d \\ e!"]
)
def test_an_escaped_title_reads_as_written(title: str):
    """A folder's outline entry is a heading made from its name: no Markdown in it acts."""
    assert plain_text(parse(f"# {escape_markdown(title)}\n")) == title


@pytest.mark.parametrize(("kind", "first", "last"), CASES)
def test_the_fast_kind_is_the_first_opener_that_matches(kind: int | None, first: str, last: str):
    """`html_block_kind` tells kinds 1 and 6 by the tag name: the same answer as trying
    each kind's pattern in order, on every case and on near misses."""
    lines = [first, first.upper(), first.replace(">", " x>"), first.replace(">", "/>"),
             first + "x", first[:-1], first.replace("<", "</"), "<details-x>", "<pre-x>",
             "<DIV", "<div/", "<div\t", "<!x", "<!", "<?", "</script>", "<scriptx>"]  # fmt: skip
    for line in lines:
        slow = next(
            (number for number, (opener, _, _) in enumerate(markdown_syntax.HTML_BLOCK_KINDS, 1)
             if opener.search(line)),
            None,
        )  # fmt: skip
        assert markdown_syntax.html_block_kind(line) == slow, line
