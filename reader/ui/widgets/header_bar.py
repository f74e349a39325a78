"""The top line: where the reader is (pack › section path) and how far they have got."""

from __future__ import annotations

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from reader.glyphs import current as current_glyphs
from reader.sanitize import sanitize_line

__all__ = ["HeaderBar"]


class HeaderBar(Widget):
    """Breadcrumb on the left (cut with an ellipsis), match counter and progress on the right.

    One widget drawing one line, not a row of Statics: a new breadcrumb or percentage
    repaints this line without laying out the screen again, and the first frame has
    two widgets fewer to style, place and render.
    """

    COMPONENT_CLASSES = {"header-bar--status"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.place = ""  # plain text, as shown before any cut
        self.status = ""

    def show_place(self, pack_title: str, breadcrumb: str) -> None:
        place = sanitize_line(pack_title) + (
            f"{current_glyphs().breadcrumb}{sanitize_line(breadcrumb)}" if breadcrumb else ""
        )
        if place != self.place:
            self.place = place
            self.refresh()

    def show_status(self, *parts: str) -> None:
        status = current_glyphs().separator.join(part for part in parts if part)
        if status != self.status:
            self.status = status
            self.refresh()

    def render(self) -> Text:
        """` place… ` filling the width, then ` status ` (a space either side of each)."""
        place_width = max(0, self.size.width - cell_len(self.status) - 4)
        place = Text(self.place, style="bold", no_wrap=True, end="")
        glyphs = current_glyphs()
        if glyphs.ascii and place.cell_len > place_width:  # Rich's ellipsis is "…"
            place.truncate(max(0, place_width - 3))
            place.append(glyphs.ellipsis if place_width >= 3 else "")
        place.truncate(place_width, overflow="ellipsis")
        gap = " " * (place_width - place.cell_len + 2)
        status_style = self.get_component_rich_style("header-bar--status")
        return Text.assemble(" ", place, gap, (self.status, status_style), " ", end="")
