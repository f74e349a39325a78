"""The reading screen driven with keys, as a person would: sections, outline, links,
the comparison, help, the sidebar, small terminals, quitting, restricted mode, hostile
content and a very large section."""

from __future__ import annotations

import builtins
import gc
import io
import os
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import (
    SIZE,
    document,
    focus_first_link,
    header,
    record_notifications,
    text_of,
    visible_lines,
    wait_for_deliveries,
    wait_rendered,
    wait_until,
)
from textual.app import App, ComposeResult
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Static

from reader.pack import Pack, load_pack
from reader.render.document import CACHE_LINES, RenderedDocument
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.external_link import ExternalLinkScreen
from reader.ui.screens.help import HelpScreen
from reader.ui.widgets.comparison import ComparisonPanel
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.header_bar import HeaderBar
from reader.ui.widgets.outline import Outline

COMPARISON_ROWS = (
    "Main target",
    "Reaction against self",
    "Autoantibodies",
    "Typical antibody class",
    "Extrinsic vs intrinsic",
    "Main immune drivers",
    "Role of the barrier",
    "Genetic factors",
    "Typical triggers",
    "How it is diagnosed",
    "Typical course",
    "Disease family",
    "Linked conditions",
    "What treatments target",
)


async def go_to(pilot: Pilot, title: str) -> None:
    """Open a section through the command palette's 'Go to' entry, like a reader would."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    await pilot.press(*title)
    wanted = f"Go to: {title}"

    def offered() -> bool:
        options = app.screen.query_one("CommandList").options
        return bool(options) and str(options[0].prompt).startswith(wanted)

    await wait_until(pilot, offered, what=f"'{wanted}' first in the palette")
    await pilot.press("enter")
    await wait_until(pilot, lambda: app.screen is app.main, what="the palette to close")  # type: ignore[attr-defined]


async def focus_link(pilot: Pilot, view: DocumentView, href: str, tries: int = 30) -> None:
    """Press f until the link to `href` has the focus highlight."""
    for _ in range(tries):
        await pilot.press("f")
        if view.focused_href == href:
            return
    pytest.fail(f"f never reached a link to {href!r} (last: {view.focused_href!r})")


# --------------------------------------------------------------------------- sections


async def test_first_screen_shows_start_here(app: ReaderApp) -> None:
    """Opening the pack shows its first section, not a blank pane waiting for the rest."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.current is not None and app.current.title == "Start here"
        shown = visible_lines(document(app))
        assert shown[0] == "Start here"
        assert any("This pack asks one question" in line for line in shown)
        assert "Start here" in header(app).place
        assert app.focused is document(app)


