"""What the reading pane tells its screen. Each message's handler is named as if nested
in DocumentView (`on_document_view_link_activated`), and `control` is the view, so
`@on(DocumentView.LinkActivated, "#document")` picks a view by id."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from textual.geometry import Region

    from reader.ui.widgets.document_view import DocumentView

__all__ = ["EndSeen", "LinkActivated", "MatchesChanged", "ReachedEdge", "TermActivated"]


class _ViewMessage(Message):
    def __init__(self, view: DocumentView) -> None:
        super().__init__()
        self.view = view

    @property
    def control(self) -> DocumentView:
        return self.view


class LinkActivated(_ViewMessage, namespace="document_view"):
    """The reader followed a link (Enter on a focused link, or a click)."""

    def __init__(self, view: DocumentView, href: str) -> None:
        super().__init__(view)
        self.href = href


class TermActivated(_ViewMessage, namespace="document_view"):
    """The reader asked for a glossary term's definition (Enter on a marked term, or a
    click): `name` is the name the glossary finds it by, `region` where it is on screen."""

    def __init__(self, view: DocumentView, name: str, region: Region) -> None:
        super().__init__(view)
        self.name = name
        self.region = region


class MatchesChanged(_ViewMessage, namespace="document_view"):
    """The current search match or the number of matches changed."""

    def __init__(self, view: DocumentView, current: int | None, total: int) -> None:
        super().__init__(view)
        self.current = current
        self.total = total


class ReachedEdge(_ViewMessage, namespace="document_view"):
    """Paging past the end of the section (±1), or past its last search match (±2)."""

    def __init__(self, view: DocumentView, direction: int) -> None:
        super().__init__(view)
        self.direction = direction


class EndSeen(_ViewMessage, namespace="document_view"):
    """The last line of the section has been on screen: it counts as read."""
