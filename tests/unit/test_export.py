"""Export to Anki (issue 19): the `.apkg` opened as the zip and SQLite file it is, and the
text file read back as Anki's CSV reader reads it.

A package is checked through what Anki reads: the `collection.anki2` database's notes
(GUID, note type, fields split on \\x1f, tags), cards (ordinals, deck) and the `col` row's
note types and decks. The text file is parsed with the rules of Anki's reader: `#` starts
a comment line, fields are tab-separated and may be quoted with doubled inner quotes.
"""

from __future__ import annotations

import csv
import errno
import gc
import hashlib
import html
import json
import os
import re
import sqlite3
import tempfile
import time
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import genanki  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reader.export as export_module
from reader.cards import Card, find_cards, pack_cards
from reader.export import (
    BASIC_MODEL_ID,
    CLOZE_MODEL_ID,
    REVERSED_MODEL_ID,
    ExportError,
    anki_guid,
    deck_id,
    deck_name,
    export_anki,
    export_tsv,
    markdown_html,
    plain_line,
    section_tag,
    tsv_text,
)
from reader.pack import load_pack

TITLE = "Eczema: is it autoimmune?"
BREADCRUMB = "What eczema is › Check yourself"
TAG = "reader::What_eczema_is::Check_yourself"
TSV_HEADER = [
    "#separator:tab",
    "#html:false",
    "#notetype:Basic",
    f"#deck:{TITLE}",
    "#tags column:3",
    "#guid column:4",
]


def _identity(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:16]


def card(
    kind: str,
    question: str,
    answer: str,
    *,
    note: str | None = None,
    breadcrumb: str = BREADCRUMB,
    cloze: int = 0,
    anki_text: str = "",
) -> Card:
    """A card as reader.cards makes them, with ids made from its text here."""
    return Card(
        kind,
        question,
        answer,
        identity=_identity(kind, question, answer, str(cloze)),
        note=note or _identity("note", kind, question, answer),
        path="01-a.md",
        line=3,
        section_id="what-eczema-is",
        breadcrumb=breadcrumb,
        cloze=cloze,
        anki_text=anki_text,
    )


def pair(question: str, answer: str) -> list[Card]:
    """The two cards of `question:::answer`: one note."""
    note = _identity("pair", question, answer)
    return [
        card("basic", question, answer, note=note),
        card("reversed", answer, question, note=note),
    ]


def clozes(anki_text: str, sides: dict[int, tuple[str, str]]) -> list[Card]:
    """A paragraph's cloze cards, number → (front, back): one note."""
    note = _identity("cloze", anki_text)
    return [
        card("cloze", front, back, note=note, cloze=number, anki_text=anki_text)
        for number, (front, back) in sides.items()
    ]


def sample_cards() -> list[Card]:
    return [
        card("basic", "What is **IgE**?", "An antibody class."),
        *pair("Filaggrin", "A skin barrier protein"),
        *clozes(
            "The {{c1::mast cell}} binds {{c2::IgE::antibody}}.",
            {
                1: ("The \\[...\\] binds IgE.", "The **mast cell** binds IgE."),
                2: ("The mast cell binds \\[antibody\\].", "The mast cell binds **IgE**."),
            },
        ),
        card("glossary", "Define: Keratin", "A protein.", breadcrumb="Glossary"),
    ]


# ----------------------------------------------------------------- reading a package
class Note(NamedTuple):
    guid: str
    model: int
    fields: list[str]
    tags: list[str]
    modified: int


class Package(NamedTuple):
    notes: list[Note]
    cards: list[tuple[str, int, int]]  # (note GUID, ordinal, deck id)
    models: dict[int, dict[str, Any]]
    decks: dict[int, dict[str, Any]]
    names: list[str]


def read_package(path: Path, scratch: Path) -> Package:
    """Open the `.apkg` as Anki does: a zip whose `collection.anki2` is an SQLite file."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert json.loads(archive.read("media")) == {}
        database = scratch / f"{path.name}.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        notes = [
            Note(guid, model, fields.split("\x1f"), tags.split(), modified)
            for guid, model, fields, tags, modified in connection.execute(
                "SELECT guid, mid, flds, tags, mod FROM notes ORDER BY id"
            )
        ]
        cards = list(
            connection.execute(
                "SELECT notes.guid, cards.ord, cards.did FROM cards"
                " JOIN notes ON notes.id = cards.nid ORDER BY cards.id"
            )
        )
        models_json, decks_json = connection.execute("SELECT models, decks FROM col").fetchone()
    finally:
        connection.close()
    models = {int(key): value for key, value in json.loads(models_json).items()}
    decks = {int(key): value for key, value in json.loads(decks_json).items()}
    return Package(notes, cards, models, decks, names)


def read_tsv(path: Path) -> tuple[list[str], list[list[str]]]:
    """The header lines and the rows, as Anki's reader splits them (`#` lines are not rows)."""
    text = path.read_text(encoding="utf-8")
    assert "\r" not in text
    lines = text.split("\n")
    assert lines[-1] == "", "the file ends with a line end"
    header = [line for line in lines[:-1] if line.startswith("#")]
    body = [line for line in lines[:-1] if not line.startswith("#")]
    rows = list(csv.reader(body, delimiter="\t", quotechar='"', doublequote=True, strict=True))
    assert len(rows) == len(body), "no row spans two lines"
    return header, rows


