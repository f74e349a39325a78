"""Turn markdown-it tokens into a small tree of blocks the reading pane can draw.

Textual's Markdown widget mounts one widget per block, which takes seconds on a big
section; here each block becomes Rich text that is wrapped into lines on demand. Links
and `<details>` summaries carry their number in the style's meta, so the view can find
them on screen after wrapping, highlight the focused one and follow clicks.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING

from markdown_it.token import Token
from rich.style import Style
from rich.text import Text

from reader.lazy_pattern import LazyPattern
from reader.markdown import (
    NO_DEFINITIONS,
    Definitions,
    footnote_label,
    image_alt,
    parse,
    table_cells,
)
from reader.markdown_syntax import DETAILS_CLOSE as _DETAILS_CLOSE
from reader.markdown_syntax import DETAILS_OPEN as _DETAILS_OPEN
from reader.markdown_syntax import DETAILS_TAG as _DETAILS_TAG
from reader.markdown_syntax import SUMMARY as _SUMMARY
from reader.markdown_syntax import collapse_html_space
from reader.sanitize import sanitize

if TYPE_CHECKING:
    from reader.glossary import Glossary

__all__ = [
    "ALERT_KINDS",
    "AlertBlock",
    "Block",
    "BuildContext",
    "CardBlock",
    "CodeBlock",
    "DefinitionListBlock",
    "DetailsBlock",
    "FootnotesBlock",
    "HeadingBlock",
    "ListBlock",
    "ParagraphBlock",
    "QuoteBlock",
    "RuleBlock",
    "TableBlock",
    "build_blocks",
    "build_footnotes",
]

#: GitHub's alert kinds, in the order reader.glyphs lists their signs.
ALERT_KINDS = ("note", "tip", "important", "warning", "caution")

# What a tag, `<details>` and `<summary>` are comes from reader.markdown_syntax, which the
# line scanner shares. Linear on any text (tests/unit/test_redos.py).
_OPEN_ATTRIBUTE = LazyPattern(r"\sopen(?=[\s=/>]|$)", re.IGNORECASE)


class Block:
    """Base of every block; `line` is the 0-based source line it starts on.

    Plain classes with slots rather than dataclasses: building these ten dataclasses
    (their generated methods compiled at import) took ~5 ms of every start, more than
    any other module of the reader.
    """

    __slots__ = ("line",)

    def __init__(self, line: int = 0) -> None:
        self.line = line

    def __repr__(self) -> str:
        kinds = type(self).__mro__[::-1]
        names = [name for kind in kinds for name in getattr(kind, "__slots__", ())]
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in names)
        return f"{type(self).__name__}({fields})"


class ParagraphBlock(Block):
    __slots__ = ("raw", "role", "text")

    def __init__(self, line: int = 0, text: Text | None = None, role: str = "paragraph") -> None:
        super().__init__(line)
        self.text = Text() if text is None else text
        self.role = role  # "paragraph", or "html": raw HTML read as text (reader.html_text)
        self.raw: str | None = None  # an HTML block's source, kept for <details> folding


class HeadingBlock(Block):
    __slots__ = ("level", "text")

    def __init__(self, line: int = 0, text: Text | None = None, level: int = 1) -> None:
        super().__init__(line)
        self.text = Text() if text is None else text
        self.level = level


class CodeBlock(Block):
    __slots__ = ("code", "language")

    def __init__(self, line: int = 0, code: str = "", language: str = "") -> None:
        super().__init__(line)
        self.code = code
        self.language = language


class RuleBlock(Block):
    __slots__ = ()


class QuoteBlock(Block):
    __slots__ = ("children",)

    def __init__(self, line: int = 0, children: list[Block] | None = None) -> None:
        super().__init__(line)
        self.children = [] if children is None else children


class ListBlock(Block):
    __slots__ = ("checks", "items", "ordered", "start", "tight")

    def __init__(
        self,
        line: int = 0,
        ordered: bool = False,
        start: int = 1,
        items: list[list[Block]] | None = None,
        tight: bool = True,
    ) -> None:
        super().__init__(line)
        self.ordered = ordered
        self.start = start
        self.items = [] if items is None else items
        self.tight = tight
        #: Per item: None, or whether a task list item is done (`- [x]`); empty in a list
        #: without tasks (most: a list object each would cost a big section ~100 KB).
        self.checks: Sequence[bool | None] = ()


class AlertBlock(Block):
    """A GitHub alert (`> [!NOTE]` …): a titled callout of one of five kinds."""

    __slots__ = ("children", "kind")

    def __init__(self, line: int = 0, kind: str = "note", children: list[Block] | None = None):
        super().__init__(line)
        self.kind = kind  # "note", "tip", "important", "warning" or "caution"
        self.children = [] if children is None else children


class DefinitionListBlock(Block):
    """Terms, each on its own line, with their definitions indented below."""

    __slots__ = ("items",)

    def __init__(self, line: int = 0, items: list[tuple[Text, list[list[Block]]]] | None = None):
        super().__init__(line)
        self.items = [] if items is None else items  # (term, [definition's blocks, …])


class FootnotesBlock(Block):
    """The footnotes a section references, numbered as its markers are, at its end."""

    __slots__ = ("notes",)

    def __init__(self, line: int = 0, notes: list[tuple[int, list[Block]]] | None = None):
        super().__init__(line)
        self.notes = [] if notes is None else notes  # (number from 1, its text's blocks)


class TableBlock(Block):
    __slots__ = ("aligns", "header", "rows")

    def __init__(
        self,
        line: int = 0,
        header: list[Text] | None = None,
        rows: list[list[Text]] | None = None,
        aligns: list[str] | None = None,
    ) -> None:
        super().__init__(line)
        self.header = [] if header is None else header
        self.rows = [] if rows is None else rows
        self.aligns = [] if aligns is None else aligns


class DetailsBlock(Block):
    __slots__ = ("children", "number", "open", "summary")

    def __init__(
        self,
        line: int = 0,
        summary: Text | None = None,
        children: list[Block] | None = None,
        number: int = 0,
        open: bool = False,
    ) -> None:
        super().__init__(line)
        self.summary = Text() if summary is None else summary
        self.children = [] if children is None else children
        self.number = number  # which details block of the document, for toggling
        self.open = open


class CardBlock(Block):
    """A self-test card in the text: its question, and its answer (`children`) hidden
    until the reader reveals it. A cloze paragraph's question is the paragraph with its
    deletions hidden; its answer, the paragraph with them shown."""

    __slots__ = ("children", "number", "open_ended", "question", "revealed")

    def __init__(
        self,
        line: int = 0,
        question: Text | None = None,
        children: list[Block] | None = None,
        number: int = 0,
        revealed: bool = False,
        open_ended: bool = False,
    ) -> None:
        super().__init__(line)
        self.question = Text() if question is None else question
        self.children = [] if children is None else children
        self.number = number  # which card of the document, for revealing
        self.revealed = revealed
        #: A `?` card: a list or quote straight after its paragraph is its answer too.
        self.open_ended = open_ended


class BuildContext:
    """Styles by role (from the theme), the file's definitions, the pack's glossary, and
    what the build numbers: links, details, footnote markers and glossary terms."""

    __slots__ = (
        "cards", "cards_shown", "closed_details", "definitions", "details", "env", "glossary",
        "links", "notes", "printing", "quotes", "styles", "terms", "terms_seen",
    )  # fmt: skip

    def __init__(
        self,
        styles: dict[str, Style] | None = None,
        definitions: Definitions | None = None,
        *,
        printing: bool = False,
        glossary: Glossary | None = None,
        cards: bool = False,
    ) -> None:
        """`printing`: for print, where nothing can be followed or unfolded: each link's
        target is written after its text, `text (target)` (no hyperlink hides it), and
        every `<details>` is open. `glossary`: its terms are marked where running text
        first uses them (None: nothing is marked, as in the glossary itself). `cards`:
        the file holds self-test cards, drawn as cards (answers hidden, unless printing)."""
        self.styles: dict[str, Style] = {} if styles is None else styles
        self.links: list[str] = []  # href of link n
        self.details = 0
        self.definitions = NO_DEFINITIONS if definitions is None else definitions
        #: The markdown-it environment every chunk of the document is parsed in.
        self.env = self.definitions.environment()
        self.notes: list[int] = []  # the footnote (numbered from 1) of marker n
        self.printing = printing
        self.glossary = glossary if glossary else None
        self.terms: list[int] = []  # the glossary entry of term mark n
        #: Entries marked already: only a term's first use in the document is marked.
        self.terms_seen: set[int] = set()
        #: `<details>` blocks the build is inside, closed ones counted: a use hidden in a
        #: closed one does not take the mark from the first use the reader sees.
        self.closed_details = 0
        #: Block quotes the build is inside: drawn in italics (see `_mark_terms`).
        self.quotes = 0
        self.cards = cards
        self.cards_shown = 0  # CardBlocks built so far: each one's number

    def parse(self, markdown: str) -> list[Token]:
        """Parse a piece of the document, knowing its file's definitions."""
        return parse(markdown, self.env)

    def style(self, roles: list[str], link_number: int | None) -> Style | None:
        if not roles and link_number is None:
            return None
        style = Style.combine([self.styles.get(role, _PLAIN) for role in roles] or [_PLAIN])
        if link_number is not None:
            style += Style.from_meta({"link": link_number})
        return style


