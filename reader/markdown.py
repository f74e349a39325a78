"""One Markdown dialect for the whole reader: parsing, plain text, links, slugs.

The pack, the search index and the reading pane must agree on what a document says,
so they all get their parser and their text extraction from here. No Textual.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from reader.lazy_pattern import LazyPattern
from reader.markdown_syntax import ATX_MARKS_SOURCE, SETEXT_UNDERLINE_SOURCE, TAG
from reader.sanitize import sanitize_line

__all__ = [
    "Link",
    "github_slug",
    "github_slugs",
    "heading_titles",
    "iter_links",
    "markdown_parser",
    "parse",
    "plain_text",
    "strip_inline_markup",
]

_NOT_SLUG = LazyPattern(r"[^\w\- ]", re.UNICODE)
# The ASCII characters `_NOT_SLUG` drops, for the fast path of `github_slug`.
_ASCII_NOT_SLUG = bytes(byte for byte in range(0x80) if _NOT_SLUG.match(chr(byte)))
_ASCII_NOT_SLUG_BUT_LINE_END = _ASCII_NOT_SLUG.replace(b"\n", b"")
_INLINE_MARKUP = LazyPattern(r"[*_`\[\]<>!\\&~]")
# Printable ASCII that is not inline markup, and the line end that joins headings.
_PLAIN_HEADING = bytes(byte for byte in range(0x20, 0x7F) if not _INLINE_MARKUP.match(chr(byte)))
_PLAIN_HEADING += b"\n"
_BLANK_RUNS = LazyPattern(r"\n{3,}")
_TASK_ITEM = LazyPattern(r"\[[ xX]\][ \t\n\v\f\r]")  # GitHub's `- [ ] ` and `- [x] `
_CHECKBOX = '<input class="task-list-item-checkbox" {}disabled="disabled" type="checkbox">'


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark plus the GitHub extensions that study notes actually use."""
    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.use(footnote_plugin)
    parser.core.ruler.after("inline", "github-tasklists", _task_lists)
    return parser


def _task_lists(state: StateCore) -> None:
    """mdit-py-plugins' `tasklists_plugin` rule, giving the same tokens in one pass.

    The plugin looks back from each task item for the list holding it, so a list of
    12,000 `- [ ] a` lines (100 KB) took 13 s to parse; here the last token seen at each
    level is remembered on the way, and the list is the last one a level up.
    """
    tokens = state.tokens
    last_at_level: dict[int, int] = {}
    for index in range(len(tokens) - 1):
        token = tokens[index]
        if (
            index >= 2
            and token.type == "inline"
            and tokens[index - 1].type == "paragraph_open"
            and tokens[index - 2].type == "list_item_open"
            and _TASK_ITEM.match(token.content)
        ):
            checkbox = Token("html_inline", "", 0)
            if token.content.startswith("[ ] "):
                checkbox.content = _CHECKBOX.format("")
            elif token.content.startswith(("[x] ", "[X] ")):
                checkbox.content = _CHECKBOX.format('checked="checked" ')
            if token.children is not None:  # always, once the inline rule has run
                token.children.insert(0, checkbox)
                token.children[1].content = token.children[1].content[3:]
            token.content = token.content[3:]
            item = tokens[index - 2]
            item.attrSet("class", "task-list-item")
            # Not found: the last token, as the plugin's `tokens[-1]` does.
            tokens[last_at_level.get(item.level - 1, -1)].attrSet("class", "contains-task-list")
        last_at_level[token.level] = index


def parse(markdown: str) -> list[Token]:
    """Parse a block of Markdown into markdown-it tokens."""
    return markdown_parser().parse(markdown)


