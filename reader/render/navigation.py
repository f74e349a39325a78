"""Where the reader's focus is in a document: the focused link or summary, and the
current search match. Textual-free, so the rules are tested without an app."""

from __future__ import annotations

from reader.render.document import RenderedDocument
from reader.render.draw import Spot

__all__ = ["FOCUS", "MATCH_CURRENT", "Navigator", "first_of_each"]

FOCUS = "document--focus"
MATCH_CURRENT = "document--match-current"


class Navigator:
    """The focused item (link or summary) and the current match of one document.

    Items and matches are the document's spots; a wrapped link has a spot per line,
    and moving the focus steps over links, not spots.
    """

    def __init__(self, document: RenderedDocument | None = None) -> None:
        self.document = document
        self.focused: int | None = None  # index into document.items
        self.current_match: int | None = None  # index into document.matches

    @property
    def items(self) -> list[Spot]:
        return self.document.items if self.document is not None else []

    @property
    def matches(self) -> list[Spot]:
        return self.document.matches if self.document is not None else []

    def next_item(self, direction: int, top_line: float) -> Spot | None:
        """Focus the next (+1) or previous (-1) link or summary; the first step goes to
        the first one on screen (from `top_line`) or the last one. None: there is none."""
        items = self.items
        if not items:
            return None
        distinct = first_of_each(items)
        if self.focused is None or self.focused >= len(items):
            on_screen = [index for index in distinct if items[index].line >= top_line]
            target = (on_screen or distinct)[0] if direction > 0 else distinct[-1]
        else:
            focused = items[self.focused]
            current = next(
                position
                for position, index in enumerate(distinct)
                if (items[index].kind, items[index].number) == (focused.kind, focused.number)
            )
            target = distinct[(current + direction) % len(distinct)]
        self.focused = target
        return items[target]

    def focus(self, kind: str, number: int) -> Spot | None:
        """Focus link or summary `number` (clicked, or a summary just toggled)."""
        for index, spot in enumerate(self.items):
            if spot.kind == kind and spot.number == number:
                self.focused = index
                return spot
        return None

    @property
    def focused_spot(self) -> Spot | None:
        items = self.items
        if self.focused is None or self.focused >= len(items):
            return None
        return items[self.focused]

    @property
    def focused_href(self) -> str | None:
        spot = self.focused_spot
        links = self.document.links if self.document is not None else []
        if spot is None or spot.kind != "link" or spot.number >= len(links):
            return None
        return links[spot.number]

    def next_match(self, direction: int) -> Spot | None:
        """Make the next (+1) or previous (-1) match current; None past either end."""
        matches = self.matches
        if self.current_match is None:
            following = 0 if direction > 0 else len(matches) - 1
        else:
            following = self.current_match + direction
        if not 0 <= following < len(matches):
            return None
        self.current_match = following
        return matches[following]

    def emphasis(self, row: int) -> list[tuple[Spot, str]]:
        """The spots on line `row` drawn in a mark, and the mark's role."""
        marks: list[tuple[Spot, str]] = []
        focused = self.focused_spot
        if focused is not None:
            marks.extend(
                (spot, FOCUS)
                for spot in self.items
                if spot.line == row and (spot.kind, spot.number) == (focused.kind, focused.number)
            )
        matches = self.matches
        if self.current_match is not None and self.current_match < len(matches):
            current = matches[self.current_match]
            if current.line == row:
                marks.append((current, MATCH_CURRENT))
        return marks


def first_of_each(items: list[Spot]) -> list[int]:
    """Indices of the first spot of each link/summary (a wrapped link has several)."""
    seen: set[tuple[str, int]] = set()
    firsts: list[int] = []
    for index, spot in enumerate(items):
        if (spot.kind, spot.number) not in seen:
            seen.add((spot.kind, spot.number))
            firsts.append(index)
    return firsts
