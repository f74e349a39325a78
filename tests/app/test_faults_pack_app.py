"""The pack's files edited, deleted or replaced while the running app reads them (issue
21): no crash, the open section stays readable, one notice per file offers to reload,
and a reload (in restricted mode too) keeps the place. Files are changed for real, in a
copy of a small pack.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import (
    ready,
    record_notifications,
    text_of,
    wait_for_index,
    wait_until,
)
from textual.command import CommandPalette

from reader.pack import load_pack
from reader.state_store import StateStore
from reader.ui.app import ReaderApp, create_app
from reader.ui.commands import ACTIONS

SIZE = (100, 30)


def pack_copy(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    root.mkdir()
    (root / "pack.toml").write_text('title = "Changing Pack"\n')
    (root / "01-one.md").write_text("# One\n\nThe first file, as loaded.\n")
    (root / "02-two.md").write_text("# Two\n\nThe second file, as loaded.\n")
    (root / "03-three.md").write_text("# Three\n\nThe third file, as loaded.\n")
    return root


async def test_pack_files_changed_under_the_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Edited, deleted, replaced: no crash, the open section stays readable, one notice
    per file offering to reload, and a reload keeps the place."""
    root = pack_copy(tmp_path)
    app = create_app(load_pack(root), state_dir=tmp_path / "state")
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_for_index(pilot, app)  # built from the files as loaded
        assert app.current is not None and app.current.title == "One"
        one, two, three = sorted(root.glob("*.md"))
        one.write_text("# One\n\nThe first file, edited since.\n")  # the open section's file
        two.unlink()  # the next one's: deleted
        replacement = tmp_path / "new-three.md"
        replacement.write_text("# Three\n\nA new third file.\n")
        os.replace(replacement, three)  # replaced, as editors and `git checkout` do

        await pilot.press("right_square_bracket")  # into the deleted file's section
        await pilot.pause()
        assert app.is_running
        assert app.current.title == "One", "a section of a changed file was opened"
        assert "The first file, as loaded." in text_of(app), "the open section is gone"
        told = [message for severity, message in notices if severity == "warning"]
        assert len(told) == 1 and "02-two.md" in told[0], notices
        assert "Reload pack" in told[0] and "place is kept" in told[0]

        app.check_pack_files()  # what the timer does every PACK_POLL_SECONDS
        app.check_pack_files()
        told = [message for severity, message in notices if severity == "warning"]
        assert len(told) == 2, notices  # the other two files, in one notice; once
        assert "01-one.md" in told[1] and "03-three.md" in told[1]
        assert "02-two" not in told[1]
        assert app.pack_changes_told == {
            "01-one.md",
            "02-two.md",
            "03-three.md",
        }
        for key in ("s", "j", "k", "right_square_bracket", "left_square_bracket"):
            await pilot.press(key)  # the reader goes on; nothing it does crashes
        await pilot.pause()
        assert app.is_running and "The first file, as loaded." in text_of(app)

        await app.run_action("reload_pack")
        await wait_until(pilot, lambda: not app.is_running, what="the app to end for a reload")
    assert app.reload_requested and app.return_code == 0
    store = StateStore.open(root, "Changing Pack", state_dir=tmp_path / "state")
    place = store.load().position
    assert place is not None and place.section == "one"  # where the reload starts again


async def test_a_file_changed_before_the_first_screen_is_no_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed between loading and the first frame, then before the search index is
    built: the reader starts, reads what it can and says which file changed."""
    root = pack_copy(tmp_path)
    pack = load_pack(root)
    (root / "03-three.md").write_text("# Three\n\nChanged before the first screen.\n")
    app = create_app(pack, no_state=True)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert "The first file, as loaded." in text_of(app)
        app.check_pack_files()
        await pilot.pause()
        assert app.is_running
    told = [message for severity, message in notices if severity == "warning"]
    assert len(told) == 1 and "03-three.md" in told[0], notices


async def test_the_timer_notices_a_changed_file_without_any_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = pack_copy(tmp_path)
    monkeypatch.setattr(ReaderApp, "PACK_POLL_SECONDS", 0.2)
    app = create_app(load_pack(root), no_state=True)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_for_index(pilot, app)
        (root / "03-three.md").write_text("# Three\n\nEdited.\n")
        await wait_until(pilot, lambda: notices, what="a notice that the pack changed")
        await pilot.pause(0.5)
    assert len(notices) == 1 and "03-three.md" in notices[0][1], notices


@pytest.mark.parametrize("restricted", [False, True], ids=["normal", "restricted"])
async def test_reload_pack_is_in_the_palette_in_restricted_mode_too(
    tmp_path: Path, restricted: bool
) -> None:
    assert "reload_pack" in [action for _title, action, _help in ACTIONS]
    root = pack_copy(tmp_path)
    app = create_app(load_pack(root), no_state=True, restricted=restricted)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert app.allowed_on_reading_screen("reload_pack")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"reload")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: not app.is_running, what="the reload to end the app")
    assert app.reload_requested


async def test_review_of_a_pack_whose_card_file_changed_tells_and_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A card file changed before its cards were found: `r` and `p` tell which file and
    how to reload (once), and the reader goes on; nothing ends it."""
    root = pack_copy(tmp_path)
    (root / "02-two.md").write_text("# Two\n\n#flashcards\n\nWhat is two?::One more than one.\n")
    pack = load_pack(root)
    (root / "02-two.md").write_text("# Two\n\n#flashcards\n\nWhat is two?::Edited.\n")
    app = create_app(pack, state_dir=tmp_path / "state")
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        assert app.is_running and app.screen is app.main
        assert "The first file, as loaded." in text_of(app)
    told = [message for severity, message in notices if severity == "warning"]
    assert len(told) == 1 and "02-two.md" in told[0] and "Reload pack" in told[0], notices


async def test_the_glossary_counts_usage_in_the_files_that_did_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`t` after a file changed: the glossary opens and counts the sections it can still
    read; the changed file is told once, and nothing ends the reader."""
    root = pack_copy(tmp_path)
    (root / "glossary.md").write_text("# Glossary\n\nFile\n: A thing that holds text.\n")
    app = create_app(load_pack(root), no_state=True)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        (root / "02-two.md").write_text("# Two\n\nThe second file, edited.\n")
        await pilot.press("t")
        await wait_until(
            pilot, lambda: getattr(app.screen, "usage", None) is not None, what="usage counted"
        )
        assert app.is_running and app.screen.usage == {"file": ["one", "three"]}
        app.check_pack_files()
        await pilot.pause()
    told = [message for severity, message in notices if severity == "warning"]
    assert len(told) == 1 and "02-two.md" in told[0], notices


async def test_the_comparison_of_a_changed_file_stays_closed_and_says_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = pack_copy(tmp_path)
    table = "| Feature | A | B |\n|---|---|---|\n| Size | big | small |\n"
    (root / "04-compare.md").write_text(
        f"# Compare\n\n<details>\n<summary>A vs B</summary>\n\n{table}\n</details>\n"
    )
    app = create_app(load_pack(root), no_state=True)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        (root / "04-compare.md").write_text("# Compare\n\nNo table any more.\n")
        await pilot.press("c")
        await pilot.pause()
        assert app.is_running and not app.main.query_one("#comparison").has_class("-open")
        assert "The first file, as loaded." in text_of(app)
    told = [message for severity, message in notices if severity == "warning"]
    assert len(told) == 1 and "04-compare.md" in told[0], notices