# ----------------------------------------------------------------- the package
def test_a_package_holds_one_note_per_note_identity_with_its_fields_and_tags(
    tmp_path: Path,
) -> None:
    cards = sample_cards()
    report = export_anki(cards, TITLE, tmp_path / "deck.apkg", timestamp=1_700_000_000)
    package = read_package(tmp_path / "deck.apkg", tmp_path)

    assert package.names == ["collection.anki2", "media"]
    assert (report.notes, report.cards, report.path) == (4, 6, tmp_path / "deck.apkg")
    basic, both, cloze, glossary = package.notes
    assert [note.model for note in package.notes] == [
        BASIC_MODEL_ID,
        REVERSED_MODEL_ID,
        CLOZE_MODEL_ID,
        BASIC_MODEL_ID,
    ]
    assert basic.fields == [
        "<p>What is <strong>IgE</strong>?</p>",
        "<p>An antibody class.</p>",
        BREADCRUMB,
    ]
    assert both.fields == ["<p>Filaggrin</p>", "<p>A skin barrier protein</p>", BREADCRUMB]
    assert cloze.fields == [
        "<p>The {{c1::mast cell}} binds {{c2::IgE::antibody}}.</p>",
        BREADCRUMB,
    ]
    assert glossary.fields == ["<p>Define: Keratin</p>", "<p>A protein.</p>", "Glossary"]
    assert [note.tags for note in package.notes] == [[TAG], [TAG], [TAG], ["reader::Glossary"]]
    assert [note.guid for note in package.notes] == [
        genanki.guid_for(group[0].note) for group in (cards[0:1], cards[1:3], cards[3:5], cards[5:])
    ]
    # The pair is one note with two cards, the cloze paragraph one note with a card a number.
    assert [(guid, ordinal) for guid, ordinal, _ in package.cards] == [
        (basic.guid, 0),
        (both.guid, 0),
        (both.guid, 1),
        (cloze.guid, 0),
        (cloze.guid, 1),
        (glossary.guid, 0),
    ]
    assert {deck for _, _, deck in package.cards} == {deck_id(TITLE)}


def test_the_note_types_are_anki_basic_two_way_and_cloze_with_fixed_ids(tmp_path: Path) -> None:
    export_anki(sample_cards(), TITLE, tmp_path / "deck.apkg", timestamp=1_700_000_000)
    models = read_package(tmp_path / "deck.apkg", tmp_path).models

    basic, both, cloze = models[BASIC_MODEL_ID], models[REVERSED_MODEL_ID], models[CLOZE_MODEL_ID]
    assert [field["name"] for field in basic["flds"]] == ["Front", "Back", "Section"]
    assert [field["name"] for field in both["flds"]] == ["Front", "Back", "Section"]
    assert [field["name"] for field in cloze["flds"]] == ["Text", "Section"]
    assert (basic["type"], both["type"], cloze["type"]) == (0, 0, 1)  # 1: Anki's cloze type
    assert [template["name"] for template in both["tmpls"]] == ["Card 1", "Card 2"]
    assert "{{Back}}" in both["tmpls"][1]["qfmt"] and "{{Front}}" in both["tmpls"][1]["afmt"]
    assert "{{cloze:Text}}" in cloze["tmpls"][0]["qfmt"]
    for model in (basic, both, cloze):
        assert "{{Section}}" in model["tmpls"][0]["qfmt"], "the section path is the context"
    # Named apart from Anki's own "Basic" and "Cloze", whose ids differ in every collection.
    assert {basic["name"], both["name"], cloze["name"]}.isdisjoint({"Basic", "Cloze"})


def test_guids_and_the_deck_id_are_the_same_in_two_exports_of_the_same_cards(
    tmp_path: Path,
) -> None:
    export_anki(sample_cards(), TITLE, tmp_path / "one.apkg", timestamp=1_700_000_000)
    export_anki(sample_cards(), TITLE, tmp_path / "two.apkg", timestamp=1_800_000_000)
    one, two = (
        read_package(tmp_path / "one.apkg", tmp_path),
        read_package(tmp_path / "two.apkg", tmp_path),
    )

    assert [note.guid for note in one.notes] == [note.guid for note in two.notes]
    assert [note.fields for note in one.notes] == [note.fields for note in two.notes]
    assert [note.tags for note in one.notes] == [note.tags for note in two.notes]
    deck = deck_id(TITLE)
    assert deck in one.decks and deck in two.decks
    assert one.decks[deck]["name"] == two.decks[deck]["name"] == deck_name(TITLE) == TITLE
    assert deck == deck_id(TITLE) != deck_id("Another pack")


def test_a_card_whose_text_changes_gets_a_new_guid_and_the_others_keep_theirs(
    tmp_path: Path,
) -> None:
    before, _ = find_cards("#flashcards\n\nWhat is IgE?::An antibody\n\nSkin:::Barrier\n", "a.md")
    after, _ = find_cards(
        "#flashcards\n\nWhat is IgE?::An antibody class\n\nSkin:::Barrier\n", "a.md"
    )
    export_anki(before, TITLE, tmp_path / "before.apkg", timestamp=1_700_000_000)
    export_anki(after, TITLE, tmp_path / "after.apkg", timestamp=1_700_000_000)
    old = [note.guid for note in read_package(tmp_path / "before.apkg", tmp_path).notes]
    new = [note.guid for note in read_package(tmp_path / "after.apkg", tmp_path).notes]

    assert len(old) == len(new) == 2
    assert old[0] != new[0], "the edited card is a new note"
    assert old[1] == new[1], "the untouched pair keeps its note"


