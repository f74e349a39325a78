"""Raw HTML in Markdown reads as a browser (and GitHub) shows it, as terminal text (issue 17).

The reading pane showed HTML blocks with their tags stripped by a pattern: the text of a
multi-line comment (Node.js docs put `<!-- YAML … -->` after every heading) showed, a
comment was cut where a `<` appeared in it, `<img alt>` inside a `<div>` lost its alt text,
and the words of adjacent blocks ran together. Each rule of reader.html_text is checked
here on the HTML that breaks a pattern, and every input family that made CPython's
html.parser quadratic is timed in the style of tests/unit/test_redos.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from test_redos import ENTRY_CAP, MAX_GROWTH, growth

from reader import glyphs, html_text
from reader.html_text import InlineTag, html_block_text, inline_tag, subscript, superscript
from reader.markdown import markdown_parser
from tests.nodelike import FS_ACCESS_HISTORY


@pytest.fixture(autouse=True)
def unicode_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    """The Unicode glyphs whatever terminal runs the tests; ASCII tests choose ASCII."""
    monkeypatch.setattr(glyphs, "_current", glyphs.UNICODE)


@pytest.fixture
def ascii_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(glyphs, "_current", glyphs.ASCII)


def html_blocks(markdown: str) -> list[str]:
    """The content of each html_block token markdown-it makes of `markdown`."""
    return [
        token.content for token in markdown_parser().parse(markdown) if token.type == "html_block"
    ]


def html_inlines(markdown: str) -> list[str]:
    """The content of each html_inline token of `markdown`'s paragraphs."""
    found: list[str] = []
    for token in markdown_parser().parse(markdown):
        found.extend(c.content for c in token.children or [] if c.type == "html_inline")
    return found


# --- comments, declarations, processing instructions, CDATA ------------------------------

NODE_DOCS = (
    FS_ACCESS_HISTORY
    + """
Tests a user's permissions for the file or directory specified by `path`.
"""
)


def test_the_nodejs_yaml_comment_after_a_heading_shows_nothing():
    blocks = html_blocks(NODE_DOCS)
    assert len(blocks) == 1  # one block from `<!-- YAML` to `-->`
    assert blocks[0].startswith("<!-- YAML") and blocks[0].rstrip().endswith("-->")
    assert html_block_text(blocks[0]) == ""
    assert html_block_text(blocks[0], plain=True) == ""


@pytest.mark.parametrize(
    "comment",
    [
        "<!-- a < b -->",
        "<!-- x > y and => z -->",
        "<!-- a -- b --- c -->",
        "<!-- first\n\nsecond paragraph\n\n<p>not a tag</p> -->",
        "<!---->",
        "<!-->",
        "<!--->",
        "<!-- <!-- nested opening -->",
        "<!-- &amp; &#x1b;[2J -->",
    ],
)
def test_a_comment_is_hidden_whatever_it_holds(comment: str):
    assert html_block_text(f"<div>before {comment} after</div>") == "before after"


def test_an_unclosed_comment_hides_the_rest_of_the_block():
    assert html_block_text("<p>shown</p>\n<!-- open\n<p>hidden</p>\nmore") == "shown"
    assert html_block_text("<!--") == ""


def test_text_after_a_comment_on_its_closing_line_shows():
    assert html_block_text("<!-- note\nline -->\n<p>after</p>") == "after"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('<?xml version="1.0"?><p>x</p>', "x"),
        # To its first `>`, as a browser (and so GitHub's page) reads it.
        ("<?php if ($a > 1) echo 'b'; ?>after", "1) echo 'b'; ?>after"),
        ("<? no question mark > shown", "shown"),  # without `?>`: to its first `>`
        ("<!DOCTYPE html><p>x</p>", "x"),
        ("<!doctype html>\n<p>x</p>", "x"),
        ("<!ELEMENT br EMPTY>x", "x"),
        ("<![CDATA[a < b && c]]> d", "d"),  # hidden to its end, as GitHub's page shows it
        ("<![CDATA[x &amp; y]]>", ""),
        ("<![CDATA[open to the end <b>", ""),
    ],
)
def test_declarations_instructions_and_cdata(source: str, expected: str):
    assert html_block_text(source) == expected


@pytest.mark.parametrize("source", ["<!DOCTYPE html", "<?php echo 1", "<? a ? b"])
def test_an_unclosed_declaration_or_instruction_hides_the_rest(source: str):
    assert html_block_text(f"<p>kept</p>{source}\nmore text") == "kept"


