"""Readable terminal text from the raw HTML a Markdown file holds (issue 17).

Stripping tags with a pattern showed the text of comments (Node.js docs put a YAML comment
after every heading), cut a comment's text where a `<` appeared, lost `<img>` alt texts and
ran the words of adjacent blocks together. This reads HTML as a browser shows it, as text:

- Comments (`<!-- … -->`, whatever they hold) are hidden; an unclosed `<!--` hides the
  rest, as the HTML standard reads it. A comment ends at `-->` (`<!-->` and `<!--->` are
  empty ones), where CommonMark ends its HTML block. `<!DOCTYPE …>` and other `<!…>` are
  hidden to their `>`, `<?…>` to its first `>` and `<![CDATA[…]]>` to its `]]>`, as
  GitHub's page shows them.
- Hidden with their content, as GitHub's sanitizer and browsers do: `script`, `style`,
  `template`, and `iframe`, `noembed`, `noframes`, whose content a browser that shows
  frames never shows. Shown: `noscript` (nothing here runs scripts), `title` and
  `textarea` as text (GitHub's sanitizer keeps the text of elements it drops; tags in
  them are text, as the standard reads them), `xmp` and `plaintext` as written.
- `<img>` is `[image: alt]` (`[image]` without one), as the reader shows a Markdown
  image; a checkbox `<input>` is a task list's box.
- `<br>` ends a line. Block elements (p, div, headings, lists, tables, blockquote, pre…)
  start a new line; those with a margin in a browser (p, headings, blockquote, pre,
  table, dl, figure, hr, details, a list not inside another) a new paragraph. `<hr>` is
  a paragraph break, not a drawn rule: the line's width is the renderer's, and a fixed
  rule would wrap badly or sit in the search text.
- `<li>` starts a line with its bullet (by depth, from reader.glyphs: ASCII on consoles
  that need it) or its number in an `<ol>`; a `<dd>` is indented under its `<dt>`; a
  `<blockquote>` has the quote bar; table cells are joined by the table's vertical
  rule, a line a row.
- White space collapses as a browser collapses it (a run to one space, none at line
  starts or ends) except in `<pre>`, `<textarea>`, `<xmp>` and `<plaintext>`.
- `<sup>`/`<sub>` become Unicode superscripts/subscripts when every character has one
  (`x²`, `H₂O`), else `^word` or `^(several words)` (see `superscript`).
- `<kbd>`, `<a>` (not its href) and other inline elements show their text; `<q>` adds
  quotation marks, as a browser does.
- Character references are decoded, then every text goes through
  `reader.sanitize.sanitize`, so `&#x1b;` cannot reach the terminal.

Everything is linear in the input: a tag is read by a possessive pattern that a `<`
outside a quoted value stops, every search for an end (`-->`, `>`, `?>`) either moves
the reading past what it found or ends it (or remembers that there is none), and only
elements that change the layout keep a frame, with indents capped.
"""

from __future__ import annotations

import re
from html import unescape
from typing import NamedTuple

from reader.glyphs import current
from reader.lazy_pattern import LazyPattern
from reader.markdown_syntax import collapse_html_space
from reader.sanitize import sanitize

__all__ = ["InlineTag", "html_block_text", "inline_tag", "subscript", "superscript"]

# --- the syntax (linear on any text: tests/unit/test_redos.py finds these) ---------------