def test_notes_carry_the_export_time_so_that_anki_updates_them_on_a_new_import(
    tmp_path: Path,
) -> None:
    """Anki updates a note with the same GUID only when the import's is newer."""
    export_anki(sample_cards(), TITLE, tmp_path / "fixed.apkg", timestamp=1_700_000_000)
    start = int(time.time())
    export_anki(sample_cards(), TITLE, tmp_path / "now.apkg")

    fixed = read_package(tmp_path / "fixed.apkg", tmp_path)
    now = read_package(tmp_path / "now.apkg", tmp_path)
    assert {note.modified for note in fixed.notes} == {1_700_000_000}
    assert all(start <= note.modified <= time.time() for note in now.notes)
    assert all(model["mod"] >= start for model in now.models.values() if model["id"] != "1")


def test_the_same_cards_and_time_give_the_same_bytes(tmp_path: Path) -> None:
    export_anki(sample_cards(), TITLE, tmp_path / "one.apkg", timestamp=1_700_000_000)
    export_anki(sample_cards(), TITLE, tmp_path / "two.apkg", timestamp=1_700_000_000)
    assert (tmp_path / "one.apkg").read_bytes() == (tmp_path / "two.apkg").read_bytes()


def test_a_pair_given_only_its_back_to_front_card_is_still_the_same_note(tmp_path: Path) -> None:
    forward, backward = pair("Filaggrin", "A skin barrier protein")
    export_anki([forward, backward], TITLE, tmp_path / "both.apkg", timestamp=1)
    export_anki([backward], TITLE, tmp_path / "back.apkg", timestamp=1)
    [both] = read_package(tmp_path / "both.apkg", tmp_path).notes
    [back] = read_package(tmp_path / "back.apkg", tmp_path).notes
    assert back == both


def test_new_cards_come_up_in_the_packs_reading_order(tmp_path: Path) -> None:
    cards = [card("basic", f"Question {n}", f"Answer {n}") for n in range(5)]
    export_anki(list(reversed(cards)), TITLE, tmp_path / "deck.apkg", timestamp=1)
    with zipfile.ZipFile(tmp_path / "deck.apkg") as archive:
        database = tmp_path / "c.anki2"
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    rows = connection.execute(
        "SELECT notes.flds, cards.due FROM cards JOIN notes ON notes.id = cards.nid ORDER BY due"
    ).fetchall()
    connection.close()
    assert [fields.split("\x1f")[0] for fields, _ in rows] == [
        f"<p>Question {n}</p>" for n in reversed(range(5))
    ]
    assert [due for _, due in rows] == [1, 2, 3, 4, 5]


