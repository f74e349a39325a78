"""`reader --plain`: the reader for screen readers, braille displays and plain pipes.

The full-screen app redraws the whole screen and hides the cursor, which a screen
reader cannot follow. Here everything is a line printed once, in order: the section as
linear text (reader.plain_text), then a one-line prompt; the reader types a command
(a word or a letter) and Enter. Nothing is ever redrawn or cleared, and no escape
sequence is ever written: every text from the pack or from the user is sanitized on
its way out, input is read with `readline` on the stream itself (Python's `readline`
module would turn on bracketed paste, and `input()` may load it).

Numbered menus (the contents, search results, links, bookmarks, glossary terms) are
how places are chosen: a bare number picks from the last menu shown, whose header says
what its numbers do. The reading state is the app's (`StateStore`, `ReadingState`):
the place, history, bookmarks and read marks carry over between the two modes, and
reviews use the same `Study`. A section counts as read, as in the app, once its end
has been shown for READ_DWELL seconds: listening to a section takes that long, while
paging through with `n` does not.

Output is paged (a one-line "more" prompt every screenful) only when both standard
input and output are a terminal; through pipes (`ssh -T`, tests) it never waits.
Ctrl-C, end of input, SIGHUP, SIGTERM and a closed output end the session with the
place saved and no traceback. No Textual here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO

from reader.files import PackChanged
from reader.sanitize import sanitize, sanitize_line
from reader.state import Bookmark, Position, ReadingState
from reader.state_store import StateStore
from reader.study import RATING_NAMES, ReviewRound

if TYPE_CHECKING:
    from types import FrameType

    from reader.cards import Card
    from reader.glossary import GlossaryEntry
    from reader.pack import Pack, Section
    from reader.plain_text import PlainLink, PlainPage
    from reader.search import SearchHit, SearchIndex
    from reader.study import Study

__all__ = ["MAX_INPUT", "PROMPT", "READ_DWELL", "run_plain"]

PROMPT = "reader> "
#: Characters of one input line kept; the rest of a longer line is read and dropped.
MAX_INPUT = 4096
#: Seconds the end of a section is shown before the section counts as read (the app's
#: dwell): tests set it to 0.
READ_DWELL = 1.5
#: Search results listed (the app's results pane shows about as many).
SEARCH_LIMIT = 20
DEFAULT_WIDTH, MIN_WIDTH, MAX_WIDTH = 80, 20, 250
DEFAULT_HEIGHT, MIN_HEIGHT, MAX_HEIGHT = 24, 5, 500
#: Seconds a hang-up leaves for saving the place before SIGALRM ends the process.
HANG_UP_DEADLINE = 1.5
EXIT_INTERRUPTED = 130
NO_GLOSSARY = "This pack has no glossary (a glossary.md of definition lists)."
NO_CARDS = "This pack has no self-test cards (a file tagged #flashcards holds them)."
#: Words a rating may be typed as, besides its number.
RATING_WORDS = {"again": 1, "a": 1, "hard": 2, "h": 2, "good": 3, "g": 3, "easy": 4, "e": 4}
CARD_KINDS = {
    "reversed": "reversed card",
    "cloze": "cloze card",
    "glossary": "card from the glossary",
    "comparison": "card from the comparison",
}


# --------------------------------------------------------------------------- ending


class _Ended(BaseException):
    """The session ends now: Ctrl-C (SIGINT), a hang-up (SIGHUP) or SIGTERM."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class _EndOfInput(Exception):
    """Standard input is closed: the session ends as after `quit`."""


class _Signals:
    """Ctrl-C, SIGHUP and SIGTERM end the session, but never in the middle of writing
    the reading state: inside `held()` a signal waits until the write is done."""

    def __init__(self) -> None:
        self.received: int | None = None
        self._critical = 0
        self._previous: dict[int, object] = {}
        self._armed = False

    def install(self) -> None:
        for signum in (signal.SIGINT, signal.SIGHUP, signal.SIGTERM):
            try:
                self._previous[signum] = signal.signal(signum, self._on_signal)
            except (ValueError, OSError):  # not the main thread: the caller's handlers stay
                return

    def restore(self) -> None:
        for signum, handler in self._previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(signum, handler)  # type: ignore[arg-type]
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        if signum != signal.SIGINT and not self._armed:
            # A dropped connection: if saving the place gets stuck (a lock never let go),
            # SIGALRM's default action ends the process at the deadline.
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, HANG_UP_DEADLINE)
        if self.received is None:
            self.received = signum
        if not self._critical:
            raise _Ended(signum)

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """A stretch (a state write, an index build) no signal interrupts."""
        self._critical += 1
        try:
            yield
        finally:
            self._critical -= 1
        if not self._critical and self.received is not None:
            raise _Ended(self.received)

    def hold_for_good(self) -> None:
        """The session is ending: the last save is not interrupted either."""
        self._critical += 1


# --------------------------------------------------------------------------- the console


@dataclass
class _Stopped:
    """Where a paged text was left: `at` the first line not shown, `top` the first line
    of the last screenful shown (the place kept, as the app keeps its scroll)."""

    at: int
    top: int


class _Console:
    """Lines out, lines in: sanitized, counted for paging, never an escape sequence."""

    def __init__(self, stdin: TextIO, stdout: TextIO, signals: _Signals) -> None:
        self._in = stdin
        self._out = stdout
        self._signals = signals
        self._binary: IO[bytes] | None = getattr(stdin, "buffer", None)
        self.paging = _isatty(stdin) and _isatty(stdout)
        encoding = (getattr(stdout, "encoding", None) or "utf-8").lower().replace("_", "-")
        self._encoding = "" if encoding in ("utf-8", "utf8") else encoding
        #: Lines written since the reader last typed something (paging counts them).
        self._since_input = 0
        #: The reader said `q` at a "more" prompt: nothing more is shown until the next
        #: prompt.
        self.quiet = False
        #: A command typed at a "more" prompt: run next, as if typed at the prompt.
        self.pending: str | None = None
        #: Between the titles of a place: the app's "›" is a sign a screen reader reads
        #: out (or a braille cell pattern); a semicolon is a pause, and unlike a comma it
        #: is not in titles ("A common, long-term condition").
        self.separator = "; "

    # ------------------------------------------------------------------ sizes
    def width(self) -> int:
        """The terminal's width, else COLUMNS, else 80; within MIN_WIDTH..MAX_WIDTH."""
        return _clamp(_terminal_size(self._out, 0) or _env_int("COLUMNS"), DEFAULT_WIDTH,
                      MIN_WIDTH, MAX_WIDTH)  # fmt: skip

    def height(self) -> int:
        """The terminal's height, else LINES, else 24: how many lines a screenful is."""
        return _clamp(_terminal_size(self._out, 1) or _env_int("LINES"), DEFAULT_HEIGHT,
                      MIN_HEIGHT, MAX_HEIGHT)  # fmt: skip

    # ------------------------------------------------------------------ output
    def _write(self, text: str) -> None:
        if self._encoding:
            with contextlib.suppress(LookupError):
                text = text.encode(self._encoding, "replace").decode(self._encoding)
        self._out.write(text)

    def say(self, *lines: str) -> None:
        """Lines of our own or of the pack, each sanitized (paged like any text)."""
        self.show(lines)

    def show(self, lines: Sequence[str], start: int = 0) -> _Stopped | None:
        """Print lines[start:], a "more" prompt every screenful when paging; where the
        reader stopped (q, or a command typed there), or None when all were shown."""
        if self.quiet:
            return _Stopped(start, start)
        top = start
        screen = self.height() - 1
        width = self.width()
        for index in range(start, len(lines)):
            rows = _fit(_clean(lines[index]), width)
            filled = self._since_input + len(rows)
            if self.paging and self._since_input and filled > screen:
                if filled == screen + 1 and index == len(lines) - 1:
                    # The last row would stand where the prompt goes: a keypress for
                    # "More: 1 line left" would show no more than this one line.
                    self._write(rows[0] + "\n")
                    self._since_input = filled
                    continue
                answer = self._more(index, len(lines))
                if answer is not None:
                    self.quiet = True
                    if answer:
                        self.pending = answer
                    return _Stopped(index, top)
                top = index
            for row in rows:
                self._write(row + "\n")
            self._since_input += len(rows)
        self._out.flush()
        return None

    def _more(self, index: int, total: int) -> str | None:
        """The "more" prompt: None to go on; "" to stop; a command to stop and run."""
        left = total - index
        prompt = f"More: {left} line{'s' if left != 1 else ''} left, Enter or q: "
        line = self.ask(prompt)
        if line is None:
            raise _EndOfInput
        word = line.strip()
        if not word:
            return None
        return "" if word.lower() in ("q", "quit", "stop") else word

    def take_pending(self) -> str | None:
        """The command typed at a "more" prompt, if any: it runs now, its output shown."""
        line, self.pending = self.pending, None
        if line is not None:
            self.quiet = False
            self._since_input = 0
        return line

    # ------------------------------------------------------------------ input
    def ask(self, prompt: str) -> str | None:
        """Show a one-line prompt and read the reader's line (None at the end of input);
        a line longer than MAX_INPUT characters is cut there (the rest is read, dropped)."""
        self._write(_clean(prompt))
        self._out.flush()
        self._since_input = 0
        self.quiet = False
        line = self._read_line()
        if line is None:
            return None
        return line.rstrip("\r\n")

    def _read_line(self) -> str | None:
        binary = self._binary
        if binary is not None:
            limit = MAX_INPUT * 4  # UTF-8: at most 4 bytes a character
            data = binary.readline(limit)
            if not data:
                return None
            if len(data) == limit and not data.endswith(b"\n"):
                _drain(binary.readline)  # not a line cut short by Ctrl-D: one too long
            return data.decode("utf-8", "replace")[:MAX_INPUT]
        text = self._in.readline(MAX_INPUT)
        if not text:
            return None
        if len(text) == MAX_INPUT and not text.endswith("\n"):
            _drain(self._in.readline)
        return text

    def newline(self) -> None:
        """End a prompt's line the reader did not end (Ctrl-C, end of input)."""
        self._write("\n")
        self._out.flush()


