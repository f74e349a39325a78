"""What Markdown's constructs look like in the source: one definition of each.

The line scanner (reader.scan), the search text (reader.markdown), the pack's comparison
finder (reader.pack), the drawing pipeline (reader.render.blocks) and the comparison
panel must agree on what a heading, a tag or a `<details>` block is; each is defined
here once, and they import it. No Textual.

Every pattern runs in linear time on any text (tests/unit/test_redos.py): a run the
pattern cannot give back usefully is taken possessively (`*+`, `++`), and a tag or
element ends at the next opening of its own kind, so a failing match is never retried
from every position of a long run. Each compiles on first use (LazyPattern): most packs
never meet a `<details>` block or a setext heading.
"""

from __future__ import annotations

import re

from reader.lazy_pattern import LazyPattern

__all__ = [
    "ATX_HEADING",
    "ATX_MARKS_SOURCE",
    "ATX_OPENING",
    "DEFINITION",
    "DETAILS_CLOSE",
    "DETAILS_ELEMENT",
    "DETAILS_OPEN",
    "DETAILS_TAG",
    "FOOTNOTE_DEFINITION",
    "FOOTNOTE_MARK",
    "HTML_BLOCK_KINDS",
    "HTML_ID",
    "HTML_SPACE_RUN",
    "SETEXT_UNDERLINE",
    "SETEXT_UNDERLINE_SOURCE",
    "SUMMARY",
    "TAG",
    "collapse_html_space",
    "escape_markdown",
    "html_block_kind",
]

# --- headings (CommonMark 0.31.2, 4.2 and 4.3) ------------------------------------------

#: Regex source: up to three spaces, then the one to six `#` that give an ATX heading its
#: level (group 1). A heading needs a space, a tab or the line's end after them.
ATX_MARKS_SOURCE = r" {0,3}(#{1,6})"
#: Regex source: a setext heading's underline of `=` (level 1) or `-` (level 2), without
#: its line end.
SETEXT_UNDERLINE_SOURCE = r" {0,3}(=++|-++)[ \t]*+"

#: A whole ATX heading line: its marks (group 1) and its text (group 2, None when empty).
#: The text is the shortest one the closing sequence can follow, as a lazy `(.*?)` finds
#: it, but a space run joins the text only when no closing sequence follows it, so no
#: position is tried twice.
ATX_HEADING = LazyPattern(
    rf"^{ATX_MARKS_SOURCE}(?:[ \t]++((?:[^ \t\n]++|[ \t]++(?!(?:#++[ \t]*+)?$))*+))?"
    r"(?:[ \t]++#++)?+[ \t]*+$"
)
#: An ATX heading up to its text: the scanner's fast path cuts the text off by hand.
ATX_OPENING = LazyPattern(rf"{ATX_MARKS_SOURCE}(?:[ \t]++|$)")
SETEXT_UNDERLINE = LazyPattern(rf"^{SETEXT_UNDERLINE_SOURCE}$")

# --- HTML tags, `<details>` and `<summary>` ---------------------------------------------

#: Any tag, up to 400 characters: a `<` never starts a scan of the rest of the text.
TAG = LazyPattern(r"<[^>]{0,400}+>")
#: An element's id as a link's `#fragment` finds it (`<a id="DEP0190"></a>`, `<a name=x>`,
#: any element with an id); group 1, 2 or 3 is the id, as quoted or not.
HTML_ID = LazyPattern(
    r"<[A-Za-z][^<>]{0,400}?\s(?:id|name)\s*+=\s*+(?:\"([^\"<>]*+)\"|'([^'<>]*+)'|([^\s\"'<>=`]++))",
    re.IGNORECASE,
)

# A tag name ends as CommonMark's HTML block condition 6 ends it: at white space, `/`,
# `>` or the line's end. So `<details-list>` is some other (custom) element.
_DETAILS_NAME = r"details(?=[\s/>]|$)"
_DETAILS_END = r"/details\s*+>"  # `</details>`, after its `<`
_SUMMARY_END = r"/summary\s*+>"  # `</summary>`, after its `<`
_SUMMARY_START = r"<summary(?:[^<>]++|<(?!summary))*+>"  # its attributes included