# --- elements whose content is hidden, and raw text shown ------------------------------


@pytest.mark.parametrize("name", ["script", "style", "iframe", "noembed", "noframes"])
def test_script_style_and_frames_are_hidden_with_their_content(name: str):
    source = f"<p>a</p><{name} type='x'>if (a < b) {{ '</p>' }} <b>bold</b></{name}>b"
    assert html_block_text(source) == "a\n\nb"


def test_a_raw_text_element_ends_only_at_its_own_end_tag():
    source = "<script>x = '</scripts>'; y = '</SCRIPT\tdone'</SCRIPT >after"
    assert html_block_text(source) == "after"
    assert html_block_text("before<style>p { color: red }") == "before"  # unclosed


def test_a_template_is_hidden_nested_ones_too():
    source = "<template><p>no</p><template>deep</template><p>still no</p></template>yes"
    assert html_block_text(source) == "yes"
    assert html_block_text("a</template>b") == "ab"  # a stray end tag closes nothing


def test_noscript_shows_its_text_as_nothing_here_runs_scripts():
    assert html_block_text("<noscript>Enable JavaScript</noscript>") == "Enable JavaScript"


def test_title_and_textarea_show_their_text_with_tags_as_text():
    assert html_block_text("<title>A &amp; <b>B</b></title>after") == "A & <b>B</b>\nafter"
    textarea = "<textarea>\n  line one\n    <b>two</b> &lt;</textarea>"
    assert html_block_text(textarea) == "  line one\n    <b>two</b> <"


def test_xmp_and_plaintext_show_their_text_as_written():
    assert html_block_text("<xmp>&amp; <i>x</i></xmp>") == "&amp; <i>x</i>"
    assert html_block_text("a<plaintext><p>&lt;\n  b") == "a\n\n<p>&lt;\n  b"


# --- images and inputs --------------------------------------------------------------------


def test_an_image_inside_blocks_keeps_its_alt_text():
    block = html_blocks('<p align="center">\n  <img src="logo.png" alt="Logo">\n</p>\n')[0]
    assert html_block_text(block) == "[image: Logo]"
    source = '<div align="center"><a href="x"><img src="a.svg" alt="Build"></a>\n'
    source += "<a href='y'><img alt=Coverage src=b.svg></a></div>"
    assert html_block_text(source) == "[image: Build] [image: Coverage]"


@pytest.mark.parametrize(
    ("tag", "label"),
    [
        ('<img alt="Tom &amp; Jerry">', "[image: Tom & Jerry]"),
        ("<IMG SRC='x.png' ALT='Upper'>", "[image: Upper]"),
        ('<img alt="a > b" src=x>', "[image: a > b]"),
        ('<img\n  src="x"\n  alt="over\n  lines"\n/>', "[image: over lines]"),
        ('<img src="x" title="The title">', "[image]"),  # a title is a tooltip
        ('<img alt="Alt" title="Title">', "[image: Alt]"),
        ('<img src="x">', "[image]"),
        ('<img src="x" alt="">', "[image]"),
        ('<img alt="first" alt="second">', "[image: first]"),
        ("<image alt=old>", "[image: old]"),
    ],
)
def test_image_labels(tag: str, label: str):
    assert html_block_text(tag) == label
    assert inline_tag(tag).text == label


def test_plain_text_has_the_alt_alone_as_search_has_a_markdown_images():
    assert html_block_text('<p>a <img alt="Logo"> <img src=x> b</p>', plain=True) == "a Logo b"


def test_an_image_sits_among_its_words_as_a_browser_places_it():
    assert html_block_text('<p>see <img alt="A">, then<img alt="B">.</p>') == (
        "see [image: A], then[image: B]."
    )


def test_checkbox_inputs_read_as_task_boxes():
    assert html_block_text('<input type="checkbox" checked disabled>done') == "☑ done"
    assert html_block_text("<input type=CHECKBOX> open") == "☐ open"
    assert html_block_text('<input type="text" value="typed">x') == "x"
    assert html_block_text("<input type=checkbox checked>done", plain=True) == "done"


def test_checkbox_inputs_have_brackets_on_a_console(ascii_glyphs: None):
    assert html_block_text("<input type=checkbox checked>done") == "[x] done"
    assert inline_tag("<input type=checkbox>").text == "[ ] "


