"""Search as you type: runs queries off the UI thread and keeps the results in order.

The index is opened or built in a worker after the first screen (the pack's shared index
when a fresh one exists, else cached on disk by content hash when state is allowed;
restricted mode only reads, never writes, either), so opening a big pack never waits.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from reader.sanitize import sanitize_line
from reader.ui.memory import freeze_long_lived

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel
    from textual.widget import Widget

    from reader.pack import Pack
    from reader.search import SearchHit, SearchIndex
    from reader.state_store import StateStore
    from reader.ui.screens.main import MainScreen

__all__ = ["SearchController", "SearchHost"]

RESULT_LIMIT = 20
#: The id of the result that is a glossary definition (a section id is a slug: no colon).
DEFINITION_PREFIX = "define:"
TYPE_TO_SEARCH = "Type to search the whole pack"
INDEX_DELAY = 0.3  # seconds after the first paint before indexing starts
#: What the header says while one character searches titles only (`title_letter`).
TITLES_ONLY = "titles starting with “{letter}” · type more to search the text"
NO_TITLES = "No title starts with “{letter}” · type more to search the text"


if TYPE_CHECKING:  # a protocol is only for the type checker: no class made at run time

    class SearchHost(Protocol):
        """What the controller needs of the app (`ReaderApp` is one): the pack, the screen
        its results show on, a way to open a section, and Textual's scheduling."""

        pack: Pack
        restricted: bool  # the index cache is only read, never written
        store: StateStore  # saving or not: whether the index is cached on disk
        main: MainScreen

        def open_section(
            self, section_id: str, *, highlight_query: str | None = ..., to_match: str = ...
        ) -> None: ...
        def refresh_status(self) -> None: ...
        def notify(
            self,
            message: str,
            *,
            severity: SeverityLevel = ...,
            timeout: float | None = ...,
            markup: bool = ...,
        ) -> None: ...
        def bell(self) -> None: ...
        def define(self, name: str) -> None: ...
        def call_after_refresh(self, callback: Callable[..., Any], *args: Any) -> bool: ...
        def set_timer(self, delay: float, callback: Callable[[], Any] | None = ...) -> Any: ...
        def run_worker(
            self, work: Callable[[], Any], *, name: str | None, group: str, exclusive: bool,
            thread: bool,
        ) -> Any: ...  # fmt: skip


