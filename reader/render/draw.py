"""Draw blocks as lines of terminal cells (`Line`s: Rich segments) at a given width.

Each block is wrapped once per width and cached by the reading pane, which then only
copies lines to the screen. Search matches are styled here and marked with `match`
meta; links and `<details>` summaries carry `link` / `details` meta from the build, so
the pane can locate all three on screen after wrapping.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text

from reader.glyphs import current as current_glyphs
from reader.render.blocks import (
    ALERT_KINDS,
    AlertBlock,
    Block,
    CardBlock,
    CodeBlock,
    DefinitionListBlock,
    DetailsBlock,
    FootnotesBlock,
    HeadingBlock,
    ListBlock,
    ParagraphBlock,
    QuoteBlock,
    RuleBlock,
    TableBlock,
)
from reader.render.table import draw_table, words_fit
from reader.render.wrap import Line, cells, wrap

if TYPE_CHECKING:
    from pygments.lexer import Lexer
    from rich.syntax import SyntaxTheme

__all__ = [
    "SYNTAX_ROLES",
    "BlockRenderer",
    "RenderStyles",
    "Spot",
    "cells",
    "locate_spots",
    "syntax_theme",
]

Highlighter = Callable[[str], list[tuple[int, int]]]
MIN_STACKED_COLUMN = 14
#: The fewest columns any block is drawn in. A container (quote, list, alert, details,
#: card, definition, footnote, a table's card) indents its content only while the
#: content keeps this many: deeper, or in a narrower pane, the content takes the
#: container's whole width, its bar or guide left out and its marker on a line of its
#: own. An indent past that would draw lines wider than the pane, whose ends could not
#: be scrolled to.
MIN_WIDTH = 4


class RenderStyles:
    """Resolved styles for every role, taken from the theme by the reading pane.

    A plain class: as a dataclass, its twelve default factories cost start-up ~1 ms.
    """

    def __init__(
        self,
        *,
        heading: list[Style] | None = None,
        rule: Style | None = None,
        bullet: Style | None = None,
        quote: Style | None = None,
        quote_bar: Style | None = None,
        code: Style | None = None,
        match: Style | None = None,
        summary: Style | None = None,
        table_header: Style | None = None,
        table_border: Style | None = None,
        dim: Style | None = None,
        dark: bool = True,
        syntax: Callable[[], SyntaxTheme] | None = None,
        alert: Callable[[str], Style] | None = None,
    ) -> None:
        """`syntax`: gives the colours of highlighted code, asked only when a section has
        some (None: Rich's ANSI themes). `alert`: the colour of an alert of a kind ("note",
        …, "caution"), asked only when a section has one (None: bold, no colour)."""
        self.heading = [Style(bold=True)] * 6 if heading is None else heading
        self.rule = Style() if rule is None else rule
        self.bullet = Style(bold=True) if bullet is None else bullet
        self.quote = Style(italic=True) if quote is None else quote
        self.quote_bar = Style() if quote_bar is None else quote_bar
        self.code = Style() if code is None else code
        self.match = Style(reverse=True) if match is None else match
        self.summary = Style(bold=True) if summary is None else summary
        self.table_header = Style(bold=True) if table_header is None else table_header
        self.table_border = Style() if table_border is None else table_border
        self.dim = Style(dim=True) if dim is None else dim
        self.dark = dark
        self.syntax = syntax
        self.alert = alert


class Spot(NamedTuple):
    """Where a link, a details summary, a footnote mark or a search match ended up: line
    and columns."""

    #: "link", "details", "note" (a footnote marker), "noteback" (a footnote's way back),
    #: "term" (a glossary term's first use), "card" (a card's answer fold) or "match".
    kind: str
    #: Link or details number, the marker's order in the document, the footnote's
    #: number; a match's order within the block.
    number: int
    line: int
    start: int
    end: int


class BlockRenderer:
    """Renders one block at a time; holds the console, the styles and the highlighter."""

    def __init__(
        self,
        console: Console,
        styles: RenderStyles,
        highlighter: Highlighter | None = None,
        *,
        load_lexers: bool = True,
        plain_code: bool = False,
    ) -> None:
        """`load_lexers=False`: code in a language whose Pygments lexer is not built yet
        is drawn plain, and the language noted in `plain_languages`. Building a lexer
        compiles its regular expressions: ~0.15 s for Python, too long for a first screen.
        """
        self.console = console
        self.styles = styles
        self.highlighter = highlighter
        self.load_lexers = load_lexers
        self.plain_code = plain_code  # all code plain: see `measuring`
        self.plain_languages: set[str] = set()
        self.glyphs = current_glyphs()  # Unicode, or ASCII on the Linux console

    def measuring(self) -> BlockRenderer:
        """This renderer with code drawn plain, for measuring: code is as tall and its
        matches fall where they do highlighted or not, and its lexers (Pygments: ~1.7 MB
        and ~0.15 s for Python and shell) are built only once code is on screen."""
        return BlockRenderer(self.console, self.styles, self.highlighter, plain_code=True)

    def render(self, block: Block, width: int) -> list[Line]:
        draw = _DRAW.get(type(block))
        return draw(self, block, max(width, MIN_WIDTH)) if draw is not None else []

    def _paragraph(self, block: ParagraphBlock, width: int) -> list[Line]:
        return self._text(block.text, width)

    def _quote(self, block: QuoteBlock, width: int) -> list[Line]:
        quote = self.styles.quote
        if width - 2 < MIN_WIDTH:  # no room for the bar: the quote's style alone tells it
            return [line.apply_style(quote) for line in self._blocks(block.children, width)]
        inner = self._blocks(block.children, width - 2)
        bar = Segment(self.glyphs.quote_bar, self.styles.quote_bar)
        return [Line([bar, *line.apply_style(quote)]) for line in inner]

    def _rule(self, block: RuleBlock, width: int) -> list[Line]:
        return [Line([Segment(self.glyphs.rule * width, self.styles.rule)], width)]

    def _top_list(self, block: ListBlock, width: int) -> list[Line]:
        return self._list(block, width, depth=0)

    def _wrapped(self, text: Text, width: int, style: Style | None = None) -> list[Line]:
        """Wrap text directly: several times faster than Console.render_lines for prose."""
        console = self.console
        if style is not None:
            text = text.copy()
            text.stylize_before(style)
        return [Line(list(line.render(console))) for line in wrap(text, console, width)]

    def _highlighted(self, text: Text) -> Text:
        if self.highlighter is None:
            return text
        spans = self.highlighter(text.plain)
        if not spans:
            return text
        text = text.copy()
        marker = self.styles.match + Style.from_meta({"match": True})
        for start, end in spans:
            text.stylize(marker, start, end)
        return text

    def _text(self, text: Text, width: int, style: Style | None = None) -> list[Line]:
        text = self._highlighted(text)
        if style is not None:
            text = text.copy()
            text.stylize_before(style)
        return self._wrapped(text, width)

    def _heading(self, block: HeadingBlock, width: int) -> list[Line]:
        style = self.styles.heading[min(block.level, 6) - 1]
        lines = self._text(block.text, width, style)
        if block.level <= 2:
            rule = self.glyphs.heavy_rule if block.level == 1 else self.glyphs.rule
            length = min(width, max(line.cell_length for line in lines) if lines else width)
            lines.append(Line([Segment(rule * length, self.styles.rule)], length))
        return lines

    def _blocks(self, blocks: list[Block], width: int, tight: bool = False) -> list[Line]:
        lines: list[Line] = []
        for number, block in enumerate(blocks):
            if number and not tight:
                lines.append(Line())
            lines.extend(self.render(block, width))
        return lines

    def _list(self, block: ListBlock, width: int, depth: int) -> list[Line]:
        bullets = self.glyphs.bullets
        markers = [
            f"{block.start + n}. " if block.ordered else bullets[depth % len(bullets)]
            for n in range(len(block.items))
        ]
        for number, checked in enumerate(block.checks):
            if checked is not None:  # a task: its box replaces the bullet, as on GitHub
                box = self.glyphs.tasks[checked]
                markers[number] = markers[number] + box if block.ordered else box
        indent = max((len(marker) for marker in markers), default=2)
        if width - indent < MIN_WIDTH:  # no room to hang the items under their markers
            indent = 0
        lines: list[Line] = []
        for number, (marker, item) in enumerate(zip(markers, block.items, strict=True)):
            if number and not block.tight:
                lines.append(Line())
            inner: list[Line] = []
            for position, child in enumerate(item):
                if position and not block.tight:
                    inner.append(Line())
                if isinstance(child, ListBlock):
                    inner.extend(self._list(child, width - indent, depth + 1))
                else:
                    inner.extend(self.render(child, width - indent))
            if not indent:
                lines.extend(self._marker_line(marker, width, self.styles.bullet))
                lines.extend(inner)
                continue
            for row, line in enumerate(inner or [Line()]):
                prefix = marker.rjust(indent) if row == 0 else " " * indent
                lines.append(
                    Line([Segment(prefix, self.styles.bullet if row == 0 else None), *line])
                )
        return lines

    def _marker_line(self, marker: str, width: int, style: Style) -> list[Line]:
        """A container's marker on a line of its own, above content with no room to hang
        under it (see MIN_WIDTH); folded if even the marker is wider than the pane."""
        return self._wrapped(Text(marker.rstrip(), style), width)

    def _alert(self, block: AlertBlock, width: int) -> list[Line]:
        """A titled callout: the kind's sign and name (told apart without colour), and a
        bar down its side, both in the kind's colour from the theme."""
        kind = block.kind
        colour = self.styles.alert(kind) if self.styles.alert is not None else Style()
        sign = self.glyphs.alerts[ALERT_KINDS.index(kind)]
        title = Text(f"{sign} {kind.capitalize()}")
        title.stylize(colour + Style(bold=True))
        barred = width - 2 >= MIN_WIDTH  # else the title alone tells it
        inner_width = width - 2 if barred else width
        lines = self._wrapped(title, inner_width)
        lines.extend(self._blocks(block.children, inner_width))
        if not barred:
            return lines
        bar = Segment(self.glyphs.quote_bar, colour)
        return [Line([bar, *line]) for line in lines]

    def _definition_list(self, block: DefinitionListBlock, width: int) -> list[Line]:
        """Each term on its own line, each of its definitions indented below it."""
        lines: list[Line] = []
        indented = width - 4 >= MIN_WIDTH  # else the bold term alone sets them apart
        indent = Segment("    ")
        for number, (term, definitions) in enumerate(block.items):
            if number:
                lines.append(Line())
            lines.extend(self._text(term, width, Style(bold=True)))
            for blocks in definitions:
                if not indented:
                    lines.extend(self._blocks(blocks, width))
                    continue
                inner = self._blocks(blocks, width - 4)
                lines.extend(Line([indent, *line]) for line in inner)
        return lines

    def _footnotes(self, block: FootnotesBlock, width: int) -> list[Line]:
        """A short rule, then each note numbered as its markers are, ending in a mark
        that leads back to where it was referenced."""
        lines = [Line([Segment(self.glyphs.rule * min(width, 20), self.styles.rule)])]
        indent = max((len(f"{number}. ") for number, _ in block.notes), default=3)
        if width - indent < MIN_WIDTH:  # no room to hang the notes under their numbers
            indent = 0
        back_style = self.styles.dim + Style(bold=True)
        for number, blocks in block.notes:
            inner = self._blocks(blocks, width - indent) or [Line()]
            back = Segment(
                self.glyphs.footnote_back, back_style + Style.from_meta({"noteback": number})
            )
            last = inner[-1]
            if last.cell_length + 2 <= width - indent:
                inner[-1] = Line([*last, Segment(" "), back])
            else:
                inner.append(Line([back]))
            if not indent:
                lines.extend(self._marker_line(f"{number}.", width, self.styles.dim))
                lines.extend(inner)
                continue
            marker = f"{number}. ".rjust(indent)
            for row, line in enumerate(inner):
                prefix = Segment(marker, self.styles.dim) if row == 0 else Segment(" " * indent)
                lines.append(Line([prefix, *line]))
        return lines

    def _syntax_theme(self) -> SyntaxTheme | str:
        if self.styles.syntax is not None:
            return self.styles.syntax()
        return "ansi_dark" if self.styles.dark else "ansi_light"

    def _code(self, block: CodeBlock, width: int) -> list[Line]:
        language = block.language.lower()
        if language and self.plain_code:
            language = ""
        elif language and not self.load_lexers and language not in _LEXERS:
            self.plain_languages.add(language)
            language = ""
        text = _syntax_text(block.code, language, self._syntax_theme)
        text = self._highlighted(text)
        text.no_wrap = False
        text.overflow = "fold"
        lines = self._wrapped(text, width - 2)
        background = self.styles.code
        return [
            Line(
                [
                    Segment(" ", background),
                    *line.apply_style(background),
                    Segment(" " * max(0, width - 2 - line.cell_length + 1), background),
                ]
            )
            for line in lines
        ]

    def _table(self, block: TableBlock, width: int) -> list[Line]:
        columns = max(len(block.header), max((len(row) for row in block.rows), default=0))
        # Narrow columns, or words that cannot fit whole: cards instead.
        if columns > 1 and (
            width // columns < MIN_STACKED_COLUMN
            or not words_fit([block.header, *block.rows], width)
        ):
            return self._stacked_table(block, width)
        return draw_table(
            [self._highlighted(cell) for cell in block.header],
            [[self._highlighted(cell) for cell in row] for row in block.rows],
            block.aligns,
            width,
            console=self.console,
            header_style=self.styles.table_header,
            border_style=self.styles.table_border,
            glyphs=self.glyphs,
        )

    def _stacked_table(self, block: TableBlock, width: int) -> list[Line]:
        """A narrow screen shows each row as a small card: 'Header: value' lines."""
        lines: list[Line] = []
        for number, row in enumerate(block.rows):
            if number:
                rule = self.glyphs.dashed_rule * min(width, 40)
                lines.append(Line([Segment(rule, self.styles.rule)]))
            for column, cell in enumerate(row):
                if column == 0:
                    lines.extend(self._text(cell, width, self.styles.table_header))
                    continue
                label = block.header[column].copy() if column < len(block.header) else Text("")
                label.stylize(self.styles.dim)
                entry = Text.assemble(label, ": ", self._highlighted(cell))
                if width - 4 < MIN_WIDTH:  # no room to indent: the labels tell the cells
                    lines.extend(self._wrapped(entry, width))
                    continue
                wrapped = self._wrapped(entry, width - 4)
                lines.extend(  # a hanging indent: wrapped lines sit under the value
                    Line([Segment("    " if row else "  "), *line])
                    for row, line in enumerate(wrapped)
                )
        return lines

    def _details(self, block: DetailsBlock, width: int) -> list[Line]:
        if not block.open and self.highlighter and _has_match(block, self.highlighter):
            block.open = True  # a search hit inside a closed block opens it
        arrow = self.glyphs.fold_open if block.open else self.glyphs.fold_closed
        summary = Text(arrow, self.styles.summary).append_text(block.summary)
        summary.stylize(self.styles.summary + Style.from_meta({"details": block.number}))
        lines = self._wrapped(summary, width)
        if block.open:
            lines.extend(self._guided(block.children, width))
        return lines

    def _guided(self, children: list[Block], width: int) -> list[Line]:
        """An open fold's content along a guide down its left, then the guide's end; the
        content without the guide when it would leave it too narrow (see MIN_WIDTH)."""
        end = Line([Segment(self.glyphs.guide_end, self.styles.rule)])
        if width - 2 < MIN_WIDTH:
            return [*self._blocks(children, width), end]
        guide = Segment(self.glyphs.guide, self.styles.rule)
        return [*(Line([guide, *line]) for line in self._blocks(children, width - 2)), end]

    def _card(self, block: CardBlock, width: int) -> list[Line]:
        """ "Q" and the question, then a fold like a `<details>` summary with the answer
        under it once revealed (Enter, or a search match inside it)."""
        if not block.revealed and self.highlighter and _has_match(block, self.highlighter):
            block.revealed = True
        glyphs = self.glyphs
        arrow = glyphs.fold_open if block.revealed else glyphs.fold_closed
        toggle = Text(arrow + ("Answer" if block.revealed else "Show answer"), self.styles.summary)
        toggle.stylize(Style.from_meta({"card": block.number}))
        inner_width = width - len(CARD_MARK)
        if inner_width < MIN_WIDTH:  # no room to hang the card under its mark
            lines = self._marker_line(CARD_MARK, width, self.styles.summary)
            lines.extend(self._text(block.question, width))
            lines.extend(self._wrapped(toggle, width))
            if block.revealed:
                lines.extend(self._guided(block.children, width))
            return lines
        indent = Segment(" " * len(CARD_MARK))
        question = self._text(block.question, inner_width)
        lines = [
            Line([Segment(CARD_MARK, self.styles.summary) if row == 0 else indent, *line])
            for row, line in enumerate(question)
        ]
        lines.extend(Line([indent, *line]) for line in self._wrapped(toggle, inner_width))
        if block.revealed:
            lines.extend(
                Line([indent, *line]) for line in self._guided(block.children, inner_width)
            )
        return lines


