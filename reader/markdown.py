"""One Markdown dialect for the whole reader: parsing, plain text, links, slugs.

The pack, the search index and the reading pane must agree on what a document says,
so they all get their parser and their text extraction from here. No Textual.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple

from markdown_it import MarkdownIt
from markdown_it.common.utils import normalizeReference
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.footnote.index import footnote_def

from reader.lazy_pattern import LazyPattern
from reader.markdown_syntax import (
    ATX_MARKS_SOURCE,
    FOOTNOTE_DEFINITION,
    FOOTNOTE_MARK,
    SETEXT_UNDERLINE_SOURCE,
    TAG,
)
from reader.sanitize import sanitize_line

__all__ = [
    "NO_DEFINITIONS",
    "Definitions",
    "FootnoteLabels",
    "Link",
    "block_parser",
    "cited_notes",
    "collect_definitions",
    "definitions_of",
    "footnote_label",
    "github_slug",
    "github_slugs",
    "heading_titles",
    "image_alt",
    "inline_token_text",
    "iter_links",
    "markdown_parser",
    "parse",
    "parser_for",
    "plain_text",
    "strip_inline_markup",
    "table_cells",
    "without_comments",
    "without_footnote_definitions",
    "without_footnote_marks",
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
# A line that could hold a definition list's `: definition` (or `~ definition`), in a
# quote or a list item too: after nothing but indents, `>` and list markers.
_DEFINITION_MARK = LazyPattern(r"^[ \t>*+0-9.)-]*+[:~]", re.MULTILINE)


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    """CommonMark plus GitHub's extensions (tables, strikethrough, task lists, alerts,
    footnotes, bare-URL autolinks) and definition lists, which glossaries are written in.

    Footnote definitions stay where they are written (`move_to_end=False`): a section is
    parsed in chunks, and the reading pane gathers the notes a section uses at its end.
    """
    from mdit_py_plugins.deflist import deflist_plugin

    from reader.autolink import autolink_plugin

    parser = _build_core_parser()
    parser.use(deflist_plugin)
    parser.use(autolink_plugin)
    return parser


def parser_for(markdown: str) -> MarkdownIt:
    """`markdown_parser`, or the same parser without bare links and definition lists when
    the text holds nothing either could find (no `://`, `www.`, `@`, nor a line starting
    `:` or `~` after indents, `>` or list markers): both give such text the same tokens,
    and most first screens are drawn without loading or running the two (~4 M
    instructions of a ~1,150 M first screen)."""
    if (
        "://" in markdown
        or "www." in markdown
        or "@" in markdown
        or _DEFINITION_MARK.search(markdown)
    ):
        return markdown_parser()
    return _core_parser()


@lru_cache(maxsize=1)
def block_parser() -> MarkdownIt:
    """The reader's parser with block rules only, for readers of a file's structure (which
    lines are glossary terms, which paragraphs hold cards) that do not need the inline
    structure of every paragraph: the full parse takes three times as long."""
    parser = markdown_parser.__wrapped__()
    parser.disable(["inline", "text_join"])
    return parser


@lru_cache(maxsize=1)
def _core_parser() -> MarkdownIt:
    return _build_core_parser()


def _build_core_parser() -> MarkdownIt:
    """CommonMark plus tables, strikethrough, task lists, alerts and footnotes."""
    options = {"html": True, "tasklists": True, "alerts": True, "strikethrough_single_tilde": True}
    parser = MarkdownIt("commonmark", options).enable(["table", "strikethrough"])
    parser.use(footnote_plugin, inline=False, move_to_end=False)
    parser.block.ruler.at("footnote_def", _footnote_definition, {"alt": ["paragraph", "reference"]})
    return parser


def _footnote_definition(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """The footnote plugin's definition rule, keeping the numbers already given.

    The plugin marks a defined label unnumbered again; a section parsed in chunks shares
    one environment, so a note referenced in an earlier chunk would be numbered twice.
    """
    at = state.bMarks[start] + state.tShift[start]
    if not state.src.startswith("[^", at):  # tried at every block: the cheap test first
        return False
    if silent:
        return footnote_def(state, start, end, silent)
    refs: dict[str, int] = state.env.get("footnotes", {}).get("refs", {})
    label_end = state.src.find("]", at, state.eMarks[start])
    number = refs.get(":" + state.src[at + 2 : label_end]) if label_end > 0 else None
    found = footnote_def(state, start, end, silent)
    if number is not None and number >= 0:
        state.env["footnotes"]["refs"][":" + state.src[at + 2 : label_end]] = number
    return found


def footnote_label(label: str) -> str:
    """A footnote label as GitHub matches it: case folded, as link labels are."""
    return normalizeReference(label)


class FootnoteLabels(dict[str, int]):
    """The footnote plugin's map of labels (`":" + label` -> number, -1 before the first
    reference), matching labels without regard to case as GitHub does (`[^Note]` cites
    `[^note]:`): the plugin looks labels up exactly, so the map folds every key."""

    @classmethod
    def unnumbered(cls, labels: Iterable[str]) -> FootnoteLabels:
        folded = cls()
        for label in labels:
            folded[":" + label] = -1
        return folded

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(footnote_label(key))

    def __getitem__(self, key: str) -> int:
        return super().__getitem__(footnote_label(key))

    def __setitem__(self, key: str, value: int) -> None:
        super().__setitem__(footnote_label(key), value)

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        return super().get(footnote_label(key), default)


class Definitions(NamedTuple):
    """A file's link reference definitions and footnote texts, for parsing any part of it.

    A pack is cut into sections parsed alone, while a reference (`[text][ref]`) or a
    footnote (`[^1]`) is defined once for the whole file, usually at its end.
    """

    #: markdown-it's `env["references"]`: normalized label -> {"href", "title", "map"}.
    references: dict[str, dict[str, object]]
    #: Footnote label (folded: `footnote_label`) -> the Markdown of its text (continuation
    #: lines unindented).
    footnotes: dict[str, str]
    #: Footnote label -> its number: GitHub numbers a file's notes in the order they are
    #: first referenced, and a section shows the same numbers as the whole file would.
    footnote_numbers: dict[str, int]

    def environment(self) -> dict[str, object]:
        """A fresh markdown-it environment knowing these definitions: one per document,
        shared by its chunks (the footnote numbers run on across them)."""
        return {
            "references": dict(self.references),
            "footnotes": {"refs": FootnoteLabels.unnumbered(self.footnotes), "list": {}},
        }


NO_DEFINITIONS = Definitions({}, {}, {})


def collect_definitions(text: str, starts: Iterable[int]) -> Definitions:
    """The definitions at these offsets of `text` (lines the line scanner found starting
    with `[label]:` outside code, HTML and paragraphs), parsed as markdown-it reads them.

    Each candidate is taken up to the next blank line (a footnote also with the indented
    blocks after it), the pieces parsed together once; markdown-it then says what each
    defines and where a footnote's text ends.
    """
    pieces: list[str] = []
    starts = list(starts)
    if not starts:
        return NO_DEFINITIONS
    for start, following in zip(starts, [*starts[1:], len(text)], strict=True):
        footnote = bool(FOOTNOTE_DEFINITION.match(text, start))
        end = _definition_end(text, start, following, footnote)
        pieces.append(text[start:end].rstrip("\n"))
    if not pieces:
        return NO_DEFINITIONS
    source = "\n\n".join(pieces) + "\n"
    env: dict[str, object] = {}
    parser = parser_for(source)
    tokens = parser.block.parse(source, parser, env, [])
    lines = source.split("\n")
    footnotes: dict[str, str] = {}
    for token in tokens or []:
        if token.type == "footnote_reference_open" and token.level == 0 and token.map:
            label = str((token.meta or {}).get("label", ""))
            label = footnote_label(label)
            if label and label not in footnotes:  # the first definition wins
                footnotes[label] = _footnote_text(lines[token.map[0] : token.map[1]])
    references = env.get("references", {})
    numbers = _footnote_numbers(text, set(starts), footnotes) if footnotes else {}
    return Definitions(references if isinstance(references, dict) else {}, footnotes, numbers)


def _footnote_numbers(
    text: str, definitions: set[int], footnotes: dict[str, str]
) -> dict[str, int]:
    """Each footnote's number as GitHub gives it: the order of first reference in the file.

    Only lines holding `[^` are parsed, one at a time and inline only, in one environment:
    the footnote plugin numbers references as it meets them, and a code span, a fenced
    block or an HTML comment holds none (a definition's own label is not one either).
    """
    env: dict[str, object] = {
        "footnotes": {"refs": FootnoteLabels.unnumbered(footnotes), "list": {}}
    }
    from reader.scan import unfenced_lines

    parser = _core_parser()  # footnote marks are all it looks for
    for start, line in unfenced_lines(_blank_comments(text)):
        if "[^" not in line:
            continue
        if start in definitions:  # `[^a]: …`: what follows the label may cite another
            line = line[line.find("]:") + 2 :]
        parser.parseInline(line, env)
    listed = env["footnotes"]["list"]  # type: ignore[index]
    return {
        footnote_label(str(note["label"])): number + 1
        for number, note in listed.items()
        if "label" in note
    }


def cited_notes(markdown: str, definitions: Definitions) -> list[str]:
    """The Markdown of each footnote `markdown` cites (in order, once each), as its
    file's `definitions` have them: what the reading pane draws at its end."""
    cited: dict[str, str] = {}
    for match in FOOTNOTE_MARK.finditer(markdown):
        label = footnote_label(match[1])
        note = definitions.footnotes.get(label)
        if note is not None and label not in cited:
            cited[label] = note
    return list(cited.values())


def without_footnote_marks(text: str, definitions: Definitions) -> str:
    """The text without the marks of the footnotes `definitions` has (`[^1]`: their notes
    are indexed with the section); `[^a-z]` and other brackets stay."""

    def drop(mark: re.Match[str]) -> str:
        return "" if footnote_label(mark[1]) in definitions.footnotes else mark[0]

    return FOOTNOTE_MARK.sub(drop, text)


def without_footnote_definitions(markdown: str) -> str:
    """The Markdown without its footnote definitions (`[^x]: …` and the indented lines
    after it), which the reading pane draws where they are cited, not here."""
    kept: list[str] = []
    inside = False
    for line in markdown.split("\n"):
        if FOOTNOTE_DEFINITION.match(line):
            inside = True
        elif not (inside and (not line.strip() or line.startswith(("    ", "\t")))):
            inside = False
            kept.append(line)
    return "\n".join(kept)


def definitions_of(markdown: str) -> Definitions:
    """The definitions in a piece of Markdown that is not a pack file (found by scanning)."""
    if "]:" not in markdown:
        return NO_DEFINITIONS
    from reader.scan import scan_lines

    lines = markdown.split("\n")
    offsets = [0, *itertools.accumulate(len(line) + 1 for line in lines)]
    return collect_definitions(markdown, [offsets[n] for n in scan_lines(lines)[4]])


def _definition_end(text: str, start: int, limit: int, footnote: bool) -> int:
    """Where a definition starting at `start` may end (at `limit`, the next one, at the
    latest): the next blank line, or for a footnote the first line after a blank one that
    is not indented by four."""
    position = start
    after_blank = False
    while position < limit:
        end = text.find("\n", position, limit)
        end = limit if end < 0 else end + 1
        line = text[position:end].rstrip("\n")
        if not line.strip():
            if not footnote:
                return position
            after_blank = True
        elif after_blank and not line.startswith(("    ", "\t")):
            return position
        else:
            after_blank = False
        position = end
    return min(position, limit)


def _footnote_text(lines: list[str]) -> str:
    """A footnote definition's lines as the Markdown of its text: the label taken off the
    first line and the continuation lines unindented by up to four columns."""
    first = lines[0].lstrip(" ")
    first = first[first.index("]:") + 2 :].lstrip(" \t")
    rest = [line[4:] if line.startswith("    ") else line.lstrip("\t") for line in lines[1:]]
    return "\n".join([first, *rest]).strip("\n")


def parse(markdown: str, env: dict[str, object] | None = None) -> list[Token]:
    """Parse a block of Markdown into markdown-it tokens; `env` (see
    `Definitions.environment`) brings the definitions of the file it comes from."""
    return parser_for(markdown).parse(markdown, env)


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
    tokens = parser_for(text).parseInline(text)
    return "".join(_inline_text(tokens[0].children or [])).strip() if tokens else text.strip()


def inline_token_text(token: Token) -> str:
    """The plain text of one inline token (a definition list's term): its words, code
    and image descriptions, without markup or tags."""
    return "".join(_inline_text(token.children or []))


def _inline_text(children: Iterable[Token]) -> Iterator[str]:
    for child in children:
        if child.type in ("text", "code_inline"):
            yield child.content
        elif child.type == "image":
            yield image_alt(child)
        elif child.type in ("softbreak", "hardbreak"):
            yield " "
        elif child.type == "html_inline":
            continue


class TableCells(NamedTuple):
    """A GFM table's cells as markdown-it's inline tokens, row by row (`table_cells`)."""

    header: list[Token]
    rows: list[list[Token]]
    aligns: list[str]  # each column's, "left" when the delimiter row says nothing
    end: int  # the position after the table's closing token


def table_cells(tokens: list[Token], position: int) -> TableCells:
    """The table opening at `position`: its header cells, its body rows and each
    column's alignment; what the reading pane draws and plain mode reads from."""
    header: list[Token] = []
    rows: list[list[Token]] = []
    aligns: list[str] = []
    row: list[Token] | None = None
    in_head = False
    position += 1
    while position < len(tokens) and tokens[position].type != "table_close":
        token = tokens[position]
        if token.type == "thead_open":
            in_head = True
        elif token.type == "tbody_open":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type in ("th_open", "td_open"):
            if in_head:
                style = str(token.attrGet("style") or "")
                aligns.append(style.removeprefix("text-align:") or "left")
        elif token.type == "inline" and row is not None:
            row.append(token)
        elif token.type == "tr_close" and row is not None:
            if in_head:
                header = row
            else:
                rows.append(row)
            row = None
        position += 1
    return TableCells(header, rows, aligns, position + 1)


def image_alt(image: Token) -> str:
    """An image's description as a browser shows it: the plain text of its label
    (`![*a* `b`](x)` is "a b"), not the label's Markdown."""
    if image.children:
        return "".join(_inline_text(image.children))
    return image.content or str(image.attrGet("alt") or "")


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
            from reader.html_text import html_block_text  # loaded only for raw HTML

            text = html_block_text(token.content, plain=True)
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


def _comments(text: str) -> Iterator[tuple[int, int]]:
    """Where each HTML comment starts and ends, whatever it holds: from `<!--` to the
    next `-->`; one left open, to the end of the text, as HTML reads it."""
    position = 0
    while (start := text.find("<!--", position)) >= 0:
        end = text.find("-->", start + 4)
        position = len(text) if end < 0 else end + 3
        yield start, position


def _replace_comments(text: str, replace: Callable[[str], str]) -> str:
    if "<!--" not in text:
        return text
    kept: list[str] = []
    position = 0
    for start, end in _comments(text):
        kept.append(text[position:start])
        kept.append(replace(text[start:end]))
        position = end
    kept.append(text[position:])
    return "".join(kept)


def _blank_comments(text: str) -> str:
    """The text with each HTML comment's characters spaces (its line ends kept), so what is
    left stays at the same offsets and lines."""
    return _replace_comments(
        text, lambda comment: "\n".join(" " * len(part) for part in comment.split("\n"))
    )


def without_comments(text: str) -> str:
    """The text with its HTML comments taken out, whatever they hold."""
    return _replace_comments(text, lambda comment: "")


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
    text = TAG.sub("", without_comments(text))
    text = _RULE_LINE.sub("", text)
    text = _LINE_MARKERS.sub("", text)
    return text.translate(_MARKUP_CHARACTERS).strip()