def test_the_package_is_built_in_memory_and_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """genanki's own writer leaves its SQLite file in the temporary folder."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    (tmp_path / "out").mkdir()
    export_anki(sample_cards(), TITLE, tmp_path / "out" / "deck.apkg", timestamp=1)
    assert list(scratch.iterdir()) == []
    assert [path.name for path in (tmp_path / "out").iterdir()] == ["deck.apkg"]


def test_the_database_is_the_same_read_through_a_file(tmp_path: Path) -> None:
    """The path taken where SQLite cannot serialize a database gives the same content."""
    connection = sqlite3.connect(":memory:")
    connection.execute("CREATE TABLE t (x TEXT)")
    connection.executemany("INSERT INTO t VALUES (?)", [("a",), ("b\x1fc",)])
    connection.commit()
    for data in (
        export_module._database_bytes(connection),
        export_module._database_bytes_through_file(connection),
    ):
        path = tmp_path / "copy.sqlite"
        path.write_bytes(data)
        copy = sqlite3.connect(path)
        assert copy.execute("SELECT x FROM t ORDER BY rowid").fetchall() == [("a",), ("b\x1fc",)]
        copy.close()
        path.unlink()
    connection.close()


# ----------------------------------------------------------------- Markdown as HTML
@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        (
            "**bold** and *it* and `code`",
            "<p><strong>bold</strong> and <em>it</em> and <code>code</code></p>",
        ),
        ("- one\n- two", "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"),
        ("a <script>alert(1)</script>", "<p>a </p>"),
        ("<div onclick=x>raw</div>", "<p>raw</p>"),
        ("H<sub>2</sub>O", "<p>H<sub>2</sub>O</p>"),
        ("[web](https://example.org)", '<p><a href="https://example.org">web</a></p>'),
        ("[mail](mailto:a@b.org)", '<p><a href="mailto:a@b.org">mail</a></p>'),
        (
            "[section](02-b.md#top) and [x](javascript:alert(1))",
            "<p>section and [x](javascript:alert(1))</p>",
        ),
        ("![a **rash**](rash.png)", "<p>[image: a rash]</p>"),
        ("![](https://tracker.example/p.gif)", "<p>[image]</p>"),
        ("a & b < c", "<p>a &amp; b &lt; c</p>"),
        ("~~gone~~", "<p><s>gone</s></p>"),
    ],
)
def test_markdown_becomes_html_with_nothing_raw_but_bare_formatting(
    markdown: str, expected: str
) -> None:
    assert markdown_html(markdown) == expected


# ----------------------------------------------------------------- raw HTML in a side
KEPT_TAGS = ["sub", "sup", "b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "kbd"]
KEPT_TAGS += ["code", "small"]
HIDDEN = ["script", "style", "iframe", "object", "template", "noscript", "textarea"]


@pytest.mark.parametrize("tag", KEPT_TAGS)
def test_formatting_tags_are_kept_bare(tag: str) -> None:
    """Chemistry and maths cards write `H<sub>2</sub>O`: Anki shows it as the reader does."""
    assert markdown_html(f"a <{tag}>x</{tag}> b") == f"<p>a <{tag}>x</{tag}> b</p>"
    upper = tag.upper()
    assert markdown_html(f"a <{upper}>x</{upper}> b") == f"<p>a <{tag}>x</{tag}> b</p>"


@pytest.mark.parametrize("markdown", ["a<br>b", "a<br/>b", "a<BR />b", "a</br>b"])
def test_a_line_break_is_kept(markdown: str) -> None:
    assert markdown_html(markdown) == "<p>a<br>b</p>"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ('x<sup onclick="alert(1)" style="color:red" class=big>2</sup>', "<p>x<sup>2</sup></p>"),
        ("<b title='t' onmouseover=alert(1)>bold</b>", "<p><b>bold</b></p>"),
        ('<kbd\nonfocus="alert(1)"\nautofocus>Ctrl</kbd>', "<p><kbd>Ctrl</kbd></p>"),
        ("<i onclick = \"alert(1)\" data-x='y' ONLOAD>x</i>", "<p><i>x</i></p>"),
        # Not a tag to CommonMark: text, escaped.
        ("<i/ onclick=alert(1)>x</i>", "<p>&lt;i/ onclick=alert(1)&gt;x</p>"),
    ],
)
def test_attributes_never_survive(markdown: str, expected: str) -> None:
    assert markdown_html(markdown) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ('see <a href="javascript:alert(1)">this</a>', "<p>see this</p>"),
        ('see <a href="https://e.org" onclick=x>this</a>', "<p>see this</p>"),
        ("a <span style='x'>span</span> <font color=red>font</font>", "<p>a span font</p>"),
        ("a <svg onload=alert(1)>svg</svg> <math>m</math>", "<p>a svg m</p>"),
        ("a <img src=x alt='A rash' onerror=alert(1)> b", "<p>a [image: A rash] b</p>"),
        ("a <img src=x onerror=alert(1)> b", "<p>a [image] b</p>"),
        ("a <div onclick=x>div</div> <p>p</p>", "<p>a div p</p>"),
        ("a <video><source src=x></video> b", "<p>a  b</p>"),
    ],
)
def test_other_tags_are_dropped_and_their_text_kept(markdown: str, expected: str) -> None:
    assert markdown_html(markdown) == expected


@pytest.mark.parametrize("tag", HIDDEN)
def test_what_a_hidden_element_holds_is_dropped_with_it(tag: str) -> None:
    hostile = f"a <{tag} x=1>secret <b>bold</b> **strong** `code` ![i](p.png)</{tag}> b"
    assert markdown_html(hostile) == "<p>a  b</p>"
    assert markdown_html(hostile.replace(tag, tag.title())) == "<p>a  b</p>"


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("a <!-- secret <b>x</b> --> b", "<p>a  b</p>"),
        ("a <!--> b <!---> c", "<p>a  b  c</p>"),
        ("a <?php echo 1; ?> b", "<p>a  b</p>"),
        ("a <![CDATA[secret]]> b", "<p>a  b</p>"),
        ("a <!DOCTYPE html> b", "<p>a  b</p>"),
        ("a <!-- one\nline --> b", "<p>a  b</p>"),
    ],
)
def test_comments_and_declarations_are_dropped_whole(markdown: str, expected: str) -> None:
    assert markdown_html(markdown) == expected


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        # Misnested: closing the outer closes the inner, whose own closing is then stray.
        ("x <b>bold <i>both</b> after</i> end", "<p>x <b>bold <i>both</i></b> after end</p>"),
        ("H<sub>2", "<p>H<sub>2</sub></p>"),
        ("<sub><sup>deep", "<p><sub><sup>deep</sup></sub></p>"),
        ("x</sub> y</b>", "<p>x y</p>"),
        # A tag left open ends with its paragraph, not in the next (or the other side).
        ("a <b>bold\n\nplain", "<p>a <b>bold</b></p>\n<p>plain</p>"),
        ("- <i>one\n- two", "<ul>\n<li><i>one</i></li>\n<li>two</li>\n</ul>"),
        # An unclosed hidden element hides the rest of its paragraph only.
        ("a <script>alert(1)\n\nb", "<p>a </p>\n<p>b</p>"),
        # Markdown's own tags keep their pairs inside a hidden element.
        ("**a <style>b** c</style> d", "<p><strong>a </strong> d</p>"),
        ("<template><template>x</template>y</template>z", "<p>z</p>"),
        ("<script><script></script>shown", "<p>shown</p>"),
    ],
)
def test_nested_and_unclosed_tags_stay_in_their_paragraph(markdown: str, expected: str) -> None:
    assert markdown_html(markdown) == expected


def test_a_table_cell_closes_what_it_opened() -> None:
    field = markdown_html("|<sub>a|b|\n|-|-|\n|<b>1|2|")
    assert "<th><sub>a</sub></th>" in field and "<td><b>1</b></td>" in field


def test_a_run_of_unclosed_tags_nests_only_so_deep() -> None:
    field = markdown_html("<sub>" * 10_000 + "x")
    assert field == "<p>" + "<sub>" * 32 + "x" + "</sub>" * 32 + "</p>"


def test_entities_stay_escaped() -> None:
    assert markdown_html("&lt;script&gt; <b>&amp;&copy;</b>") == (
        "<p>&lt;script&gt; <b>&amp;©</b></p>"
    )


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("<div onclick=x>\nH<sub>2</sub>O &lt;x&gt;\n</div>", "<p>H2O &lt;x&gt;</p>"),
        ("<table><tr><td>a</td><td><b>b</b></td></tr></table>", "<p>a | b</p>"),
        ("<ul>\n<li>one</li>\n<li>two</li>\n</ul>", "<p>one<br>two</p>"),
        ("<p>one</p>\n<p>two</p>", "<p>one</p>\n<p>two</p>"),
        ("<script>\nalert(1)\n</script>", ""),
        ("<!-- a comment\n\nover paragraphs -->", ""),
        ("<style>p { color: red }</style>", ""),
    ],
)
def test_an_html_block_is_written_as_the_words_the_reader_shows(
    markdown: str, expected: str
) -> None:
    assert markdown_html(markdown) == expected


def test_formatting_reaches_the_package_as_html(tmp_path: Path) -> None:
    chemistry = card("basic", "What is H<sub>2</sub>O?", "Water, <i>x</i><sup>2</sup><br>done")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # genanki warns about tags it thinks malformed
        export_anki([chemistry], TITLE, tmp_path / "deck.apkg", timestamp=1)
    [note] = read_package(tmp_path / "deck.apkg", tmp_path).notes
    assert note.fields[:2] == [
        "<p>What is H<sub>2</sub>O?</p>",
        "<p>Water, <i>x</i><sup>2</sup><br>done</p>",
    ]


#: Pieces of hostile HTML and Markdown that the property test strings together.
HTML_PIECES = [
    *("<", ">", "</", "/>", "<!--", "-->", "<!", "<?", "?>", "<![CDATA[", "]]>"),
    *("script", "ScRiPt", "style", "iframe", "template", "textarea", "sub", "b", "br", "img"),
    *("a", "svg", "div", "p", " ", "\t", "\n", "\n\n", "=", '"', "'", "`", "/"),
    *("onclick", " onerror=", "OnLoad =", "javascript:", "JaVaScRiPt:", "java\tscript:"),
    *("&#106;avascript:", "&#x6A;", "&lt;", "&gt;", "&amp;", "&", "#", ";", "x"),
    *(" href=", " src=", " alt=", "https://", "mailto:", "*", "**", "_", "~~", "|", "-"),
    *("[", "](", ")", "![", "\\", "|-|-|\n", "1. ", "- ", "> ", "```"),
]
#: Every tag markdown-it or the rebuilt HTML may write, attributes and all.
WRITTEN_TAG = re.compile(
    r"</?(?:p|ul|ol|li|h[1-6]|blockquote|pre|table|thead|tbody|tr|th|td|a|br|hr"
    r"|sub|sup|b|i|em|strong|u|s|del|ins|mark|kbd|code|small)>"
    r"|<(?:br|hr) />|<ol start=\"\d+\">|<t[hd] style=\"text-align:(?:left|right|center)\">"
    r"|<code class=\"language-[^\"<>]*\">|<a href=\"([^\"<>]*)\">"
)
BALANCED = ["sub", "sup", "b", "i", "em", "strong", "u", "s", "del", "ins", "mark", "kbd"]
BALANCED += ["code", "small", "p", "a", "li", "ul", "ol", "td", "th", "table"]


TAG_NAMES = ["sub", "B", "kbd", "br", "script", "ScRiPt", "style", "iframe", "textarea"]
TAG_NAMES += ["template", "a", "img", "svg", "div", "x-y"]
ATTRIBUTE_VALUES = ["", "=x", "=alert(1)", '="javascript:alert(1)"', "=JavaScript:x"]
ATTRIBUTE_VALUES += ["='&#106;avascript:x'", '="a>b"', "=https://e.org", "='on=x'"]
ATTRIBUTES = st.tuples(
    st.sampled_from(["onclick", "OnError", "href", "src", "style", "alt", "x"]),
    st.sampled_from(ATTRIBUTE_VALUES),
).map("".join)
#: A whole tag, start or end, with hostile attributes: what markdown-it passes through.
TAGS = st.builds(
    lambda slash, name, attributes, end: f"<{slash}{name}{''.join(attributes)}{end}>",
    st.sampled_from(["", "", "/"]),
    st.sampled_from(TAG_NAMES),
    st.lists(ATTRIBUTES.map(" ".__add__), max_size=3),
    st.sampled_from(["", "", "/", " /", "\n"]),
)


@settings(derandomize=True, max_examples=400, deadline=None, database=None)
@given(
    st.one_of(
        st.lists(st.one_of(TAGS, st.sampled_from(HTML_PIECES)), max_size=40).map("".join),
        st.text(alphabet=st.sampled_from("<>/=\"' !-?&#;\n*`abcdeijnoprstuvxl:"), max_size=200),
    )
)
def test_no_markdown_writes_a_script_a_handler_or_a_javascript_link(markdown: str) -> None:
    field = markdown_html(markdown)
    lowered = field.lower()
    for hidden in HIDDEN:
        assert f"<{hidden}" not in lowered
    for tag in re.findall(r"<[^>]*>", field):
        written = WRITTEN_TAG.fullmatch(tag)
        assert written is not None, (tag, field)
        if written[1] is not None:  # a link: only ever to the web or mail
            href = "".join(html.unescape(written[1]).split()).lower()
            assert href.startswith(("http://", "https://", "mailto:")), (tag, field)
        assert not re.search(r"\son\w*\s*=", tag, re.IGNORECASE)
    for name in BALANCED:  # nothing left open to run on into the next field
        opened = len(re.findall(rf"<{name}[ >]", lowered))
        assert opened == lowered.count(f"</{name}>"), (name, field)


def test_control_characters_cannot_split_a_field(tmp_path: Path) -> None:
    """\\x1f separates the fields in Anki's database."""
    hostile = card("basic", "one\x1ftwo\x00", "three\x1f\x07four")
    export_anki([hostile], TITLE, tmp_path / "deck.apkg", timestamp=1)
    [note] = read_package(tmp_path / "deck.apkg", tmp_path).notes
    assert note.fields == ["<p>onetwo</p>", "<p>threefour</p>", BREADCRUMB]


