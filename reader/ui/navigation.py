"""Where the reader is and how they move: opening a section, the next and previous
ones, back and forward through history, and following a link."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from reader.files import PackChanged
from reader.sanitize import sanitize_line
from reader.state import Position
from reader.ui.section_footer import internal_target, section_footer
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.header_bar import HeaderBar

if TYPE_CHECKING:
    from textual.notifications import SeverityLevel

    from reader.glossary import Glossary
    from reader.pack import Pack, Section
    from reader.state import ReadingState
    from reader.ui.screens.main import MainScreen
    from reader.ui.search_controller import SearchController

__all__ = ["LAST_SECTION", "Navigation", "NavigationHost"]

LAST_SECTION = "This is the last section: [ goes back"


if TYPE_CHECKING:  # a protocol is only for the type checker: no class made at run time

    class NavigationHost(Protocol):
        """What moving through the pack needs of the app (`ReaderApp` is one)."""

        pack: Pack
        main: MainScreen
        search: SearchController  # marks a result's matches in the section it opens
        reading: ReadingState

        def update_state(self, change: Callable[[ReadingState], object]) -> None: ...
        def footer_keys(self) -> dict[str, str]:
            """The keys a section's footer names, as config.toml's keymap has them."""
            ...

        def refresh_status(self) -> None: ...
        def open_url(self, url: str) -> None: ...
        def glossary_for(self, section: Section) -> Glossary | None: ...
        def pack_files_changed(self, paths: list[str]) -> None: ...
        def notify(
            self,
            message: str,
            *,
            severity: SeverityLevel = ...,
            timeout: float | None = ...,
            markup: bool = ...,
        ) -> None: ...


class Navigation:
    """The section on screen, and every move to another one; each move that lands
    somewhere new is one locked write of the reading state (place and history)."""

    def __init__(self, host: NavigationHost) -> None:
        self._host = host
        self.current: Section | None = None

    @property
    def _document(self) -> DocumentView:
        return self._host.main.query_one("#document", DocumentView)

    def open(
        self,
        section_id: str,
        *,
        scroll: int = 0,
        record: bool = True,
        highlight_query: str | None = None,
        to_match: str = "first",
    ) -> None:
        """Show a section; remember the jump in history unless it is a history move.

        What it shows is read before anything changes: a section whose file changed on
        disk since loading is not opened (the host says so), and the one on screen stays.
        """
        host = self._host
        section = host.pack.get(section_id)
        if section is None:
            return
        try:
            markdown = section.markdown  # what `y` copies: the section, not its footer
            footer = section_footer(host.pack, section, host.reading.read, host.footer_keys())
            definitions = section.definitions
            cards = host.pack.holds_cards(section)
        except PackChanged as changed:
            host.pack_files_changed([changed.path])
            return
        leaving = self.place_now()
        self.current = section
        self._document.show(
            markdown,
            footer=footer,
            definitions=definitions,
            glossary=host.glossary_for(section),
            cards=cards,
            highlighter=host.search.highlighter(highlight_query),
            scroll_to=scroll or None,
            to_match=to_match,
        )
        outline = host.main.outline
        if outline is not None:
            outline.call_after_refresh(outline.reveal, section.id)
        arriving = Position(section.id, float(scroll))

        def remember_jump(state: ReadingState) -> None:  # one locked write per jump
            if leaving is not None:
                state.remember(*leaving)
            if record:
                state.visit(arriving)
            else:  # a history move or a resume: history is already where it should be
                state.stand_at(arriving)

        host.update_state(remember_jump)
        host.main.query_one(HeaderBar).show_place(host.pack.title, section.breadcrumb)
        host.refresh_status()

    def place_now(self) -> tuple[str, float] | None:
        """The section on screen and how far down it is scrolled."""
        if self.current is None:
            return None
        return self.current.id, float(self._document.scroll_y)

    def save_position(self) -> None:
        place = self.place_now()
        if place is not None:
            self._host.update_state(lambda state: state.remember(*place))

    def at_edge(self, direction: int) -> bool:
        """Whether there is no section `direction` steps from this one."""
        if self.current is None:
            return False
        return not 0 <= self.current.index + direction < len(self._host.pack.sections)

    def step(self, direction: int, *, to_end: bool = False) -> None:
        """The next or previous section; `to_end`: scrolled to its end (reading back)."""
        if self.current is None:
            return
        sections = self._host.pack.sections
        index = self.current.index + direction
        if 0 <= index < len(sections):
            self.open(sections[index].id)
            if to_end:
                self._document.action_scroll_end()
        elif direction < 0:
            self._host.notify("This is the first section", markup=False, timeout=3)
        else:
            self._host.notify(LAST_SECTION, markup=False, timeout=3)

    def go(self, direction: int) -> None:
        """Move through history like a browser; the scroll where we were is kept."""
        host = self._host
        self.save_position()
        moved = host.reading.copy()
        position = moved.back() if direction < 0 else moved.forward()
        if position is None or host.pack.get(position.section) is None:
            where = "back to" if direction < 0 else "forward to"
            host.notify(f"Nothing to go {where} yet", markup=False, timeout=3)
            return
        host.update_state(lambda state: state.take_history(moved))
        self.open(position.section, scroll=round(position.scroll), record=False)

    def follow(self, href: str, base: Section | None = None) -> None:
        """A link in the text (of `base`, else of the section on show): a section of the
        pack opens, an external address is shown (never opened on this host), anything
        else says why not."""
        host = self._host
        internal = internal_target(href)  # the footer's own links; content cannot forge one
        if internal is not None and base is None:
            self.open(internal)
            return
        base = base or self.current
        if base is None:
            return
        target = host.pack.resolve(base, href)
        if target.followable and target.section_id:
            self.open(target.section_id)
        elif target.kind == "external":
            host.open_url(href)
        else:
            reason = target.reason or "not a page of this pack"
            host.notify(
                f"Not followed: {sanitize_line(href)} ({sanitize_line(reason)})",
                severity="warning",
                markup=False,
            )
