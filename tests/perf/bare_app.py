"""The floor: a bare Textual app that paints one line, started and timed exactly like `reader`.

Run as a script (`python tests/perf/bare_app.py [TEXT ...]`) so it imports nothing of ours.
Arguments replace the line; the harness uses that to check its own tmux polling by letting
this app play the reader's role and show the reader's expected text.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Static

READY_TEXT = "BARE-READY"


class BareApp(App[None]):
    """One Static, `q` to quit: what any Textual app costs before it does anything."""

    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self._lines = lines

    def compose(self) -> ComposeResult:
        yield Static("\n".join(self._lines), markup=False)


def main() -> None:
    BareApp(sys.argv[1:] or [READY_TEXT]).run()


if __name__ == "__main__":
    main()