# HTML's white space; Python's `\s` would also take U+00A0 and the separator controls.
_SPACE = "[ \t\n\f\r]"
_NAME = r"[^ \t\n\f\r/<>\"']"  # in a tag's name: no quote, no `<`
_ATTRIBUTE_NAME = r"[^ \t\n\f\r/<>\"'][^ \t\n\f\r/<>=\"']*+"  # `=` only first
_VALUE = r"\"[^\"]*+\"?+|'[^']*+'?+|[^ \t\n\f\r<>\"']*+"  # a quote left open runs to the end
#: One attribute: its name (1) and value, double-quoted (2), single-quoted (3) or bare (4).
_ATTRIBUTE = (
    rf"({_ATTRIBUTE_NAME})"
    rf"(?:{_SPACE}*+={_SPACE}*+(?:\"([^\"]*+)\"?+|'([^']*+)'?+|([^ \t\n\f\r<>\"']*+)))?+"
)
#: A start tag: its name (1), its attributes (2), and `>` (3), or "" where the text ends
#: inside the tag (a block cut there; the standard drops such a tag). A `<` outside a
#: quoted value ends the attempt, so a failed one never rescans a later tag's text; a quote
#: opened and left open runs to the end of the text, where the tag is cut.
_START_TAG = LazyPattern(
    rf"<([A-Za-z]{_NAME}*+)"
    rf"((?:[ \t\n\f\r/]*+{_ATTRIBUTE_NAME}(?:{_SPACE}*+={_SPACE}*+(?:{_VALUE}))?+)*+)"
    r"[ \t\n\f\r/]*+(>|\Z)"
)
_ATTRIBUTES = LazyPattern(_ATTRIBUTE)
_END_TAG_NAME = LazyPattern(r"</([A-Za-z][^ \t\n\f\r/>]*+)")
#: A character reference; a numeric one's digits (1: hex, 2: decimal) are taken whole,
#: however many there are, and a name is at most 32 characters, as html.unescape reads.
_REFERENCE = LazyPattern(r"&(?:#(?:[xX]([0-9A-Fa-f]++)|([0-9]++));?|[A-Za-z][A-Za-z0-9]{0,31}+;?)")
_START_NUMBER = LazyPattern(r"[+-]?[0-9]{1,9}")
_RAW_TEXT_END = {
    name: LazyPattern(rf"</{name}(?=[ \t\n\f\r/>]|\Z)", re.IGNORECASE)
    for name in ("script", "style", "iframe", "noembed", "noframes", "title", "textarea", "xmp")
}

# --- what the elements mean --------------------------------------------------------------

#: Raw text never shown: content up to the end tag (or the end of the text) is skipped.
_HIDDEN_RAW = frozenset(("script", "style", "iframe", "noembed", "noframes"))
#: Raw text shown: `title` and `textarea` with references decoded (`textarea` and `xmp`
#: keep their white space), `plaintext` to the end of the text.
_SHOWN_RAW = frozenset(("title", "textarea", "xmp", "plaintext"))
_HIDDEN_CONTENT = _HIDDEN_RAW | {"template"}
_LISTS = frozenset(("ul", "ol", "menu", "dir"))
#: Elements with a margin above and below in a browser: a blank line around them.
_PARAGRAPHS = frozenset(
    (
        *("p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "listing", "xmp"),
        *("plaintext", "table", "dl", "figure", "hr", "details", "fieldset"),
    )
)
#: Other block elements: each starts and ends a line.
_LINES = frozenset(
    (
        *("address", "article", "aside", "body", "caption", "center", "dd", "div", "dt"),
        *("figcaption", "footer", "form", "frameset", "head", "header", "hgroup", "html"),
        *("legend", "li", "main", "nav", "optgroup", "option", "search", "section"),
        *("summary", "tbody", "textarea", "tfoot", "thead", "title", "tr"),
    )
)
_BLOCKS = _PARAGRAPHS | _LINES | _LISTS
_VOID = frozenset(
    (
        *("area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr"),
        *("img", "image", "input", "keygen", "link", "meta", "param", "source", "track"),
        "wbr",
    )
)
#: Elements that get a frame: they change how the lines inside them start, or what ends
#: them. Any other element is transparent (its tags only break lines, if it is a block).
_FRAMED = frozenset(("li", "dl", "dd", "blockquote", "table", "pre", "listing", "template"))
_FRAMED |= _LISTS
_INDENT_CAP = 24  # characters of indent at most, however deep the nesting
_DEFINITION_INDENT = "    "  # as the reader draws a Markdown definition list
_BLANK_LINES_CAP = 2  # line ends in a row outside preformatted text: one blank line

_SUPERSCRIPTS = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVW",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂ",
        strict=True,
    )
)
_SUBSCRIPTS = dict(
    zip("0123456789+-−=()aehijklmnoprstuvx", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True)
)


