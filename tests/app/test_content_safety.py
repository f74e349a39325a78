"""Issue 14: content must never become an action.

Every string from a pack reaches Textual as text, never as markup: the command palette's
"Go to" hits (prompt and help), notifications, dialogs and the reading pane. Character
references decoded by the Markdown parser are sanitized like the file was, and a link a
pack author writes can never pose as the reader's own internal navigation.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from conftest import (
    SIZE,
    document,
    header,
    record_notifications,
    wait_for_deliveries,
    wait_rendered,
    wait_until,
)
from rich.segment import Segment
from textual.command import CommandPalette
from textual.pilot import Pilot

from reader.pack import Pack, load_pack
from reader.ui import section_footer
from reader.ui.app import RESTRICTED_ACTIONS, ReaderApp, create_app
from reader.ui.commands import ACTIONS
from reader.ui.screens.confirm import ConfirmScreen
from reader.ui.widgets.outline import Outline

REPO_ROOT = Path(__file__).resolve().parents[2]
UI = REPO_ROOT / "reader" / "ui"


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        (root / name).write_text(body, encoding="utf-8")
    return root


# --------------------------------------------------------------------------- palette

#: Bracket forms Textual markup reads; `escape` only guards `[` before a-z, #, / and @.
#: `{shot}` is replaced by a screenshot action aimed at the test's own folder.
BRACKETS = {
    "spaced click": "[ @click={shot}]",
    "click": "[@click={shot}]",
    "link": "[link='file:///etc/passwd']x[/]",
    "reverse": "[reverse]",
    "capital reverse": "[Reverse]",
    "variable": "[$accent]",
    "bold": "[b]",
    "closing": "[/]",
    "background": "[on red]",
    "escaped bracket": "\\\\[b]",  # Markdown `\\[b]`: the title holds a backslash and [b]
}


def hostile_pack(tmp_path: Path, payload: str) -> Pack:
    root = write(
        tmp_path / "pack",
        {
            "01-a.md": "# Safe start\n\nIntro.\n\n"
            f"## {payload}Getting started\n\nBody.\n\n## Other\n\nMore.\n",
        },
    )
    return load_pack(root)


async def open_palette(pilot: Pilot, query: str) -> None:
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette), what="the palette")
    if query:
        await pilot.press(*query)


def palette_prompts(app: ReaderApp) -> list[str]:
    return [str(option.prompt) for option in app.screen.query_one("CommandList").options]


async def wait_for_prompt(pilot: Pilot, wanted: str) -> None:
    app = pilot.app
    await wait_until(
        pilot,
        lambda: any(wanted in prompt for prompt in palette_prompts(app)),  # type: ignore[arg-type]
        what=lambda: f"{wanted!r} in the palette, saw {palette_prompts(app)}",  # type: ignore[arg-type]
    )


def drawn_segments(app: ReaderApp) -> list[Segment]:
    """Every segment the palette's list draws on screen now."""
    command_list = app.screen.query_one("CommandList")
    segments: list[Segment] = []
    for y in range(command_list.size.height):
        segments.extend(command_list.render_line(y))
    return segments


async def click_list_row(pilot: Pilot, column: int, row: int) -> None:
    """Click the palette's list at a column and row of its content (below its border)."""
    area = pilot.app.screen.query_one("CommandList").content_region
    await pilot.click(offset=(area.x + column, area.y + row))


async def assert_only_the_control_screenshot(pilot: Pilot, app: ReaderApp, shots: Path) -> None:
    """Ask for a screenshot into `shots` now and wait until it is there (the positive
    control): one that a click or key before had asked for started writing before it, so
    by then it would be there too. None is."""
    await pilot.pause()
    assert app.deliver_screenshot("control.svg", str(shots)) is not None
    control = shots / "control.svg"
    await wait_until(pilot, control.is_file, what="the control screenshot to be written")
    await wait_for_deliveries(pilot)
    assert sorted(path.name for path in shots.iterdir()) == ["control.svg"], "no other one"


def live_styles(segments: list[Segment]) -> list[Segment]:
    """Segments whose style carries an action (@click meta) or a terminal hyperlink."""
    return [
        segment
        for segment in segments
        if segment.style is not None
        and (segment.style.link or any(key.startswith("@") for key in segment.style.meta))
    ]


