"""The pack's comparison table in a panel that opens over the reading pane.

It keeps its own reading view, so opening and closing it never moves the reader's
place in the section underneath.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from reader.pack import Pack
from reader.sanitize import sanitize_line
from reader.ui.widgets.document_view import DocumentView

__all__ = ["ComparisonPanel", "comparison_markdown"]

_DETAILS = re.compile(
    r"<details\b[^>]*>\s*(?:<summary[^>]*>(?P<summary>.*?)</summary\s*>)?(?P<body>.*?)</details\s*>",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]{0,400}>")


def comparison_markdown(pack: Pack) -> tuple[str, str] | None:
    """Title and Markdown of the pack's comparison: its `<details>` block, opened."""
    section = pack.get(pack.comparison_id) if pack.comparison_id else None
    if section is None:
        return None
    match = _DETAILS.search(section.markdown)
    if match is None:
        return section.title, section.markdown
    title = sanitize_line(_TAG.sub("", match["summary"] or "")) or section.title
    return title, match["body"]


class ComparisonPanel(Vertical):
    """Title line plus a reading view of the comparison; `c` or Esc closes it."""

    def __init__(self, pack: Pack, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.pack = pack
        self._loaded = False

    def compose(self) -> ComposeResult:
        yield Static(id="comparison-title", markup=False)
        yield DocumentView(id="comparison-document")

    def load(self) -> None:
        """Render on first open only: most sessions never open it."""
        if self._loaded:
            return
        found = comparison_markdown(self.pack)
        if found is None:
            return
        title, markdown = found
        self.query_one("#comparison-title", Static).update(
            Text.assemble((title, "bold"), ("   c or Esc closes", "dim"))
        )
        self.query_one(DocumentView).show(markdown)
        self._loaded = True
