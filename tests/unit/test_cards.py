"""Self-test cards (issue 19): the parser, the opt-in, the identities, the sections.

A card's id is the key of the user's review history, so what it may and may not depend on
is tested as closely as the syntax: editing a card starts it afresh, moving it (other lines
above, another section, another file) keeps its schedule. Malformed cards are problems
with the right `file:line` and never stop the cards around them. Hostile input is timed
as tests/unit/test_redos.py times it: an input ten times larger must cost about ten times
more, not a hundred.

Bugs these tests found in reader/cards.py are kept, failing, in `TestBugsFound` at the end.
"""

from __future__ import annotations

import gc
import os
import re
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from reader.cards import (
    CARDS_TAG,
    MAX_SIDE_CHARS,
    Card,
    CardSet,
    Written,
    cloze_back,
    cloze_front,
    find_cards,
    is_card_file,
    pack_cards,
    read_paragraph,
)
from reader.files import PackFile, Problem
from reader.pack import Pack, default_pack_path, load_pack
from tests.conftest import write_pack

WRITTEN = ("basic", "reversed", "cloze")
HEX16 = re.compile(r"[0-9a-f]{16}")


# --- helpers -----------------------------------------------------------------------------


def cards(text: str, path: str = "notes.md") -> list[Card]:
    found, _ = find_cards(text, path)
    return found


def problems(text: str, path: str = "notes.md") -> list[Problem]:
    _, found = find_cards(text, path)
    return found


def sides(text: str) -> list[tuple[str, str, str]]:
    """(kind, question, answer) of each card a file writes."""
    return [(card.kind, card.question, card.answer) for card in cards(text)]


def one(text: str) -> Card:
    found = cards(text)
    assert len(found) == 1, found
    return found[0]


def pack_file(text: str, relative: str = "notes.md") -> PackFile:
    return PackFile(Path(relative), relative, Path(relative), text)


def written_pack(root: Path, files: dict[str, str]) -> Pack:
    return load_pack(write_pack(root, files))


def only_cloze(text: str) -> Written:
    pieces, found = read_paragraph(text)
    assert found == []
    assert len(pieces) == 1 and pieces[0].kind == "cloze", pieces
    return pieces[0]


# --- 1. every syntax ---------------------------------------------------------------------


class TestBasicCards:
    def test_question_double_colon_answer_is_one_card(self) -> None:
        card = one("What is the capital of France?::Paris\n")
        assert (card.kind, card.question, card.answer) == (
            "basic",
            "What is the capital of France?",
            "Paris",
        )
        assert (card.path, card.line, card.cloze, card.anki_text) == ("notes.md", 1, 0, "")

    def test_spaces_around_the_separator_are_not_part_of_either_side(self) -> None:
        assert sides("  Question   ::   Answer  \n") == [("basic", "Question", "Answer")]

    def test_only_the_first_separator_splits_a_line(self) -> None:
        assert sides("Q :: A :: B\n") == [("basic", "Q", "A :: B")]

    def test_triple_colon_makes_two_cards_the_reversed_one_swapping_sides(self) -> None:
        forward, backward = cards("Atopic:::An inherited tendency to allergy\n")
        assert (forward.kind, forward.question, forward.answer) == (
            "basic",
            "Atopic",
            "An inherited tendency to allergy",
        )
        assert (backward.kind, backward.question, backward.answer) == (
            "reversed",
            "An inherited tendency to allergy",
            "Atopic",
        )
        assert forward.note == backward.note
        assert forward.id != backward.id
        assert forward.line == backward.line == 1

    def test_several_cards_in_one_paragraph_each_on_its_own_line(self) -> None:
        text = "One::1\nTwo:::2\nThree::3\n"
        assert sides(text) == [
            ("basic", "One", "1"),
            ("basic", "Two", "2"),
            ("reversed", "2", "Two"),
            ("basic", "Three", "3"),
        ]
        assert [card.line for card in cards(text)] == [1, 2, 2, 3]

    def test_text_lines_between_cards_are_text_not_cards(self) -> None:
        pieces, found = read_paragraph("Intro line\nQ1::A1\nin between\nQ2::A2\ntail")
        assert found == []
        assert [(piece.kind, piece.question, piece.answer, piece.line) for piece in pieces] == [
            ("text", "Intro line", "", 0),
            ("basic", "Q1", "A1", 1),
            ("text", "in between", "", 2),
            ("basic", "Q2", "A2", 3),
            ("text", "tail", "", 4),
        ]
        text = "Intro line\nQ1::A1\nin between\nQ2::A2\ntail\n"
        assert [(card.question, card.line) for card in cards(text)] == [("Q1", 2), ("Q2", 4)]

    def test_cards_in_list_items_and_quotes_are_cards(self) -> None:
        text = "- Mite::a dust allergen\n- plain item\n\n> Pollen::a seasonal allergen\n"
        assert [(card.question, card.answer, card.line) for card in cards(text)] == [
            ("Mite", "a dust allergen", 1),
            ("Pollen", "a seasonal allergen", 4),
        ]

    def test_markdown_in_a_side_is_kept_for_the_card_to_draw(self) -> None:
        assert sides("**Bold** `code` question::*emphasis* [link](x.md)\n") == [
            ("basic", "**Bold** `code` question", "*emphasis* [link](x.md)")
        ]

    def test_a_paragraph_without_marks_holds_no_card(self) -> None:
        assert read_paragraph("Plain prose, nothing to ask.") == ([], [])