@pytest.mark.parametrize("form", list(BRACKETS))
async def test_palette_go_to_shows_bracketed_titles_literally_and_only_opens_them(
    tmp_path: Path, form: str
) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    payload = BRACKETS[form].replace("{shot}", f"app.screenshot('pwned.svg','{shots}')")
    pack = hostile_pack(tmp_path, payload)
    target = next(section for section in pack.sections if "Getting started" in section.title)
    assert "[" in target.title
    app = create_app(pack, no_state=True)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        await open_palette(pilot, "Getting started")
        await wait_for_prompt(pilot, "Getting started")
        options = app.screen.query_one("CommandList").options
        hit = next(option for option in options if "Getting started" in str(option.prompt))
        shown = str(hit.prompt)
        assert f"Go to: {target.title}" in shown, "the title, brackets and all"
        assert target.breadcrumb in shown, "the help line is the breadcrumb, literally"
        segments = drawn_segments(app)
        drawn = "".join(segment.text for segment in segments)
        assert target.title in drawn
        assert live_styles(segments) == []

        # Click on the bracketed part of the hit: it opens the section and nothing else.
        command_list = app.screen.query_one("CommandList")
        row = next(
            y
            for y in range(command_list.size.height)
            if "Getting started" in command_list.render_line(y).text
        )
        line = command_list.render_line(row).text
        column = line.index(target.title) + 2
        await click_list_row(pilot, column, row)
        await wait_until(pilot, lambda: app.screen is app.main, what="the palette to close")
        assert app.current is target
        assert app.is_running
        await assert_only_the_control_screenshot(pilot, app, shots)


async def test_palette_click_on_reset_markup_keeps_read_marks_in_restricted_mode(
    tmp_path: Path,
) -> None:
    """`[ @click=app.reset_progress]` is allowed in restricted mode: it must stay text."""
    pack = hostile_pack(tmp_path, "[ @click=app.reset_progress]")
    target = next(section for section in pack.sections if "Getting started" in section.title)
    app = create_app(pack, restricted=True, state_dir=tmp_path / "state")
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        first = pack.first_section.id
        await wait_until(pilot, lambda: first in app.reading.read, what="the short section read")
        await open_palette(pilot, "Getting started")
        await wait_for_prompt(pilot, "Getting started")
        assert live_styles(drawn_segments(app)) == []
        command_list = app.screen.query_one("CommandList")
        row = next(
            y
            for y in range(command_list.size.height)
            if "Getting started" in command_list.render_line(y).text
        )
        column = command_list.render_line(row).text.index("@click") + 1
        await click_list_row(pilot, column, row)
        await wait_until(pilot, lambda: app.screen is app.main, what="the palette to close")
        await pilot.pause(0.2)
        assert app.current is target
        assert app.screen is app.main, "no question to reset the progress"
        assert first in app.reading.read, "read marks intact"
        # The positive control: the action the markup names, run, asks within the same wait.
        await app.run_action("reset_progress")
        await pilot.pause(0.2)
        assert isinstance(app.screen, ConfirmScreen)


async def test_palette_keyboard_selection_of_a_hostile_title_opens_it(tmp_path: Path) -> None:
    shots = tmp_path / "shots"
    shots.mkdir()
    pack = hostile_pack(tmp_path, f"[@click=app.screenshot('x.svg','{shots}')]")
    target = next(section for section in pack.sections if "Getting started" in section.title)
    app = create_app(pack, no_state=True)
    async with app.run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        await open_palette(pilot, "Getting started")
        await wait_for_prompt(pilot, "Getting started")
        await pilot.press("down", "enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the palette to close")
        assert app.current is target
        await assert_only_the_control_screenshot(pilot, app, shots)


def _notify_calls(tree: ast.AST) -> list[ast.Call]:
    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "notify"
    ]


def test_every_notify_in_the_ui_turns_markup_off() -> None:
    """Notifications parse markup by default: each call must say markup=False."""
    calls = 0
    missing: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        for call in _notify_calls(ast.parse(path.read_text(encoding="utf-8"))):
            calls += 1
            markup = next((kw for kw in call.keywords if kw.arg == "markup"), None)
            if not (
                markup is not None
                and isinstance(markup.value, ast.Constant)
                and markup.value.value is False
            ):
                missing.append(f"{path.relative_to(REPO_ROOT)}:{call.lineno}")
    assert calls >= 5, "the scan found the notify calls"
    assert missing == []


