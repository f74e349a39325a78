"""Self-test cards in the app (issue 19): a whole review driven as a reader would (reveal,
rate, `o` to the card's section and Esc back, q for the summary), the review of a section
or a chapter, the due counts in the outline and the header, and cards in the reading
pane (the answer folded under "Show answer", opened by Enter or by a search match).

Every app keeps its review state in a temporary folder (`create_app(pack,
state_dir=tmp)`), and fuzzing is off, so the intervals are the ones FSRS gives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import fsrs
import pytest
from conftest import (
    CONTENT,
    document,
    header,
    record_notifications,
    wait_for_index,
    wait_rendered,
    wait_until,
)
from conftest import (
    cards_ready as ready,
)
from textual.pilot import Pilot

from reader.pack import Pack, load_pack
from reader.review import ReviewState, ReviewStore, format_interval
from reader.study import chapter_of
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.review import ReviewScreen, ReviewSession
from reader.ui.study_controller import StudyController
from reader.ui.widgets.card_face import CardFace
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.outline import Outline

SIZE = (80, 24)
#: The first chapter's self-test section, and the first card of the pack (in it).
CHECK_YOURSELF = "check-yourself"
FIRST_QUESTION = "Atopic"
FIRST_ANSWER = "Having an inherited tendency to develop allergic conditions"
#: A word of the default pack found only in one card's answer (chapter 1, third card).
ANSWER_ONLY_WORD = "cracked"


@pytest.fixture(autouse=True)
def _no_fuzz(monkeypatch: pytest.MonkeyPatch) -> None:
    """Intervals exactly as FSRS gives them: what the rating keys show is testable."""
    monkeypatch.setattr(StudyController, "FUZZING", False)


def studying(state_dir: Path, pack: Pack | None = None, **options: bool) -> ReaderApp:
    """The reader on the default pack (or `pack`), keeping its state in `state_dir`, with
    no read tick coming on its own."""
    app = create_app(pack or load_pack(CONTENT), state_dir=state_dir, **options)
    app.READ_DWELL = 3600
    return app


def stored(app: ReaderApp, state_dir: Path) -> ReviewState:
    """The review state as a second reader of the same folder would find it."""
    return ReviewStore.open(app.pack.root, app.pack.title, state_dir=state_dir).load()


def review_screen(app: ReaderApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen), f"expected the review, got {screen!r}"
    return screen


async def start_review(pilot: Pilot, app: ReaderApp, *keys: str) -> ReviewScreen:
    """Press `keys` (default r) and wait for the review to show its first card."""
    await pilot.press(*(keys or ("r",)))
    return await review_shown(pilot, app)


async def review_shown(pilot: Pilot, app: ReaderApp) -> ReviewScreen:
    """Wait for the review screen to be up and its card (or summary) drawn."""
    await wait_until(
        pilot,
        lambda: isinstance(app.screen, ReviewScreen) and bool(app.screen.query("#review-card")),
        what="the review",
    )
    screen = review_screen(app)
    await wait_rendered(pilot, card_view(screen))
    return screen


def card_view(screen: ReviewScreen) -> CardFace:
    return screen.query_one("#review-card", CardFace)


def card_text(screen: ReviewScreen) -> str:
    return "\n".join(card_view(screen).plain_lines())


def keys_line(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-keys").render())


def place_line(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-place").render())


def title_line(screen: ReviewScreen) -> str:
    return str(screen.query_one("#review-title").render())


async def press_and_draw(pilot: Pilot, screen: ReviewScreen, *keys: str) -> None:
    await pilot.press(*keys)
    await pilot.pause()
    await wait_rendered(pilot, card_view(screen))


def new_card_intervals() -> dict[int, str]:
    """What fsrs itself gives a new card for each rating with the default learning
    steps (1m, 10m) and no fuzz, in the keys' short form."""
    scheduler = fsrs.Scheduler(
        learning_steps=(timedelta(minutes=1), timedelta(minutes=10)), enable_fuzzing=False
    )
    now = datetime(2030, 1, 1, 12, tzinfo=UTC)
    shown = {}
    for rating in (1, 2, 3, 4):
        card, _ = scheduler.review_card(fsrs.Card(), fsrs.Rating(rating), now)
        shown[rating] = format_interval(card.due - now)
    return shown