# --- line breaks and blocks -------------------------------------------------------------


@pytest.mark.parametrize("tag", ["<br>", "<br/>", "<br />", "<BR >", "<Br\n>", "</br>"])
def test_every_form_of_br_breaks_the_line(tag: str):
    assert html_block_text(f"one{tag}two") == "one\ntwo"


def test_br_runs_leave_one_blank_line_at_most_and_none_at_the_ends():
    assert html_block_text("a<br><br>b") == "a\n\nb"
    assert html_block_text("a" + "<br>" * 50 + "b") == "a\n\nb"
    assert html_block_text("<br><br>a<br><br>") == "a"
    assert html_block_text("<p>a<br></p><p>b</p>") == "a\n\nb"


PARAGRAPH_ELEMENTS = ["p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table"]
PARAGRAPH_ELEMENTS += ["dl", "figure", "details", "fieldset", "ul", "ol"]
LINE_ELEMENTS = ["div", "section", "article", "header", "footer", "nav", "main", "aside"]
LINE_ELEMENTS += ["center", "figcaption", "address", "summary", "caption", "form", "li", "tr"]
LINE_ELEMENTS += ["dt", "dd", "hgroup", "legend", "tbody", "thead", "tfoot"]


@pytest.mark.parametrize("name", PARAGRAPH_ELEMENTS + LINE_ELEMENTS)
def test_words_of_adjacent_blocks_never_run_together(name: str):
    lines = html_block_text(f"before<{name}>inside</{name}>after").split("\n")
    words = [line.strip(" •▌1.") for line in lines if line.strip()]
    assert words == ["before", "inside", "after"]


@pytest.mark.parametrize("name", ["p", "h1", "h6", "blockquote", "table", "dl", "figure"])
def test_blocks_with_a_margin_are_paragraphs(name: str):
    assert html_block_text(f"<{name}>x</{name}><{name}>y</{name}>").count("\n\n") == 1


@pytest.mark.parametrize("name", ["div", "section", "header", "center", "figcaption"])
def test_other_blocks_are_lines(name: str):
    assert html_block_text(f"<{name}>x</{name}><{name}>y</{name}>") == "x\ny"


def test_inline_elements_do_not_break_lines():
    source = "<p><b>bold</b> <i>it</i><span class='x'>alic</span> <code>c</code> <em>e</em></p>"
    assert html_block_text(source) == "bold italic c e"


def test_hr_is_a_paragraph_break():
    assert html_block_text("above<hr>below") == "above\n\nbelow"
    assert html_block_text("<hr/>") == ""


# --- lists, definitions, quotes, tables ------------------------------------------------


def test_list_items_start_lines_with_the_glyph_bullets_by_depth():
    source = "<ul>\n  <li>one</li>\n  <li>two\n    <ul><li>nested<ul><li>deep</li></ul></li></ul>"
    source += "\n  </li>\n</ul>"
    assert html_block_text(source) == "• one\n• two\n  ◦ nested\n    ▪ deep"


def test_list_bullets_are_ascii_on_a_console(ascii_glyphs: None):
    assert html_block_text("<ul><li>a<ul><li>b</li></ul></li></ul>") == "* a\n  - b"


def test_ordered_lists_number_their_items():
    assert html_block_text("<ol><li>a</li><li>b</li></ol>") == "1. a\n2. b"
    assert html_block_text('<ol start="7"><li>g<li>h</ol>') == "7. g\n8. h"
    assert html_block_text('<ol><li>a<li value="10">j<li>k</ol>') == "1. a\n10. j\n11. k"
    assert html_block_text('<ol start="x"><li>a</ol>') == "1. a"


def test_an_item_left_open_is_closed_by_the_next():
    assert html_block_text("<ul><li>a<li>b<li>c</ul>") == "• a\n• b\n• c"


def test_an_item_without_a_list_still_has_its_bullet():
    assert html_block_text("<li>cut from its list</li>") == "• cut from its list"


def test_item_content_in_paragraphs_stays_beside_its_bullet():
    source = "<ul><li><p>first</p></li><li><p>second</p><p>more</p></li></ul>"
    assert html_block_text(source) == "• first\n\n• second\n\n  more"