_PLAIN = Style()
BASE_STYLES = {
    "strong": Style(bold=True),
    "em": Style(italic=True),
    "s": Style(strike=True),
    "code": Style(bold=True),
    "link": Style(underline=True),
    # Slanted against the text around it by _mark_terms: told from a link without colour.
    "term": Style(underline=True),
    "image": Style(italic=True, dim=True),
    "footnote": Style(dim=True),
}


def build_blocks(tokens: list[Token], context: BuildContext) -> list[Block]:
    """Blocks of a token stream; link hrefs are collected in reading order."""
    blocks, _ = _build(tokens, 0, None, context)
    return _fold_details(blocks, context)


def _build(
    tokens: list[Token], position: int, closing: str | None, context: BuildContext
) -> tuple[list[Block], int]:
    blocks: list[Block] = []
    # A `?` card whose answer is the block right after it: (its index, where it ends).
    awaiting: tuple[int, int] | None = None
    while position < len(tokens):
        token = tokens[position]
        kind = token.type
        line = token.map[0] if token.map else 0
        if awaiting is not None and len(blocks) > awaiting[0] + 1:
            _answer_with_next(blocks, *awaiting)
            awaiting = None
        if closing is not None and kind == closing:
            if awaiting is not None:
                _answer_with_next(blocks, *awaiting)
            return blocks, position + 1
        if kind == "heading_open":
            text = _inline(tokens[position + 1], context, terms=False)
            blocks.append(HeadingBlock(line, text, int(token.tag[1:])))
            position += 3
        elif kind == "paragraph_open":
            cards = _cards(tokens[position + 1], line, context) if context.cards else None
            if cards:
                blocks.extend(cards)
                last = cards[-1]
                if isinstance(last, CardBlock) and last.open_ended and token.map:
                    awaiting = (len(blocks) - 1, token.map[1])  # a list after it: its answer
            else:
                blocks.append(ParagraphBlock(line, _inline(tokens[position + 1], context)))
            position += 3
        elif kind in ("fence", "code_block"):
            language = token.info.strip().split(" ")[0] if token.info else ""
            blocks.append(CodeBlock(line, token.content.rstrip("\n"), language))
            position += 1
        elif kind == "hr":
            blocks.append(RuleBlock(line))
            position += 1
        elif kind == "html_block":
            _count_details(token.content, context)
            html = _html_block(token, line)
            if (
                html.text.plain
                or _DETAILS_OPEN.search(token.content)
                or (_DETAILS_CLOSE.search(token.content))
            ):  # not a block of comments alone, which shows nothing
                blocks.append(html)
            position += 1
        elif kind == "blockquote_open":
            context.quotes += 1
            try:
                children, position = _build(tokens, position + 1, "blockquote_close", context)
            finally:
                context.quotes -= 1
            blocks.append(QuoteBlock(line, children))
        elif kind in ("bullet_list_open", "ordered_list_open"):
            listed, position = _list(tokens, position, context)
            blocks.append(listed)
        elif kind == "table_open":
            table, position = _table(tokens, position, context)
            blocks.append(table)
        elif kind == "alert_open":
            children, position = _build(tokens, position + 1, "alert_close", context)
            alert = str((token.meta or {}).get("kind", "note")).lower()
            blocks.append(AlertBlock(line, alert if alert in ALERT_KINDS else "note", children))
        elif kind == "alert_title_open":
            position += 3  # the title is drawn from the kind, with its sign
        elif kind == "dl_open":
            terms, position = _definition_list(tokens, position, context)
            blocks.append(terms)
        elif kind == "footnote_reference_open":
            # A footnote's text is drawn at the end of the sections referencing it.
            position = _after(tokens, position, "footnote_reference_close")
        else:
            position += 1  # list items, footnote wrappers: handled by their parents
    if awaiting is not None:
        _answer_with_next(blocks, *awaiting)
    return blocks, position