def due_in_header(app: ReaderApp) -> int:
    """The header's "N due" as a number."""
    status = header(app).status
    words = status.split()
    assert "due" in words, f"no due count in the header: {status!r}"
    return int(words[words.index("due") - 1])


def due_in_outline(app: ReaderApp, chapter_id: str) -> int:
    """The "N due" beside a top-level section in the outline (0 when there is none)."""
    label = app.main.query_one(Outline)._section_nodes[chapter_id].label.plain
    words = label.split()
    return int(words[-2]) if words[-1] == "due" else 0


# ---------------------------------------------------------------------- a whole review
async def test_r_shows_the_first_card_and_space_shows_its_answer_and_the_rating_keys(
    tmp_path: Path,
) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        first = screen.session.card
        assert first is not None and first.question == FIRST_QUESTION
        shown = card_text(screen)
        assert FIRST_QUESTION in shown and FIRST_ANSWER not in shown, shown
        assert "What eczema is › Check yourself" in place_line(screen), "the card's place"
        assert "space" in keys_line(screen) and "Again" not in keys_line(screen)
        await press_and_draw(pilot, screen, "space")
        shown = card_text(screen)
        assert FIRST_QUESTION in shown and FIRST_ANSWER in shown, shown
        keys = keys_line(screen)
        intervals = new_card_intervals()
        assert intervals[1] == "1m" and intervals[3] == "10m", intervals  # the default steps
        for rating, name in {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}.items():
            assert f"{rating} {name} {intervals[rating]}" in keys, (rating, keys)
        assert keys.index("1 Again") < keys.index("2 Hard") < keys.index("3 Good")
        assert keys.index("3 Good") < keys.index("4 Easy")


async def test_enter_also_shows_the_answer(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        await press_and_draw(pilot, screen, "enter")
        assert FIRST_ANSWER in card_text(screen)
        assert "3 Good 10m" in keys_line(screen)


async def test_a_rating_before_the_answer_is_shown_rates_nothing_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        seen = record_notifications(app, monkeypatch)
        first = screen.session.card
        for key in "1234":
            await press_and_draw(pilot, screen, key)
            assert screen.session.card is first, f"{key} moved on before the answer"
            assert FIRST_ANSWER not in card_text(screen)
        assert screen.session.reviewed == 0
        assert stored(app, tmp_path).cards == {}, "nothing was written"
        assert len(seen) == 4, seen
        assert all("answer" in message.lower() for _, message in seen), seen


async def test_good_moves_on_and_saves_the_card_as_learning_due_in_ten_minutes(
    tmp_path: Path,
) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        first = screen.session.card
        second = screen.session.queue[1]
        assert first is not None and second.id != first.id
        await press_and_draw(pilot, screen, "space")
        before = datetime.now(UTC)
        await press_and_draw(pilot, screen, "3")
        after = datetime.now(UTC)
        assert screen.session.card is second
        shown = card_text(screen)
        # Not the first's reversed twin: a new sibling waits till tomorrow, as in Anki.
        assert second.note != first.note
        assert second.question.split("\n")[0][:30] in shown and FIRST_ANSWER not in shown, shown
        assert "1 done" in title_line(screen)
        progress = stored(app, tmp_path).get(first.id)
        assert progress is not None, "the rating was saved in the state folder"
        assert progress.state == "learning" and progress.reps == 1
        ten = timedelta(minutes=10)
        assert before + ten - timedelta(seconds=1) <= progress.due <= after + ten, (
            before,
            progress.due,
        )
        log = ReviewStore.open(app.pack.root, app.pack.title, state_dir=tmp_path).read_log()
        assert [(entry.card, entry.rating) for entry in log] == [(first.id, 3)]


async def test_o_reads_the_cards_section_and_escape_comes_back_to_the_same_card(
    tmp_path: Path,
) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        await press_and_draw(pilot, screen, "space", "3")  # to the second card
        card = screen.session.card
        assert card is not None
        question = card_text(screen)
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen is app.main, what="the reading screen")
        await wait_until(
            pilot, lambda: app.current is not None and app.current.id == card.section_id
        )
        await wait_rendered(pilot, document(app))
        assert "Check yourself" in "\n".join(document(app).plain_lines())
        await pilot.press("escape")
        back = await review_shown(pilot, app)
        assert back.session.card is card, "the same card"
        assert card_text(back) == question, "its question, answer hidden again"
        assert "1 done" in title_line(back), "the review's tally is kept"


