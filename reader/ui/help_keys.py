"""The help screen's list of keys, by where they work, straight from the bindings."""

from __future__ import annotations

from collections.abc import Sequence

from textual.binding import Binding, BindingType

__all__ = ["help_groups"]


def help_groups(everywhere: Sequence[BindingType]) -> list[tuple[str, list[BindingType]]]:
    """Every key by where it works; `everywhere`: the app's and the screen's bindings."""
    from reader.ui.screens.bookmarks import BookmarksScreen
    from reader.ui.screens.external_link import ExternalLinkScreen
    from reader.ui.screens.review import ReviewScreen
    from reader.ui.widgets.document_view import DocumentView
    from reader.ui.widgets.outline import Outline
    from reader.ui.widgets.search_box import SearchBox
    from reader.ui.widgets.search_results import SearchResults

    return [
        (
            "Everywhere",
            [
                *everywhere,
                Binding("ctrl+p", "command_palette", "Commands"),
                Binding("ctrl+q", "quit", "Quit"),
            ],
        ),
        (
            "Reading pane",
            [
                *DocumentView.BINDINGS,
                Binding("up,down,pageup,pagedown,home,end", "", "Scroll"),
                Binding("ctrl+c", "", "Copy the text selected with the mouse (drag)"),
            ],
        ),
        ("Outline", [*Outline.BINDINGS, Binding("enter", "", "Open section")]),
        ("Search", [*SearchBox.BINDINGS, *SearchResults.BINDINGS]),
        ("Review (r)", list(ReviewScreen.BINDINGS)),
        ("Bookmarks list", list(BookmarksScreen.BINDINGS)),
        ("External link", list(ExternalLinkScreen.BINDINGS)),
    ]
