"""Nothing is lost by one key (issue 15): destructive actions ask first (No by default),
the palette puts navigation first, `m` never duplicates a bookmark, and notifications
neither pile up over dialogs nor stack when a key is pressed again."""

from __future__ import annotations

from pathlib import Path

from conftest import SIZE, document, wait_rendered, wait_until
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Button, OptionList

from reader.pack import Pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.commands import ACTIONS
from reader.ui.screens.bookmarks import BookmarksScreen
from reader.ui.screens.confirm import ConfirmScreen

LONG_SECTION_ID = "points-to-remember"


async def started(pilot: Pilot, app: ReaderApp) -> None:
    await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
    await wait_rendered(pilot, document(app))


async def read_two_sections(pilot: Pilot, app: ReaderApp) -> set[str]:
    app.open_section(LONG_SECTION_ID)
    await pilot.press("x")
    app.open_section("inherited-risk")
    await pilot.press("x")
    assert {LONG_SECTION_ID, "inherited-risk"} <= app.reading.read
    return set(app.reading.read)


def toasts_showing(app: ReaderApp) -> int:
    """The toasts on the screen on top, as the reader sees them."""
    return len(app.screen.query("Toast"))


def palette_prompts(app: ReaderApp) -> list[str]:
    return [str(option.prompt) for option in app.screen.query_one("CommandList").options]


async def open_palette(pilot: Pilot, app: ReaderApp) -> None:
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")


async def test_ctrl_p_enter_keeps_reading_progress(pack: Pack, tmp_path: Path) -> None:
    """The palette's first, pre-selected entry is harmless: ctrl+p Enter loses nothing."""
    app = create_app(pack, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        read = await read_two_sections(pilot, app)
        await open_palette(pilot, app)
        await wait_until(pilot, lambda: len(palette_prompts(app)) >= 5, what="the entries")
        first = palette_prompts(app)[0]
        assert "Reset" not in first, palette_prompts(app)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await pilot.pause()
        assert read <= app.reading.read, f"{first!r} lost progress"


def test_palette_order_puts_navigation_first_and_reset_last() -> None:
    actions = [action for _title, action, _help in ACTIONS]
    assert actions[:3] == ["next_section", "previous_section", "history_back"]
    assert actions[-1] == "reset_progress"


async def test_palette_query_ranks_go_to_before_destructive(app: ReaderApp) -> None:
    """'re' matches 'Reset reading progress' and many sections: sections come first."""
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await open_palette(pilot, app)
        await pilot.press(*"rea")

        def listed() -> bool:
            prompts = palette_prompts(app)
            return any(p.startswith("Reset") for p in prompts) and any(
                p.startswith("Go to:") for p in prompts
            )

        await wait_until(pilot, listed, what=lambda: f"entries {palette_prompts(app)}")
        prompts = palette_prompts(app)
        reset = next(i for i, p in enumerate(prompts) if p.startswith("Reset"))
        assert reset == len(prompts) - 1 or all(
            not p.startswith("Go to:") for p in prompts[reset + 1 :]
        ), prompts
        assert not prompts[0].startswith("Reset")


async def test_reset_progress_asks_and_no_is_the_default(pack: Pack, tmp_path: Path) -> None:
    """Enter on the dialog (No is focused), Esc and n keep progress; y resets it."""
    app = create_app(pack, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        read = await read_two_sections(pilot, app)
        for key in ("enter", "escape", "n"):
            app.action_reset_progress()
            await wait_until(pilot, lambda: isinstance(app.focused, Button), what="the question")
            assert isinstance(app.screen, ConfirmScreen)
            focused = app.focused
            assert isinstance(focused, Button) and str(focused.label) == "No"
            await pilot.press(key)
            await wait_until(pilot, lambda: app.screen is app.main, what=f"{key} to close it")
            assert app.reading.read == read, f"{key} reset the progress"
        app.action_reset_progress()
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is app.main, what="y to close it")
        assert app.reading.read == set()


async def test_deleting_a_bookmark_asks_first(pack: Pack, tmp_path: Path) -> None:
    app = create_app(pack, state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, app)
        await pilot.press("m", "B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), what="list")
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
        await pilot.press("n")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), what="list")
        assert len(app.reading.bookmarks) == 1
        await pilot.press("d")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmScreen), what="ask")
        await pilot.press("y")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), what="list")
        assert app.reading.bookmarks == []
        options = app.screen.query_one(OptionList)
        assert "No bookmarks yet" in str(options.get_option_at_index(0).prompt)


async def test_m_twice_says_already_bookmarked_and_toasts_do_not_stack(
    app: ReaderApp, monkeypatch
) -> None:
    shown: list[str] = []
    real_notify = ReaderApp.notify

    def notify(self: ReaderApp, message: str, **kwargs: object) -> None:
        shown.append(str(message))
        real_notify(self, message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ReaderApp, "notify", notify)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press(*"mmmmm")
        await pilot.pause()
        assert len(app.reading.bookmarks) == 1
        assert shown[0].startswith("Bookmarked")
        assert all(m.startswith("Already bookmarked") for m in shown[1:]), shown
        await wait_until(pilot, lambda: toasts_showing(app) > 0, what="the toast")
        assert toasts_showing(app) == 1, "one toast for five presses"
        app.clear_notifications()  # the toast has gone: the next press is told again
        await wait_until(pilot, lambda: toasts_showing(app) == 0, what="no toast")
        await pilot.press("m")
        await wait_until(pilot, lambda: toasts_showing(app) > 0, what="the toast")
        assert toasts_showing(app) == 1
        assert shown[-1].startswith("Already bookmarked")


async def test_opening_a_dialog_clears_the_notifications(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await started(pilot, app)
        await pilot.press("m")
        await wait_until(pilot, lambda: toasts_showing(app) == 1, what="the toast")
        await pilot.press("B")
        await wait_until(pilot, lambda: isinstance(app.screen, BookmarksScreen), what="list")
        await pilot.pause()
        assert toasts_showing(app) == 0
        await pilot.press("escape", "m")
        await wait_until(pilot, lambda: toasts_showing(app) == 1, what="the toast")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: app.screen is not app.main, what="help")
        await pilot.pause()
        assert toasts_showing(app) == 0
