"""The panes around the text: the sidebar (search box, outline, results), the
comparison panel, and where focus goes among them."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from reader.files import PackChanged
from reader.ui.widgets.document_view import DocumentView

if TYPE_CHECKING:
    from textual.widget import Widget

    from reader.config import UserConfig
    from reader.pack import Section
    from reader.state import ReadingState
    from reader.ui.screens.main import MainScreen
    from reader.ui.search_controller import SearchController

__all__ = ["PaneHost", "Panes"]


if TYPE_CHECKING:  # a protocol is only for the type checker: no class made at run time

    class PaneHost(Protocol):
        """What the panes need of the app (`ReaderApp` is one)."""

        main: MainScreen
        search: SearchController
        config: UserConfig

        @property
        def current(self) -> Section | None: ...
        @property
        def focused(self) -> Widget | None: ...
        def bell(self) -> None: ...
        def notify(self, message: str, *, markup: bool = ...) -> None: ...
        def update_state(self, change: Callable[[ReadingState], object]) -> None: ...
        def pack_files_changed(self, paths: list[str]) -> None: ...


class Panes:
    """Opens, closes and resizes the panes, and moves focus among them at once
    (`Screen.set_focus`: the keys behind this one go to the new focus, see KeyOrder)."""

    def __init__(self, host: PaneHost) -> None:
        self._host = host

    @property
    def _main(self) -> MainScreen:
        return self._host.main

    def focus_document(self) -> None:
        self._main.query_one("#document", DocumentView).focus()

    def toggle_comparison(self) -> None:
        panel = self._main.comparison
        if panel is None:
            self._host.notify("This pack has no comparison table", markup=False)
            return
        opening = not panel.has_class("-open")
        if opening:
            try:
                panel.load()
            except PackChanged as changed:  # its file changed on disk: say so, stay closed
                self._host.pack_files_changed([changed.path])
                return
        panel.set_class(opening, "-open")
        if opening:
            panel.query_one(DocumentView).focus()
        else:
            self.focus_document()

    def close_comparison(self) -> None:
        if self._main.comparison is not None:
            self._main.comparison.remove_class("-open")

    def toggle_sidebar(self) -> None:
        main, host = self._main, self._host
        shown = not main.query_one("#sidebar").display
        main.show_sidebar(shown)
        outline = main.outline
        if shown and outline is not None:
            outline.focus()
            if host.current is not None:  # hidden, it could not scroll to the section
                outline.call_after_refresh(outline.reveal, host.current.id)
        else:
            self.focus_document()
        if not main.narrow:  # the overlay of a narrow terminal is not a preference
            host.update_state(lambda state: state.set_sidebar_shown(shown))

    def resize_sidebar(self, step: int) -> None:
        """`step` columns wider (or narrower, below 0); a hidden sidebar shows first."""
        main = self._main
        if main.narrow:  # the overlay takes the width it has
            self._host.bell()
            return
        if not main.query_one("#sidebar").display:
            self.toggle_sidebar()
            return
        width = main.resize_sidebar(step)
        if width is None:
            self._host.bell()
            return
        configured = self._host.config.sidebar_width  # which wins next time: see state.py
        self._host.update_state(lambda state: state.set_sidebar_width(width, configured))

    def focus_search(self) -> None:
        main = self._main
        box = main.search_box
        if box is None:
            return
        self.close_comparison()  # on a short terminal it would hide the results
        if self._host.focused is box:
            box.insert_text_at_cursor("/")  # the priority binding took the key from the box
            return
        if not main.query_one("#sidebar").display:
            main.show_sidebar(True)
        box.start_fresh()  # a new query; the old one is a ↑ away
        main.set_focus(box)

    def focus_results(self) -> None:
        results = self._main.results
        if results is not None and results.display:
            self._main.set_focus(results)

    def cycle_focus(self, direction: int) -> None:
        """Tab: search box → outline → reading pane (→ results, when there are some)."""
        main, host = self._main, self._host
        box, outline, results = main.search_box, main.outline, main.results
        sidebar = main.query_one("#sidebar").display
        order: list[Widget] = []
        if box is not None and outline is not None and sidebar:
            order += [box, outline]
        order.append(main.query_one("#document"))
        if results is not None and host.search.hits and sidebar:
            order.append(results)
        focused = host.focused
        place = order.index(focused) if focused in order else min(0, -direction)
        target = order[(place + direction) % len(order)]
        if target is outline and outline is not None and results is not None:
            outline.display, results.display = True, False
            if host.current is not None:
                outline.reveal(host.current.id)
        elif target is results and results is not None and outline is not None:
            results.display, outline.display = True, False
        main.set_focus(target)

    def close_one(self) -> bool:
        """Close the innermost thing open (the comparison, a search, the overlay); False
        when nothing was."""
        main, host = self._main, self._host
        panel = main.comparison
        if panel is not None and panel.has_class("-open"):
            self.toggle_comparison()
        elif host.search.active:
            host.search.clear()
        elif main.narrow and main.sidebar_choice:
            self.toggle_sidebar()
        else:
            return False
        return True

    def back_out(self) -> None:
        """Esc closes whatever is open, innermost first, else the text takes the focus;
        the place is kept."""
        if not self.close_one() and self._host.focused is not self._main.query_one("#document"):
            self.focus_document()