#: A run of HTML's white space (not Python's `\s`, which also takes U+00A0 and the
#: separator controls, which a browser shows).
HTML_SPACE_RUN = LazyPattern(r"[ \t\n\f\r]++")


def collapse_html_space(text: str) -> str:
    """Runs of HTML white space as one space, as a browser shows text."""
    return HTML_SPACE_RUN.sub(" ", text)


#: A whole `<details …>` or `</details>` tag.
DETAILS_TAG = LazyPattern(rf"</?{_DETAILS_NAME}[^<>]{{0,400}}+>", re.IGNORECASE)
#: Where an opening `<details` tag starts (its attributes are not read).
DETAILS_OPEN = LazyPattern(rf"<{_DETAILS_NAME}", re.IGNORECASE)
DETAILS_CLOSE = LazyPattern(rf"<{_DETAILS_END}", re.IGNORECASE)
#: A `<summary>` element; group 1 is what it holds, tags and all.
SUMMARY = LazyPattern(
    rf"{_SUMMARY_START}((?:[^<]++|<(?!summary|{_SUMMARY_END}))*+)<{_SUMMARY_END}",
    re.IGNORECASE,
)
#: A `<details>` element: its `summary` (if it starts with one) and its `body`. One left
#: open runs to the end of the text, as a browser shows it.
DETAILS_ELEMENT = LazyPattern(
    rf"<{_DETAILS_NAME}(?:[^<>]++|<(?!{_DETAILS_NAME}))*+>\s*+"
    rf"(?:{_SUMMARY_START}"
    rf"(?P<summary>(?:[^<]++|<(?!summary|{_SUMMARY_END}|{_DETAILS_END}))*+)<{_SUMMARY_END})?"
    rf"(?P<body>(?:[^<]++|<(?!{_DETAILS_END}))*+)(?:<{_DETAILS_END}|\Z)",
    re.IGNORECASE,
)

# --- HTML blocks (CommonMark 0.31.2, 4.6) -----------------------------------------------

# The block-level tag names of start condition 6, as markdown-it-py 4 lists them
# (markdown_it/common/html_blocks.py, from https://spec.commonmark.org/0.31.2/#html-blocks).
_BLOCK_NAMES = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|"
    "details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|frameset|"
    "h1|h2|h3|h4|h5|h6|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
    "noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
    "thead|title|tr|track|ul"
)
# Start condition 7: a whole open or closing tag alone on its line (markdown-it-py's
# markdown_it/common/html_re.py, `open_tag` and `close_tag`).
_ATTRIBUTE = (
    r"(?:\s+[a-zA-Z_:][a-zA-Z0-9:._-]*"
    r"(?:\s*=\s*(?:[^\"'=<>`\x00-\x20]+|'[^']*'|\"[^\"]*\"))?)"
)
_OPEN_TAG = rf"<[A-Za-z][A-Za-z0-9\-]*{_ATTRIBUTE}*\s*\/?>"
_CLOSE_TAG = r"<\/[A-Za-z][A-Za-z0-9\-]*\s*>"

