"""`reader --plain`'s command loop (reader.plain), driven through text streams and pipes.

Every session here is fed its commands on standard input, as a screen-reader user types
them or an `ssh -T` pipe delivers them, and every byte it writes is checked for ESC:
plain mode must never send the terminal a control sequence. The reading state it keeps
is read back the way the app reads it (a fresh StateStore), and state the app wrote
(a StateStore update) is what plain mode resumes from.
"""

from __future__ import annotations

import contextlib
import io
import os
import pty
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader import plain
from reader.pack import Pack, load_pack
from reader.plain import MAX_INPUT, PROMPT, run_plain
from reader.state import Position
from reader.state_store import StateStore
from tests.conftest import child_env, write_pack

LONG_PARAGRAPHS = "\n\n".join(
    f"Paragraph {n} of the long part, with {'a zebra' if n in (3, 30) else 'words'} to read."
    for n in range(1, 41)
)

PACK_FILES = {
    "pack.toml": 'title = "Plain Pack"\ncards = ["03-cards.md"]\n',
    "01-intro.md": (
        "# Intro\n\nWelcome to the plain pack. See [the details](02-details.md#deeper) and "
        "[the web page](https://example.org/page) and [a way out](../../etc/passwd).\n\n"
        "## Empty heading\n\n"
        f"## Long part\n\n{LONG_PARAGRAPHS}\n"
    ),
    "02-details.md": (
        "# Details\n\nThe details chapter.\n\n## Deeper\n\nItching is the main symptom here.\n"
    ),
    "03-cards.md": "# Cards\n\nWhat is the capital of France?::Paris\n",
    "glossary.md": (
        "# Glossary\n\n"
        "Immunoglobulin E (IgE)\n: An antibody class. See [the details](02-details.md).\n\n"
        "Immune system\n: The body's defence.\n\n"
        "Eczema\n: An itchy skin condition.\n"
    ),
}
REVEAL = "Enter shows the answer, q ends: "

#: Every session's output, checked for ESC at the end of the module as well.
OUTPUTS: list[str] = []


