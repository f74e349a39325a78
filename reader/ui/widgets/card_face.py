"""A card's face in a review: its Markdown drawn by the reading pane's pipeline, whole.

Not a reading pane (`DocumentView`): a card is a few lines, with nothing to follow,
unfold or search, and `reader review` draws this widget in its first frame, where the
reading pane's machinery (its measuring in slices, its sixteen themed roles) cost ~40 M
instructions, a sixth of what the reader adds to a bare Textual app. It scrolls (`j`,
`k`, the arrows, the wheel) when a card is taller than its box.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from textual.binding import Binding
from textual.geometry import Size
from textual.strip import Strip

from reader.markdown import NO_DEFINITIONS, Definitions
from reader.render.blocks import BuildContext
from reader.render.document import RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles
from reader.ui.widgets.line_view import LineView

__all__ = ["CardFace"]


class CardFace(LineView, can_focus=True):
    """Draws one card's Markdown at its width; see the module docstring."""

    BINDINGS = [
        Binding("j,down", "scroll_down", "Down", show=False, id="card.down"),
        Binding("k,up", "scroll_up", "Up", show=False, id="card.up"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._markdown = ""
        self._definitions: Definitions = NO_DEFINITIONS
        self.document: RenderedDocument | None = None
        #: Before the first layout, the owner's estimate of the text width.
        self.width_hint: Callable[[], int] | None = None
        #: The widest the text is drawn.
        self.max_text_width = 100

    def show(self, markdown: str, definitions: Definitions | None = None) -> None:
        """Draw `markdown` (a card's side, or both), from its top."""
        self._markdown = markdown
        self._definitions = NO_DEFINITIONS if definitions is None else definitions
        self._draw()
        self.scroll_to(0, 0, animate=False, immediate=True)

    def _draw(self) -> None:
        width = self.scrollable_content_region.width
        if not width and self.width_hint is not None:
            width = self.width_hint()
        width = max(4, min(width or 80, self.max_text_width))
        console = Console(width=width, color_system="truecolor", legacy_windows=False)
        document = RenderedDocument(
            self._markdown,
            BlockRenderer(console, RenderStyles(dark=self.app.current_theme.dark)),
            width,
            BuildContext(definitions=self._definitions),
        )
        document.fill()
        self.document = document
        self.virtual_size = Size(width, document.line_count)
        self.refresh()

    def restyle(self) -> None:
        """A new theme (light or dark): drawn again in its colours."""
        if self.document is not None:
            self._draw()

    def on_resize(self) -> None:
        if self.document is not None and self.document.width != self._text_width():
            self._draw()

    def _text_width(self) -> int:
        return max(4, min(self.scrollable_content_region.width or 80, self.max_text_width))

    def render_line(self, y: int) -> Strip:
        (_, scroll_y), width, base = self.frame
        row, document = scroll_y + y, self.document
        if document is None or row >= document.line_count:
            return Strip.blank(width, base)
        drawn = document.line(row)
        line = Strip(drawn.segments, drawn.cell_length)
        return line.crop_extend(0, width, base).apply_style(base)

    # What the review's tests and scrolling ask of a reading pane, answered the same way.
    @property
    def fully_rendered(self) -> bool:
        return self.document is not None

    def plain_lines(self) -> list[str]:
        return [] if self.document is None else list(self.document.plain_lines())

    def render_everything(self) -> None:
        """Everything is drawn at once (a card is small)."""

    def go_to_line(self, line: int) -> None:
        """Scroll to `line` once the new text's height is laid out (just drawn, it is not:
        a scroll now would stop at the old height)."""
        self.call_after_refresh(self.scroll_to, 0, line, animate=False, immediate=True)
