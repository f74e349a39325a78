"""Always know where you are (issue 15): the outline marks and shows the current section,
the header shortens parents before the current title, the sidebar fits its titles and
is remembered, and progress counts only what was really read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import (
    CONTENT,
    SIZE,
    document,
    header,
    text_of,
    wait_past_dwell,
    wait_rendered,
    wait_until,
)
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from reader.pack import Pack, load_pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.main import SIDEBAR_CHROME
from reader.ui.section_footer import internal_href, section_markdown
from reader.ui.widgets.header_bar import HeaderBar
from reader.ui.widgets.outline import CURRENT_MARK, Outline

DEEP = "topical-calcineurin-inhibitors"
LONG_SECTION = "points-to-remember"


async def started(pilot: Pilot, app: ReaderApp) -> None:
    await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
    await wait_rendered(pilot, document(app))
    await pilot.pause()


def outline(app: ReaderApp) -> Outline:
    return app.main.query_one("#outline", Outline)


def sidebar_width(app: ReaderApp) -> int:
    return app.main.query_one("#sidebar").outer_size.width


def cursor_in_view(app: ReaderApp, section_id: str) -> bool:
    tree = outline(app)
    node = tree.cursor_node
    if node is None or node.data != section_id:
        return False
    top = round(tree.scroll_y)
    return top <= tree.cursor_line < top + tree.scrollable_content_region.height


def node_label(app: ReaderApp, section_id: str):  # type: ignore[no-untyped-def]
    node = outline(app).node_for(section_id)
    assert node is not None, section_id
    return node.label


# --------------------------------------------------------------------------- outline


@pytest.mark.parametrize("size", [(100, 14), (60, 14)])
async def test_outline_marks_and_shows_the_current_section(
    app: ReaderApp, size: tuple[int, int]
) -> None:
    """Wide: the tree; narrow: the overlay. The cursor follows, the section is in view."""
    async with app.run_test(size=size) as pilot:
        await started(pilot, app)
        app.open_section(DEEP)
        await pilot.pause()
        if app.main.narrow:
            await pilot.press("s")
        await wait_until(
            pilot,
            lambda: cursor_in_view(app, DEEP),
            what=lambda: f"cursor on {outline(app).cursor_node} at line {outline(app).cursor_line}",
        )
        label = node_label(app, DEEP)
        assert str(label).startswith(CURRENT_MARK)
        assert "bold" in str(label.style) or any("bold" in str(s.style) for s in label.spans)
        assert not str(node_label(app, "start-here")).startswith(CURRENT_MARK)


async def test_outline_overlay_uses_nearly_the_full_width(app: ReaderApp) -> None:
    async with app.run_test(size=(40, 12)) as pilot:
        await started(pilot, app)
        await pilot.press("s")
        await pilot.pause()
        assert sidebar_width(app) >= 36


# --------------------------------------------------------------------------- header


class HeaderOnly(App[None]):
    def compose(self) -> ComposeResult:
        yield HeaderBar(id="header")


async def test_header_shortens_parents_before_the_current_title() -> None:
    app = HeaderOnly()
    async with app.run_test(size=(60, 3)) as pilot:
        bar = app.query_one(HeaderBar)
        bar.show_place(
            "Eczema: is it autoimmune?",
            "Treatments that target immune pathways › Calming inflammation in the skin"
            " › Topical calcineurin inhibitors",
        )
        bar.show_status("12% read")
        await pilot.pause()
        line = str(bar.render())
        assert "Topical calcineurin inhibitors" in line, line
        assert "…" in line and line.index("…") < line.index("Topical"), line
        assert len(line) == 60


async def test_header_does_not_repeat_the_pack_title() -> None:
    app = HeaderOnly()
    async with app.run_test(size=(60, 3)) as pilot:
        bar = app.query_one(HeaderBar)
        bar.show_place("Index", "Index")
        await pilot.pause()
        assert str(bar.render()).split() == ["Index"]
        bar.show_place("Index", "Index › fs.readFileSync")
        await pilot.pause()
        assert str(bar.render()).split()[0:1] == ["Index"] and "Index › Index" not in bar.place


# --------------------------------------------------------------------------- sidebar


async def test_sidebar_grows_with_the_terminal(pack: Pack) -> None:
    widths = {}
    for width in (80, 120, 200):
        app = create_app(load_pack(CONTENT), no_state=True)
        async with app.run_test(size=(width, 30)) as pilot:
            await started(pilot, app)
            widths[width] = sidebar_width(app)
            assert widths[width] <= width * 40 // 100 + 1
    assert widths[80] <= widths[120] <= widths[200]
    assert widths[200] > 32, widths


async def test_a_small_pack_fits_the_sidebar_to_its_titles_from_the_first_frame() -> None:
    """At 200 columns the bundled pack's titles need far less than 40%: the sidebar is
    fitted before the first frame, so the text is laid out once, beside it."""
    from reader.ui.outline_layout import label_width

    pack = load_pack(CONTENT)
    app = create_app(pack, no_state=True)
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.pause()
        first = sidebar_width(app)
        await started(pilot, app)
        need = max(label_width(s, len(s.ancestors)) for s in pack.sections) + SIDEBAR_CHROME
        assert first == sidebar_width(app) == need < 200 * 40 // 100, (first, need)


async def test_cut_titles_end_with_an_ellipsis(app: ReaderApp) -> None:
    async with app.run_test(size=(80, 30)) as pilot:
        await started(pilot, app)
        tree = outline(app)
        lines = [
            "".join(segment.text for segment in tree.render_line(y))
            for y in range(tree.size.height)
        ]
        cut = [line for line in lines if "Immune-mediated" in line or "How eczema diff" in line]
        assert cut, lines
        for line in cut:
            assert "…  0/" in line or "classic autoimmunity" in line, lines  # count kept


async def test_sidebar_width_keys_and_visibility_are_remembered(pack: Pack, tmp_path: Path) -> None:
    state_dir = tmp_path / "state"
    app = create_app(pack, state_dir=state_dir)
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot, app)
        before = sidebar_width(app)
        await pilot.press("greater_than_sign", "greater_than_sign")
        await pilot.pause()
        wider = sidebar_width(app)
        assert wider > before
        await pilot.press("less_than_sign")
        await pilot.pause()
        assert before < sidebar_width(app) < wider
        chosen = sidebar_width(app)
        await pilot.press("s")
        await pilot.pause()
        assert not app.main.query_one("#sidebar").display
        await pilot.press("q")
    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=(120, 30)) as pilot:
        await wait_rendered(pilot, document(again))
        await pilot.pause()
        assert not again.main.query_one("#sidebar").display, "hidden, as it was left"
        await pilot.press("s")
        await pilot.pause()
        assert sidebar_width(again) == chosen
    saved = json.loads(next((state_dir / "packs").rglob("*.json")).read_text())
    assert saved["layout"]["sidebar_width"] is not None


# --------------------------------------------------------------------------- progress


async def test_paging_through_does_not_mark_sections_read(pack: Pack, tmp_path: Path) -> None:
    """Leaving before the dwell: not read. Staying (the positive control): read."""
    app = create_app(pack, state_dir=tmp_path / "state")
    app.READ_DWELL = 0.4
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.reading.read.clear()
        app.update_state(lambda state: state.reset_progress())
        for section_id in ("what-this-pack-covers", "how-to-read-it", "sections-in-this-pack"):
            app.open_section(section_id)
            await wait_rendered(pilot, document(app))
            await pilot.pause(0.1)
        stayed = app.current.id  # type: ignore[union-attr]
        await wait_until(pilot, lambda: stayed in app.reading.read, what="the dwell to pass")
        assert "what-this-pack-covers" not in app.reading.read
        assert "how-to-read-it" not in app.reading.read


async def test_scrolling_the_end_away_cancels_the_dwell(pack: Pack, tmp_path: Path) -> None:
    """The end shown, then scrolled away: not read. Shown again and left there, the same
    wait reads it (the positive control)."""
    app = create_app(pack, state_dir=tmp_path / "state")
    app.READ_DWELL = 0.4
    async with app.run_test(size=(100, 20)) as pilot:
        await started(pilot, app)
        app.open_section(LONG_SECTION)
        view = document(app)
        await wait_rendered(pilot, view)
        await pilot.press("G")
        await wait_until(
            pilot,
            lambda: round(view.scroll_y) + view.size.height >= view.line_count,
            what="the end on screen, where the dwell starts",
        )
        await pilot.press("g")
        await wait_past_dwell(pilot, app)
        assert LONG_SECTION not in app.reading.read
        await pilot.press("G")
        await wait_past_dwell(pilot, app)
        assert LONG_SECTION in app.reading.read


async def test_chapter_counts_and_tick_mean_all_its_sections(pack: Pack, tmp_path: Path) -> None:
    app = create_app(pack, state_dir=tmp_path / "state")
    app.READ_DWELL = 3600
    async with app.run_test(size=(120, 30)) as pilot:
        await started(pilot, app)
        await pilot.press("x")  # Start here, not its three subsections
        await pilot.pause()
        label = str(node_label(app, "start-here"))
        assert "1/4" in label and "✓" not in label, label
        for section_id in ("what-this-pack-covers", "how-to-read-it", "sections-in-this-pack"):
            app.open_section(section_id)
            await pilot.press("x")
        await pilot.pause()
        label = str(node_label(app, "start-here"))
        assert "✓" in label and "4/4" in label, label


async def test_shift_u_opens_the_next_unread_section(pack: Pack, tmp_path: Path) -> None:
    app = create_app(pack, state_dir=tmp_path / "state")
    app.READ_DWELL = 3600
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.open_section("what-this-pack-covers")
        await pilot.press("x")
        app.open_section("start-here")
        await pilot.press("x", "U")
        await pilot.pause()
        assert app.current is not None and app.current.id == "how-to-read-it"


def test_end_of_the_pack_lists_what_is_unread(pack: Pack) -> None:
    last = pack.sections[-1]
    read = {s.id for s in pack.sections if s.id not in ("inherited-risk", "bricks-and-mortar")}
    text = section_markdown(pack, last, read=read)
    assert "End of the pack" in text
    assert internal_href("inherited-risk") in text and internal_href("bricks-and-mortar") in text
    everything = section_markdown(pack, last, read={s.id for s in pack.sections})
    assert "Everything is read" in everything


async def test_end_of_the_pack_shows_unread_links(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        app.open_section(app.pack.sections[-1].id)
        await wait_rendered(pilot, document(app))
        assert "Not read yet" in text_of(app)
        assert "Start here" in text_of(app).split("Not read yet", 1)[1]
        assert header(app).place