#: How each kind of block is drawn (by its exact type: blocks are never subclassed).
_DRAW: dict[type[Block], Callable[[BlockRenderer, Any, int], list[Line]]] = {
    ParagraphBlock: BlockRenderer._paragraph,
    HeadingBlock: BlockRenderer._heading,
    ListBlock: BlockRenderer._top_list,
    QuoteBlock: BlockRenderer._quote,
    CodeBlock: BlockRenderer._code,
    TableBlock: BlockRenderer._table,
    DetailsBlock: BlockRenderer._details,
    CardBlock: BlockRenderer._card,
    AlertBlock: BlockRenderer._alert,
    DefinitionListBlock: BlockRenderer._definition_list,
    FootnotesBlock: BlockRenderer._footnotes,
    RuleBlock: BlockRenderer._rule,
}

#: Before a card's question in the text.
CARD_MARK = "Q  "

#: Columns a tab takes in code, highlighted or not (Rich's Syntax uses 4).
CODE_TAB_SIZE = 4


def _syntax_text(code: str, language: str, theme: Callable[[], SyntaxTheme | str]) -> Text:
    """Code as text, highlighted when its lexer is built: highlighting changes colours,
    never the text, so code is exactly as tall drawn plain as highlighted (the reading
    pane measures it plain; see `BlockRenderer.measuring`)."""
    code = code.replace("\r\n", "\n").replace("\r", "\n")  # as Pygments reads it
    lexer = _lexer(language) if language else None
    if lexer is None:
        return Text(code, tab_size=CODE_TAB_SIZE)
    from rich.syntax import Syntax

    text = Syntax(code, lexer, theme=theme(), tab_size=CODE_TAB_SIZE).highlight(code)
    if text.plain != code and text.plain == code + "\n":  # the lexer's `ensurenl`
        text.right_crop(1)
    return text if text.plain == code else Text(code, tab_size=CODE_TAB_SIZE)