#: CommonMark's seven kinds of HTML block, in the order they are tried, as
#: (how its first line starts, what ends it, whether it may interrupt a paragraph).
#: "What ends it" is a pattern its last line contains, or None: a blank line (kinds 6
#: and 7), which is not part of the block. The patterns are applied to a line without
#: its indent (at most three spaces). They follow CommonMark's start and end conditions
#: 1-7 as markdown-it-py 4 writes them (markdown_it/rules_block/html_block.py, whose
#: `HTML_SEQUENCES` is not public API); tests/unit/test_markdown_syntax.py checks that
#: the reader still decides as markdown-it parses, on examples of each kind.
HTML_BLOCK_KINDS: tuple[tuple[LazyPattern[str], LazyPattern[str] | None, bool], ...] = (
    (  # 1: raw text elements, blank lines and all
        LazyPattern(r"^<(?a:script|pre|style|textarea)(?=\s|>|$)", re.IGNORECASE),
        LazyPattern(r"<\/(?a:script|pre|style|textarea)>", re.IGNORECASE),
        True,
    ),
    (LazyPattern(r"^<!--"), LazyPattern(r"-->"), True),  # 2: a comment
    (LazyPattern(r"^<\?"), LazyPattern(r"\?>"), True),  # 3: a processing instruction
    (LazyPattern(r"^<![A-Za-z]"), LazyPattern(r">"), True),  # 4: a declaration
    (LazyPattern(r"^<!\[CDATA\["), LazyPattern(r"\]\]>"), True),  # 5: CDATA
    (  # 6: a block-level tag, open or closing, complete or not
        LazyPattern(rf"^</?(?a:{_BLOCK_NAMES})(?=\s|/?>|$)", re.IGNORECASE),
        None,
        True,
    ),
    (  # 7: any other whole tag alone on its line
        LazyPattern(rf"^(?:{_OPEN_TAG}|{_CLOSE_TAG})\s*$"),
        None,
        False,
    ),
)

_RAW_TEXT_NAMES = frozenset(("script", "pre", "style", "textarea"))
_BLOCK_NAME_SET = frozenset(_BLOCK_NAMES.split("|"))
#: A tag's name after `<` or `</`: all kinds 1 and 6 need to know.
_TAG_NAME = LazyPattern(r"</?([A-Za-z][A-Za-z0-9-]*+)")


def html_block_kind(text: str) -> int | None:
    """Which of HTML_BLOCK_KINDS (1-7) the line `text` (indent removed) starts, or None:
    the first whose opener matches, as trying them in order finds it.

    Kinds 1 and 6 are told by a set lookup of the tag name, not by their patterns: each
    is an alternation of tens of names, and compiling them cost ~5 M instructions (a
    few milliseconds) of the first screen of any pack with a `<details>` in it. Kind 7's
    pattern is compiled only for a line that is no other kind.
    """
    if not text.startswith("<"):
        return None
    second = text[1:2]
    if second == "!":
        if text.startswith("<!--"):
            return 2
        if text.startswith("<![CDATA["):
            return 5
        return 4 if text[2:3].isascii() and text[2:3].isalpha() else None
    if second == "?":
        return 3
    name = _TAG_NAME.match(text)
    if name is not None:
        tag, after = name[1].lower(), text[name.end() :]
        ends = not after or after[0].isspace() or after[0] == ">"
        if ends and second != "/" and tag in _RAW_TEXT_NAMES:
            return 1
        if (ends or after.startswith("/>")) and tag in _BLOCK_NAME_SET:
            return 6
    return 7 if HTML_BLOCK_KINDS[6][0].search(text) else None


# --- link reference and footnote definitions (CommonMark 4.7; GFM footnotes) ------------

#: A line that starts a link reference definition (`[label]: …`) or a footnote's
#: (`[^label]: …`); group 1 is the label (a footnote's with its `^`). A label holds no
#: unescaped bracket and at most 999 characters, as CommonMark's.
DEFINITION = LazyPattern(r" {0,3}\[((?:[^\[\]\\]|\\.){1,999}+)\]:")
#: A line that starts a footnote's definition.
FOOTNOTE_DEFINITION = LazyPattern(r" {0,3}\[\^[^\[\]\s]++\]:")
#: A footnote's mark in text (`[^label]`); group 1 is the label.
FOOTNOTE_MARK = LazyPattern(r"\[\^([^\[\]\s]++)\]")

# --- escaping ---------------------------------------------------------------------------

#: Characters that can make plain text Markdown (emphasis, links, headings, tables, HTML).
_SPECIAL = "\\`*_{}[]()<>#+!|~"
_ESCAPED = str.maketrans({char: "\\" + char for char in _SPECIAL})


def escape_markdown(text: str) -> str:
    """Text that Markdown shows as it is: each special character behind a backslash."""
    return text.translate(_ESCAPED)
