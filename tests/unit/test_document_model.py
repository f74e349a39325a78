"""The reading pane's model, without an app: lines drawn on demand are the lines an eager
render of every block gives, the drawn-line cache stays bounded, spots follow changes,
and a selection's text is what is drawn."""

from __future__ import annotations

import re

import pytest
from rich.console import Console

from reader.markdown import parse
from reader.render import document as document_module
from reader.render.blocks import BuildContext, build_blocks
from reader.render.document import CACHE_LINES, Navigator, RenderedDocument, chunks
from reader.render.draw import BlockRenderer, RenderStyles
from reader.render.wrap import Line

WIDTH = 60


def renderer(highlight: str | None = None) -> BlockRenderer:
    def highlighter(text: str) -> list[tuple[int, int]]:
        if highlight is None:
            return []
        return [match.span() for match in re.finditer(re.escape(highlight), text)]

    return BlockRenderer(Console(width=200), RenderStyles(), highlighter if highlight else None)


def eager(markdown: str, width: int = WIDTH) -> list[str]:
    """Every block drawn at once, one blank line between blocks: what the pane used to
    keep in memory for a whole section."""
    blocks = []
    context = BuildContext()
    for piece in chunks(markdown):
        blocks.extend(build_blocks(parse(piece), context))
    drawn = renderer()
    lines: list[str] = []
    for number, block in enumerate(blocks):
        if number:
            lines.append("")
        lines.extend(line.text.rstrip() for line in drawn.render(block, width))
    return lines


def long_markdown(paragraphs: int = 900) -> str:
    parts = ["# Long", ""]
    for number in range(paragraphs):
        words = " ".join(f"w{number}x{i}" for i in range(30))
        parts.append(f"Paragraph {number}: {words} [link {number}](#s{number}).\n")
        if number % 50 == 0:
            parts.append(
                f"<details><summary>Fold {number}</summary>\n\nHidden {number}\n\n</details>\n"
            )
    return "\n".join(parts)


