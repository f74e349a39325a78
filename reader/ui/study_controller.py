"""The app's study side: cards found off the UI thread after the first screen, the due
counts in the outline and the header, reviews and the progress view.

A review started before the cards are found (`reader review`, or `r` at once) finds them
there and then. While the reader looks at a card's section (`o` in a review), the review
is kept here and Esc on the reading screen resumes it on the same card.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.worker import Worker, WorkerState

from reader.files import PackChanged
from reader.sanitize import sanitize_line

if TYPE_CHECKING:
    from pathlib import Path

    from reader.cards import Card
    from reader.study import Study
    from reader.ui.app import ReaderApp
    from reader.ui.screens.review import ReviewSession

__all__ = ["NO_CARDS", "StudyController"]

NO_CARDS = "This pack has no self-test cards (a file tagged #flashcards holds them)"
#: Seconds between recounts of the due cards while reading.
COUNT_EVERY = 60.0


class StudyController:
    """See the module docstring."""

    #: Spread review intervals (None: as the settings say, on); tests turn it off.
    FUZZING: ClassVar[bool | None] = None

    def __init__(self, app: ReaderApp, *, state_dir: Path | None, saving: bool) -> None:
        self.app = app
        self.state_dir = state_dir
        self.saving = saving
        self.study: Study | None = None
        #: A review left for a card's section, resumed by Esc on the reading screen.
        self.suspended: ReviewSession | None = None
        self._due_label = ""  # the header's, as `refresh_counts` last found it

    # ------------------------------------------------------------------ loading
    def start_loading(self) -> None:
        """Find the cards in a worker thread (the first screen never waits for them); a
        pack that cannot hold any (no card file, glossary or comparison) loads nothing."""
        if self.study is None and self.app.pack.may_hold_cards():
            # A failure is told (on_worker_state_changed), never the end of the reader.
            self.app.run_worker(
                self._load, thread=True, group="study", name="study-cards", exit_on_error=False
            )

    def _load(self) -> Study:
        study = self._open()
        study.cards  # noqa: B018 - found here, off the UI thread
        study.state  # noqa: B018
        return study

    def _open(self) -> Study:
        from reader.study import Study

        app = self.app
        return Study.open(
            app.pack,
            state_dir=self.state_dir,
            enabled=self.saving,
            cache_dir=self._cache_dir(),
            write_cache=not app.restricted,
            fuzzing=self.FUZZING,
            config=app.config,  # read at start; its problems are in the app's one notice
        )

    def _cache_dir(self) -> Path | None:
        """Where the pack's cards are cached, as the search index is (read only in
        restricted mode); None when the reader keeps nothing on disk."""
        if not self.saving and not self.app.restricted:
            return None
        from reader.state_io import cache_folder

        return cache_folder("cards")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> bool:
        """Take the worker's study; True when the event was the study worker's."""
        if event.worker.group != "study":
            return False
        found = event.worker.result
        if event.state is WorkerState.SUCCESS and self.study is None and found is not None:
            self._take(found)  # a review started meanwhile found its own first: kept
        elif event.state is WorkerState.ERROR and self.study is None:
            if isinstance(event.worker.error, PackChanged):
                self.app.pack_files_changed([event.worker.error.path])  # says how to reload
                return True
            self.app.notify(
                "Self-test cards could not be read; reviewing is unavailable",
                severity="warning",
                markup=False,
            )
        return True

    def _take(self, study: Study) -> None:
        self.study = study
        self.app._tell([*study.messages, *study.store.take_notices()])
        # After the frame: a review started from the command line shows its card first.
        self.app.call_after_refresh(self.refresh_counts)
        if study.cards.cards:  # cards fall due while the reader reads: counted each minute
            self.app.set_interval(COUNT_EVERY, self.refresh_counts, name="due-counts")

    def ensure(self) -> Study:
        """The study, found now if the worker has not finished (or started) yet; raises
        PackChanged when a pack file changed on disk before its cards were found."""
        if self.study is None:
            study = self._open()
            study.cards  # noqa: B018 - found before it is kept, so a kept study has cards
            study.state  # noqa: B018 - read now, so a file set aside is told at once
            self._take(study)
        assert self.study is not None
        return self.study

    def _ready(self) -> Study | None:
        """The study for a review or the progress view, or None when a pack file changed
        on disk before the cards were found (the reader is told how to reload)."""
        try:
            return self.ensure()
        except PackChanged as changed:
            self.app.pack_files_changed([changed.path])
            return None

    # ------------------------------------------------------------------ counts
    def refresh_counts(self) -> None:
        """Due counts beside the outline's chapters and in the header."""
        study = self.study
        if study is None:
            return
        study.reload()
        by_chapter = study.due_by_chapter() if study.cards.cards else {}
        due = sum(by_chapter.values())
        self._due_label = f"{due} due" if study.cards.cards else ""
        outline = self.app.main.outline if self.app.main.is_attached else None
        if outline is not None:
            outline.set_due(by_chapter)
        self.app.refresh_status()

    def due_label(self) -> str:
        """The header's "12 due", or nothing (no cards, or not found yet)."""
        return self._due_label

    # ------------------------------------------------------------------ reviews
    def review(self, scope: str = "pack") -> None:
        """Start a review of what is due in the pack, this section or this chapter."""
        from reader.ui.screens.review import ReviewScreen, ReviewSession

        if scope == "pack" and self.resume():
            return  # `r` while a review waits for its card's section: that review
        fresh = self.study is None
        study = self._ready()
        if study is None:
            self.app.open_deferred()
            return
        if not study.cards.cards:
            self.app.notify(NO_CARDS, markup=False, timeout=4)
            self.app.open_deferred()
            return
        if not fresh:
            study.reload()  # another session may have reviewed since
        section = self.app.current
        if scope != "pack" and section is None:
            scope = "pack"
        section_ids = None
        label = "the pack"
        if scope != "pack" and section is not None:
            section_ids = study.scope(section, chapter=scope == "chapter")
            place = sanitize_line(section.title)
            if scope == "chapter":
                from reader.study import chapter_of

                place = sanitize_line(chapter_of(section).title)
            label = f"“{place}”"
        cards = study.queue(section_ids)
        self.suspended = None
        session = ReviewSession(study, cards, label)
        self.app.push_screen(ReviewScreen(session), callback=self._ended)

    def _ended(self, _result: object) -> None:
        self.app.open_deferred()
        self.refresh_counts()

    def open_source(self, session: ReviewSession, card: Card) -> None:
        """Leave the review for the card's section; Esc comes back to the same card."""
        self.suspended = session
        self.app.pop_screen()
        self.app.call_later(self._read_card_section, card)

    async def _read_card_section(self, card: Card) -> None:
        """The card's section on the reading screen (built first if a review started
        the reader), scrolled to the card's own line."""
        app = self.app
        section = app.pack.get(card.section_id) if card.section_id else None
        await app.reading_screen_ready(open_place=section is None)
        if section is not None:
            app.open_section(section.id)
            if section.path == card.path and section.start_line <= card.line <= section.end_line:
                app.call_after_refresh(self._show_line, card.line - section.start_line)
        self.refresh_counts()  # the ratings made so far show in the outline and header
        app.notify("Reading the card's section: Esc returns to the review", markup=False)

    def _show_line(self, line: int) -> None:
        """Scroll the reading pane to line `line` of its section's Markdown (a card's)."""
        from reader.ui.widgets.document_view import DocumentView

        view = self.app.main.query_one("#document", DocumentView)
        view.render_everything()
        if view.document is not None:
            view.go_to_line(max(0, view.document.row_of_source_line(line) - 1))

    def resume(self) -> bool:
        """Resume a review left for a card's section; False when there is none."""
        session, self.suspended = self.suspended, None
        if session is None:
            return False
        from reader.ui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(session), callback=self._ended)
        return True

    # ------------------------------------------------------------------ progress
    def show_progress(self) -> None:
        from reader.progress import counts as read_counts
        from reader.review import study_day
        from reader.study import describe_when, local_now
        from reader.ui.screens.progress import ProgressRow, ProgressScreen

        study = self._ready()
        if study is None:
            return
        study.reload()
        now = local_now()
        pack = self.app.pack
        read = self.app.reading.read
        due_by_chapter = study.due_by_chapter(now)
        rows = []
        for section in pack.top_level:
            ids = study.scope(section)
            counts = study.counts(ids, now)
            read_here, total = read_counts(section, read)
            rows.append(
                ProgressRow(
                    section.id,
                    sanitize_line(section.title),
                    read_here,
                    total,
                    counts.known,
                    due_by_chapter.get(section.id, 0),
                    counts.new,
                    counts.learning,
                )
            )
        due = study.next_due()
        when = describe_when(due, now) if due is not None and due > now else ""
        screen = ProgressScreen(
            sanitize_line(pack.title),
            rows,
            study.forecast(None, now),
            study_day(now),  # the forecast's first bar: today's study day, from 4 am
            study.due_now(now),
            when,
        )
        self.app.push_screen(screen, callback=self._progress_closed)

    def _progress_closed(self, section_id: str | None) -> None:
        if section_id:
            self.app.open_section(section_id)
