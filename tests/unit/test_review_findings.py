"""Bugs found by reviewing issue 19 (self-test cards) as its users would meet them: a
teacher writing a pack, an Anki user exporting it. Each test fails until its bug is fixed.

The app-side findings are in tests/app/test_review_findings_app.py.
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from html import unescape
from pathlib import Path

from reader.cards import find_cards
from reader.check import check_pack
from reader.export import export_anki, markdown_html
from reader.pack import load_pack


def _write_pack(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def _notes_of(package: Path) -> list[tuple[str, int, str]]:
    """(guid, note type id, fields) of every note in an `.apkg`, as Anki reads them."""
    with zipfile.ZipFile(package) as archive:
        database = package.with_suffix(".anki2")
        database.write_bytes(archive.read("collection.anki2"))
    connection = sqlite3.connect(database)
    try:
        return list(connection.execute("SELECT guid, mid, flds FROM notes ORDER BY id"))
    finally:
        connection.close()


# --------------------------------------------------------------------- 1. `?` answers
def test_a_question_cards_answer_keeps_the_list_that_follows_its_first_answer_line() -> None:
    """The issue: "question lines, a line holding only `?`, answer lines; the card ends at
    a blank line or the next heading". A teacher's natural answer is a line and then a
    list, with no blank line between. CommonMark lets the list interrupt the paragraph, so
    `find_cards` (reader/cards.py, `_following_block` is consulted only when the `?` line
    ends the paragraph) keeps "The types are:" as the whole answer: the list is lost from
    the review and the export, and the reading pane shows it openly under the folded card,
    giving the answer away. `reader check` says nothing."""
    text = (
        "#flashcards\n\n"
        "What are the three types?\n?\nThe types are:\n- Alpha\n- Beta\n- Gamma\n\n"
        "Next paragraph.\n"
    )
    cards, problems = find_cards(text, "notes.md")
    assert len(cards) == 1, cards
    answer = cards[0].answer
    assert answer.startswith("The types are:"), answer
    for item in ("Alpha", "Beta", "Gamma"):
        assert item in answer, f"{item!r} missing from the answer {answer!r} ({problems})"


def test_a_question_cards_answer_keeps_a_numbered_list_after_its_first_answer_line() -> None:
    """The same with an ordered list (`1.` may interrupt a paragraph too)."""
    text = "#flashcards\n\nHow is dupilumab given?\n?\nAs:\n1. an injection\n2. every two weeks\n"
    cards, _ = find_cards(text, "notes.md")
    assert len(cards) == 1, cards
    assert "every two weeks" in cards[0].answer, cards[0].answer


# --------------------------------------------------------------------- 4. Anki GUIDs
def test_adding_the_reverse_direction_gives_the_anki_note_a_new_guid(tmp_path: Path) -> None:
    """reader/export.py's own docstring: Anki matches an imported note by its GUID and
    updates it only when the note type is the same ("the note's GUID then always meets
    the same note type"; the Anki manual: "This updating process is generally not
    possible if the notetype is changed"). But a card's `note` identity
    (reader/cards.py `_cards_of`: `_identity("note", question, answer)`) is the same for
    `Q::A` and `Q:::A`, so when a teacher turns a one-way card into a two-way one, the
    next export carries the same GUID with the "reader Basic (and reversed card)" note
    type instead of "reader Basic": Anki skips the update and the reverse card never
    arrives. Expected: a different note type never reuses a GUID."""
    one_way = _write_pack(
        tmp_path / "one",
        {"notes.md": "# Notes\n\n#flashcards\n\nWhat is IgE?::An antibody class\n"},
    )
    two_way = _write_pack(
        tmp_path / "two",
        {"notes.md": "# Notes\n\n#flashcards\n\nWhat is IgE?:::An antibody class\n"},
    )
    first, second = tmp_path / "one.apkg", tmp_path / "two.apkg"
    export_anki(load_pack(one_way).cards(), "Notes", first, timestamp=1_700_000_000)
    export_anki(load_pack(two_way).cards(), "Notes", second, timestamp=1_700_000_100)
    [(guid_before, model_before, _)] = _notes_of(first)
    [(guid_after, model_after, _)] = _notes_of(second)
    assert model_before != model_after, "the two exports use different note types"
    assert guid_before != guid_after, (
        f"GUID {guid_before!r} reused for note type {model_after} (was {model_before}): "
        "Anki will not update the note, and the reverse card is never imported"
    )


# --------------------------------------------------------------------- 9. HTML in Anki
def test_inline_html_in_a_card_does_not_show_as_literal_tags_in_anki() -> None:
    """Chemistry and maths notes write `H<sub>2</sub>O`, `x<sup>2</sup>`, `<br>`. The
    reader shows "H2O" (its review and reading pane drop the tags) and the TSV export
    writes "H2O" (`plain_line`), but the `.apkg` field is
    `<p>H&lt;sub&gt;2&lt;/sub&gt;O</p>` (reader/export.py `markdown_html`, markdown-it
    with html off escapes them): Anki shows the tags literally, "H<sub>2</sub>O".
    Expected: no literal tag in the text Anki shows (drop them as the TSV does, or keep
    a safe few such as sub, sup, b, i, br)."""
    field = markdown_html("What is H<sub>2</sub>O, and is x<sup>2</sup> <b>always</b> positive?")
    visible = unescape(re.sub(r"<[^>]*>", "", field))  # the text Anki shows
    for tag in ("<sub>", "</sub>", "<sup>", "<b>"):
        assert tag not in visible, f"Anki would show {tag!r} as text: {visible!r}"


# --------------------------------------------------------------------- 10. pack.toml
def test_check_reports_a_cards_setting_that_is_not_a_list(tmp_path: Path) -> None:
    """The README: opt in with "a list in pack.toml: cards = ["01-….md", …]". A teacher
    who writes `cards = "notes.md"` (one file, so no brackets) or `cards = true` gets no
    cards and no word why: `Pack.card_files_listed` (reader/pack.py) returns [] for
    anything but a list, and `reader check` reports 0 problems. Expected: `reader check`
    names the `cards` setting as a problem."""
    for value in ('"notes.md"', "true"):
        pack_dir = _write_pack(
            tmp_path / value.strip('"'),
            {
                "notes.md": "# Notes\n\nWhat is IgE?::An antibody class\n",
                "pack.toml": f"cards = {value}\n",
            },
        )
        pack = load_pack(pack_dir)
        assert len(pack.cards()) == 0  # the setting was indeed not used
        messages = [str(problem) for problem in check_pack(pack)]
        assert any("cards" in message for message in messages), (
            f"cards = {value} ignored without a word: {messages}"
        )
