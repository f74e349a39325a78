"""Every text the reader draws is readable, in every built-in theme and colour depth.

The reader runs once per theme (Pilot, 100x80) on a small pack holding every block
kind, with a link focused, search matches shown, a section marked read and the
outline's cursor on a section. The test takes the strips Textual renders for the
reading pane, the header, the footer's keys and the outline (`Widget.render_lines`,
so the app's line filters are applied), then for each colour depth converts every
segment's colours as the terminal would show them:

- truecolor: as rendered (ANSI colours through the console palette below);
- 256 colours: `Color.downgrade(EIGHT_BIT)`, the xterm palette;
- 16 colours: `Color.downgrade(STANDARD)`, which Rich matches against the VGA palette,
  shown in that palette (the Linux console's own, default grey on black);
- NO_COLOR: the line filters the reader draws through under NO_COLOR
  (`App.get_line_filters` of a reader built with NO_COLOR set: `NoColorFilter`, greys
  for the theme's colours, the terminal's default colours for ANSI ones), then
  truecolor.

and checks the WCAG contrast ratio of each segment's foreground over its effective
background (reverse swapped, `dim` blended halfway as a terminal would dim it):
4.5:1 for text (body, headings, code, links, quotes, tables, the outline, the header's
place, footer keys), 3:1 for secondary text (the header's status, footer descriptions,
the outline's read marks, muted notes). Runs of line-drawing characters (rules, table
borders, guides, the quote bar) are decoration and are not checked.

Parametrized by theme x depth, so a failure names both.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest
from conftest import contrast, wait_rendered, wait_until
from rich.color import Color, ColorSystem
from rich.segment import Segment
from rich.style import Style
from rich.terminal_theme import TerminalTheme
from textual.app import App
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.widget import Widget

from reader.pack import load_pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.header_bar import HeaderBar
from reader.ui.widgets.outline import Outline

TEXT = 4.5
SECONDARY = 3.0
DEPTHS = ("truecolor", "256", "16", "no-color")
#: The Linux console's palette, VGA's (as Rich's private STANDARD_PALETTE): grey on black.
_VGA = [
    (0, 0, 0), (170, 0, 0), (0, 170, 0), (170, 85, 0), (0, 0, 170), (170, 0, 170),
    (0, 170, 170), (170, 170, 170), (85, 85, 85), (255, 85, 85), (85, 255, 85),
    (255, 255, 85), (85, 85, 255), (255, 85, 255), (85, 255, 255), (255, 255, 255),
]  # fmt: skip
CONSOLE = TerminalTheme((0, 0, 0), (170, 170, 170), _VGA)
#: ANSI themes (ansi-light) assume a light terminal: the same palette, black on white.
LIGHT_CONSOLE = TerminalTheme((255, 255, 255), (0, 0, 0), _VGA)
DECORATION = set("─━┄│╭╮╰╯├┤┬┴┼▌▏▕▔▁▊▎+-=|`_ ")

MARKDOWN = """\
# Every block