#: What may answer a `?` card from the lines right after it (as reader.cards reads it).
_ANSWER_BLOCKS = (ListBlock, QuoteBlock, CodeBlock, TableBlock, DefinitionListBlock, AlertBlock)


def _answer_with_next(blocks: list[Block], index: int, end: int) -> None:
    """Move the block after card `index` into its answer if it starts where the card's
    paragraph ends (no blank line between: a list or a quote answering a `?` card)."""
    card = blocks[index]
    after = blocks[index + 1] if index + 1 < len(blocks) else None
    if isinstance(card, CardBlock) and isinstance(after, _ANSWER_BLOCKS) and after.line == end:
        card.children.append(blocks.pop(index + 1))


def _cards(inline: Token, line: int, context: BuildContext) -> list[Block] | None:
    """A paragraph of a file with cards, as the cards and text it holds; None when it
    holds no card (it is drawn as a paragraph). The same reading as `reader cards`."""
    from reader.cards import cloze_back, cloze_front, read_paragraph

    pieces, _ = read_paragraph(inline.content)
    if not pieces:
        return None
    blocks: list[Block] = []
    for piece in pieces:
        at = line + piece.line
        if piece.kind == "text":
            blocks.append(ParagraphBlock(at, _inline_markdown(piece.question, context)))
            continue
        if piece.kind == "cloze":
            question = _inline_markdown(cloze_front(piece), context, terms=False)
            answer = cloze_back(piece)
        else:
            question = _inline_markdown(piece.question, context, terms=False)
            answer = piece.answer
        children: list[Block] = []
        if answer:
            text = _inline_markdown(answer, context, terms=False)
            children.append(ParagraphBlock(at, text))
        revealed = context.printing
        open_ended = piece.separator >= 0
        blocks.append(CardBlock(at, question, children, context.cards_shown, revealed, open_ended))
        context.cards_shown += 1
    return blocks


