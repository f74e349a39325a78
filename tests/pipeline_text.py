"""The reading pane's drawing pipeline as plain text, for tests that compare what it shows.

One seam for every test that asks "what words does the reader show for this Markdown":
the fidelity suite (tests/fidelity) and the layout tests of real-world packs. A pack is
loaded and cut into sections as the app does, and each section is drawn by the same model
the reading pane uses (reader.render.document.RenderedDocument), without its footer.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from rich.console import Console

from reader.pack import Pack, Section, load_pack
from reader.render.blocks import BuildContext
from reader.render.document import RenderedDocument
from reader.render.draw import BlockRenderer, RenderStyles

__all__ = ["markdown_text", "pack_text", "section_lines"]

WIDTH = 100


def section_lines(section: Section, width: int = WIDTH) -> list[str]:
    """The lines the reading pane draws for a section (its footer left out)."""
    renderer = BlockRenderer(Console(width=max(width, 200)), RenderStyles())
    context = BuildContext(definitions=section.definitions)
    document = RenderedDocument(section.markdown, renderer, width, context)
    document.fill()
    return [line.rstrip() for line in document.plain_lines()]


def pack_text(pack: Pack, width: int = WIDTH) -> str:
    """Every section of a pack, in reading order, drawn and joined by blank lines."""
    return "\n\n".join("\n".join(section_lines(section, width)) for section in pack.sections)


def markdown_text(markdown: str, width: int = WIDTH, name: str = "example.md") -> str:
    """One file of Markdown as the reader shows it: loaded as a pack of that one file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(markdown, encoding="utf-8", newline="")
        return pack_text(load_pack(path), width)
