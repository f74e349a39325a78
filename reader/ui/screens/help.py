"""The help screen: every key, generated from the bindings so it cannot go stale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from reader.ui.styles import use_stylesheet

__all__ = ["HelpScreen"]

FOOTNOTE = "Esc closes.  i: ids for config.toml.  Mouse works too."
IDS_FOOTNOTE = 'Esc closes.  i hides the ids.  In config.toml:  [keymap]  app.quit = "ctrl+x"'
#: Below this many columns of text, each description goes on the line under its key.
STACKED_BELOW = 44
KEY_COLUMN = 12  # at most; longer key lists wrap within it
GAP = 2


class HelpScreen(ModalScreen[None]):
    """Keys grouped by where they work; Esc, q or ? closes; i shows each binding's id,
    the name config.toml's `[keymap]` uses."""

    BINDINGS = [
        Binding("escape,q,question_mark,f1", "dismiss", "Close help", id="help.close"),
        Binding("j,down", "scroll(1)", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll(-1)", "Up", show=False, id="help.up"),
        Binding("i", "toggle_ids", "Binding ids", show=False, id="help.ids"),
    ]

    def __init__(
        self,
        groups: Sequence[tuple[str, Iterable[BindingType]]],
        unbound: Sequence[Binding] = (),
    ) -> None:
        """`unbound`: bindings with no key (yet), listed only with the ids."""
        super().__init__()
        use_stylesheet(self.app, "dialogs.tcss")
        self.groups = groups
        self.unbound = unbound
        self.show_ids = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-dialog"):
            yield Static(Text("Keys", style="bold"), id="help-title")
            yield Static(self._table(self._text_width()), id="help-table")
            yield Static(Text(FOOTNOTE, style="dim"), id="help-footnote")

    def _text_width(self) -> int:
        """The help text's width in the dialog as dialogs.tcss lays it out (90%, at most
        90, less border, padding and scrollbar)."""
        return max(10, min(self.app.size.width * 9 // 10, 90) - 10)

    def on_resize(self, event: events.Resize) -> None:
        self.query_one("#help-table", Static).update(self._table(self._text_width()))

    def action_toggle_ids(self) -> None:
        """Each binding's id beside it (what `[keymap]` in config.toml names), or not."""
        self.show_ids = not self.show_ids
        self.query_one("#help-table", Static).update(self._table(self._text_width()))
        footnote = IDS_FOOTNOTE if self.show_ids else FOOTNOTE
        self.query_one("#help-footnote", Static).update(Text(footnote, style="dim"))

    def _rows(self) -> list[tuple[str, list[tuple[str, str, str]]]]:
        """(group, [(keys, description, binding id)]) without repeats."""
        groups = []
        listed = list(self.groups)
        if self.show_ids and self.unbound:
            listed.append(("No key unless config.toml gives one", self.unbound))
        for title, bindings in listed:
            seen: set[tuple[str, str]] = set()
            rows = []
            for binding in bindings:
                if not isinstance(binding, Binding) or not binding.description:
                    continue
                keys = ", ".join(
                    self.app.get_key_display(Binding(key.strip(), binding.action))
                    for key in binding.key.split(",")
                    if key.strip()
                )
                if (keys, binding.description) not in seen:
                    seen.add((keys, binding.description))
                    rows.append((keys or "-", binding.description, binding.id or ""))
            groups.append((title, rows))
        return groups

    def _table(self, width: int) -> Text:
        """Key and description side by side, each on one line (a description is cut
        with … only when it cannot fit); on a narrow terminal, descriptions go under
        their keys."""
        groups = self._rows()
        text = Text(no_wrap=True, overflow="ellipsis")
        stacked = width < STACKED_BELOW
        # One width whatever the keys ([keymap] may shorten them): the column stays put.
        key_width = KEY_COLUMN
        room = width - key_width - GAP
        for title, rows in groups:
            text.append(title, style="underline")
            text.append("\n")
            for keys, description, binding_id in rows:
                shown_id = binding_id if self.show_ids else ""
                if stacked:
                    text.append(keys, style="bold")
                    text.append("\n  " + description + "\n")
                    if shown_id:
                        text.append("  " + shown_id + "\n", style="dim")
                    continue
                key_lines = _fold_keys(keys, key_width)
                text.append(key_lines[0].ljust(key_width + GAP), style="bold")
                if shown_id:
                    cut = _cut(description, max(1, room - len(shown_id) - GAP))
                    text.append(cut.ljust(room - len(shown_id)))
                    text.append(shown_id + "\n", style="dim")
                else:
                    text.append(_cut(description, room) + "\n")
                for more in key_lines[1:]:
                    text.append(more + "\n", style="bold")
            text.append("\n")
        text.rstrip()
        if stacked:
            text.no_wrap = False
        return text

    def action_scroll(self, direction: int) -> None:
        self.query_one("#help-dialog", VerticalScroll).scroll_relative(y=direction, animate=False)


def _fold_keys(keys: str, width: int) -> list[str]:
    """A long list of keys over several lines of the key column, cut at commas."""
    lines = [""]
    for key in keys.split(", "):
        joined = f"{lines[-1]}, {key}" if lines[-1] else key
        if len(joined) <= width or not lines[-1]:
            lines[-1] = joined
        else:
            lines[-1] += ","
            lines.append(key)
    return lines


def _cut(text: str, room: int) -> str:
    from reader.glyphs import current

    return text if len(text) <= room else text[: max(0, room - 1)] + current().ellipsis