async def test_enter_on_outline_entry_opens_it(app: ReaderApp) -> None:
    """Shift+Tab to the outline, move down two entries, Enter: that section is read."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        outline = app.main.query_one("#outline", Outline)
        await pilot.press("shift+tab")
        assert app.focused is outline
        await pilot.press("down", "down")
        assert outline.cursor_node is not None
        # Its sections' read count, and how many of its cards are due.
        assert str(outline.cursor_node.label).startswith('What "autoimmune" means  0/5')
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == "what-autoimmune-means"
        assert document(app).plain_lines()[0] == 'What "autoimmune" means'
        assert app.focused is document(app), "after opening, the keys scroll the text"


async def test_next_and_previous_section_follow_reading_order(app: ReaderApp) -> None:
    """] walks the pack in reading order (into subsections), [ walks back."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order = [section.id for section in app.pack.sections]
        seen = [app.current.id]  # type: ignore[union-attr]
        for _ in range(5):
            await pilot.press("right_square_bracket")
            seen.append(app.current.id)  # type: ignore[union-attr]
        assert seen == order[:6]
        assert document(app).plain_lines()[0] == app.pack.sections[5].title
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert app.current.id == order[3]  # type: ignore[union-attr]


async def test_previous_at_the_start_stays_put(app: ReaderApp) -> None:
    """[ on the first section rings the bell instead of wrapping or crashing."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("left_square_bracket")
        assert app.current is not None and app.current.id == "start-here"


async def test_outline_fold_and_unfold_with_arrows(app: ReaderApp) -> None:
    """→ unfolds an entry to show its subsections, ← folds it (or goes to the parent)."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        outline = app.main.query_one("#outline", Outline)
        await pilot.press("shift+tab", "down")
        node = outline.cursor_node
        assert node is not None and str(node.label).startswith("What eczema is  0/5")
        assert not node.is_expanded
        await pilot.press("right")
        assert node.is_expanded
        assert [str(child.label) for child in node.children] == [
            "Signs and symptoms on the skin",
            "Where rashes tend to appear",
            "A common, long-term condition",
            "Check yourself",
        ]
        await pilot.press("down")
        assert str(outline.cursor_node.label) == "Signs and symptoms on the skin"  # type: ignore[union-attr]
        await pilot.press("left")  # on a leaf: back to the parent
        assert outline.cursor_node is node
        await pilot.press("left")  # on an open entry: fold it
        assert not node.is_expanded
        await pilot.press("down")
        label = str(outline.cursor_node.label)  # type: ignore[union-attr]
        assert label.startswith('What "autoimmune" means  0/5')


async def test_palette_goes_to_a_section_by_fuzzy_title(app: ReaderApp) -> None:
    """ctrl+p, a few letters of a title, Enter: that section opens."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "What filaggrin does")
        assert app.current is not None and app.current.id == "what-filaggrin-does"
        assert document(app).plain_lines()[0] == "What filaggrin does"


# --------------------------------------------------------------------------- links


async def test_f_focuses_links_in_order_and_enter_follows_anchor(app: ReaderApp) -> None:
    """The first link of 'Start here' is an in-file anchor; Enter opens that section."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = document(app)
        assert view.focused_href is None
        await focus_first_link(pilot, view)  # past the glossary terms the text uses first
        assert view.focused_href == "#sections-in-this-pack"
        await pilot.press("f")
        assert view.focused_href != "#sections-in-this-pack", "f moves on to the next link"
        await pilot.press("F")
        assert view.focused_href == "#sections-in-this-pack", "F moves back"
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == "sections-in-this-pack"
        assert document(app).plain_lines()[0] == "Sections in this pack"


async def test_enter_follows_link_to_another_file(app: ReaderApp) -> None:
    """A link to a pack file opens the first section of that file."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "Sections in this pack")
        await focus_link(pilot, document(app), "05-skin-barrier-and-filaggrin.md")
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == "the-skin-barrier-and-filaggrin"


async def test_enter_follows_link_to_an_anchor_in_another_file(app: ReaderApp) -> None:
    """file.md#heading opens exactly that heading's section, not the file's start."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "A common, long-term condition")
        href = "03-immune-dysregulation-in-eczema.md#the-itch-scratch-cycle"
        await focus_link(pilot, document(app), href)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == "the-itch-scratch-cycle"
        assert document(app).plain_lines()[0] == "The itch-scratch cycle"


async def test_external_link_is_shown_and_copied_never_opened(
    app: ReaderApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An https link opens a dialog with the URL; y copies it through the terminal."""
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    url = "https://www.niams.nih.gov/health-topics/atopic-dermatitis"
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to(pilot, "Further reading")
        await focus_link(pilot, document(app), url)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ExternalLinkScreen), what="dialog")
        assert url in str(app.screen.query_one("#link-url").render())
        await pilot.press("y")
        await wait_until(pilot, lambda: app.screen is app.main, what="the dialog to close")
        assert copied == [url]
        assert app.current is not None and app.current.id == "further-reading"


async def test_external_link_dialog_closes_with_escape(
    app: ReaderApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc closes the link dialog without copying; the reader is where they were."""
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.open_url("https://example.org/")
        await wait_until(pilot, lambda: isinstance(app.screen, ExternalLinkScreen), what="dialog")
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="the dialog to close")
        assert copied == []
        assert app.current is not None and app.current.id == "start-here"


ESCAPING_LINKS = ("../../etc/passwd", "/etc/passwd", "..%2F..%2F..%2Fetc%2Fpasswd")


@pytest.mark.parametrize("href", ESCAPING_LINKS)
async def test_link_out_of_the_pack_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, href: str
) -> None:
    """A link that leaves the pack root is refused with a notice; nothing is read."""
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-escape.md").write_text(f"# Escape\n\nSee [the secret]({href}) now.\n")
    opened: list[str] = []

    def guard(real: Callable[..., object]) -> Callable[..., object]:
        def recorder(file: object, *args: object, **kwargs: object) -> object:
            if "passwd" in str(file):
                opened.append(str(file))
                raise AssertionError(f"the reader tried to open {file!r}")
            return real(file, *args, **kwargs)

        return recorder

    app = create_app(load_pack(root), no_state=True)
    notices = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = text_of(app)
        with monkeypatch.context() as patch:
            patch.setattr(builtins, "open", guard(builtins.open))
            patch.setattr(io, "open", guard(io.open))
            patch.setattr(os, "open", guard(os.open))
            await focus_link(pilot, document(app), href)
            await pilot.press("enter")
            await wait_until(pilot, lambda: notices, what="a notification")
            await pilot.pause()
        assert [severity for severity, _ in notices] == ["warning"]
        assert "Not followed" in notices[0][1], notices
        assert app.current is not None and app.current.id == "escape"
        assert text_of(app) == before
        assert "root:" not in text_of(app)
        assert app.screen is app.main
    assert opened == []


