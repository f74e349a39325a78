"""Compare the words GitHub shows for a piece of Markdown with the words the reader shows.

GitHub's side: cmark-gfm (GitHub's fork of cmark, via `cmarkgfm`) renders the Markdown to
HTML with the extensions GitHub turns on (table, strikethrough, autolink, tagfilter,
tasklist, and footnotes) and raw HTML let through, as GitHub lets it through before its
own allow-list. The *visible text* of that HTML is what a browser would show:

- tags, comments, declarations and the content of <script>, <style> and <template> show
  nothing; a closed <details> shows only its <summary>, as a browser does;
- an <img> shows its alt text; an <input> (a task list's checkbox) shows nothing;
- each item of an <ol> shows its number as the browser draws it ("3." whether the
  Markdown wrote `3.` or `3)`), since the reader shows list numbers too;
- a footnote's back-link (`↩`, and the `2` of a second back-link) is navigation chrome
  and shows nothing; a footnote marker (a superscript number) counts as a word of its own;
- GitHub alerts: raw cmark-gfm has none, so `> [!NOTE]` would stay literal. GitHub.com
  rewrites such a top-level block quote into `<div class="markdown-alert ...">` with a
  `<p class="markdown-alert-title">Note</p>`; the extraction does the same to the text: the
  marker line of a top-level block quote whose first line is exactly `[!NOTE]`, `[!TIP]`,
  `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]` shows as its title word (Note, Tip, ...).

The reader's side: tests/pipeline_text.py's `markdown_text`, the reading pane's own
drawing pipeline (Unicode glyphs pinned, so the result does not depend on the locale).

Both texts are then cut into *words*, so that what is presentation does not count and what
is content does:

1. The reader's framing of an image, `[image: alt]` (or `[image]`), is replaced by the alt.
2. Every non-ASCII punctuation or symbol character is dropped (bullets, box drawing of
   tables, rules and headings, the quote bar, ☐/☑, alert glyphs, `↩`, `…`): these are how
   each side draws structure. The price: a content symbol (`©`, `—`, `→`) is not compared.
3. `[N]` becomes the number N on both sides: the reader's footnote marker is `[1]` where
   GitHub draws a superscript 1.
4. NFKC normalisation (a superscript ² and a 2 are one word) and case folding (an alert
   title shown as NOTE or Note is one word).
5. A word is a run of letters and digits, or a single ASCII punctuation character. So
   word boundaries come from spaces and punctuation, and Markdown syntax shown literally
   where GitHub hides it (`~gone~`, `[!NOTE]`, a table's `\\|`, `[text][ref]`) differs,
   while line wrapping, indentation, alignment and styling do not.

Two renderings *match* when their word sequences are equal.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import cmarkgfm
from cmarkgfm.cmark import Options

from reader import glyphs
from tests.pipeline_text import markdown_text

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SPEC_FILE = HERE / "commonmark.json"
GFM_FILE = HERE / "gfm_cases.md"
PACK_FOLDER = REPO / "content"

#: The corpora in the order they are reported.
SPEC, GFM, PACK = "spec examples", "GFM cases", "default pack"
CORPORA = (SPEC, GFM, PACK)

#: Raw HTML through (GitHub filters it afterwards with an allow-list, keeping the text) and
#: footnotes on; github_flavored_markdown_to_html adds the table, autolink, tagfilter,
#: strikethrough and tasklist extensions itself.
CMARK_OPTIONS = Options.CMARK_OPT_UNSAFE | Options.CMARK_OPT_FOOTNOTES

#: A locale that selects the reader's Unicode glyphs (the ASCII set draws structure with
#: `*`, `|`, `+` and `-`, which step 2 above could not tell from content).
_UTF8_ENVIRONMENT = {"LANG": "C.UTF-8"}
_ASCII_ENVIRONMENT = {"TERM": "linux", "LANG": "C.UTF-8"}


def github_html(markdown: str) -> str:
    """cmark-gfm's HTML for the Markdown, as GitHub renders it before its allow-list."""
    return cmarkgfm.github_flavored_markdown_to_html(markdown, options=CMARK_OPTIONS)


# --- the visible text of cmark-gfm's HTML -------------------------------------------------

#: Elements with no end tag: never pushed on the stack of open elements.
_VOID = frozenset((
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
    "source", "track", "wbr",
))  # fmt: skip
#: Elements a browser lays out as blocks: their edges separate words.
_BLOCKS = frozenset((
    "address", "article", "aside", "blockquote", "caption", "dd", "details", "dialog", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "header", "hgroup", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
))  # fmt: skip
#: Elements whose content a browser never shows.
_HIDDEN = frozenset({"script", "style", "template"})
#: `<!-->` and `<!--->` are empty comments to a browser (HTML's "abruptly closed" comments);
#: html.parser would read on to the next `-->`, so they are made ordinary ones first.
_ABRUPT_COMMENT = re.compile(r"<!---?>")
_ALERT_MARKER = re.compile(r"\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|$)")