class InlineTag(NamedTuple):
    """What one `html_inline` token (a single tag, as markdown-it gives them) means.

    A renderer appends `text` where the tag was (styled as it likes by `kind` and
    `name`), breaks the line at a `block` element's tags, drops the text between the
    open and close tags of a `hidden` element, and may style what an `open` tag starts
    (`kbd`) or collect it (`sup`, `sub`: see `superscript`) until its `close`.
    """

    #: "open", "close", "break" (`<br>`, `<hr>`), "image", "void" (another empty element:
    #: `<input>`, `<wbr>`, `<meta>`…), "comment" (also `<?…>`, `<!…>` and CDATA, hidden
    #: as a browser hides them), or "other" (not a tag HTML would read).
    kind: str
    #: The element's name, in lower case ("kbd", "sup", "a", "br", "img"); "" for a
    #: comment or other.
    name: str
    #: What to show in the tag's place, sanitized: "\n" for a break, `[image: Logo]`,
    #: a checkbox's task box (`☑ `), a quotation mark for `<q>`; else "".
    text: str
    #: An `<a>` open tag's href, references decoded and sanitized; else "".
    href: str
    #: A block element (p, div, li, h1…): a browser starts a new line at its tags.
    block: bool
    #: An element whose content a browser never shows (script, style, template…).
    hidden: bool


_OTHER = InlineTag("other", "", "", "", block=False, hidden=False)
_COMMENT = InlineTag("comment", "", "", "", block=False, hidden=False)


def inline_tag(source: str) -> InlineTag:
    """What one inline tag (an `html_inline` token's content) means; see `InlineTag`."""
    if source.startswith("<!--") or source.startswith("<?"):
        return _COMMENT
    if source.startswith("<!"):  # a declaration or CDATA: hidden, as a browser does
        return _COMMENT
    if source.startswith("</"):
        match = _END_TAG_NAME.match(source)
        if match is None:
            return _OTHER
        name = match[1].lower()
        if name == "br":  # the standard reads `</br>` as `<br>`
            return InlineTag("break", name, "\n", "", block=False, hidden=False)
        text = _quote_mark(closing=True) if name == "q" else ""
        return InlineTag("close", name, text, "", name in _BLOCKS, name in _HIDDEN_CONTENT)
    match = _START_TAG.match(source)
    if match is None:
        return _OTHER
    name = match[1].lower()
    block = name in _BLOCKS
    if name in ("br", "hr"):
        return InlineTag("break", name, "\n", "", block, hidden=False)
    if name in ("img", "image"):
        label = _image_label(_attributes(match[2]), plain=False)
        return InlineTag("image", name, label, "", block=False, hidden=False)
    if name in _VOID:
        text = _input_text(_attributes(match[2])) if name == "input" else ""
        return InlineTag("void", name, text, "", block=False, hidden=False)
    href = _clean(_attributes(match[2]).get("href", "")).strip() if name == "a" else ""
    text = _quote_mark(closing=False) if name == "q" else ""
    return InlineTag("open", name, text, href, block, name in _HIDDEN_CONTENT)


def superscript(text: str) -> str:
    """`text` raised: Unicode superscripts when every character has one (`x²`, `10ᵗʰ`),
    else `^word`, or `^(several words)` when it holds a space, so where the raised text
    ends stays clear. On an ASCII console (whose font lacks them) always the `^` form."""
    return _shift(text, _SUPERSCRIPTS, "^")


def subscript(text: str) -> str:
    """`text` lowered: Unicode subscripts when every character has one (`H₂O`), else
    `_word` or `_(several words)`, as `superscript`."""
    return _shift(text, _SUBSCRIPTS, "_")


def _shift(text: str, table: dict[str, str], mark: str) -> str:
    if not text:
        return ""
    if not current().ascii and all(char in table for char in text):
        return "".join(table[char] for char in text)
    if len(text.split(maxsplit=1)) > 1:
        return f"{mark}({text})"
    return mark + text


def html_block_text(source: str, *, plain: bool = False) -> str:
    """The text a browser shows for an HTML block (markdown-it's `html_block` content:
    any number of lines, possibly cut inside an element), sanitized for the terminal.

    `plain` gives the words alone, for search: no bullets, numbers, quote bars or
    quotation marks, image alt texts without `[image: …]`, `<sup>`/`<sub>` text as written
    (a search for "H2O" finds `H<sub>2</sub>O`).
    """
    if "<" not in source and "&" not in source:
        return collapse_html_space(sanitize(source)).strip(" ")  # nothing to read: no parser
    if "\r" in source:  # the standard reads every line end as "\n"
        source = source.replace("\r\n", "\n").replace("\r", "\n")
    writer = _Writer(plain)
    _read(source, writer)
    return writer.result()


