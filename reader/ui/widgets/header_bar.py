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
        self.parts: list[str] = []  # the pack, the parents, the current section
        self.pack_shown = True  # parts[0] is the pack's title (not left out as a repeat)
        self.status = ""

    def show_place(self, pack_title: str, breadcrumb: str) -> None:
        """`breadcrumb` as `Section.breadcrumb` makes it (titles joined by ` › `); the
        pack title is left out when the first title repeats it (`Index › Index`)."""
        parts = [sanitize_line(title) for title in breadcrumb.split(" › ")] if breadcrumb else []
        title = sanitize_line(pack_title)
        self.pack_shown = not parts or parts[0] != title
        if self.pack_shown:
            parts.insert(0, title)
        place = self._joined(parts)
        if place != self.place:
            self.place, self.parts = place, parts
            self.refresh()

    def _joined(self, parts: list[str]) -> str:
        """The pack set apart (`Pack  ›  A › B`), the section path close together."""
        wide = current_glyphs().breadcrumb
        narrow = f" {wide.strip()} "
        if self.pack_shown and len(parts) > 1:
            return parts[0] + wide + narrow.join(parts[1:])
        return narrow.join(parts)

    def _fit_place(self, width: int) -> str:
        """The place in `width` cells: parents are cut from the outermost (each down to
        `…` before the next is touched; a run of `…` shows as one), then only the
        current title is left, cut at its end."""
        ellipsis = current_glyphs().ellipsis
        parts = list(self.parts)

        def joined() -> str:
            shown = [
                part for n, part in enumerate(parts) if not (n and part == parts[n - 1] == ellipsis)
            ]
            return self._joined(shown)

        for index in range(len(parts) - 1):
            over = cell_len(joined()) - width
            if over <= 0:
                return joined()
            keep = cell_len(parts[index]) - over - cell_len(ellipsis)
            if keep >= 4:  # enough of the title left to recognise it
                cut = Text(parts[index])
                cut.truncate(keep)
                parts[index] = cut.plain.rstrip() + ellipsis
                return joined()
            parts[index] = ellipsis
        return joined() if cell_len(joined()) <= width else parts[-1] if parts else ""

    def show_status(self, *parts: str) -> None:
        status = current_glyphs().separator.join(part for part in parts if part)
        if status != self.status:
            self.status = status
            self.refresh()

    def render(self) -> Text:
        """` place… ` filling the width, then ` status ` (a space either side of each)."""
        place_width = max(0, self.size.width - cell_len(self.status) - 4)
        place = Text(self._fit_place(place_width), style="bold", no_wrap=True, end="")
        glyphs = current_glyphs()
        if glyphs.ascii and place.cell_len > place_width:  # Rich's ellipsis is "…"
            place.truncate(max(0, place_width - 3))
            place.append(glyphs.ellipsis if place_width >= 3 else "")
        place.truncate(place_width, overflow="ellipsis")
        gap = " " * (place_width - place.cell_len + 2)
        status_style = self.get_component_rich_style("header-bar--status")
        return Text.assemble(" ", place, gap, (self.status, status_style), " ", end="")
