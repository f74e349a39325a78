"""The installed `reader` in a real terminal: read, move, search, compare, quit.

Pilot tests prove the wiring; only a real terminal proves the command a person types
starts, draws, takes keys through a pty and gives the terminal back with status 0.
"""

from __future__ import annotations

import re

import pytest
from tmux import (
    FIRST_SCREEN_TEXT,
    PACK_TITLE,
    AppPlace,
    StartReader,
    Tmux,
    assert_no_traceback,
    processes_with,
    wait_until,
)

pytestmark = pytest.mark.terminal

SEARCH_FOCUSED = "esc Clear search"  # the footer while the search box has focus
READING_PANE_KEYS = "f Next link"  # the footer while the reading pane has focus
FILAGGRIN = "The skin barrier and filaggrin"
TARGETED = "Targeted and systemic options"


def header(screen: str) -> str:
    """The top line: pack title › breadcrumb, progress on the right."""
    return screen.splitlines()[0] if screen else ""


def wait_header(tmux: Tmux, text: str, *, absent: str = "\0") -> str:
    """Poll until the header shows `text` (and no longer shows `absent`)."""
    return tmux.wait_screen(
        lambda screen: text in header(screen) and absent not in header(screen),
        why=f"{text!r} in the header" + (f" without {absent!r}" if absent != "\0" else ""),
    )


#: The first six top-level entries of the outline, as drawn in its 30-column sidebar.
#: How each entry's label starts, cut as a narrow sidebar cuts it to keep its counts.
OUTLINE_ENTRIES = [
    "Start here",
    "What eczema is",
    'What "autoim',
    "Immune dysre",
    "How eczema d",
    "The skin bar",
]
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def outline_cursor(tmux: Tmux) -> str:
    """The outline entry under the cursor: the one row drawn on a background no other has
    (or in reverse video, as the focused cursor is).

    Plain capture has no colours, so this reads `capture-pane -e` and tracks each row's
    background colours and reverse video in the sidebar (left of its `▕` edge).
    """
    rows: list[tuple[str, set[str]]] = []
    for line in tmux.run("capture-pane", "-p", "-e", "-t", tmux.target).splitlines()[4:]:
        sidebar = line.split("▕", 1)[0]
        backgrounds: set[str] = set()
        for params in _SGR.findall(sidebar):
            backgrounds |= _backgrounds(params.split(";"))
        rows.append((_SGR.sub("", sidebar).strip(" ▶▼├└✓▸"), backgrounds))
    for text, backgrounds in rows:
        others = set().union(*(b for t, b in rows if t != text))
        if text and backgrounds - others:
            return text
    return ""


def _backgrounds(parts: list[str]) -> set[str]:
    """What one SGR sequence's parameters say of the background: its colours, and
    `reverse` for reverse video (7, not a colour number inside 38;5;N or 48;5;N)."""
    found: set[str] = set()
    index = 0
    while index < len(parts):
        part = parts[index]
        if part in ("38", "48"):
            length = 3 if parts[index + 1 : index + 2] == ["5"] else 5
            if part == "48":
                found.add(";".join(parts[index : index + length]))
            index += length
            continue
        if part == "7":
            found.add("reverse")
        index += 1
    return found


def wait_cursor(tmux: Tmux, entry: str) -> None:
    tmux.wait_screen(
        lambda _screen: outline_cursor(tmux).startswith(entry),
        why=f"the outline cursor on {entry!r}",
    )


def test_read_search_compare_and_quit(tmux: Tmux, start_reader: StartReader, place: AppPlace):
    """The whole first session: every step a reader takes, then a clean exit (status 0)."""
    start_reader(width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT, PACK_TITLE)
    # Progress shows once every file is cut into sections, just after the first screen.
    first = tmux.wait_screen(lambda s: "% read" in header(s), why="reading progress")
    assert "Start here" in header(first)

    tmux.send("BTab")  # reading pane -> outline; "f Next link" belongs to the reading pane
    tmux.wait_screen(lambda s: READING_PANE_KEYS not in s, why="the outline to take focus")
    wait_cursor(tmux, "Start here")  # the outline's cursor starts on the open section
    for entry in OUTLINE_ENTRIES[1:]:
        tmux.send("Down")
        wait_cursor(tmux, entry)
    tmux.send("Enter")
    wait_header(tmux, FILAGGRIN)
    tmux.wait_for(READING_PANE_KEYS, why="the reading pane to get focus back")

    tmux.send("]")
    wait_header(tmux, "Bricks and mortar")
    tmux.send("[")
    wait_header(tmux, FILAGGRIN, absent="Bricks and mortar")

    tmux.send("/")
    tmux.wait_for(SEARCH_FOCUSED, why="the search box to take focus")
    # (Not a drug's name: "Check yourself" asks about dupilumab thrice and ranks first.)
    tmux.type("systemic")
    # The sidebar may wrap the title: "Targeted and systemic" / "options".
    tmux.wait_for("Targeted and systemic", why="search results in the sidebar")
    tmux.send("Enter")
    tmux.wait_screen(
        lambda s: "Treatments that target" in header(s) and TARGETED in s.splitlines()[1],
        why="the best result to open (its parent in the header, its title atop the pane)",
    )

    tmux.send("c")
    panel = tmux.wait_for("Autoimmune vs allergic", "c or Esc closes", "Reaction against self")
    assert "Treatments that target" in header(panel), "the comparison lost the reader's place"
    tmux.send("c")
    # The footer and the panel may change a frame apart: wait for both.
    closed = tmux.wait_screen(
        lambda s: "c or Esc closes" not in s and "Reaction against self" not in s,
        why="the panel to close, and its keys to leave the footer",
    )
    assert "Treatments that target" in header(closed)

    tmux.send("c")
    tmux.wait_for("c or Esc closes")
    tmux.send("Escape")
    tmux.wait_screen(lambda s: "c or Esc closes" not in s, why="Esc to close the panel")

    pid = tmux.pid
    tmux.send("q")
    status = tmux.wait_dead(timeout=10)
    screen = tmux.screen()
    assert status == 0, f"reader exited with {status}; screen:\n{screen}"
    assert_no_traceback(screen)
    assert "\x1b" not in screen
    wait_until(lambda: not processes_with(place.marker), timeout=5, why=f"pid {pid} to be gone")


def test_ctrl_q_quits(tmux: Tmux, start_reader: StartReader):
    """ctrl+q is Textual's quit, and must work from the search box where `q` is a letter."""
    start_reader("--no-state", width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.send("/")
    tmux.wait_for(SEARCH_FOCUSED)
    tmux.type("q")
    tmux.send("C-q")
    assert tmux.wait_dead(timeout=10) == 0
    assert_no_traceback(tmux.screen())


def test_search_typed_in_one_burst(tmux: Tmux, start_reader: StartReader):
    """`/filaggrin` arriving in one read (a fast typist, a laggy SSH link) still searches.

    `less` and `vim` never lose the characters after `/`; the reader must not either.
    """
    start_reader("--no-state", width=100, height=30)
    tmux.wait_for(FIRST_SCREEN_TEXT)
    tmux.type("/filaggrin")
    tmux.wait_for("What filaggrin does", timeout=10, why="results for the letters typed after /")
    tmux.send("Enter")
    wait_header(tmux, FILAGGRIN)
