"""Bugs found by reviewing issue 19 (self-test cards) in the app, as a student reviewing
over SSH meets them. Each test fails until its bug is fixed.

Every pack here is written by the test (the default pack is being edited by others), the
review state lives in a temporary folder, and fuzzing is off. The core findings are in
tests/unit/test_review_findings.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cards_ready as ready
from conftest import document, visible_lines, wait_rendered, wait_until
from textual.pilot import Pilot

from reader.pack import load_pack
from reader.review import ReviewStore
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.review import ReviewScreen
from reader.ui.study_controller import StudyController
from reader.ui.widgets.card_face import CardFace

SIZE = (80, 24)


@pytest.fixture(autouse=True)
def _no_fuzz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StudyController, "FUZZING", False)


def write_pack(folder: Path, files: dict[str, str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def studying(tmp_path: Path, files: dict[str, str], **options: bool) -> ReaderApp:
    """The reader on a pack of `files`, its state in tmp_path/state, no read ticks."""
    pack = load_pack(write_pack(tmp_path / "pack", files))
    app = create_app(pack, state_dir=tmp_path / "state", **options)
    app.READ_DWELL = 3600
    return app


async def review_shown(pilot: Pilot, app: ReaderApp) -> ReviewScreen:
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, ReviewScreen) and bool(app.screen.query("#review-card")),
        what="the review",
    )
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    await wait_rendered(pilot, card_view(screen))
    return screen


def card_view(screen: ReviewScreen) -> CardFace:
    return screen.query_one("#review-card", CardFace)


async def press_and_draw(pilot: Pilot, screen: ReviewScreen, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    await wait_rendered(pilot, card_view(screen))


def toasts(app: ReaderApp) -> list[str]:
    """The notifications the reader can see now, on the screen on top."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


# --------------------------------------------------------------------- 2. the answer
async def _answer_comes_into_view(
    tmp_path: Path, size: tuple[int, int], question: str, answer: str
) -> None:
    app = studying(tmp_path, {"notes.md": f"# Notes\n\n#flashcards\n\n{question}\n?\n{answer}\n"})
    async with app.run_test(size=size) as pilot:
        await ready(pilot, app)
        await pilot.press("r")
        screen = await review_shown(pilot, app)
        first_words = question.split("\n")[0][:24]  # a long line wraps
        assert any(first_words in line for line in visible_lines(card_view(screen)))
        await press_and_draw(pilot, screen, "space")
        assert answer in "\n".join(card_view(screen).plain_lines()), "the answer is drawn"
        await pilot.pause(0.2)
        shown = visible_lines(card_view(screen))
        assert any(answer in line for line in shown), (
            f"space showed the rating keys but the answer is off screen at {size}: "
            f"the card's visible lines are {shown}"
        )


async def test_space_brings_the_answer_into_view_on_a_small_terminal(tmp_path: Path) -> None:
    """A student on a phone's SSH client (40x12): the card's box is four rows, the
    question takes the first two, and space (reader/ui/screens/review.py `action_reveal`
    → `_show_card`) redraws the card with the rule and answer below without scrolling:
    the rating keys appear, the answer does not. Anki scrolls to the answer."""
    await _answer_comes_into_view(tmp_path, (40, 12), "Which drug blocks IL-4?", "DUPILUMAB")


async def test_space_brings_the_answer_into_view_under_a_long_question(tmp_path: Path) -> None:
    """At 80x24 a question of a dozen lines (a clinical vignette) fills the box: after
    space the answer is below it, unseen, and nothing (no scrollbar) says it is there."""
    vignette = "\n".join(
        f"Vignette line {number}: a patient with itchy, dry skin on the flexures since infancy."
        for number in range(14)
    )
    await _answer_comes_into_view(tmp_path, SIZE, vignette, "ATOPIC DERMATITIS")


