"""Mouse selection and copy in the reading pane, the Textual way: drag to select, the
selection is drawn, `ctrl+c` copies it as plain text; `y` copies the section's Markdown."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import document, wait_rendered, wait_until
from textual.pilot import Pilot

from reader.pack import load_pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.document_view import DocumentView

SOURCE = (
    "# Selecting\n\n"
    "The first paragraph is here.\n\n"
    "Second *styled* paragraph with `code` and a [link](#selecting), **bold** too.\n\n"
    "- a list item\n"
)
SECOND = "Second styled paragraph with code and a link, bold too."


@pytest.fixture
def copying(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[ReaderApp, list[str]]:
    """The reader on a one-file pack of SOURCE, and what reaches its clipboard."""
    root = tmp_path / "pack"
    root.mkdir()
    (root / "select.md").write_text(SOURCE, encoding="utf-8")
    app = create_app(load_pack(root), no_state=True)
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    return app, copied


def at(view: DocumentView, column: int, row: int) -> tuple[int, int]:
    """A screen offset: `column` characters into the drawn line `row` of the view."""
    region = view.content_region
    return region.x + column, region.y + row - round(view.scroll_y)


async def drag(pilot: Pilot, start: tuple[int, int], end: tuple[int, int]) -> None:
    await pilot.mouse_down(None, offset=start)
    await pilot.hover(None, offset=end)
    await pilot.mouse_up(None, offset=end)
    await pilot.pause()


async def test_dragging_over_a_paragraph_copies_exactly_its_text(
    copying: tuple[ReaderApp, list[str]],
) -> None:
    app, copied = copying
    async with app.run_test(size=(110, 30)) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        row = view.plain_lines().index(SECOND)
        await drag(pilot, at(view, 0, row), at(view, len(SECOND) - 1, row))
        assert app.screen.get_selected_text() == SECOND
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: copied, what="a copy")
        assert copied == [SECOND]
        assert all("\x1b" not in text and "[" not in text for text in copied)


async def test_a_selection_over_several_lines_is_drawn_and_copied_as_drawn(
    copying: tuple[ReaderApp, list[str]],
) -> None:
    app, copied = copying
    async with app.run_test(size=(110, 30)) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        lines = view.plain_lines()
        first = lines.index("The first paragraph is here.")
        await drag(pilot, at(view, 4, first), at(view, 5, first + 2))
        assert app.screen.get_selected_text() == f"first paragraph is here.\n\n{SECOND[:6]}"
        selected = app.screen.get_component_rich_style("screen--selection")
        drawn = view.render_line(first - round(view.scroll_y))
        styled = "".join(
            segment.text
            for segment in drawn
            if segment.style is not None and segment.style.bgcolor == selected.bgcolor
        )
        assert styled == "first paragraph is here.", "the selection is drawn"
        await pilot.press("ctrl+c")
        await wait_until(pilot, lambda: copied, what="a copy")
        assert copied == [f"first paragraph is here.\n\n{SECOND[:6]}"]


async def test_ctrl_c_without_a_selection_copies_nothing(
    copying: tuple[ReaderApp, list[str]],
) -> None:
    app, copied = copying
    async with app.run_test(size=(110, 30)) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        await pilot.press("ctrl+c")
        await pilot.press("y")  # the positive control: the same wait sees a copy arrive
        await wait_until(pilot, lambda: copied, what="the section's copy")
        assert copied == [SOURCE], "ctrl+c with nothing selected copied nothing"


async def test_y_copies_the_section_as_it_is_in_the_file(
    copying: tuple[ReaderApp, list[str]],
) -> None:
    app, copied = copying
    async with app.run_test(size=(110, 30)) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        await pilot.press("y")
        await wait_until(pilot, lambda: copied, what="a copy")
        assert copied == [SOURCE]
        assert "Next" not in copied[0], "the section only: not the footer's links"