def _drain(readline: Callable[[int], object]) -> None:
    """Read and drop the rest of an over-long line, a chunk at a time."""
    while True:
        chunk = readline(65536)
        if not isinstance(chunk, (str, bytes)) or not chunk:
            return
        if chunk[-1:] in ("\n", b"\n"):
            return


def _clean(line: str) -> str:
    """One output line: nothing that talks to the terminal, no line break inside."""
    clean = sanitize(line)
    if "\n" in clean or "\t" in clean:
        clean = clean.replace("\n", " ").replace("\t", "    ")
    return clean


def _fit(line: str, width: int) -> list[str]:
    """A line as rows of at most `width` characters (the terminal would wrap it anyway,
    and paging counts rows): a numbered item's or a found line's later rows under its
    text."""
    if len(line) <= width:
        return [line]
    import textwrap

    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    number, dot, _ = stripped.partition(". ")
    label, colon, _ = stripped.partition(": ")
    if dot and number.isdigit():
        indent += len(number) + 2
    elif colon and label.startswith("Line ") and label[5:].isdigit():
        indent += len(label) + 2  # `find`'s "Line 12: ...": the text under the text
    indent = min(indent, width // 2)
    rows = textwrap.wrap(
        line,
        width,
        subsequent_indent=" " * indent,
        break_on_hyphens=False,
        drop_whitespace=True,
    )
    return rows or [line[:width]]


def _isatty(stream: object) -> bool:
    try:
        return bool(stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return False


def _terminal_size(stream: object, which: int) -> int:
    """The terminal's columns (0) or lines (1) of `stream`; 0 when it is not one."""
    if not _isatty(stream):
        return 0
    try:
        return os.get_terminal_size(stream.fileno())[which]  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):
        return 0


def _env_int(name: str) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 6 else 0


def _clamp(value: int, default: int, low: int, high: int) -> int:
    return min(max(value, low), high) if value > 0 else default


# --------------------------------------------------------------------------- menus


@dataclass
class _Menu:
    """The last numbered list shown: what its numbers are (for the out-of-range
    message) and what choosing one does."""

    what: str
    size: int
    choose: Callable[[int], None]


@dataclass
class _Links:
    """The links `links` lists: of the section on show, or of a definition just read,
    and the section their addresses are relative to."""

    where: str
    links: list[PlainLink]
    base: Section


@dataclass
class _Command:
    names: tuple[str, ...]
    usage: str
    meaning: str
    run: Callable[[str], None]


# --------------------------------------------------------------------------- the session


class PlainReader:
    """One plain session over one pack: the place, the menus, the commands."""

    def __init__(
        self,
        pack: Pack,
        console: _Console,
        signals: _Signals,
        store: StateStore,
        *,
        restricted: bool,
        saving: bool,
        state_dir: Path | None,
    ) -> None:
        self.pack = pack
        self.console = console
        self.signals = signals
        self.store = store
        self.restricted = restricted
        self.saving = saving
        self.state_dir = state_dir
        self.reading: ReadingState = store.load()
        self.current: Section | None = None
        #: How far down the current section the reader is, in lines: kept as the
        #: state's scroll, as the app keeps its scroll offset.
        self.scroll = 0.0
        #: The first line of the current section not shown yet (paging stopped), or None.
        self.continue_at: int | None = None
        #: When the end of the current section was shown (for READ_DWELL), or None.
        self.end_shown_at: float | None = None
        self.menu: _Menu | None = None
        self.links: _Links | None = None
        #: The search the current section was opened from: its matches are told.
        self.query: str | None = None
        #: The words of the last search (what `find` looks for when given none).
        self.last_search = ""
        #: The pack's files the reader was told changed on disk (told once each).
        self.changes_told: set[str] = set()
        self.running = True
        #: The how-to hints of the end line already said once (see `hint`).
        self.hints_given: set[str] = set()
        self._page: tuple[str, int, PlainPage] | None = None
        self._study: Study | None = None
        #: The bookmarks as `bookmarks` last listed them: what `delete NUMBER` counts.
        self._bookmarks_shown: list[Bookmark] | None = None
        self._index: SearchIndex | None = None
        self.commands = self._commands()
        self._by_name = {name: command for command in self.commands for name in command.names}

    # ------------------------------------------------------------------ commands
    def _commands(self) -> list[_Command]:
        return [
            _Command(("help", "h", "?"), "help (h or ?)", "this list", self.help),
            _Command(("next", "n", "]"), "next (n)", "the next section", lambda _: self.step(1)),
            _Command(
                ("previous", "prev", "p", "["),
                "previous (p)",
                "the previous section",
                lambda _: self.step(-1),
            ),
            _Command(
                ("",),
                "Enter alone",
                "go on reading (the rest of the section, else the next one)",
                lambda _: self.go_on(),
            ),
            _Command(
                ("again", "a", "read"),
                "again (a)",
                "read this section again from the top",
                lambda _: self.again(),
            ),
            _Command(
                ("toc", "contents", "t"),
                "toc (t), or toc WORDS",
                "the numbered contents, or only the titles holding WORDS",
                self.toc,
            ),
            _Command(
                ("go", "open", "o"),
                "go (o) NUMBER or TITLE",
                "open section NUMBER of the contents, or the section titled TITLE",
                self.go,
            ),
            _Command(
                ("search", "s", "/"),
                "search (s or /) WORDS",
                "numbered search results",
                self.search,
            ),
            _Command(
                ("find", "f"),
                "find (f) WORDS",
                "the lines of this section holding WORDS (alone: the last search's words)",
                self.find,
            ),
            _Command(
                ("line",),
                "line NUMBER",
                "read this section on from line NUMBER (find gives the numbers)",
                self.from_line,
            ),
            _Command(
                ("links", "l"), "links (l)", "the numbered links of this section", self.list_links
            ),
            _Command(
                ("define", "d"), "define (d) TERM", "a glossary term's definition", self.define
            ),
            _Command(
                ("compare", "c"),
                "compare (c)",
                "the pack's comparison table, as a section",
                lambda _: self.compare(),
            ),
            _Command(
                ("glossary", "g"),
                "glossary (g), or glossary WORDS",
                "the numbered glossary terms, or only those holding WORDS",
                self.glossary,
            ),
            _Command(
                ("review", "r"),
                "review (r)",
                "review the self-test cards due: Enter shows the answer, 1 to 4 rates it",
                self._review_command,
            ),
            _Command(
                ("bookmark", "m"),
                "bookmark (m), or bookmark NOTE",
                "bookmark this place, with NOTE as its note",
                self.bookmark,
            ),
            _Command(
                ("bookmarks", "b"),
                "bookmarks (b)",
                "the numbered bookmarks (delete NUMBER removes one)",
                lambda _: self.list_bookmarks(),
            ),
            _Command(("delete",), "delete NUMBER", "remove bookmark NUMBER", self.delete_bookmark),
            _Command(
                ("back",),
                "back",
                "where you were before, as a browser goes back",
                lambda _: self.history(-1),
            ),
            _Command(
                ("forward",), "forward", "forward again after back", lambda _: self.history(1)
            ),
            _Command(
                ("tick", "x"),
                "tick (x)",
                "mark this section read, or not read",
                lambda _: self.toggle_read(),
            ),
            _Command(
                ("unread", "u"),
                "unread (u)",
                "the next section not read yet",
                lambda _: self.next_unread(),
            ),
            _Command(
                ("progress",),
                "progress",
                "each chapter: sections read and cards due",
                lambda _: self.progress(),
            ),
            _Command(
                ("reset",),
                "reset",
                "forget which sections are read (asks first)",
                lambda _: self.reset_progress(),
            ),
            _Command(
                ("where", "w"),
                "where (w)",
                "where you are, and how much is read",
                lambda _: self.where(),
            ),
            _Command(
                ("quit", "q", "exit"),
                "quit (q)",
                "leave; your place is kept",
                lambda _: self.quit(),
            ),
        ]

    def help(self, _words: str = "") -> None:
        lines = [
            # One line: the console wraps it at the reader's width (40 on a braille line).
            "Type a command and press Enter; short forms are in parentheses. A number "
            "alone chooses from the last numbered list."
        ]
        for command in self.commands:
            lines.append(f"  {command.usage}: {command.meaning}")
        lines.append("The app's keys ] and [ work too, for next and previous.")
        self.console.show(lines)

    def run_line(self, line: str) -> None:
        """One line the reader typed: a number, or a command and its words. Whatever
        it is, the section whose end was shown long enough is read first (the dwell),
        except for `tick`, which sets the mark itself: ticking a section just read
        must not take away a mark the reader never saw being set."""
        text = line.strip()
        if text.isdigit() or (text.startswith("#") and text[1:].isdigit()):
            self.count_dwell()
            self.choose(text.lstrip("#"))
            return
        if len(text) > 1 and text[0] in "/][" and text[1] != " ":
            name, words = text[:1], text[1:]  # `/itch`, as in the app's search box
        else:
            name, _, words = text.partition(" ")
        command = self._by_name.get(name.lower())
        if command is None or command.names[0] != "tick":
            self.count_dwell()
        if command is None:
            shown = sanitize_line(name)[:40]
            self.console.say(f"Unknown command '{shown}'. Type help for the list of commands.")
            return
        command.run(words.strip())

    def nothing_listed(self, message: str) -> None:
        """A list command found nothing: the list before it is gone too, so a number
        typed next (meant for the empty list) is not taken from an older one."""
        self.menu = None
        self.console.say(message)

    def choose(self, number_text: str) -> None:
        menu = self.menu
        if menu is None:
            self.console.say(
                "No numbered list to choose from: toc, search, links, bookmarks and "
                "glossary show one."
            )
            return
        number = int(number_text[:9]) if len(number_text) <= 9 else 0
        if not 1 <= number <= menu.size:
            span = "1" if menu.size == 1 else f"1 to {menu.size}"
            self.console.say(
                f"No number {number_text[:12]} in the last list ({menu.what}): {span}."
            )
            return
        menu.choose(number)

    # ------------------------------------------------------------------ the main loop
    def start(self, *, start_review: bool) -> None:
        pack = self.pack
        count = len(pack.sections)
        self.console.say(
            f"{sanitize_line(pack.title)} ({count} section{'s' if count != 1 else ''}), "
            "plain text mode. Type help for the commands, q to quit."
        )
        self.tell(self.store.take_notices())
        position = self.reading.position
        start = pack.get(position.section) if position is not None else None
        if start is not None and position is not None:
            self.console.say("Resuming where you left off.")
        place = start or pack.first_section
        if start_review:
            # `reader review --plain`: the review first; reading goes on where it was.
            self.current = place
            self.scroll = position.scroll if start is not None and position is not None else 0.0
            if self.review():
                return  # the reader chose to open a card's section: it is on show
        if start is not None and position is not None:
            # Already where the state says: no jump to record (the app's resume).
            self.open(start, record=False, scroll=position.scroll)
        else:
            self.open(place, record=True)

    def loop(self) -> None:
        while self.running:
            line = self.console.take_pending()
            if line is None:
                self.tell_pack_changes()
                line = self.console.ask(PROMPT)
            if line is None:
                raise _EndOfInput
            self.run_line(line)

    def quit(self) -> None:
        self.running = False

    def tell(self, notices: list[str]) -> None:
        for notice in notices:
            self.console.say(f"Note: {sanitize_line(notice)}")

    # ------------------------------------------------------------------ state
    def update_state(self, change: Callable[[ReadingState], object]) -> None:
        """One locked write of the reading state, never cut short by a signal."""
        with self.signals.held():
            self.reading = self.store.update(change)
        self.tell(self.store.take_notices())

    def count_dwell(self) -> None:
        """The reader typed something: the section whose end they have had READ_DWELL
        seconds is read, as the app counts it."""
        shown_at, current = self.end_shown_at, self.current
        if shown_at is None or current is None or current.id in self.reading.read:
            return
        if time.monotonic() - shown_at >= READ_DWELL:
            section_id = current.id
            self.update_state(lambda state: state.mark_read(section_id))

    def save_place(self) -> None:
        """Keep the place (the session is ending); a paused store tries the disk again.
        Nothing is written to the reader here: the terminal may be gone."""
        current = self.current
        if current is None:
            return
        section_id, scroll = current.id, self.scroll
        shown_at = self.end_shown_at
        dwelt = shown_at is not None and time.monotonic() - shown_at >= READ_DWELL

        def leave(state: ReadingState) -> None:
            state.remember(section_id, scroll)
            if dwelt:
                state.mark_read(section_id)

        self.store.try_disk_now()
        with contextlib.suppress(Exception):
            self.reading = self.store.update(leave)
        study = self._study
        if study is not None and study.store.paused:
            study.store.try_disk_now()
            with contextlib.suppress(Exception):
                study.store.load()  # replays the ratings kept in memory, if the disk takes them

    def close(self) -> None:
        if self._index is not None:
            with contextlib.suppress(Exception):
                self._index.close()

    # ------------------------------------------------------------------ sections
    def page_of(self, section: Section) -> PlainPage:
        """The section as linear text at the current width (raises PackChanged)."""
        width = self.console.width()
        cached = self._page
        if cached is not None and cached[0] == section.id and cached[1] == width:
            return cached[2]
        from reader.plain_text import section_page

        page = section_page(section, width, cards=self.pack.holds_cards(section))
        self._page = (section.id, width, page)
        return page

    def title_line(self, section: Section, *, heading: str = "") -> str:
        """`Section 5 of 76: Alarmins (in Immune dysregulation)`: the title first, the
        place after it, for a listener; without the title when `heading`, the line
        printed next, already says it (`Heading 2: Alarmins`)."""
        total = len(self.pack.sections)
        title = sanitize_line(section.title)
        where = f"Section {section.index + 1} of {total}"
        if not (title and heading.endswith(title)):
            where += f": {title}"
        ancestors = section.ancestors
        if ancestors:
            chain = self.console.separator.join(sanitize_line(node.title) for node in ancestors)
            where += f" (in {chain})" if where.endswith(title) else f", in {chain}"
        return where

    def open(
        self,
        section: Section,
        *,
        record: bool = True,
        scroll: float = 0.0,
        query: str | None = None,
    ) -> None:
        """Print a section and make it the place; `record`: a jump history keeps (not
        a history move or a resume). `scroll`: a place inside it to start from, when
        paging; `query`: a search whose first match to start from, when paging."""
        try:
            page = self.page_of(section)
        except PackChanged as changed:
            self.console.say(
                f"Not opened: {sanitize_line(changed.path)} changed on disk since the reader "
                "started. Quit and start the reader again to read the new version."
            )
            return
        self.count_dwell()
        leaving = (self.current.id, self.scroll) if self.current is not None else None
        arriving = Position(section.id, scroll)

        def remember_jump(state: ReadingState) -> None:  # one locked write per jump
            if leaving is not None:
                state.remember(*leaving)
            if record:
                state.visit(arriving)
            else:
                state.stand_at(arriving)

        self.current, self.scroll = section, float(scroll)
        self.continue_at, self.end_shown_at = None, None
        self.query = query
        self.links = _Links(f"section {section.index + 1}", page.links, section)
        self.update_state(remember_jump)
        start = 0
        note = ""
        if self.console.paging:
            start, note = self._start_line(page.lines, scroll, query)
        self.print_section(start, note=note)

    def _start_line(self, lines: list[str], scroll: float, query: str | None) -> tuple[int, str]:
        """Where paging starts in a section: the paragraph of the first match of a
        search, or of the kept place; the top for anything that fits on one screen."""
        if len(lines) < self.console.height() - 2:
            return 0, ""
        if query:
            from reader.search_query import match_spans

            for number, line in enumerate(lines):
                if match_spans(line, query):
                    start = _paragraph_start(lines, number)
                    if start:
                        return start, f"From the first match, line {start + 1} of {len(lines)}. "
                    return 0, ""
        wanted = min(int(scroll), len(lines) - 1)
        start = _paragraph_start(lines, wanted) if wanted > 0 else 0
        if start:
            return start, f"From where you were, line {start + 1} of {len(lines)}. "
        return 0, ""

    def print_section(self, start: int = 0, *, note: str = "") -> None:
        section = self.current
        if section is None:
            return
        try:
            page = self.page_of(section)
        except PackChanged as changed:
            self.console.say(
                f"{sanitize_line(changed.path)} changed on disk since the reader started: "
                "quit and start the reader again to read the new version."
            )
            return
        header = self.title_line(section, heading=page.lines[0] if page.lines and not start else "")
        if start:
            header += f". {note}Type again to read it from the top."
        self.console.say(header)
        stopped = self.console.show(page.lines, start)
        if stopped is not None:
            self.continue_at = stopped.at
            self.scroll = float(stopped.top)
            return
        self.continue_at = None
        self.end_shown_at = time.monotonic()
        self.console.say(self.end_line(section, page))

    def end_line(self, section: Section, page: PlainPage) -> str:
        total = len(self.pack.sections)
        parts = [f"End of section {section.index + 1} of {total}."]
        if page.links:
            count = len(page.links)
            parts.append(f"{count} link{'s' if count != 1 else ''}{self.hint(': type links')}.")
        if self.query:
            matched = _lines_matching(page.lines, self.query)
            if matched:
                shown = sanitize_line(self.query)[:80]
                found = self.hint(": find lists them")
                parts.append(f"'{shown}' is on {_line_list(matched)}{found}.")
        following = self.pack.following(section)
        if following is None:
            parts.append("This is the last section.")
        else:
            parts.append(f"Next: {sanitize_line(following.title)}{self.hint(', Enter or n')}.")
        return " ".join(parts)

    def hint(self, text: str) -> str:
        """`text` the first time this session, "" after: the end of every section is
        heard, and "Enter or n" at each of them is noise once it is known."""
        if text in self.hints_given:
            return ""
        self.hints_given.add(text)
        return text

    def step(self, direction: int) -> None:
        current = self.current
        if current is None:
            return
        index = current.index + direction
        sections = self.pack.sections
        if 0 <= index < len(sections):
            self.open(sections[index])
        elif direction < 0:
            self.console.say("This is the first section: n goes to the next.")
        else:
            self.console.say(
                f"This is the last section ({len(sections)} of {len(sections)}): "
                "p goes back, toc lists them all."
            )

    def go_on(self) -> None:
        """Enter on an empty line: the rest of a section paging stopped, else the next."""
        if self.continue_at is not None and self.current is not None:
            start, self.continue_at = self.continue_at, None
            self.print_section(start, note="Continued. ")
            return
        self.step(1)

    def again(self) -> None:
        if self.current is not None:
            self.links = None
            self.scroll = 0.0
            section = self.current
            with contextlib.suppress(PackChanged):  # print_section says so
                self.links = _Links(
                    f"section {section.index + 1}", self.page_of(section).links, section
                )
            self.print_section(0)

    def go(self, words: str) -> None:
        if not words:
            self.console.say("Go where? Type go and a section number (toc lists them) or a title.")
            return
        if words.isdigit():
            number = int(words[:9])
            sections = self.pack.sections
            if 1 <= number <= len(sections):
                self.open(sections[number - 1])
            else:
                self.console.say(f"No section {words[:12]}: the sections are 1 to {len(sections)}.")
            return
        section = self.pack.find(words)
        if section is None:
            folded = words.casefold()
            section = next(
                (item for item in self.pack.sections if folded in item.title.casefold()), None
            )
        if section is None:
            self.console.say(f"No section titled '{sanitize_line(words)[:80]}'. Try search.")
            return
        self.open(section)

    def history(self, direction: int) -> None:
        """Back and forward through history, as the app's Back and Forward move."""
        if self.current is not None:
            place = (self.current.id, self.scroll)
            self.update_state(lambda state: state.remember(*place))
        moved = self.reading.copy()
        position = moved.back() if direction < 0 else moved.forward()
        target = self.pack.get(position.section) if position is not None else None
        if position is None or target is None:
            where = "back to" if direction < 0 else "forward to"
            self.console.say(f"Nothing to go {where} yet.")
            return
        self.update_state(lambda state: state.take_history(moved))
        self.open(target, record=False, scroll=position.scroll)

    def toggle_read(self) -> None:
        current = self.current
        if current is None:
            return
        section_id = current.id
        self.end_shown_at = None
        self.update_state(lambda state: state.toggle_read(section_id))
        done = section_id in self.reading.read
        self.console.say(
            f"Section {current.index + 1} marked {'read' if done else 'not read'}. "
            + self.read_summary()
        )

    def compare(self) -> None:
        """The app's `c`: the pack's comparison table (read here as a section: its rows
        in words, each cell after its column's header)."""
        section_id = self.pack.comparison_id
        section = self.pack.get(section_id) if section_id else None
        if section is None:
            self.console.say("This pack has no comparison table.")
        else:
            self.open(section)

    def find(self, words: str) -> None:
        """The lines of the section holding the words, by line number: the plain
        counterpart of the app's marked matches."""
        query = words or self.query or self.last_search
        current = self.current
        if not query:
            self.console.say("Find what? Type find and the words.")
            return
        if current is None:
            return
        try:
            lines = self.page_of(current).lines
        except PackChanged:
            self.console.say("This section's file changed on disk: quit and start again.")
            return
        matched = _lines_matching(lines, query)
        shown = sanitize_line(query)[:80]
        if not matched:
            self.console.say(f"No line of section {current.index + 1} holds '{shown}'.")
            return
        how = self.hint("; type line and a number to read on from one")
        found = [
            f"{len(matched)} line{'s' if len(matched) != 1 else ''} of section "
            f"{current.index + 1} hold '{shown}'{how}:"
        ]
        found.extend(f"Line {number}: {lines[number - 1].strip()}" for number in matched)
        self.console.show(found)

    def from_line(self, words: str) -> None:
        """The section read on from a line `find` named (from the start of its
        paragraph): the way to a match without paging to it."""
        current = self.current
        if current is None:
            return
        try:
            total = len(self.page_of(current).lines)
        except PackChanged:
            self.console.say("This section's file changed on disk: quit and start again.")
            return
        if not words.isdigit():
            self.console.say("Type line and a number: find lists the lines and their numbers.")
            return
        number = int(words[:9])
        if not 1 <= number <= total:
            self.console.say(
                f"No line {words[:12]}: section {current.index + 1} has lines 1 to {total}."
            )
            return
        start = _paragraph_start(self.page_of(current).lines, number - 1)
        self.scroll, self.continue_at = float(start), None
        self.print_section(start, note=f"From line {start + 1} of {total}. ")

    def progress(self) -> None:
        """Each chapter's read sections and due cards, as the app's progress view."""
        from reader.progress import counts

        pack = self.pack
        read = self.reading.read
        due_by_chapter: dict[str, int] = {}
        cards = False
        if pack.may_hold_cards():
            with contextlib.suppress(PackChanged):
                study = self.study()
                cards = bool(study.cards.cards)
                if cards:
                    study.reload()
                    due_by_chapter = study.due_by_chapter()
        lines = [f"Progress in {sanitize_line(pack.title)}: {self.read_summary()}"]
        if cards:
            due = sum(due_by_chapter.values())
            lines[0] += f" {due} card{'s' if due != 1 else ''} due."
        for section in pack.top_level:
            done, total = counts(section, read)
            line = f"{section.index + 1}. {sanitize_line(section.title)}: {done} of {total} read"
            if cards:
                line += f", {due_by_chapter.get(section.id, 0)} due"
            lines.append(line + ".")
        self.menu = _Menu(
            "the chapters", len(pack.sections), lambda n: self.open(pack.sections[n - 1])
        )
        lines.append("Type a chapter's number to open it.")
        self.console.show(lines)

    def reset_progress(self) -> None:
        read = len(self.reading.read & self.pack.by_id.keys())
        if not read:
            self.console.say("Nothing is marked read yet.")
            return
        sections = "section of this pack is" if read == 1 else "sections of this pack are"
        self.console.say(f"Forget that {read} {sections} read? This cannot be undone.")
        answer = self.console.ask("Type yes to forget: ")
        if answer is None:
            raise _EndOfInput
        if answer.strip().lower() != "yes":
            self.console.say("Nothing forgotten.")
            return
        self.end_shown_at = None
        self.update_state(lambda state: state.reset_progress())
        self.console.say("Reading progress reset.")

    def tell_pack_changes(self) -> None:
        """Tell, once per file, that the pack changed on disk since it was loaded (the
        app looks every few seconds; here at each prompt, a stat per file)."""
        try:
            changed = [path for path in self.pack.changed_files() if path not in self.changes_told]
        except OSError:
            return
        if not changed:
            return
        self.changes_told.update(changed)
        names = ", ".join(sanitize_line(path) for path in changed[:3])
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        self.console.say(
            f"Note: the pack changed on disk ({names}{more}). Sections already read stay as "
            "they were; to read the new version, quit and start the reader again (your "
            "place is kept)."
        )

    def read_summary(self) -> str:
        total = len(self.pack.sections)
        read = len(self.reading.read & self.pack.by_id.keys())
        return f"{read} of {total} sections read ({100 * read // max(1, total)}%)."

    def next_unread(self) -> None:
        from reader.progress import next_unread

        target = next_unread(self.pack, self.current, self.reading.read)
        if target is None:
            self.console.say("Everything is read.")
        else:
            self.open(target)

    def where(self) -> None:
        current = self.current
        if current is None:
            return
        lines = [f"You are in {self.title_line(current)}."]
        try:
            total = len(self.page_of(current).lines)
        except PackChanged:
            total = 0
        if self.continue_at is not None:
            lines.append(f"You stopped at line {self.continue_at + 1} of {total}: Enter goes on.")
        state = "read" if current.id in self.reading.read else "not read yet"
        lines.append(f"This section is {state}. {self.read_summary()}")
        marked = [mark for mark in self.reading.bookmarks if mark.section == current.id]
        if marked:
            lines.append("This section is bookmarked.")
        due = self.due_summary()
        if due:
            lines.append(due)
        self.console.show(lines)

    def due_summary(self) -> str:
        """How many cards a review would show now ("" for a pack without cards)."""
        if not self.pack.may_hold_cards():
            return ""
        try:
            study = self.study()
            if not study.cards.cards:
                return ""
            study.reload()
            due = len(study.queue())
        except PackChanged:
            return ""
        return f"{due} card{'s' if due != 1 else ''} due for review (type review)."

    # ------------------------------------------------------------------ contents
    def toc(self, words: str) -> None:
        sections = self.pack.sections
        folded = words.casefold()
        shown = [s for s in sections if not folded or folded in s.title.casefold()]
        if not shown:
            self.nothing_listed(f"No section title holds '{sanitize_line(words)[:80]}'.")
            return
        read = self.reading.read
        title = sanitize_line(self.pack.title)
        if folded:
            header = (
                f"Sections whose titles hold '{sanitize_line(words)[:80]}': {len(shown)} of "
                f"{len(sections)}. Type a number to open that section."
            )
        else:
            header = (
                f"Contents of {title}: {len(sections)} sections, "
                f"{len(read & self.pack.by_id.keys())} read. Type a number to open that section."
            )
        lines = [header]
        current = self.current
        for section in shown:
            marks = ""
            if section.id in read:
                marks += " (read)"
            if section is current:
                marks += " (you are here)"
            indent = "  " * min(section.depth, 8)
            lines.append(f"{indent}{section.index + 1}. {sanitize_line(section.title)}{marks}")
        self.menu = _Menu(
            "the contents", len(sections), lambda number: self.open(sections[number - 1])
        )
        self.console.show(lines)

    # ------------------------------------------------------------------ search
    def index(self) -> SearchIndex:
        """The pack's search index as the app opens it: the fresh shared index, else the
        user's cache (written only when saving and not restricted), else in memory."""
        if self._index is None:
            from reader.search import open_pack_index

            with self.signals.held():  # a cache file half written is never left behind
                self._index = open_pack_index(
                    self.pack, saving=self.store.saving, restricted=self.restricted
                )
        return self._index

    def search(self, words: str) -> None:
        if not words:
            asked = self.console.ask("Search for (Enter alone cancels): ")
            if asked is None:
                raise _EndOfInput
            words = asked[:MAX_INPUT].strip()
            if not words:
                self.console.say("Search cancelled.")
                return
        from reader.search import title_letter

        self.last_search = words
        hits = list(self.index().search(words, limit=SEARCH_LIMIT))
        shown_query = sanitize_line(words)[:200]
        definition = self._definition_hit(words)
        letter = title_letter(words)
        if not hits and definition is None:
            if letter is not None:
                self.nothing_listed(
                    f"No section title starts with '{sanitize_line(letter)}'. One letter "
                    "searches titles only: give two or more to search the text."
                )
            else:
                self.nothing_listed(f"Nothing matches '{shown_query}'.")
            return
        count = len(hits) + (definition is not None)
        if letter:
            kind = f"title{'s' if count != 1 else ''} starting with '{sanitize_line(letter)}'"
        else:
            kind = "result" if count == 1 else "results"
        lines = [
            f"{count} {kind} for '{shown_query}'"
            + (" (the best 20)" if len(hits) >= SEARCH_LIMIT else "")
            + ". Type a number to open one."
        ]
        choices: list[Callable[[], None]] = []
        if definition is not None:
            entry = definition
            lines.append(f"1. Definition: {sanitize_line(entry.term)} (in the glossary)")
            choices.append(lambda: self.show_entry(entry))
        for hit in hits:
            lines.extend(self._hit_lines(len(choices) + 1, hit))
            choices.append(self._opener(hit.id, words))
        self.menu = _Menu(
            f"search results for '{shown_query}'", len(choices), lambda n: choices[n - 1]()
        )
        self.console.show(lines)

    def _hit_lines(self, number: int, hit: SearchHit) -> list[str]:
        path = sanitize_line(hit.path).replace(" › ", self.console.separator)
        where = f" (in {path})" if path else ""
        lines = [f"{number}. {sanitize_line(hit.title)}{where}"]
        snippet = _speakable(sanitize_line(hit.snippet))
        if snippet:
            lines.extend("   " + part for part in _wrap(snippet, self.console.width() - 3))
        return lines

    def _opener(self, section_id: str, query: str) -> Callable[[], None]:
        def open_hit() -> None:
            section = self.pack.get(section_id)
            if section is None:
                self.console.say("That section is no longer in the pack.")
            else:
                self.open(section, query=query)

        return open_hit

    def _definition_hit(self, words: str) -> GlossaryEntry | None:
        """A search that is exactly a glossary term lists its definition first, as in
        the app."""
        pack = self.pack
        if not pack.glossary_files or not pack.has_glossary:
            return None
        return pack.glossary.lookup(words)

    # ------------------------------------------------------------------ links
    def list_links(self, _words: str = "") -> None:
        source = self.links
        if source is None and self.current is not None:
            try:
                source = _Links(
                    f"section {self.current.index + 1}",
                    self.page_of(self.current).links,
                    self.current,
                )
            except PackChanged:
                source = None
        if source is None or not source.links:
            where = source.where if source is not None else "this section"
            self.nothing_listed(f"No links in {where}.")
            return
        lines = [
            f"{len(source.links)} link{'s' if len(source.links) != 1 else ''} in {source.where}, "
            "numbered as in the text. Type a number to follow one."
        ]
        for link in source.links:
            text = sanitize_line(link.text) or "(no text)"
            lines.append(f"{link.number}. {text}: {self.describe_link(source.base, link.href)}")
        links = {link.number: link for link in source.links}
        base = source.base
        biggest = max(links)

        def follow(number: int) -> None:
            link = links.get(number)
            if link is None:
                self.console.say(f"No link {number} in {source.where}.")
            else:
                self.follow(base, link.href)

        self.menu = _Menu(f"the links of {source.where}", biggest, follow)
        self.console.show(lines)

    def describe_link(self, base: Section, href: str) -> str:
        target = self.pack.resolve(base, href)
        if target.followable and target.section_id:
            section = self.pack.get(target.section_id)
            if section is not None:
                return f"section {section.index + 1}, {sanitize_line(section.title)}"
        if target.kind == "external":
            return f"web address {sanitize_line(href)}"
        reason = target.reason or "not a page of this pack"
        return f"not followed ({sanitize_line(reason)})"

    def follow(self, base: Section, href: str) -> None:
        """A link: a section of the pack opens; an external address is printed, never
        opened (over SSH a browser would be the server's); anything else says why not."""
        target = self.pack.resolve(base, href)
        if target.followable and target.section_id:
            section = self.pack.get(target.section_id)
            if section is not None:
                self.open(section)
                return
        if target.kind == "external":
            self.console.say(f"Web address, not opened here: {sanitize_line(href)}")
            return
        reason = target.reason or "not a page of this pack"
        self.console.say(f"Not followed: {sanitize_line(href)} ({sanitize_line(reason)}).")

    # ------------------------------------------------------------------ glossary
    def define(self, words: str) -> None:
        if not words:
            self.console.say("Define what? Type define and a term; glossary lists them all.")
            return
        pack = self.pack
        if not pack.glossary_files or not pack.has_glossary:
            self.console.say(NO_GLOSSARY)
            return
        glossary = pack.glossary
        entry = glossary.lookup(words)
        if entry is not None:
            self.show_entry(entry)
            return
        from reader.glossary import fold

        folded = fold(words)
        starting = [
            item
            for item in glossary.entries
            if any(fold(name).startswith(folded) for name in (*item.names, item.term))
        ]
        shown = sanitize_line(words)[:80]
        if len(starting) == 1:
            self.show_entry(starting[0])
            return
        if starting:
            self.entry_menu(
                starting,
                f"{len(starting)} terms start with '{shown}'. Type a number to read one.",
                f"terms starting with '{shown}'",
            )
            return
        close = [found for name in glossary.suggestions(words) if (found := glossary.lookup(name))]
        if not close:
            self.console.say(f"No term '{shown}' in the glossary. Type glossary for every term.")
            return
        self.entry_menu(
            close,
            f"No term '{shown}' in the glossary. Did you mean one of these? Type a number.",
            "the terms suggested",
        )

    def glossary(self, words: str) -> None:
        pack = self.pack
        if not pack.glossary_files or not pack.has_glossary:
            self.nothing_listed(NO_GLOSSARY)
            return
        entries = pack.glossary.entries
        if words:
            from reader.glossary import fold

            folded = fold(words)
            entries = [
                entry
                for entry in entries
                if any(folded in fold(name) for name in (*entry.names, entry.term))
            ]
            if not entries:
                self.nothing_listed(f"No glossary term holds '{sanitize_line(words)[:80]}'.")
                return
            header = (
                f"{len(entries)} glossary term{'s' if len(entries) != 1 else ''} holding "
                f"'{sanitize_line(words)[:80]}'. Type a number to read a definition."
            )
        else:
            header = f"Glossary: {len(entries)} terms. Type a number to read a definition."
        self.entry_menu(entries, header, "the glossary")

    def entry_menu(self, entries: list[GlossaryEntry], header: str, what: str) -> None:
        lines = [header]
        for number, entry in enumerate(entries, 1):
            also = entry.unshown_names
            extra = f" (also: {sanitize_line(', '.join(also))})" if also else ""
            lines.append(f"{number}. {sanitize_line(entry.term)}{extra}")
        self.menu = _Menu(what, len(entries), lambda number: self.show_entry(entries[number - 1]))
        self.console.show(lines)

    def show_entry(self, entry: GlossaryEntry) -> None:
        from reader.plain_text import markdown_page

        pack = self.pack
        page = markdown_page(
            entry.definition, self.console.width() - 2, pack.definitions_of(entry.path)
        )
        lines = [f"Definition of {sanitize_line(entry.term)}:"]
        if entry.unshown_names:
            lines.append("Also called: " + sanitize_line(", ".join(entry.unshown_names)) + ".")
        lines.extend(f"  {line}" if line else "" for line in page.lines)
        base = pack.section_at(entry.path, entry.line)
        if page.links and base is not None:
            count = len(page.links)
            plural = "s" if count != 1 else ""
            lines.append(f"End of definition. {count} link{plural}{self.hint(': type links')}.")
            self.links = _Links(f"the definition of {sanitize_line(entry.term)}", page.links, base)
        else:
            lines.append("End of definition.")
        self.console.show(lines)

    # ------------------------------------------------------------------ bookmarks
    def bookmark(self, note: str) -> None:
        current = self.current
        if current is None:
            return
        section_id, scroll = current.id, self.scroll
        existing = self.reading.bookmark_at(section_id, scroll)
        title = sanitize_line(current.title)
        if existing is not None and not note:
            self.console.say(f"Already bookmarked: {title}. bookmarks lists them.")
            return
        if existing is not None:
            mark_id = existing.id
            self.update_state(lambda state: state.rename_bookmark(mark_id, note))
            self.console.say(f"Bookmark note changed: {title}, {sanitize_line(note)[:200]}.")
            return
        self.update_state(lambda state: state.add_bookmark(section_id, scroll, note))
        noted = f", note: {sanitize_line(note)[:200]}" if note else ""
        self.console.say(f"Bookmarked {title}{noted}. bookmarks lists them.")

    def list_bookmarks(self) -> None:
        marks = list(self.reading.bookmarks)
        if not marks:
            self.nothing_listed("No bookmarks yet: bookmark (or m) keeps this place.")
            return
        lines = [
            f"{len(marks)} bookmark{'s' if len(marks) != 1 else ''}. Type a number to open "
            "one; delete and a number removes one."
        ]
        for number, mark in enumerate(marks, 1):
            section = self.pack.get(mark.section)
            place = (
                f"section {section.index + 1}, {sanitize_line(section.title)}"
                if section is not None
                else "a section no longer in the pack"
            )
            note = f": {sanitize_line(mark.note)}" if mark.note else ""
            lines.append(f"{number}. {place}{note}")

        def open_mark(number: int) -> None:
            mark = marks[number - 1]
            section = self.pack.get(mark.section)
            if section is None:
                self.console.say("That bookmark's section is no longer in the pack.")
            else:
                self.open(section, scroll=mark.scroll)

        self.menu = _Menu("the bookmarks", len(marks), open_mark)
        self._bookmarks_shown = marks
        self.console.show(lines)

    def delete_bookmark(self, words: str) -> None:
        marks = self._bookmarks_shown
        if not words.isdigit() or marks is None:
            self.console.say("Type bookmarks first, then delete and the bookmark's number.")
            return
        number = int(words[:9])
        if not 1 <= number <= len(marks):
            self.console.say(f"No bookmark {words[:12]}: the bookmarks are 1 to {len(marks)}.")
            return
        mark_id = marks[number - 1].id
        self.update_state(lambda state: state.delete_bookmark(mark_id))
        self.console.say(f"Bookmark {number} deleted.")
        self.list_bookmarks()

    # ------------------------------------------------------------------ review
    def study(self) -> Study:
        """The pack's study as the app opens it (its cards cached as the app caches
        them: read only when restricted, not at all with --no-state)."""
        if self._study is None:
            from reader.state_io import cache_folder
            from reader.study import Study

            with self.signals.held():
                study = Study.open(
                    self.pack,
                    state_dir=self.state_dir,
                    enabled=self.saving,
                    cache_dir=cache_folder("cards") if self.saving or self.restricted else None,
                    write_cache=not self.restricted,
                )
                study.cards  # noqa: B018 - found now: a review asks at once
            self._study = study
            self.tell([*study.messages, *study.store.take_notices()])
        return self._study

    def _review_command(self, _words: str) -> None:
        self.review()

    def review(self) -> bool:
        """The cards due, one at a time: the question, Enter for the answer, 1 to 4 to
        rate it with the interval each rating gives, q to end. True when the reader
        left it for a card's section (then on show)."""
        if not self.pack.may_hold_cards():
            self.console.say(NO_CARDS)
            return False
        try:
            study = self.study()
        except PackChanged as changed:
            self.console.say(
                f"Cards cannot be read: {sanitize_line(changed.path)} changed on disk since "
                "the reader started. Quit and start the reader again."
            )
            return False
        if not study.cards.cards:
            self.console.say(NO_CARDS)
            return False
        study.reload()
        session = _ReviewSession(study, study.queue())
        if session.finished:
            self.console.say(f"Nothing is due now. {_next_due_line(study)}")
            return False
        new, learning, due = session.left()
        self.console.say(
            f"Review: {len(session.queue)} card{'s' if len(session.queue) != 1 else ''} due "
            f"({new} new, {learning} learning, {due} to review). Enter shows the answer, "
            "then 1 to 4 rates it; o opens the card's section, q ends the review."
        )
        opened: Section | None = None
        while not session.finished:
            card = session.card
            assert card is not None
            outcome = self.review_card(session, card)
            if outcome == "quit":
                break
            if outcome == "open":
                opened = self.pack.get(card.section_id) if card.section_id else None
                break
        self.console.say(session.summary(), _next_due_line(study))
        if opened is None:
            return False
        self.open(opened)
        return True

    def review_card(self, session: _ReviewSession, card: Card) -> str:
        """One card: "rated", "quit" or "open" (its section)."""
        from reader.plain_text import markdown_page
        from reader.study import local_now

        console = self.console
        width = console.width()
        definitions = self.pack.definitions_of(card.path) if card.path else None
        new, learning, due = session.left()
        place = sanitize_line(card.breadcrumb or card.path or self.pack.title)
        place = place.replace(" › ", console.separator)
        kind = CARD_KINDS.get(card.kind)
        console.say(
            # No "of N": a card still learning comes back at the end, and a total that
            # grows as the reader goes ("3 of 22", "4 of 23") says less than "Left:".
            f"Card {session.position + 1}"
            + (f", a {kind}" if kind else "")
            + f", in {place}. Left: {new} new, {learning} learning, {due} to review."
        )
        console.show(["Question:", *markdown_page(card.question, width, definitions).lines])
        shown_at = time.monotonic()
        while True:
            # q named until a card is rated; after that only what a listener hears at
            # every card (any other word is told all three).
            answer = console.ask(
                "Enter shows the answer, q ends: "
                if not session.reviewed
                else "Enter shows the answer: "
            )
            if answer is None:
                raise _EndOfInput
            word = answer.strip().lower()
            if word in ("q", "quit", "end"):
                return "quit"
            if word in ("o", "open"):
                return "open"
            if not word:
                break
            console.say("Press Enter to see the answer, o to open the card's section, q to end.")
        console.show(["Answer:", *markdown_page(card.answer, width, definitions).lines])
        intervals = session.study.preview(card, local_now())
        from reader.review import format_interval

        spoken = {rating: _spoken(format_interval(intervals[rating])) for rating in RATING_NAMES}
        choices = "; ".join(
            f"{rating} {name}, {spoken[rating]}" for rating, name in RATING_NAMES.items()
        )
        console.say(f"Ratings: {choices}.")
        while True:
            typed = console.ask(
                "Rate it, 1 to 4, q ends: " if not session.reviewed else "Rate it, 1 to 4: "
            )
            if typed is None:
                raise _EndOfInput
            word = typed.strip().lower()
            if word in ("q", "quit", "end"):
                return "quit"
            if word in ("o", "open"):
                return "open"
            rating = RATING_WORDS.get(word) or (int(word) if word in ("1", "2", "3", "4") else 0)
            if rating:
                break
            console.say("Type 1 Again, 2 Hard, 3 Good or 4 Easy (or q to end the review).")
        elapsed = round((time.monotonic() - shown_at) * 1000)
        with self.signals.held():
            session.rate(rating, local_now(), elapsed)
        self.tell(session.study.store.take_notices())
        console.say(f"{RATING_NAMES[rating]}: due again in {spoken[rating]}.")
        return "rated"


class _ReviewSession(ReviewRound):
    """The app's review queue and tally (`ReviewRound`), summed up in one line."""

    def summary(self) -> str:
        ended = "Review finished" if self.finished else "Review ended"
        noun = "card" if self.reviewed == 1 else "cards"
        tally = ", ".join(f"{name} {self.ratings[rating]}" for rating, name in RATING_NAMES.items())
        return f"{ended}: {self.reviewed} {noun} reviewed ({tally})."


def _next_due_line(study: Study) -> str:
    """What is due now, or when the next card falls due, as the app's review says it."""
    from reader.study import describe_when, local_now

    due_now = len(study.queue())
    if due_now:
        return f"Still due now: {due_now} (new cards within today's limit included): type review."
    due = study.next_due()
    if due is None:
        return "No card is scheduled yet."
    return f"Next card due: {describe_when(due, local_now())}."


def _lines_matching(lines: Sequence[str], query: str) -> list[int]:
    """The 1-based numbers of the lines holding a match of `query` (search's rules)."""
    from reader.search_query import match_spans

    return [number for number, line in enumerate(lines, 1) if line and match_spans(line, query)]


def _line_list(numbers: list[int]) -> str:
    """ "line 3", "lines 3, 5 and 9", "lines 3, 5, 9 and 12 more" """
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    shown = [str(number) for number in numbers[:8]]
    rest = len(numbers) - len(shown)
    if rest:
        return f"lines {', '.join(shown)} and {rest} more"
    return f"lines {', '.join(shown[:-1])} and {shown[-1]}"


_UNITS = {"m": "minute", "h": "hour", "d": "day", "mo": "month", "y": "year"}


def _spoken(interval: str) -> str:
    """Anki's short interval ("10m", "4d", "2.1mo") in words a screen reader says
    right ("10 minutes"): "m" alone would be read as metres."""
    if interval.startswith("<"):
        return "under a minute"
    number = interval.rstrip("mohdy")
    unit = _UNITS.get(interval[len(number) :])
    if unit is None or not number:
        return interval
    return f"{number} {unit}{'' if number == '1' else 's'}"


def _paragraph_start(lines: Sequence[str], number: int) -> int:
    """The first line of the paragraph holding line `number` (after the blank line
    before it), so reading resumes at the start of a sentence."""
    index = min(max(number, 0), len(lines) - 1)
    while index > 0 and lines[index - 1].strip():
        index -= 1
    return index


#: Box-drawing, block and geometric-shape characters (U+2500 to U+25FF): the lines and
#: arrowheads of a diagram, which a screen reader names one by one ("box drawings light
#: horizontal") and a braille line shows as dots.
_DRAWING = dict.fromkeys(range(0x2500, 0x2600), " ")


def _speakable(snippet: str) -> str:
    """A search result's snippet as words: without the "…" marking where it was cut
    (read out as "dot dot dot" at every result) or the drawing characters of a
    diagram it passes through."""
    return " ".join(snippet.translate(_DRAWING).split()).strip("…").strip()


def _wrap(text: str, width: int) -> list[str]:
    """A one-line text wrapped at spaces to `width` (a snippet under its result)."""
    import textwrap

    return textwrap.wrap(text, max(10, width), break_long_words=True) or [text]


# --------------------------------------------------------------------------- entry point


def run_plain(
    pack: Pack,
    *,
    restricted: bool,
    no_state: bool,
    state_dir: Path | None,
    start_review: bool = False,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> int:
    """The plain session until quit, the end of input, Ctrl-C or a hang-up; the place
    is saved on every way out. 0 on quit, end of input or a hang-up; 130 after Ctrl-C;
    an error of ours is one line on stderr (its details in the log, as the app's) and
    EXIT_INTERNAL."""
    in_stream = stdin if stdin is not None else sys.stdin
    out_stream = stdout if stdout is not None else sys.stdout
    signals = _Signals()
    store = StateStore.open(pack.root, pack.title, state_dir=state_dir, enabled=not no_state)
    console = _Console(in_stream, out_stream, signals)
    session: PlainReader | None = None
    code = 0
    signals.install()
    try:
        try:
            session = PlainReader(
                pack,
                console,
                signals,
                store,
                restricted=restricted,
                saving=not no_state,
                state_dir=state_dir,
            )
            session.start(start_review=start_review)
            session.loop()
            _goodbye(console, store, newline=False)
        # Each way out first holds the signals: a dropped terminal announces itself
        # twice (EIO on the write, then SIGHUP), and the second must not interrupt the
        # first's handling with a traceback.
        except _EndOfInput:
            signals.hold_for_good()
            _goodbye(console, store, newline=True)
        except (_Ended, KeyboardInterrupt) as ended:
            signals.hold_for_good()
            signum = ended.signum if isinstance(ended, _Ended) else signal.SIGINT
            if signum == signal.SIGINT:
                code = EXIT_INTERRUPTED
                with contextlib.suppress(Exception):
                    console.newline()
                    console.say("Interrupted." + _kept(store))
            # A hang-up or SIGTERM: the terminal is gone, nothing more is written.
        except (BrokenPipeError, ConnectionError):
            signals.hold_for_good()
            _silence(out_stream)
        except OSError as error:  # the terminal went away (EIO) or cannot be written
            signals.hold_for_good()
            if not _output_gone(error):
                code = _internal_error(error, restricted, store)
            _silence(out_stream)
        except Exception as error:  # a bug of ours: one line, the details only to a log
            signals.hold_for_good()
            code = _internal_error(error, restricted, store)
    except _Ended as late:  # a signal in the instant before a handler above held them
        if late.signum == signal.SIGINT and not code:
            code = EXIT_INTERRUPTED
    finally:
        signals.hold_for_good()
        if session is not None:
            session.save_place()
            session.close()
        with contextlib.suppress(Exception):
            out_stream.flush()
        signals.restore()
    return code


def _kept(store: StateStore) -> str:
    return " Your place is saved." if store.saving else ""


def _goodbye(console: _Console, store: StateStore, *, newline: bool) -> None:
    with contextlib.suppress(OSError, ValueError):
        if newline:
            console.newline()
        console.quiet = False
        console.say("Goodbye." + _kept(store))


def _output_gone(error: OSError) -> bool:
    import errno

    return error.errno in (errno.EIO, errno.EPIPE, errno.ENXIO, errno.EBADF)


def _internal_error(error: BaseException, restricted: bool, store: StateStore) -> int:
    from reader.crash import report_internal_error

    saving_in = store.path.parent.parent if store.saving and store.path is not None else None
    return report_internal_error(error, restricted=restricted, state_dir=saving_in)


def _silence(stream: TextIO) -> None:
    """After the output closed, let Python exit without complaining of the lost flush."""
    try:
        fileno = stream.fileno()
    except (AttributeError, ValueError, OSError):
        return
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, fileno)
        os.close(devnull)
