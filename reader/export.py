"""Export a pack's cards to Anki: a deck package (`.apkg`, through genanki) or a text file
for Anki's text import (issue 19).

Anki matches what it imports to what it holds by the note's GUID, and updates a note only
when the import's modification time is newer and its note type the same. So:

- A note's GUID comes from the card's `note` identity (`genanki.guid_for`): exporting the
  same cards again gives the same GUIDs, and re-importing updates the notes (their
  schedules kept) instead of adding copies. Editing a card's text changes its identity,
  so Anki then gets a new note beside the old one, as the reader starts the card afresh.
- The note types have fixed ids and fixed field and template names (Anki matches a note
  type by its id, then compares those names): changing one would make every later import
  of an existing note a conflict Anki skips.
- A note is exported whole: both directions of `Q:::A` are one note of the two-template
  "Basic (and reversed card)" type, and every cloze number of a paragraph one cloze note,
  as Anki itself models them (the note's GUID then always meets the same note type, and
  Anki buries a note's sibling cards on the day one of them is reviewed).
- The notes' modification time is the export's time, not a constant: with a constant,
  Anki would count every re-import as "not newer" and skip the updates. Only that time
  (and the ids genanki counts from it) differs between two exports of the same cards; a
  fixed `timestamp` makes the file byte for byte the same.

Card sides are Markdown; Anki shows HTML. The package renders each side with markdown-it
(CommonMark, tables and strikethrough); images become their description (a pack's
pictures are not in the package, and a remote one would be fetched by Anki), and links
other than web and mail links become their text (a link to another page of the pack
leads nowhere in Anki). The section path is a field shown above the question, and a
hierarchical tag `reader::Top::Child`.

Raw HTML never reaches Anki as written, whose card view runs scripts. Inline HTML
(`H<sub>2</sub>O`, `<kbd>Ctrl</kbd>`, `<br>`) is rebuilt tag by tag (`_InlineHtml`):
the formatting tags in `_KEPT_TAGS` are written again bare, without any attribute; any
other tag is dropped and its text kept, as the reader shows it; the content of `script`,
`style` and the like (`_HIDDEN_CONTENT`), comments, declarations and processing
instructions are dropped whole. A kept tag left open is closed at the end of its
paragraph (a browser would carry it into the next paragraphs and the other side). An
HTML block is written as the words the reader and the text file show for it
(`reader.html_text`), escaped, its lines and paragraphs kept.

The text file is plain text (`#html:false`) because Anki escapes such fields: one row per
card, question and answer on one line each (line breaks and tabs become spaces, list
items start with their marker), the section tag and a GUID column. Cloze cards are
question/answer rows (the paragraph with the deletion shown as […], then with it filled
in), not `Cloze` notes: the rows then all fit the one note type a text import maps its
columns to (the file does not name a note type per row, since the built-in types' names
differ with Anki's language). The package is the faithful export.

Writing is atomic: the whole file is built in memory, written to a temporary file in the
destination's folder and renamed over the destination, so a failure (missing folder, no
permission, full disk) leaves no half-written file and raises `ExportError` with a
message for the user. No Textual here; genanki is imported only when a package is made.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import itertools
import os
import secrets
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from reader.lazy_pattern import LazyPattern
from reader.sanitize import sanitize, sanitize_line

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

    from reader.cards import Card, CardSet

__all__ = [
    "BASIC_MODEL_ID",
    "CLOZE_MODEL_ID",
    "REVERSED_MODEL_ID",
    "ExportError",
    "ExportReport",
    "anki_guid",
    "deck_id",
    "deck_name",
    "export_anki",
    "export_tsv",
    "markdown_html",
    "plain_line",
    "section_tag",
    "tsv_text",
]

# Fixed for ever: Anki recognises a note type by its id (see the module's docstring).
BASIC_MODEL_ID = 1765403604
REVERSED_MODEL_ID = 2036571463
CLOZE_MODEL_ID = 1472694808
#: The tag every exported note carries, and the root of the section tags.
TAG_ROOT = "reader"
_COLONS = LazyPattern(r":{2,}")
#: What a link may point to and stay a link in Anki.
_WEB_SCHEMES = ("http://", "https://", "mailto:")
#: The text file's columns after the question and the answer (1-based, as Anki counts).
_TAGS_COLUMN, _GUID_COLUMN = 3, 4
#: A zip entry's date: a constant, so that the same content gives the same file.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_CSS = """\
.card { font-family: sans-serif; font-size: 20px; text-align: left; color: black;
  background-color: white; }
