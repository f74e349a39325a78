"""GitHub-flavoured Markdown in the running app (issue 17): footnote markers are focused
and followed like links, a reference link follows like any link, and a pack laid out as
the Node.js API docs shows neither `][` nor the text of its HTML comments."""

from __future__ import annotations

from pathlib import Path

from conftest import document, text_of, wait_rendered

from reader.pack import load_pack
from reader.ui.app import create_app

SHOWCASE = Path(__file__).parent / "gfm_pack"
SIZE = (80, 40)


async def test_f_reaches_a_footnote_marker_and_enter_goes_to_the_note_and_back(
    tmp_path: Path,
) -> None:
    markdown = "# Notes\n\nA claim.[^n]\n\n" + "Filler paragraph.\n\n" * 60 + "[^n]: The source.\n"
    (tmp_path / "notes.md").write_text(markdown, encoding="utf-8")
    app = create_app(load_pack(tmp_path), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        await pilot.press("f")
        spot = view._navigator.focused_spot
        assert spot is not None and (spot.kind, spot.line) == ("note", 3)
        await pilot.press("enter")
        await pilot.pause()
        spot = view._navigator.focused_spot
        assert spot is not None and spot.kind == "noteback"
        assert view.document.plain_line(spot.line).strip() == "1. The source. ↩"
        top = round(view.scroll_y)
        assert top <= spot.line < top + view.size.height, "the note is on screen"
        await pilot.press("enter")
        await pilot.pause()
        spot = view._navigator.focused_spot
        assert spot is not None and (spot.kind, spot.line) == ("note", 3)
        assert round(view.scroll_y) <= 3, "back at the marker"


async def test_a_reference_link_is_followed_like_any_link() -> None:
    app = create_app(load_pack(SHOWCASE), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_rendered(pilot, document(app))
        await pilot.press("f")
        assert document(app).focused_href == "#tables"
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.title == "Tables"


async def test_the_showcase_hides_comments_and_resolves_every_reference() -> None:
    app = create_app(load_pack(SHOWCASE), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_rendered(pilot, document(app))
        shown = text_of(app)
        for hidden in ("YAML", "pr-url", "a hidden history", "]["):
            assert hidden not in shown
        assert "[image: The project logo]" in shown
        assert "Check File access constants and the stat call" in " ".join(shown.split())