@pytest.fixture(autouse=True)
def _quick_and_private(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Read marks at once (no dwell), caches and logs under tmp, 80 columns."""
    monkeypatch.setattr(plain, "READ_DWELL", 0.0)
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.delenv("LINES", raising=False)
    monkeypatch.delenv("READER_LOG", raising=False)
    monkeypatch.delenv("READER_INDEX_DIR", raising=False)


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    return write_pack(tmp_path / "pack", PACK_FILES)


@pytest.fixture
def state_dir(tmp_path: Path) -> Path:
    return tmp_path / "state"


Drive = Callable[..., tuple[int, str]]


@pytest.fixture
def drive(pack_dir: Path, state_dir: Path) -> Drive:
    """`drive("toc", "3", restricted=False, no_state=False)`: a session fed these lines;
    its exit code and everything it printed (checked for ESC)."""

    def run(
        *lines: str, pack: Pack | None = None, code: int | None = None, **options: bool
    ) -> tuple[int, str]:
        stdin = io.StringIO("".join(f"{line}\n" for line in lines))
        stdout = io.StringIO()
        exit_code = run_plain(
            pack or load_pack(pack_dir),
            restricted=options.get("restricted", False),
            no_state=options.get("no_state", False),
            state_dir=state_dir,
            start_review=options.get("start_review", False),
            stdin=stdin,
            stdout=stdout,
        )
        output = stdout.getvalue()
        OUTPUTS.append(output)
        assert code is None or exit_code == code
        assert "\x1b" not in output, output
        return exit_code, output

    return run


def fresh_state(pack_dir: Path, state_dir: Path) -> StateStore:
    """The reading state's store as the app opens it."""
    pack = load_pack(pack_dir)
    return StateStore.open(pack.root, pack.title, state_dir=state_dir)


def after_prompt(output: str, number: int) -> str:
    """What the session printed in answer to its `number`-th command (1-based)."""
    return output.split(PROMPT)[number]


# --------------------------------------------------------------------------- starting


def test_a_session_starts_at_the_first_section_and_quits_cleanly(drive: Drive) -> None:
    code, output = drive("q")
    assert code == 0
    first, _, rest = output.partition("\n")
    assert first.startswith("Plain Pack (7 sections), plain text mode. Type help")
    assert rest.startswith("Section 1 of 7\nHeading 1: Intro\n")
    assert "Welcome to the plain pack." in rest
    assert "End of section 1 of 7. 3 links: type links. Next: Empty heading, Enter or n." in rest
    assert output.count(PROMPT) == 1
    assert output.rstrip().endswith("Goodbye. Your place is saved.")


def test_the_end_lines_how_to_is_said_once_a_session(drive: Drive) -> None:
    """ "Enter or n" and "type links" were heard at the end of every section."""
    _, output = drive("again", "search zebra", "1", "again", "q")
    assert after_prompt(output, 1).endswith(
        "End of section 1 of 7. 3 links. Next: Empty heading.\n"
    )
    assert "find lists them." in after_prompt(output, 3).replace("\n", " ")
    assert (
        after_prompt(output, 4)
        .replace("\n", " ")
        .endswith("End of section 3 of 7. 'zebra' is on lines 7 and 61. Next: Details. ")
    )


def test_end_of_input_ends_the_session_like_quit(drive: Drive) -> None:
    code, output = drive()
    assert code == 0 and output.rstrip().endswith("Goodbye. Your place is saved.")


HELP_USAGES = (
    "help (h or ?)", "next (n)", "previous (p)", "Enter alone", "again (a)",
    "toc (t), or toc WORDS", "go (o) NUMBER or TITLE", "search (s or /) WORDS", "find (f) WORDS",
    "links (l)", "define (d) TERM", "compare (c)", "glossary (g), or glossary WORDS",
    "review (r)", "bookmark (m), or bookmark NOTE", "bookmarks (b)", "delete NUMBER", "back",
    "forward", "tick (x)", "line NUMBER", "unread (u)", "progress", "reset", "where (w)",
    "quit (q)",
)  # fmt: skip


def test_help_lists_every_command(drive: Drive) -> None:
    for word in ("help", "h", "?"):
        _, output = drive(word, "q")
        shown = after_prompt(output, 1)
        for usage in HELP_USAGES:
            assert f"  {usage}" in shown, usage


def test_help_names_every_short_form_and_reads_no_brackets(drive: Drive) -> None:
    """Every alias a command answers to is in help (`o` for go was not), and help has
    no `[WORDS]`: a screen reader says "left bracket" for it."""
    _, output = drive("help", "q")
    shown = after_prompt(output, 1)
    assert "[" not in shown.replace("] and [", "")
    for command in plain.PlainReader._commands(plain.PlainReader.__new__(plain.PlainReader)):
        usage = next(line for line in shown.splitlines() if line.startswith(f"  {command.usage}:"))
        for name in command.names[1:]:
            if name not in ("]", "[", "prev", "read", "contents", "open", "exit"):
                assert name in usage, (name, usage)


def test_help_wraps_at_a_braille_lines_width(drive: Drive, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its opening was broken for 80 columns: at 40 a two-word row stood in it."""
    monkeypatch.setenv("COLUMNS", "40")
    _, output = drive("help", "q")
    assert after_prompt(output, 1).splitlines()[:3] == [
        "Type a command and press Enter; short",
        "forms are in parentheses. A number alone",
        "chooses from the last numbered list.",
    ]


def test_an_unknown_command_names_help_in_one_line(drive: Drive) -> None:
    _, output = drive("frobnicate now", "q")
    assert (
        after_prompt(output, 1)
        == "Unknown command 'frobnicate'. Type help for the list of commands.\n"
    )


# --------------------------------------------------------------------------- moving


def test_next_previous_and_the_apps_brackets(drive: Drive) -> None:
    _, output = drive("n", "n", "]", "p", "[", "previous", "p", "q")
    headers = [
        line for line in output.splitlines() if line.startswith(("Section ", PROMPT + "Section "))
    ]
    numbers = [int(line.split("Section ")[1].split(" ")[0]) for line in headers]
    assert numbers == [1, 2, 3, 4, 3, 2, 1]
    assert "This is the first section: n goes to the next." in after_prompt(output, 7)


def test_an_empty_line_goes_on_to_the_next_section(drive: Drive) -> None:
    _, output = drive("", "", "q")
    assert after_prompt(output, 1).startswith("Section 2 of 7, in Intro\nHeading 2: Empty heading")
    assert after_prompt(output, 2).startswith("Section 3 of 7, in Intro\nHeading 2: Long part")


def test_the_last_section_says_so(drive: Drive) -> None:
    _, output = drive("go 7", "n", "q")
    assert "This is the last section." in after_prompt(output, 1)
    assert after_prompt(output, 2).startswith("This is the last section (7 of 7)")


def test_toc_is_numbered_and_nested_and_a_number_opens(drive: Drive) -> None:
    _, output = drive("toc", "4", "q")
    toc = after_prompt(output, 1).splitlines()
    # Intro's end was shown before `toc` was typed: read (the dwell is 0 here).
    assert (
        toc[0] == "Contents of Plain Pack: 7 sections, 1 read. Type a number to open that section."
    )
    assert toc[1:] == [
        "1. Intro (read) (you are here)", "  2. Empty heading", "  3. Long part", "4. Details",
        "  5. Deeper", "6. Cards", "7. Glossary",
    ]  # fmt: skip
    assert after_prompt(output, 2).startswith("Section 4 of 7\nHeading 1: Details")


def test_numbers_out_of_range_and_without_a_menu(drive: Drive) -> None:
    _, output = drive("3", "toc", "0", "8", "99999999999999999999", "t deep", "5", "q")
    assert after_prompt(output, 1).startswith("No numbered list to choose from")
    assert after_prompt(output, 3) == "No number 0 in the last list (the contents): 1 to 7.\n"
    assert after_prompt(output, 4) == "No number 8 in the last list (the contents): 1 to 7.\n"
    assert "No number 999999999999 in the last list" in after_prompt(output, 5)
    assert after_prompt(output, 6).splitlines()[1:] == ["  5. Deeper"]
    assert after_prompt(output, 7).startswith("Section 5 of 7")


def test_unread_finds_the_next_section_not_read(drive: Drive) -> None:
    _, output = drive("go 2", "go 1", "u", "x", "u", "q")  # Intro and Empty heading read
    assert after_prompt(output, 3).startswith("Section 3 of 7")
    assert after_prompt(output, 4).startswith("Section 3 marked read. 3 of 7 sections read")
    assert after_prompt(output, 5).startswith("Section 4 of 7")


def test_go_by_number_and_by_title(drive: Drive) -> None:
    _, output = drive("go 4", "go deeper", "go nowhere at all", "go 70", "q")
    assert after_prompt(output, 1).startswith("Section 4 of 7")
    assert after_prompt(output, 2).startswith("Section 5 of 7")
    assert after_prompt(output, 3).startswith("No section titled 'nowhere at all'")
    assert after_prompt(output, 4).startswith("No section 70: the sections are 1 to 7.")


def test_where_again_and_back_and_forward(drive: Drive) -> None:
    _, output = drive("go 4", "go 6", "back", "back", "forward", "where", "again", "q")
    assert after_prompt(output, 3).startswith("Section 4 of 7")
    assert after_prompt(output, 4).startswith("Section 1 of 7")
    assert after_prompt(output, 5).startswith("Section 4 of 7")
    where = after_prompt(output, 6)
    assert where.startswith("You are in Section 4 of 7: Details.")
    assert "sections read" in where
    assert after_prompt(output, 7).startswith("Section 4 of 7\nHeading 1: Details")


# --------------------------------------------------------------------------- search


def test_search_lists_numbered_results_and_a_number_opens_one(drive: Drive) -> None:
    _, output = drive("search itching", "1", "/itching", "s", "", "q")
    results = after_prompt(output, 1).splitlines()
    assert results[0] == "1 result for 'itching'. Type a number to open one."
    assert results[1] == "1. Deeper (in Details)"
    assert "Itching is the main symptom" in results[2]
    assert after_prompt(output, 2).startswith("Section 5 of 7")
    assert after_prompt(output, 3).splitlines()[1] == "1. Deeper (in Details)"
    assert after_prompt(output, 4) == "Search for (Enter alone cancels): Search cancelled.\n"


def test_a_result_says_where_its_matches_are_and_find_lists_them(drive: Drive) -> None:
    _, output = drive("search zebra", "1", "find", "find long part", "find zzz", "q")
    opened = after_prompt(output, 2)
    assert opened.startswith("Section 3 of 7")
    assert "'zebra' is on lines 7 and 61: find lists them. Next:" in opened.replace("\n", " ")
    found = after_prompt(output, 3).splitlines()
    assert found == [
        "2 lines of section 3 hold 'zebra'; type line and a number to read on from one:",
        "Line 7: Paragraph 3 of the long part, with a zebra to read.",
        "Line 61: Paragraph 30 of the long part, with a zebra to read.",
    ]
    assert after_prompt(output, 4).startswith("41 lines of section 3 hold 'long part':\nLine 1: ")
    assert after_prompt(output, 5) == "No line of section 3 holds 'zzz'.\n"


def test_places_and_snippets_are_read_without_signs(drive: Drive, tmp_path: Path) -> None:
    """The app's `›` between titles, the `…` where a snippet is cut and a diagram's box
    lines in a snippet are each read out by a screen reader, at every result."""
    filler = " ".join(f"word{n}" for n in range(60))
    files = {
        "01-a.md": "# Outer\n\nIntro.\n\n## Middle\n\nMiddle.\n\n### Inner\n\n"
        f"{filler} zebra ─────► ▲ │ crossing {filler}\n"
    }
    pack = load_pack(write_pack(tmp_path / "signs", files))
    _, output = drive("search zebra", "1", "where", "q", pack=pack)
    results = after_prompt(output, 1).splitlines()
    assert results[0] == "1 result for 'zebra'. Type a number to open one."
    assert results[1] == "1. Inner (in Outer; Middle)"
    snippet = " ".join(line.strip() for line in results[2:])
    assert "zebra ► crossing" in snippet or "zebra crossing" in snippet
    assert not {"…", "─", "▲", "│"} & set(snippet)
    assert after_prompt(output, 2).startswith("Section 3 of 3, in Outer; Middle\n")
    assert after_prompt(output, 3).startswith(
        "You are in Section 3 of 3: Inner (in Outer; Middle)."
    )
    assert "›" not in output


def test_line_reads_on_from_a_line_find_named(drive: Drive) -> None:
    """find said "'zebra' is on line 61" and nothing led there but paging."""
    _, output = drive("go 3", "find zebra", "line 61", "line 0", "line x", "find zebra", "q")
    shown = after_prompt(output, 3)
    assert shown.replace("\n", " ").startswith(
        "Section 3 of 7: Long part (in Intro). From line 61 of 81. Type again to read it "
        "from the top. Paragraph 30 of the long part, with a zebra to read. "
    )
    assert "Paragraph 29" not in shown and shown.rstrip().endswith("Next: Details.")
    assert after_prompt(output, 4) == "No line 0: section 3 has lines 1 to 81.\n"
    assert after_prompt(output, 5).startswith("Type line and a number")
    assert after_prompt(output, 6).startswith("2 lines of section 3 hold 'zebra':")  # told once


def test_search_says_when_nothing_matches_and_never_echoes_escapes(drive: Drive) -> None:
    _, output = drive("search zzqx\x1b]52;c;aGk=\x07\x1b[2J", "q")
    shown = after_prompt(output, 1)
    assert shown.startswith("Nothing matches 'zzqx")
    assert "\x1b" not in shown and "\x07" not in shown


def test_a_glossary_term_searched_lists_its_definition_first(drive: Drive) -> None:
    _, output = drive("search IgE", "1", "q")
    assert (
        after_prompt(output, 1).splitlines()[1]
        == "1. Definition: Immunoglobulin E (IgE) (in the glossary)"
    )
    assert after_prompt(output, 2).startswith("Definition of Immunoglobulin E (IgE):")


# --------------------------------------------------------------------------- links


def test_links_are_numbered_internal_followed_external_printed_escapes_refused(
    drive: Drive,
) -> None:
    _, output = drive("links", "1", "back", "links", "2", "3", "q")
    listing = after_prompt(output, 1).splitlines()
    assert listing[0].startswith("3 links in section 1, numbered as in the text.")
    assert listing[1] == "1. the details: section 5, Deeper"
    assert listing[2] == "2. the web page: web address https://example.org/page"
    assert listing[3].startswith("3. a way out: not followed (")
    assert after_prompt(output, 2).startswith("Section 5 of 7")
    assert after_prompt(output, 5) == "Web address, not opened here: https://example.org/page\n"
    assert after_prompt(output, 6).startswith("Not followed: ../../etc/passwd (")


def test_a_section_without_links_says_so(drive: Drive) -> None:
    _, output = drive("go 2", "links", "q")
    assert after_prompt(output, 2) == "No links in section 2.\n"


@pytest.mark.parametrize(
    "empty", ["links", "search zzqx", "toc zzqx", "glossary zzqx", "bookmarks"]
)
def test_a_number_after_an_empty_list_is_not_taken_from_an_older_one(
    drive: Drive, empty: str
) -> None:
    """`toc`, `go 2`, `links` (none), `1`: the reader meant link 1, and section 1 of the
    contents opened without a word of why."""
    _, output = drive("toc", "go 2", empty, "1", "q")
    assert after_prompt(output, 4).startswith("No numbered list to choose from")


# --------------------------------------------------------------------------- glossary


def test_define_exact_prefix_and_did_you_mean(drive: Drive) -> None:
    _, output = drive("define ige", "define imm", "2", "define eczma", "1", "define qqqq", "d", "q")
    assert after_prompt(output, 1).startswith(
        "Definition of Immunoglobulin E (IgE):\n  An antibody class."
    )
    assert "End of definition. 1 link.\n" in after_prompt(output, 1)  # told at the start
    menu = after_prompt(output, 2).splitlines()
    assert menu == ["2 terms start with 'imm'. Type a number to read one.",
                    "1. Immunoglobulin E (IgE)", "2. Immune system"]  # fmt: skip
    assert after_prompt(output, 3).startswith("Definition of Immune system:")
    assert after_prompt(output, 4).startswith("No term 'eczma' in the glossary. Did you mean")
    assert after_prompt(output, 5).startswith("Definition of Eczema:")
    assert after_prompt(output, 6).startswith("No term 'qqqq' in the glossary.")
    assert after_prompt(output, 7).startswith("Define what?")


def test_a_definitions_links_follow_from_the_glossary(drive: Drive) -> None:
    _, output = drive("define ige", "links", "1", "q")
    assert "\n1. the details: section 4, Details\n" in after_prompt(output, 2)
    assert after_prompt(output, 3).startswith("Section 4 of 7")


def test_glossary_lists_terms_and_a_number_defines(drive: Drive) -> None:
    _, output = drive("glossary", "3", "g immune", "q")
    assert after_prompt(output, 1).splitlines() == [
        "Glossary: 3 terms. Type a number to read a definition.",
        "1. Immunoglobulin E (IgE)", "2. Immune system", "3. Eczema",
    ]  # fmt: skip
    assert after_prompt(output, 2).startswith("Definition of Eczema:\n  An itchy skin condition.")
    assert after_prompt(output, 3).splitlines()[1:] == ["1. Immune system"]


def test_a_pack_without_glossary_or_cards_says_so(drive: Drive, tmp_path: Path) -> None:
    bare = load_pack(write_pack(tmp_path / "bare", {"a.md": "# Only\n\nText.\n"}))
    _, output = drive("define x", "glossary", "review", "compare", "q", pack=bare)
    assert after_prompt(output, 1).startswith("This pack has no glossary")
    assert after_prompt(output, 2).startswith("This pack has no glossary")
    assert after_prompt(output, 3).startswith("This pack has no self-test cards")
    assert after_prompt(output, 4) == "This pack has no comparison table.\n"


# --------------------------------------------------------------------------- review


def test_review_shows_a_card_reveals_on_enter_and_rating_is_saved(
    drive: Drive, pack_dir: Path, state_dir: Path
) -> None:
    _, output = drive("review", "", "3", "q", "review", "q", "q")
    review = after_prompt(output, 1)
    # The card file's card, then one from each glossary term, in reading order.
    question, _, rest = review.partition(REVEAL)
    assert question.startswith("Review: 4 cards due (4 new, 0 learning, 0 to review).")
    assert "Card 1, in Cards. Left: 4 new, 0 learning, 0 to review.\n" in question
    assert question.endswith("Question:\nWhat is the capital of France?\n")
    answer, _, rest = rest.partition("Rate it, 1 to 4, q ends: ")
    assert answer.startswith("Answer:\nParis\nRatings: 1 Again, ")
    assert "; 4 Easy, " in answer
    assert rest.startswith("Good: due again in ")
    # Good, still learning: it comes back, and the count of what is left says so.
    assert "Card 2, a card from the glossary, in Details. Left: 3 new, 1 learning," in rest
    assert " of 5" not in rest
    # Once a card is rated, the prompt a listener hears at every card is short.
    assert rest.count("Enter shows the answer: Review ended") == 1
    assert rest.endswith(
        "Review ended: 1 card reviewed (Again 0, Hard 0, Good 1, Easy 0).\n"
        "Still due now: 3 (new cards within today's limit included): type review.\n"
    )
    assert after_prompt(output, 2).startswith("Review: 3 cards due (3 new,")
    from reader.study import Study

    study = Study.open(load_pack(pack_dir), state_dir=state_dir)
    progress = study.state.get(study.cards.cards[0].id)
    assert progress is not None and progress.reps == 1
    assert all(study.state.get(card.id) is None for card in study.cards.cards[1:])


def test_review_q_or_eof_before_rating_saves_nothing(
    drive: Drive, pack_dir: Path, state_dir: Path
) -> None:
    _, output = drive("r", "q", "r", "", "x", "q", "q")
    first, second = after_prompt(output, 1), after_prompt(output, 2)
    assert first.endswith(REVEAL + "Review ended: 0 cards reviewed (Again 0, Hard 0, Good 0, "
                          "Easy 0).\nStill due now: 4 (new cards within today's limit "
                          "included): type review.\n")  # fmt: skip
    assert "Type 1 Again, 2 Hard, 3 Good or 4 Easy (or q to end the review)." in second
    _, output = drive("r", "", code=0)
    assert output.rstrip().endswith("Goodbye. Your place is saved.")
    from reader.study import Study

    study = Study.open(load_pack(pack_dir), state_dir=state_dir)
    assert all(study.state.get(card.id) is None for card in study.cards.cards)


def test_reader_review_plain_starts_in_the_review(drive: Drive) -> None:
    _, output = drive("q", "q", start_review=True)
    before, _, after = output.partition(REVEAL)
    assert "Review: 4 cards due" in before and PROMPT not in before
    assert after.startswith("Review ended: 0 cards reviewed")
    assert "Section 1 of 7" in after


# --------------------------------------------------------------------------- state


def test_place_history_bookmarks_and_read_marks_are_the_apps(
    drive: Drive, pack_dir: Path, state_dir: Path
) -> None:
    drive("go 4", "", "bookmark look here", "m", "go 2", "x", "q")
    state = fresh_state(pack_dir, state_dir).load()
    pack = load_pack(pack_dir)
    assert state.position is not None and state.position.scroll == 0.0
    assert pack.get(state.position.section).title == "Empty heading"  # type: ignore[union-attr]
    titles = [pack.get(entry.section).title for entry in state.history]  # type: ignore[union-attr]
    assert titles == ["Intro", "Details", "Deeper", "Empty heading"]
    (mark,) = state.bookmarks
    assert pack.get(mark.section).title == "Deeper" and mark.note == "look here"  # type: ignore[union-attr]
    read = {pack.get(section_id).title for section_id in state.read}  # type: ignore[union-attr]
    # Every section whose end was shown before the next command (dwell 0) is read, and
    # `x` ticks the one it is typed in (not untick what the dwell just marked).
    assert read == {"Intro", "Details", "Deeper", "Empty heading"}


def test_plain_resumes_where_the_app_left_and_lists_its_bookmarks(
    drive: Drive, pack_dir: Path, state_dir: Path
) -> None:
    store = fresh_state(pack_dir, state_dir)
    pack = load_pack(pack_dir)
    details, deeper = pack.sections[3], pack.sections[4]

    def as_the_app(state):  # type: ignore[no-untyped-def]
        state.visit(Position(details.id, 0.0))
        state.visit(Position(deeper.id, 3.0))
        state.add_bookmark(details.id, 0.0, "from the app")
        state.mark_read(details.id)

    store.update(as_the_app)
    _, output = drive("bookmarks", "1", "back", "where", "q")
    before = output.split(PROMPT)[0]
    assert "Resuming where you left off.\nSection 5 of 7" in before
    assert after_prompt(output, 1).splitlines()[1] == "1. section 4, Details: from the app"
    assert after_prompt(output, 2).startswith("Section 4 of 7")
    assert after_prompt(output, 3).startswith("Section 5 of 7")  # back: where we came from
    assert "2 of 7 sections read" in after_prompt(output, 4)  # Details, and Deeper dwelt
    assert fresh_state(pack_dir, state_dir).load().position.section == deeper.id  # type: ignore[union-attr]


def test_progress_by_chapter_and_reset_asks_first(
    drive: Drive, pack_dir: Path, state_dir: Path
) -> None:
    _, output = drive("n", "progress", "reset", "no", "reset", "yes", "progress", "q")
    lines = after_prompt(output, 2).splitlines()
    assert lines[0] == "Progress in Plain Pack: 2 of 7 sections read (28%). 4 cards due."
    assert lines[1:] == [
        # IgE's card belongs where its definition links: the Details chapter.
        "1. Intro: 2 of 3 read, 0 due.", "4. Details: 0 of 2 read, 1 due.",
        "6. Cards: 0 of 1 read, 1 due.", "7. Glossary: 0 of 1 read, 2 due.",
        "Type a chapter's number to open it.",
    ]  # fmt: skip
    assert after_prompt(output, 3).startswith("Forget that 2 sections of this pack are read?")
    assert "Nothing forgotten." in after_prompt(output, 3)
    assert "Reading progress reset." in after_prompt(output, 4)
    assert "0 of 7 sections read" in after_prompt(output, 5)


def test_reset_asks_about_one_section_in_the_singular(drive: Drive) -> None:
    _, output = drive("x", "reset", "no", "q")
    assert after_prompt(output, 2).startswith("Forget that 1 section of this pack is read?")


def test_a_pack_changed_on_disk_is_told_once(drive: Drive, pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    pack.load_all()
    (pack_dir / "03-cards.md").write_text("# Cards\n\nChanged.\n")
    _, output = drive("where", "where", "q", pack=pack)
    assert output.count("Note: the pack changed on disk (03-cards.md).") == 1


def test_a_bookmark_with_a_note_says_the_note_back(drive: Drive) -> None:
    _, output = drive("bookmark look here", "q")
    assert after_prompt(output, 1) == "Bookmarked Intro, note: look here. bookmarks lists them.\n"


def test_delete_a_bookmark(drive: Drive, pack_dir: Path, state_dir: Path) -> None:
    _, output = drive("m", "bookmarks", "delete 1", "delete 1", "q")
    assert after_prompt(output, 3).startswith("Bookmark 1 deleted.\nNo bookmarks yet")
    assert fresh_state(pack_dir, state_dir).load().bookmarks == []


def test_no_state_writes_nothing(drive: Drive, state_dir: Path, tmp_path: Path) -> None:
    _, output = drive("go 4", "search itching", "review", "", "3", "m", "q", no_state=True)
    assert output.rstrip().endswith("Goodbye.")
    assert not state_dir.exists()
    assert not (tmp_path / "cache").exists()


def test_restricted_writes_only_the_users_state(
    drive: Drive, state_dir: Path, tmp_path: Path
) -> None:
    before = set(tmp_path.rglob("*"))
    _, output = drive(
        "go 4", "search itching", "links", "review", "", "3", "m", "q", restricted=True
    )
    assert "Search" not in output.split("search itching")[0]
    written = {path for path in set(tmp_path.rglob("*")) - before if path.is_file()}
    assert written and all(path.is_relative_to(state_dir) for path in written), written
    assert not (tmp_path / "cache").exists()  # no search index, no card cache


def test_restricted_and_no_state_writes_nothing_at_all(drive: Drive, tmp_path: Path) -> None:
    before = set(tmp_path.rglob("*"))
    drive("search itching", "review", "", "1", "q", restricted=True, no_state=True)
    assert set(tmp_path.rglob("*")) == before


# --------------------------------------------------------------------------- hostile input


def test_a_very_long_line_is_cut_and_the_next_command_still_runs(drive: Drive) -> None:
    _, output = drive("search " + "a" * (MAX_INPUT * 30), "where", "q")
    assert after_prompt(output, 1).startswith("Nothing matches 'aaa")
    assert len(after_prompt(output, 1)) < 400
    assert after_prompt(output, 2).startswith("You are in Section 1 of 7")


@pytest.mark.parametrize("character", ["a", "(", '"', "*", "-", " x", "é", "\u202e"])
def test_every_command_stays_quick_on_the_longest_hostile_argument(
    drive: Drive, character: str
) -> None:
    """Input is cut at MAX_INPUT characters: a run of one character that long, after
    every command taking words, is answered at once (a bounded cost, and no output
    longer than the words echoed back)."""
    argument = (character * MAX_INPUT)[: MAX_INPUT - 10]
    words = ["search", "find", "define", "glossary", "toc", "go", "bookmark", "s"]
    started = time.process_time()
    code, output = drive(*(f"{word} {argument}" for word in words), "bookmarks", "q")
    assert time.process_time() - started < 5.0
    assert code == 0 and "Traceback" not in output
    assert max(len(line.split(PROMPT)[-1]) for line in output.splitlines()) <= 80


def test_hostile_pack_text_never_reaches_the_output(drive: Drive, tmp_path: Path) -> None:
    hostile = load_pack(
        write_pack(
            tmp_path / "hostile",
            {"a.md": "# Evil \x1b[2J title\n\nText \x1b]52;c;aGk=\x07 and \x9b31m &#27;[1m.\n"},
        )
    )
    _, output = drive("toc", "again", "where", "q", pack=hostile)
    assert "\x9b" not in output and "\x07" not in output
    assert "1. Evil title" in output and "[2J" not in output


def test_an_empty_section_prints_its_heading_and_goes_on(drive: Drive) -> None:
    _, output = drive("go 2", "q")
    shown = after_prompt(output, 1)
    assert shown.startswith(
        "Section 2 of 7, in Intro\nHeading 2: Empty heading\nEnd of section 2 of 7."
    )


def test_a_file_changed_on_disk_is_not_opened(drive: Drive, pack_dir: Path) -> None:
    pack = load_pack(pack_dir)
    pack.load_all()
    (pack_dir / "02-details.md").write_text("# Changed\n\nNew text, longer than before.\n")
    _, output = drive("go 4", "where", "q", pack=pack)
    assert "changed on disk" in after_prompt(output, 1)
    assert after_prompt(output, 2).startswith("You are in Section 1 of 7")


def test_lines_fit_the_width_from_columns(drive: Drive, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "30")
    _, output = drive("go 3", "q")
    text = after_prompt(output, 1).splitlines()[1:-1]
    assert text and max(len(line) for line in text) <= 30


def test_a_bug_is_one_line_and_exit_70(
    drive: Drive,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    state_dir: Path,
) -> None:
    """A bug of ours ends the session as the app's do: one line on stderr, the
    traceback in the log beside the state, exit 70; the place is still saved."""

    def broken(self: object, _words: str) -> None:
        raise RuntimeError("a bug of ours")

    monkeypatch.setattr(plain.PlainReader, "toc", broken)
    code, _ = drive("toc", "q")
    assert code == 70
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("reader: internal error (RuntimeError); details in ")
    log = Path(line.rpartition(" ")[2])
    assert "a bug of ours" in log.read_text() and log.is_relative_to(state_dir)


# --------------------------------------------------------------------------- processes


def plain_process(pack_dir: Path, state_dir: Path) -> list[str]:
    """`reader --plain PACK --state-dir STATE` as a user starts it."""
    return [sys.executable, "-m", "reader", "--plain", str(pack_dir), "--state-dir", str(state_dir)]


def process_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return child_env(READER_CACHE_DIR=str(tmp_path / "cache"), COLUMNS="80", **extra)


class Stream:
    """What a child wrote to a pipe or pty, read up to each marker in turn (what came
    after a marker waits for the next call)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.everything = b""
        self._pending = b""

    def until(self, wanted: bytes, timeout: float = 10.0) -> bytes:
        deadline = time.monotonic() + timeout
        while wanted not in self._pending:
            left = deadline - time.monotonic()
            assert left > 0, f"timed out waiting for {wanted!r}; got {self._pending[-500:]!r}"
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:  # a pty whose child has gone
                chunk = b""
            assert chunk, f"the child closed before {wanted!r}; got {self._pending[-500:]!r}"
            self._pending += chunk
            self.everything += chunk
        upto = self._pending.index(wanted) + len(wanted)
        found, self._pending = self._pending[:upto], self._pending[upto:]
        return found


def test_pipes_with_bad_bytes_and_a_closed_output(
    pack_dir: Path, state_dir: Path, tmp_path: Path
) -> None:
    """Non-UTF-8 input is read as replacement characters; a reader that closes the pipe
    early ends the session with exit 0 and nothing on stderr."""
    done = subprocess.run(
        plain_process(pack_dir, state_dir),
        input=b"go \xff\xfe 4\n\xc3\x28\ntoc\n4\nq\n",
        capture_output=True,
        env=process_env(tmp_path),
        timeout=30,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert b"\x1b" not in done.stdout
    assert b"Section 4 of 7" in done.stdout
    closed = subprocess.Popen(
        plain_process(pack_dir, state_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=process_env(tmp_path),
    )
    assert closed.stdout is not None and closed.stdin is not None
    Stream(closed.stdout.fileno()).until(PROMPT.encode())
    closed.stdout.close()
    closed.stdin.write(b"toc\n" * 50 + b"q\n")
    closed.stdin.close()
    assert closed.wait(15) == 0
    assert closed.stderr is not None and closed.stderr.read() == b""


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_signals_at_the_prompt_end_the_session_and_keep_the_place(
    pack_dir: Path, state_dir: Path, tmp_path: Path, signum: int
) -> None:
    process = subprocess.Popen(
        plain_process(pack_dir, state_dir),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=process_env(tmp_path),
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    out = Stream(process.stdout.fileno())
    out.until(PROMPT.encode())
    process.stdin.write(b"go 4\n")
    process.stdin.flush()
    out.until(b"End of section 4")
    time.sleep(0.1)
    process.send_signal(signum)
    code = process.wait(10)
    rest = process.stdout.read()
    assert code == (130 if signum == signal.SIGINT else 0)
    assert process.stderr.read() == b""
    assert b"\x1b" not in rest
    if signum == signal.SIGINT:
        assert b"Interrupted. Your place is saved." in rest
    state = fresh_state(pack_dir, state_dir).load()
    assert state.position is not None
    assert load_pack(pack_dir).get(state.position.section).title == "Details"  # type: ignore[union-attr]


class DroppedTerminal(io.StringIO):
    """A terminal that goes away after the first prompt: writing fails with EIO, and
    the hang-up (SIGHUP) arrives while the reader is handling that failure."""

    def write(self, text: str) -> int:
        if PROMPT in self.getvalue():
            import errno

            raise OSError(errno.EIO, "Input/output error")
        return super().write(text)

    def fileno(self) -> int:  # the reader silences the dead output: SIGHUP lands now
        os.kill(os.getpid(), signal.SIGHUP)
        raise io.UnsupportedOperation("no file")


def test_a_hang_up_during_the_end_of_a_dropped_terminal_is_no_traceback(
    pack_dir: Path, state_dir: Path
) -> None:
    """The write failing (EIO) and the SIGHUP after it are one dropped connection: the
    second used to escape run_plain as a traceback (exit 1) from inside the first's
    handling."""
    before = signal.getsignal(signal.SIGHUP)
    exit_code = run_plain(
        load_pack(pack_dir),
        restricted=False,
        no_state=False,
        state_dir=state_dir,
        stdin=io.StringIO("go 4\nq\n"),
        stdout=DroppedTerminal(),
    )
    assert exit_code == 0
    state = fresh_state(pack_dir, state_dir).load()
    assert state.position is not None
    assert load_pack(pack_dir).get(state.position.section).title == "Details"  # type: ignore[union-attr]
    assert signal.getsignal(signal.SIGHUP) is before  # the caller's handler is back


def spawn_in_pty(argv: list[str], env: dict[str, str], rows: int, cols: int) -> tuple[int, int]:
    """Start argv on a new pty of the given size; (pid, master fd)."""
    import fcntl
    import struct
    import termios

    pid, master = pty.fork()
    if pid == 0:  # the child: its terminal is the pty
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        os.execve(argv[0], argv, env)
    return pid, master


def test_a_terminal_is_paged_and_nothing_else_is(
    pack_dir: Path, state_dir: Path, tmp_path: Path
) -> None:
    """On a pty of 10 lines a long section stops at a "More" prompt: Enter goes on, q
    stops, and Enter at the reader's prompt goes on from there. The raw bytes of the
    whole session hold no ESC, and no line is wider than the terminal."""
    env = process_env(tmp_path, TERM="dumb")
    del env["COLUMNS"]
    pid, master = spawn_in_pty(plain_process(pack_dir, state_dir), env, rows=10, cols=60)
    screen = Stream(master)
    try:
        screen.until(PROMPT.encode())
        os.write(master, b"go 3\n")
        first = screen.until(b"Enter or q: ")
        os.write(master, b"\n")
        second = screen.until(b"Enter or q: ")
        os.write(master, b"q\n")
        screen.until(PROMPT.encode())
        os.write(master, b"where\n")
        where = screen.until(PROMPT.encode())
        os.write(master, b"\n")
        continued = screen.until(b"Enter or q: ")
        os.write(master, b"where\n")  # a command at a More prompt stops the page and runs
        where_now = screen.until(PROMPT.encode())
        os.write(master, b"q\n")
        screen.until(b"Goodbye. Your place is saved.")
        _, status = os.waitpid(pid, 0)
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(master)
    assert os.waitstatus_to_exitcode(status) == 0
    assert first.count(b"\r\n") == 10 and b"Paragraph 3 of" in first  # 9 lines: a screen
    assert b"Paragraph 4 of" in second and b"Paragraph 9 of" not in second
    assert b"You stopped at line 18 of " in where and b"Enter goes on." in where
    assert continued.startswith(b"\r\nSection 3 of 7: Long part (in Intro). Continued. Type again")
    assert b"Paragraph 9 of" in continued
    assert where_now.startswith(b"where\r\nYou are in Section 3 of 7")
    assert b"\x1b" not in screen.everything
    lines = screen.everything.decode("utf-8", "replace").split("\r\n")
    assert max(len(line.split(PROMPT)[-1]) for line in lines if "More:" not in line) <= 60
    state = fresh_state(pack_dir, state_dir).load()
    assert state.position is not None and state.position.scroll > 0  # the page it stopped at


def test_every_prompt_fits_a_40_cell_braille_line(
    drive: Drive, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A braille display shows the line the cursor is on: a prompt the terminal wraps
    shows only its tail there ("q ends the review: "), not the choice it asks for."""
    asked: list[str] = []
    ask = plain._Console.ask

    def recording(console: plain._Console, prompt: str) -> str | None:
        asked.append(prompt)
        return ask(console, prompt)

    monkeypatch.setattr(plain._Console, "ask", recording)
    monkeypatch.setattr(plain, "_isatty", lambda _stream: True)  # paged, as a terminal
    monkeypatch.setenv("COLUMNS", "40")
    monkeypatch.setenv("LINES", "10")
    # At the start "More:" stops before the section's end line; toc, typed there, runs.
    drive("toc", "reset", "no", "search", "", "review", "", "3", "", "3", "q", "q")
    kinds = {prompt.split(" ")[0] for prompt in asked}
    assert kinds == {"reader>", "More:", "Type", "Search", "Enter", "Rate"}
    assert [prompt for prompt in asked if len(prompt) > 40] == []


def test_no_more_prompt_for_a_last_single_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """ "More: 1 line left" took a keypress to show one line, which the prompt's own
    row could hold; two lines left still wait."""
    monkeypatch.setenv("LINES", "5")  # four rows and the prompt's
    out = io.StringIO()
    console = plain._Console(io.StringIO("\n\n"), out, plain._Signals())
    console.paging = True
    assert console.show(["1", "2", "3", "4", "5"]) is None
    assert out.getvalue() == "1\n2\n3\n4\n5\n"
    console.ask("> ")  # the reader typed Enter: a fresh screen
    assert console.show(["a", "b", "c", "d", "e", "f"]) is None
    assert "More: 2 lines left" in out.getvalue()


def test_no_more_prompt_in_a_pipe(drive: Drive) -> None:
    _, output = drive("go 3", "q")
    assert "More:" not in output
    assert "Paragraph 40 of the long part" in output


def test_no_output_ever_held_an_escape() -> None:
    assert OUTPUTS, "the sessions above ran first"
    assert not any("\x1b" in output for output in OUTPUTS)