class TestMultilineCards:
    def test_question_lines_a_question_mark_line_and_answer_lines(self) -> None:
        text = "Which four signs\nmark the rash?\n?\nItch, redness,\ndryness, cracks.\n"
        card = one(text)
        assert (card.kind, card.question, card.answer) == (
            "basic",
            "Which four signs\nmark the rash?",
            "Itch, redness,\ndryness, cracks.",
        )
        assert card.line == 1

    def test_double_question_mark_makes_both_directions(self) -> None:
        forward, backward = cards("Front\n??\nBack\n")
        assert (forward.kind, forward.question, forward.answer) == ("basic", "Front", "Back")
        assert (backward.kind, backward.question, backward.answer) == ("reversed", "Back", "Front")
        assert forward.note == backward.note

    def test_the_card_ends_at_a_blank_line(self) -> None:
        text = "Q\n?\nA\n\nNot part of the answer.\n"
        assert sides(text) == [("basic", "Q", "A")]

    def test_the_card_ends_at_the_next_heading(self) -> None:
        text = "Q\n?\nA\n# Next\n\nmore\n"
        assert sides(text) == [("basic", "Q", "A")]

    def test_a_question_mark_card_whose_answer_is_the_list_right_after_it(self) -> None:
        text = "Which two cytokines?\n?\n- IL-4\n- IL-13\n\nAfter::x\n"
        assert sides(text) == [
            ("basic", "Which two cytokines?", "- IL-4\n- IL-13"),
            ("basic", "After", "x"),
        ]
        assert [card.line for card in cards(text)] == [1, 6]

    def test_a_double_question_mark_card_with_a_list_answer_is_reversed_too(self) -> None:
        forward, backward = cards("Which two?\n??\n- one\n- two\n")
        assert forward.answer == backward.question == "- one\n- two"
        assert backward.answer == "Which two?"

    def test_a_quote_or_fenced_code_right_after_is_the_answer(self) -> None:
        assert sides("Q\n?\n> quoted\n") == [("basic", "Q", "> quoted")]
        assert sides("Q\n?\n```\ncode\n```\n") == [("basic", "Q", "```\ncode\n```")]

    def test_a_question_mark_line_wins_over_double_colons_in_the_paragraph(self) -> None:
        assert sides("What does a::b mean?\n?\nscope\n") == [
            ("basic", "What does a::b mean?", "scope")
        ]


class TestCloze:
    def test_each_highlight_is_its_own_number(self) -> None:
        written = only_cloze("The ==sky== is ==blue==.")
        assert written.numbers == [1, 2]
        first, second = cards("The ==sky== is ==blue==.\n")
        assert (first.cloze, first.question, first.answer) == (
            1,
            "The \\[...\\] is blue.",
            "The **sky** is blue.",
        )
        assert (second.cloze, second.question, second.answer) == (
            2,
            "The sky is \\[...\\].",
            "The sky is **blue**.",
        )
        assert first.anki_text == second.anki_text == "The {{c1::sky}} is {{c2::blue}}."
        assert first.kind == second.kind == "cloze"
        assert first.note == second.note and first.id != second.id

    def test_anki_deletion_and_its_hint(self) -> None:
        card = one("{{c1::Paris::a capital}} is on the Seine.\n")
        assert card.question == "\\[a capital\\] is on the Seine."
        assert card.answer == "**Paris** is on the Seine."
        assert card.anki_text == "{{c1::Paris::a capital}} is on the Seine."

    def test_two_deletions_with_one_number_make_one_card_hiding_both(self) -> None:
        card = one("{{c1::IL-4}} and {{c1::IL-13}} drive IgE.\n")
        assert card.cloze == 1
        assert card.question == "\\[...\\] and \\[...\\] drive IgE."
        assert card.answer == "**IL-4** and **IL-13** drive IgE."

    def test_highlights_are_numbered_after_ankis_highest_number(self) -> None:
        text = "{{c2::a}} then ==b== then {{c1::c::hint}} then ==d==.\n"
        found = cards(text)
        assert [card.cloze for card in found] == [1, 2, 3, 4]
        assert found[0].anki_text == "{{c2::a}} then {{c3::b}} then {{c1::c::hint}} then {{c4::d}}."
        by_number = {card.cloze: card for card in found}
        # The number asked is hidden; every other number is shown plainly.
        assert by_number[1].question == "a then b then \\[hint\\] then d."
        assert by_number[2].question == "\\[...\\] then b then c then d."
        assert by_number[3].question == "a then \\[...\\] then c then d."
        assert by_number[3].answer == "a then **b** then c then d."

    def test_one_card_per_number_in_reading_order_of_numbers(self) -> None:
        found = cards("{{c3::x}} {{c1::y}} {{c2::z}} {{c1::w}}\n")
        assert [card.cloze for card in found] == [1, 2, 3]

    def test_front_and_back_for_every_number_at_once(self) -> None:
        written = only_cloze("{{c1::a::h}} and ==b==")
        assert cloze_front(written) == "\\[h\\] and \\[...\\]"
        assert cloze_back(written) == "**a** and **b**"

    def test_the_back_shows_the_hidden_text_without_its_own_spaces(self) -> None:
        assert one("Say {{c1:: hi }} now\n").answer == "Say **hi** now"

    def test_a_cloze_card_starts_at_its_paragraphs_first_line(self) -> None:
        card = one("# Title\n\nFirst line\nsecond ==line==\n")
        assert card.line == 3

    def test_a_highlight_may_span_lines(self) -> None:
        written = only_cloze("a ==b\nc== d")
        assert [deletion.hidden for deletion in written.deletions] == ["b\nc"]

    def test_equal_signs_that_do_not_open_a_highlight(self) -> None:
        for text in ("a == b", "== a==", "=== a ===", "a = b"):
            assert read_paragraph(text) == ([], []), text

    def test_separators_inside_a_deletion_do_not_make_a_basic_card(self) -> None:
        written = only_cloze("Use ==a::b== and {{c1::c::d}} here")
        assert [(d.hidden, d.hint, d.number) for d in written.deletions] == [
            ("a::b", "", 2),
            ("c", "d", 1),
        ]

    def test_numbers_zero_and_empty_deletions_make_no_card(self) -> None:
        assert cards("{{c0::x}} and {{c1::}}\n") == []


# --- 2. opting in ------------------------------------------------------------------------