class _Open:
    """One open element: its tag, attributes, and the next number if it is an <ol>."""

    __slots__ = ("attrs", "next_number", "seen_text", "tag")

    def __init__(self, tag: str, attrs: dict[str, str | None]) -> None:
        self.tag = tag
        self.attrs = attrs
        self.seen_text = False
        self.next_number = _start_number(attrs) if tag == "ol" else 0

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()


def _start_number(attrs: dict[str, str | None]) -> int:
    try:
        return int(attrs.get("start") or "1")
    except ValueError:
        return 1


class _VisibleText(HTMLParser):
    """Collects the text a browser would show for cmark-gfm's HTML (see the module doc)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.stack: list[_Open] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag in _BLOCKS or tag == "br":
            self.pieces.append("\n")
        if not self._hidden():
            if tag == "img":
                self.pieces.append(f" {attributes.get('alt') or ''} ")
            elif tag == "li":
                self._list_number()
        opened = _Open(tag, attributes)
        if tag == "sup" and opened.has_class("footnote-ref"):
            self.pieces.append(" ")
        if tag not in _VOID:
            self.stack.append(opened)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                closed = self.stack[depth]
                del self.stack[depth:]
                if tag == "sup" and closed.has_class("footnote-ref"):
                    self.pieces.append(" ")
                break
        if tag in _BLOCKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if self._hidden():
            return
        if data.strip():
            data = self._alert_title(data)
            for element in self.stack:
                element.seen_text = True
        self.pieces.append(data)

    def _hidden(self) -> bool:
        """True inside script/style/template, a footnote's back-link, or a closed <details>
        outside its <summary>."""
        closed_details = False
        for element in self.stack:
            if element.tag in _HIDDEN or element.has_class("footnote-backref"):
                return True
            if element.tag == "details":
                closed_details = "open" not in element.attrs
            elif element.tag == "summary":
                closed_details = False
        return closed_details

    def _list_number(self) -> None:
        for element in reversed(self.stack):
            if element.tag == "ol":
                self.pieces.append(f"{element.next_number}. ")
                element.next_number += 1
                return
            if element.tag in ("ul", "li"):
                return

    def _alert_title(self, data: str) -> str:
        """GitHub.com's alert title in place of the marker (see the module doc)."""
        if [element.tag for element in self.stack] != ["blockquote", "p"]:
            return data
        if self.stack[0].seen_text:
            return data
        marker = _ALERT_MARKER.match(data)
        if marker is None:
            return data
        return f"{marker.group(1).title()}\n{data[marker.end() :]}"


def visible_text(html: str) -> str:
    """The text a browser shows for the HTML (see the module doc for what counts)."""
    parser = _VisibleText()
    parser.feed(_ABRUPT_COMMENT.sub("<!---->", html))
    parser.close()
    return "".join(parser.pieces)


# --- words ----------------------------------------------------------------------------------

_BRACKETED_NUMBER = re.compile(r"\[(\d+)\]")
_WORD = re.compile(r"[^\W_]+|[!-/:-@\[-`{-~]")
_DRAWN_ONLY: dict[int, str] = {}


def _is_drawn_only(character: str) -> bool:
    """Non-ASCII punctuation and symbols: how each side draws structure (module doc, 2)."""
    return ord(character) > 127 and unicodedata.category(character)[0] in "PS"


def _without_drawing(text: str) -> str:
    for character in set(text):
        code = ord(character)
        if code not in _DRAWN_ONLY and _is_drawn_only(character):
            _DRAWN_ONLY[code] = " "
    return text.translate(_DRAWN_ONLY)


def words(text: str) -> list[str]:
    """The words of a text, either side's (steps 2 to 5 of the module doc)."""
    text = _BRACKETED_NUMBER.sub(r" \1 ", _without_drawing(text))
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


def github_words(markdown: str) -> list[str]:
    """The words GitHub shows for the Markdown."""
    return words(visible_text(github_html(markdown)))


def reader_words(markdown: str, name: str = "example.md") -> list[str]:
    """The words the reading pane shows for the Markdown as one file called `name`."""
    return words(reader_visible_text(markdown, name))


def reader_visible_text(markdown: str, name: str = "example.md") -> str:
    """The reader's plain text with its image framing replaced by the alt (module doc, 1)."""
    return without_image_framing(markdown_text(markdown, name=name))


_IMAGE_OPEN = "[image: "
_IMAGE_EMPTY = "[image]"