# --------------------------------------------------------------------- 3. the summary
async def test_the_summary_never_promises_cards_that_r_will_not_show(tmp_path: Path) -> None:
    """A pack of two-way cards (`Q:::A`). The review shows each note's first direction
    (the other is buried till tomorrow, as in Anki); rated Easy, the review finishes. The
    summary then says "Still due now: 2 (new cards within today's limit included): r
    reviews them", because `_next_due_line` counts `study.counts().to_review`, which
    ignores burying, while `r` (`study.queue`) shows "Nothing is due in the pack now"
    followed by the same "Still due now: 2" line. The header says "0 due"."""
    files = {
        "notes.md": "# Notes\n\n#flashcards\n\n"
        "What is IgE?:::An antibody class\n\nWhat is IL-4?:::A cytokine\n"
    }
    app = studying(tmp_path, files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("r")
        screen = await review_shown(pilot, app)
        assert screen.session.total == 2, "one direction of each note today"
        for _ in range(2):
            await press_and_draw(pilot, screen, "space", "4")
        summary = "\n".join(card_view(screen).plain_lines())
        assert "Reviewed 2 cards" in summary, summary
        study = app.study.ensure()
        assert study.queue() == [], "r would show nothing now"
        assert "Still due now" not in summary, summary
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the reading screen")
        await pilot.press("r")
        again = await review_shown(pilot, app)
        shown = "\n".join(card_view(again).plain_lines())
        assert "Nothing is due" in shown
        assert "Still due now" not in shown, f"contradicts itself: {shown!r}"


# --------------------------------------------------------------------- 5. `o`
async def test_o_shows_the_card_itself_not_the_top_of_a_long_section(tmp_path: Path) -> None:
    """`o` (reader/ui/study_controller.py `open_source`) opens the card's section at its
    top (`open_section(card.section_id)`, no scroll to `card.line`). In the default pack
    36 glossary cards live in the Glossary section (98 terms): `o` on "Define:
    Tapinarof" shows Abrocitinib and Alarmin, and the student must hunt for the card.
    Expected: the card's question on screen."""
    filler = "\n\n".join(
        f"Paragraph {number} of background reading about the skin barrier." for number in range(60)
    )
    files = {"notes.md": f"# Notes\n\n#flashcards\n\n{filler}\n\nDeep question here?::DEEP\n"}
    app = studying(tmp_path, files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("r")
        screen = await review_shown(pilot, app)
        assert screen.session.card is not None
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen is app.main, what="the reading screen")
        await wait_rendered(pilot, document(app))
        assert "Deep question here?" in "\n".join(document(app).plain_lines())
        await pilot.pause(0.3)
        await wait_until(
            pilot,
            lambda: any("Deep question here?" in line for line in visible_lines(document(app))),
            2.0,
            lambda: f"the card on screen after o; the screen shows {visible_lines(document(app))}",
        )


# --------------------------------------------------------------------- 6. Esc after `o`
async def test_escape_closes_the_comparison_before_it_resumes_the_review(tmp_path: Path) -> None:
    """After `o` the reader reads; for a comparison card the natural next key is `c`,
    whose overlay says "c or Esc closes". But `action_back_out` (reader/ui/app.py) asks
    the study controller to resume first, so Esc brings the review back over the still
    open comparison (it is still open when the review ends). The README: "Esc: close
    whatever is open: comparison, search, overlay". Expected: Esc closes the overlay; the
    next Esc resumes the review. (A search left active and the narrow sidebar overlay
    lose their Esc the same way.)"""
    files = {
        "a-notes.md": "# Notes\n\n#flashcards\n\nWhat is the first letter?::Alpha\n",
        "b-compare.md": "# Compare\n\n<details>\n<summary>Alpha vs beta</summary>\n\n"
        "| Feature | Alpha | Beta |\n|---|---|---|\n| Letter | First | Second |\n\n</details>\n",
    }
    app = studying(tmp_path, files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert app.pack.comparison_id is not None
        await pilot.press("r")
        screen = await review_shown(pilot, app)
        card = screen.session.card
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen is app.main, what="the reading screen")
        await pilot.press("c")
        comparison = app.main.comparison
        await wait_until(
            pilot,
            lambda: comparison is not None and comparison.has_class("-open"),
            what="the comparison",
        )
        await pilot.press("escape")
        await pilot.pause(0.2)
        assert app.screen is app.main, "Esc resumed the review over the open comparison"
        assert not comparison.has_class("-open"), "Esc left the comparison open"
        await pilot.press("escape")
        back = await review_shown(pilot, app)
        assert back.session.card is card


# --------------------------------------------------------------------- 7. notices
async def test_reader_review_says_when_reviews_cannot_be_saved(tmp_path: Path) -> None:
    """README: "If nothing can be saved (read-only or missing HOME), the reader runs
    anyway and says so once." With `reader review` and a state folder that cannot be
    written, the "Review state will not be saved" notice is given (StudyController._take)
    just before the review screen mounts, and `ReviewScreen.on_mount` calls
    `clear_notifications()`: the student sees only "Reading state will not be saved",
    reviews a whole session and loses every rating without a word."""
    state = tmp_path / "state"
    state.mkdir()
    (state / "packs").write_text("not a folder", encoding="utf-8")
    app = studying(tmp_path, {"notes.md": "# Notes\n\n#flashcards\n\nQ?::A\n"}, start_review=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await review_shown(pilot, app)
        await wait_until(
            pilot,
            lambda: any("Review state will not be saved" in toast for toast in toasts(app)),
            3.0,
            lambda: f"the review-state notice; the toasts on screen are {toasts(app)}",
        )


async def test_reader_review_says_at_once_that_a_damaged_review_file_was_set_aside(
    tmp_path: Path,
) -> None:
    """A damaged `<pack>.cards.json` is set aside and "you are told once". With `reader
    review` the file is set aside while the first counts are made
    (`StudyController.ensure` → `_take` took the notices before the state was read), so
    the notice waits in the store until the first rating (`action_rate`); a student who
    looks and quits is never told that the schedule was moved away."""
    files = {"notes.md": "# Notes\n\n#flashcards\n\nQ?::A\n"}
    pack_dir = write_pack(tmp_path / "pack", files)
    pack = load_pack(pack_dir)
    store = ReviewStore.open(pack.root, pack.title, state_dir=tmp_path / "state")
    assert store.path is not None
    store.path.write_text('{"version":1,"cards":{"x":', encoding="utf-8")
    app = create_app(pack, state_dir=tmp_path / "state", start_review=True)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await review_shown(pilot, app)
        assert screen.session.reviewed == 0
        assert list(store.path.parent.glob("*.cards.json.bad-*")), "the file was set aside"
        await wait_until(
            pilot,
            lambda: any("could not be used" in toast for toast in toasts(app)),
            3.0,
            lambda: f"the set-aside notice before any rating; the toasts are {toasts(app)}",
        )


# --------------------------------------------------------------------- 8. ASCII
async def test_the_review_draws_ascii_on_the_linux_console(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """README: on the Linux console and where the locale is not UTF-8 the reader draws
    its marks in ASCII (reader/glyphs.py: `›` and the like "draw as diamonds or
    nothing"). The review screen hard-codes "  ·  " in its title
    (`ReviewScreen._show_card`), shows the breadcrumb's " › ", and a cloze's gap is
    "[…]" (reader/cards.py `_hidden_mark`), whatever the glyphs. An all-ASCII pack
    shows all three."""
    monkeypatch.setenv("TERM", "linux")
    files = {
        "notes.md": "# Notes\n\n#flashcards\n\n## Part\n\nThe drug ==dupilumab== blocks IL-4.\n"
    }
    app = studying(tmp_path, files)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert app.has_class("-ascii")
        await pilot.press("r")
        screen = await review_shown(pilot, app)
        shown = {
            "title": str(screen.query_one("#review-title").render()),
            "place": str(screen.query_one("#review-place").render()),
            "card": "\n".join(card_view(screen).plain_lines()),
        }
        assert "blocks IL-4" in shown["card"]
        not_ascii = {
            where: sorted({char for char in text if not char.isascii()})
            for where, text in shown.items()
        }
        assert not {where: chars for where, chars in not_ascii.items() if chars}, not_ascii