A paragraph with *emphasis*, **strong**, `inline code`, a [first link](https://example.com/a)
and a [second link](https://example.com/b); the word zebra and another zebra.[^note]

> [!NOTE]
> A note.

> [!TIP]
> A tip.

> [!IMPORTANT]
> Important.

> [!WARNING]
> A warning.

> [!CAUTION]
> A caution.

- [ ] an open task
- [x] a done task

Term
: Its definition, <kbd>Ctrl</kbd> and H<sub>2</sub>O.

<details open>
<summary>A summary</summary>

## Heading two

### Heading three

#### Heading four

##### Heading five

###### Heading six

</details>

> A block quote, with a [link](https://example.com/q) in it.

- A list item
  - a nested one
1. An ordered item

| Name | Value |
| ---- | ----- |
| a    | `one` |

```python
def greet(name: str) -> str:
    # A comment
    return f"Hello {name}" + str(42)
```

```
plain code block
```

[^note]: A footnote.

# Second

More.
"""


class Run(NamedTuple):
    text: str
    style: Style
    minimum: float  # 0: decoration, not checked
    where: str


def _runs(strips: Iterable, where: str, minimum: float, secondary: Iterable[str] = ()) -> list[Run]:
    secondary = {part for part in secondary if part}
    runs = []
    for row, strip in enumerate(strips):
        for segment in strip:
            text = segment.text
            if not text.strip() or segment.style is None:
                continue
            needed = minimum
            if set(text) <= DECORATION:
                needed = 0.0
            elif (minimum and text.strip() in secondary) or any(part in text for part in secondary):
                needed = SECONDARY
            runs.append(Run(text, segment.style, needed, f"{where} line {row}"))
    return runs


def _lines(widget: Widget) -> list:
    return widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))


@cache
def _no_color_filters() -> tuple[LineFilter, ...]:
    """What the reader draws through under NO_COLOR, asked of a reader built with it set
    (Textual's own choice, `Monochrome`, turns an ANSI theme black on black)."""
    import tempfile

    saved = os.environ.get("NO_COLOR")
    os.environ["NO_COLOR"] = "1"
    try:
        with tempfile.TemporaryDirectory() as folder:
            filters = create_app(_pack(Path(folder) / "pack"), no_state=True).get_line_filters()
    finally:
        if saved is None:
            del os.environ["NO_COLOR"]
        else:
            os.environ["NO_COLOR"] = saved
    assert filters, "no NO_COLOR filter"
    return tuple(f for f in filters if not isinstance(f, ANSIToTruecolor))


def _pack(root: Path):
    root.mkdir(parents=True, exist_ok=True)
    (root / "01-every.md").write_text(MARKDOWN, encoding="utf-8")
    return load_pack(root)


async def _render(theme: str, root: Path) -> dict[str, list[Run]]:
    app: ReaderApp = create_app(_pack(root), no_state=True)
    async with app.run_test(size=(100, 80)) as pilot:
        view = app.main.query_one("#document", DocumentView)
        await wait_until(pilot, lambda: app.main.query(Outline), what="the outline")
        await wait_rendered(pilot, view)
        app.theme = theme
        await pilot.pause()
        await wait_until(pilot, lambda: view.fully_rendered, what="the restyled document")
        await pilot.pause()
        view.set_highlighter(
            lambda text: [(i, i + 5) for i in range(len(text)) if text.startswith("zebra", i)],
            to_first_match=True,
        )
        view.action_next_match(1)
        view.action_next_item(1)
        outline = app.main.query_one(Outline)
        outline.set_read({app.pack.top_level[0].id})
        await pilot.pause()
        await pilot.pause()
        header = app.main.query_one(HeaderBar)
        runs: dict[str, list[Run]] = {
            "document": _runs(_lines(view), "document", TEXT),
            "header": _runs(_lines(header), "header", TEXT, header.status.split("  ")),
            "outline": _runs(_lines(outline), "outline", TEXT, ["✓", "*"]),
            "footer": [],
        }
        outline.focus()  # the cursor row drawn as the focused outline draws it
        await pilot.pause()
        await pilot.pause()
        runs["focused outline"] = _runs(_lines(outline), "focused outline", TEXT, ["✓", "*"])
        view.focus()
        await pilot.pause()
        for key in app.main.query("FooterKey"):  # by CSS type: the class is private
            # A disabled key is drawn dim on purpose; WCAG exempts inactive controls.
            # The footer marks it with Textual's `-disabled` class (FooterKey.disabled is
            # the widget's own state, which the footer does not set).
            needed = 0.0 if key.has_class("-disabled") else TEXT
            where = f"footer {key.description!r}"
            for run in _runs(_lines(key), where, needed):
                # All but the key is its description (cut short when the footer is full).
                if run.minimum and run.text.strip() != key.key_display.strip():
                    run = run._replace(minimum=SECONDARY)
                runs["footer"].append(run)
    return runs


@cache
def rendered(theme: str) -> dict[str, list[Run]]:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        return asyncio.run(_render(theme, Path(folder) / "pack"))


def _shown(
    color: Color | None, depth: str, foreground: bool, console: TerminalTheme = CONSOLE
) -> tuple[int, int, int]:
    if color is None:
        color = Color.default()
    if depth == "256":
        color = color.downgrade(ColorSystem.EIGHT_BIT)
    elif depth == "16":
        color = color.downgrade(ColorSystem.STANDARD)
    triplet = color.get_truecolor(console, foreground=foreground)
    return (triplet.red, triplet.green, triplet.blue)


def _ratio(style: Style, depth: str, console: TerminalTheme = CONSOLE) -> float:
    fg, bg = style.color, style.bgcolor
    if style.reverse:
        fg, bg = bg, fg
        fore, back = _shown(fg, depth, False, console), _shown(bg, depth, True, console)
    else:
        fore, back = _shown(fg, depth, True, console), _shown(bg, depth, False, console)
    if style.dim:
        fore = tuple((f + b) // 2 for f, b in zip(fore, back, strict=True))  # type: ignore[assignment]
    return contrast(fore, back)


def _filtered(style: Style, depth: str) -> Style:
    if depth != "no-color":
        return style
    segments = [Segment("x", style)]
    for line_filter in _no_color_filters():
        segments = line_filter.apply(segments, None)  # type: ignore[arg-type]
    return segments[0].style or Style()


_AVAILABLE = App().available_themes
THEMES = sorted(_AVAILABLE)


def test_every_block_kind_is_on_the_screen_that_is_checked() -> None:
    """The checks below see the whole first section: down to its last block."""
    shown = "".join(run.text for run in rendered(THEMES[0])["document"])
    for text in ("Note", "Caution", "done task", "Its definition", "plain code block"):
        assert text in shown, text


@pytest.mark.parametrize("depth", DEPTHS)
@pytest.mark.parametrize("theme", THEMES)
def test_every_text_is_readable(theme: str, depth: str) -> None:
    console = CONSOLE if _AVAILABLE[theme].dark else LIGHT_CONSOLE
    failures = []
    for runs in rendered(theme).values():
        for run in runs:
            if not run.minimum:
                continue
            ratio = _ratio(_filtered(run.style, depth), depth, console)
            if ratio < run.minimum:
                text = run.text.strip()[:30]
                failures.append(f"{run.where}: {text!r} {ratio:.2f} < {run.minimum} ({run.style})")
    assert not failures, f"{theme} at {depth}:\n" + "\n".join(sorted(set(failures))[:40])


async def test_the_linux_console_gets_ascii_chrome(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """TERM=linux: outline, header, reading pane, borders and scrollbars draw ASCII."""
    monkeypatch.setenv("TERM", "linux")
    app = create_app(_pack(tmp_path / "pack"), no_state=True)
    async with app.run_test(size=(100, 40)) as pilot:
        view = app.main.query_one("#document", DocumentView)
        await wait_until(pilot, lambda: app.main.query(Outline), what="the outline")
        await wait_rendered(pilot, view)
        app.main.query_one(Outline).set_read({app.pack.top_level[0].id})
        await pilot.pause()
        assert app.has_class("-ascii")
        shown = [
            segment.text
            for widget in (view, app.main.query_one(HeaderBar), app.main.query_one(Outline))
            for strip in _lines(widget)
            for segment in strip
        ]
        # Known gap: section_footer.py writes "·" into the section's Markdown (not chrome).
        unicode = {text for text in shown if not text.isascii()} - {"  ·  "}
        assert not unicode
        assert "* " in "".join(shown)  # the read mark
        assert app.main.query_one("#search").styles.border_top[0] == "ascii"
    monkeypatch.setenv("TERM", "xterm-256color")
    assert not create_app(_pack(tmp_path / "again"), no_state=True).has_class("-ascii")