def _inline_markdown(markdown: str, context: BuildContext, *, terms: bool = True) -> Text:
    """Inline Markdown (a card's side) as text, knowing the file's definitions."""
    from reader.markdown import parser_for

    tokens = parser_for(markdown).parseInline(markdown, context.env)
    return _inline(tokens[0], context, terms=terms) if tokens else Text()


def _list(tokens: list[Token], position: int, context: BuildContext) -> tuple[ListBlock, int]:
    opening = tokens[position]
    ordered = opening.type == "ordered_list_open"
    closing = "ordered_list_close" if ordered else "bullet_list_close"
    start = opening.attrGet("start") if ordered else None
    start = int(start) if start is not None else 1  # a list may start at 0
    block = ListBlock(opening.map[0] if opening.map else 0, ordered, start)
    checks: list[bool | None] = []
    position += 1
    while position < len(tokens) and tokens[position].type != closing:
        if tokens[position].type == "list_item_open":
            following = tokens[position + 1] if position + 1 < len(tokens) else None
            if (
                following is not None
                and following.type == "paragraph_open"
                and not following.hidden
            ):
                block.tight = False
            checked = (tokens[position].meta or {}).get("checked")
            children, position = _build(tokens, position + 1, "list_item_close", context)
            block.items.append(children)
            checks.append(checked if isinstance(checked, bool) else None)
        else:
            position += 1
    if any(check is not None for check in checks):
        block.checks = checks
    return block, position + 1


