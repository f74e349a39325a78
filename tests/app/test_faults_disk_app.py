"""The state folder full in the middle of a session, as the running app shows it (issue
21): one notice, reading goes on, what was saved stays, saving comes back by itself.

The disk is made full at the OS boundary (`os.fsync`); the real thing, a tmpfs that
fills up, is in tests/unit/test_faults_disk.py and tests/terminal/test_tmux_faults.py.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from conftest import CONTENT, ready, record_notifications

from reader.pack import load_pack
from reader.state_store import FallbackStore
from reader.ui.app import create_app

SIZE = (100, 30)


def disk_full(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


async def test_a_full_disk_mid_session_says_so_once_and_saving_resumes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(FallbackStore, "RETRY_SECONDS", 0.0)  # every move tries the disk
    pack = load_pack(CONTENT)
    state_dir = tmp_path / "state"
    app = create_app(pack, state_dir=state_dir)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert app.store.path is not None
        saved = app.store.path.read_bytes()
        with monkeypatch.context() as broken:
            broken.setattr(os, "fsync", disk_full)
            for _ in range(4):  # each a write of the place, each refused
                await pilot.press("right_square_bracket")
                await pilot.pause()
            await pilot.press("m")
            await pilot.pause()
            assert app.store.path.read_bytes() == saved, "what was saved before was touched"
            assert app.is_running and app.current is not None
            full_at = app.current.id
            warnings = [message for severity, message in notices if severity == "warning"]
            assert len(warnings) == 1, notices
            assert "No space left on device" in warnings[0]
            assert "saved once the folder can be written again" in warnings[0]
        await pilot.press("right_square_bracket")  # space is back: the next move saves
        await pilot.pause()
        assert ("information", "Reading state is saved again.") in notices
        assert len([1 for severity, _ in notices if severity == "warning"]) == 1
        now_at = app.current.id
    saved_state = json.loads(app.store.path.read_bytes())
    assert saved_state["position"]["section"] == now_at != full_at
    assert [mark["section"] for mark in saved_state["bookmarks"]] == [full_at]
