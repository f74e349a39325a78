"""A terminal that reports a huge size cannot make the reader lay out (or allocate) for it.

`stty rows 65535 cols 65535` before `ssh -t` made the reader grow by ~65 MB/s without
ever drawing. The app lays out at most MAX_COLUMNS x MAX_ROWS and says so once.
"""

from __future__ import annotations

import pytest
from textual.geometry import Size

from reader.pack import Pack
from reader.ui.app import create_app
from reader.ui.textual_compat import MAX_COLUMNS, MAX_ROWS

CLAMPED = Size(MAX_COLUMNS, MAX_ROWS)


def record_notices(app, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    notices: list[str] = []
    original = app.notify

    def notify(message, *args, **kwargs):
        notices.append(str(message))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(app, "notify", notify)
    return notices


async def test_a_huge_resize_is_clamped_and_told_once(pack: Pack, monkeypatch) -> None:
    app = create_app(pack, no_state=True)
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.resize_terminal(65535, 65535)
        await pilot.pause(0.1)
        assert app.size == CLAMPED
        assert app.screen.size == CLAMPED
        await pilot.resize_terminal(60000, 2000)
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.1)
        assert app.size == Size(120, 40), "a sane size after a huge one is used as is"
        assert app.screen.size == Size(120, 40)
        await pilot.press("]")  # still reading
    too_big = [notice for notice in notices if "draws only" in notice]
    expected = f"the reader draws only the top-left {MAX_COLUMNS}×{MAX_ROWS}."
    assert too_big == [f"This terminal is 65535×65535; {expected}"]


async def test_a_huge_terminal_from_the_start(pack: Pack, monkeypatch) -> None:
    app = create_app(pack, no_state=True)
    async with app.run_test(size=(65535, 65535)) as pilot:
        await pilot.pause(0.1)
        assert app.size == CLAMPED
        assert app.screen.size == CLAMPED
        assert app.current is not None and app.current.id == pack.first_section.id