def _after(tokens: list[Token], position: int, closing: str) -> int:
    """The position after the `closing` token that matches the opening at `position`."""
    level = tokens[position].level
    position += 1
    while position < len(tokens) and not (
        tokens[position].type == closing and tokens[position].level == level
    ):
        position += 1
    return position + 1


def _definition_list(
    tokens: list[Token], position: int, context: BuildContext
) -> tuple[DefinitionListBlock, int]:
    opening = tokens[position]
    block = DefinitionListBlock(opening.map[0] if opening.map else 0)
    position += 1
    while position < len(tokens) and tokens[position].type != "dl_close":
        kind = tokens[position].type
        if kind == "dt_open":
            block.items.append((_inline(tokens[position + 1], context, terms=False), []))
            position += 3
        elif kind == "dd_open":
            children, position = _build(tokens, position + 1, "dd_close", context)
            if not block.items:
                block.items.append((Text(), []))
            block.items[-1][1].append(children)
        else:
            position += 1
    return block, position + 1


def build_footnotes(context: BuildContext) -> list[Block]:
    """The footnotes the document has referenced so far, as one block for its end.

    Numbered in the order they were first referenced, as GitHub numbers them; a note
    referenced only from another note's text is added as that text is built.
    """
    data = context.env.get("footnotes")
    listed = data.get("list", {}) if isinstance(data, dict) else {}
    if not listed:
        return []
    notes: list[tuple[int, list[Block]]] = []
    note = 0
    while note in listed:  # a note's text may reference a note not listed yet
        label = str(listed[note].get("label", ""))
        source = context.definitions.footnotes.get(footnote_label(label), "")
        blocks, _ = _build(context.parse(source), 0, None, context) if source else ([], 0)
        number = _note_number({"id": note, "label": label}, context)
        notes.append((number, _fold_details(blocks, context)))
        note += 1
    notes.sort(key=lambda numbered: numbered[0])
    return [FootnotesBlock(0, notes)]


def _note_number(meta: dict, context: BuildContext) -> int:
    """A footnote's number in its file (see `Definitions.footnote_numbers`); one defined
    in the section's own Markdown alone is numbered as markdown-it counted it."""
    label = footnote_label(str(meta.get("label", "")))
    number = context.definitions.footnote_numbers.get(label)
    return number if number is not None else int(meta.get("id", 0)) + 1


def _table(tokens: list[Token], position: int, context: BuildContext) -> tuple[TableBlock, int]:
    opening = tokens[position].map
    cells = table_cells(tokens, position)
    block = TableBlock(
        opening[0] if opening else 0,
        header=[_inline(cell, context, terms=False) for cell in cells.header],
        rows=[[_inline(cell, context, terms=True) for cell in row] for row in cells.rows],
        aligns=cells.aligns,
    )
    return block, cells.end


def _html_block(token: Token, line: int) -> ParagraphBlock:
    """Raw HTML as the text a browser shows (reader.html_text); the source is kept for
    folding `<details>`, which reads it again (so a block with a details tag has no text
    of its own here)."""
    source = token.content
    folded = _DETAILS_OPEN.search(source) or _DETAILS_CLOSE.search(source)
    block = ParagraphBlock(line, Text("" if folded else _html_text(source)), role="html")
    block.raw = source
    return block


def _html_text(source: str) -> str:
    """The text a browser shows for raw HTML (reader.html_text). Plain text between a
    collapsible block's own tags, what a `<details>` line usually holds, is read without
    loading that module (~0.1 MB, which a big section's peak memory would carry)."""
    bare = _DETAILS_TAG.sub(" ", source) if "<details" in source.lower() else source
    if "<" not in bare and "&" not in bare:  # what html_block_text(bare) gives, unloaded
        return collapse_html_space(sanitize(bare)).strip(" ")
    from reader.html_text import html_block_text

    return html_block_text(source)