class TestOptIn:
    @pytest.mark.parametrize(
        "text",
        [
            "#flashcards\n\nQ::A\n",
            "Some text #flashcards more text\n",
            "#flashcards/eczema/immune\n",
            "#FlashCards\n",
            "(#flashcards)\n",
            "Tagged: #flashcards.\n",
        ],
    )
    def test_the_tag_opts_a_file_in(self, text: str) -> None:
        assert is_card_file(pack_file(text))

    @pytest.mark.parametrize(
        "text",
        [
            "#flashcardsX\n",
            "#flashcards_x\n",
            "#flashcards-x\n",
            "##flashcards\n",
            "word#flashcards\n",
            "# flashcards\n",
            "[x](http://host/#flashcards)\n",
            "flashcards\n",
            "Q::A with no tag\n",
        ],
    )
    def test_text_that_is_not_the_tag_does_not(self, text: str) -> None:
        assert not is_card_file(pack_file(text))

    def test_the_tag_constant_is_the_plugins(self) -> None:
        assert CARDS_TAG == "#flashcards"

    @pytest.mark.parametrize("value", ["true", "yes", "on", "True", "'true'"])
    def test_front_matter_opts_in(self, value: str) -> None:
        assert is_card_file(pack_file(f"---\ntitle: T\ncards: {value}\n---\n\nQ::A\n"))

    @pytest.mark.parametrize("value", ["false", "no", "off"])
    def test_front_matter_false_beats_the_tag(self, value: str) -> None:
        assert not is_card_file(pack_file(f"---\ncards: {value}\n---\n\n#flashcards\n\nQ::A\n"))

    def test_front_matter_that_is_never_closed_says_nothing(self) -> None:
        assert not is_card_file(pack_file("---\ncards: true\n\nQ::A\n"))

    def test_the_manifest_list_opts_in_by_relative_path(self) -> None:
        assert is_card_file(pack_file("Q::A\n", "sub/a.md"), ["sub/a.md"])
        assert not is_card_file(pack_file("Q::A\n", "sub/a.md"), ["a.md"])

    def test_the_manifest_list_wins_over_front_matter(self) -> None:
        """The pack's author lists the file: the manifest is the last word."""
        assert is_card_file(pack_file("---\ncards: false\n---\n"), ["notes.md"])

    def test_a_pack_reads_cards_only_from_opted_in_files(self, tmp_path: Path) -> None:
        pack = written_pack(
            tmp_path,
            {
                "pack.toml": 'title = "T"\ncards = ["listed.md"]\n',
                "listed.md": "# Listed\n\nL::1\n",
                "matter.md": "---\ncards: true\n---\n# Matter\n\nM::2\n",
                "tagged.md": "# Tagged\n\n#flashcards\n\nT::3\n",
                "opted-out.md": "---\ncards: false\n---\n# Out\n\n#flashcards\n\nO::4\n",
                "plain.md": "# Plain\n\nstd::vector and a::b\n",
            },
        )
        found = pack.cards(glossary=False, comparison=False)
        assert sorted((card.path, card.question) for card in found.cards) == [
            ("listed.md", "L"),
            ("matter.md", "M"),
            ("tagged.md", "T"),
        ]
        assert found.problems == []

    def test_a_manifest_naming_a_missing_file_is_a_problem(self, tmp_path: Path) -> None:
        pack = written_pack(
            tmp_path,
            {"pack.toml": 'cards = ["a.md", "gone.md"]\n', "a.md": "# A\n\nQ::A\n"},
        )
        found = pack.cards()
        assert [card.question for card in found.cards] == ["Q"]
        assert [(p.path, p.line, p.severity) for p in found.problems] == [("pack.toml", 0, "error")]
        assert "gone.md" in found.problems[0].message

    def test_the_manifest_list_ignores_what_is_not_a_name(self, tmp_path: Path) -> None:
        pack = written_pack(tmp_path, {"pack.toml": 'cards = ["a.md", 3]\n', "a.md": "Q::A\n"})
        assert pack.card_files_listed == ["a.md"]

    def test_which_sections_are_drawn_as_cards(self, tmp_path: Path) -> None:
        pack = written_pack(
            tmp_path, {"a.md": "# A\n\n#flashcards\n\nQ::A\n", "b.md": "# B\n\na::b\n"}
        )
        pack.load_all()
        assert {section.id: pack.holds_cards(section) for section in pack.sections} == {
            "a": True,
            "b": False,
        }


# --- 3. never cards ----------------------------------------------------------------------


class TestNeverCards:
    @pytest.mark.parametrize(
        "text",
        [
            "Use `std::vector` here.\n",
            "Use ``a::b `` and ```c::d``` here.\n",
            "```\na::b\n```\n",
            "~~~cpp\nstd::vector<int> v;\n~~~\n",
            "    indented::code\n",
            "<!-- a::b -->\n",
            "<!--\nQ::A\n==x==\n-->\n",
            "Text <!-- hidden::card --> more.\n",
            "Text <!-- unclosed::comment\n",
            "A [link](http://host/a::b) here.\n",
            'A [link](<http://host/a::b> "t::u") here.\n',
            "An autolink <http://host/a::b> here.\n",
            "Inline <span title='a::b'>html</span> here.\n",
            "[ref]: http://host/a::b\n",
            "# Heading::with separator\n",
            "## ==Highlighted== heading\n",
            "Setext::heading\n===\n",
            "| a::b | ==c== |\n|---|---|\n| d::e | {{c1::f}} |\n",
            "<div>\nQ::A\n</div>\n",
            "Look at `==x==` and `{{c1::y}}`.\n",
            "The `?`\n",
        ],
    )
    def test_no_card_and_no_problem(self, text: str) -> None:
        assert find_cards(text, "notes.md") == ([], []), text

    def test_front_matter_never_holds_a_card(self) -> None:
        text = "---\ntitle: a::b\nsummary: ==x==\ncards: true\n---\n\nQ::A\n"
        assert [(card.question, card.line) for card in cards(text)] == [("Q", 7)]

    def test_a_separator_after_a_code_span_still_makes_a_card(self) -> None:
        assert sides("What does `a::b` mean?::scope resolution\n") == [
            ("basic", "What does `a::b` mean?", "scope resolution")
        ]

    def test_a_separator_after_a_link_still_makes_a_card(self) -> None:
        assert sides("Where is [the doc](http://h/a::b)?::online\n") == [
            ("basic", "Where is [the doc](http://h/a::b)?", "online")
        ]

    def test_an_unclosed_backtick_run_does_not_hide_what_follows(self) -> None:
        assert sides("A ``` stray run then Q::A\n") == [("basic", "A ``` stray run then Q", "A")]


# --- 4. problems -------------------------------------------------------------------------