def test_definition_lists_indent_each_definition_under_its_term():
    source = "<dl><dt>Term</dt><dd>Its definition</dd><dt>Other<dd>Second<dd>Third</dl>"
    assert html_block_text(source) == "Term\n    Its definition\nOther\n    Second\n    Third"


def test_a_blockquote_has_the_quote_bar():
    assert html_block_text("<blockquote>quoted<br>lines</blockquote>") == "▌ quoted\n▌ lines"


def test_table_cells_are_separated_and_rows_are_lines():
    source = """<table>
  <thead><tr><th>Name</th><th>Value</th></tr></thead>
  <tbody>
    <tr><td>alpha</td><td>1</td></tr>
    <tr><td>beta</td><td><b>2</b> and 3</td></tr>
  </tbody>
</table>"""
    assert html_block_text(source) == "Name │ Value\nalpha │ 1\nbeta │ 2 and 3"
    assert html_block_text(source, plain=True) == "Name | Value\nalpha | 1\nbeta | 2 and 3"


def test_cells_without_a_table_around_them_are_still_separated():
    assert html_block_text("<td>a</td><td>b</td>") == "a │ b"


def test_a_nested_table_counts_its_own_cells():
    source = "<table><tr><td>a</td><td><table><tr><td>x</td><td>y</td></tr></table></td>"
    source += "<td>b</td></tr></table>"
    assert html_block_text(source) == "a │\n\nx │ y\n\n│ b"


def test_deep_nesting_caps_the_indent():
    text = html_block_text("<ul><li>x" * 1000)
    lines = text.split("\n")
    assert len(lines) == 1000
    assert max(len(line) for line in lines) <= 24 + len("• x")


# --- white space -----------------------------------------------------------------------


def test_white_space_collapses_as_a_browser_collapses_it():
    source = "<p>\n   many    spaces\tand\n\n  lines   </p>\n\n<p>  next </p>"
    assert html_block_text(source) == "many spaces and lines\n\nnext"


def test_a_non_breaking_space_is_kept():
    assert html_block_text("<p>a&nbsp;&nbsp;b</p>") == "a\xa0\xa0b"


def test_pre_keeps_its_white_space_and_drops_its_first_line_end():
    source = "<pre>\n  indented\n\n\n    more   spaced\n</pre>\n<p>after</p>"
    assert html_block_text(source) == "  indented\n\n\n    more   spaced\n\nafter"


def test_pre_inside_an_item_is_indented_under_it():
    assert html_block_text("<ul><li>code:<pre>a\n b</pre></li></ul>") == "• code:\n\n  a\n   b"


def test_carriage_returns_are_line_ends():
    assert html_block_text("<p>x</p>\r\n<pre>a\r\nb\rc</pre>") == "x\n\na\nb\nc"


# --- sup, sub, kbd, links, quotes --------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("x<sup>2</sup>", "x²"),
        ("e<sup>-(n+1)</sup>", "e⁻⁽ⁿ⁺¹⁾"),
        ("H<sub>2</sub>O", "H₂O"),
        ("1<sup>st</sup> and 2<sup>nd</sup>", "1ˢᵗ and 2ⁿᵈ"),
        ("x<sub>max</sub>", "xₘₐₓ"),
        ("log<sub>b</sub>", "log_b"),
        ("text<sup>[1]</sup>", "text^[1]"),
        ("a<sup>see note</sup>", "a^(see note)"),
        ("a<sub>two words</sub>", "a_(two words)"),
        ("x<sup> 2 </sup>y", "x ² y"),
        ("x<sup></sup>y", "xy"),
        ('word<sup><a href="#fn1">3</a></sup>', "word³"),
        ("x<sup>a<sup>b</sup></sup>", "xᵃᵇ"),  # only the outermost is collected
    ],
)
def test_sup_and_sub(source: str, expected: str):
    assert html_block_text(f"<p>{source}</p>") == expected


def test_sup_and_sub_read_as_written_in_plain_text():
    assert html_block_text("<p>H<sub>2</sub>O x<sup>n th</sup></p>", plain=True) == "H2O xn th"


def test_sup_on_a_console_uses_the_caret(ascii_glyphs: None):
    assert html_block_text("<p>x<sup>2</sup> H<sub>2</sub>O</p>") == "x^2 H_2O"
    assert superscript("2") == "^2"


def test_a_block_or_an_image_inside_sup_ends_it():
    assert html_block_text("x<sup>2<br>y</sup>z") == "x²\nyz"
    assert html_block_text('x<sup>a<img alt="b"></sup>') == "xᵃ[image: b]"


