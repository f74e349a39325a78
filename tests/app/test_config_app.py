"""config.toml in the running app (issue 22): a remapped key works (and the old one no
longer does), every problem is told in one notice naming the file and the lines, the help
screen shows the keys as remapped and each binding's id, the theme from config.toml is
used, a theme chosen in the palette is back at the next start, and restricted mode reads
the user's config but writes nothing new."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import (
    SIZE,
    document,
    ready,
    record_notifications,
    text_of,
    wait_rendered,
    wait_until,
)
from textual.pilot import Pilot
from textual.widgets import Static

from reader.config import ENV_CONFIG, load_config
from reader.pack import Pack, load_pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.help import HelpScreen
from reader.ui.screens.review import ReviewScreen

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where READER_CONFIG points (written by each test)."""
    path = tmp_path / "config" / "config.toml"
    path.parent.mkdir()
    monkeypatch.setenv(ENV_CONFIG, str(path))
    return path


def files_under(folder: Path) -> list[str]:
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file())


def sidebar_shown(app: ReaderApp) -> bool:
    return bool(app.main.query_one("#sidebar").display)


async def help_text(pilot: Pilot, app: ReaderApp, *, ids: bool = False) -> str:
    await pilot.press("question_mark")
    await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
    if ids:
        await pilot.press("i")
        await pilot.pause()
    table = app.screen.query_one("#help-table", Static)
    lines = app.console.render_lines(table.content, app.console.options.update_width(80), pad=False)
    return "\n".join("".join(segment.text for segment in line).rstrip() for line in lines)


async def choose_theme_in_the_palette(pilot: Pilot, app: ReaderApp, name: str) -> None:
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: app.screen is not app.main, what="the palette")
    await pilot.press(*"theme")
    await pilot.pause(0.3)
    await pilot.press("enter")  # "Theme": the list of themes
    await pilot.pause(0.3)
    await pilot.press(*name)
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.theme == name, what=f"the theme {name}")
    await wait_until(pilot, lambda: app.screen is app.main, what="the palette to close")


async def test_a_remapped_key_works_and_its_old_key_does_not(pack: Pack, config_file: Path) -> None:
    config_file.write_text('[keymap]\n"app.sidebar" = "ctrl+s"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        shown = sidebar_shown(app)
        await pilot.press("s")
        await pilot.pause()
        assert sidebar_shown(app) == shown, "s is no longer the sidebar's key"
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: sidebar_shown(app) != shown, what="ctrl+s to toggle")
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: sidebar_shown(app) == shown, what="ctrl+s again")