#: Pygments token types (as tuples: no Pygments import) by the reader's syntax role.
SYNTAX_ROLES: dict[str, tuple[tuple[str, ...], ...]] = {
    "keyword": (
        ("Keyword",), ("Operator", "Word"), ("Name", "Tag"), ("Comment", "Preproc"),
        ("Generic", "Heading"), ("Generic", "Subheading"),
    ),
    "name": (
        ("Name", "Function"), ("Name", "Class"), ("Name", "Decorator"),
        ("Name", "Attribute"), ("Name", "Label"),
    ),
    "builtin": (("Name", "Builtin"), ("Name", "Variable"), ("Name", "Namespace")),
    "string": (("String",), ("Literal", "String"), ("Generic", "Inserted")),
    "number": (
        ("Number",), ("Literal",), ("Keyword", "Constant"), ("Name", "Constant"),
        ("String", "Escape"), ("String", "Interpol"), ("Name", "Entity"),
    ),
    "comment": (("Comment",), ("Generic", "Output"), ("Generic", "Prompt")),
    "error": (("Error",), ("Generic", "Deleted"), ("Generic", "Error"), ("Name", "Exception")),
}  # fmt: skip


def syntax_theme(roles: dict[str, Style]) -> SyntaxTheme:
    """A Rich syntax theme from the reader's role styles (see SYNTAX_ROLES)."""
    from rich.syntax import ANSISyntaxTheme

    style_map: dict = {
        ("Generic", "Emph"): Style(italic=True),
        ("Generic", "Strong"): Style(bold=True),
    }
    for role, tokens in SYNTAX_ROLES.items():
        for token in tokens:
            style_map[token] = roles[role]
    return ANSISyntaxTheme(style_map)


