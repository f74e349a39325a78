"""Linear text of Markdown for `reader --plain`, the screen-reader and braille mode.

The full-screen reader draws tables with box lines, quotes with bars and headings with
underlines; read aloud or on a braille line those are noise, and a table drawn in
columns is read across its cells in no useful order. Here every construct becomes words
that say what it is, one line at a time, in reading order:

- `Heading 2: Title` for a heading (its level said, no `#` or underline).
- Paragraphs wrapped at the width; emphasis marks dropped, code spans as their text,
  `~~struck~~` as `(struck out: struck)`, `==highlight==` as its text.
- A link is its text and its number, `text [3]`, collected in `PlainPage.links`; an
  image is `Image: alt` alone in its paragraph, `(image: alt)` among words.
- A footnote mark is `(note 1)`; the notes follow at the end under `Notes:`.
- Lists: `- ` and `1. ` markers, two more columns of indent a level, task items
  `done:` or `to do:`.
- A table says its size, then one line a row with each cell after its column's header:
  `Row 1: Feature: Main target; Autoimmune: Own molecules.`, then `End of table.`
- A code block is `Code (python):`, its lines as written (split where longer than the
  width, which its announcement then says), then `End of code.`; a block drawn with
  box-drawing characters is `Diagram, drawing characters left out:`, its words where
  they stand, then `End of diagram.`
- A quote is `Quote:` … `End of quote.`; a GitHub alert `Warning:` … `End of warning.`
- A definition list is `Term: definition`.
- Raw HTML is the text a browser shows (reader.html_text), comments never; a rule is
  the blank line between blocks, nothing drawn.
- In a file of self-test cards (`cards=True`), a card is `Question: …` then `Answer: …`
  (a cloze's blanks as `[...]`, then the whole sentence).

Every text goes through reader.sanitize, and a last pass removes any control character
left (tabs become spaces): no line holds ESC, C0, C1 or DEL. Lines are measured in
terminal cells (Rich's `cell_len`, as the app measures them), so CJK and emoji wrap at
the width. Everything is linear in the input: the parser bounds nesting (markdown-it's
`maxNesting`), indents are capped, and each text is wrapped in one pass.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from markdown_it.token import Token
from rich.cells import cell_len, chop_cells, split_graphemes

from reader.glyphs import Glyphs, current
from reader.lazy_pattern import LazyPattern
from reader.markdown import (
    NO_DEFINITIONS,
    Definitions,
    definitions_of,
    footnote_label,
    image_alt,
    parse,
    parser_for,
    table_cells,
)
from reader.sanitize import sanitize

if TYPE_CHECKING:
    from reader.pack import Section

__all__ = ["MIN_WIDTH", "PlainLink", "PlainPage", "markdown_page", "section_page"]

#: The narrowest page: lines are at most `max(width, MIN_WIDTH)` cells.
MIN_WIDTH = 10

#: Any control character `sanitize` keeps (tab, line end) or a text could still hold:
#: the last pass over every line removes them (a tab is a space before this).
_CONTROLS = LazyPattern("[\x00-\x1f\x7f-\x9f]")
#: A highlight (`==word==`) outside a file of cards: its marks dropped, as GitHub does
#: not highlight either. A `[^=]` run stops at the next `=`, so a long run is read once.
_HIGHLIGHT = LazyPattern(r"==(?=[^\s=])([^=\n]*+)==")
_SPACES = LazyPattern(r"[ \t\n\r\f\v]++")
_ALERT_NAMES = {
    "note": "Note",
    "tip": "Tip",
    "important": "Important",
    "warning": "Warning",
    "caution": "Caution",
}
_INDENT_CAP = 24  # columns of indent at most, however deep the nesting
_LANGUAGE_CAP = 40  # characters of a code block's language name
#: Box-drawing, block and geometric-shape characters (U+2500 to U+25FF): the lines and
#: arrowheads of a diagram drawn in a code block. A screen reader names each one ("box
#: drawings light horizontal" nine times over); a braille line shows dots.
_DRAWING = dict.fromkeys(range(0x2500, 0x2600), " ")
#: A code block is a diagram when at least this many of its characters are drawing ones,
#: and at least one in DIAGRAM_SHARE of those that are not spaces.
_DIAGRAM_MIN, _DIAGRAM_SHARE = 8, 10


@dataclass(frozen=True)
class PlainLink:
    """A numbered link of a page: what `text [N]` in its lines leads to."""

    number: int  # 1-based, as shown in the text as "[N]"
    text: str  # the link text, sanitized, one line
    href: str  # the raw destination (after reference resolution)


@dataclass(frozen=True)
class PlainPage:
    """A document as lines of at most the width asked, and its links in order."""

    lines: list[str]
    links: list[PlainLink]


def section_page(section: Section, width: int, *, cards: bool | None = None) -> PlainPage:
    """The section as linear text: its own Markdown, with the reference definitions of its
    file (`section.definitions`) so `[text][ref]` links and footnotes resolve.

    `cards`: whether its file holds self-test cards (`Pack.holds_cards`, which also knows
    the manifest's list), shown as questions and answers; None asks the file alone (its
    `#flashcards` tag or front matter).
    """
    if cards is None:
        from reader.cards import is_card_file

        cards = is_card_file(section.file)
    return markdown_page(section.markdown, width, section.definitions, cards=cards)


def markdown_page(
    markdown: str, width: int, definitions: Definitions | None = None, *, cards: bool = False
) -> PlainPage:
    """Any Markdown (a glossary definition, a card's question or answer) as linear text;
    without `definitions`, those the Markdown itself holds are used. A `width` below
    `MIN_WIDTH` is taken as `MIN_WIDTH` (a wide character needs two cells, a list marker
    and its text a few more)."""
    if definitions is None:
        definitions = definitions_of(markdown) if markdown else NO_DEFINITIONS
    writer = _Writer(max(MIN_WIDTH, width), definitions, cards=cards)
    tokens = parse(sanitize(markdown), writer.env)
    writer.blocks(tokens, 0, None)
    writer.footnotes()
    return PlainPage(writer.finished_lines(), writer.links)


# --- wrapping ------------------------------------------------------------------------


def _words(text: str) -> Iterator[str]:
    """The words of a text between runs of white space (not U+00A0: a no-break
    space holds its words together)."""
    for word in _SPACES.split(text):
        if word:
            yield word


def _split_cells(text: str, width: int) -> list[str]:
    """Pieces of `text` each at most `width` cells: a character, or a cluster of them
    drawn as one (an emoji with its joiners or variation selector), never cut."""
    if text.isascii():
        return [text[start : start + width] for start in range(0, len(text), width)]
    return chop_cells(text, width)


def _wrap(text: str, first_width: int, rest_width: int) -> list[str]:
    """Greedy word wrap in terminal cells; a word longer than a line is split."""
    lines: list[str] = []
    line: list[str] = []
    used = 0
    limit = max(1, first_width)
    for word in _words(text):
        cells = len(word) if word.isascii() else cell_len(word)
        if line and used + 1 + cells <= limit:
            line.append(word)
            used += 1 + cells
            continue
        if line:
            lines.append(" ".join(line))
            line, used = [], 0
            limit = max(1, rest_width)
        if cells <= limit:
            line, used = [word], cells
            continue
        pieces = list(_split_cells(word, limit))
        for piece in pieces[:-1]:
            lines.append(piece)
            limit = max(1, rest_width)
        last = pieces[-1]
        line, used = [last], cell_len(last)
    if line:
        lines.append(" ".join(line))
    return lines


# --- the writer ----------------------------------------------------------------------


class _Writer:
    """Walks the tokens once, writing lines and numbering links and notes."""

    def __init__(self, width: int, definitions: Definitions, *, cards: bool) -> None:
        self.width = width
        self.definitions = definitions
        self.env = definitions.environment()
        self.cards = cards
        self.lines: list[str] = []
        self.links: list[PlainLink] = []
        self.indent = ""  # before every line of the block being written
        # A list item's marker: the first line of its first block starts with it,
        # `outer` indent first (the item's own indent is `outer` + spaces as wide).
        self.marker: tuple[str, str] | None = None
        self.compact = False  # inside a tight list item: no blank line between blocks
        self.attached = False  # the next block follows the line before without a gap
        self.task = ""  # a task item's state, said before its first paragraph
        self.indent_cap = max(0, min(_INDENT_CAP, width // 2 - 4))

    # --- lines ---

    def gap(self) -> None:
        """A blank line before the next block, unless one is there or a marker waits."""
        if self.marker is not None or self.compact or self.attached:
            self.attached = False
            return
        if self.lines and self.lines[-1]:
            self.lines.append("")

    def write(self, text: str, hanging: str = "") -> None:
        """One logical line of words, wrapped; `hanging` more indent after the first."""
        first_prefix = self._first_prefix()
        rest_prefix = self.indent + hanging
        if len(rest_prefix) > self.indent_cap:
            rest_prefix = rest_prefix[: self.indent_cap]
        wrapped = _wrap(
            text, self.width - cell_len(first_prefix), self.width - cell_len(rest_prefix)
        )
        for number, line in enumerate(wrapped or [""]):
            prefix = first_prefix if number == 0 else rest_prefix
            self.lines.append((prefix + line).rstrip(" ") if line else "")

    def write_verbatim(self, line: str) -> None:
        """A line of code as written (the caller split it to fit)."""
        self.lines.append((self._first_prefix() + line).rstrip(" "))

    def _first_prefix(self) -> str:
        if self.marker is not None:
            outer, marker = self.marker
            self.marker = None
            room = max(0, self.indent_cap - len(marker))
            return outer[:room] + marker
        return self.indent[: self.indent_cap]

    def room(self) -> int:
        """Cells left for text after the current indent."""
        if self.marker is not None:
            outer, marker = self.marker
            used = len(outer[: max(0, self.indent_cap - len(marker))] + marker)
        else:
            used = len(self.indent[: self.indent_cap])
        return max(1, self.width - used)

    def finished_lines(self) -> list[str]:
        """The lines as the page gives them: no blank line first, last or twice, no
        control character, none wider than the page (the last guard of the contract)."""
        lines = self.lines
        while lines and not lines[-1]:
            lines.pop()
        result: list[str] = []
        for line in lines:
            line = line.replace("\t", " ")
            if not line.isprintable():
                line = _CONTROLS.sub("", line)
            line = line.rstrip(" ")
            if cell_len(line) > self.width:  # a marker or indent on a very narrow page
                result.extend(piece.rstrip(" ") for piece in _split_cells(line, self.width))
            elif line or (result and result[-1]):
                result.append(line)
        return result

    # --- blocks ---

    def blocks(self, tokens: list[Token], position: int, closing: str | None) -> int:
        """Write the blocks from `position` to the `closing` token; where it ends."""
        while position < len(tokens):
            token = tokens[position]
            kind = token.type
            if closing is not None and kind == closing:
                return position + 1
            if kind == "heading_open":
                self.gap()
                level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
                self.write(f"Heading {level}: {self.inline(tokens[position + 1])}")
                position += 3
            elif kind == "paragraph_open":
                self.paragraph(tokens[position + 1])
                position += 3
            elif kind in ("fence", "code_block"):
                self.code(token)
                position += 1
            elif kind == "hr":
                self.gap()  # the blank line between blocks is the separation
                position += 1
            elif kind == "html_block":
                self.html(token.content)
                position += 1
            elif kind == "blockquote_open":
                position = self.framed(tokens, position + 1, "blockquote_close", "Quote")
            elif kind == "alert_open":
                alert = str((token.meta or {}).get("kind", "note")).lower()
                name = _ALERT_NAMES.get(alert, "Note")
                position = self.framed(tokens, position + 1, "alert_close", name)
            elif kind == "alert_title_open":
                position += 3  # announced from its kind
            elif kind in ("bullet_list_open", "ordered_list_open"):
                position = self.list_block(tokens, position)
            elif kind == "table_open":
                position = self.table(tokens, position)
            elif kind == "dl_open":
                position = self.definition_list(tokens, position)
            elif kind == "footnote_reference_open":
                position = _after(tokens, position, "footnote_reference_close")
            else:
                position += 1
        return position

    def paragraph(self, inline: Token) -> None:
        """A paragraph's words wrapped (a hard break starts a line); an image alone is
        announced as one; in a file of cards, the cards it holds."""
        if self.cards and _may_hold_cards(inline.content) and self.card_paragraph(inline.content):
            return
        self.gap()
        children = inline.children or []
        if len(children) == 1 and children[0].type == "image":  # an image alone
            alt = self.clean(image_alt(children[0]))
            task, self.task = self.task, ""
            self.write(task + (f"Image: {alt}" if alt else "Image"))
            return
        for line in self.inline(inline).split("\n"):
            self.write(line)

    def card_paragraph(self, content: str) -> bool:
        """A paragraph of a file of cards, as its cards and text; False if it holds none."""
        from reader.cards import cloze_back, cloze_front, read_paragraph

        pieces, _ = read_paragraph(content)
        if not pieces:
            return False
        for piece in pieces:
            if piece.kind == "text":
                self.gap()
                self.write(self.inline_markdown(piece.question))
                continue
            if piece.kind == "cloze":
                question, answer = cloze_front(piece), cloze_back(piece)
            else:
                question, answer = piece.question, piece.answer
            self.gap()
            self.write("Question: " + self.inline_markdown(question), "  ")
            if answer:
                self.write("Answer: " + self.inline_markdown(answer), "  ")
            else:  # a `?` card: its answer is the block after it
                self.write("Answer:")
        return True

    def inline_markdown(self, markdown: str) -> str:
        """A card side's Markdown as one line of words (it is parsed apart from its
        paragraph, in the page's environment: its links and notes number on)."""
        tokens = parser_for(markdown).parseInline(markdown, self.env)
        return self.inline(tokens[0]).replace("\n", " ") if tokens else ""

    def code(self, token: Token) -> None:
        """Code as written between its announcement and its end: a screen reader reads
        it line by line, so a line is split only where it is wider than the page (the
        announcement says so), at a space when it can be."""
        info = token.info.strip().split(" ")[0] if token.info else ""
        language = " ".join(_words(sanitize(info)))[:_LANGUAGE_CAP]
        room = self.room()
        lines: list[str] = []
        split = False
        content = sanitize(token.content.rstrip("\n"))
        diagram = _is_diagram(content)
        if diagram:
            # Its words where they stand (a braille reader keeps the layout), its lines
            # and arrows left out, and the rows only they were on.
            content = "\n".join(
                line for line in content.translate(_DRAWING).split("\n") if line.strip()
            )
        for line in content.split("\n"):
            line = line.expandtabs(4).rstrip(" ")
            if not line.isprintable():
                line = _CONTROLS.sub("", line)
            cells = len(line) if line.isascii() else cell_len(line)
            if cells <= room:
                lines.append(line)
            else:
                lines.extend(_split_code(line, room))
                split = True
        self.gap()
        kind = "Diagram" if diagram else "Code"
        if diagram:
            name = "Diagram, drawing characters left out"
        else:
            name = f"Code ({language})" if language else "Code"
        self.write(f"{name}, long lines split:" if split else f"{name}:")
        for line in lines:
            self.write_verbatim(line)
        self.write(f"End of {kind.lower()}.")

    def html(self, source: str) -> None:
        """An HTML block as the text a browser shows (reader.html_text, as the app reads
        it), its drawn signs (quote bars, bullets, boxes) said in words."""
        from reader.html_text import html_block_text

        text = html_block_text(source)
        if not text.strip():
            return  # comments alone
        self.gap()
        glyphs = current()
        quoted = False
        outer = self.indent
        for line in text.split("\n"):
            line, in_quote = _unquoted(line, glyphs)
            if in_quote != quoted and line.strip():
                self.indent = outer
                self.write("Quote:" if in_quote else "End of quote.")
                quoted = in_quote
            if not line.strip():
                if self.lines and self.lines[-1] and not quoted:
                    self.lines.append("")
                continue
            words = line.lstrip(" ")
            self.indent = outer + " " * min(_INDENT_CAP, len(line) - len(words))
            self.write(_images_said(_plain_glyphs(words, glyphs)))
        self.indent = outer
        if quoted:
            self.write("End of quote.")

    def framed(self, tokens: list[Token], position: int, closing: str, name: str) -> int:
        """A quote or an alert: announced, its blocks, and where it ends."""
        self.gap()
        self.write(f"{name}:")
        compact, self.compact = self.compact, False
        self.attached = True  # its first block right under the announcement
        position = self.blocks(tokens, position, closing)
        self.attached = False
        self.compact = compact
        self.write(f"End of {name.lower()}.")
        return position

    def list_block(self, tokens: list[Token], position: int) -> int:
        """A list, its items' blocks under their markers: no blank lines between the
        items of a tight list, as it is written."""
        opening = tokens[position]
        ordered = opening.type == "ordered_list_open"
        closing = "ordered_list_close" if ordered else "bullet_list_close"
        start = opening.attrGet("start") if ordered else None
        number = int(start) if start is not None else 1
        tight = _is_tight(tokens, position)
        outer_indent, outer_compact = self.indent, self.compact
        self.gap()
        position += 1
        first = True
        while position < len(tokens) and tokens[position].type != closing:
            item = tokens[position]
            if item.type != "list_item_open":
                position += 1
                continue
            marker = f"{number}. " if ordered else "- "
            number += 1
            checked = (item.meta or {}).get("checked")
            task = ""
            if checked is True:
                task = "done: "
            elif checked is False:
                task = "to do: "
            if not first and not tight:
                self.compact = False
                self.gap()
            first = False
            self.marker = (outer_indent, marker)
            self.indent = outer_indent + " " * len(marker)
            self.compact = tight
            self.task = task
            position = self.blocks(tokens, position + 1, "list_item_close")
            if self.marker is not None:  # an empty item
                self.marker = None
                prefix = (outer_indent[: max(0, self.indent_cap - len(marker))] + marker).rstrip()
                self.lines.append(prefix + (" " + task.rstrip() if task else ""))
            self.task = ""
        self.indent, self.compact = outer_indent, outer_compact
        return position + 1

    def table(self, tokens: list[Token], position: int) -> int:
        """A table read row by row, each cell after its column's header: heard or felt
        on a braille line, a cell means nothing without its column."""
        table = table_cells(tokens, position)
        header = [self.cell_text(cell) for cell in table.header]
        rows = [[self.cell_text(cell) for cell in row] for row in table.rows]
        labels = [label or f"Column {number}" for number, label in enumerate(header, 1)]
        self.gap()
        self.write(
            f"Table: {_count(len(labels), 'column')}, {_count(len(rows), 'row')}."
            + (_sentence(" Columns: " + "; ".join(labels)) if labels else "")
        )
        for number, cells in enumerate(rows, 1):
            said = [
                f"{label}: {cell or '(empty)'}" for label, cell in zip(labels, cells, strict=False)
            ]
            self.write(_sentence(f"Row {number}: " + "; ".join(said)), "  ")
        self.write("End of table.")
        return table.end

    def cell_text(self, cell: Token) -> str:
        """A table cell's words on one line."""
        return " ".join(_words(self.inline(cell)))

    def definition_list(self, tokens: list[Token], position: int) -> int:
        """Each term with its definitions, `Term: definition`, one entry after another."""
        self.gap()
        outer_indent, outer_compact = self.indent, self.compact
        term = ""
        defined = True  # whether the last term has had a definition
        position += 1
        while position < len(tokens) and tokens[position].type != "dl_close":
            kind = tokens[position].type
            if kind == "dt_open":
                if not defined:
                    self.write(term)
                    self.compact = True
                term = " ".join(_words(self.inline(tokens[position + 1])))
                defined = False
                position += 3
            elif kind == "dd_open":
                position = self.definition(tokens, position + 1, term)
                self.indent, self.compact = outer_indent, True
                defined = True
            else:
                position += 1
        if not defined:
            self.write(term)
        self.indent, self.compact = outer_indent, outer_compact
        return position + 1

    def definition(self, tokens: list[Token], position: int, term: str) -> int:
        """One definition of `term`: `Term: its first paragraph`, its other blocks
        indented under it."""
        label = f"{term}: " if term else ""
        if position + 1 < len(tokens) and tokens[position].type == "paragraph_open":
            text = self.inline(tokens[position + 1]).replace("\n", " ")
            self.write(label + text, "  ")
            position += 3
        else:
            self.write(label.rstrip() or "Definition:")
        self.indent = self.indent + "  "
        self.compact = True
        return self.blocks(tokens, position, "dd_close")

    def footnotes(self) -> None:
        """The notes the page cited, in the order of their numbers, under `Notes:`."""
        data = self.env.get("footnotes")
        listed = data.get("list", {}) if isinstance(data, dict) else {}
        if not listed:
            return
        self.indent, self.compact, self.marker = "", False, None
        self.gap()
        self.write("Notes:")
        note = 0
        while note in listed:  # a note's text may cite a note not listed yet
            label = str(listed[note].get("label", ""))
            source = self.definitions.footnotes.get(footnote_label(label), "")
            number = self.note_number({"id": note, "label": label})
            self.gap()
            self.marker = ("", f"Note {number}: ")
            self.indent = "  "
            if source:
                self.blocks(parse(source, self.env), 0, None)
            if self.marker is not None:
                self.write("")
            self.indent = ""
            note += 1

    def note_number(self, meta: dict[str, object]) -> int:
        """A footnote's number in its file, as the app and GitHub number it."""
        label = footnote_label(str(meta.get("label", "")))
        number = self.definitions.footnote_numbers.get(label)
        if number is not None:
            return number
        identity = meta.get("id", 0)
        return (identity if isinstance(identity, int) else 0) + 1

    # --- inline ---

    def clean(self, text: str) -> str:
        """Decoded text (an image's description) sanitized, on one line."""
        return " ".join(_words(sanitize(text)))

    def inline(self, token: Token) -> str:
        """The words of an inline token; hard breaks as line ends, links numbered."""
        parts: list[str] = []
        if self.task:
            parts.append(self.task)
            self.task = ""
        link: tuple[str, list[str]] | None = None  # its href and words
        html_link = False
        hidden: str | None = None
        struck = 0
        shifted: list[tuple[str, list[str]]] = []
        for child in token.children or []:
            kind = child.type
            if hidden is not None:
                if kind == "html_inline":
                    from reader.html_text import inline_tag

                    tag = inline_tag(child.content)
                    if tag.kind == "close" and tag.name == hidden:
                        hidden = None
                continue
            if kind == "text":
                text = sanitize(child.content)
                if "==" in text:
                    text = _HIGHLIGHT.sub(r"\1", text)
                parts.append(text)
                if link is not None:
                    link[1].append(text)
            elif kind == "code_inline":
                text = sanitize(child.content)
                parts.append(text)
                if link is not None:
                    link[1].append(text)
            elif kind == "softbreak":
                parts.append(" ")
            elif kind == "hardbreak":
                parts.append("\n")
            elif kind == "s_open":
                struck += 1
                parts.append("(struck out: ")
            elif kind == "s_close" and struck:
                struck -= 1
                parts.append(")")
            elif kind == "link_open":
                if link is not None:  # a link inside `<a href>` ends it
                    self._end_link(parts, link)
                link, html_link = (str(child.attrGet("href") or ""), []), False
            elif kind == "link_close" and link is not None:
                self._end_link(parts, link)
                link = None
            elif kind == "image":
                alt = self.clean(image_alt(child))
                label = f"(image: {alt})" if alt else "(image)"
                parts.append(label)
                if link is not None:
                    link[1].append(f"image: {alt}" if alt else "image")
            elif kind == "footnote_ref":
                number = self.note_number(child.meta or {})
                parts.append(f" (note {number})")
            elif kind == "html_inline":
                from reader.html_text import inline_tag

                tag = inline_tag(child.content)
                if tag.hidden and tag.kind == "open":
                    hidden = tag.name
                elif tag.kind == "open" and tag.name in ("sup", "sub"):
                    shifted.append((tag.name, parts))
                    parts = []
                elif tag.kind == "close" and shifted and shifted[-1][0] == tag.name:
                    name, outer = shifted.pop()
                    inner = "".join(parts)
                    mark = "^" if name == "sup" else "_"
                    words = inner.split()
                    outer.append(f"{mark}({inner})" if len(words) > 1 else mark + inner)
                    parts = outer
                elif tag.kind == "open" and tag.name == "a" and tag.href and link is None:
                    link, html_link = (tag.href, []), True
                elif tag.kind == "close" and tag.name == "a" and html_link and link:
                    self._end_link(parts, link)
                    link, html_link = None, False
                elif tag.kind == "image":
                    alt = tag.text.removeprefix("[image").removesuffix("]").lstrip(": ")
                    parts.append(f"(image: {alt})" if alt else "(image)")
                elif tag.kind == "break":
                    parts.append("\n")
                elif tag.text:  # a quotation mark, a checkbox
                    parts.append(_plain_glyphs(tag.text, current()))
                elif tag.kind == "other":
                    parts.append(sanitize(child.content))
        while shifted:  # a <sup> never closed: its text as written
            _, outer = shifted.pop()
            outer.extend(parts)
            parts = outer
        if link is not None:
            self._end_link(parts, link)
        text = "".join(parts)
        return "\n".join(" ".join(_words(line)) for line in text.split("\n"))

    def _end_link(self, parts: list[str], link: tuple[str, list[str]]) -> None:
        href, words = link
        number = len(self.links) + 1
        text = " ".join(_words("".join(words))) or href
        self.links.append(PlainLink(number, " ".join(_words(sanitize(text))), href))
        parts.append(f" [{number}]")


# --- small helpers -------------------------------------------------------------------


def _unquoted(line: str, glyphs: Glyphs) -> tuple[str, bool]:
    """A line of HTML text (reader.html_text) without its quote bars, and whether it had
    any: a quote is announced in words here."""
    bar = glyphs.quote_bar
    if not line.startswith(bar) and line.rstrip() != bar.rstrip():
        return line, False
    while line.startswith(bar):
        line = line[len(bar) :]
    if line.rstrip() == bar.rstrip():
        line = ""
    return line, True


def _plain_glyphs(text: str, glyphs: Glyphs) -> str:
    """HTML text with the reader's drawn signs as words: a bullet is `- `, a checkbox
    `done: ` or `to do: `, the rule between table cells `; `."""
    for bullet in glyphs.bullets:
        if text.startswith(bullet):
            text = "- " + text[len(bullet) :]
            break
    undone, done = glyphs.tasks
    if undone in text or done in text:
        text = text.replace(done, "done: ").replace(undone, "to do: ")
    vertical = f" {glyphs.table_vertical} "
    if vertical in text:
        text = text.replace(vertical, "; ")
    return text


#: reader.html_text's picture of an `<img>`: `[image: alt]`, `[image]` without one (an
#: alt never runs past a `[`, so a line of unclosed `[image: [image: …` stays linear).
_HTML_IMAGE = LazyPattern(r"\[image(?:: ([^\[\]\n]*))?\]")


def _images_said(line: str) -> str:
    """An HTML block's `[image: alt]` as a Markdown image reads here: `Image: alt` on
    a line of its own, `(image: alt)` among words (the brackets are read out)."""
    if "[image" not in line:
        return line
    alone = _HTML_IMAGE.fullmatch(line.strip())
    if alone is not None:
        return f"Image: {alone.group(1)}" if alone.group(1) else "Image"
    return _HTML_IMAGE.sub(
        lambda found: f"(image: {found.group(1)})" if found.group(1) else "(image)", line
    )


def _split_code(line: str, width: int) -> Iterator[str]:
    """A line of code in pieces of at most `width` cells, each cut after a space where
    one is in its second half (a word of code kept whole when it can be); a cluster
    drawn as one character is never cut."""
    if line.isascii():  # a character a cell
        start = 0
        while len(line) - start > width:
            end = start + width
            space = line.rfind(" ", start, end)
            if space >= start + width // 2:
                end = space + 1
            yield line[start:end].rstrip(" ")
            start = end
        yield line[start:]
        return
    spans = split_graphemes(line)[0]
    first = 0  # the span the piece being measured starts at
    while True:
        used = 0
        end = first
        while end < len(spans) and (used + spans[end][2] <= width or end == first):
            used += spans[end][2]
            end += 1
        if end >= len(spans):
            yield line[spans[first][0] :] if first < len(spans) else ""
            return
        space = end - 1
        while space > first and line[spans[space][0]] != " ":
            space -= 1
        if space - first >= (end - first) // 2 and line[spans[space][0]] == " ":
            end = space + 1
        yield line[spans[first][0] : spans[end][0]].rstrip(" ")
        first = end


def _is_diagram(content: str) -> bool:
    """Whether a code block is drawn rather than written: many box-drawing or shape
    characters, not one arrow in a string of real code."""
    drawn = len(content) - len(content.translate(_NOT_DRAWING))
    if drawn < _DIAGRAM_MIN:
        return False
    visible = len(content) - content.count(" ") - content.count("\n")
    return drawn * _DIAGRAM_SHARE >= visible


#: Deletes the drawing characters: the length lost is how many a text holds.
_NOT_DRAWING = dict.fromkeys(range(0x2500, 0x2600))


def _sentence(text: str) -> str:
    """The text ending with a full stop, unless it ends with one already (or `?`, `!`)."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _after(tokens: list[Token], position: int, closing: str) -> int:
    """The position after the `closing` token matching the opening at `position`."""
    level = tokens[position].level
    position += 1
    while position < len(tokens) and not (
        tokens[position].type == closing and tokens[position].level == level
    ):
        position += 1
    return position + 1


def _is_tight(tokens: list[Token], position: int) -> bool:
    """Whether a list's paragraphs are hidden (a tight list: no blank lines between its
    items), read from its first item's first paragraph as markdown-it marks it."""
    level = tokens[position].level
    for index in range(position + 1, len(tokens)):
        token = tokens[index]
        if token.level <= level:
            return True
        if token.type == "paragraph_open" and token.level == level + 2:
            return token.hidden
    return True


def _may_hold_cards(content: str) -> bool:
    return "::" in content or "==" in content or "?" in content or "{{c" in content