def _fold_details(blocks: list[Block], context: BuildContext) -> list[Block]:
    """Gather the blocks between `<details>` and `</details>` into a DetailsBlock.

    An HTML block can hold several of these tags (`</details>` then `<details>`): what
    follows a closing tag is read again as a block of its own, so no text is lost.
    """
    result: list[Block] = []
    stack: list[DetailsBlock] = []
    pending = deque(blocks)
    while pending:
        block = pending.popleft()
        raw = block.raw if isinstance(block, ParagraphBlock) else None
        target = stack[-1].children if stack else result
        if raw is None or not isinstance(block, ParagraphBlock):
            if isinstance(block, QuoteBlock | AlertBlock):
                block.children = _fold_details(block.children, context)
            target.append(block)
            continue
        opens = _DETAILS_OPEN.search(raw)
        closes = _DETAILS_CLOSE.search(raw)
        if stack and closes and not (opens and opens.start() < closes.start()):
            # The open block ends here: what comes before the tag is its, after is not.
            inside = _html_text(raw[: closes.start()])
            if inside:
                stack[-1].children.append(ParagraphBlock(block.line, Text(inside)))
            stack.pop()
            _read_after(raw[closes.end() :], block.line, pending)
            continue
        # A whole `<details>` in one block (as many closing as opening tags, in order).
        whole = bool(opens and closes and closes.start() > opens.start() and _is_whole_details(raw))
        if opens and not whole:
            summary = _SUMMARY.search(raw)
            label = _html_text(summary[1]) if summary else "Details"
            details = DetailsBlock(
                block.line,
                Text(label or "Details"),
                number=context.details,
                open=context.printing or _opened(raw),
            )
            context.details += 1
            target.append(details)
            stack.append(details)
            rest = _html_text(_SUMMARY.sub("", raw, count=1))
            if rest:
                details.children.append(ParagraphBlock(block.line, Text(rest)))
        elif opens:  # a whole <details> in one html block, and what follows its end
            last_close = list(_DETAILS_CLOSE.finditer(raw))[-1]
            inside = raw[: last_close.end()]
            summary = _SUMMARY.search(inside)
            body = _html_text(_SUMMARY.sub("", inside, count=1))
            details = DetailsBlock(
                block.line,
                Text((_html_text(summary[1]) if summary else "") or "Details"),
                [ParagraphBlock(block.line, Text(body))] if body else [],
                number=context.details,
                open=context.printing or _opened(raw),
            )
            context.details += 1
            target.append(details)
            _read_after(raw[last_close.end() :], block.line, pending)
        elif not block.text.plain:  # a lone closing tag such as </div> or </details>
            stray = _html_text(raw) if closes else ""
            if stray:
                target.append(ParagraphBlock(block.line, Text(stray)))
        else:
            target.append(block)
    return result


def _read_after(raw: str, line: int, pending: deque[Block]) -> None:
    """What follows a closing `</details>` in its HTML block, read next as a block."""
    if not raw.strip():
        return
    folded = _DETAILS_OPEN.search(raw) or _DETAILS_CLOSE.search(raw)
    after = ParagraphBlock(line, Text("" if folded else _html_text(raw)), role="html")
    after.raw = raw
    if folded or after.text.plain:
        pending.appendleft(after)


def _opened(raw: str) -> bool:
    """Whether the first `<details>` tag has the `open` attribute (shown unfolded)."""
    opening = _DETAILS_OPEN.search(raw)
    if opening is None:
        return False
    end = raw.find(">", opening.end(), opening.end() + 400)
    return bool(_OPEN_ATTRIBUTE.search(raw, opening.end(), end if end >= 0 else opening.end()))


def _is_whole_details(raw: str) -> bool:
    return len(_DETAILS_OPEN.findall(raw)) == len(_DETAILS_CLOSE.findall(raw))