# --------------------------------------------------------------------------- comparison


async def test_comparison_opens_with_the_table_and_keeps_the_place(app: ReaderApp) -> None:
    """c shows the whole table over the text; c again closes it; the scroll is untouched."""
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.pause()
        await go_to(pilot, "Points to remember")
        view = document(app)
        await wait_rendered(pilot, view)
        await pilot.press("space")
        await pilot.pause()
        place = view.scroll_y
        assert place > 0, "the section should be long enough to scroll"
        panel = app.main.query_one("#comparison", ComparisonPanel)
        assert not panel.has_class("-open")

        await pilot.press("c")
        await pilot.pause()
        assert panel.has_class("-open") and panel.display
        table = app.main.query_one("#comparison-document", DocumentView)
        await wait_rendered(pilot, table)
        assert app.focused is table
        text = "\n".join(table.plain_lines())
        rows = [row for row in COMPARISON_ROWS if row in text.replace("\n", " ")]
        assert len(rows) >= 8, f"only these rows are in the comparison: {rows}"
        assert "Classic autoimmune" in text and "Atopic dermatitis" in text
        title = str(panel.query_one("#comparison-title").render())
        assert "Autoimmune vs allergic" in title
        assert view.scroll_y == place

        await pilot.press("c")
        await pilot.pause()
        assert not panel.has_class("-open")
        assert app.focused is view
        assert view.scroll_y == place
        assert app.current is not None and app.current.id == "points-to-remember"


async def test_comparison_closes_with_escape_and_all_rows_can_be_scrolled_to(
    app: ReaderApp,
) -> None:
    """At 80×24 the panel is small: scrolling it reaches every row; Esc closes it."""
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("c")
        table = app.main.query_one("#comparison-document", DocumentView)
        await wait_rendered(pilot, table)
        seen: set[str] = set()
        for _ in range(40):
            seen.update(row for row in COMPARISON_ROWS if row in " ".join(visible_lines(table)))
            if table.scroll_y >= table.max_scroll_y:
                break
            await pilot.press("down")
        assert len(seen) >= 8, f"rows seen while scrolling: {sorted(seen)}"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.main.query_one("#comparison").has_class("-open")
        assert app.current is not None and app.current.id == "start-here"


