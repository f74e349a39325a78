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

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs", markup=False)
        yield Static(id="status", markup=False)

    def show_place(self, pack_title: str, breadcrumb: str) -> None:
        text = Text(sanitize_line(pack_title), style="bold")
        if breadcrumb:
            text.append("  ›  ").append(sanitize_line(breadcrumb))
        self.query_one("#crumbs", Static).update(text)

    def show_status(self, *parts: str) -> None:
        self.query_one("#status", Static).update(Text("  ·  ".join(p for p in parts if p)))