def without_image_framing(text: str) -> str:
    """`[image: alt]` as ` alt ` and `[image]` as a space; the alt's own brackets, balanced
    as a label's are, stay (`[image: [foo](uri)]` is the alt `[foo](uri)`)."""
    pieces: list[str] = []
    done = 0
    while (start := text.find("[image", done)) != -1:
        if text.startswith(_IMAGE_EMPTY, start):
            pieces += [text[done:start], " "]
            done = start + len(_IMAGE_EMPTY)
            continue
        if not text.startswith(_IMAGE_OPEN, start):
            pieces.append(text[done : start + 1])
            done = start + 1
            continue
        alt_start = end = start + len(_IMAGE_OPEN)
        depth = 0
        while end < len(text) and (text[end] != "]" or depth):
            depth += {"[": 1, "]": -1}.get(text[end], 0)
            end += 1
        pieces += [text[done:start], " ", text[alt_start:end], " "]
        done = end + 1
    pieces.append(text[done:])
    return "".join(pieces)


# --- cases and outcomes ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One piece of Markdown to compare, named so a mismatch list can point at it."""

    key: str  # "spec:123", "gfm:table-escaped-pipe", "pack:00-start-here.md"
    corpus: str
    section: str  # the spec's section, the GFM case's group, or the pack's name
    markdown: str
    file_name: str = "example.md"


@dataclass(frozen=True)
class Outcome:
    """Both sides' words for one case."""

    case: Case
    github: tuple[str, ...]
    reader: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return self.github == self.reader

    def first_difference(self, context: int = 6) -> str:
        """Where the two word sequences part, with a few words of each side from there."""
        return first_difference(self.github, self.reader, context)


def first_difference(github: Iterable[str], reader: Iterable[str], context: int = 6) -> str:
    """`at word N: GitHub «…» / reader «…»`, starting a little before the first difference."""
    theirs, ours = list(github), list(reader)
    index = next(
        (i for i, (a, b) in enumerate(zip(theirs, ours, strict=False)) if a != b),
        min(len(theirs), len(ours)),
    )
    if theirs == ours:
        return "no difference"
    start = max(0, index - 2)

    def excerpt(sequence: list[str]) -> str:
        shown = sequence[start : index + context]
        more = "…" if index + context < len(sequence) else "(end)"
        return " ".join([*(["…"] if start else []), *shown, more])

    return f"at word {index + 1}: GitHub «{excerpt(theirs)}» / reader «{excerpt(ours)}»"


def spec_cases(path: Path = SPEC_FILE) -> list[Case]:
    """Every example of the vendored CommonMark spec."""
    examples = json.loads(path.read_text(encoding="utf-8"))
    return [
        Case(f"spec:{example['example']}", SPEC, example["section"], example["markdown"])
        for example in examples
    ]


_CASE_FENCE = "````````"


def gfm_cases(path: Path = GFM_FILE) -> list[Case]:
    """The named cases of gfm_cases.md: `## group`, `### name`, then an 8-backtick fence."""
    cases: list[Case] = []
    group = name = ""
    body: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines(keepends=True):
        if body is not None:
            if line.rstrip("\n") == _CASE_FENCE:
                cases.append(Case(f"gfm:{name}", GFM, group, "".join(body)))
                body = None
            else:
                body.append(line)
        elif line.startswith("## "):
            group = line[3:].strip()
        elif line.startswith("### "):
            name = line[4:].strip()
        elif line.rstrip("\n") == _CASE_FENCE + "markdown":
            body = []
    if body is not None:
        raise ValueError(f"{path}: case {name!r} has no closing fence")
    return cases


def pack_cases(folder: Path = PACK_FOLDER) -> list[Case]:
    """Every Markdown file of the default pack, each read as a file of its own."""
    return [
        Case(
            f"pack:{path.relative_to(folder).as_posix()}",
            PACK,
            "default pack",
            path.read_text(encoding="utf-8"),
            path.name,
        )
        for path in sorted(folder.rglob("*.md"))
    ]


def all_cases() -> list[Case]:
    """The three corpora, in report order."""
    return [*spec_cases(), *gfm_cases(), *pack_cases()]


def compare(cases: Iterable[Case]) -> Iterator[Outcome]:
    """Each case's words on both sides, drawn with the reader's Unicode glyphs."""
    before_was_ascii = glyphs.current() is glyphs.ASCII
    glyphs.select(_UTF8_ENVIRONMENT, "utf-8")
    try:
        for case in cases:
            yield Outcome(
                case,
                tuple(github_words(case.markdown)),
                tuple(reader_words(case.markdown, case.file_name)),
            )
    finally:
        glyphs.select(_ASCII_ENVIRONMENT if before_was_ascii else _UTF8_ENVIRONMENT, "utf-8")