def test_no_ui_module_escapes_or_parses_markup() -> None:
    """`textual.markup.escape` misses `[ @click…]`, `[$var]`, `[Reverse]`: never use it,
    and never build text with `from_markup` / `Text.from_markup`."""
    users: list[str] = []
    for path in sorted(UI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            imports_markup = isinstance(node, ast.ImportFrom) and node.module in (
                "textual.markup",
                "rich.markup",
            )
            parses = isinstance(node, ast.Attribute) and node.attr == "from_markup"
            if imports_markup or parses:
                users.append(f"{path.relative_to(REPO_ROOT)}:{node.lineno}")  # type: ignore[attr-defined]
    assert users == []


async def test_a_notice_naming_a_bracketed_title_is_shown_literally(tmp_path: Path) -> None:
    """'Bookmarked <title>' quotes the section title: text, never markup."""
    title = "A [b]x[/b] [$accent] [ @click=app.quit]y[/] [reverse]z"
    root = write(tmp_path / "pack", {"01-a.md": f"# {title}\n\nText.\n"})
    app = create_app(load_pack(root), state_dir=tmp_path / "state")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await wait_until(pilot, lambda: list(app.screen.query("Toast")), what="a toast")
        toast = app.screen.query_one("Toast")
        shown = toast.render()
        assert title in str(shown)
        segments = list(shown.render_segments())  # type: ignore[union-attr]
        assert live_styles(segments) == []
        assert app.is_running


# --------------------------------------------------------------------------- palette actions


async def palette_action_titles(app: ReaderApp, pilot: Pilot) -> list[str]:
    await pilot.pause()
    await open_palette(pilot, "")
    await wait_until(pilot, lambda: len(palette_prompts(app)) > 4, what="the command list")
    await pilot.pause(0.3)
    prompts = palette_prompts(app)
    await pilot.press("escape")
    return prompts


async def test_palette_lists_every_reader_command(app: ReaderApp) -> None:
    async with app.run_test(size=(120, 40)) as pilot:
        prompts = await palette_action_titles(app, pilot)
    for title, _action, help_text in ACTIONS:
        assert any(prompt.startswith(title) and help_text in prompt for prompt in prompts), (
            title,
            prompts,
        )
    # The control for the restricted palette's "no screenshot": the same wait lists it here.
    assert any("screenshot" in prompt.lower() for prompt in prompts), prompts


async def test_restricted_palette_lists_exactly_the_allowed_commands(pack: Pack) -> None:
    app = create_app(pack, restricted=True, no_state=True)
    async with app.run_test(size=(120, 40)) as pilot:
        prompts = await palette_action_titles(app, pilot)
    allowed = [title for title, action, _help in ACTIONS if action in RESTRICTED_ACTIONS]
    assert allowed, "restricted mode keeps the reading commands"
    for title in allowed:
        assert any(prompt.startswith(title) for prompt in prompts), (title, prompts)
    refused = [title for title, action, _help in ACTIONS if action not in RESTRICTED_ACTIONS]
    for title in refused:
        assert not any(prompt.startswith(title) for prompt in prompts), (title, prompts)
    assert not any("screenshot" in prompt.lower() for prompt in prompts), prompts


async def test_palette_hides_the_comparison_command_of_a_pack_without_one(
    tmp_path: Path,
) -> None:
    root = write(tmp_path / "pack", {"01-a.md": "# A\n\nText.\n\n## B\n\nMore.\n"})
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=(120, 40)) as pilot:
        prompts = await palette_action_titles(app, pilot)
    assert not any(prompt.startswith("Toggle comparison") for prompt in prompts)
    assert any(prompt.startswith("Next section") for prompt in prompts)


async def test_a_palette_command_runs_on_the_reading_screen(app: ReaderApp) -> None:
    """Chosen in the palette, 'Next section' moves on once the palette has closed."""
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        first = app.current
        await open_palette(pilot, "Next section")
        await wait_for_prompt(pilot, "Next section")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is app.main, what="the palette to close")
        await wait_until(pilot, lambda: app.current is not first, what="the next section")
        assert first is not None and app.current is not None
        assert app.current.index == first.index + 1


# --------------------------------------------------------------------------- character references

INVISIBLES = {
    "right-to-left override": "202E",
    "left-to-right embedding": "202A",
    "right-to-left isolate": "2067",
    "pop directional isolate": "2069",
    "right-to-left mark": "200F",
    "arabic letter mark": "061C",
    "line separator": "2028",
    "paragraph separator": "2029",
    "zero-width space": "200B",
    "word joiner": "2060",
    "byte order mark": "FEFF",
    "escape": "1b",
    "8-bit CSI": "9b",
}
BIDI = {"202E", "202A", "2067", "2069", "200F", "061C"}


