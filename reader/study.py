"""A pack's cards together with the user's review state and settings.

What the review screen, the outline's due counts, the header, the progress view and
`reader cards` all ask, answered in one place so they agree: which cards are due now
(reviews due, then new cards within today's limit, in reading order), how many per
chapter, what each rating would give. No Textual here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from reader.cards import Card, CardSet
    from reader.config import UserConfig
    from reader.pack import Pack, Section
    from reader.review import CardProgress, Counts, ReviewSettings, ReviewState, ReviewStore
    from reader.review import Scheduler as ReviewScheduler

__all__ = [
    "LEARN_AHEAD",
    "RATING_NAMES",
    "ReviewRound",
    "Study",
    "chapter_of",
    "describe_when",
    "local_now",
]

#: A card falling due again within this is shown again before the review ends (Anki's
#: "learn ahead limit").
LEARN_AHEAD = timedelta(minutes=20)
RATING_NAMES = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}


def local_now() -> datetime:
    """Now, aware of the local time zone: "today" is the reader's own calendar day."""
    return datetime.now().astimezone()


def chapter_of(section: Section) -> Section:
    """The top-level section a section belongs to."""
    while section.parent is not None:
        section = section.parent
    return section


def _descendants(section: Section) -> set[str]:
    ids = {section.id}
    stack = list(section.children)
    while stack:
        child = stack.pop()
        ids.add(child.id)
        stack.extend(child.children)
    return ids


class Study:
    """One pack's study: its cards (found once), the review store and the scheduler."""

    def __init__(
        self,
        pack: Pack,
        store: ReviewStore,
        settings: ReviewSettings,
        messages: list[str],
        *,
        fuzzing: bool | None = None,
        cache_dir: Path | None = None,
        write_cache: bool = True,
    ) -> None:
        """`cache_dir`: where the pack's cards are cached (None: found every time);
        `write_cache` False reads the cache only (restricted mode writes nothing else)."""
        self.pack = pack
        self.store = store
        self.settings = settings
        #: What could not be used in the settings (shown once, never fatal).
        self.messages = messages
        self._fuzzing = fuzzing
        self._scheduler: ReviewScheduler | None = None
        self._state: ReviewState | None = None
        self._cards: CardSet | None = None
        self.cache_dir, self.write_cache = cache_dir, write_cache

    @classmethod
    def open(
        cls,
        pack: Pack,
        *,
        state_dir: Path | None = None,
        enabled: bool = True,
        fuzzing: bool | None = None,
        cache_dir: Path | None = None,
        write_cache: bool = True,
        config: UserConfig | None = None,
    ) -> Study:
        """The pack's study with the user's settings over the pack's; never raises for
        I/O (a store that cannot save keeps state in memory and says so once).

        The user's review settings: config.toml's `[review]` over an older settings.toml's.
        `config`: the user's config already loaded (the app's, whose one notice told its
        problems); None reads it here, and its `[review]` problems join `messages`.
        """
        from reader.review import ReviewSettings, ReviewStore, load_user_settings

        user, messages = load_user_settings()
        if config is None:
            from reader.config import load_config

            config = load_config()
            messages = [*messages, *config.review_problems]
        settings, more = ReviewSettings.from_tables(
            pack.manifest.get("review"), user.get("review"), config.review or None
        )
        store = ReviewStore.open(pack.root, pack.title, state_dir=state_dir, enabled=enabled)
        return cls(
            pack,
            store,
            settings,
            [*messages, *more],
            fuzzing=fuzzing,
            cache_dir=cache_dir,
            write_cache=write_cache,
        )

    # ------------------------------------------------------------------ cards
    @property
    def cards(self) -> CardSet:
        """The pack's cards (from the cache when the pack is unchanged), the derived
        kinds the settings leave on."""
        if self._cards is None:
            from reader.cards import CardSet, cached_pack_cards

            every = cached_pack_cards(self.pack, self.cache_dir, write=self.write_cache)
            left_out = set()
            if not self.settings.glossary_cards:
                left_out.add("glossary")
            if not self.settings.comparison_cards:
                left_out.add("comparison")
            if left_out:
                kept = [card for card in every.cards if card.kind not in left_out]
                every = CardSet(kept, every.problems)
            self._cards = every
        return self._cards

    def cards_in(self, section_ids: set[str] | None) -> list[Card]:
        """The cards of these sections (None: the whole pack), in reading order."""
        cards = self.cards.cards
        if section_ids is None:
            return list(cards)
        return [card for card in cards if card.section_id in section_ids]

    def scope(self, section: Section, *, chapter: bool = False) -> set[str]:
        """The section ids "review this section" covers (the section and those under
        it), or "review this chapter" (its top-level section and everything under it)."""
        return _descendants(chapter_of(section) if chapter else section)

    # ------------------------------------------------------------------ state
    @property
    def state(self) -> ReviewState:
        if self._state is None:
            self._state = self.store.load()
        return self._state

    def reload(self) -> None:
        """Read the state again (another session may have reviewed meanwhile)."""
        self._state = self.store.load()

    @property
    def scheduler(self) -> ReviewScheduler:
        if self._scheduler is None:
            from reader.review import Scheduler

            self._scheduler = Scheduler(self.settings, fuzzing=self._fuzzing)
        return self._scheduler

    def progress(self, card: Card) -> CardProgress | None:
        return self.state.get(card.id)

    # ------------------------------------------------------------------ what is due
    def queue(
        self,
        section_ids: set[str] | None = None,
        now: datetime | None = None,
        *,
        learn_ahead: timedelta = timedelta(0),
    ) -> list[Card]:
        """What a review started now shows: due reviews, then today's new cards."""
        from reader.review import due_queue

        moment = now or local_now()
        cards = self._unburied(self.cards_in(section_ids), moment)
        by_id = {card.id: card for card in cards}
        ids = due_queue(list(by_id), self.state, self.settings, moment, learn_ahead=learn_ahead)
        return [by_id[card_id] for card_id in ids]

    def _unburied(self, cards: list[Card], now: datetime) -> list[Card]:
        """The cards without new siblings held back till tomorrow, as Anki buries them: a
        new card whose note (the other way of a `:::` card, another cloze of the
        paragraph) was reviewed today, or comes earlier among the new cards, waits."""
        from reader.review import study_day

        state = self.state
        today = study_day(now)
        reviewed_today = {
            card.note
            for card in cards
            if (progress := state.get(card.id)) is not None
            and study_day(progress.last_review, now.tzinfo) == today
        }
        kept, new_notes = [], set()
        for card in cards:
            if state.get(card.id) is None:
                if card.note in reviewed_today or card.note in new_notes:
                    continue
                new_notes.add(card.note)
            kept.append(card)
        return kept

    def counts(self, section_ids: set[str] | None = None, now: datetime | None = None) -> Counts:
        from reader.review import summary

        ids = [card.id for card in self.cards_in(section_ids)]
        return summary(ids, self.state, self.settings, now or local_now())

    def due_now(self, now: datetime | None = None) -> int:
        """Cards a review of the whole pack would show now (the header's count)."""
        return len(self.queue(None, now))

    def due_by_chapter(self, now: datetime | None = None) -> dict[str, int]:
        """Due cards (today's new ones included) by top-level section id: the pack's
        queue split, so the outline's counts add up to the header's."""
        counts: dict[str, int] = {}
        for card in self.queue(None, now):
            section = self.pack.get(card.section_id) if card.section_id else None
            if section is not None:
                top = chapter_of(section).id
                counts[top] = counts.get(top, 0) + 1
        return counts

    def forecast(
        self, section_ids: set[str] | None = None, now: datetime | None = None
    ) -> list[int]:
        """Reviewed cards falling due on each of the next 14 days, today first."""
        from reader.review import forecast

        ids = [card.id for card in self.cards_in(section_ids)]
        return forecast(ids, self.state, now or local_now(), 14)

    def next_due(self, section_ids: set[str] | None = None) -> datetime | None:
        from reader.review import next_due

        ids = [card.id for card in self.cards_in(section_ids)]
        return next_due(ids, self.state)

    # ------------------------------------------------------------------ reviewing
    def preview(self, card: Card, now: datetime) -> dict[int, timedelta]:
        """The interval each rating would give the card now (shown on the keys)."""
        return self.scheduler.preview(self.progress(card), now, card_id=card.id)

    def rate(self, card: Card, rating: int, now: datetime, elapsed_ms: int | None) -> CardProgress:
        """Rate the card, save it (re-read under the lock first), keep the new state."""
        progress = self.store.rate(card.id, rating, now, elapsed_ms, self.scheduler)
        self.reload()
        return progress


