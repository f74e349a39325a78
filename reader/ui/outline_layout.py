"""How wide an outline row is, for fitting the sidebar to its titles.

Apart from the Outline widget, so the reading screen can measure before the first frame
without importing Textual's Tree.
"""

from __future__ import annotations

from rich.cells import cell_len

from reader.pack import Section

__all__ = ["GUIDE_DEPTH", "label_width"]

GUIDE_DEPTH = 2  # cells of tree guide per level of nesting


def label_width(section: Section, depth: int) -> int:
    """Cells the outline needs for a section's whole row: guides, fold arrow, marks,
    title and count (what the sidebar's width is fitted to)."""
    count = len(f"  {len(section.children)}0/{len(section.children)}0") if section.children else 0
    title = section.title
    # Printable ASCII takes a cell a character; measured so, 20,000 titles stay out of
    # Rich's cell-width cache (4,096 entries, ~1 MB once full of titles).
    cells = len(title) if title.isascii() and title.isprintable() else cell_len(title)
    return (depth + 1) * GUIDE_DEPTH + 4 + cells + count