class TestProblems:
    def test_each_malformed_card_names_its_file_and_line(self) -> None:
        text = (
            "---\ncards: true\n---\n"  # 1-3
            "\n"  # 4
            "::no question\n"  # 5
            "\n"  # 6
            "No answer::\n"  # 7
            "\n"  # 8
            "?\n"  # 9
            "answer with no question\n"  # 10
            "\n"  # 11
            "Close ==this\n"  # 12
            "\n"  # 13
            "A {{c1::never closed\n"  # 14
            "\n"  # 15
            "Nothing follows\n"  # 16
            "?\n"  # 17
            "\n"  # 18
            "??\n"  # 19
        )
        found = problems(text, "dir/notes.md")
        assert [(p.path, p.line, p.message) for p in found] == [
            ("dir/notes.md", 5, "a card with an empty question"),
            ("dir/notes.md", 7, "a card with an empty answer"),
            ("dir/notes.md", 9, "a `?` line with no question"),
            ("dir/notes.md", 12, "`==` is never closed"),
            ("dir/notes.md", 14, "`{{c1::` is never closed with `}}`"),
            ("dir/notes.md", 16, "a card with an empty answer"),
            ("dir/notes.md", 19, "a `??` line with no question"),
        ]
        assert {p.severity for p in found} == {"warning"}
        assert cards(text) == []

    def test_problems_never_stop_the_other_cards(self) -> None:
        text = "::bad\nGood one::1\nAlso bad::\n\nQ ==open\n\n?\nx\n\nGood two::2\n"
        assert [(card.question, card.line) for card in cards(text)] == [
            ("Good one", 2),
            ("Good two", 10),
        ]
        assert [p.line for p in problems(text)] == [1, 3, 5, 7]

    def test_an_unclosed_deletion_on_a_later_line_of_a_paragraph(self) -> None:
        text = "intro\n\nfirst line ==ok==\nsecond {{c2::open\n"
        assert [(p.line, p.message) for p in problems(text)] == [
            (4, "`{{c2::` is never closed with `}}`")
        ]

    def test_a_problem_in_a_list_item_or_quote_has_its_line(self) -> None:
        assert [p.line for p in problems("text\n\n- item\n- ::x\n\n> a\n> b::\n")] == [4, 7]

    def test_a_problem_counts_lines_of_a_pack_file_with_front_matter(self, tmp_path: Path) -> None:
        pack = written_pack(tmp_path, {"a.md": "---\ncards: true\n---\n# A\n\nQ::\n"})
        assert [str(p) for p in pack.cards().problems] == ["a.md:6: a card with an empty answer"]


# --- 5. identities -----------------------------------------------------------------------