def _inline(token: Token, context: BuildContext, *, terms: bool = True) -> Text:
    """Rich text of an inline token; links get `link` meta numbering them, and the first
    use of each glossary term a `term` mark (`terms=False`: none, as in a heading)."""
    text = Text()
    # Where no term may be marked: code, links, images, footnote marks (in `text`).
    excluded: list[tuple[int, int]] = []
    styles: list[str] = []
    link_number: int | None = None
    html_link = False  # the link is an HTML `<a href>`, which `</a>` ends
    link_words: list[str] = []  # what the open link shows, for its printed target
    hidden: str | None = None  # inside <script> or the like until its closing tag
    # Open <sup>/<sub>: each collects its text apart, then joins the text around it.
    shifted: list[tuple[str, Text, list[tuple[int, int]]]] = []
    for child in token.children or []:
        kind = child.type
        if hidden is not None and kind not in _STRUCTURE:  # emphasis and links still pair up
            if kind == "html_inline" and _closes(child.content, hidden):
                hidden = None
            continue
        if kind == "html_inline":
            from reader.html_text import inline_tag  # loaded with a section's first HTML

            tag = inline_tag(child.content)
            if tag.hidden and tag.kind == "open":
                hidden = tag.name
            elif tag.kind == "open" and tag.name in ("sup", "sub"):
                shifted.append((tag.name, text, excluded))
                text, excluded = Text(), []
            elif tag.kind == "close" and shifted and shifted[-1][0] == tag.name:
                name, outer, excluded = shifted.pop()
                start = len(outer)
                _shift(outer, name, text)
                text = outer
                excluded.append((start, len(text)))
            elif tag.kind == "open" and tag.name in ("kbd", "code"):
                styles.append("code")
            elif tag.kind == "close" and tag.name in ("kbd", "code"):
                _drop(styles, "code")
            elif tag.kind == "open" and tag.name == "a" and tag.href and link_number is None:
                link_number, html_link, link_words = len(context.links), True, []
                context.links.append(tag.href)
                styles.append("link")
            elif tag.kind == "close" and tag.name == "a" and html_link:
                if context.printing:
                    _write_target(text, link_words, context.links[link_number or 0], context)
                link_number, html_link = None, False
                _drop(styles, "link")
            elif tag.text:  # a break, an image's label, a task box, a quotation mark
                role = [*styles, "image"] if tag.kind == "image" else styles
                start = len(text)
                text.append(tag.text, context.style(role, link_number))
                excluded.append((start, len(text)))
            elif tag.kind == "other":
                _append(text, child.content, context.style(styles, link_number))
            continue
        if kind in ("text", "code_inline"):
            role = [*styles, "code"] if kind == "code_inline" else styles
            start = len(text)
            _append(text, child.content, context.style(role, link_number))
            if link_number is not None:
                link_words.append(child.content)
            if link_number is not None or kind == "code_inline" or "code" in styles:
                excluded.append((start, len(text)))
        elif kind in ("softbreak",):
            _append(text, " ", context.style(styles, link_number))
        elif kind == "hardbreak":
            text.append("\n")
        elif kind in ("strong_open", "em_open", "s_open"):
            styles.append(kind.removesuffix("_open"))
        elif kind in ("strong_close", "em_close", "s_close"):
            _drop(styles, kind.removesuffix("_close"))
        elif kind == "link_open":
            if html_link:  # a link inside `<a href>` ends it, as a browser's parser does
                _drop(styles, "link")
                html_link = False
            link_number, link_words = len(context.links), []
            context.links.append(str(child.attrGet("href") or ""))
            styles.append("link")
        elif kind == "link_close":
            if context.printing and link_number is not None:
                start = len(text)
                _write_target(text, link_words, context.links[link_number], context)
                excluded.append((start, len(text)))
            link_number = None
            _drop(styles, "link")
        elif kind == "image":
            alt = image_alt(child)
            label = f"[image: {alt}]" if alt else "[image]"
            start = len(text)
            _append(text, label, context.style([*styles, "image"], link_number))
            excluded.append((start, len(text)))
        elif kind == "footnote_ref":
            note = _note_number(child.meta or {}, context)
            style = context.style([*styles, "footnote"], link_number)
            marker = Style.from_meta({"note": len(context.notes)})
            context.notes.append(note)
            start = len(text)
            text.append(f"[{note}]", marker if style is None else style + marker)
            excluded.append((start, len(text)))
    while shifted:  # a <sup> never closed: its text as written
        name, outer, outer_excluded = shifted.pop()
        start = len(outer)
        outer.append_text(text)
        text = outer
        excluded = [*outer_excluded, *((a + start, b + start) for a, b in excluded)]
    if terms and context.glossary is not None:
        _mark_terms(text, excluded, context)
    return text