async def test_pack_without_comparison_has_no_panel(tmp_path: Path) -> None:
    """No comparison in the pack: no panel, and c neither crashes nor changes anything."""
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-a.md").write_text("# Alpha\n\nSome text.\n\n## Beta\n\nMore text.\n")
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.main.query(ComparisonPanel)
        before = text_of(app)
        await pilot.press("c")
        await pilot.pause()
        assert app.is_running
        assert app.screen is app.main
        assert app.current is not None and app.current.id == "alpha"
        assert text_of(app) == before
        assert app.focused is document(app)


# --------------------------------------------------------------------------- help, sidebar


async def test_help_lists_keys_from_the_bindings(app: ReaderApp) -> None:
    """? opens a help screen generated from the bindings; Esc closes it."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        table = app.screen.query_one("#help-table", Static)
        lines = app.console.render_lines(
            table.content, app.console.options.update_width(120), pad=False
        )
        text = "\n".join("".join(segment.text for segment in line) for line in lines)
        for words in ("Compare", "Bookmark", "Next link", "Next match", "Back", "Fold"):
            assert words in text, f"{words!r} missing from help"
        for binding in app.BINDINGS:
            assert binding.description in text  # type: ignore[union-attr]
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is app.main, what="help to close")


async def test_f1_opens_help_too(app: ReaderApp) -> None:
    """F1 is the other help key."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen), what="help")
        await pilot.press("f1")
        await wait_until(pilot, lambda: app.screen is app.main, what="help to close")


