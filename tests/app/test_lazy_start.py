"""The first screen waits for the files it shows, not for the whole pack.

`load_pack` cuts only the first file into sections; the app draws its first screen,
then cuts the rest before it mounts the outline. A reader resuming in a later file
waits only for the files up to that one.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SIZE, document, header, text_of, wait_until

from reader.pack import load_pack
from reader.ui.app import ReaderApp, create_app

MakePack = Callable[[Path, dict[str, str]], Path]
FILES = {f"{n:02}-part.md": f"# Part {n}\n\nText of part {n}.\n" for n in range(8)}


@pytest.fixture
def slow_sidebar(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hold the sidebar back half a second, so the first screen can be looked at alone."""
    monkeypatch.setattr(ReaderApp, "CHROME_DELAY", 0.5)


@pytest.fixture(autouse=True)
def _lazy_like_a_big_pack(monkeypatch: pytest.MonkeyPatch) -> None:
    """These packs are tiny; a pack up to FIT_AT_START_CHARS is cut whole before the first
    frame (to fit the sidebar). The lazy path under test is every bigger pack's."""
    from reader.ui.screens import main

    monkeypatch.setattr(main, "FIT_AT_START_CHARS", 0)


@pytest.mark.usefixtures("slow_sidebar")
async def test_the_first_screen_waits_only_for_the_first_file(
    tmp_path: Path, make_pack: MakePack, cut_files: list[str]
) -> None:
    app = create_app(load_pack(make_pack(tmp_path, FILES)), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_until(pilot, lambda: view.first_screen_ready, what="the first screen")
        await pilot.pause()
        assert "Text of part 0." in text_of(app)
        assert "Next: Part 1" in text_of(app), "the way on names the next file's section"
        assert cut_files == ["00-part.md", "01-part.md"]
        assert "% read" not in header(app).status, "not known until all are cut"
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
        assert app.pack.loaded and len(cut_files) == len(FILES)
        outline = app.main.outline
        assert outline is not None and len(outline.root.children) == len(FILES)
        assert "% read" in header(app).status


@pytest.mark.usefixtures("slow_sidebar")
async def test_resuming_in_a_later_file_waits_only_for_the_files_up_to_it(
    tmp_path: Path, make_pack: MakePack, cut_files: list[str]
) -> None:
    root, state_dir = make_pack(tmp_path, FILES), tmp_path / "state"
    first = create_app(load_pack(root), state_dir=state_dir)
    async with first.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: first.main.chrome_ready, what="the sidebar")
        first.open_section("part-4")
        await pilot.press("q")
    cut_files.clear()

    again = create_app(load_pack(root), state_dir=state_dir)
    async with again.run_test(size=SIZE) as pilot:
        view = document(again)
        await wait_until(pilot, lambda: view.first_screen_ready, what="the first screen")
        await pilot.pause()
        assert again.current is not None and again.current.id == "part-4"
        assert "Text of part 4." in text_of(again)
        assert cut_files == [f"{number:02}-part.md" for number in range(6)]
        await wait_until(pilot, lambda: again.main.chrome_ready, what="the sidebar")
        assert len(cut_files) == len(FILES)