def _count_details(html: str, context: BuildContext) -> None:
    """Follow the `<details>` an HTML block opens and closes: how many closed ones the
    blocks after it are inside (an open one hides nothing)."""
    if "<" not in html:
        return
    for match in _DETAILS_TAG.finditer(html):
        tag = match[0]
        if tag[1:2] == "/":
            context.closed_details = max(0, context.closed_details - 1)
        elif not _OPEN_ATTRIBUTE.search(tag):
            context.closed_details += 1


def _mark_terms(text: Text, excluded: list[tuple[int, int]], context: BuildContext) -> None:
    """Mark the first use in the document of each glossary term in `text` (not in code,
    a link or an image, nor in a closed `<details>`), with a `term` meta numbering the
    marks."""
    glossary, seen = context.glossary, context.terms_seen
    if glossary is None or context.closed_details or len(seen) == len(glossary.entries):
        return
    style = context.styles.get("term", BASE_STYLES["term"])
    for start, end, entry in glossary.matcher.find(text.plain):
        if entry in seen or any(a < end and start < b for a, b in excluded):
            continue
        seen.add(entry)
        # Italic where the text around is upright and upright in italic text: told from a
        # link (underlined, in the text's own slant) wherever it is, without colour.
        slant = Style(italic=not (context.quotes or _italic_at(text, start)))
        meta = Style.from_meta({"term": len(context.terms)})
        text.stylize(style + slant + meta, start, end)
        context.terms.append(entry)


def _italic_at(text: Text, offset: int) -> bool:
    """Whether the text is italic at `offset` (inside `*emphasis*`, an image's label)."""
    return any(
        span.start <= offset < span.end and isinstance(span.style, Style) and span.style.italic
        for span in text.spans
    )


#: Inline tokens that open or close a style or a link: kept in step even inside hidden HTML.
_STRUCTURE = frozenset(
    f"{kind}_{end}" for kind in ("strong", "em", "s", "link") for end in ("open", "close")
)


def _write_target(text: Text, words: list[str], href: str, context: BuildContext) -> None:
    """` (target)` after a link's text, unless the text already says it (a bare URL,
    whose target may differ only in its scheme's case or its percent-encoding); nothing
    for a link that shows no text (inside hidden HTML)."""
    from urllib.parse import unquote

    shown = "".join(words)
    if not shown.strip() or not href:
        return
    plain = unquote(href)
    if shown.casefold() in {plain.casefold(), f"mailto:{shown}".casefold()} or (
        plain.casefold() == f"http://{shown}".casefold()
    ):
        return
    _append(text, f" ({href})", context.style(["footnote"], None))


def _drop(styles: list[str], role: str) -> None:
    """End the innermost `role` (a close ends its own kind, whatever opened since)."""
    for index in range(len(styles) - 1, -1, -1):
        if styles[index] == role:
            del styles[index]
            return


def _closes(source: str, name: str) -> bool:
    """Whether an inline tag is the closing tag of element `name`."""
    from reader.html_text import inline_tag

    return inline_tag(source)[:2] == ("close", name)


def _shift(outer: Text, name: str, inner: Text) -> None:
    """Append a `<sup>` (`name` "sup") or `<sub>` element's text to the text around it,
    raised or lowered: character for character when every one has a form (its links and
    footnote marks stay put), else `^(…)`/`_(…)` unless that would move a link or a mark."""
    from reader.html_text import subscript, superscript

    written = inner.plain
    shown = superscript(written) if name == "sup" else subscript(written)
    if len(shown) == len(written):
        inner.plain = shown
    elif not any(isinstance(span.style, Style) and span.style.meta for span in inner.spans):
        first = inner.spans[0].style if inner.spans and inner.spans[0].start == 0 else None
        inner = Text(shown, style=first or "")
    outer.append_text(inner)


def _append(text: Text, content: str, style: Style | None) -> None:
    # Sanitized again: markdown-it decodes character references (`&#x202E;`, `&#x2028;`,
    # `&#xFEFF;`) after the loader sanitized the file. Every inline piece (text, code,
    # link text, image alt, footnote label) of every paragraph, heading and cell is here.
    text.append(sanitize(content), style)
