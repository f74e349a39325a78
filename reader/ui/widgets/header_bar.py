"""The top line: where the reader is (pack › section path) and how far they have got."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from reader.sanitize import sanitize_line

__all__ = ["HeaderBar"]


class HeaderBar(Horizontal):
    """Breadcrumb on the left, match counter and progress on the right."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs", markup=False)
        yield Static(id="status", markup=False)

    def show_place(self, pack_title: str, breadcrumb: str) -> None:
        place = sanitize_line(pack_title) + (
            f"  ›  {sanitize_line(breadcrumb)}" if breadcrumb else ""
        )
        if self._changed("crumbs", place):
            self.query_one("#crumbs", Static).update(Text(place, style="bold"))

    def show_status(self, *parts: str) -> None:
        status = "  ·  ".join(part for part in parts if part)
        if self._changed("status", status):
            self.query_one("#status", Static).update(Text(status))

    def _changed(self, part: str, text: str) -> bool:
        """Updating a Static relays out the whole screen: only do it for new text."""
        if self._shown.get(part) == text:
            return False
        self._shown[part] = text
        return True