class TestIdentity:
    def test_an_id_is_sixteen_hex_digits(self) -> None:
        for card in cards("Q::A\n\nF:::B\n\n==x== {{c2::y}}\n\nM\n?\nN\n"):
            assert HEX16.fullmatch(card.id) and HEX16.fullmatch(card.note), card

    def test_the_id_is_pinned_across_releases(self) -> None:
        """Review history is kept by id (and Anki's note GUIDs by note): another way of
        computing them would orphan every user's schedule. These are the first release's."""
        assert [(card.id, card.note) for card in cards("Q:::A\n")] == [
            ("c96b6eeb5d0fbce7", "64639101381718ee"),
            ("ba67da5a6e32fb99", "64639101381718ee"),
        ]
        assert [(card.id, card.note) for card in cards("The ==sky== is {{c1::blue}}.\n")] == [
            ("42707424fcc54a73", "8b9bfdc3061c56bd"),
            ("7b43d2433001be59", "8b9bfdc3061c56bd"),
        ]

    def test_the_id_does_not_depend_on_the_process(self) -> None:
        script = (
            "from reader.cards import find_cards;"
            "print(' '.join(c.id for c in find_cards('Q:::A\\n\\n==x== y\\n', 'a.md')[0]))"
        )
        ids = []
        for seed in ("1", "2"):
            env = {**os.environ, "PYTHONHASHSEED": seed}
            done = subprocess.run(
                [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
            )
            ids.append(done.stdout.split())
        assert ids[0] == ids[1] == [card.id for card in cards("Q:::A\n\n==x== y\n")]

    def test_moving_a_card_keeps_its_id(self) -> None:
        base = cards("Q::A\n\nF:::B\n\nThe ==sky== is {{c1::blue}}.\n\nM\n?\n- n\n")
        moved = cards(
            "# Elsewhere\n\nNew text above.\n\nM\n?\n- n\n\n## Deeper\n\n"
            "The ==sky== is {{c1::blue}}.\n\nMore::stuff\n\nF:::B\n\nQ::A\n",
            "other/file.md",
        )
        assert len(base) == 6 and len(moved) == 7
        assert {card.id for card in base} <= {card.id for card in moved}
        assert {card.note for card in base} <= {card.note for card in moved}

    @pytest.mark.parametrize(
        ("before", "after"),
        [
            ("Q::A\n", "Q::B\n"),
            ("Q::A\n", "R::A\n"),
            ("Q::A\n", "q::A\n"),
            ("Q::A\n", "Q::A.\n"),
            ("The ==sky== is blue.\n", "The ==sea== is blue.\n"),
            ("The ==sky== is blue.\n", "The ==sky== is grey.\n"),
            ("{{c1::x::hint}} y\n", "{{c1::x::clue}} y\n"),
            ("M\n?\nN\n", "M\n?\nN, O\n"),
        ],
    )
    def test_editing_a_cards_text_gives_a_new_id(self, before: str, after: str) -> None:
        assert {card.id for card in cards(before)}.isdisjoint(card.id for card in cards(after))

    @pytest.mark.parametrize(
        "variant",
        [
            "What  is\tit?::An   answer\n",
            "  What is it?  ::  An answer  \n",
            "What is\nit?\n?\nAn\nanswer\n",
            "What is it?\n?\nAn answer\n",
            "What is it?\u2003::\u00a0An answer\n",
        ],
    )
    def test_whitespace_does_not_change_the_id(self, variant: str) -> None:
        assert one(variant).id == one("What is it?::An answer\n").id

    def test_unicode_normal_forms_do_not_change_the_id(self) -> None:
        composed = "Caf\u00e9 au lait::cr\u00e8me"
        decomposed = unicodedata.normalize("NFD", composed)
        assert composed != decomposed
        assert one(composed + "\n").id == one(decomposed + "\n").id

    def test_a_reversed_card_differs_from_the_basic_one_and_from_the_swapped_card(self) -> None:
        forward, backward = cards("Q:::A\n")
        swapped = one("A::Q\n")
        assert len({forward.id, backward.id, swapped.id}) == 3

    def test_turning_a_basic_card_into_both_ways_keeps_the_forward_schedule(self) -> None:
        forward, _ = cards("Q:::A\n")
        assert forward.id == one("Q::A\n").id

    def test_the_same_card_in_either_multiline_or_inline_form_is_one_card(self) -> None:
        assert one("Q\n?\nA\n").id == one("Q::A\n").id

    def test_highlight_and_anki_syntax_of_the_same_cloze_share_ids(self) -> None:
        """Numbers as Anki would read them: writing ==x== as {{c1::x}} keeps the schedule."""
        a = cards("The ==sky== is {{c1::blue}}.\n")
        b = cards("The {{c2::sky}} is {{c1::blue}}.\n")
        assert [card.id for card in a] == [card.id for card in b]

    def test_cloze_numbers_of_a_paragraph_share_a_note_but_not_an_id(self) -> None:
        found = cards("==a== ==b== ==c==\n")
        assert len({card.note for card in found}) == 1
        assert len({card.id for card in found}) == 3

    def test_the_kind_is_part_of_the_id(self) -> None:
        """The reversed side of `y:::x` reads as `x::y` does, yet is a card of its own."""
        (basic,) = cards("x::y\n")
        reversed_card = cards("y:::x\n")[1]
        assert (reversed_card.question, reversed_card.answer) == (basic.question, basic.answer)
        assert reversed_card.id != basic.id

    def test_a_duplicate_is_counted_once_with_a_note(self, tmp_path: Path) -> None:
        pack = written_pack(
            tmp_path,
            {
                "pack.toml": 'cards = ["a.md", "b.md"]\n',
                "a.md": "# A\n\nSame::card\n\nOther::one\n",
                "b.md": "# B\n\nintro\n\n  Same ::  card\n",
            },
        )
        found = pack.cards(glossary=False, comparison=False)
        assert [(card.path, card.question) for card in found.cards] == [
            ("a.md", "Same"),
            ("a.md", "Other"),
        ]
        assert [(p.path, p.line, p.severity) for p in found.problems] == [("b.md", 5, "note")]
        assert "a.md:3" in found.problems[0].message
        assert set(found.by_id) == {card.id for card in found.cards}


# --- 6. sections, derived cards, the default pack ---------------------------------------

GLOSSARY = """\
# Glossary

Cat
: A small animal. See [part one](a.md#part-one)

Dog
: A loyal animal.

Fox
: Sly. See [nowhere](a.md#no-such-part)
"""

COMPARING = """\
---
title: Alpha
---
# Alpha

intro

## Part one

Why?::Because

## Part two

<details>
<summary>Cats vs <i>dogs</i></summary>

| Feature | **Cats** | Dogs |
|---|---|---|
| Sound | Meow | Woof |
| **Size?** |  | Big |

</details>
"""


@pytest.fixture
def study_pack(tmp_path: Path) -> Pack:
    return written_pack(
        tmp_path,
        {
            "pack.toml": 'title = "T"\ncards = ["a.md", "b.md"]\n',
            "a.md": COMPARING,
            "b.md": "# Beta\n\nB1::one\n\n### Deep\n\nThe ==sky== is {{c1::blue}}.\n",
            "glossary.md": GLOSSARY,
        },
    )


class TestSections:
    def test_each_written_card_is_in_the_section_holding_it(self, study_pack: Pack) -> None:
        written = [card for card in study_pack.cards().cards if card.kind in WRITTEN]
        assert [(c.question, c.path, c.line, c.section_id, c.breadcrumb) for c in written] == [
            ("Why?", "a.md", 10, "part-one", "Alpha › Part one"),
            ("B1", "b.md", 3, "beta", "Beta"),
            ("The sky is \\[...\\].", "b.md", 7, "deep", "Beta › Deep"),
            ("The \\[...\\] is blue.", "b.md", 7, "deep", "Beta › Deep"),
        ]

    def test_glossary_cards_go_where_the_first_link_points(self, study_pack: Pack) -> None:
        glossary = [card for card in study_pack.cards().cards if card.kind == "glossary"]
        assert [(c.question, c.answer, c.path, c.line, c.section_id) for c in glossary] == [
            ("Define: Cat", "A small animal. See [part one](a.md#part-one)", "glossary.md", 3,
             "part-one"),
            ("Define: Dog", "A loyal animal.", "glossary.md", 6, "glossary"),
            ("Define: Fox", "Sly. See [nowhere](a.md#no-such-part)", "glossary.md", 9,
             "glossary"),
        ]  # fmt: skip
        assert glossary[0].breadcrumb == "Alpha › Part one"

    def test_comparison_cards_are_the_tables_cells(self, study_pack: Pack) -> None:
        compared = [card for card in study_pack.cards().cards if card.kind == "comparison"]
        assert [(c.question, c.answer, c.line, c.section_id) for c in compared] == [
            ("Cats vs dogs — Sound: Cats?", "Meow", 19, "part-two"),
            ("Cats vs dogs — Sound: Dogs?", "Woof", 19, "part-two"),
            # The label asks already ("Size?"): the question asks once.
            ("Cats vs dogs — Size: Dogs?", "Big", 20, "part-two"),
        ]
        lines = COMPARING.split("\n")
        assert all(lines[card.line - 1].startswith("| ") for card in compared)

    def test_derived_cards_come_after_the_written_ones(self, study_pack: Pack) -> None:
        kinds = [card.kind for card in study_pack.cards().cards]
        assert kinds == ["basic", "basic", "cloze", "cloze", *["glossary"] * 3, *["comparison"] * 3]

    def test_derived_cards_can_be_left_out(self, study_pack: Pack) -> None:
        assert set(study_pack.cards(glossary=False, comparison=False).counts()) == {
            "basic",
            "cloze",
        }
        assert "glossary" not in study_pack.cards(glossary=False).counts()
        assert "comparison" not in study_pack.cards(comparison=False).counts()
        assert study_pack.cards().counts() == {
            "basic": 2,
            "cloze": 2,
            "glossary": 3,
            "comparison": 3,
        }

    def test_the_cards_are_found_once_per_choice(self, study_pack: Pack) -> None:
        assert study_pack.cards() is study_pack.cards()
        assert study_pack.cards(glossary=False) is not study_pack.cards()

    def test_cards_of_some_sections(self, study_pack: Pack) -> None:
        found = study_pack.cards()
        assert [card.question for card in found.in_sections({"beta", "glossary"})] == [
            "B1",
            "Define: Dog",
            "Define: Fox",
        ]
        assert len(found) == len(found.cards) == 10

    def test_a_card_set_indexes_its_cards(self) -> None:
        found = cards("Q:::A\n\n==x== ==y==\n")
        card_set = CardSet(found, [])
        assert len(card_set) == 4 and card_set.by_id[found[2].id] is found[2]
        assert card_set.counts() == {"basic": 1, "reversed": 1, "cloze": 2}
        assert card_set.in_sections({""}) == found and card_set.in_sections(set()) == []

    def test_moving_a_card_to_another_section_keeps_its_id(self, tmp_path: Path) -> None:
        before = written_pack(tmp_path / "1", {"a.md": "# A\n\n#flashcards\n\nQ::A\n"})
        after = written_pack(
            tmp_path / "2",
            {"a.md": "# A\n\n#flashcards\n\n# B\n\ntext\n", "b.md": "# C\n\n#flashcards\n\nQ::A\n"},
        )
        (old,) = before.cards().cards
        (new,) = after.cards().cards
        assert old.id == new.id
        assert (old.section_id, new.section_id) == ("a", "c")

    def test_a_card_before_the_first_heading_is_in_the_files_first_section(
        self, tmp_path: Path
    ) -> None:
        pack = written_pack(tmp_path, {"a.md": "#flashcards\n\nQ::A\n\n# Later\n\nR::B\n"})
        first, second = pack.cards().cards
        assert first.section_id == pack.sections[0].id != second.section_id == "later"


@pytest.fixture(scope="module")
def default_pack() -> Pack:
    return load_pack(default_pack_path())


class TestDefaultPack:
    def test_counts(self, default_pack: Pack) -> None:
        found = default_pack.cards()
        counts = found.counts()
        assert sum(counts.get(kind, 0) for kind in WRITTEN) >= 40
        assert counts["glossary"] == len(default_pack.glossary.entries) == 98
        table = default_pack.get(default_pack.comparison_id).markdown  # type: ignore[union-attr]
        body_rows = [line for line in table.split("\n") if line.startswith("| ")][1:]
        assert counts["comparison"] == 2 * len(body_rows) >= 28  # one card per cell, two columns
        assert found.problems == []
        assert len(found.by_id) == len(found.cards)

    def test_every_written_card_sits_under_the_heading_above_it(self, default_pack: Pack) -> None:
        texts = {pack_file.relative: pack_file.text.split("\n") for pack_file in default_pack.files}
        written = [card for card in default_pack.cards().cards if card.kind in WRITTEN]
        assert written
        for card in written:
            lines = texts[card.path]
            heading = next(
                line.lstrip("#").strip()
                for line in reversed(lines[: card.line])
                if re.match(r"#{1,6} ", line)
            )
            assert card.breadcrumb.split(" › ")[-1] == heading, card
            assert default_pack.get(card.section_id) is not None
            first = (card.answer if card.kind == "reversed" else card.question).split("\n")[0]
            if card.kind != "cloze":
                assert first in lines[card.line - 1], card

    def test_glossary_cards_name_their_entry_line(self, default_pack: Pack) -> None:
        texts = {pack_file.relative: pack_file.text.split("\n") for pack_file in default_pack.files}
        for card in default_pack.cards().cards:
            if card.kind == "glossary":
                assert card.question == f"Define: {texts[card.path][card.line - 1]}"
                assert default_pack.get(card.section_id) is not None

    def test_comparison_cards_name_their_row_line(self, default_pack: Pack) -> None:
        compared = [card for card in default_pack.cards().cards if card.kind == "comparison"]
        texts = {pack_file.relative: pack_file.text.split("\n") for pack_file in default_pack.files}
        for card in compared:
            label = card.question.split(" — ", 1)[1].rsplit(": ", 1)[0]
            row = texts[card.path][card.line - 1]
            assert row.startswith(f"| {label} |"), (card, row)
            assert card.answer in row
            assert card.section_id == default_pack.comparison_id
        assert compared[0].question == (
            "Autoimmune vs allergic — Main target: Classic autoimmune disease?"
        )

    def test_without_derived_cards_only_written_ones_are_left(self, default_pack: Pack) -> None:
        written = default_pack.cards(glossary=False, comparison=False)
        assert set(written.counts()) <= set(WRITTEN)
        assert len(written) == sum(
            count for kind, count in default_pack.cards().counts().items() if kind in WRITTEN
        )

    def test_loading_the_pack_does_not_read_cards(self) -> None:
        script = (
            "import sys\nfrom reader.pack import load_pack, default_pack_path\n"
            "pack = load_pack(default_pack_path()); pack.load_all(); pack.sections\n"
            "print('reader.cards' in sys.modules)\n"
        )
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
        assert done.stdout.strip() == "False", done.stderr


# --- 7. hostile input --------------------------------------------------------------------

MAX_GROWTH = 20  # linear: ~10; quadratic: ~100
MIN_SAMPLE = 3e-4
QUADRATIC_WAIT = 5.0  # seconds a quadratic large case may take before the middle size is tried


def _cpu(run: Callable[[str], object], value: str, loops: int) -> float:
    """CPU seconds a call, the collector off (see tests/unit/test_redos.py)."""
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(loops):
            run(value)
        return (time.process_time() - start) / loops
    finally:
        gc.enable()


def growth(run: Callable[[str], object], make: Callable[[int], str], small: int) -> float:
    """How much more `run` costs on `make(10 * small)` than on `make(small)`.

    A case slow enough that a quadratic large run would take over `QUADRATIC_WAIT` is
    first tried at three times the size: past 6x there (linear 3x, quadratic 9x) its growth
    is reported as it extrapolates, without the wait. A ratio over the limit is
    measured again before it counts: the machine is shared.
    """
    small_text = make(small)
    run(small_text)  # warm up (LazyPattern, imports)
    loops, small_time = 1, max(_cpu(run, small_text, 1), 1e-9)
    while small_time * loops < MIN_SAMPLE and loops < 10_000:
        loops *= 4
        small_time = _cpu(run, small_text, loops)
    if small_time * 100 > QUADRATIC_WAIT:
        middle = min(_cpu(run, make(3 * small), 1) for _ in range(2))
        if middle > 6 * small_time:
            return middle / small_time * 10 / 3
    large_text = make(10 * small)
    large_loops = max(1, loops // 10)
    large_time = _cpu(run, large_text, large_loops)
    for _ in range(2):
        if large_time <= MAX_GROWTH * small_time:
            break
        small_time = min(small_time, _cpu(run, small_text, loops))
        large_time = min(large_time, _cpu(run, large_text, large_loops))
    return large_time / small_time


def _paragraph(text: str) -> object:
    return read_paragraph(text)


def _file(text: str) -> object:
    return find_cards(text, "notes.md")


def _mixed_backticks(count: int) -> str:
    """Runs of 1-7 backticks in a shuffled-looking order, few of them ever closed."""
    return "".join("`" * (index * 7919 % 7 + 1) + "a::b" for index in range(count))


def _ladder(size: int) -> str:
    """Backtick runs one longer each time, `size` characters: no run is ever closed."""
    parts, total, length = [], 0, 1
    while total < size:
        parts.append("`" * length + "a::b")
        total += length + 4
        length += 1
    return "".join(parts)


HOSTILE: dict[str, tuple[Callable[[int], str], int]] = {
    # name: (an input of a given count or size, the base one; the large input is ten times it)
    "backticks of mixed run lengths": (_mixed_backticks, 10_000),
    "backtick ladder": (_ladder, 10_000),
    "unclosed {{c1::": (lambda n: "{{c1::" * n, 5_000),
    "unclosed {{c1:: with text": (lambda n: "{{c1::x " * n, 5_000),
    "runs of ==": (lambda n: "== " * n, 5_000),
    "openers ==a": (lambda n: "==a " * n, 5_000),
    ":: on one line": (lambda n: "::" * n, 10_000),
    "a:: on one line": (lambda n: "a::" * n, 10_000),
    "lines of Q::A": (lambda n: "Q::A\n" * n, 2_000),
    "lines of ?": (lambda n: "q\n?\n" * n, 2_000),
    "<!-- unclosed": (lambda n: "<!--" * n, 5_000),
    "[x]( unclosed": (lambda n: "[x](" * n, 5_000),
    "< unclosed": (lambda n: "<a " * n, 5_000),
    "{{ runs": (lambda n: "{{" * n, 5_000),
    "}} runs": (lambda n: "}}" * n, 5_000),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
@pytest.mark.parametrize("entry", [_paragraph, _file], ids=["read_paragraph", "find_cards"])
def test_hostile_paragraphs_stay_linear(name: str, entry: Callable[[str], object]) -> None:
    make, base = HOSTILE[name]
    ratio = growth(entry, make, base)
    assert ratio <= MAX_GROWTH, f"{name}: x{ratio:.0f}"


def _prose(size: int) -> str:
    """A paragraph of every inline construct the masking looks at, `size` characters,
    a card on each of its lines (many cloze numbers: see `TestBugsFound`)."""
    unit = "Q `a::b` [l](http://h/a::b) <b>x</b> <!-- c --> ==h== ?::A <a::b> `` `x` ``\n"
    return (unit * (size // len(unit) + 1))[:size]


def test_a_one_megabyte_paragraph_stays_linear() -> None:
    ratio = growth(_file, _prose, 100_000)
    assert ratio <= MAX_GROWTH, f"x{ratio:.0f}"


def test_a_one_megabyte_paragraph_of_cards_and_text_stays_linear() -> None:
    ratio = growth(
        _file, lambda size: ("Why?::Because. " * (size // 15)).replace(". W", ".\nW"), 100_000
    )
    assert ratio <= MAX_GROWTH, f"x{ratio:.0f}"


class TestSideLength:
    def test_a_long_side_is_cut(self) -> None:
        card = one(f"Q::{'a' * (MAX_SIDE_CHARS * 3)}\n")
        assert len(card.answer) == MAX_SIDE_CHARS and card.answer.endswith("…")
        reversed_card = cards(f"{'q' * (MAX_SIDE_CHARS + 1)}:::A\n")[1]
        assert len(reversed_card.answer) == MAX_SIDE_CHARS

    def test_a_side_at_the_limit_is_whole(self) -> None:
        card = one(f"Q::{'a' * MAX_SIDE_CHARS}\n")
        assert card.answer == "a" * MAX_SIDE_CHARS

    def test_a_long_cloze_is_cut_on_both_sides_but_keeps_its_anki_text(self) -> None:
        text = "==x== " + "word " * MAX_SIDE_CHARS
        card = one(text + "\n")
        assert len(card.question) == len(card.answer) == MAX_SIDE_CHARS
        assert card.anki_text == "{{c1::x}} " + "word " * (MAX_SIDE_CHARS - 1) + "word"


# --- 8. properties -----------------------------------------------------------------------

#: The characters card syntax is made of, and the Markdown around it.
MARKDOWN_ALPHABET = st.sampled_from(
    [":", "::", ":::", "=", "==", "{{c1::", "{{c", "}}", "?", "\n?\n", "\n??\n", "`", "```\n",
     "<!--", "-->", "<", ">", "[", "](", ")", "#", "# ", "\n", "\n\n", " ", "    ", "- ", "> ",
     "|", "---\n", "a", "Q", "é", "e\u0301", "\t", "1", "2", "#flashcards", "\\"]
)  # fmt: skip
MARKDOWNISH = st.lists(MARKDOWN_ALPHABET, max_size=60).map("".join)
ANY_TEXT = st.one_of(st.text(max_size=200), MARKDOWNISH)


def _check_written(content: str, pieces: list[Written], found: list[tuple[int, str]]) -> None:
    line_count = content.count("\n") + 1
    for piece in pieces:
        assert piece.kind in ("basic", "both", "cloze", "text")
        assert 0 <= piece.line < line_count
        assert piece.question in content
        if piece.kind in ("basic", "both"):
            assert piece.question and piece.question == piece.question.strip()
            assert piece.answer in content
        if piece.kind == "cloze":
            assert piece.question == content and piece.numbers
            for deletion in piece.deletions:
                assert content[deletion.start : deletion.end].endswith(("}}", "=="))
    for line, message in found:
        assert 0 <= line < line_count and message


@settings(derandomize=True, max_examples=400, deadline=None, database=None)
@given(ANY_TEXT)
def test_read_paragraph_never_raises_and_its_pieces_are_the_inputs(content: str) -> None:
    pieces, found = read_paragraph(content)
    _check_written(content, pieces, found)


def _check_cards(text: str, found: list[Card], trouble: list[Problem]) -> None:
    line_count = text.count("\n") + 1
    for card in found:
        assert HEX16.fullmatch(card.id) and HEX16.fullmatch(card.note)
        assert card.kind in WRITTEN and card.path == "p.md"
        assert 1 <= card.line <= line_count
        assert len(card.question) <= MAX_SIDE_CHARS and len(card.answer) <= MAX_SIDE_CHARS
        assert (card.kind == "cloze") == (card.cloze > 0) == bool(card.anki_text)
    for problem in trouble:
        assert problem.path == "p.md" and 1 <= problem.line <= line_count


@settings(
    derandomize=True,
    max_examples=400,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ANY_TEXT)
def test_find_cards_never_raises_and_names_lines_of_the_file(text: str) -> None:
    found, trouble = find_cards(text, "p.md")
    _check_cards(text, found, trouble)


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(MARKDOWNISH)
def test_text_added_above_moves_every_card_and_problem_by_as_many_lines(text: str) -> None:
    assume(not text.startswith("---"))
    # After a paragraph, a line opening with `:` or `~` is that paragraph's definition
    # (a definition list): the text above would change what the text is, not where.
    assume(not text.lstrip(" ").startswith((":", "~")))
    found, trouble = find_cards(text, "p.md")
    moved, moved_trouble = find_cards("# Moved\n\nSome text above.\n\n" + text, "p.md")
    assert [(card.id, card.line + 4) for card in found] == [(c.id, c.line) for c in moved]
    assert [(p.message, p.line + 4) for p in trouble] == [
        (p.message, p.line) for p in moved_trouble
    ]


SIDE = st.text(alphabet="abcXYZ 0123,é\t", min_size=1, max_size=30).filter(str.strip)


@settings(derandomize=True, max_examples=300, deadline=None, database=None)
@given(SIDE, SIDE, st.sampled_from(["::", ":::"]))
def test_an_inline_card_is_its_two_sides(question: str, answer: str, separator: str) -> None:
    pieces, found = read_paragraph(f"{question}{separator}{answer}")
    kind = "both" if separator == ":::" else "basic"
    assert found == []
    assert pieces == [Written(kind, question.strip(), answer.strip(), 0)]
    # In a file: a side's own spacing is no part of the card's identity.
    spaced = cards(f" {' '.join(question.split())} {separator}  {answer}\n")
    plain = cards(f"{question.strip()}{separator}{answer}\n")
    assert [card.id for card in spaced] == [card.id for card in plain]
    assert len(plain) == (2 if separator == ":::" else 1)


# --- 9. bugs found -----------------------------------------------------------------------


class TestRegressions:
    """Bugs found when these tests were written; each failed before its fix."""

    def test_a_heading_right_after_a_question_mark_line_is_not_the_answer(self) -> None:
        """The issue: "the card ends at a blank line or the next heading". A heading is
        where the card ends, so the card has no answer."""
        found, trouble = find_cards("What is it?\n?\n# Next section\n\ntext\n", "notes.md")
        assert found == []
        assert [(p.line, p.message) for p in trouble] == [(1, "a card with an empty answer")]

    def test_a_list_answer_in_a_quote_loses_the_quote_markers(self) -> None:
        """Obsidian users write cards in callouts (quotes): the answer is the list, not
        a quote holding it."""
        (card,) = cards("> Which two?\n> ?\n> - IL-4\n> - IL-13\n")
        assert card.answer == "- IL-4\n- IL-13"

    def test_a_list_answer_in_a_list_item_keeps_its_items_side_by_side(self) -> None:
        """Only the first line's indent was taken off: the second item became a child of
        the first ("- a\\n  - b")."""
        (card,) = cards("- Which two?\n  ?\n  - IL-4\n  - IL-13\n")
        assert card.answer == "- IL-4\n- IL-13"

    @pytest.mark.parametrize(
        "text", ["Write `#flashcards` to opt a file in.\n", "```\n#flashcards\n```\n"]
    )
    def test_the_tag_in_code_does_not_opt_a_file_in(self, text: str) -> None:
        """A page documenting the syntax would sprout a card from every `::` in its
        prose; the plugin reads tags from Obsidian's tag index, which skips code."""
        assert not is_card_file(pack_file(text + "\nC++ names are written a::b.\n"))

    def test_a_less_than_sign_does_not_swallow_a_card(self) -> None:
        """`<b?::Yes, since b>` is no HTML tag (CommonMark's reading), so it must not be
        masked: the card vanished without a problem."""
        assert sides("Is a<b?::Yes, since b>a\n") == [("basic", "Is a<b?", "Yes, since b>a")]

    def test_a_cloze_line_between_inline_cards_is_not_silently_lost(self) -> None:
        """A list of cards without blank lines, as the plugin reads them line by line:
        the cloze line became "text" (no card, no problem, raw `{{c1::` on screen)."""
        text = (
            "Capital of France::Paris\n"
            "The {{c1::Loire}} is the longest river in France.\n"
            "Capital of Spain::Madrid\n"
        )
        found, trouble = find_cards(text, "notes.md")
        cloze = [card for card in found if card.kind == "cloze"]
        assert cloze or any(problem.line == 2 for problem in trouble)

    def test_many_highlight_numbers_in_one_paragraph_stay_linear(self) -> None:
        """Each `==x==` is a number of its own, and each number's card rebuilt the whole
        paragraph (front, back, Anki text): 10 KB took 2 s, 100 KB 4 minutes."""
        ratio = growth(_file, lambda size: "==x== " * (size // 6), 1_000)
        assert ratio <= MAX_GROWTH, f"x{ratio:.0f}"

    def test_a_megabyte_of_closed_deletions_stays_linear(self) -> None:
        """`_deletions` tests `"{{c" in masked[position:]` each turn: a copy of the rest
        of the paragraph per deletion (1 MB: 2 s, 2 MB: 6.5 s)."""
        ratio = growth(_paragraph, lambda size: "{{c1::}}" * (size // 8), 100_000)
        assert ratio <= MAX_GROWTH, f"x{ratio:.0f}"

    def test_placing_cards_in_sections_stays_linear(self, tmp_path: Path) -> None:
        """Each card asks `pack.section_at`, which walks the sections from the first:
        10,000 sections with a card each took 13 s."""
        packs: dict[int, Pack] = {}

        def make(count: int) -> str:
            root = tmp_path / str(count)
            files = {
                "a.md": "#flashcards\n\n"
                + "".join(f"## S{i}\n\nQ{i}::A{i}\n\n" for i in range(count))
            }
            pack = written_pack(root, files)
            pack.load_all()
            packs[count] = pack
            return str(count)

        def run(count: str) -> object:
            return pack_cards(packs[int(count)], glossary=False, comparison=False)

        ratio = growth(run, make, 300)
        assert ratio <= MAX_GROWTH, f"x{ratio:.0f}"

    def test_placing_glossary_cards_stays_linear(self, tmp_path: Path) -> None:
        """The same walk per glossary entry: 5,000 entries after 5,000 sections, 1.5 s."""
        packs: dict[int, Pack] = {}

        def make(count: int) -> str:
            files = {
                "a.md": "".join(f"## S{i}\n\ntext\n\n" for i in range(count)),
                "glossary.md": "# Glossary\n\n"
                + "".join(f"Term{i}\n: Meaning {i}.\n\n" for i in range(count)),
            }
            pack = written_pack(tmp_path / str(count), files)
            pack.load_all()
            assert len(pack.glossary.entries) == count
            packs[count] = pack
            return str(count)

        def run(count: str) -> object:
            return pack_cards(packs[int(count)], comparison=False)

        ratio = growth(run, make, 300)
        assert ratio <= MAX_GROWTH, f"x{ratio:.0f}"