class ReviewRound:
    """One review's queue and tally, the same in the app's review screen and in plain
    mode: the cards in order, and a card still learning that falls due again within
    LEARN_AHEAD joins the end, so it comes back before the review ends."""

    def __init__(self, study: Study, cards: list[Card]) -> None:
        self.study = study
        self.queue = list(cards)
        self.position = 0
        self.reviewed = 0
        self.ratings = dict.fromkeys(RATING_NAMES, 0)

    @property
    def card(self) -> Card | None:
        return self.queue[self.position] if self.position < len(self.queue) else None

    @property
    def finished(self) -> bool:
        return self.position >= len(self.queue)

    def left(self) -> tuple[int, int, int]:
        """The cards still to show, as Anki counts them: new, learning, due reviews."""
        new = learning = due = 0
        for card in dict.fromkeys(self.queue[self.position :]):
            progress = self.study.progress(card)
            if progress is None:
                new += 1
            elif progress.state == "review":
                due += 1
            else:
                learning += 1
        return new, learning, due

    def rate(self, rating: int, now: datetime, elapsed_ms: int | None) -> None:
        """Rate the card on show and move on; a card due again soon joins the end."""
        card = self.card
        if card is None:
            return
        progress = self.study.rate(card, rating, now, elapsed_ms)
        self.reviewed += 1
        self.ratings[rating] += 1
        if progress.state != "review" and progress.due - now <= LEARN_AHEAD:
            self.queue.append(card)
        self.position += 1


def describe_when(due: datetime, now: datetime) -> str:
    """A due time as a person says it ("in 8 min", "in 3 h (14:05)", "tomorrow", "in 5
    days"): the same words in a review's summary, the header's hint and plain mode."""
    seconds = (due - now).total_seconds()
    if seconds <= 60:
        return "now"
    if seconds < 3600:
        return f"in {round(seconds / 60)} min"
    if seconds < 86400:
        local = due.astimezone(now.tzinfo)
        return f"in {round(seconds / 3600)} h ({local:%H:%M})"
    days = (due.astimezone(now.tzinfo).date() - now.date()).days
    return "tomorrow" if days == 1 else f"in {days} days"
