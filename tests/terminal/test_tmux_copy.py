"""Copy from the reading pane through a real terminal: a mouse drag and `ctrl+c`, and `y`.

tests/app/test_selection.py drives the same through Pilot with `copy_to_clipboard`
patched out; here nothing is patched. The installed `reader` runs in tmux, the drag is
the SGR (1006) mouse reports a terminal would send, and the copy must come back the way a
user gets it: the app writes OSC 52 (`ESC ] 52 ; c ; <base64> BEL`), and tmux, with
`set-clipboard on` (tmux.py's TMUX_CONF), stores it as a paste buffer.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from rich.cells import cell_len
from tmux import DEFAULT_TIMEOUT, POLL_INTERVAL, StartReader, Tmux, assert_no_traceback

pytestmark = pytest.mark.terminal

SECOND = "Second paragraph to copy."
#: The footer, drawn once the chrome (search box included) is mounted.
FOOTER = "q Quit"
SOURCE = f"# Copying\n\nThe first paragraph is here.\n\n{SECOND}\n"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    """One file: a title and two short paragraphs."""
    root = tmp_path / "pack"
    root.mkdir()
    (root / "copy.md").write_text(SOURCE, encoding="utf-8")
    return root


def start(tmux: Tmux, start_reader: StartReader, pack: Path) -> str:
    """The reader on the pack, its section drawn; the screen."""
    start_reader(str(pack), "--no-state", width=100, height=30)
    # OSC 52 must become a paste buffer, and tmux must not take the mouse reports for
    # itself (it would not for send-keys anyway, see `mouse`; off is a real terminal's
    # state while an app holds the mouse).
    assert tmux.run("show-options", "-gv", "set-clipboard").strip() == "on"
    assert tmux.run("show-options", "-gv", "mouse").strip() == "off"
    # The search box, outline and footer mount after the first frame, and a Textual
    # Input clears the screen's selection when it mounts (`Input._watch_selection`): a
    # drag before then is lost (it was, 1 run in 3, while this waited for the text only).
    # The footer mounts after the search box, so once it is drawn a drag stays.
    screen = tmux.wait_screen(
        lambda s: (
            "The first paragraph is here." in s
            and SECOND in s
            and FOOTER in (s.splitlines() or [""])[-1]
        ),
        why="the section and the footer drawn",
    )
    assert tmux.buffers() == [], "a paste buffer before anything was copied"
    return screen


def cell_of(screen: str, text: str) -> tuple[int, int]:
    """The 0-based (column, row) of the one place `text` is drawn on the screen.

    The column counts cells, not characters (the sidebar's edges are one cell each, but a
    wide character before the text would not be)."""
    places = [
        (cell_len(line[: line.index(text)]), row)
        for row, line in enumerate(screen.splitlines())
        if text in line
    ]
    assert len(places) == 1, f"{text!r} is drawn {len(places)} times:\n{screen}"
    return places[0]


def mouse(tmux: Tmux, button: int, column: int, row: int, final: str) -> None:
    """One SGR mouse report at a 0-based cell (the report is 1-based).

    `send-keys -l` writes the report into the pane's input unchanged, ESC included, in
    one write (so the app never sees a lone ESC): tmux parses mouse sequences only from
    its clients' terminals, never from send-keys, and that holds with `mouse on` too
    (tried by hand on tmux 3.3a: the drag still reached the app and copied).
    """
    report = f"\x1b[<{button};{column + 1};{row + 1}{final}"
    tmux.run("send-keys", "-t", tmux.target, "-l", report)


def drag(tmux: Tmux, start_cell: tuple[int, int], end_cell: tuple[int, int]) -> None:
    """Press the left button at `start_cell`, move to `end_cell` holding it, release."""
    mouse(tmux, 0, *start_cell, "M")  # press, button 1
    mouse(tmux, 32, *end_cell, "M")  # motion (32) with button 1 held
    mouse(tmux, 0, *end_cell, "m")  # release


def newest_buffer(tmux: Tmux) -> str:
    """The paste buffer tmux made last, exactly (newlines kept); "" with none."""
    return tmux.run("show-buffer", check=False)


def wait_buffer(tmux: Tmux, expected: str, *, count: int, why: str) -> None:
    """Poll until the newest paste buffer holds exactly `expected` and there are `count`
    buffers (one per copy); fail with the buffers and the screen."""
    deadline = time.monotonic() + DEFAULT_TIMEOUT
    while time.monotonic() < deadline:
        names = tmux.buffers()
        if len(names) == count and newest_buffer(tmux) == expected:
            return
        time.sleep(POLL_INTERVAL)
    names = tmux.buffers()
    held = {name: tmux.run("show-buffer", "-b", name, check=False) for name in names}
    raise AssertionError(
        f"timed out after {DEFAULT_TIMEOUT} s waiting for {why}: wanted {count} paste "
        f"buffer(s), the newest {expected!r}; tmux held {held!r}; screen:\n{tmux.screen()}"
    )


def test_dragging_over_a_paragraph_and_ctrl_c_puts_its_text_in_the_paste_buffer(
    tmux: Tmux, start_reader: StartReader, pack: Path
):
    screen = start(tmux, start_reader, pack)
    column, row = cell_of(screen, SECOND)
    drag(tmux, (column, row), (column + len(SECOND) - 1, row))  # first to last character
    tmux.send("C-c")
    wait_buffer(tmux, SECOND, count=1, why="the selection copied through OSC 52")
    assert not tmux.dead, "ctrl+c with a selection copies; it does not quit"
    assert_no_traceback(tmux.screen())


def test_y_puts_the_sections_markdown_in_the_paste_buffer(
    tmux: Tmux, start_reader: StartReader, pack: Path
):
    start(tmux, start_reader, pack)
    tmux.send("C-c")  # nothing selected: nothing to copy ...
    tmux.send("y")  # ... and the same wait sees y's copy arrive, so C-c's would have too
    wait_buffer(tmux, SOURCE, count=1, why="the section's Markdown copied through OSC 52")
    tmux.wait_for("Copied the section's Markdown", why="the copy's notification")
    assert not tmux.dead
    assert_no_traceback(tmux.screen())