class SearchController:
    """Owns the index, the current query and its results for one app."""

    def __init__(self, app: SearchHost) -> None:
        self.app = app
        self.index: SearchIndex | None = None
        self.query = ""
        self.hits: list[SearchHit] = []
        self.result_position: int | None = None
        self.match_current: int | None = None
        self.match_total = 0
        #: The one character the shown results are titles starting with (None: the text).
        self.title_letter: str | None = None
        self._failed = False
        self._box_focused = False

    @property
    def active(self) -> bool:
        return bool(self.query.strip())

    # --------------------------------------------------------------- indexing
    def start_indexing(self) -> None:
        """Start once the first screen is on the terminal, so it never waits for us."""
        self.app.call_after_refresh(self.app.set_timer, INDEX_DELAY, self._start_worker)

    def _start_worker(self) -> None:
        self.app.run_worker(
            self._build, thread=True, group="index", exclusive=True, name="search-index"
        )

    def _build(self) -> SearchIndex | Exception:
        """Open the shared index, or read or build the per-user one, in a worker thread
        (`open_pack_index`, as `reader --search` does). The app hands the result over
        when the worker ends (`index_built`): a thread that waited on the app's loop
        (`call_from_thread`) after the app had stopped held the process at exit."""
        from reader.search import open_pack_index  # SQLite: after the first screen

        try:
            return open_pack_index(
                self.app.pack,
                saving=self.app.store.saving,
                restricted=self.app.restricted,  # restricted mode writes only reading state
            )
        except Exception as error:  # never let indexing take the reader down
            return error

    def index_built(self, built: SearchIndex | Exception) -> None:
        """The index worker's result, on the UI thread."""
        if isinstance(built, Exception):
            self._index_failed(built)
        else:
            self._ready(built)

    def _ready(self, index: SearchIndex) -> None:
        self.index = index
        freeze_long_lived()  # the index, and the pack's text parsed for it, stay till the end
        if self.active:
            self.run(self.query)

    def _index_failed(self, error: Exception) -> None:
        self._failed = True
        self.app.notify(f"Search is unavailable: {error}", severity="error", markup=False)

    # --------------------------------------------------------------- querying
    def focus_moved(self, focused: Widget | None) -> None:
        """The results list takes the outline's place as soon as the search box has
        focus, not at the first typed key (relaying out the sidebar cost that key
        ~40 ms); with nothing typed, focus elsewhere gives the outline back."""
        main = self.app.main
        self._box_focused = focused is not None and focused in (main.search_box, main.results)
        if not self.active:
            self._swap(searching=self._box_focused)

    def _swap(self, *, searching: bool) -> None:
        results, outline = self.app.main.results, self.app.main.outline
        if results is None or outline is None:
            return  # the sidebar is not mounted yet
        if searching and not self.active:
            results.show_hits([], TYPE_TO_SEARCH)
        results.display, outline.display = searching, not searching

    def run(self, query: str) -> None:
        """Search for `query` (empty: the outline again, once the box is left)."""
        self.query = query
        results = self.app.main.results
        if results is None:
            return  # the sidebar is not mounted yet: nothing to show results in
        if not self.active:
            self.hits, self.result_position, self.title_letter = [], None, None
            self._swap(searching=self._box_focused)
            self.app.refresh_status()
            return
        self._swap(searching=True)
        if self.index is None:
            self.title_letter = None
            results.show_hits([], "Search is unavailable" if self._failed else "Indexing…")
            return
        # On the UI thread: a query takes a few milliseconds (p95 under 10 ms on 3.5 MB),
        # less than handing it to a thread and back, and results arrive in typing order.
        self._show(query, self.index.search(query, limit=RESULT_LIMIT))

    def _show(self, query: str, hits: list[SearchHit]) -> None:
        if query != self.query:
            return  # a newer keystroke has already asked again
        from reader.search import title_letter  # loaded with the index

        # One character finds titles only (the index decides; the same rule says so here).
        letter = title_letter(query)
        self.title_letter = None if letter is None else sanitize_line(letter)
        definition = self._definition(query)
        if definition is not None:
            hits = [definition, *hits]
        self.hits = hits
        self.result_position = None
        if self.app.main.results is not None:
            if self.title_letter is not None:
                nothing = NO_TITLES.format(letter=self.title_letter)
            else:
                nothing = f"Nothing matches “{sanitize_line(query)}”"
            self.app.main.results.show_hits(hits, nothing)
        self.app.refresh_status()

    def _definition(self, query: str) -> SearchHit | None:
        """A query that is exactly a glossary term (or one of its names) finds its
        definition first."""
        pack = self.app.pack
        if not pack.has_glossary or not pack.glossary.defines(query):
            return None
        glossary = pack.glossary
        entry = glossary.lookup(query)
        if entry is None:
            return None
        from reader.markdown import search_text
        from reader.search import SearchHit, one_line

        snippet = one_line(search_text(entry.definition))[:400]
        return SearchHit(
            id=DEFINITION_PREFIX + entry.names[0],
            title=f"Definition: {one_line(entry.term)}",
            path="Glossary",
            snippet=snippet,
            snippet_spans=(),
            title_spans=((len("Definition: "), len("Definition: ") + len(one_line(entry.term))),),
            score=float("inf"),
            kind="definition",
        )

    def open_first(self) -> None:
        """Enter in the search box: the best section (a definition listed first is
        there to read; choosing it in the results shows it in full)."""
        sections = [hit for hit in self.hits if hit.kind == "section"]
        if sections:
            self.open_result(sections[0].id)
        elif self.hits:
            self.open_result(self.hits[0].id)
        elif self.active:
            self.app.notify("No results to open", markup=False, timeout=2)

    def open_highlighted(self) -> None:
        """Enter in the results: the highlighted one."""
        results, hits = self.app.main.results, self.hits
        if results is not None and results.highlighted is not None and hits:
            self.open_result(hits[min(results.highlighted, len(hits) - 1)].id)

    def open_result(self, section_id: str) -> None:
        """Open a result with its matches marked; the reading pane takes focus and the
        query stays a ↑ away in the box."""
        main = self.app.main
        if main.search_box is not None:
            main.search_box.remember(self.query)
        if section_id.startswith(DEFINITION_PREFIX):
            self.app.define(section_id.removeprefix(DEFINITION_PREFIX))
            return
        ids = [hit.id for hit in self.hits]
        self.result_position = ids.index(section_id) if section_id in ids else None
        if self.result_position is not None and main.results is not None:
            # The cursor on what opened (past a definition listed first), so the list
            # and n/N agree on where the reader is.
            main.results.highlight(self.result_position)
        self.app.open_section(section_id, highlight_query=self.query)
        main.set_focus(main.query_one("#document"))  # at once: see KeyOrder

    def next_result(self, direction: int) -> None:
        """n/N ran past the last match of this section: continue in the next result."""
        if not self.hits:
            self.app.bell()
            return
        position = self.result_position if self.result_position is not None else -1
        following = position + direction
        while 0 <= following < len(self.hits) and self.hits[following].kind != "section":
            following += direction  # a definition has no matches to step through
        if not 0 <= following < len(self.hits):
            self.app.notify("No more results", markup=False, timeout=2)
            return
        self.result_position = following
        self.app.open_section(
            self.hits[following].id,
            highlight_query=self.query,
            to_match="first" if direction > 0 else "last",
        )

    def matches_changed(self, current: int | None, total: int) -> None:
        """The reading pane's matches of the query: `current` of `total` (for the header)."""
        self.match_current, self.match_total = current, total
        self.app.refresh_status()

    def highlighter(self, query: str | None) -> Callable[[str], list[tuple[int, int]]] | None:
        if not query or not query.strip():
            return None
        from reader.search_query import match_spans  # SQLite loads only once searching

        return partial(match_spans, query=query)

    def clear(self) -> None:
        """No search: the box empty (its query a ↑ away), no marks in the text, and the
        reading pane focused."""
        from reader.ui.widgets.document_view import DocumentView  # loaded with the screen

        main = self.app.main
        if main.search_box is not None:
            main.search_box.remember(self.query)
            main.search_box.value = ""
        self.run("")
        document = main.query_one("#document", DocumentView)
        document.set_highlighter(None, to_first_match=False)
        main.set_focus(document)

    def status(self) -> str:
        """The header's word on the search: titles only (until a result is opened), or
        where the reader is among the open section's matches."""
        if not self.active:
            return ""
        if self.title_letter is not None and self.result_position is None:
            return TITLES_ONLY.format(letter=self.title_letter)
        if not self.match_total:
            return ""
        if self.match_current is None:
            return f"{self.match_total} matches"
        return f"match {self.match_current + 1} of {self.match_total}"
