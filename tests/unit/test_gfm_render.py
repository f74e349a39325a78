"""GitHub-flavoured Markdown as the reading pane shows it (issue 17): each report of the
issue as a test, through the same pipeline the pane draws with (tests/pipeline_text.py).

A pack is cut into sections parsed alone, so references and footnotes are defined for the
whole file (`Section.definitions`); the constructs GitHub adds to CommonMark (task lists,
alerts, bare links, strikethrough) and definition lists each get a look of their own.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.console import Console

from reader import glyphs
from reader.check import check_pack
from reader.markdown import definitions_of, parse
from reader.pack import load_pack
from reader.render.blocks import BASE_STYLES, BuildContext
from reader.render.document import CHUNK_CHARS, Navigator, RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles
from tests.nodelike import FS_ACCESS_HISTORY
from tests.pipeline_text import markdown_text, section_lines

NODE_LIKE = f"""\
# File system

<!--introduced_in=v0.10.0-->

> Stability: 2 - Stable

{FS_ACCESS_HISTORY}
Check [File access constants][] for the modes, see [`fs.open()`][] and
[the stat call][stat]. Tests a shortcut: [Buffer].

## `fs.open(path)`

Opens it.[^history]

[File access constants]: #file-access-constants
[`fs.open()`]: #fsopenpath
[STAT]: https://nodejs.org/api/fs.html#fsstat "The stat call"
[buffer]: buffer.md
[^history]: Added in v0.0.2,
    before [Buffer] existed.
