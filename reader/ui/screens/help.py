"""The help screen: every key, generated from the bindings so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.styles import use_stylesheet

__all__ = ["HelpScreen"]


class HelpScreen(ModalScreen[None]):
    """Keys grouped by where they work; Esc, q or ? closes."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
    ]

    def __init__(self, groups: list[tuple[str, Iterable[BindingType]]]) -> None:
        super().__init__()
        use_stylesheet(self.app, "dialogs.tcss")
        self.groups = groups

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(self._table(), id="help-table")
            yield Static(Text("Esc closes.  Mouse works too.", style="dim"))

    def _table(self) -> Table:
        table = Table(box=None, show_header=False, padding=(0, 2), expand=False)
        table.add_column("key", style="bold", no_wrap=True, min_width=14)
        table.add_column("what")
        for title, bindings in self.groups:
            table.add_row(Text(title, style="underline"), "")
            seen: set[tuple[str, str]] = set()
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                keys = ", ".join(
                    self.app.get_key_display(Binding(key, binding.action))
                    for key in binding.key.split(",")
                )
                if (keys, binding.description) in seen:
                    continue
                seen.add((keys, binding.description))
                table.add_row(Text(keys), Text(binding.description))
            table.add_row("", "")
        return table

    def action_scroll(self, direction: int) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_relative(y=direction, animate=False)
