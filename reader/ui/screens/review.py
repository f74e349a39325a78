"""A review: the due cards one at a time, rated 1–4, scheduled by FSRS.

The card's question is drawn by the reading pane's pipeline (`CardFace`: code and tables
as in the text), under its section path; space or Enter shows the answer under a rule, and the
four rating keys appear with the interval each would give, as Anki shows them. A card
rated Again (or still learning) comes back at the end of the review if it falls due
within `LEARN_AHEAD`. `o` leaves the review for the card's section (the app keeps the
review; Esc comes back to the same card); q or Esc ends it with a summary.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from reader.glyphs import current as current_glyphs
from reader.render.blocks import RuleBlock
from reader.sanitize import sanitize_line
from reader.study import LEARN_AHEAD, RATING_NAMES, ReviewRound, describe_when
from reader.ui.styles import use_stylesheet
from reader.ui.widgets.card_face import CardFace

if TYPE_CHECKING:
    from reader.cards import Card
    from reader.study import Study

__all__ = ["LEARN_AHEAD", "ReviewScreen", "ReviewSession"]

#: Each rating's binding id (config.toml's [keymap] may move its key).
RATING_IDS = {1: "review.again", 2: "review.hard", 3: "review.good", 4: "review.easy"}
#: The review's widest (its parts' max-width) and the columns around the card's text:
#: the screen's padding (1 + 1), the card's border (1 + 1) and padding (2 + 2).
REVIEW_WIDTH = 110
REVIEW_CHROME = 8


class ReviewSession(ReviewRound):
    """One review's queue and tally (see `ReviewRound`), with what the screen shows of
    it; kept by the app while the reader looks at a card's section, so the review
    resumes on the same card."""

    def __init__(self, study: Study, cards: list[Card], scope: str) -> None:
        super().__init__(study, cards)
        self.scope = scope  # "the pack", "this section", "this chapter": for the summary
        self.revealed = False
        self.total = len(cards)

    def rate(self, rating: int, now: datetime, elapsed_ms: int | None) -> None:
        super().rate(rating, now, elapsed_ms)
        self.revealed = False


class ReviewScreen(Screen[None]):
    """See the module docstring."""

    BINDINGS = [
        # Priority: before the app's own keys (q quits the reader, Esc backs out).
        Binding("space,enter", "reveal", "Show answer", priority=True, id="review.reveal"),
        Binding("1", "rate(1)", "Again", priority=True, id="review.again"),
        Binding("2", "rate(2)", "Hard", priority=True, id="review.hard"),
        Binding("3", "rate(3)", "Good", priority=True, id="review.good"),
        Binding("4", "rate(4)", "Easy", priority=True, id="review.easy"),
        Binding("o", "open_source", "Open the card's section", priority=True, id="review.open"),
        Binding("q,escape", "end", "End the review", priority=True, id="review.end"),
    ]

    def __init__(self, session: ReviewSession) -> None:
        super().__init__()
        use_stylesheet(self.app, "study.tcss")
        self.session = session
        self._shown_at = time.monotonic()
        self._summary = False

    def compose(self) -> ComposeResult:
        # No container: each one costs the first frame ~15 M instructions (`reader
        # review` draws this screen first); the screen itself lays the four out.
        yield Static(id="review-title")
        yield Static(id="review-place")
        yield CardFace(id="review-card")
        yield Static(id="review-keys")

    def on_mount(self) -> None:
        view = self.query_one("#review-card", CardFace)
        # The card is drawn before the first layout, at the width the stylesheet will give
        # it: waiting for the layout cost `reader review` two frames (~30 ms).
        view.width_hint = self._card_width
        if self.session.finished:
            self._show_summary()
        else:
            self._show_card()

    def _card_width(self) -> int:
        """The card's text width as study.tcss lays it out: the review at most
        REVIEW_WIDTH wide less its padding, the card's border and padding."""
        return min(self.app.size.width, REVIEW_WIDTH) - REVIEW_CHROME

    # ------------------------------------------------------------------ drawing
    def _show_card(self) -> None:
        session = self.session
        card = session.card
        if card is None:
            self._show_summary()
            return
        self._summary = False
        new, learning, due = session.left()
        glyphs = current_glyphs()
        dot = glyphs.separator
        title = Text("Review", style="bold")
        title.append(f"{dot}{new} new{dot}{learning} learning{dot}{due} to review", style="")
        title.append(f"{dot}{session.reviewed} done", style="")
        self.query_one("#review-title", Static).update(title)
        place = sanitize_line(card.breadcrumb or card.path or session.study.pack.title)
        place = place.replace(" › ", f" {glyphs.breadcrumb.strip()} ")
        kind = _KIND_NAMES.get(card.kind, "")
        self.query_one("#review-place", Static).update(
            Text.assemble((place, "bold"), (f"{dot}{kind}" if kind else "", ""))
        )
        markdown = card.question
        if session.revealed:
            markdown = f"{card.question}\n\n---\n\n{card.answer}"
        view = self.query_one("#review-card", CardFace)
        view.show(markdown, definitions=session.study.pack.definitions_of(card.path))
        view.focus()
        if session.revealed:
            self._answer_into_view()
        self._show_keys()

    def _answer_into_view(self) -> None:
        """Scroll the card so the answer shows from its rule down: under a long question,
        or in a small terminal, it would be below the box (the view scrolls no further
        than its end, so a card that fits does not move)."""
        view = self.query_one("#review-card", CardFace)
        view.render_everything()
        document = view.document
        if document is None:
            return
        for index, block in enumerate(document.blocks):
            if isinstance(block, RuleBlock) and index + 1 < len(document.blocks):
                rule, answer = document.block_start(index), document.block_start(index + 1)
                # The rule above the answer when both fit, else the answer from its top.
                fits = document.line_count - rule <= view.scrollable_content_region.height
                view.go_to_line(rule if fits else answer)
                return

    def _show_keys(self) -> None:
        from reader.ui.key_hints import key_hint

        app = self.app
        keys = Text()
        card = self.session.card
        end = key_hint(app, "review.end", "q")
        source = key_hint(app, "review.open", "o")
        if self._summary or card is None:
            keys.append("Enter", style="bold").append(" close")
        elif not self.session.revealed:
            keys.append(key_hint(app, "review.reveal", "space"), style="bold")
            keys.append(" show answer   ")
            keys.append(source, style="bold").append(" open section   ")
            keys.append(end, style="bold").append(" end")
        else:
            intervals = self.session.study.preview(card, _now())
            from reader.review import format_interval

            for rating, name in RATING_NAMES.items():
                keys.append(key_hint(app, RATING_IDS[rating], str(rating)), style="bold")
                keys.append(f" {name} ")
                keys.append(format_interval(intervals[rating]), style="italic")
                keys.append("   ")
            keys.append(source, style="bold").append(" section  ")
            keys.append(end, style="bold").append(" end")
        self.query_one("#review-keys", Static).update(keys)

    def _show_summary(self) -> None:
        """What the review did, and when the next cards fall due."""
        self._summary = True
        session = self.session
        study = session.study
        title = Text("Review finished" if session.finished else "Review ended", style="bold")
        self.query_one("#review-title", Static).update(title)
        self.query_one("#review-place", Static).update(Text(sanitize_line(study.pack.title)))
        lines = []
        if session.total == 0:
            lines.append(f"Nothing is due in {session.scope} now.")
        else:
            noun = "card" if session.reviewed == 1 else "cards"
            lines.append(f"Reviewed **{session.reviewed}** {noun} from {session.scope}.")
            tally = ", ".join(
                f"{name} {session.ratings[rating]}" for rating, name in RATING_NAMES.items()
            )
            lines.append(f"Ratings: {tally}.")
        lines.append(_next_due_line(study))
        view = self.query_one("#review-card", CardFace)
        view.show("\n\n".join(lines))
        view.focus()
        self._show_keys()

    # ------------------------------------------------------------------ keys
    def action_reveal(self) -> None:
        if self._summary:
            self.dismiss(None)
            return
        if not self.session.revealed:
            self.session.revealed = True
            self._show_card()

    def action_rate(self, rating: int) -> None:
        if self._summary:
            return
        if not self.session.revealed:
            self.notify("Show the answer first (space)", markup=False, timeout=2)
            return
        elapsed = round((time.monotonic() - self._shown_at) * 1000)
        self.session.rate(rating, _now(), elapsed)
        self._shown_at = time.monotonic()
        for notice in self.session.study.store.take_notices():
            self.notify(sanitize_line(notice), severity="warning", markup=False, timeout=8)
        self._show_card()

    def action_open_source(self) -> None:
        card = self.session.card
        if self._summary or card is None:
            return
        opener = getattr(self.app, "open_review_source", None)
        if opener is not None:
            opener(self.session, card)

    def action_end(self) -> None:
        if self._summary:
            self.dismiss(None)
        else:
            self._show_summary()


_KIND_NAMES = {
    "reversed": "reversed",
    "cloze": "cloze",
    "glossary": "from the glossary",
    "comparison": "from the comparison",
}


def _now() -> datetime:
    from reader.study import local_now

    return local_now()


def _next_due_line(study: Study) -> str:
    """ "Next card due: in 9 min (14:05)", or that nothing is scheduled yet."""
    due_now = len(study.queue())  # what `r` would show, as the header counts it
    if due_now:
        return (
            f"Still due now: **{due_now}** (new cards within today's limit "
            "included): `r` reviews them."
        )
    due = study.next_due()
    if due is None:
        return "No card is scheduled yet."
    return f"Next card due: {describe_when(due, _now())}."