"""


def lines_of(markdown: str, width: int = 80) -> list[str]:
    return markdown_text(markdown, width).split("\n")


def load(tmp_path: Path, files: dict[str, str]):
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return load_pack(tmp_path)


# --- references --------------------------------------------------------------------------


def test_references_defined_at_the_end_of_the_file_resolve_in_every_section(
    tmp_path: Path,
) -> None:
    pack = load(tmp_path, {"fs.md": NODE_LIKE, "buffer.md": "# Buffer\n"})
    access = pack.find("fs.access(path[, mode], callback)")
    assert access is not None
    shown = "\n".join(section_lines(access))
    assert "][" not in shown and "[Buffer]" not in shown, shown
    assert "Check File access constants for the modes, see fs.open() and" in shown
    hrefs = [(link.href, link.text, link.line) for link in access.links]
    assert hrefs == [
        ("#file-access-constants", "File access constants", 17),
        ("#fsopenpath", "fs.open()", 17),
        ("https://nodejs.org/api/fs.html#fsstat", "the stat call", 18),  # labels fold case
        ("buffer.md", "Buffer", 18),
    ]
    assert pack.resolve(access, "#fsopenpath").section_id == pack.find("fs.open(path)").id
    assert pack.resolve(access, "buffer.md").section_id == pack.find("Buffer").id


def test_the_reading_pane_follows_a_reference_like_any_link(tmp_path: Path) -> None:
    pack = load(tmp_path, {"fs.md": NODE_LIKE, "buffer.md": "# Buffer\n"})
    access = pack.find("fs.access(path[, mode], callback)")
    document = render(access.markdown, BuildContext(definitions=access.definitions))
    assert document.links == [
        "#file-access-constants",
        "#fsopenpath",
        "https://nodejs.org/api/fs.html#fsstat",
        "buffer.md",
        "#x",  # the footer's
    ]
    assert [spot.kind for spot in document.items] == ["link"] * 5


def test_a_reference_to_a_file_outside_the_pack_is_contained(tmp_path: Path) -> None:
    pack = load(
        tmp_path,
        {
            "a.md": "# A\n\n[secrets][] and [local][]\n\n## B\n\n"
            "[secrets]: ../../etc/passwd\n[local]: file:///etc/passwd\n",
        },
    )
    section = pack.find("A")
    targets = {link.href: pack.resolve(section, link.href).kind for link in section.links}
    # markdown-it makes no link of a `file:` URL at all (its validateLink), as GitHub.
    assert targets == {"../../etc/passwd": "outside"}
    assert "secrets and [local][]" in section_lines(section)
    messages = [problem.message for problem in check_pack(pack)]
    assert any("'../../etc/passwd' leaves the pack" in message for message in messages)


def test_definitions_in_code_or_mid_paragraph_define_nothing() -> None:
    definitions = definitions_of(
        "text\n[a]: /mid-paragraph\n\n```\n[b]: /in-code\n```\n\n    [c]: /indented\n\n[d]: /real\n"
    )
    assert list(definitions.references) == ["D"]


def test_the_first_of_two_definitions_wins_as_on_github() -> None:
    lines = lines_of("# T\n\n[x][]\n\n## U\n\n[x]: /first\n[X]: /second\n")
    assert lines[3] == "x"
    assert [link.href for link in load_one("# T\n\n[x][]\n\n[x]: /first\n[X]: /second\n")] == [
        "/first"
    ]


def load_one(markdown: str):
    tokens = parse(markdown, definitions_of(markdown).environment())
    from reader.markdown import iter_links

    return list(iter_links(tokens))


def test_check_reports_undefined_references_and_unused_definitions(tmp_path: Path) -> None:
    pack = load(
        tmp_path,
        {
            "a.md": "# A\n\nSee [x][] and [nothing][nope], [^gone] and matrix[0][1].\n\n"
            "## B\n\n[x]: https://x.org\n[never-used]: https://u.org\n[^unused]: text\n"
        },
    )
    problems = {(problem.line, problem.message, problem.severity) for problem in check_pack(pack)}
    assert problems == {
        (3, "reference '[nope]' is not defined in this file", "warning"),
        (3, "footnote '[^gone]' is not defined in this file", "warning"),
        (8, "link reference '[never-used]' is defined but never used", "note"),
        (9, "footnote '[^unused]' is defined but never used", "note"),
    }


# --- footnotes ----------------------------------------------------------------------------


def render(markdown: str, context: BuildContext | None = None, width: int = 80):
    renderer = BlockRenderer(Console(width=200), RenderStyles())
    document = RenderedDocument(markdown, renderer, width, context, footer="Next: [x](#x)\n")
    document.fill()
    return document


def test_footnotes_show_as_numbered_markers_and_their_texts_at_the_section_end() -> None:
    lines = lines_of(
        "# T\n\nFirst[^b] then[^a], again[^b].\n\n## U\n\nOther[^a].\n\n"
        "[^a]: Note **A**, with a [link](https://a.org).\n\n    Its second paragraph.\n"
        "[^b]: Note B.\n"
    )
    assert "[^" not in "\n".join(lines)
    first = lines[: lines.index("U")]
    assert first[3] == "First[1] then[2], again[1]."  # numbered as first referenced
    assert first[5:] == [
        "─" * 20,
        "1. Note B. ↩",
        "2. Note A, with a link.",
        "",
        "   Its second paragraph. ↩",
        "",
    ]
    second = lines[lines.index("U") :]
    assert second[3:] == [  # numbered as in the whole file, as GitHub shows it
        "Other[2].",
        "",
        "─" * 20,
        "2. Note A, with a link.",
        "",
        "   Its second paragraph. ↩",
    ]


def test_a_footnote_referenced_in_the_first_chunk_of_a_long_section_is_drawn_at_its_end():
    filler = "\n\n".join(f"Paragraph {n} " + "word " * 40 for n in range(3 * CHUNK_CHARS // 200))
    markdown = f"# Long\n\nClaim.[^n]\n\n{filler}\n\n[^n]: The evidence.\n\nLast words.[^n]\n"
    document = render(markdown, BuildContext(definitions=definitions_of(markdown)))
    lines = [line.rstrip() for line in document.plain_lines()]
    assert lines[3] == "Claim.[1]"
    assert "Last words.[1]" in lines  # the definition between did not number it again
    assert sum(line.endswith(" ↩") for line in lines) == 1
    assert lines.index("1. The evidence. ↩") > lines.index("Last words.[1]")
    assert lines.index("1. The evidence. ↩") < lines.index("Next: x")  # before the footer


def test_enter_on_a_marker_goes_to_its_note_and_the_note_leads_back() -> None:
    markdown = "# T\n\nOne[^a] and two[^a].\n\n" + "More.\n\n" * 40 + "[^a]: The note.\n"
    document = render(markdown, BuildContext(definitions=definitions_of(markdown)))
    navigator = Navigator(document)
    markers = [spot for spot in document.items if spot.kind == "note"]
    assert [(spot.line, spot.start, spot.end) for spot in markers] == [(3, 3, 6), (3, 14, 17)]
    at_note = navigator.follow_note("note", 1)  # the second marker
    assert at_note is not None and at_note.kind == "noteback"
    assert document.plain_line(at_note.line).strip() == "1. The note. ↩"
    back = navigator.follow_note("noteback", at_note.number)
    assert back == markers[1]  # to the marker followed, not the first one
    assert navigator.focused_spot == markers[1]


def test_footnote_text_is_sanitized_like_any_text() -> None:
    lines = lines_of("# T\n\nA[^x].\n\n[^x]: bad &#x1b;[31m &#x202e;text\n")
    assert not any("\x1b" in line or "\u202e" in line for line in lines)
    assert any("bad" in line and "text" in line for line in lines)


# --- task lists, alerts, bare links, definition lists --------------------------------------


def test_task_list_items_show_an_open_or_done_box_instead_of_a_bullet() -> None:
    lines = lines_of("# T\n\n- [ ] open\n- [x] done\n- plain\n\n1. [X] first\n")
    assert lines[3:6] == ["☐ open", "☑ done", "• plain"]
    assert lines[7] == "1. ☑ first"


def test_task_list_boxes_are_ascii_where_the_terminal_needs_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(glyphs, "_current", glyphs.ASCII)
    lines = lines_of("# T\n\n- [ ] open\n- [x] done\n")
    assert lines[3:5] == ["[ ] open", "[x] done"]


@pytest.mark.parametrize(
    ("marker", "title"),
    [
        ("NOTE", "✎ Note"),
        ("TIP", "✦ Tip"),
        ("IMPORTANT", "◆ Important"),
        ("WARNING", "▲ Warning"),
        ("CAUTION", "⊘ Caution"),
    ],
)
def test_alerts_are_titled_callouts_told_apart_by_word_and_sign(marker: str, title: str) -> None:
    lines = lines_of(f"# T\n\n> [!{marker}]\n> Mind **this**.\n>\n> - a list\n")
    assert lines[3:7] == [f"▌ {title}", "▌ Mind this.", "▌", "▌ • a list"]


def test_an_unknown_alert_kind_stays_a_quote() -> None:
    assert lines_of("# T\n\n> [!FOO]\n> text\n")[3] == "▌ [!FOO] text"


def test_alerts_are_coloured_by_kind_from_the_theme() -> None:
    colours = {"note": "blue", "warning": "yellow"}
    renderer = BlockRenderer(
        Console(width=200),
        RenderStyles(alert=lambda kind: __import__("rich.style").style.Style(color=colours[kind])),
    )
    from reader.render.blocks import build_blocks

    for kind, colour in colours.items():
        (block,) = build_blocks(parse(f"> [!{kind.upper()}]\n> x\n"), BuildContext())
        title, body = renderer.render(block, 40)
        assert {segment.style.color.name for segment in title if segment.text.strip()} == {colour}
        assert body.text == "▌ x"


@pytest.mark.parametrize(
    ("source", "href", "after"),
    [
        ("Go to https://example.com/a_(b). Now", "https://example.com/a_(b)", ". Now"),
        ("(see https://example.com/x)", "https://example.com/x", ")"),
        ("www.commonmark.org/help, then", "http://www.commonmark.org/help", ", then"),
        ("mail foo.bar@example.com!", "mailto:foo.bar@example.com", "!"),
    ],
)
def test_bare_urls_are_links_without_their_trailing_punctuation(
    source: str, href: str, after: str
) -> None:
    (link,) = load_one(source)
    assert link.href == href
    assert source.endswith(after)


def test_no_bare_link_inside_code_or_a_link() -> None:
    assert [link.href for link in load_one("`https://in.code` [a https://b.org](/c)")] == ["/c"]


def test_definition_lists_put_the_term_on_its_own_line_and_indent_the_definition() -> None:
    lines = lines_of("# Glossary\n\nIgE\n: Immunoglobulin E, an antibody.\n\nTh2\n: A helper.\n")
    assert lines[3:8] == ["IgE", "    Immunoglobulin E, an antibody.", "", "Th2", "    A helper."]


# --- what CommonMark and GitHub had already, still right ------------------------------------


def test_strikethrough_emphasis_in_links_and_headings_quotes_and_tables() -> None:
    lines = lines_of(
        "# A *very* `big` title\n\n~~gone~~ and ~also~, [*em* link](/x).\n\n"
        "> 1. one\n>    - nested\n\n| code | pipe |\n|---|---|\n| `a\\|b` | x \\| y |\n"
    )
    assert lines[0] == "A very big title"
    assert lines[3] == "gone and also, em link."
    assert lines[5:7] == ["▌ 1. one", "▌    ◦ nested"]
    table = "\n".join(lines[8:])
    assert re.search(r"│ a\|b\s+│ x \| y\s+│", table), table


def test_a_link_to_an_html_id_reaches_the_heading_it_marks(tmp_path: Path) -> None:
    pack = load(
        tmp_path,
        {
            "deprecations.md": '# Deprecations\n\n<a id="DEP0001"></a>\n\n### DEP0001: old\n\n'
            'Text with <span id="inline-mark">a mark</span>.\n\n### DEP0002: older\n',
            "fs.md": "# fs\n\nSee [DEP0001][] and [the mark][].\n\n"
            "[DEP0001]: deprecations.md#DEP0001\n[the mark]: deprecations.md#inline-mark\n",
        },
    )
    fs = pack.find("fs")
    assert [pack.resolve(fs, link.href).section_id for link in fs.links] == [
        pack.find("DEP0001: old").id,  # the id marks the heading after it
        pack.find("DEP0001: old").id,  # an id inside a section leads to that section
    ]
    assert check_pack(pack) == []


# --- what a review found (each reproduced first) ---------------------------------------------


@pytest.mark.parametrize(
    "markdown",
    [
        "See [<style>~~</style>~~ the docs](http://x).",
        '<a href="http://x"><style>*</style>* text</a>',
        "Hidden <script>**never closed",
    ],
)
def test_hidden_html_across_emphasis_and_links_draws_without_an_error(markdown: str) -> None:
    assert lines_of(markdown)  # drew: no StopIteration from an empty style stack


def test_a_closing_mark_ends_its_own_style_not_the_last_one_opened() -> None:
    from reader.render.blocks import build_blocks

    (block,) = build_blocks(parse("*<kbd>x*</kbd> rest"), BuildContext(BASE_STYLES))
    rest = block.text.plain.index("rest")
    assert all(
        not (span.style.italic and span.end > rest)
        for span in block.text.spans
        if hasattr(span.style, "italic")
    )
    (block,) = build_blocks(
        parse('<a href="http://x">[md](http://y) after</a> tail'), BuildContext(BASE_STYLES)
    )
    tail = block.text.plain.index("after")
    assert not any(span.end > tail for span in block.text.spans), block.text.spans


def test_footnotes_are_numbered_by_references_the_parser_sees() -> None:
    markdown = (
        "`text[^b]`\n\n```\nHere[^b].\n```\n\n<!-- old[^b] -->\n\n"
        "Two reasons[^b]: then[^a].\n\n[^a]: A\n[^b]: B\n"
    )
    lines = lines_of(markdown)
    assert "Two reasons[1]: then[2]." in lines
    assert lines[-2:] == ["1. B ↩", "2. A ↩"]


def test_footnote_labels_match_without_regard_to_case() -> None:
    lines = lines_of("A[^Up] and [^STRASSE].\n\n[^up]: up note\n[^straße]: street\n")
    assert lines[0] == "A[1] and [2]."
    assert lines[-2:] == ["1. up note ↩", "2. street ↩"]


def test_a_footnote_defined_right_under_a_paragraph_line_keeps_its_text() -> None:
    lines = lines_of("Para.[^1][^2]\n[^1]: first\ncontinued\n[^2]: second\n")
    assert lines[-2:] == ["1. first continued ↩", "2. second ↩"]


def test_a_long_sections_chunks_never_part_a_footnote_from_its_second_paragraph() -> None:
    filler = "\n\n".join(f"Filler paragraph number {n} with some words." for n in range(200))
    markdown = f"# Big\n\nStart[^long].\n\n{filler}\n\n[^long]: First.\n\n    Second.\n\nEnd.\n"
    document = render(markdown, BuildContext(definitions=definitions_of(markdown)))
    lines = [line.rstrip() for line in document.plain_lines()]
    assert [line for line in lines if "Second." in line] == ["   Second. ↩"]


def test_details_folding_loses_no_text() -> None:
    assert lines_of("<details><summary>S</summary>Inside</details>\nAfter text\n") == [
        "▶ S",
        "",
        "After text",
    ]
    assert lines_of(
        "<details open><summary>Outer</summary><details><summary>Inner</summary>in"
        "</details></details>\n"
    ) == ["▼ Outer", "│ Inner", "│ in", "╰─"]
    assert lines_of(
        "<details open>\n<summary>Outer</summary>\n\nbody\n\n"
        "<details><summary>Inner</summary>inner body</details>\n\nafter inner\n\n"
        "</details>\n\nOutside.\n"
    ) == ["▼ Outer", "│ body", "│", "│ ▶ Inner", "│", "│ after inner", "╰─", "", "Outside."]


def test_a_link_or_a_footnote_mark_in_a_superscript_stays_focusable() -> None:
    markdown = "A <sup>12 [link](http://y)</sup> and y<sup>a[^2]</sup>\n\n[^2]: n\n"
    document = render(markdown, BuildContext(definitions=definitions_of(markdown)))
    assert [spot.kind for spot in document.items][:2] == ["link", "note"]


def test_check_takes_escaped_brackets_and_code_as_written(tmp_path: Path) -> None:
    pack = load(
        tmp_path,
        {"a.md": "# T\n\nCode `x[a][b]` and \\[a\\]\\[b\\] and \\[^note] here.\n"},
    )
    assert check_pack(pack) == []


def test_a_heading_keeps_brackets_a_regex_class_needs(tmp_path: Path) -> None:
    pack = load(tmp_path, {"a.md": "# Negated classes `[^a-z]`\n\nText.\n"})
    assert [(section.title, section.anchor) for section in pack.sections] == [
        ("Negated classes [^a-z]", "negated-classes-a-z")  # as cmark-gfm slugs it
    ]


def test_text_that_only_looks_like_a_definition_has_none() -> None:
    assert definitions_of("x]: y") == definitions_of("")


def test_the_parser_without_bare_links_and_definition_lists_is_only_used_where_equal() -> None:
    """`parser_for` picks the lighter parser only for text neither extension could act
    on; on every such CommonMark spec example both parsers give the same tokens."""
    import json

    from reader.markdown import markdown_parser, parser_for

    spec = json.loads((Path(__file__).parents[1] / "fidelity" / "commonmark.json").read_text())
    light = 0
    for example in spec:
        markdown = example["markdown"]
        parser = parser_for(markdown)
        if parser is markdown_parser():
            continue
        light += 1
        full = [(t.type, t.content, t.markup) for t in markdown_parser().parse(markdown)]
        assert [(t.type, t.content, t.markup) for t in parser.parse(markdown)] == full, markdown
        full_inline = [
            (c.type, c.content) for t in markdown_parser().parse(markdown) for c in t.children or []
        ]
        assert [
            (c.type, c.content) for t in parser.parse(markdown) for c in t.children or []
        ] == full_inline
    assert light > 500  # most examples: the comparison is not vacuous
    assert parser_for("see https://a.org") is markdown_parser()
    assert parser_for("Term\n: its definition") is markdown_parser()


def test_definitions_in_a_quote_or_a_list_item_serve_the_whole_file(tmp_path: Path) -> None:
    pack = load(
        tmp_path,
        {
            "a.md": "# A\n\nSee [quoted] and [listed].\n\n## B\n\n> [quoted]: /q\n\n"
            "- [listed]: /l\n\n> text\n> [not]: /n\n\n[not] stays.\n"
        },
    )
    assert [link.href for link in pack.find("A").links] == ["/q", "/l"]
    assert "[not] stays." in "\n".join(section_lines(pack.find("B")))


def test_search_finds_a_note_with_the_section_citing_it_and_never_a_comment(
    tmp_path: Path,
) -> None:
    from reader.search import SearchIndex, pack_documents

    pack = load(
        tmp_path,
        {
            "a.md": "# Claims\n\nA bold claim.[^src]\n\n<!-- YAML\nquux: 1\n-->\n\n## Other\n\n"
            "Nothing here.\n\n[^src]: Zanzibar proves it.\n    More zanzibar.\n\nAfter it.\n"
        },
    )
    index = SearchIndex.build(pack_documents(pack))
    assert [hit.id for hit in index.search("zanzibar")] == ["claims"]
    assert [hit.id for hit in index.search("after")] == ["other"]
    assert index.search("quux") == []
    assert "[^" not in index.search("zanzibar")[0].snippet


def test_a_definition_list_in_a_quote_is_one_whatever_else_the_text_holds() -> None:
    assert lines_of("> Term\n> : definition\n")[:2] == ["▌ Term", "▌     definition"]


def test_a_long_sections_chunks_never_part_a_term_from_its_definition() -> None:
    for words in (1197, 1198, 1199):
        markdown = "# T\n\n" + "word " * words + "\n\nTerm\n\n: definition one\n"
        document = render(markdown)
        lines = [line.rstrip() for line in document.plain_lines()]
        assert "    definition one" in lines, words


def test_details_closed_and_opened_in_one_html_block_are_siblings() -> None:
    assert lines_of(
        "<details><summary>One</summary>\n\nbody one\n</details>\n"
        "<details><summary>Two</summary>\n\nbody two\n</details>\n\nAfter.\n"
    ) == ["▶ One", "", "▶ Two", "", "After."]


def test_printing_opens_every_details_block_and_writes_each_links_target() -> None:
    from reader.render.blocks import build_blocks

    markdown = (
        "<details><summary>Windows</summary>\n\nRun setup.\n\n</details>\n\n"
        'See <a href="https://evil.example/">https://bank.example/</a>, '
        "https://de.wikipedia.org/wiki/Straße, [docs](https://d.org) and "
        "A <template>[hidden](http://h.org)</template> B.\n"
    )
    context = BuildContext(BASE_STYLES, printing=True)
    renderer = BlockRenderer(Console(width=200), RenderStyles())
    blocks = build_blocks(parse(markdown), context)
    lines = [line.text.rstrip() for block in blocks for line in renderer.render(block, 160)]
    assert lines[:2] == ["▼ Windows", "│ Run setup."]
    assert lines[-1] == (
        "See https://bank.example/ (https://evil.example/), "
        "https://de.wikipedia.org/wiki/Straße, docs (https://d.org) and A  B."
    )


def test_check_reports_a_footnote_after_an_escaped_backslash(tmp_path: Path) -> None:
    pack = load(tmp_path, {"a.md": "# T\n\nA \\\\[^esc] and \\[^not] here.\n"})
    assert [problem.message for problem in check_pack(pack)] == [
        "footnote '[^esc]' is not defined in this file"
    ]


def test_footnote_numbers_skip_a_fence_as_the_scanner_reads_it() -> None:
    markdown = "````\n```\nIn code[^b].\n```\nStill code[^b].\n````\n\nText[^a] and[^b].\n\n"
    lines = lines_of(markdown + "[^a]: A\n[^b]: B\n")
    assert "Text[1] and[2]." in lines