def github_slug(text: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to '-'."""
    folded = text.strip().lower()
    if folded.isascii():
        # Loading slugs every heading; bytes.translate deletes the same ASCII characters
        # `_NOT_SLUG` does (on ASCII, \w is [A-Za-z0-9_]) in half the time of re.sub.
        return (
            folded.encode("ascii")
            .translate(None, _ASCII_NOT_SLUG)
            .decode("ascii")
            .replace(" ", "-")
        )
    return _NOT_SLUG.sub("", folded).replace(" ", "-")


def github_slugs(texts: list[str]) -> list[str]:
    """`github_slug` of each text: one pass over all of a file's headings, not a call each.

    Joined by line ends, ASCII texts are folded and cleaned in one go (lower case and
    deleting ASCII characters work character by character, so the joins change nothing);
    the count of line ends proves no text held one of its own.
    """
    folded = "\n".join([text.strip() for text in texts]).lower()
    if not folded.isascii() or folded.count("\n") != len(texts) - 1:
        return [github_slug(text) for text in texts]
    cleaned = folded.encode("ascii").translate(None, _ASCII_NOT_SLUG_BUT_LINE_END)
    return cleaned.replace(b" ", b"-").decode("ascii").split("\n")


def heading_titles(texts: list[str]) -> list[str]:
    """`sanitize_line(strip_inline_markup(text))` of each heading text, in one pass if plain.

    Most headings are plain words. When all of a file's headings, joined by line ends, are
    printable ASCII without markup characters or a double space (one translate says so),
    each title is its text stripped: `strip_inline_markup` has nothing to parse, and
    `sanitize_line` nothing to remove or fold. The count of line ends proves no text held
    one of its own.
    """
    joined = "\n".join(texts)
    if (
        joined.isascii()
        and "  " not in joined
        and joined.count("\n") == len(texts) - 1
        and not joined.encode("ascii").translate(None, _PLAIN_HEADING)
    ):
        return [text.strip() for text in texts]
    return [sanitize_line(strip_inline_markup(text)) for text in texts]


def strip_inline_markup(text: str) -> str:
    """Plain text of one line of inline Markdown (a heading), fast when there is none."""
    if not _INLINE_MARKUP.search(text):
        return text.strip()
    tokens = markdown_parser().parseInline(text)
    return "".join(_inline_text(tokens[0].children or [])).strip() if tokens else text.strip()


def _inline_text(children: Iterable[Token]) -> Iterator[str]:
    for child in children:
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type == "image":
            yield child.content or str(child.attrGet("alt") or "")
        elif child.type in ("softbreak", "hardbreak"):
            yield " "
        elif child.type == "html_inline":
            continue


def plain_text(tokens: list[Token]) -> str:
    """The readable words of a token stream, one block a paragraph, for search and print."""
    parts: list[str] = []
    in_cell = False
    for token in tokens:
        if token.type in ("th_open", "td_open"):
            in_cell = True
        elif token.type in ("th_close", "td_close"):
            in_cell = False
        elif token.type == "tr_close":
            parts.append("\n")
        elif token.type == "inline":
            parts.append("".join(_inline_text(token.children or [])))
            parts.append(" | " if in_cell else "\n\n")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content.rstrip("\n") + "\n\n")
        elif token.type == "html_block":
            text = TAG.sub("", token.content).strip()
            if text:
                parts.append(text + "\n\n")
    return _BLANK_RUNS.sub("\n\n", "".join(parts)).strip()


class Link(NamedTuple):
    """A link as written in the source: where it points, its text and its line."""

    href: str
    text: str
    line: int  # 0-based line within the parsed Markdown


def iter_links(tokens: list[Token]) -> Iterator[Link]:
    """Every link in reading order, with the line it starts on.

    A paragraph is one inline token, so line breaks inside it are counted: `reader
    check` must point at the line a broken link is on, not at its paragraph's first.
    """
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] if token.map else 0
        href: str | None = None
        words: list[str] = []
        link_line = line
        for child in token.children:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                if href is not None:
                    words.append(" ")
            elif child.type == "html_inline":
                line += child.content.count("\n")
            if child.type == "link_open":
                href = str(child.attrGet("href") or "")
                words, link_line = [], line
            elif child.type == "link_close" and href is not None:
                text = unicodedata.normalize("NFC", "".join(words))
                yield Link(href=href, text=text, line=link_line)
                href = None
            elif href is not None and child.type in ("text", "code_inline"):
                words.append(child.content)


# Linear on any text (tests/unit/test_redos.py): a link text or target ends at the next
# `[`, so a line of 60,000 `![` or `[a](` is read once, not once from each of them (a
# nested `[` is where CommonMark starts the link too: `[a [b](c)` links only `b`); an
# autolink cannot hold `<` (CommonMark's rule), so a run of `<http:` is read once too.
_IMAGE = LazyPattern(r"!\[([^\[\]\n]*+)\]\([^)\[\n]*+\)")
_LINK = LazyPattern(r"\[([^\[\]\n]*+)\](?:\([^)\[\n]*+\)|\[[^\[\]\n]*+\])")
_AUTOLINK = LazyPattern(r"<((?:https?|mailto|ftp):[^<>\s]*+)>")
_LINE_MARKERS = LazyPattern(
    rf"^(?:{ATX_MARKS_SOURCE}[ \t]++| {{0,3}}(?:>[ \t]?|[-+*][ \t]++))", re.MULTILINE
)
_RULE_LINE = LazyPattern(r"^ {0,3}[-=*_|:~` ]{3,}+$", re.MULTILINE)
# Emphasis and code marks go (so "*word*," stays "word,"); table pipes become spaces.
# Underscores stay: they are word characters in names, and FTS5 splits on them anyway.
_MARKUP_CHARACTERS = str.maketrans({"*": None, "~": None, "`": None, "|": " "})
# A section's first line when it is its heading (ATX, or setext under one line of text).
_HEADING_LINES = LazyPattern(
    rf"\A(?:{ATX_MARKS_SOURCE}(?:[ \t][^\n]*+)?\n| *+\S[^\n]*+\n{SETEXT_UNDERLINE_SOURCE}\n)"
)


def search_text(markdown: str) -> str:
    """Plain words of Markdown without a full parse, for the search index.

    Indexing a 3.5 MB pack through markdown-it held the interpreter for seconds after the
    first screen; search needs the words, not the structure, so link targets, tags and
    markup characters are stripped by pattern instead. Rendering still uses markdown-it.
    """
    text = _HEADING_LINES.sub("", markdown, count=1)  # the title is indexed on its own
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = TAG.sub("", text)
    text = _RULE_LINE.sub("", text)
    text = _LINE_MARKERS.sub("", text)
    return text.translate(_MARKUP_CHARACTERS).strip()