def test_sup_inside_pre_keeps_its_white_space():
    assert html_block_text("<pre>x<sup>2</sup>\n  y<sub>a b</sub></pre>") == "x²\n  y_(a b)"


def test_superscript_and_subscript():
    assert superscript("0123456789+-=()") == "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾"
    assert subscript("0123456789+-=()") == "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"
    assert superscript("TM") == "ᵀᴹ"
    assert superscript("q") == "^q"  # no superscript q
    assert superscript("2,3") == "^2,3"
    assert superscript("a b") == "^(a b)"
    assert subscript("y") == "_y"
    assert superscript("") == subscript("") == ""


def test_kbd_shows_the_keys_text():
    assert html_block_text("<p>Press <kbd>Ctrl</kbd>+<kbd>C</kbd>.</p>") == "Press Ctrl+C."


def test_a_link_shows_its_text_not_its_href():
    assert html_block_text('<a href="https://example.com/x">the text</a>') == "the text"
    assert html_block_text('<a name="anchor"></a><h2>Heading</h2>') == "Heading"


def test_q_gets_quotation_marks():
    assert html_block_text("<p>He said <q>hi</q>.</p>") == "He said \u201chi\u201d."
    assert html_block_text("<p><q>hi</q></p>", plain=True) == "hi"


def test_q_gets_ascii_quotation_marks_on_a_console(ascii_glyphs: None):
    assert html_block_text("<p><q>hi</q></p>") == '"hi"'
    assert inline_tag("</q>").text == '"'


def test_details_give_their_summary_then_their_body():
    source = "<details>\n<summary>More <b>info</b></summary>\n\n<p>The body.</p></details>"
    assert html_block_text(source) == "More info\n\nThe body."


# --- character references and sanitizing -------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("&amp; &lt;b&gt;", "& <b>"),  # a decoded `<` is text, never a tag
        ("&#x2014; &#8212; &mdash;", "— — —"),
        ("&copy 2024", "© 2024"),
        ("&notin; &notit;", "∉ ¬it;"),
        ("&#0; &#xD800; &#x110000;", "\ufffd \ufffd \ufffd"),
        ("&#" + "9" * 5000 + ";x", "\ufffdx"),  # int() would refuse these digits
        ("&#x" + "f" * 5000 + "x", "\ufffdx"),
        ("&#x0000000041;", "A"),
        ("&nosuchentity; & &#x;", "&nosuchentity; & &#x;"),
    ],
)
def test_character_references_are_decoded(source: str, expected: str):
    assert html_block_text(f"<p>{source}</p>") == expected


@pytest.mark.parametrize(
    "source",
    [
        "<p>&#x1b;[2J&#27;]52;c;eA==&#7;</p>",
        "<p>\x1b[2J\x9b1m</p>",
        '<img alt="&#x1b;[2J&#x9d;x">',
        "<![CDATA[\x1b]0;title\x07]]>",
        "<textarea>&#x1b;[2J</textarea>",
        "<pre>\x1b[31m</pre>",
    ],
)
def test_no_escape_or_control_reaches_the_terminal(source: str):
    text = html_block_text(source)
    assert not any(ord(char) < 0x20 and char not in "\n\t" for char in text), text
    assert not any(0x7F <= ord(char) <= 0x9F for char in text), text


def test_sanitizing_comes_after_decoding():
    assert html_block_text("<p>a&#x202E;b</p>") == "a⟨U+202E⟩b"
    assert inline_tag('<img alt="&#x202E;x">').text == "[image: ⟨U+202E⟩x]"


# --- text that is not a tag -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<p>a < b and c > d</p>", "a < b and c > d"),
        ("<p>I <3 it</p>", "I <3 it"),
        ("<p>1 <= 2</p>", "1 <= 2"),
        ("<div>x</div>\n</", "x\n</"),
        ("<p>a</>b</p>", "ab"),  # the standard ignores `</>`
        ("<p>a</ 3>b</p>", "ab"),  # a bogus comment
        ("<a <b>c</b>", "<a c"),  # `<` cannot start an attribute here
    ],
)
def test_a_lone_less_than_is_text(source: str, expected: str):
    assert html_block_text(source) == expected


