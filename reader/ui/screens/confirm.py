"""A yes/no question before anything that cannot be undone (reset progress, delete a
bookmark). No is focused, so Enter, Esc and `n` all keep everything; only `y` or the
Yes button goes ahead. Every text is plain (`Text`/`Content`), never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from reader.sanitize import sanitize_line
from reader.ui.key_hints import key_hint
from reader.ui.styles import use_stylesheet

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Dismissed with True (yes) or False (no, Esc)."""

    AUTO_FOCUS = "#confirm-no"

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
        Binding("left,right,h,l", "switch", "Switch", show=False, id="confirm.switch"),
    ]

    def __init__(self, question: str, detail: str = "", *, yes: str = "Yes") -> None:
        super().__init__()
        use_stylesheet(self.app, "dialogs.tcss")
        self.question = sanitize_line(question)
        self.detail = sanitize_line(detail)
        self.yes_label = sanitize_line(yes)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Text(self.question, style="bold"), id="confirm-question")
            if self.detail:
                yield Static(Text(self.detail), id="confirm-detail")
            with Horizontal(id="confirm-buttons"):
                yield Button(Content("No"), id="confirm-no", compact=True)
                yield Button(Content(self.yes_label), id="confirm-yes", compact=True)
            yes = key_hint(self.app, "confirm.yes", "y")
            no = key_hint(self.app, "confirm.no", "n or Esc")
            yield Static(Text(f"{yes}  yes    {no}  no", style="dim"))

    def on_mount(self) -> None:
        self.app.clear_notifications()  # a toast must not cover the question

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_switch(self) -> None:
        no = self.query_one("#confirm-no", Button)
        (self.query_one("#confirm-yes", Button) if no.has_focus else no).focus()