async def test_s_toggles_the_sidebar(app: ReaderApp) -> None:
    """s hides the sidebar (the text gets the width), s shows it again."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        sidebar = app.main.query_one("#sidebar")
        view = document(app)
        assert sidebar.display
        narrow_width = view.size.width
        await pilot.press("s")
        await pilot.pause()
        assert not sidebar.display
        assert view.size.width > narrow_width
        assert app.focused is view
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display
        assert app.focused is app.main.query_one("#outline")


async def test_narrow_layout_hides_sidebar_and_s_overlays_it(app: ReaderApp) -> None:
    """At 60 columns the text gets the screen; s shows the outline over it, Esc hides it."""
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        sidebar = app.main.query_one("#sidebar")
        assert app.main.narrow
        assert not sidebar.display
        assert document(app).size.width >= 50
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display
        assert app.focused is app.main.query_one("#outline")
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.current is not None and app.current.id == "what-eczema-is"
        assert not sidebar.display, "choosing a section closes the overlay"
        await pilot.press("s")
        await pilot.pause()
        assert sidebar.display
        await pilot.press("escape")
        await pilot.pause()
        assert not sidebar.display
        assert app.current.id == "what-eczema-is"


TINY_KEYS = (
    "right_square_bracket", "f", "c", "escape", "s", "s", "question_mark", "escape",
    "slash", "a", "escape", "down", "G", "left_square_bracket", "q",
)  # fmt: skip


@pytest.mark.parametrize("size", [(40, 12), (20, 6), (1, 1)], ids=lambda s: f"{s[0]}x{s[1]}")
async def test_tiny_terminals_do_not_crash(app: ReaderApp, size: tuple[int, int]) -> None:
    """Start, press the main keys, quit: no exception at 40×12, 20×6, even 1×1."""
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for key in TINY_KEYS:
            await pilot.press(key)
        await pilot.pause()
    assert app.return_code == 0
    assert app.return_value == 0


async def test_q_quits_with_exit_code_zero(app: ReaderApp) -> None:
    """q leaves cleanly."""
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0
    assert app.return_value == 0


# --------------------------------------------------------------------------- restricted


async def test_restricted_mode_refuses_screenshots_and_suspend(
    pack: Pack, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    """Under SSH ForceCommand the app must not write files or drop to a shell."""
    suspended: list[bool] = []
    monkeypatch.setattr(App, "action_suspend_process", lambda self: suspended.append(True))
    app = create_app(pack, restricted=True, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.check_action("screenshot", ()) is False
        assert app.check_action("suspend_process", ()) is False
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert not any("screenshot" in title.lower() for title in titles)
        assert "Quit" in titles

        target = _isolated_home / "shots"
        target.mkdir()
        assert app.deliver_screenshot() is None
        assert app.deliver_screenshot("x.svg", str(target)) is None
        app.action_screenshot("y.svg", str(target))
        await pilot.press("ctrl+z")
        app.action_suspend_process()
        # The positive control: a file delivered the way screenshots are, asked for after
        # them, so any screenshot asked for above would be written by the time it is.
        app.deliver_text(io.StringIO("control"), save_directory=target, save_filename="c.txt")
        await wait_until(pilot, (target / "c.txt").is_file, what="the control file")
        assert app.is_running
    assert suspended == []
    assert [path.name for path in target.iterdir()] == ["c.txt"]
    assert not (_isolated_home / "Downloads").exists()
    assert not list(_isolated_home.rglob("*.svg"))


async def test_unrestricted_mode_keeps_screenshots(pack: Pack, _isolated_home: Path) -> None:
    """The control case: without --restricted the same calls do write a screenshot."""
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.check_action("screenshot", ()) is True
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" in titles
        shot = _isolated_home / "shots" / "x.svg"
        shot.parent.mkdir()
        assert app.deliver_screenshot("x.svg", str(shot.parent)) is not None
        await wait_until(pilot, shot.is_file, what="the screenshot file")
        await wait_for_deliveries(pilot)


async def test_restricted_palette_offers_no_screenshot(pack: Pack) -> None:
    """The palette a restricted user sees lists no Screenshot command."""
    app = create_app(pack, restricted=True, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="palette")
        await pilot.press("e")
        command_list = app.screen.query_one("CommandList")

        def prompts() -> list[str]:
            return [str(option.prompt) for option in command_list.options]

        # The positive control: "Theme" matches "e" too and comes from the same search of
        # the system commands, so once it is listed a Screenshot command would be as well.
        await wait_until(pilot, lambda: any("Theme" in p for p in prompts()), what="Theme")
        assert not any("Screenshot" in prompt for prompt in prompts()), prompts()
        await pilot.press("escape")


# --------------------------------------------------------------------------- hostile content

MARKUP = "[@click=app.quit]x[/]"


async def test_content_markup_is_shown_literally_and_never_runs(tmp_path: Path) -> None:
    """Textual markup in a heading or paragraph is text, and clicking it does nothing."""
    root = tmp_path / "pack"
    root.mkdir()
    (root / "01-m.md").write_text(
        f"# Title {MARKUP} here\n\nBody {MARKUP} text.\n\n## Sub {MARKUP}\n\nMore.\n"
    )
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        lines = document(app).plain_lines()
        assert lines[0] == f"Title {MARKUP} here"
        body = next(number for number, line in enumerate(lines) if line.startswith("Body"))
        assert MARKUP in lines[body]
        assert MARKUP in header(app).place
        outline = app.main.query_one("#outline", Outline)
        assert MARKUP in str(outline.root.children[0].label)

        view = document(app)
        left = view.region.x + view.styles.padding.left
        for row, line in ((0, lines[0]), (body, lines[body])):
            column = line.index(MARKUP) + 1
            await pilot.click(offset=(left + column, view.region.y + row))
            await pilot.pause()
            assert app.is_running, f"clicking {line!r} ran its markup"
        crumbs = header(app)
        column = header(app).place.index(MARKUP) + 1
        await pilot.click(offset=(crumbs.region.x + 1 + column, crumbs.region.y))
        await pilot.pause()
        assert app.is_running, "clicking the header ran its markup"
        await pilot.press("right_square_bracket")
        assert app.current is not None and app.current.title == f"Sub {MARKUP}"
        assert MARKUP in header(app).place
        assert app.is_running


# --------------------------------------------------------------------------- big section


def big_section(size: int = 260 * 1024) -> str:
    """One heading and ~size bytes of numbered paragraphs, ending with a marker."""
    parts = ["# Big\n"]
    total, number = 0, 0
    while total < size:
        paragraph = (
            f"Paragraph {number}: "
            + " ".join(f"word{number}x{i}" for i in range(60))
            + ". *Some* **markup** and `code`.\n"
        )
        parts.append(paragraph)
        total += len(paragraph) + 1
        number += 1
    parts.append("The very last paragraph says GOODBYE-MARKER.\n")
    return "\n".join(parts)


def big_section_pack(tmp_path: Path) -> Pack:
    """A pack of one file holding big_section(): one section of 260 KB."""
    root = tmp_path / "pack"
    root.mkdir(parents=True)
    (root / "big.md").write_text(big_section())
    return load_pack(root)


async def test_a_260_kb_section_opens_fast_and_renders_to_the_end(tmp_path: Path) -> None:
    """The first screen does not wait for the whole section; G reaches its very end."""
    pack = big_section_pack(tmp_path)
    assert len(pack.sections) == 1
    assert len(pack.sections[0].markdown.encode()) >= 260 * 1024
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_until(pilot, lambda: view.first_screen_ready, what="the first screen")
        # Drawn from the first chunk: most of the section is still to be measured.
        lines_at_first_screen = view.line_count
        assert visible_lines(view)[0] == "Big"
        assert any("Paragraph 0:" in line for line in visible_lines(view))
        await wait_rendered(pilot, view, timeout=30)
        assert view.line_count > 10 * lines_at_first_screen
        await pilot.press("G")
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y > 0, what="the end")
        assert any("GOODBYE-MARKER" in line for line in visible_lines(view))
        await pilot.press("g")
        await wait_until(pilot, lambda: view.scroll_y == 0, what="the top")


async def test_g_before_the_big_section_finished_rendering_still_reaches_the_end(
    tmp_path: Path,
) -> None:
    """A reader who presses G at once gets the real end, not the end of what is rendered."""
    app = create_app(big_section_pack(tmp_path), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_until(pilot, lambda: view.first_screen_ready, 2.0, "the first screen")
        await pilot.press("G")
        await pilot.pause()
        assert view.fully_rendered
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y > 0, what="the end")
        assert any("GOODBYE-MARKER" in line for line in visible_lines(view))


async def test_code_drawn_plain_on_the_first_screen_is_highlighted_a_frame_later(
    tmp_path: Path,
) -> None:
    """Building a Pygments lexer takes ~0.15 s: the first screen does not wait for it,
    and the code gets its colours once the lexer is built."""
    from reader.render import draw as render

    render._LEXERS.pop("python", None)  # as on a fresh start
    root = tmp_path / "pack"
    root.mkdir()
    (root / "code.md").write_text("# Code\n\n```python\ndef greet(name):\n    return name\n```\n")
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        drawn = view.document.lines(0, view.line_count)
        line = next(strip for strip in drawn if "def greet" in strip.text)
        keyword = next(segment for segment in line if segment.text.strip() == "def")
        assert keyword.style is not None and keyword.style.color is not None, line
        assert "python" in render._LEXERS


async def test_what_the_screen_shows_while_a_big_section_fills_is_the_text(
    tmp_path: Path,
) -> None:
    """While the rest of a big section renders, only the scrollbar is redrawn for lines
    below the screen; the text a reader paged to must still be painted, not stale."""
    app = create_app(big_section_pack(tmp_path), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_until(pilot, lambda: view.first_screen_ready, 2.0, "the first screen")
        for _ in range(3):
            await pilot.press("space")  # a page down while it renders
            await pilot.pause(0.05)
        assert view.scroll_y > 0
        await wait_rendered(pilot, view, timeout=30)
        await pilot.pause()
        screenshot = app.export_screenshot()
        words = re.findall(r"word\d+x\d+", " ".join(visible_lines(view)))
        assert words, "the pane shows paragraphs"
        missing = [word for word in words if word not in screenshot]
        assert missing == [], "on screen: what the pane held when last painted"


async def test_the_scrollbar_follows_a_filling_section_without_laying_out_the_screen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each growth of a big section used to lay out the whole screen (~17 ms); once the
    scrollbar is shown, only the scrollbar needs the new size."""
    layouts: list[int] = []
    original = DocumentView.refresh

    def spy(view: DocumentView, *regions: object, layout: bool = False, **kwargs: object):
        if layout:
            layouts.append(view.virtual_size.height)
        return original(view, *regions, layout=layout, **kwargs)

    monkeypatch.setattr(DocumentView, "refresh", spy)
    app = create_app(big_section_pack(tmp_path), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_until(pilot, lambda: view.first_screen_ready, 2.0, "the first screen")
        first_screen = view.virtual_size.height
        await wait_rendered(pilot, view, timeout=30)
        await pilot.pause()
        assert view.virtual_size.height > first_screen * 10, "it grew while it filled"
        grown = [height for height in layouts if height > first_screen]
        assert grown == [], "a growth laid out the screen"
        scrollbar = view.vertical_scrollbar
        assert scrollbar.window_virtual_size == view.virtual_size.height == view.line_count
        assert view.max_scroll_y == view.line_count - view.scrollable_content_region.height


@pytest.mark.parametrize("width", [40, 69, 70, 73, 80, 99, 120, 161])
async def test_the_first_screen_is_drawn_at_the_width_it_is_laid_out_at(
    pack: Pack, width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The first section is wrapped before layout, at the width the stylesheet will give
    it; a wrong guess drew every block twice at start-up (the sidebar's border was
    counted twice, one column too narrow)."""
    rerendered: list[int] = []
    original = RenderedDocument.rewrap

    def spy(document: RenderedDocument, width: int, *args: object, **kwargs: object) -> None:
        rerendered.append(width)
        original(document, width, *args, **kwargs)

    monkeypatch.setattr(RenderedDocument, "rewrap", spy)
    app = create_app(pack, no_state=True)
    async with app.run_test(size=(width, 30)) as pilot:
        view = document(app)
        await pilot.pause()
        await pilot.pause()
        laid_out = view.scrollable_content_region.width
        assert app.main._document_width() == laid_out
        assert rerendered == [], "the first screen was wrapped again at its real width"


async def test_a_big_section_keeps_only_a_bounded_number_of_drawn_lines(tmp_path: Path) -> None:
    """Drawn lines are kept for what is near the screen, not for the whole section: a
    260 KB section holds no more than CACHE_LINES of them while it fills, once it is
    done, and after a jump to its end (the collector needs no special policy)."""
    app = create_app(big_section_pack(tmp_path), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_until(pilot, lambda: view.first_screen_ready, what="the first screen")
        assert view.document is not None
        most = view.document.cached_lines
        while not view.fully_rendered:
            most = max(most, view.document.cached_lines)
            await pilot.pause(0.01)
        assert view.line_count > 3 * CACHE_LINES, "the section is taller than the cache"
        assert 0 < most <= CACHE_LINES
        await pilot.press("G")
        await wait_until(pilot, lambda: view.scroll_y == view.max_scroll_y > 0, what="the end")
        assert any("GOODBYE-MARKER" in line for line in visible_lines(view))
        assert view.document.cached_lines <= CACHE_LINES
        assert gc.isenabled(), "the collector is never turned off for a section"


async def test_header_cuts_a_long_breadcrumb_and_keeps_the_status() -> None:
    class HeaderOnly(App[None]):
        def compose(self) -> ComposeResult:
            yield HeaderBar(id="header")

    app = HeaderOnly()
    async with app.run_test(size=(40, 3)) as pilot:
        bar = app.query_one(HeaderBar)
        bar.show_place("A pack with a long title", "Part one › A section with a long name")
        bar.show_status("3 of 12", "40% read")
        await pilot.pause()
        line = str(bar.render())
        assert len(line) == 40
        assert line.endswith("  3 of 12  ·  40% read ")
        # The parents go first (test_orientation.py), then the current title is cut.
        assert line.startswith(" A section with ") and line[16] == "…"
        bar.show_status("")  # no status: the breadcrumb takes the line, less the padding
        line = str(bar.render())
        assert len(line) == 40 and line.rstrip() == " …  ›  A section with a long name"