def test_a_tag_cut_by_the_end_of_the_block_is_dropped():
    assert html_block_text('<p>text</p>\n<div class="a"\n  id="b"') == "text"
    assert html_block_text('<p>text</p><img alt="open quote') == "text"
    assert html_block_text("<p>text</p></div") == "text"


def test_text_without_markup_skips_the_parser(monkeypatch: pytest.MonkeyPatch):
    def refuse(source: str, writer: object) -> None:
        raise AssertionError("the parser ran")

    monkeypatch.setattr(html_text, "_read", refuse)
    assert html_block_text("  just\n  words  \x1b[2J ") == "just words"
    with pytest.raises(AssertionError):
        html_block_text("<p>x</p>")


# --- inline tags --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("<kbd>", InlineTag("open", "kbd", "", "", block=False, hidden=False)),
        ("</KBD>", InlineTag("close", "kbd", "", "", block=False, hidden=False)),
        ("<sup>", InlineTag("open", "sup", "", "", block=False, hidden=False)),
        ("<br>", InlineTag("break", "br", "\n", "", block=False, hidden=False)),
        ("<br/>", InlineTag("break", "br", "\n", "", block=False, hidden=False)),
        ("<BR >", InlineTag("break", "br", "\n", "", block=False, hidden=False)),
        ("</br>", InlineTag("break", "br", "\n", "", block=False, hidden=False)),
        ("<hr>", InlineTag("break", "hr", "\n", "", block=True, hidden=False)),
        (
            '<img src=x alt="y &amp; z">',
            InlineTag("image", "img", "[image: y & z]", "", False, False),
        ),
        ("<!-- note -->", InlineTag("comment", "", "", "", block=False, hidden=False)),
        ("<?php x ?>", InlineTag("comment", "", "", "", block=False, hidden=False)),
        ("<!DOCTYPE html>", InlineTag("comment", "", "", "", block=False, hidden=False)),
        ("<![CDATA[a < b]]>", InlineTag("comment", "", "", "", block=False, hidden=False)),
        ('<span class="x">', InlineTag("open", "span", "", "", block=False, hidden=False)),
        ('<a href="u?a=1&amp;b=2">', InlineTag("open", "a", "", "u?a=1&b=2", False, False)),
        ("<div>", InlineTag("open", "div", "", "", block=True, hidden=False)),
        ("</p>", InlineTag("close", "p", "", "", block=True, hidden=False)),
        ("<script>", InlineTag("open", "script", "", "", block=False, hidden=True)),
        ("</style>", InlineTag("close", "style", "", "", block=False, hidden=True)),
        ("<wbr>", InlineTag("void", "wbr", "", "", block=False, hidden=False)),
        ("<input type=checkbox checked>", InlineTag("void", "input", "☑ ", "", False, False)),
        ("<q>", InlineTag("open", "q", "\u201c", "", block=False, hidden=False)),
        ("</q>", InlineTag("close", "q", "\u201d", "", block=False, hidden=False)),
        ("< p>", InlineTag("other", "", "", "", block=False, hidden=False)),
        ("</ p>", InlineTag("other", "", "", "", block=False, hidden=False)),
    ],
)
def test_inline_tag(source: str, expected: InlineTag):
    assert inline_tag(source) == expected


def test_inline_tags_of_a_markdown_paragraph():
    markdown = 'Press <kbd>Ctrl</kbd>, x<sup>2</sup> <img src=x alt="Logo"> <!-- note --> a<br/>b\n'
    kinds = [(tag.kind, tag.name, tag.text) for tag in map(inline_tag, html_inlines(markdown))]
    assert kinds == [
        ("open", "kbd", ""),
        ("close", "kbd", ""),
        ("open", "sup", ""),
        ("close", "sup", ""),
        ("image", "img", "[image: Logo]"),
        ("comment", "", ""),
        ("break", "br", "\n"),
    ]


def test_an_inline_href_is_sanitized():
    assert inline_tag('<a href="x&#x1b;]8;;y">').href == "x]8;;y"


# --- hostile input: linear time -----------------------------------------------------------