def test_a_section_path_is_escaped_in_its_field_and_folded_in_its_tag(tmp_path: Path) -> None:
    hostile = card("basic", "Q", "A", breadcrumb="A <b> & C::D › E\tF")
    export_anki([hostile], TITLE, tmp_path / "deck.apkg", timestamp=1)
    [note] = read_package(tmp_path / "deck.apkg", tmp_path).notes
    assert note.fields[2] == "A &lt;b&gt; &amp; C::D › E F"
    assert note.tags == ["reader::A_<b>_&_C:D::E_F"]


# ----------------------------------------------------------------- names, tags, ids
@pytest.mark.parametrize(
    ("breadcrumb", "tag"),
    [
        ("Top › Child", "reader::Top::Child"),
        ("What eczema is › Check  yourself", "reader::What_eczema_is::Check_yourself"),
        ("A::B › C:", "reader::A:B::C"),
        ("Tabs\tand\nlines › x", "reader::Tabs_and_lines::x"),
        ("", "reader"),
        (" › ", "reader"),
    ],
)
def test_a_section_path_is_one_hierarchical_tag_without_spaces(breadcrumb: str, tag: str) -> None:
    assert section_tag(breadcrumb) == tag


def test_a_deck_is_named_after_the_pack_on_one_level() -> None:
    assert deck_name("Medicine::Eczema") == "Medicine:Eczema"
    assert deck_name("Line\none\x1b[2J") == "Line one"
    assert deck_name(" :: ") == "reader"
    assert deck_id("Medicine::Eczema") == deck_id("Medicine::Eczema")
    assert 1 << 30 <= deck_id("x") < 1 << 31