#: Lexers built so far, by lower-case language name (None: no such lexer).
_LEXERS: dict[str, Lexer | None] = {}


def _lexer(language: str) -> Lexer | None:
    """Pygments lexers are slow to build; each language's is built once and kept."""
    if language not in _LEXERS:
        _LEXERS[language] = _build_lexer(language)
    return _LEXERS[language]


def _build_lexer(language: str) -> Lexer | None:
    if language in ("text", "plain", "txt", "none"):
        return None
    from pygments.lexers import get_lexer_by_name  # Pygments loads only for code
    from pygments.util import ClassNotFound

    try:
        # Leading and trailing blank lines are the author's: Pygments drops them.
        return get_lexer_by_name(language, stripnl=False)
    except ClassNotFound:
        return None


def _has_match(block: DetailsBlock | CardBlock, highlighter: Highlighter) -> bool:
    texts: list[str] = []
    stack: list[Block] = list(block.children)
    while stack:
        child = stack.pop()
        if isinstance(child, ParagraphBlock | HeadingBlock):
            texts.append(child.text.plain)
        elif isinstance(child, CodeBlock):
            texts.append(child.code)
        elif isinstance(child, TableBlock):
            texts.extend(cell.plain for row in [child.header, *child.rows] for cell in row)
        elif isinstance(child, QuoteBlock | DetailsBlock | AlertBlock | CardBlock):
            stack.extend(child.children)
        elif isinstance(child, ListBlock):
            stack.extend(grandchild for item in child.items for grandchild in item)
        elif isinstance(child, DefinitionListBlock):
            for term, definitions in child.items:
                texts.append(term.plain)
                stack.extend(block for blocks in definitions for block in blocks)
    return any(highlighter(text) for text in texts)