def test_lines_drawn_on_demand_are_the_eager_lines_anywhere_in_any_order() -> None:
    markdown = long_markdown()
    document = RenderedDocument(markdown, renderer(), WIDTH)
    document.fill()
    expected = eager(markdown)
    assert document.line_count == len(expected)
    for row in [len(expected) - 1, 0, 4000, 17, 2500, 2501, len(expected) // 2]:
        assert document.plain_line(row) == expected[row], row
    assert list(document.plain_lines()) == expected


def test_the_drawn_line_cache_is_bounded_however_long_the_section() -> None:
    document = RenderedDocument(long_markdown(), renderer(), WIDTH)
    most = 0
    while document.unfinished:
        document.fill(until_lines=document.line_count + 200)
        most = max(most, document.cached_lines)
    assert document.line_count > 3 * CACHE_LINES
    for row in range(0, document.line_count, 97):
        document.line(row)
        most = max(most, document.cached_lines)
    assert 0 < most <= CACHE_LINES


def test_a_block_taller_than_the_cache_is_kept_whole_while_it_is_drawn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(document_module, "CACHE_LINES", 5)
    code = "\n".join(f"line {number}" for number in range(40))
    document = RenderedDocument(f"# Top\n\n```\n{code}\n```\n\nafter\n", renderer(), WIDTH)
    document.fill()
    drawn = [document.plain_line(row) for row in range(document.line_count)]
    assert drawn[3].strip() == "line 0" and drawn[42].strip() == "line 39"
    assert drawn[-1] == "after"


def test_links_and_matches_land_on_the_lines_they_are_drawn_on() -> None:
    markdown = long_markdown(120)
    document = RenderedDocument(markdown, renderer("x7 "), WIDTH)
    document.fill()
    assert document.matches and document.items
    for spot in document.matches[:50] + document.matches[-5:]:
        assert document.line(spot.line).text[spot.start : spot.end] == "x7 "
    links = [spot for spot in document.items if spot.kind == "link"]
    assert links[0].number == 0 and document.links[0] == "#s0"
    assert "link 0" in document.plain_line(links[0].line)


def test_opening_a_summary_moves_every_later_line_and_spot() -> None:
    document = RenderedDocument(long_markdown(120), renderer(), WIDTH)
    document.fill()
    before = document.line_count
    last_link = [spot for spot in document.items if spot.kind == "link"][-1]
    assert document.toggle_details(1)  # "Fold 50": the second <details>
    assert document.line_count == before + 2  # the body and the guide's end
    moved = [spot for spot in document.items if spot.kind == "link"][-1]
    assert moved.line == last_link.line + 2
    assert f"link {119}" in document.plain_line(moved.line)
    assert any("Hidden 50" in line for line in document.plain_lines())
    assert not document.toggle_details(99)


def test_rewrapping_gives_what_a_fresh_document_at_that_width_gives() -> None:
    markdown = long_markdown(200)
    document = RenderedDocument(markdown, renderer(), WIDTH)
    document.fill()
    document.rewrap(33)
    assert list(document.plain_lines()) == eager(markdown, 33)
    assert document.cached_lines <= CACHE_LINES


def test_a_selection_is_the_drawn_text_between_two_points() -> None:
    document = RenderedDocument("# Title\n\nfirst line of text\n\nsecond one\n", renderer(), 40)
    document.fill()
    lines = list(document.plain_lines())
    assert lines[0] == "Title"
    body = lines.index("first line of text")
    assert document.text_between((body, 6), (body, 10)) == "line"
    assert document.text_between((body, 6), (body + 2, 6)) == "line of text\n\nsecond"
    assert document.text_between(None, None) == "\n".join(lines)
    assert "\x1b" not in document.text_between(None, None)


def test_lines_past_the_end_and_between_blocks_are_blank() -> None:
    document = RenderedDocument("one\n\ntwo\n", renderer(), 20)
    document.fill()
    assert [document.plain_line(row) for row in range(3)] == ["one", "", "two"]
    assert document.line(50).text == "" and isinstance(document.line(50), Line)
    assert document.lines(-5, 99)[-1].text.rstrip() == "two"


def test_the_navigator_steps_over_links_not_over_their_wrapped_pieces() -> None:
    words = " ".join(["word"] * 12)
    markdown = f"[{words}](#a) and [b](#b)\n\nthen [c](#c)\n"
    document = RenderedDocument(markdown, renderer(), 20)
    document.fill()
    assert len([spot for spot in document.items if spot.number == 0]) > 1, "link 0 wraps"
    navigator = Navigator(document)
    hrefs = []
    for _ in range(4):
        navigator.next_item(1, top_line=0)
        hrefs.append(navigator.focused_href)
    assert hrefs == ["#a", "#b", "#c", "#a"]
    navigator.next_item(-1, top_line=0)
    assert navigator.focused_href == "#c"
    marks = navigator.emphasis(navigator.focused_spot.line)
    assert [role for _, role in marks] == ["document--focus"]


def test_the_navigator_reports_the_ends_of_the_matches() -> None:
    document = RenderedDocument("a x b x c\n\nx\n", renderer("x"), 20)
    document.fill()
    navigator = Navigator(document)
    assert [navigator.next_match(1) is not None for _ in range(4)] == [True] * 3 + [False]
    assert navigator.current_match == 2
    assert navigator.next_match(-1) is not None and navigator.current_match == 1
    assert Navigator().next_match(1) is None and Navigator().next_item(1, 0) is None


CODE = [
    "```python\ndef f():\n\treturn 1\t# tab\n\n\n```",
    "```python\nx = '" + "a" * 200 + "'\n```",
    "```python\n\n\nx = 1\n\n\n```",
    "```bash\n$ echo hi   \n```",
    "```python\nx = 1\r\ny = 2\n```",
    "```python\n\t\tdeep = [1, 2, 3]  # " + "é" * 50 + "\n```",
    "```python\n```",
    '```json\n{"a": "\\u00e9\\t"}\n```',
]


@pytest.mark.parametrize("markdown", CODE)
def test_code_is_the_same_text_highlighted_or_plain(markdown: str) -> None:
    """Blocks are measured with code plain and drawn highlighted: highlighting may only
    colour the text (Pygments drops leading blank lines, adds a final one and reads tabs
    its own way unless told otherwise)."""
    (block,) = build_blocks(parse(markdown), BuildContext())
    drawing = renderer()
    for width in (20, 41, 90):
        highlighted = [line.text for line in drawing.render(block, width)]
        assert [line.text for line in drawing.measuring().render(block, width)] == highlighted
        styled = [seg for line in drawing.render(block, width) for seg in line if seg.style]
        assert styled or block.code == "", "the code is highlighted"