.nightMode .card, .card.nightMode { color: #e6e6e6; background-color: #2c2c2c; }
.section { font-size: 13px; color: #666; margin-bottom: 1em; }
.nightMode .section, .card.nightMode .section { color: #aaa; }
.cloze { font-weight: bold; color: #1a5fb4; }
.nightMode .cloze, .card.nightMode .cloze { color: #8cb4ff; }
table { border-collapse: collapse; }
th, td { border: 1px solid #999; padding: 0.2em 0.5em; }
"""
_SECTION = '<div class="section">{{Section}}</div>\n'


class ExportError(Exception):
    """The export could not be written; the message says why, for the user."""


@dataclass(frozen=True)
class ExportReport:
    """What an export wrote: `notes` Anki notes (rows of a text file) holding `cards`
    cards, at `path`."""

    notes: int
    cards: int
    path: Path
    kind: str  # "apkg" or "tsv"

    def message(self) -> str:
        """One line for the command line, saying what to do with the file."""
        where = sanitize_line(str(self.path))
        notes = f"{self.notes} note{'' if self.notes == 1 else 's'}"
        cards = f"{self.cards} card{'' if self.cards == 1 else 's'}"
        if self.kind == "tsv":
            return (
                f"Wrote {cards} to {where}: import it in Anki 2.1.55 or later "
                "(File › Import) as Basic notes."
            )
        return f"Wrote {notes} ({cards}) to {where}: import it in Anki (File › Import)."


class _Note(NamedTuple):
    """One Anki note made from the cards that share a `note` identity."""

    model: str  # "basic", "reversed" or "cloze"
    guid: str
    fields: tuple[str, ...]  # HTML
    tags: tuple[str, ...]


# ----------------------------------------------------------------- names and ids
def deck_name(pack_title: str) -> str:
    """The pack's title as one Anki deck: one line, and no `::`, which would nest decks."""
    name = _COLONS.sub(":", sanitize_line(pack_title)).strip(" :")
    return name or "reader"


def deck_id(pack_title: str) -> int:
    """A deck id that is the same for every export of the pack, from its deck name, in the
    range genanki suggests (clear of Anki's own ids)."""
    digest = hashlib.sha256(f"reader deck\x1f{deck_name(pack_title)}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def anki_guid(identity: str) -> str:
    """Anki's GUID for a card or note identity, as genanki makes it."""
    guid: str = _genanki().guid_for(identity)
    return guid


def _genanki() -> Any:
    """genanki, loaded only by an export (it ships no type information)."""
    import genanki  # type: ignore[import-untyped]

    return genanki


def section_tag(breadcrumb: str) -> str:
    """`Top › Child` as the hierarchical tag `reader::Top::Child`: Anki tags hold no
    spaces (they become `_`), and `::` only between levels."""
    levels = [TAG_ROOT]
    for title in breadcrumb.split("›"):
        level = "_".join(_COLONS.sub(":", sanitize_line(title)).strip(":").split())
        if level:
            levels.append(level)
    return "::".join(levels)


# ----------------------------------------------------------------- Markdown
#: Raw inline tags written again (bare) in a field: formatting a card may need, none of
#: which can load, run or link anything. `br` is written alone: it has no content.
_KEPT_TAGS = frozenset(
    {"sub", "sup", "b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "kbd", "code"}
    | {"small", "br"}
)
#: Elements whose content is dropped with them: code, styles, embedded documents, text
#: meant for a browser without scripts (Anki's runs them), and a form's raw text.
_HIDDEN_CONTENT = frozenset(
    {"script", "style", "iframe", "object", "template", "noscript", "textarea"}
)
#: Hidden elements that can hold themselves; the others end at their first closing tag,
#: as a browser reads their content as text.
_NESTING_HIDDEN = frozenset({"object", "template"})
#: How many kept tags may be open at once in a paragraph: deeper ones are dropped, so a
#: run of unclosed tags cannot nest the field without bound.
_MAX_OPEN_TAGS = 32


@lru_cache(maxsize=1)
def _html_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    parser.add_render_rule("image", _image_text)
    parser.add_render_rule("html_block", _html_block_text)
    return parser


def _image_text(renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any) -> str:
    """An image as its description: the package carries no picture to show."""
    from reader.markdown import image_alt

    return _image_label(image_alt(tokens[index]))


def _image_label(alt: str) -> str:
    """`[image: alt]`, escaped: what the reader shows for a picture."""
    return html.escape(f"[image: {alt}]" if alt else "[image]", quote=False)


def _html_block_text(
    renderer: Any, tokens: Sequence[Token], index: int, options: Any, env: Any
) -> str:
    """An HTML block as the words the reader and the text file show for it, escaped: its
    tables, lists and paragraphs keep their lines, none of its tags are written."""
    from reader.html_text import html_block_text

    text = html_block_text(tokens[index].content, plain=True)
    paragraphs = (paragraph for paragraph in text.split("\n\n") if paragraph.strip())
    return "".join(
        "<p>"
        + "<br>".join(html.escape(line, quote=False) for line in paragraph.split("\n"))
        + "</p>\n"
        for paragraph in paragraphs
    )


def markdown_html(markdown: str) -> str:
    """A card side's Markdown as HTML for an Anki field: raw HTML reduced to bare
    formatting tags, images as their description, links kept only to the web and mail."""
    parser = _html_parser()
    tokens = parser.parse(sanitize(markdown))
    for token in tokens:
        if token.children:
            token.children = _without_local_links(_with_safe_html(token.children))
    rendered: str = parser.renderer.render(tokens, parser.options, {})
    return rendered.strip()


def _with_safe_html(children: list[Token]) -> list[Token]:
    """A paragraph's inline tokens with their raw HTML rebuilt by `_InlineHtml`, what a
    hidden element holds dropped, and the kept tags left open closed at its end.

    Markdown's own opening and closing tokens inside a hidden element stay unless both
    are in it (`<script>**x**</script>`): each kept one then still has its pair, and none
    is left open past the paragraph."""
    if not any(child.type == "html_inline" for child in children):
        return children
    from markdown_it.token import Token

    rebuilder = _InlineHtml()
    kept: list[Token] = []
    hidden_openings: list[int] = []  # where in `kept` openings met while hiding are
    for child in children:
        if child.type == "html_inline":
            child.content = rebuilder.rebuild(child.content)
            if child.content:
                kept.append(child)
        elif not rebuilder.hiding:
            kept.append(child)
        elif child.nesting == 1:
            hidden_openings.append(len(kept))
            kept.append(child)
        elif child.nesting == -1:
            if hidden_openings and hidden_openings[-1] == len(kept) - 1:
                hidden_openings.pop()
                kept.pop()  # its opening, with nothing shown between them
            else:
                kept.append(child)
    closing = rebuilder.close_open_tags()
    if closing:
        kept.append(Token("html_inline", "", 0, content=closing))
    return kept


class _InlineHtml(HTMLParser):
    """Raw inline HTML rebuilt one tag at a time (markdown-it's `html_inline` tokens, each
    one whole tag, comment or declaration), remembering across a paragraph's tags which
    kept tags are open and whether a hidden element's content is being skipped.

    What it writes is only ever a bare `<name>` or `</name>` from `_KEPT_TAGS` or escaped
    text, whatever it reads; the parser is reset before each tag, so a tag it could not
    read whole is dropped, not carried into the next one. Each tag costs constant time
    (open tags are counted by name), so a paragraph costs time linear in its length.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self._written: list[str] = []
        self._open: list[str] = []
        self._open_count: dict[str, int] = {}
        self._hidden: str | None = None  # the element whose content is skipped
        self._hidden_depth = 0

    @property
    def hiding(self) -> bool:
        """Whether the paragraph's text at this point is inside a hidden element."""
        return self._hidden is not None

    def rebuild(self, tag: str) -> str:
        """The HTML to write for one raw tag (often none)."""
        if tag.startswith(("<!", "<?")):  # a comment, declaration, CDATA or instruction
            return ""
        self.reset()
        self._written = []
        self.feed(tag)
        return "".join(self._written)

    def close_open_tags(self) -> str:
        """Closing tags for the kept tags still open, innermost first."""
        closing = "".join(f"</{name}>" for name in reversed(self._open))
        self._open.clear()
        self._open_count.clear()
        return closing

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden is not None:
            if tag == self._hidden and tag in _NESTING_HIDDEN:
                self._hidden_depth += 1
        elif tag in _HIDDEN_CONTENT:
            self._hidden, self._hidden_depth = tag, 1
        elif tag == "br":
            self._written.append("<br>")
        elif tag == "img":  # as the reader shows it, and as a Markdown image is written
            self._written.append(_image_label(dict(attrs).get("alt") or ""))
        elif tag in _KEPT_TAGS and len(self._open) < _MAX_OPEN_TAGS:
            self._written.append(f"<{tag}>")
            self._open.append(tag)
            self._open_count[tag] = self._open_count.get(tag, 0) + 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # HTML ignores the slash of `<b/>` (and `<script/>`): the element opens.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self._hidden is not None:
            if tag == self._hidden:
                self._hidden_depth -= 1
                if self._hidden_depth == 0:
                    self._hidden = None
        elif tag == "br":  # read as `<br>`, as the HTML standard says
            self._written.append("<br>")
        elif self._open_count.get(tag):  # closes it and any kept tag opened inside it
            while True:
                name = self._open.pop()
                self._open_count[name] -= 1
                self._written.append(f"</{name}>")
                if name == tag:
                    break

    def handle_data(self, data: str) -> None:
        # Only text the parser could not read as a tag (markdown-it's and its rules for
        # a tag differ at the edges): escaped, so Anki shows it as the text it is.
        if self._hidden is None:
            self._written.append(html.escape(data, quote=False))


def _without_local_links(children: list[Token]) -> list[Token]:
    """The inline tokens with links that lead nowhere in Anki reduced to their text (links
    do not nest, so a dropped opening's closing is the next closing)."""
    kept: list[Token] = []
    dropping = False
    for child in children:
        if child.type == "link_open":
            href = str(child.attrGet("href") or "")
            dropping = not href.lower().startswith(_WEB_SCHEMES)
            if dropping:
                continue
        elif child.type == "link_close" and dropping:
            dropping = False
            continue
        kept.append(child)
    return kept


def plain_line(markdown: str) -> str:
    """A card side as one line of plain text, for a text file Anki reads as text: the
    words as the reader shows them (inline HTML tags dropped, HTML blocks read as text),
    list items after their marker, table cells between bars."""
    from reader.markdown import inline_token_text, parse

    parts: list[str] = []
    for token in parse(sanitize(markdown)):
        if token.type == "list_item_open":
            parts.append(f"{token.info}{token.markup}" if token.info else "•")
        elif token.type == "inline":
            parts.append(inline_token_text(token))
        elif token.type in ("th_open", "td_open") and parts and parts[-1] != "/":
            parts.append("|")
        elif token.type == "tr_close":
            parts.append("/")
        elif token.type in ("fence", "code_block"):
            parts.append(token.content)
        elif token.type == "html_block":
            from reader.html_text import html_block_text

            parts.append(html_block_text(token.content, plain=True))
    return sanitize_line(" ".join(" ".join(parts).split()).removesuffix(" /"))


# ----------------------------------------------------------------- notes
def _card_list(cards: CardSet | Sequence[Card]) -> list[Card]:
    return list(cards) if isinstance(cards, Sequence) else list(cards.cards)


def _anki_notes(cards: list[Card]) -> list[_Note]:
    """The cards grouped into Anki notes by their `note` identity, in reading order: a
    cloze paragraph's numbers one cloze note, a `:::` pair one two-way note, any other
    card a basic note."""
    groups: dict[str, list[Card]] = {}
    for card in cards:
        groups.setdefault(card.note, []).append(card)
    notes = []
    for identity, group in groups.items():
        first = group[0]
        section = html.escape(sanitize_line(first.breadcrumb), quote=False)
        tags = (section_tag(first.breadcrumb),)
        cloze = next((card for card in group if card.kind == "cloze" and card.anki_text), None)
        if cloze is not None:
            fields: tuple[str, ...] = (markdown_html(cloze.anki_text), section)
            notes.append(_Note("cloze", anki_guid(identity), fields, tags))
            continue
        forward = next((card for card in group if card.kind != "reversed"), None)
        if forward is not None:
            front, back = forward.question, forward.answer
        else:  # only the back-to-front card was given: its note is the same pair
            front, back = first.answer, first.question
        model = "reversed" if any(card.kind == "reversed" for card in group) else "basic"
        fields = (markdown_html(front), markdown_html(back), section)
        notes.append(_Note(model, anki_guid(identity), fields, tags))
    return notes


def _models(genanki: Any) -> dict[str, Any]:
    """The three note types, made afresh per export (genanki fills them in as it writes)."""
    basic_fields = [{"name": "Front"}, {"name": "Back"}, {"name": "Section"}]
    answer = "{{FrontSide}}\n\n<hr id=answer>\n\n"
    return {
        "basic": genanki.Model(
            BASIC_MODEL_ID,
            "reader Basic",
            fields=basic_fields,
            templates=[
                {"name": "Card 1", "qfmt": _SECTION + "{{Front}}", "afmt": answer + "{{Back}}"}
            ],
            css=_CSS,
        ),
        "reversed": genanki.Model(
            REVERSED_MODEL_ID,
            "reader Basic (and reversed card)",
            fields=[dict(field) for field in basic_fields],
            templates=[
                {"name": "Card 1", "qfmt": _SECTION + "{{Front}}", "afmt": answer + "{{Back}}"},
                {"name": "Card 2", "qfmt": _SECTION + "{{Back}}", "afmt": answer + "{{Front}}"},
            ],
            css=_CSS,
        ),
        "cloze": genanki.Model(
            CLOZE_MODEL_ID,
            "reader Cloze",
            fields=[{"name": "Text"}, {"name": "Section"}],
            templates=[
                {
                    "name": "Cloze",
                    "qfmt": _SECTION + "{{cloze:Text}}",
                    "afmt": _SECTION + "{{cloze:Text}}",
                }
            ],
            css=_CSS,
            model_type=genanki.Model.CLOZE,
        ),
    }


def _package_bytes(notes: list[_Note], pack_title: str, timestamp: float) -> tuple[bytes, int]:
    """The `.apkg` file (a zip holding the collection's SQLite file) and its card count."""
    genanki = _genanki()
    name = deck_name(pack_title)
    description = html.escape(f"Cards from the reader pack “{name}”.", quote=False)
    deck = genanki.Deck(deck_id(pack_title), name, description=description)
    models = _models(genanki)
    for position, note in enumerate(notes, start=1):
        # `due` is a new card's place in Anki's queue: the pack's reading order.
        deck.add_note(
            genanki.Note(
                model=models[note.model],
                fields=list(note.fields),
                tags=list(note.tags),
                guid=note.guid,
                due=position,
            )
        )
    connection = sqlite3.connect(":memory:")
    try:
        cursor = connection.cursor()
        ids = itertools.count(int(timestamp * 1000))
        genanki.Package(deck).write_to_db(cursor, timestamp, ids)
        connection.commit()
        (cards,) = cursor.execute("SELECT count(*) FROM cards").fetchone()
        database = _database_bytes(connection)
    finally:
        connection.close()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr(_zip_entry("collection.anki2"), database)
        package.writestr(_zip_entry("media"), "{}")  # no pictures or sounds
    return archive.getvalue(), int(cards)


def _database_bytes(connection: sqlite3.Connection) -> bytes:
    """The in-memory database as a file's bytes (genanki writes a file in the system's
    temporary folder and leaves it there; this keeps the whole export in memory)."""
    serialize = getattr(connection, "serialize", None)
    if serialize is None:  # an SQLite built without its serialize API
        return _database_bytes_through_file(connection)
    return bytes(serialize())


def _database_bytes_through_file(connection: sqlite3.Connection) -> bytes:
    with tempfile.TemporaryDirectory(prefix="reader-export-") as folder:
        path = Path(folder) / "collection.anki2"
        copy = sqlite3.connect(path)
        try:
            connection.backup(copy)
        finally:
            copy.close()
        return path.read_bytes()


def _zip_entry(name: str) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = 0o644 << 16
    return entry


# ----------------------------------------------------------------- the two exports
def export_anki(
    cards: CardSet | Sequence[Card],
    pack_title: str,
    destination: Path,
    *,
    timestamp: float | None = None,
) -> ExportReport:
    """Write the cards as an Anki deck package: one deck named after the pack, one note
    per `note` identity. `timestamp` (seconds) is the notes' modification time, now by
    default, so that a re-import updates them (see the module's docstring)."""
    notes = _anki_notes(_card_list(cards))
    if not notes:
        raise ExportError(f"no cards to export from “{sanitize_line(pack_title)}”")
    moment = time.time() if timestamp is None else timestamp
    data, card_count = _package_bytes(notes, pack_title, moment)
    _write_atomically(destination, data)
    return ExportReport(len(notes), card_count, destination, "apkg")


def export_tsv(cards: CardSet | Sequence[Card], pack_title: str, destination: Path) -> ExportReport:
    """Write the cards for Anki's text import: its header lines, then one plain-text row
    per card (question, answer, section tag, GUID)."""
    rows = _card_list(cards)
    if not rows:
        raise ExportError(f"no cards to export from “{sanitize_line(pack_title)}”")
    _write_atomically(destination, tsv_text(rows, pack_title).encode("utf-8"))
    return ExportReport(len(rows), len(rows), destination, "tsv")


def tsv_text(cards: Sequence[Card], pack_title: str) -> str:
    """The text file: Anki 2.1.55's headers (separator, plain text, the deck, the tags and
    GUID columns), then a row per card.

    No `#columns:` header: with named columns Anki maps fields by name, and the built-in
    Basic type's fields are named in the user's language; by position, the first two
    columns always fill its Front and Back. `#notetype:Basic` preselects that type where it
    has that name, and is ignored elsewhere. Each row's GUID is its card's (the rows are
    cards), so a re-import updates the rows it imported before.
    """
    lines = [
        "#separator:tab",
        "#html:false",
        "#notetype:Basic",
        f"#deck:{deck_name(pack_title)}",
        f"#tags column:{_TAGS_COLUMN}",
        f"#guid column:{_GUID_COLUMN}",
    ]
    for card in cards:
        fields = (
            plain_line(card.question),
            plain_line(card.answer),
            section_tag(card.breadcrumb),
            anki_guid(card.id),
        )
        lines.append("\t".join(_tsv_field(field) for field in fields))
    return "\n".join(lines) + "\n"


def _tsv_field(text: str) -> str:
    """A field as Anki's CSV reader reads it back: quoted when it holds a quote, or starts
    with `#`, which would make its row a comment."""
    if '"' in text or text.startswith("#"):
        return '"' + text.replace('"', '""') + '"'
    return text


# ----------------------------------------------------------------- writing
def _write_atomically(destination: Path, data: bytes) -> None:
    """Replace `destination` with `data` all at once, or leave it as it was and say why.

    The temporary file is created with the usual permissions (the user's umask applies),
    not the owner-only ones `tempfile` gives, since the export is the user's own file.
    """
    where = sanitize_line(str(destination))
    folder = destination.parent
    if not folder.is_dir():
        reason = "is not a folder" if folder.exists() else "does not exist"
        raise ExportError(f"cannot export to {where}: {sanitize_line(str(folder))} {reason}")
    if destination.is_dir():
        raise ExportError(f"cannot export to {where}: it is a folder")
    temporary: Path | None = None
    try:
        temporary, descriptor = _create_temporary(folder)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, destination)
        temporary = None
        _sync_folder(folder)
    except OSError as error:
        raise ExportError(f"cannot export to {where}: {_reason(error)}") from error
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)


def _create_temporary(folder: Path) -> tuple[Path, int]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    while True:
        path = folder / f".reader-export-{secrets.token_hex(6)}.tmp"
        try:
            return path, os.open(path, flags, 0o666)
        except FileExistsError:
            continue


def _sync_folder(folder: Path) -> None:
    """Make the rename durable where the file system can. The file is in place by now, so
    a folder that cannot be synced is no reason to report a failed export."""
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def _reason(error: OSError) -> str:
    """`No space left on device`, `Permission denied`: the system's words, no path twice."""
    return error.strerror or str(error) or type(error).__name__
