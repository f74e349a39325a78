"""What following an external link does: show it, offer to copy it, never open it.

Over SSH, opening a browser would start one on the server, so the reader only shows
the URL and can put it on the user's own clipboard through the terminal (OSC 52).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.sanitize import sanitize_line
from reader.ui.key_hints import key_hint
from reader.ui.styles import use_stylesheet

__all__ = ["ExternalLinkScreen"]


class ExternalLinkScreen(ModalScreen[None]):
    """A small dialog with the URL; `y` copies it, Esc closes."""

    BINDINGS = [
        Binding("y,c", "copy", "Copy to clipboard", id="link.copy"),
        Binding("escape,q,enter", "dismiss", "Close", id="link.close"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        use_stylesheet(self.app, "dialogs.tcss")
        self.url = sanitize_line(url)

    def compose(self) -> ComposeResult:
        with Vertical(id="link-dialog"):
            yield Static(Text("External link (not opened here)", style="bold"))
            yield Static(Text(self.url), id="link-url")
            copy = key_hint(self.app, "link.copy", "y")
            close = key_hint(self.app, "link.close", "Esc")
            yield Static(Text(f"{copy}  copy to your clipboard    {close}  close", style="dim"))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.url)
        self.app.notify(
            "Link copied to your clipboard (if your terminal allows it)", markup=False, timeout=3
        )
        self.dismiss()
