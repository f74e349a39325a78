"""The footer is rebuilt only when the keys it shows change (see KeyFooter)."""

from __future__ import annotations

import gc

from conftest import SIZE, wait_until
from textual import events
from textual.widget import Widget

from reader.ui.app import ReaderApp
from reader.ui.widgets.key_footer import KeyFooter


def footer_keys(app: ReaderApp) -> list[Widget]:
    """The footer's key widgets, found by their CSS type (the class is not public)."""
    return list(app.main.query_one(KeyFooter).query("FooterKey"))


def descriptions(app: ReaderApp) -> str:
    """What the footer's keys show, as text."""
    return " ".join(str(key.render()) for key in footer_keys(app))


async def test_binding_refreshes_that_change_nothing_keep_the_footer(app: ReaderApp) -> None:
    """The terminal losing and regaining focus (switching tmux panes or windows) makes
    Textual refresh the bindings; Textual's Footer then remounted every key. The keys
    shown are the same, so the footer's widgets must be too."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the footer")
        await wait_until(pilot, lambda: footer_keys(app), what="the footer's keys")
        await pilot.pause()
        before = footer_keys(app)
        app.post_message(events.AppBlur())
        await pilot.pause()
        app.post_message(events.AppFocus())
        await pilot.pause()
        app.screen.refresh_bindings()
        await pilot.pause()
        await pilot.pause()
        assert footer_keys(app) == before, "the same keys: the same widgets, not rebuilt"


async def test_the_footer_follows_keys_that_change(app: ReaderApp) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the footer")
        await wait_until(pilot, lambda: footer_keys(app), what="the footer's keys")
        assert "Clear search" not in descriptions(app)
        await pilot.press("slash")
        await wait_until(
            pilot, lambda: "Clear search" in descriptions(app), what="the search box's keys"
        )
        await pilot.press("escape")
        await wait_until(
            pilot, lambda: "Clear search" not in descriptions(app), what="the reading keys"
        )


async def test_keys_the_footer_no_longer_shows_are_let_go(app: ReaderApp) -> None:
    """Each rebuild used to keep its old keys alive (bound to the footer's `compact`,
    a binding Textual drops only when `compact` changes): ~10 widgets per focus change,
    which made the collector's full passes slower and slower while a reader searched."""
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(pilot, lambda: app.main.chrome_ready, what="the footer")
        # The cards' worker relabels the outline when it ends: not in the middle of this.
        await wait_until(pilot, lambda: app.study.study is not None, what="the cards")
        for _ in range(8):  # search box and back: the keys shown change both ways
            await pilot.press("slash")
            await pilot.pause()
            await pilot.press("escape")
            await pilot.pause()
        await pilot.pause()
        gc.collect()
        key_type = type(footer_keys(app)[0])
        alive = [key for key in gc.get_objects() if isinstance(key, key_type)]
        assert len(alive) == len(footer_keys(app)), "old keys are still alive"
