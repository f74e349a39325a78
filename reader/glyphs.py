"""The characters the reader's chrome draws: Unicode, or ASCII where it would not show.

The Linux console (`TERM=linux`) has a 512-glyph font without most box-drawing and
symbol characters (✓ ▶ ▼ › ▔ ▁ ▊ ▕ draw as diamonds or nothing), and a locale that is
not UTF-8 cannot encode them at all. There the reader draws ASCII. The choice is made
once per app from cheap checks of the environment (no terminal queries); core code
can use it, so this module never imports Textual.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import NamedTuple

__all__ = ["ASCII", "UNICODE", "Glyphs", "choose", "current", "select", "wants_ascii"]


class Glyphs(NamedTuple):
    """One set of chrome characters; every field has the same cell width in both sets."""

    ascii: bool
    read_mark: str  # before a read section in the outline
    fold_closed: str  # outline nodes and <details> summaries
    fold_open: str
    breadcrumb: str  # between the pack and the section path in the header
    separator: str  # between parts of the header's status
    ellipsis: str  # a cut text (one or three cells)
    bullets: tuple[str, str, str]  # list markers by depth
    quote_bar: str
    rule: str  # a horizontal rule, an h2 underline
    heavy_rule: str  # an h1 underline
    dashed_rule: str  # between cards of a stacked table
    guide: str  # the left edge of an open <details>
    guide_end: str  # its bottom corner
    table_top: tuple[str, str, str]  # left, between columns, right
    table_middle: tuple[str, str, str]
    table_bottom: tuple[str, str, str]
    table_vertical: str
    table_horizontal: str
    tree_lines: tuple[str, str, str, str]  # Textual Tree guides: space, vertical, end, cross
    tasks: tuple[str, str]  # a task list item's marker: open, done
    footnote_back: str  # after a footnote's text: back to where it was referenced
    #: Before an alert's title: note, tip, important, warning, caution (GitHub's kinds).
    alerts: tuple[str, str, str, str, str]


UNICODE = Glyphs(
    ascii=False,
    read_mark="✓ ",
    fold_closed="▶ ",
    fold_open="▼ ",
    breadcrumb="  ›  ",
    separator="  ·  ",
    ellipsis="…",
    bullets=("• ", "◦ ", "▪ "),
    quote_bar="▌ ",
    rule="─",
    heavy_rule="━",
    dashed_rule="┄",
    guide="│ ",
    guide_end="╰─",
    table_top=("╭", "┬", "╮"),
    table_middle=("├", "┼", "┤"),
    table_bottom=("╰", "┴", "╯"),
    table_vertical="│",
    table_horizontal="─",
    tree_lines=("  ", "│ ", "└─", "├─"),
    tasks=("☐ ", "☑ "),
    footnote_back="↩",
    # In DejaVu Sans Mono and the like, and none an emoji (which some terminals draw two
    # cells wide): ⓘ and ℹ are missing from common terminal fonts, ⚠ and ✖ are emoji.
    alerts=("✎", "✦", "◆", "▲", "⊘"),
)

ASCII = Glyphs(
    ascii=True,
    read_mark="* ",
    fold_closed="> ",
    fold_open="v ",
    breadcrumb="  >  ",
    separator="  |  ",
    ellipsis="...",
    bullets=("* ", "- ", "+ "),
    quote_bar="| ",
    rule="-",
    heavy_rule="=",
    dashed_rule="-",
    guide="| ",
    guide_end="`-",
    table_top=("+", "+", "+"),
    table_middle=("+", "+", "+"),
    table_bottom=("+", "+", "+"),
    table_vertical="|",
    table_horizontal="-",
    tree_lines=("  ", "| ", "`-", "|-"),
    tasks=("[ ] ", "[x] "),  # a box needs its brackets in ASCII
    footnote_back="^",
    alerts=("(i)", "(*)", "(!)", "/!\\", "(x)"),
)

#: Terminals whose fonts lack the Unicode chrome: the Linux and FreeBSD consoles, VT100s.
_ASCII_TERMS = ("linux", "cons25", "vt100", "vt102", "vt220")


def wants_ascii(environ: Mapping[str, str] | None = None, encoding: str | None = None) -> bool:
    """True on a console whose font lacks the glyphs, or where the text is not UTF-8.

    The locale is the first set of LC_ALL, LC_CTYPE and LANG (as setlocale reads
    them); none set means the C locale, which is ASCII. `encoding` defaults to
    sys.stdout's.
    """
    env = os.environ if environ is None else environ
    term = env.get("TERM", "").lower()
    if term.split("-", 1)[0] in _ASCII_TERMS:
        return True
    locale = env.get("LC_ALL") or env.get("LC_CTYPE") or env.get("LANG") or ""
    if not _is_utf8(locale):
        return True
    if encoding is None:
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    return not _is_utf8(encoding)


def _is_utf8(name: str) -> bool:
    return "utf8" in name.lower().replace("-", "").replace("_", "")


def choose(environ: Mapping[str, str] | None = None, encoding: str | None = None) -> Glyphs:
    return ASCII if wants_ascii(environ, encoding) else UNICODE


_current: Glyphs | None = None


def select(environ: Mapping[str, str] | None = None, encoding: str | None = None) -> Glyphs:
    """Choose the glyphs from the environment (the app does this once, at start)."""
    global _current
    _current = choose(environ, encoding)
    return _current


def current() -> Glyphs:
    """The glyphs chosen at start (chosen now if nothing has chosen yet)."""
    return _current if _current is not None else select()