def reference_pack(tmp_path: Path, code: str) -> Pack:
    ref = f"&#x{code};"
    # A raw control in a code span is removed with its sequence when the file loads
    # (ESC f is one sequence); a raw bidi control is shown like a decoded one.
    raw = chr(int(code, 16)) if code in BIDI else ""
    body = (
        f"# Heading {ref}one\n\n"
        f"Paragraph {ref}two and a [link {ref}three](https://example.org/) "
        f"and `code {raw}four` and ![alt {ref}five](pic.png).\n\n"
        f"| Col {ref}six | B |\n|---|---|\n| cell {ref}seven | x |\n\n"
        f"- item {ref}eight\n\n"
        f"> quote {ref}nine\n"
    )
    return load_pack(write(tmp_path / "pack", {"01-a.md": body}))


@pytest.mark.parametrize("name", list(INVISIBLES))
async def test_character_references_never_reach_the_drawn_lines(tmp_path: Path, name: str) -> None:
    code = INVISIBLES[name]
    forbidden = chr(int(code, 16))
    pack = reference_pack(tmp_path, code)
    app = create_app(pack, no_state=True)
    async with app.run_test(size=(140, 40)) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        await wait_until(pilot, lambda: app.main.outline is not None, what="the outline")
        assert view.document is not None
        lines = view.document.lines(0, view.line_count)
        drawn = "".join(segment.text for strip in lines for segment in strip)
        for word in ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine"):
            assert word in drawn
        assert forbidden not in drawn
        if code in BIDI:
            assert f"⟨U+{code}⟩two" in drawn, "a bidi control is shown, not obeyed"
            assert f"⟨U+{code}⟩four" in drawn, "raw in a code span, too"
        assert forbidden not in app.current.title  # type: ignore[union-attr]
        assert forbidden not in header(app).place
        outline = app.main.query_one("#outline", Outline)
        labels = [str(node.label) for node in outline.root.children]
        assert labels and all(forbidden not in label for label in labels)


async def test_a_zero_width_joiner_in_an_emoji_sequence_is_kept(tmp_path: Path) -> None:
    family = "👩\u200d⚕️"
    root = write(tmp_path / "pack", {"01-a.md": f"# A\n\nDoctor {family} and &#x200D; too.\n"})
    app = create_app(load_pack(root), no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        assert family in "\n".join(view.plain_lines())


# --------------------------------------------------------------------------- forged internal links


def two_section_pack(tmp_path: Path) -> Pack:
    return load_pack(
        write(
            tmp_path / "pack",
            {
                "01-a.md": "# Alpha\n\n[go](reader-section:beta) and "
                "[there](<reader-section:beta>)\n",
                "02-b.md": "# Beta\n\nB body.\n\n# Gamma\n\nG body.\n",
            },
        )
    )


async def test_a_reader_section_link_written_in_content_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = two_section_pack(tmp_path)
    app = create_app(pack, no_state=True)
    seen = record_notifications(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        assert app.current is not None and app.current.id == "alpha"
        for _ in range(2):
            await pilot.press("f")
            assert view.focused_href is not None and view.focused_href.startswith("reader-section:")
            await pilot.press("enter")
            await pilot.pause()
            assert app.current.id == "alpha", "a forged internal link is not followed"
        assert sum("Not followed" in message for _severity, message in seen) == 2
        # The footer's own way on still works.
        await pilot.press("f")
        assert (
            view.focused_href is not None
            and section_footer.internal_target(view.focused_href) == "beta"
        )
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current.id == "beta", what="the next section")  # type: ignore[union-attr]


async def test_the_footers_links_survive_non_ascii_ids(tmp_path: Path) -> None:
    """Section ids with accents are percent-encoded in hrefs; the footer's links still work."""
    pack = load_pack(
        write(tmp_path / "pack", {"01-a.md": "# Début\n\nText.\n\n## Café crème\n\nMore.\n"})
    )
    app = create_app(pack, no_state=True)
    async with app.run_test(size=SIZE) as pilot:
        view = document(app)
        await wait_rendered(pilot, view)
        second = pack.sections[1]
        for _ in range(5):
            await pilot.press("f")
            if view.focused_href and section_footer.internal_target(view.focused_href) == second.id:
                break
        else:
            pytest.fail(f"no footer link to {second.id!r}")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current is second, what="the subsection")


def test_internal_targets_cannot_be_written_by_content() -> None:
    INTERNAL_LINK = section_footer.INTERNAL_LINK
    internal_target = section_footer.internal_target

    assert internal_target("reader-section:beta") is None
    assert internal_target("https://example.org/") is None
    assert not INTERNAL_LINK.startswith("reader-section:")