def locate_spots(lines: list[Line]) -> list[Spot]:
    """Find every link, details summary and match in rendered lines, by their meta."""
    spots: list[Spot] = []
    matches = 0
    for row, line in enumerate(lines):
        x = 0
        for segment in line:
            style = segment.style
            length = cells(segment.text)
            meta = style.meta if style is not None else None
            if meta:
                if "link" in meta:
                    _extend(spots, Spot("link", meta["link"], row, x, x + length))
                if "details" in meta:
                    _extend(spots, Spot("details", meta["details"], row, x, x + length))
                if "card" in meta:
                    _extend(spots, Spot("card", meta["card"], row, x, x + length))
                if "note" in meta:
                    _extend(spots, Spot("note", meta["note"], row, x, x + length))
                if "noteback" in meta:
                    _extend(spots, Spot("noteback", meta["noteback"], row, x, x + length))
                if "term" in meta:
                    _extend(spots, Spot("term", meta["term"], row, x, x + length))
                if meta.get("match") and _extend(spots, Spot("match", matches, row, x, x + length)):
                    matches += 1
            x += length
    return spots


def _extend(spots: list[Spot], spot: Spot) -> bool:
    """Add a spot, or merge it into an earlier one it continues (one run, several segments).

    Returns True when the spot is new.
    """
    for index in range(len(spots) - 1, max(-1, len(spots) - 4), -1):
        previous = spots[index]
        same = previous.kind == spot.kind and (
            spot.kind == "match" or previous.number == spot.number
        )
        if same and previous.line == spot.line and previous.end == spot.start:
            spots[index] = Spot(spot.kind, previous.number, spot.line, previous.start, spot.end)
            return False
    spots.append(spot)
    return True