@pytest.mark.parametrize("identity", ["526cb94435887319", "", "é", "0" * 16, "x" * 1000])
def test_guids_are_genankis(identity: str) -> None:
    assert anki_guid(identity) == genanki.guid_for(identity)


# ----------------------------------------------------------------- the text file
def test_the_text_file_has_ankis_headers_and_one_row_per_card(tmp_path: Path) -> None:
    cards = sample_cards()
    report = export_tsv(cards, TITLE, tmp_path / "cards.txt")
    header, rows = read_tsv(tmp_path / "cards.txt")

    assert (report.notes, report.cards, report.path) == (6, 6, tmp_path / "cards.txt")
    assert (tmp_path / "cards.txt").read_text(encoding="utf-8").startswith("\n".join(TSV_HEADER))
    assert header == TSV_HEADER
    assert rows == [
        ["What is IgE?", "An antibody class.", TAG, genanki.guid_for(cards[0].id)],
        ["Filaggrin", "A skin barrier protein", TAG, genanki.guid_for(cards[1].id)],
        ["A skin barrier protein", "Filaggrin", TAG, genanki.guid_for(cards[2].id)],
        ["The [...] binds IgE.", "The mast cell binds IgE.", TAG, genanki.guid_for(cards[3].id)],
        [
            "The mast cell binds [antibody].",
            "The mast cell binds IgE.",
            TAG,
            genanki.guid_for(cards[4].id),
        ],
        ["Define: Keratin", "A protein.", "reader::Glossary", genanki.guid_for(cards[5].id)],
    ]
    assert len({row[3] for row in rows}) == len(rows)


def test_the_text_files_guids_are_the_same_in_two_exports(tmp_path: Path) -> None:
    export_tsv(sample_cards(), TITLE, tmp_path / "one.txt")
    export_tsv(sample_cards(), TITLE, tmp_path / "two.txt")
    assert (tmp_path / "one.txt").read_bytes() == (tmp_path / "two.txt").read_bytes()


@pytest.mark.parametrize(
    ("markdown", "line"),
    [
        ("- one\n- two", "• one • two"),
        ("3. three\n4. four", "3. three 4. four"),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "a | b / 1 | 2"),
        ("first\n\nsecond\nline", "first second line"),
        ("```\ncode\n  here\n```", "code here"),
        ("a <b>bold</b> <script>x</script>", "a bold x"),
        ("<script>\nalert(1)\n</script>", ""),
        ("[link](https://e.org) ![pic](p.png)", "link pic"),
    ],
)
def test_a_side_is_one_line_of_plain_text_in_the_text_file(markdown: str, line: str) -> None:
    assert plain_line(markdown) == line


# ----------------------------------------------------------------- hostile cards
HOSTILE = [
    card("basic", "tab\there\tand\nnew\r\nlines", "answer\n\n\twith a blank line"),
    card("basic", '"quoted" at the start', 'and "in" the middle'),
    card("basic", "\\#not a comment", "# a heading"),
    card("basic", "<script>alert(1)</script>", '<img src=x onerror="alert(1)">'),
    card("basic", "Q" * 10_000, "word " * 2_000),
    card("basic", "\u2028separators\u2029and\x0bvertical\x0ctabs", "\x85next line"),
]


