"""The pack's comparison table in a panel that opens over the reading pane.

It keeps its own reading view, so opening and closing it never moves the reader's
place in the section underneath.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from reader.markdown_syntax import DETAILS_ELEMENT as _DETAILS
from reader.markdown_syntax import TAG as _TAG
from reader.pack import Pack
from reader.sanitize import sanitize_line
from reader.ui.widgets.document_view import DocumentView

__all__ = ["ComparisonPanel", "comparison_markdown"]


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
        # The table's header row, kept in view while its body scrolls (see _keep_head).
        yield Static(id="comparison-header", markup=False)
        document = DocumentView(id="comparison-document")
        document.max_text_width = None  # a wide terminal gives the table all its width
        yield document

    def on_mount(self) -> None:
        found = self.query("#comparison-header")
        if not found:
            return  # mounted as the app shuts down (a quit during start-up): no children
        header = found.first(Static)
        header.styles.height = "auto"
        header.styles.padding = (0, 2)  # as the reading view's text
        header.display = False
        self.watch(self.query_one(DocumentView), "scroll_y", self._keep_head, init=False)

    def _keep_head(self, _scroll: float = 0) -> None:
        """Once the table's header row scrolls out of view, draw it above the view."""
        view = self.query_one(DocumentView)
        header = self.query_one("#comparison-header", Static)
        head = view.table_head()
        scrolled_past = head is not None and round(view.scroll_y) > head[0] + 1
        if scrolled_past and head is not None:
            lines = Text("\n").join(
                Text.assemble(*((segment.text, segment.style or "") for segment in strip))
                for strip in head[1][1:]
            )
            header.update(lines)
        if header.display != scrolled_past:
            header.display = scrolled_past

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
        section = self.pack.get(self.pack.comparison_id or "")
        definitions = section.definitions if section is not None else None
        # Terms marked as in the reading pane (the app decides which glossary, if any).
        glossary_for = getattr(self.app, "glossary_for", None)
        glossary = glossary_for(section) if section is not None and glossary_for else None
        self.query_one(DocumentView).show(markdown, definitions=definitions, glossary=glossary)
        self._loaded = True
