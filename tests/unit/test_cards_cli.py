"""Cards on the command line (issue 19): `reader cards`, `reader export`, `reader review`
and what `reader check` says about cards.

Most cases call `reader.cli.main` with pytest's capture (stdout is then not a terminal, as
in a pipe); `reader review` without a terminal runs the real command in a child process.
What is due comes from `reader.study.Study`, the app's own answer, so the tests rate cards
through it (fuzzing off) and read back what the command prints. No case may end in a
traceback or print an escape sequence.
"""

from __future__ import annotations

import re
import subprocess
import sys
import types
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reader import review, state_io
from reader.cards import Card
from reader.cli import RESTRICTED_ENV, main
from reader.pack import load_pack
from reader.study import Study

MakePack = Callable[[Path, dict[str, str | bytes]], Path]
RunReader = Callable[..., subprocess.CompletedProcess[str]]
Env = Callable[..., dict[str, str]]

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT = REPO_ROOT / "content"
ESCAPE = re.compile(r"[\x1b\x9b\x9d]")
INTERNAL_ERROR = 70
ISO_SECOND = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read the real settings or state, nor inherit a restricted session."""
    monkeypatch.delenv(state_io.ENV_STATE_DIR, raising=False)
    monkeypatch.delenv(RESTRICTED_ENV, raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv(review.ENV_CONFIG_DIR, str(tmp_path / "config"))


def run(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """`reader ARGS` in this process: exit code, stdout, stderr; never a traceback and
    never an escape sequence."""
    code = main([str(arg) for arg in args])
    out, err = capsys.readouterr()
    assert code != INTERNAL_ERROR, err
    assert "Traceback" not in out + err, err
    assert not ESCAPE.search(out + err), repr((out + err)[:300])
    return code, out, err


def card_lines(out: str) -> list[list[str]]:
    """Each line of `reader cards` split at its tabs, checked to be three fields."""
    rows = [line.split("\t") for line in out.splitlines()]
    for row in rows:
        assert len(row) == 3, row
    return rows


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def study_of(root: Path, state: Path) -> Study:
    return Study.open(load_pack(root), state_dir=state, fuzzing=False)


# ----------------------------------------------------------------- reader cards
def test_every_card_of_the_default_pack_is_one_new_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = study_of(CONTENT, tmp_path / "state").cards.cards
    assert len(cards) >= 100, "authored and derived cards"
    code, out, err = run(capsys, "cards", "--state-dir", tmp_path / "state")
    assert (code, err) == (0, "")
    rows = card_lines(out)
    assert len(rows) == len(cards)
    assert {due for due, _, _ in rows} == {"new"}
    assert [section for _, section, _ in rows] == [card.section_id for card in cards]
    assert all(question.strip() for _, _, question in rows)
    assert not any("**" in question or "](" in question for _, _, question in rows), "plain"
    comparison = next(card for card in cards if card.kind == "comparison")
    assert ["new", comparison.section_id, comparison.question] in rows


def test_a_rated_card_shows_when_it_is_due_in_utc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    study = study_of(CONTENT, state)
    card = study.cards.cards[3]
    progress = study.rate(card, 3, datetime.now(UTC), None)
    code, out, _ = run(capsys, "cards", "--state-dir", state)
    assert code == 0
    rows = card_lines(out)
    due, section, _ = rows[3]
    assert ISO_SECOND.fullmatch(due), due
    assert due == iso(progress.due)
    assert section == card.section_id
    assert {row[0] for position, row in enumerate(rows) if position != 3} == {"new"}


def test_no_state_lists_every_card_as_new(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    study = study_of(CONTENT, state)
    study.rate(study.cards.cards[0], 4, datetime.now(UTC), None)
    _, remembered, _ = run(capsys, "cards", "--state-dir", state)
    _, forgotten, _ = run(capsys, "cards", "--state-dir", state, "--no-state")
    assert card_lines(remembered)[0][0] != "new"
    assert {due for due, _, _ in card_lines(forgotten)} == {"new"}


def all_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    code, out, _ = run(capsys, "cards", "--state-dir", tmp_path / "state")
    assert code == 0
    return out


def unburied(cards: list[Card], notes_seen: set[str] | None = None) -> list[Card]:
    """The cards left when new siblings are buried as Anki buries them: only the first
    new card of each note (a `:::` pair, a paragraph's clozes), none of a note seen today."""
    seen = set(notes_seen or ())
    kept = []
    for card in cards:
        if card.note not in seen:
            seen.add(card.note)
            kept.append(card)
    return kept


def test_due_on_a_fresh_state_is_the_first_twenty_new_cards(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = study_of(CONTENT, tmp_path / "state").cards.cards
    code, out, err = run(capsys, "cards", "--due", "--state-dir", tmp_path / "state")
    assert (code, err) == (0, "")
    rows = card_lines(out)
    assert len(rows) == 20, "the daily new-card limit"
    first_twenty = unburied(cards)[:20]
    assert first_twenty != cards[:20], "the pack's first cards include a `:::` pair"
    every = card_lines(all_lines(capsys, tmp_path))  # `reader cards`: one row per card, in order
    assert [question for _, _, question in rows] == [
        every[cards.index(card)][2] for card in first_twenty
    ]
    assert [section for _, section, _ in rows] == [card.section_id for card in first_twenty]


def test_due_lists_due_reviews_first_then_what_is_left_of_the_new_card_limit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "state"
    study = study_of(CONTENT, state)
    cards = study.cards.cards
    now = datetime.now(UTC)
    # Days ago, Again: due again long since, the earlier-rated one first, whatever their
    # order in the pack.
    later_in_pack, earlier_in_pack = cards[40], cards[30]
    first = study.rate(later_in_pack, 1, now - 3 * DAY, None)
    second = study.rate(earlier_in_pack, 1, now - 2 * DAY, None)
    # Days ago, Easy: not due now.
    study.rate(cards[35], 4, now - 2 * DAY, None)
    # Today, Good: in learning for ten minutes, and five of today's twenty new cards used.
    for card in cards[:5]:
        study.rate(card, 3, now, None)
    assert first.due < second.due <= now
    code, out, err = run(capsys, "cards", "--due", "--state-dir", state)
    assert (code, err) == (0, "")
    rows = card_lines(out)
    assert rows[0][0] == iso(first.due) and rows[1][0] == iso(second.due)
    assert [row[1] for row in rows[:2]] == [later_in_pack.section_id, earlier_in_pack.section_id]
    new = rows[2:]
    assert len(new) == 15, "20 new cards a day, 5 of them already seen today"
    assert {due for due, _, _ in new} == {"new"}
    left = [card for card in cards[5:] if card not in (cards[30], cards[35], cards[40])]
    reviewed = {card.note for card in [*cards[:5], cards[30], cards[35], cards[40]]}
    expected = unburied(left, reviewed)
    assert [section for _, section, _ in new] == [card.section_id for card in expected[:15]]
    assert len(rows) == len(study.queue()), "the app's queue, line for line"


def test_the_pack_sets_its_own_new_card_limit(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cards = "".join(f"Question {number}?::Answer {number}.\n\n" for number in range(8))
    root = make_pack(
        tmp_path / "pack",
        {
            "pack.toml": 'title = "Eight"\n[review]\nnew_cards_per_day = 5\n',
            "01-a.md": f"# A\n\n#flashcards\n\n{cards}",
        },
    )
    _, everything, _ = run(capsys, "cards", root, "--state-dir", tmp_path / "state")
    code, due, err = run(capsys, "cards", root, "--due", "--state-dir", tmp_path / "state")
    assert (code, err) == (0, "")
    assert len(card_lines(everything)) == 8
    assert [row[2] for row in card_lines(due)] == [f"Question {n}?" for n in range(5)]


def test_nothing_due_is_no_line_and_a_note(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(tmp_path / "pack", {"01-a.md": "# A\n\n#flashcards\n\nQ one::A one\n"})
    state = tmp_path / "state"
    study = study_of(root, state)
    progress = study.rate(study.cards.cards[0], 4, datetime.now(UTC), None)
    code, out, err = run(capsys, "cards", root, "--due", "--state-dir", state)
    assert (code, out) == (0, "")
    assert err == f"reader: no card is due now; the next falls due {iso(progress.due)}\n"


def test_hostile_card_text_is_one_plain_sanitized_line(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(
        tmp_path / "pack",
        {
            "01-a.md": "# A\n\n#flashcards\n\n"
            "Why\tis **this**\x1b[2J &#27;[31m and &#9;tab `code` [a link](b.md) bad?::Because\n\n"
            "A question\non two lines\nwith <b>html</b> and \x9b31m\n?\nAn answer\n",
        },
    )
    code, out, err = run(capsys, "cards", root, "--state-dir", tmp_path / "state")
    assert (code, err) == (0, "")
    rows = card_lines(out)
    assert len(out.splitlines()) == len(rows) == 2
    # markdown-it decodes no control character: `&#27;` is U+FFFD, `&#9;` a tab.
    assert rows[0][2] == "Why is this \ufffd[31m and tab code a link bad?"
    assert rows[1][2] == "A question on two lines with html and", "the CSI sequence removed"
    assert all(row[1] == "a" for row in rows)


def test_a_huge_hostile_question_stays_one_line(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    question = "*_`[" * 800 + "\t&#27;" * 300
    root = make_pack(tmp_path / "pack", {"01-a.md": f"# A\n\n#flashcards\n\n{question}::A\n"})
    code, out, _ = run(capsys, "cards", root, "--state-dir", tmp_path / "state")
    assert code == 0
    (row,) = card_lines(out)
    assert "\t" not in row[2] and len(row[2]) <= 4000


def test_a_pack_without_cards_prints_nothing_and_says_so(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(tmp_path / "pack", {"01-a.md": "# A\n\nNo cards: `a::b`, Q::A unopted.\n"})
    for extra in ([], ["--due"]):
        code, out, err = run(capsys, "cards", root, "--state-dir", tmp_path / "state", *extra)
        assert (code, out) == (0, "")
        assert err.startswith("reader: this pack has no cards") and err.count("\n") == 1


def test_cards_does_not_report_malformed_cards(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(tmp_path / "pack", {"01-a.md": MALFORMED})
    code, out, err = run(capsys, "cards", root, "--state-dir", tmp_path / "state")
    assert (code, err) == (0, "")
    assert [row[2] for row in card_lines(out)] == ["Good question"]


def test_cards_help_says_the_times_are_utc(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["cards", "--help"])
    assert exit_.value.code == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert "ISO 8601, UTC, to the second" in help_text and "--due" in help_text


# ----------------------------------------------------------------- reader export
@pytest.mark.parametrize(("option", "name"), [("--anki", "deck.apkg"), ("--tsv", "cards.txt")])
def test_export_writes_the_file_and_says_so(
    option: str, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    destination = tmp_path / "out" / name
    destination.parent.mkdir()
    code, out, err = run(capsys, "export", option, destination)
    assert (code, err) == (0, "")
    assert destination.stat().st_size > 0
    assert out.count("\n") == 1 and out.startswith("Wrote ") and str(destination) in out
    cards = len(Study.open(load_pack(CONTENT), enabled=False).cards)
    assert f"{cards} cards" in out
    if option == "--tsv":
        assert destination.read_text(encoding="utf-8").startswith("#separator:tab\n")
    else:
        assert destination.read_bytes()[:2] == b"PK", "a zip file"


def test_export_follows_the_users_settings_as_reviews_do(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config"
    config.mkdir()
    (config / "settings.toml").write_text("[review]\nglossary_cards = false\n", encoding="utf-8")
    destination = tmp_path / "cards.tsv"
    code, _, _ = run(capsys, "export", "--tsv", destination)
    assert code == 0
    rows = destination.read_text(encoding="utf-8").splitlines()
    expected = Study.open(load_pack(CONTENT), enabled=False).cards.cards
    assert all(card.kind != "glossary" for card in expected)
    assert len([row for row in rows if not row.startswith("#")]) == len(expected)


def test_export_warns_about_an_anki_file_without_apkg_and_still_writes_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    destination = tmp_path / "deck.zip"
    code, out, err = run(capsys, "export", "--anki", destination)
    assert code == 0 and out.startswith("Wrote ")
    assert err.startswith("reader: warning:") and ".apkg" in err and err.count("\n") == 1
    assert destination.stat().st_size > 0


def test_export_to_a_missing_folder_fails_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    destination = tmp_path / "missing" / "deck.apkg"
    code, out, err = run(capsys, "export", "--anki", destination)
    assert (code, out) == (1, "")
    assert err.startswith("reader: cannot export to ") and err.count("\n") == 1
    assert not destination.parent.exists()


def test_export_of_a_pack_without_cards_fails_with_one_line(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(tmp_path / "pack", {"01-a.md": "# A\n\nText only.\n"})
    destination = tmp_path / "cards.tsv"
    code, out, err = run(capsys, "export", "--tsv", destination, root)
    assert (code, out) == (1, "")
    assert err.startswith("reader: no cards to export") and err.count("\n") == 1
    assert not destination.exists()


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_export_is_refused_in_restricted_mode(
    how: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    destination = tmp_path / "deck.apkg"
    args: list[str | Path] = ["export", "--anki", destination]
    if how == "flag":
        args.append("--restricted")
    else:
        monkeypatch.setenv(RESTRICTED_ENV, "1")
    code, out, err = run(capsys, *args)
    assert (code, out) == (2, "")
    assert "restricted" in err and err.count("\n") == 1
    assert not destination.exists()


@pytest.mark.parametrize(
    "args", [[], ["--anki", "a.apkg", "--tsv", "b.txt"], ["--anki"], ["--bogus", "x"]]
)
def test_export_needs_exactly_one_destination(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["export", *[str(tmp_path / arg) if "." in arg else arg for arg in args]])
    assert exit_.value.code == 2
    assert "usage: reader export" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.*")), "nothing written"


# ----------------------------------------------------------------- reader review
def test_review_without_a_terminal_exits_2_before_loading_the_ui(reader_env: Env) -> None:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "reader", "review"],
        cwd=REPO_ROOT,
        env=reader_env(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    message = [line for line in result.stderr.splitlines() if line.startswith("reader:")]
    assert message == [
        "reader: needs an interactive terminal (use ssh -t, or --plain to read line by line); "
        "try --list, --print or --search"
    ]
    assert "Autoimmune vs allergic" in result.stdout, "the outline, as the plain app prints"
    assert not re.search(r"^import time:.*\|\s+textual(?:\.|$)", result.stderr, re.MULTILINE)


def test_review_without_a_terminal_in_restricted_mode_prints_no_outline(
    run_reader: RunReader, make_pack: MakePack, tmp_path: Path
) -> None:
    root = make_pack(tmp_path / "pack", {"01-a.md": "# A\n\nNo cards here.\n"})
    result = run_reader("review", root, "--restricted")
    assert (result.returncode, result.stdout) == (2, "")
    assert result.stderr.startswith("reader: needs an interactive terminal")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"restricted": False, "no_state": False, "state_dir": None}),
        (["--restricted", "--no-state"], {"restricted": True, "no_state": True}),
        (["--state-dir", "somewhere"], {"state_dir": Path("somewhere")}),
    ],
)
def test_review_on_a_terminal_starts_the_app_in_a_review(
    args: list[str],
    expected: dict[str, object],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The app itself is replaced: what matters here is what the command asks of it."""
    calls: list[dict[str, object]] = []

    def run_app(pack: object, **options: object) -> int:
        calls.append({"pack": pack, **options})
        return 0

    fake = types.ModuleType("reader.ui.app")
    fake.run_app = run_app  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reader.ui.app", fake)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    assert main(["review", str(CONTENT), *args]) == 0
    (call,) = calls
    assert call["start_review"] is True
    assert getattr(call["pack"], "title", None) == "Eczema: is it autoimmune?"
    for key, value in expected.items():
        assert call[key] == value, key


def test_review_rejects_the_printing_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["review", "--list"])
    assert exit_.value.code == 2
    assert "usage: reader review" in capsys.readouterr().err


# ----------------------------------------------------------------- reader check
MALFORMED = """\
# A

#flashcards

Good question::Good answer

Empty answer::

Unclosed ==cloze here

?
no question

Good question::Good answer
"""


def test_check_reports_malformed_cards_with_file_and_line(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(tmp_path / "pack", {"01-a.md": MALFORMED})
    code, out, err = run(capsys, "check", root)
    assert code == 1
    assert "01-a.md:7: a card with an empty answer" in out
    assert "01-a.md:9: `==` is never closed" in out
    assert "01-a.md:11: a `?` line with no question" in out
    assert "01-a.md:14: the same card as 01-a.md:5; counted once" in out, "a note"
    assert err == "1 files, 1 sections, 0 links, 1 card: 3 problems\n"


def test_a_card_written_twice_is_a_note_that_does_not_fail_the_check(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    twice = "# A\n\n#flashcards\n\nQ one::A one\n\nQ two::A two\n\nQ one::A one\n"
    root = make_pack(tmp_path / "pack", {"01-a.md": twice})
    code, out, err = run(capsys, "check", root)
    assert (code, err) == (0, "")
    assert out == (
        "01-a.md:9: the same card as 01-a.md:5; counted once\n"
        "1 files, 1 sections, 0 links, 2 cards: 0 problems\n"
    )


def test_check_reports_what_pack_toml_review_settings_ignore(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_pack(
        tmp_path / "pack",
        {
            "pack.toml": 'title = "T"\n[review]\nnew_cards_per_day = -3\nshuffle = true\n',
            "01-a.md": "# A\n\n#flashcards\n\nQ::A\n",
        },
    )
    code, out, err = run(capsys, "check", root)
    assert code == 1
    assert "pack.toml: [review] new_cards_per_day: must be a whole number" in out
    assert "pack.toml: [review] shuffle: unknown setting; ignored" in out
    assert err.endswith("1 card: 2 problems\n")


def test_check_counts_the_cards_the_pack_asks_for(
    make_pack: MakePack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    glossary = "# Glossary\n\nKeratin\n: A protein.\n"
    files = {"01-a.md": "# A\n\n#flashcards\n\nKeratin?::A protein\n", "glossary.md": glossary}
    with_glossary = make_pack(tmp_path / "one", files)
    without = make_pack(
        tmp_path / "two", {**files, "pack.toml": 'title = "T"\n[review]\nglossary_cards = false\n'}
    )
    _, out, _ = run(capsys, "check", with_glossary)
    assert out.splitlines()[-1].endswith("1 glossary term, 2 cards: 0 problems")
    _, out, _ = run(capsys, "check", without)
    assert out.splitlines()[-1].endswith("1 glossary term, 1 card: 0 problems")


def test_the_default_pack_checks_clean_and_counts_its_cards(
    capsys: pytest.CaptureFixture[str],
) -> None:
    pack = load_pack(CONTENT)
    cards, terms = len(pack.cards()), len(pack.glossary)
    assert cards > terms >= 35
    code, out, err = run(capsys, "check")
    assert (code, err) == (0, "")
    assert out.splitlines()[-1].endswith(f", {terms} glossary terms, {cards} cards: 0 problems")


# ----------------------------------------------------------------- reader --help
def test_help_names_every_subcommand(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    for command in ("reader check", "reader cards", "reader export", "reader review"):
        assert command in out, command
    assert "--anki FILE.apkg" in out and "--tsv FILE" in out