def _fill(unit: str) -> Callable[[int], str]:
    return lambda size: unit * max(1, size // len(unit))


def _nested(opening: str, closing: str = "") -> Callable[[int], str]:
    def make(size: int) -> str:
        count = max(1, size // (len(opening) + len(closing)))
        return opening * count + "x" + closing * count

    return make


#: Input families, among them each one that made CPython 3.11's html.parser quadratic
#: (unclosed comments, `<!` and `</` runs, `<` without `>`, long numeric references).
HOSTILE: dict[str, Callable[[int], str]] = {
    "<!-- run": _fill("<!--"),
    "<!-- --> run": _fill("<!-- -->"),
    "<! run": _fill("<!"),
    "<![ run": _fill("<!["),
    "<![CDATA[ run": _fill("<![CDATA["),
    "<? run": _fill("<?"),
    "<?> run": _fill("<?>"),
    "<? > run, no ?>": _fill("<? >"),  # each `<?` looks for a `?>` there is not
    "</ run": _fill("</"),
    "</a run": _fill("</a"),
    "</a> run": _fill("</a>"),
    "< run": _fill("<"),
    "<a run": _fill("<a "),
    "<a b= run": _fill("<a b="),
    '<img alt=" run': _fill('<img alt="'),
    "<img alt=' run": _fill("<img alt='"),
    "phased quotes": lambda size: '<a b="<a b=" c="' + ' c="' * (size // 4),
    "mixed quotes": _fill("<a b=\"x' c='y\""),
    "<a and spaces": lambda size: "<a" + " " * size + "\x01",
    "attributes, no >": lambda size: "<a " + "b=c " * (size // 4),
    "deep <div>": _fill("<div>"),
    "deep <ul><li>": _fill("<ul><li>x"),
    "deep <blockquote>": _fill("<blockquote>"),
    "deep <table><td>": _fill("<table><tr><td>x"),
    "deep <dl><dd>": _fill("<dl><dd>x"),
    "nested <sup>": _nested("<sup>", "</sup>"),
    "</sup> run": _fill("</sup>"),
    "stray </ul> after <div>s": lambda size: "<div>" * (size // 10) + "</ul>" * (size // 10),
    "<br> run": lambda size: "x" + "<br>" * (size // 4),
    "<td> run": _fill("<td>x"),
    "<li> run": _fill("<li>x"),
    "unclosed <pre>": lambda size: "<pre>" + "a  b\n" * (size // 5),
    "<script> run": _fill("<script>"),
    "<title> run": _fill("<title>"),
    "<title>x</title> run": _fill("<title>x</title>"),
    "<template> run": _fill("<template>"),
    "&# digits": lambda size: "&#" + "9" * size,
    "&#x digits": lambda size: "&#x" + "f" * size,
    "& run": _fill("&"),
    "&amp run": _fill("&amp"),
    "words": _fill("word "),
    "spaces": lambda size: "<p>" + " " * size + "x",
}


@pytest.mark.parametrize("family", sorted(HOSTILE))
def test_block_text_is_linear_on_hostile_input(family: str):
    small, large, ratio = growth(
        lambda text: html_block_text(str(text)), HOSTILE[family], ENTRY_CAP
    )
    assert ratio <= MAX_GROWTH, f"{family}: 10 KB {small * 1e3:.2f} ms, 100 KB {large * 1e3:.2f} ms"


def _tags(size: int) -> Iterator[str]:
    yield '<img alt="' + "a" * size + '">'
    yield "<a " + "b=c " * (size // 4) + ">"
    yield "<!--" + "-" * size + "-->"
    yield '<a href="' + "&amp;" * (size // 5) + '">'


@pytest.mark.parametrize("index", range(4))
def test_inline_tag_is_linear_on_long_tags(index: str):
    def make(size: int) -> str:
        return list(_tags(size))[int(index)]

    small, large, ratio = growth(lambda text: inline_tag(str(text)), make, ENTRY_CAP)
    assert ratio <= MAX_GROWTH, f"10 KB {small * 1e3:.2f} ms, 100 KB {large * 1e3:.2f} ms"


def test_half_a_megabyte_of_hostile_html_reads_in_well_under_a_second():
    """The sizes the issue names, at once: linear is not enough if the constant is huge."""
    import time

    for make in (
        HOSTILE["<!-- run"],
        HOSTILE["<a run"],
        HOSTILE['<img alt=" run'],
        HOSTILE["deep <div>"],
        HOSTILE["unclosed <pre>"],
    ):
        start = time.process_time()
        html_block_text(make(500_000))
        assert time.process_time() - start < 1.0
    start = time.process_time()
    html_block_text("<pre>" + "line of code\n" * 250_000)  # 3 MB after an unclosed <pre>
    assert time.process_time() - start < 2.0