async def test_the_counts_are_current_while_reading_a_cards_section(tmp_path: Path) -> None:
    """A card rated, then `o`: the header and the outline no longer count it as due."""
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_until(pilot, lambda: "due" in header(app).status, what="the header's count")
        due_before = due_in_header(app)
        chapter_before = due_in_outline(app, "what-eczema-is")
        screen = await start_review(pilot, app)
        await press_and_draw(pilot, screen, "space", "3")
        await pilot.press("o")
        await wait_until(pilot, lambda: app.screen is app.main, what="the reading screen")
        await wait_until(
            pilot,
            lambda: due_in_header(app) == due_before - 1,
            what=lambda: f"{due_before - 1} due, header says {header(app).status!r}",
        )
        assert due_in_outline(app, "what-eczema-is") == chapter_before - 1


async def test_q_shows_the_summary_and_enter_closes_it_with_fewer_due(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_until(pilot, lambda: "due" in header(app).status, what="the header's count")
        due_before = due_in_header(app)
        chapter_before = due_in_outline(app, "what-eczema-is")
        screen = await start_review(pilot, app)
        assert screen.session.card is not None
        assert screen.session.card.section_id == CHECK_YOURSELF, "both cards from chapter 1"
        await press_and_draw(pilot, screen, "space", "3")
        await press_and_draw(pilot, screen, "space", "1")
        await press_and_draw(pilot, screen, "q")
        summary = card_text(screen)
        assert "Reviewed 2 cards" in summary, summary
        assert "Again 1, Hard 0, Good 1, Easy 0" in summary, summary
        assert "Enter" in keys_line(screen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the summary to close")
        # Two new cards were seen today: two fewer in today's allowance.
        await wait_until(
            pilot,
            lambda: due_in_header(app) == due_before - 2,
            what=lambda: f"{due_before - 2} due, header says {header(app).status!r}",
        )
        assert due_in_outline(app, "what-eczema-is") == chapter_before - 2


async def test_escape_ends_the_review_like_q(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        await press_and_draw(pilot, screen, "escape")
        assert "Reviewed 0 cards" in card_text(screen)
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the summary to close")


async def test_a_section_review_runs_to_its_end_and_again_brings_a_card_back(
    tmp_path: Path,
) -> None:
    """Again (1 minute) shows the card once more at the end of this review; Easy does
    not; the last rating ends on the summary, where the rating keys do nothing."""
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.open_section("check-yourself-3")
        await wait_until(pilot, lambda: app.current.id == "check-yourself-3")
        await app.run_action("review_section")
        screen = await review_shown(pilot, app)
        cards = list(screen.session.queue)
        assert len(cards) >= 3, cards
        forgotten = cards[0]
        await press_and_draw(pilot, screen, "space", "1")
        for _ in cards[1:]:
            await press_and_draw(pilot, screen, "space", "4")
        assert screen.session.card is forgotten, "the card rated Again comes back last"
        assert forgotten.question.split()[0] in card_text(screen)
        await press_and_draw(pilot, screen, "space", "4")
        summary = card_text(screen)
        assert "Review finished" in title_line(screen), title_line(screen)
        assert f"Reviewed {len(cards) + 1} cards" in summary, summary
        assert f"Again 1, Hard 0, Good 0, Easy {len(cards)}" in summary, summary
        await press_and_draw(pilot, screen, "3")
        assert "Review finished" in title_line(screen), "a rating key on the summary"
        assert len(stored(app, tmp_path).cards) == len(cards)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the summary to close")
        assert app.current.id == "check-yourself-3", "reading goes on where it was"


async def test_r_pressed_at_once_opens_the_review(tmp_path: Path) -> None:
    """r before the sidebar is up (and before the cards are found in the background)."""
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = await review_shown(pilot, app)
        assert screen.session.card is not None
        assert FIRST_QUESTION in card_text(screen)


async def test_the_rating_keys_stay_on_screen_for_a_long_answer_at_60x20(tmp_path: Path) -> None:
    """The narrow layout the reader supports (60x20): the card with the longest answer
    of the default pack, shown, still leaves the rating keys and intervals on screen (a
    long answer scrolls inside its box instead)."""
    app = studying(tmp_path)
    async with app.run_test(size=(60, 20)) as pilot:
        study = app.study.ensure()
        longest = max(study.cards.cards, key=lambda card: len(card.answer))
        session = ReviewSession(study, [longest], "the pack")
        session.revealed = True
        app.push_screen(ReviewScreen(session))
        screen = await review_shown(pilot, app)
        keys = screen.query_one("#review-keys")

        def where() -> str:
            return (
                f"the keys on screen: they are at rows {keys.region.y}-{keys.region.bottom - 1}"
                f" of {app.size.height} ({longest.question!r}, {len(longest.answer)} chars)"
            )

        await wait_until(
            pilot,
            lambda: keys.region.height > 0 and keys.region.bottom <= app.size.height,
            2.0,
            where,
        )


# ---------------------------------------------------------------------- scopes
async def test_review_this_section_shows_only_that_sections_cards(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        app.open_section("check-yourself-3")
        await wait_until(pilot, lambda: app.current.id == "check-yourself-3")
        await app.run_action("review_section")
        screen = await review_shown(pilot, app)
        queue = screen.session.queue
        assert queue, "the section has cards"
        assert {card.section_id for card in queue} == {"check-yourself-3"}, queue
        authored = [c for c in app.study.study.cards.cards if c.section_id == "check-yourself-3"]
        assert len(queue) == len(authored)
        assert "How eczema differs from classic autoimmunity" in place_line(screen)


async def test_review_this_chapter_takes_the_whole_top_level_section(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        chapter = app.pack.get("what-eczema-is")
        cards = app.study.study.cards.cards
        # Every card of the chapter, less the new siblings a review holds back till tomorrow
        # (the other way of a `:::` card), as Anki buries them.
        notes: set[str] = set()
        in_chapter = set()
        for c in cards:
            if chapter_of(app.pack.get(c.section_id)) is chapter and c.note not in notes:
                notes.add(c.note)
                in_chapter.add(c.id)
        subsection = chapter.children[0]  # a glossary card points here, no more
        app.open_section(subsection.id)
        await wait_until(pilot, lambda: app.current.id == subsection.id)
        await app.run_action("review_section")
        screen = await review_shown(pilot, app)
        queue = screen.session.queue
        assert queue and {card.section_id for card in queue} == {subsection.id}, queue
        await press_and_draw(pilot, screen, "q")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the summary to close")
        await app.run_action("review_chapter")
        screen = await review_shown(pilot, app)
        queue = screen.session.queue
        assert {card.id for card in queue} == in_chapter, "the chapter's cards, siblings held"
        assert {CHECK_YOURSELF, subsection.id} <= {card.section_id for card in queue}
        assert len(queue) < len(app.study.study.queue(None)), "not the whole pack's queue"


# ---------------------------------------------------------------------- when there are none
async def test_a_pack_without_cards_says_so_and_pushes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Q::A in a file that never opted in is text, not a card."""
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "notes.md").write_text(
        "# Notes\n\nWhat is a card?::Only in an opted-in file.\n", encoding="utf-8"
    )
    app = studying(tmp_path / "state", load_pack(folder))
    async with app.run_test(size=SIZE) as pilot:
        await wait_rendered(pilot, document(app))
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        seen = record_notifications(app, monkeypatch)
        depth = len(app.screen_stack)
        await pilot.press("r")
        await wait_until(pilot, lambda: seen, what="a notification")
        assert any("no self-test cards" in message for _, message in seen), seen
        await pilot.pause()
        assert app.screen is app.main and len(app.screen_stack) == depth
        assert "due" not in header(app).status


async def test_reader_review_on_a_pack_without_cards_says_so_and_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "notes.md").write_text("# Notes\n\nPlain text, no card.\n", encoding="utf-8")
    app = studying(tmp_path / "state", load_pack(folder), start_review=True)
    seen = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: seen, what="a notification")
        assert any("no self-test cards" in message for _, message in seen), seen
        await wait_until(pilot, lambda: app.current is not None, what="a section opened")
        assert app.screen is app.main and app.current.title == "Notes"
        await wait_rendered(pilot, document(app))
        assert "Plain text, no card." in document(app).plain_lines()


# ---------------------------------------------------------------------- modes and start
async def test_restricted_mode_still_reviews_and_saves_the_users_state(tmp_path: Path) -> None:
    app = studying(tmp_path, restricted=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        first = screen.session.card
        assert first is not None
        await press_and_draw(pilot, screen, "space", "3")
        assert screen.session.reviewed == 1
        progress = stored(app, tmp_path).get(first.id)
        assert progress is not None and progress.state == "learning"


async def test_start_review_opens_on_the_review_then_reading_where_it_left_off(
    tmp_path: Path,
) -> None:
    """`reader review`: the review first; the section a plain start would have opened
    (the saved place) is on the reading screen once the review is done."""
    place = "where-rashes-tend-to-appear"
    first_run = studying(tmp_path)
    async with first_run.run_test(size=SIZE) as pilot:
        await ready(pilot, first_run)
        first_run.open_section(place)
        await wait_until(pilot, lambda: first_run.current.id == place)
        await pilot.press("q")  # saves the place
    app = studying(tmp_path, start_review=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await review_shown(pilot, app)
        await wait_rendered(pilot, card_view(screen))
        assert screen.session.card is not None
        assert FIRST_QUESTION in card_text(screen)
        await press_and_draw(pilot, screen, "q")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the reading screen")
        await wait_until(
            pilot,
            lambda: app.current is not None and app.current.id == place,
            what=lambda: f"{place}, got {app.current and app.current.id}",
        )
        await wait_rendered(pilot, document(app))
        assert "Where rashes tend to appear" in "\n".join(document(app).plain_lines())


async def test_the_outline_and_the_header_show_what_is_due(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_until(pilot, lambda: "due" in header(app).status, what="the header's count")
        assert due_in_header(app) == 20, "new cards within the daily limit of 20"
        outline = app.main.query_one(Outline)
        label = outline._section_nodes["what-eczema-is"].label.plain
        assert label.startswith("What eczema is") and label.endswith(" due"), label
        chapter = app.pack.get("what-eczema-is")
        queue = app.study.study.queue(None)
        in_chapter = sum(1 for c in queue if chapter_of(app.pack.get(c.section_id)) is chapter)
        assert due_in_outline(app, "what-eczema-is") == in_chapter > 0
        by_chapter = {s.id: due_in_outline(app, s.id) for s in app.pack.top_level}
        assert sum(by_chapter.values()) == due_in_header(app), by_chapter
        assert by_chapter["glossary"] == 0, "its derived cards come after today's 20"


# ---------------------------------------------------------------------- cards in the text
async def focus_card(pilot: Pilot, view: DocumentView, limit: int = 60) -> None:
    """f until a card's "Show answer" fold has the focus (past terms and links)."""
    for _ in range(limit):
        await pilot.press("f")
        spot = view._navigator.focused_spot
        if spot is not None and spot.kind == "card":
            return
    pytest.fail("f never reached a card")


def words(view: DocumentView) -> str:
    """The drawn text as running words: line breaks, indents and an answer's bar at the
    left (`│ `) as single spaces."""
    return " ".join(" ".join(line.replace("│", " ") for line in view.plain_lines()).split())


async def open_and_render(pilot: Pilot, app: ReaderApp, section_id: str) -> DocumentView:
    app.open_section(section_id)
    await wait_until(pilot, lambda: app.current is not None and app.current.id == section_id)
    view = document(app)
    await wait_rendered(pilot, view)
    return view


async def test_f_reaches_a_cards_fold_and_enter_shows_then_hides_the_answer(
    tmp_path: Path,
) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        view = await open_and_render(pilot, app, CHECK_YOURSELF)
        lines = view.plain_lines()
        text = "\n".join(lines)
        assert any(line.startswith("Q  Atopic") for line in lines), text
        assert "Show answer" in text and FIRST_ANSWER not in text
        await focus_card(pilot, view)
        spot = view._navigator.focused_spot
        assert spot is not None
        assert "Show answer" in view.plain_lines()[spot.line], "f stops on the fold"
        await pilot.press("enter")
        await wait_until(pilot, lambda: FIRST_ANSWER in words(view), what="the answer shown")
        assert "Answer" in view.plain_lines()[spot.line] and "Show answer" not in words(view)[:200]
        assert view._navigator.focused_spot is not None
        assert view._navigator.focused_spot.kind == "card", "the fold keeps the focus"
        await pilot.press("enter")
        await wait_until(
            pilot, lambda: FIRST_ANSWER not in words(view), what="the answer hidden again"
        )
        assert "Show answer" in view.plain_lines()[spot.line]


async def test_a_search_match_inside_a_hidden_answer_shows_that_answer(tmp_path: Path) -> None:
    app = studying(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_for_index(pilot, app)
        await pilot.press("slash", *ANSWER_ONLY_WORD)
        await wait_until(
            pilot,
            lambda: app.search.query == ANSWER_ONLY_WORD and bool(app.search.hits),
            what=f"results for {ANSWER_ONLY_WORD}",
        )
        assert [hit.id for hit in app.search.hits] == [CHECK_YOURSELF]
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.id == CHECK_YOURSELF, what="the section")
        view = document(app)
        await wait_rendered(pilot, view)
        text = words(view)
        assert "Itchy, red, dry and often cracked skin" in text, text
        assert FIRST_ANSWER not in text, "an answer without the match stays hidden"


async def test_no_section_of_the_default_pack_draws_card_syntax(tmp_path: Path) -> None:
    """Every section opened and drawn: no `::`, no `?`/`??` line, no `==`, no `{{c1::`."""
    app = studying(tmp_path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        found: list[str] = []
        questions = 0
        for section in app.pack.sections:
            view = await open_and_render(pilot, app, section.id)
            for line in view.plain_lines():
                raw = [mark for mark in ("::", "==", "{{c") if mark in line]
                if raw or line.strip() in ("?", "??"):
                    found.append(f"{section.id}: {line!r}")
                questions += line.startswith("Q  ")
        assert not found, "\n".join(found)
        assert questions >= 40, f"only {questions} cards drawn as cards"


# ---------------------------------------------------------------------- snapshots
SnapCompare = Callable[..., bool]


def then(*keys_after_r: str) -> Callable[[Pilot], Awaitable[None]]:
    """Once the cards are found: r, then `keys_after_r`, then wait until nothing on
    screen is still on its way (the card drawn, no notification showing)."""

    async def run_before(pilot: Pilot) -> None:
        app: ReaderApp = pilot.app  # type: ignore[assignment]
        await ready(pilot, app)
        screen = await start_review(pilot, app)
        for key in keys_after_r:
            await press_and_draw(pilot, screen, key)
        await wait_until(pilot, lambda: not app.screen.query("Toast"), what="notices to go")
        await pilot.pause()

    return run_before


def test_review_answer_shown_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """The first card with its answer shown: its place, question, answer, the rating
    keys with the interval each gives a new card."""
    assert snap_compare(studying(tmp_path), terminal_size=SIZE, run_before=then("space"))


def test_review_summary_80x24(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """After two cards rated Good and Again, q: how many, the tally, what is due now."""
    app = studying(tmp_path)
    keys = ("space", "3", "space", "1", "q")
    assert snap_compare(app, terminal_size=SIZE, run_before=then(*keys))