def test_hostile_text_keeps_the_text_file_to_one_row_a_card(tmp_path: Path) -> None:
    export_tsv(HOSTILE, TITLE, tmp_path / "cards.txt")
    header, rows = read_tsv(tmp_path / "cards.txt")
    assert header == TSV_HEADER
    assert [len(row) for row in rows] == [4] * len(HOSTILE)
    assert rows[0][:2] == ["tab here and new lines", "answer with a blank line"]
    assert rows[1][:2] == ['"quoted" at the start', 'and "in" the middle']
    assert rows[2][:2] == ["#not a comment", "a heading"]
    # HTML never reaches a field Anki might read as HTML: the script block is hidden and the
    # image without a description shows nothing, as the reader shows them.
    assert rows[3][:2] == ["", ""]
    assert rows[4][:2] == ["Q" * 10_000, ("word " * 2_000).strip()]
    # Removed, as the pack loader removes them from every file (reader.sanitize).
    assert rows[5][:2] == ["separatorsandverticaltabs", "next line"]
    for row in rows:
        assert not any(character in field for field in row for character in "\t\n\r\x0b\x0c\x1f")


def test_hostile_text_is_escaped_in_the_package(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        # genanki warns about a field holding malformed HTML: escaped text never does.
        warnings.simplefilter("error")
        export_anki(HOSTILE, TITLE, tmp_path / "deck.apkg", timestamp=1)
    notes = read_package(tmp_path / "deck.apkg", tmp_path).notes
    assert [len(note.fields) for note in notes] == [3] * len(HOSTILE)
    # As in the text file: the script block is hidden, the image shows no description.
    assert notes[3].fields[:2] == ["", ""]
    assert notes[4].fields[0] == "<p>" + "Q" * 10_000 + "</p>"
    for note in notes:
        assert "<script" not in "".join(note.fields) and "<img" not in "".join(note.fields)


# ----------------------------------------------------------------- a real pack
PACK = {
    "01-a.md": (
        "# Alpha\n\n#flashcards\n\n## Basics\n\nWhat is IgE?::An antibody class.\n\n"
        "Skin:::Barrier\n\n## Clozes\n\nThe ==mast cell== binds {{c2::IgE::antibody}}.\n"
    ),
    "02-b.md": "# Beta\n\nNo cards here: a::b is not one.\n",
    "glossary.md": "# Glossary\n\nKeratin\n: A protein.\n",
}


def test_a_packs_cards_export_through_pack_cards(
    make_pack: Callable[[Path, dict[str, str]], Path], tmp_path: Path
) -> None:
    pack = load_pack(make_pack(tmp_path / "pack", PACK))
    card_set = pack_cards(pack)
    assert [card.kind for card in card_set.cards] == [
        "basic",
        "basic",
        "reversed",
        "cloze",
        "cloze",
        "glossary",
    ]
    report = export_anki(card_set, pack.title, tmp_path / "deck.apkg", timestamp=1)
    package = read_package(tmp_path / "deck.apkg", tmp_path)
    assert (report.notes, report.cards) == (4, 6)
    assert [note.model for note in package.notes] == [
        BASIC_MODEL_ID,
        REVERSED_MODEL_ID,
        CLOZE_MODEL_ID,
        BASIC_MODEL_ID,
    ]
    assert [note.tags for note in package.notes] == [
        ["reader::Alpha::Basics"],
        ["reader::Alpha::Basics"],
        ["reader::Alpha::Clozes"],
        ["reader::Glossary"],
    ]
    assert package.notes[2].fields == [
        "<p>The {{c3::mast cell}} binds {{c2::IgE::antibody}}.</p>",
        "Alpha › Clozes",
    ]
    assert sorted(
        ordinal for guid, ordinal, _ in package.cards if guid == package.notes[2].guid
    ) == [
        1,
        2,
    ], "Anki's card ordinals are the cloze numbers less one"
    assert package.decks[deck_id(pack.title)]["name"] == deck_name(pack.title)

    tsv = export_tsv(card_set, pack.title, tmp_path / "cards.txt")
    _, rows = read_tsv(tmp_path / "cards.txt")
    assert (tsv.notes, tsv.cards) == (6, 6)
    assert [row[:2] for row in rows] == [
        ["What is IgE?", "An antibody class."],
        ["Skin", "Barrier"],
        ["Barrier", "Skin"],
        ["The mast cell binds [antibody].", "The mast cell binds IgE."],
        ["The [...] binds IgE.", "The mast cell binds IgE."],
        ["Define: Keratin", "A protein."],
    ]


# ----------------------------------------------------------------- failures
EXPORTS = [
    pytest.param(lambda path: export_anki(sample_cards(), TITLE, path, timestamp=1), id="apkg"),
    pytest.param(lambda path: export_tsv(sample_cards(), TITLE, path), id="tsv"),
]
Export = Callable[[Path], object]


@pytest.mark.parametrize("run", EXPORTS)
def test_a_missing_folder_is_a_clear_error(run: Export, tmp_path: Path) -> None:
    with pytest.raises(
        ExportError, match=r"cannot export to .*/missing/deck: .*/missing does not exist"
    ):
        run(tmp_path / "missing" / "deck")
    assert not (tmp_path / "missing").exists()


@pytest.mark.parametrize("run", EXPORTS)
def test_a_file_where_the_folder_should_be_is_a_clear_error(run: Export, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match=r"file is not a folder"):
        run(tmp_path / "file" / "deck")


@pytest.mark.parametrize("run", EXPORTS)
def test_a_folder_as_the_destination_is_a_clear_error(run: Export, tmp_path: Path) -> None:
    (tmp_path / "deck").mkdir()
    with pytest.raises(ExportError, match=r"deck: it is a folder"):
        run(tmp_path / "deck")
    assert list(tmp_path.iterdir()) == [tmp_path / "deck"]


@pytest.mark.parametrize("run", EXPORTS)
def test_a_folder_without_write_permission_is_a_clear_error(
    run: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Refused as the system refuses an unwritable folder (root writes anywhere, so the
    refusal is made here, at the call that creates the file)."""
    real_open = os.open

    def refuse(path: Any, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        if Path(path).parent == tmp_path and flags & os.O_CREAT:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))
        return real_open(path, flags, mode, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(ExportError, match=r"deck: Permission denied$"):
        run(tmp_path / "deck")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("run", EXPORTS)
def test_a_full_disk_leaves_the_previous_file_whole_and_no_temporary_file(
    run: Export, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    destination = tmp_path / "deck"
    destination.write_bytes(b"the previous export")

    def full(descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(ExportError, match=r"deck: No space left on device$"):
        run(destination)
    assert destination.read_bytes() == b"the previous export"
    assert list(tmp_path.iterdir()) == [destination]


@pytest.mark.parametrize("run", EXPORTS)
def test_an_export_replaces_the_previous_file(run: Export, tmp_path: Path) -> None:
    destination = tmp_path / "deck"
    destination.write_bytes(b"x" * 1_000_000)
    run(destination)
    assert destination.stat().st_size < 1_000_000
    assert list(tmp_path.iterdir()) == [destination]


def test_the_file_gets_the_usual_permissions(tmp_path: Path) -> None:
    """The user's own file: readable as their umask says, not owner-only as a temp file."""
    previous = os.umask(0o022)
    try:
        export_tsv(sample_cards(), TITLE, tmp_path / "cards.txt")
    finally:
        os.umask(previous)
    assert (tmp_path / "cards.txt").stat().st_mode & 0o777 == 0o644


@pytest.mark.parametrize("export", [export_anki, export_tsv])
def test_no_cards_is_an_error_and_writes_nothing(export: Any, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="no cards to export"):
        export([], TITLE, tmp_path / "deck")
    assert list(tmp_path.iterdir()) == []


def test_the_report_says_what_was_written(tmp_path: Path) -> None:
    anki = export_anki(sample_cards(), TITLE, tmp_path / "deck.apkg", timestamp=1)
    text = export_tsv(sample_cards()[:1], TITLE, tmp_path / "cards.txt")
    assert anki.message() == (
        f"Wrote 4 notes (6 cards) to {tmp_path / 'deck.apkg'}: import it in Anki (File › Import)."
    )
    assert text.message() == (
        f"Wrote 1 card to {tmp_path / 'cards.txt'}: import it in Anki 2.1.55 or later "
        "(File › Import) as Basic notes."
    )


# ----------------------------------------------------------------- time
def test_two_hundred_cards_export_quickly(tmp_path: Path) -> None:
    cards = [
        card("basic", f"Question **{n}** with `code`", f"- answer {n}\n- and more")
        for n in range(200)
    ]
    start = time.perf_counter()
    export_anki(cards, TITLE, tmp_path / "deck.apkg")
    export_tsv(cards, TITLE, tmp_path / "cards.txt")
    assert time.perf_counter() - start < 2.0  # ~0.05 s measured


def _cpu(run: Callable[[str], object], text: str) -> float:
    """CPU seconds of the faster of two runs, collector off (see tests/unit/test_redos.py)."""
    best = float("inf")
    gc.disable()
    try:
        for _ in range(2):
            start = time.process_time()
            run(text)
            best = min(best, time.process_time() - start)
    finally:
        gc.enable()
    return best


def _package(text: str) -> None:
    hostile = card("basic", text, text)
    export_module._package_bytes(export_module._anki_notes([hostile]), TITLE, 1)


def _text_file(text: str) -> None:
    tsv_text([card("basic", text, text)], TITLE)


#: Sides that make this module's own code work hard (markdown-it's costly constructs are
#: tests/unit/test_redos.py's): links kept (genanki checks every tag of a field with a
#: pattern) and dropped, images, list markers, table cells, comment-like lines, controls.
LONG_SIDES = {
    "web links": (_package, "[a](https://e.org) "),
    "local links": (_package, "[a](b.md) "),
    "images": (_package, "![a](b.png) "),
    "list items": (_text_file, "- a\n"),
    "table rows": (_text_file, "|x|y|\n"),
    "# lines": (_text_file, "#\n"),
    "controls": (_text_file, "a\x1f\x00\t\n"),
    "unclosed kept tags": (_package, "<sub>x"),
    "stray closing tags": (_package, "</b>"),
    "misnested tags": (_package, "<b><i></b>"),
    "tags with attributes": (_package, '<kbd onclick="x" style=y>'),
    "hidden elements": (_package, "<template>a"),
    "comments": (_package, "<!-- c -->a"),
}


@pytest.mark.parametrize("name", sorted(LONG_SIDES))
def test_a_long_side_costs_linear_time(name: str) -> None:
    """As tests/unit/test_redos.py judges: 10x the text may cost ~10x, not ~100x."""
    run, unit = LONG_SIDES[name]
    prefix = "|a|b|\n|-|-|\n" if name == "table rows" else ""
    small, large = (prefix + unit * (size // len(unit)) for size in (3_000, 30_000))
    small_time, large_time = _cpu(run, small), _cpu(run, large)
    assert large_time / max(small_time, 1e-4) < 20, (name, small_time, large_time)


def test_ten_thousand_unclosed_tags_cost_linear_time() -> None:
    small, large = (_cpu(markdown_html, "a <sub>" * count) for count in (1_000, 10_000))
    assert large / max(small, 1e-4) < 20, (small, large)