async def test_keys_typed_while_the_reader_starts_run_as_remapped(
    pack: Pack, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keys typed before the sidebar exists wait for it, and for the keymap."""
    monkeypatch.setattr(ReaderApp, "CHROME_DELAY", 0.4)
    config_file.write_text('[keymap]\n"app.next-section" = "ctrl+n"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.main.chrome_ready
        first = app.current
        await pilot.press("ctrl+n")
        await ready(pilot, app)
        await wait_until(pilot, lambda: app.current is not first, what="ctrl+n to turn the page")


async def test_all_problems_in_one_notice_naming_the_file_and_lines(
    pack: Pack, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file.write_text(
        'theme = "no-such-theme"\n'
        "colour = 1\n"
        "sidebar_width = 3\n"
        "[keymap]\n"
        '"app.quitt" = "x"\n'
        '"app.bookmark" = "j"\n'
        '"app.sidebar" = "ctrl+s"\n'
    )
    app = create_app(pack, no_state=True)
    seen = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await wait_until(pilot, lambda: any("Settings" in m or "line" in m for _, m in seen))
        told = [message for _, message in seen if str(config_file) in message]
        assert len(told) == 1, seen
        [notice] = told
        assert notice.splitlines() == [
            f"{config_file}:",
            "line 1: no theme 'no-such-theme' (ctrl+p, Theme lists them); default kept",
            "line 2: unknown key 'colour'",
            "line 3: sidebar_width must be a whole number from 12 to 500",
            "line 5: no binding 'app.quitt' (did you mean 'app.quit'?);"
            " ? then i lists the binding ids",
            "line 6: [keymap] 'app.bookmark': j is already the key of 'document.down' in the"
            " reading pane; 'app.bookmark' keeps m",
        ]
        assert app.theme == "textual-dark"  # defaults for what was bad
        assert app._keymap == {"app.sidebar": "ctrl+s"}  # the good entry is used
        await pilot.press("m")
        await wait_until(pilot, lambda: len(app.reading.bookmarks) == 1, what="m still marks")


async def test_no_config_no_notice(pack: Pack, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(pack, no_state=True)
    seen = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.pause(0.2)
        assert not app.config.exists and app._keymap == {}
        assert not any("config" in message for _, message in seen)


async def test_the_help_shows_remapped_keys_and_the_ids(pack: Pack, config_file: Path) -> None:
    # ctrl+k edits text in the search box (like a letter there), and compares elsewhere.
    config_file.write_text('[keymap]\n"app.comparison" = "ctrl+k"\n"app.reload-pack" = "f5"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        text = await help_text(pilot, app)
        [compare] = [line for line in text.splitlines() if "Compare" in line]
        assert compare.startswith("^k ")
        assert "app.comparison" not in text, "ids only on request"
        [reload_line] = [line for line in text.splitlines() if "Reload pack" in line]
        assert reload_line.startswith("f5 ")
        await pilot.press("i")
        await pilot.pause()
        table = app.screen.query_one("#help-table", Static)
        lines = app.console.render_lines(
            table.content, app.console.options.update_width(80), pad=False
        )
        with_ids = ["".join(segment.text for segment in line) for line in lines]
        assert any(
            "Compare" in line and line.rstrip().endswith("app.comparison") for line in with_ids
        )
        assert any(line.rstrip().endswith("document.down") for line in with_ids)
        footnote = app.screen.query_one("#help-footnote", Static)
        assert "[keymap]" in str(footnote.render())


async def test_a_key_without_a_default_reloads_the_pack(pack: Pack, config_file: Path) -> None:
    config_file.write_text('[keymap]\n"app.reload-pack" = "f5"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.reload_requested, what="f5 to reload")


async def test_the_unbound_ids_are_listed_with_the_ids(pack: Pack) -> None:
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        text = await help_text(pilot, app, ids=True)
        assert "Reload pack" in text and "app.reload-pack" in text


async def test_the_theme_from_config_is_used(pack: Pack, config_file: Path) -> None:
    config_file.write_text('theme = "nord"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert app.theme == "nord"


async def test_a_theme_chosen_in_the_palette_is_back_at_the_next_start(
    pack: Pack, tmp_path: Path, config_file: Path
) -> None:
    config_file.write_text('theme = "nord"\n')
    state_dir = tmp_path / "state"
    before = config_file.read_bytes()
    first = create_app(pack, state_dir=state_dir)
    async with first.run_test(size=SIZE) as pilot:
        await ready(pilot, first)
        assert first.theme == "nord"
        await choose_theme_in_the_palette(pilot, first, "dracula")
        await pilot.press("q")
    assert config_file.read_bytes() == before, "the user's config is never written"

    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=SIZE) as pilot:
        await ready(pilot, again)
        assert again.theme == "dracula", "the palette's choice wins over the same config"
        await pilot.press("q")

    config_file.write_text('theme = "gruvbox"\n')  # config.toml changed since: it wins
    third = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with third.run_test(size=SIZE) as pilot:
        await ready(pilot, third)
        assert third.theme == "gruvbox"


async def test_the_sidebar_width_from_config_and_from_the_keys(
    pack: Pack, tmp_path: Path, config_file: Path
) -> None:
    config_file.write_text("sidebar_width = 30\n")
    state_dir = tmp_path / "state"
    first = create_app(pack, state_dir=state_dir)
    async with first.run_test(size=(120, 30)) as pilot:
        await ready(pilot, first)
        assert first.main.sidebar_width(120) == 30
        await pilot.press("greater_than_sign")
        await wait_until(pilot, lambda: first.main.sidebar_width(120) == 34, what="wider")
        await pilot.press("q")
    again = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with again.run_test(size=(120, 30)) as pilot:
        await ready(pilot, again)
        assert again.main.sidebar_width(120) == 34, "the width set with > is kept"
        await pilot.press("q")
    config_file.write_text("sidebar_width = 40\n")  # config.toml changed since: it wins
    third = create_app(load_pack(CONTENT), state_dir=state_dir)
    async with third.run_test(size=(120, 30)) as pilot:
        await ready(pilot, third)
        assert third.main.sidebar_width(120) == 40


async def test_restricted_reads_the_users_config_and_writes_nothing_new(
    pack: Pack, tmp_path: Path, config_file: Path, _isolated_home: Path
) -> None:
    config_file.write_text('theme = "nord"\n[keymap]\n"app.sidebar" = "ctrl+s"\n')
    before = files_under(config_file.parent)
    app = create_app(pack, restricted=True, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        assert app.theme == "nord"
        shown = sidebar_shown(app)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: sidebar_shown(app) != shown, what="ctrl+s")
        await pilot.press("q")
    assert files_under(config_file.parent) == before
    assert files_under(_isolated_home) == []


def test_the_app_config_is_the_one_load_config_reads(config_file: Path) -> None:
    """The app reads the same file as `reader review` and plain mode (READER_CONFIG)."""
    config_file.write_text("sidebar_width = 33\n")
    app = create_app(load_pack(CONTENT), no_state=True)
    assert app.config == load_config()
    assert app.sidebar_width_at_start == 33


async def test_the_section_footer_names_the_remapped_keys(pack: Pack, config_file: Path) -> None:
    config_file.write_text('[keymap]\n"app.next-section" = "ctrl+n"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: app.current is not None and app.current.parent)
        await wait_rendered(pilot, document(app))
        await pilot.press("G")  # the footer, at the end of the section
        await wait_until(pilot, lambda: "^n next" in text_of(app), what="^n in the footer")
        assert "] next" not in text_of(app)


async def test_a_review_from_the_command_line_takes_the_remapped_keys(
    tmp_path: Path, config_file: Path
) -> None:
    """`reader review` opens on a card: its keys are remapped before it shows."""
    config_file.write_text('[keymap]\n"review.reveal" = "v"\n"review.good" = "g"\n')
    app = create_app(load_pack(CONTENT), state_dir=tmp_path / "state", start_review=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, ReviewScreen), what="the review screen"
        )
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await wait_until(pilot, lambda: screen.session.card is not None, what="a card")
        keys = screen.query_one("#review-keys", Static)
        await wait_until(pilot, lambda: "v show answer" in str(keys.render()), what="v")
        await pilot.press("space")  # no longer the answer's key
        await pilot.pause()
        assert not screen.session.revealed
        await pilot.press("v")
        await wait_until(pilot, lambda: screen.session.revealed, what="v to show the answer")
        await wait_until(pilot, lambda: "g Good" in str(keys.render()), what="g Good")
        first = screen.session.card
        await pilot.press("g")
        await wait_until(pilot, lambda: screen.session.card is not first, what="g to rate")


async def test_a_dialogs_key_line_names_the_remapped_keys(pack: Pack, config_file: Path) -> None:
    config_file.write_text('[keymap]\n"bookmarks.close" = "x"\n"bookmarks.delete" = "ctrl+d"\n')
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await pilot.press("B")
        await wait_until(pilot, lambda: app.screen is not app.main, what="the bookmarks list")
        await pilot.pause()
        lines = [str(static.render()) for static in app.screen.query(Static)]
        assert "Enter jump   r note   ^d delete   x close" in lines, lines
        await pilot.press("x")
        await wait_until(pilot, lambda: app.screen is app.main, what="x to close the list")