# --- reading the tags ----------------------------------------------------------------


class _Finder:
    """`str.find` for the same few needles from positions that only grow: a search
    that found nothing is not repeated (nothing is found later either), and one that
    found a place past the position asked is reused, so each needle scans the text once."""

    __slots__ = ("_found", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._found: dict[str, int] = {}

    def find(self, needle: str, start: int) -> int:
        found = self._found.get(needle)
        if found is None or 0 <= found < start:
            found = self._text.find(needle, start)
            self._found[needle] = found
        return found


def _read(source: str, writer: _Writer) -> None:
    """Feed `writer` the text and tags of `source`, in one pass."""
    finder = _Finder(source)
    text_start = position = 0
    while True:
        less = source.find("<", position)
        if less < 0:
            break
        after = source[less + 1 : less + 2]
        if after == "!" or after == "?" or after == "/":
            end = _read_markup(source, less, finder, writer, text_start)
        elif after.isascii() and after.isalpha():
            end = _read_start_tag(source, less, finder, writer, text_start)
        else:
            end = None
        if end is None:  # not a tag: the `<` is text
            position = less + 1
            continue
        if end < 0:  # the rest of the text is hidden (or was read)
            return
        text_start = position = end
    writer.text(source[text_start:])


def _read_markup(
    source: str, less: int, finder: _Finder, writer: _Writer, text_start: int
) -> int | None:
    """A comment, declaration, processing instruction, CDATA section or end tag at
    `less`: where it ends, -1 if it hides the rest, None if it is text after all."""
    if source.startswith("<!--", less):
        close = finder.find("-->", less + 2)  # from after `<!`: `<!-->` is a comment
        writer.text(source[text_start:less])
        return -1 if close < 0 else close + 3
    if source.startswith("<![CDATA[", less):
        close = finder.find("]]>", less + 9)
        writer.text(source[text_start:less])
        return -1 if close < 0 else close + 3
    if source.startswith("<?", less):  # a browser ends it at its first `>`, as GitHub shows
        close = finder.find(">", less + 2)
        writer.text(source[text_start:less])
        return -1 if close < 0 else close + 1
    if source.startswith("</", less):
        name = _END_TAG_NAME.match(source, less)
        if name is None and source.startswith("</>", less):
            writer.text(source[text_start:less])
            return less + 3  # the standard ignores it
        if name is None and less + 2 >= len(source):
            return None  # `</` ends the text: text
        close = finder.find(">", less + 2)
        writer.text(source[text_start:less])
        if close < 0:
            return -1  # cut inside the tag
        if name is not None:
            writer.end_tag(name[1].lower())
        return close + 1  # a bogus comment without a name
    # Another `<!…>` (a DOCTYPE or a bogus comment) is hidden to its `>`.
    close = finder.find(">", less + 2)
    writer.text(source[text_start:less])
    return -1 if close < 0 else close + 1


def _read_start_tag(
    source: str, less: int, finder: _Finder, writer: _Writer, text_start: int
) -> int | None:
    match = _START_TAG.match(source, less)
    if match is None:
        return None
    writer.text(source[text_start:less])
    if not match[3]:
        return -1  # the text ends inside the tag: the standard drops it
    name = match[1].lower()
    writer.start_tag(name, match[2])
    if name in _HIDDEN_RAW or name in _SHOWN_RAW:
        return _read_raw_text(source, name, match.end(), finder, writer)
    return match.end()


def _read_raw_text(source: str, name: str, start: int, finder: _Finder, writer: _Writer) -> int:
    """The content of a raw text element (script, textarea…), read to its end tag: no tags
    inside it count. Returns where it ends (after the end tag), or -1 at the text's end."""
    if name == "plaintext":
        writer.text(source[start:], decode=False)
        return -1
    close = _RAW_TEXT_END[name].search(source, start)
    content = source[start : len(source) if close is None else close.start()]
    if name not in _HIDDEN_RAW:  # (the writer shows nothing inside a <template>)
        writer.text(content, decode=name != "xmp")
    if close is None:
        return -1
    end = finder.find(">", close.end())
    writer.end_tag(name)
    return -1 if end < 0 else end + 1


# --- writing the text ----------------------------------------------------------------


class _Frame:
    """An open element that changes the layout: a list, an item, a quote, a table…"""

    __slots__ = ("cells", "depth", "indent", "list", "name", "number", "table")

    def __init__(self, name: str, parent: _Frame | None) -> None:
        self.name: str = name
        self.indent: str = parent.indent if parent else ""  # every line inside starts with it
        self.list: _Frame | None = parent.list if parent else None  # the nearest list
        self.table: _Frame | None = parent.table if parent else None  # the nearest table
        self.depth = 0  # a list's nesting depth, 1 for the outermost
        self.number: int | None = None  # an ordered list's next item number
        self.cells = 0  # a table's cells so far in its current row


class _Writer:
    """Collects text as a browser lays it out: words joined by single spaces, lines and
    blank lines where block elements start and end, prefixes for items and quotes."""

    def __init__(self, plain: bool) -> None:
        self.plain = plain
        self.glyphs = current()
        self.parts: list[str] = []
        self.frames: list[_Frame] = []
        self.open_count: dict[str, int] = {}  # open frames by element name
        self.started = False  # anything written yet
        self.line_has_text = False
        self.space = False  # a space owed before the next word on this line
        self.line_ends = 0  # line ends owed before the next text
        self.marker: tuple[str, str] | None = None  # (indent, bullet) owed by an item
        self.skip_newline = False  # the line end right after `<pre>` is not shown
        self.raw_preformatted = False  # inside <textarea>, <xmp> or <plaintext>
        self.capture: list[str] | None = None  # the text of an open <sup> or <sub>
        self.capture_name = ""
        self.stray_table = _Frame("table", None)  # cells without a <table> around them

    @property
    def hidden(self) -> bool:
        return self.open_count.get("template", 0) > 0

    @property
    def preformatted(self) -> bool:
        count = self.open_count
        return self.raw_preformatted or count.get("pre", 0) > 0 or count.get("listing", 0) > 0

    # --- the pieces of layout ---

    def text(self, raw: str, *, decode: bool = True) -> None:
        """Text between tags: references decoded, sanitized, white space collapsed."""
        if not raw or self.hidden:
            return
        text = sanitize(_decode(raw) if decode else raw)
        if self.skip_newline:
            self.skip_newline = False
            text = text.removeprefix("\n")
        if self.preformatted:
            self._preformatted(text)
            return
        text = collapse_html_space(text)
        if not text:
            return
        if self.capture is not None:
            self.capture.append(text)
            return
        if text[0] == " ":
            self.space = True
        words = text.strip(" ")
        if words:
            self._write(words)
            self.space = text[-1] == " "

    def _preformatted(self, text: str) -> None:
        if self.capture is not None:
            self.capture.append(text)
            return
        for index, line in enumerate(text.split("\n")):
            if index:
                self._line_end(cap=False)
            if line:
                self._write(line)

    def _write(self, words: str) -> None:
        """Put text on the current line, after the line ends, prefix or space it is owed."""
        parts = self.parts
        if self.line_ends:
            if self.started:
                parts.append("\n" * self.line_ends)
            self.line_ends = 0
            self.line_has_text = False
        if not self.line_has_text:
            parts.append(self._prefix())
            self.line_has_text = True
        elif self.space:
            parts.append(" ")
        self.space = False
        parts.append(words)
        self.started = True

    def _prefix(self) -> str:
        indent = self.frames[-1].indent if self.frames else ""
        if self.marker is None:
            return indent
        outer, bullet = self.marker
        self.marker = None
        return outer + bullet + indent[len(outer) + len(bullet) :]

    def _break(self, line_ends: int) -> None:
        """A block starts or ends: the next text starts a line (or a paragraph)."""
        self._end_capture()
        if self.started and self.line_ends < line_ends:
            self.line_ends = line_ends
        self.space = False

    def _line_end(self, *, cap: bool = True) -> None:
        """`<br>`, or a line end in preformatted text: a second one in a row leaves a
        blank line (outside preformatted text, one at most)."""
        if not self.started:
            return
        self.line_ends += 1
        if cap and self.line_ends > _BLANK_LINES_CAP:
            self.line_ends = _BLANK_LINES_CAP
        self.space = False

    def _end_capture(self) -> None:
        """Write what an open <sup> or <sub> holds, raised or lowered."""
        captured, self.capture = self.capture, None
        if captured is None:
            return
        text = "".join(captured)
        if self.preformatted:
            words = text
        else:
            text = collapse_html_space(text)
            words = text.strip(" ")
            if text[:1] == " ":
                self.space = True
        if words:
            if not self.plain:
                shift = superscript if self.capture_name == "sup" else subscript
                words = shift(words)
            if self.preformatted:
                self._preformatted(words)
            else:
                self._write(words)
                self.space = text[-1:] == " "

    # --- tags ---

    def start_tag(self, name: str, attributes: str) -> None:
        if self.hidden:
            if name == "template":
                self._push(name)
            return
        if name in _BLOCKS:
            self._start_block(name)
        if name in ("br", "hr"):
            if name == "br":
                self._end_capture()
                self._line_end()
            return
        if name in ("img", "image"):
            self._inline_word(_image_label(_attributes(attributes), plain=self.plain))
        elif name == "input" and not self.plain:
            self._inline_word(_input_text(_attributes(attributes)).rstrip(" "), space_after=True)
        elif name == "q" and not self.plain:
            self._inline_word(_quote_mark(closing=False))
        elif name in ("sup", "sub") and self.capture is None:
            self.capture, self.capture_name = [], name
        elif name in _LISTS:
            outer = self.frames[-1].list if self.frames else None
            frame = self._push(name)
            frame.list = frame
            frame.depth = outer.depth + 1 if outer is not None else 1
            if name == "ol":
                frame.number = _start_number(_attributes(attributes).get("start", ""))
        elif name == "li":
            self._item(attributes)
        elif name in ("dt", "dd"):
            self._close_top("dd")
            if name == "dd":
                self._push(name, _DEFINITION_INDENT)
        elif name == "blockquote":
            self._push(name, "" if self.plain else self.glyphs.quote_bar)
        elif name == "table":
            frame = self._push(name)
            frame.table = frame
        elif name == "tr":
            self._table().cells = 0
        elif name in ("td", "th"):
            self._cell()
        elif name in ("pre", "listing", "dl", "template"):
            self._push(name)
            self.skip_newline = name in ("pre", "listing")
        elif name in ("textarea", "xmp", "plaintext"):
            self.raw_preformatted = True
            self.skip_newline = name == "textarea"

    def end_tag(self, name: str) -> None:
        if self.hidden:
            if name == "template":
                self._pop_to(name)
            return
        if name == "br":  # the standard reads `</br>` as `<br>`
            self.start_tag(name, "")
            return
        if name in _BLOCKS:
            self._break(2 if name in _PARAGRAPHS else 1)
        if name == self.capture_name and self.capture is not None:
            self._end_capture()
        elif name == "q" and not self.plain:
            self._inline_word(_quote_mark(closing=True), space_before=False)
        elif name in ("textarea", "xmp"):
            self.raw_preformatted = False
        elif name in _FRAMED:
            self._pop_to(name)

    def _start_block(self, name: str) -> None:
        if name in _LISTS:  # a list inside an item has no margin
            self._break(1 if self.frames and self.frames[-1].list else 2)
        else:
            self._break(2 if name in _PARAGRAPHS else 1)

    def _inline_word(
        self, word: str, *, space_before: bool = True, space_after: bool = False
    ) -> None:
        """An image label, a checkbox or a quotation mark among the words of its line
        (it ends an open `<sup>` or `<sub>`: `^([image: x])` would read worse)."""
        if not word:
            return
        self._end_capture()
        if not space_before:
            self.space = False
        self._write(word)
        self.space = space_after

    def _item(self, attributes: str) -> None:
        self._close_top("li")
        list_frame = self.frames[-1].list if self.frames else None
        bullet = ""
        if not self.plain:
            if list_frame is not None and list_frame.number is not None:
                value = _attributes(attributes).get("value") if attributes else None
                if value is not None:
                    list_frame.number = _start_number(value)
                bullet = f"{list_frame.number}. "
                list_frame.number += 1
            else:
                depth = list_frame.depth if list_frame else 1
                bullets = self.glyphs.bullets
                bullet = bullets[(depth - 1) % len(bullets)]
        outer = self.frames[-1].indent if self.frames else ""
        self._push("li", " " * len(bullet))
        self.marker = (outer, bullet) if bullet else None

    def _cell(self) -> None:
        table = self._table()
        if table.cells:
            self.space = True
            self._write(self.glyphs.table_vertical if not self.plain else "|")
            self.space = True
        table.cells += 1

    def _table(self) -> _Frame:
        table = self.frames[-1].table if self.frames else None
        return table if table is not None else self.stray_table

    # --- the frame stack: each frame is pushed once and popped once ---

    def _push(self, name: str, indent: str = "") -> _Frame:
        frame = _Frame(name, self.frames[-1] if self.frames else None)
        if indent and not self.plain and len(frame.indent) + len(indent) <= _INDENT_CAP:
            frame.indent += indent
        self.frames.append(frame)
        self.open_count[name] = self.open_count.get(name, 0) + 1
        return frame

    def _pop_to(self, name: str) -> None:
        """Close the innermost open `name` and whatever is still open inside it."""
        if not self.open_count.get(name):
            return  # a stray end tag: nothing to close
        while self.frames:
            frame = self.frames.pop()
            self.open_count[frame.name] -= 1
            if frame.name == "li":
                self.marker = None
            if frame.name == name:
                return

    def _close_top(self, name: str) -> None:
        """A new item or definition ends the open one, its end tag left out."""
        if self.frames and self.frames[-1].name == name:
            self._pop_to(name)

    def result(self) -> str:
        self._end_capture()
        return "".join(self.parts).rstrip()


# --- small readers -------------------------------------------------------------------


def _decode(text: str) -> str:
    """Character references decoded, as html.unescape decodes them."""
    if "&" not in text:
        return text
    return _REFERENCE.sub(_reference, text)


def _reference(match: re.Match[str]) -> str:
    digits = match[1] if match[1] is not None else match[2]
    if digits is None:
        return unescape(match[0])
    # Past U+10FFFF any value is U+FFFD; a long run would exceed int()'s digit limit.
    digits = digits.lstrip("0") or "0"
    if len(digits) > 8:
        return "\ufffd"
    return unescape(f"&#x{digits};" if match[1] is not None else f"&#{digits};")


def _clean(text: str) -> str:
    """An attribute value or CDATA text as it is shown: decoded, sanitized, one line."""
    return collapse_html_space(sanitize(_decode(text)))


def _attributes(source: str) -> dict[str, str]:
    """A tag's attributes by lower-case name (the first of a name counts, as in HTML)."""
    attributes: dict[str, str] = {}
    for match in _ATTRIBUTES.finditer(source):
        name = match[1].lower()
        if name not in attributes:
            value = match[2] if match[2] is not None else match[3]
            attributes[name] = value if value is not None else (match[4] or "")
    return attributes


def _image_label(attributes: dict[str, str], *, plain: bool) -> str:
    """`[image: alt]`, or `[image]` without one (a title is a browser's tooltip, as a
    Markdown image's is); `plain`: the alt alone, as the search text has a Markdown
    image's alt."""
    alt = _clean(attributes.get("alt", "")).strip(" ")
    if plain:
        return alt
    return f"[image: {alt}]" if alt else "[image]"


def _input_text(attributes: dict[str, str]) -> str:
    """A checkbox as the reader draws a task list's (`reader.glyphs` tasks: ☐/☑, or
    `[ ]`/`[x]` in ASCII); other inputs show nothing."""
    if attributes.get("type", "").strip().lower() != "checkbox":
        return ""
    return current().tasks[1 if "checked" in attributes else 0]


def _quote_mark(*, closing: bool) -> str:
    if current().ascii:
        return '"'
    return "\u201d" if closing else "\u201c"


def _start_number(value: str) -> int:
    """An `<ol start>` or `<li value>`: its leading integer, as HTML reads one, else 1."""
    match = _START_NUMBER.match(value.strip(" \t\n\f\r"))
    return int(match[0]) if match else 1
