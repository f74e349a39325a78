"""The bookmarks list: jump to one, give it a note, or delete it, all from the keyboard."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.sanitize import sanitize_line
from reader.ui.key_hints import key_line
from reader.ui.styles import use_stylesheet

if TYPE_CHECKING:
    from reader.pack import Pack
    from reader.state import Bookmark

__all__ = ["BookmarksScreen"]


class BookmarksScreen(ModalScreen[None]):
    """Lists bookmarks newest first; the app does the changes through its state store."""

    BINDINGS = [
        Binding("enter", "jump", "Jump", id="bookmarks.jump"),
        Binding("r", "rename", "Note", id="bookmarks.rename"),
        Binding("d,delete", "delete", "Delete", id="bookmarks.delete"),
        Binding("escape,q", "close", "Close", id="bookmarks.close"),
    ]

    def __init__(self, pack: Pack, bookmarks: list[Bookmark]) -> None:
        super().__init__()
        use_stylesheet(self.app, "dialogs.tcss")
        self.pack = pack
        self.bookmarks = sorted(bookmarks, key=lambda bookmark: -bookmark.created)

    def compose(self) -> ComposeResult:
        with Vertical(id="bookmarks-dialog"):
            yield Static(Text("Bookmarks", style="bold"))
            yield OptionList(id="bookmark-list")
            yield Input(placeholder="Note for this bookmark, Enter saves", id="bookmark-note")
            hint = key_line(  # the keys as config.toml's [keymap] has them
                self.app,
                ("bookmarks.jump", "Enter", "jump"),
                ("bookmarks.rename", "r", "note"),
                ("bookmarks.delete", "d", "delete"),
                ("bookmarks.close", "Esc", "close"),
            )
            yield Static(Text(hint, style="dim"))

    def on_mount(self) -> None:
        self.app.clear_notifications()  # toasts would pile up over the list
        self.query_one("#bookmark-note").display = False
        self._fill()
        self.query_one(OptionList).focus()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        highlighted = options.highlighted or 0
        options.clear_options()
        if not self.bookmarks:
            options.add_option(
                Option(Text("No bookmarks yet: press m while reading"), disabled=True)
            )
            return
        options.add_options(Option(self._label(b), id=b.id) for b in self.bookmarks)
        options.highlighted = min(highlighted, len(self.bookmarks) - 1)

    def _label(self, bookmark: Bookmark) -> Text:
        section = self.pack.get(bookmark.section)
        title = section.breadcrumb if section else f"{bookmark.section} (no longer in the pack)"
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(bookmark.created))
        label = Text(sanitize_line(title), style="bold" if section else "dim strike")
        label.append(f"\n  line {int(bookmark.scroll) + 1} · {when}", style="dim")
        if bookmark.note:
            label.append("\n  " + sanitize_line(bookmark.note), style="italic")
        return label

    def _selected(self) -> Bookmark | None:
        options = self.query_one(OptionList)
        if options.highlighted is None or not self.bookmarks:
            return None
        option = options.get_option_at_index(options.highlighted)
        return next((b for b in self.bookmarks if b.id == option.id), None)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_jump()

    def action_jump(self) -> None:
        bookmark = self._selected()
        if bookmark is not None and self.pack.get(bookmark.section) is not None:
            self.dismiss()
            self.app.jump_to_bookmark(bookmark)  # type: ignore[attr-defined]

    def action_rename(self) -> None:
        bookmark = self._selected()
        if bookmark is None:
            return
        note = self.query_one("#bookmark-note", Input)
        note.value = bookmark.note
        note.display = True
        note.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        bookmark = self._selected()
        event.input.display = False
        if bookmark is not None:
            bookmark.note = sanitize_line(event.value)
            self.app.rename_bookmark(bookmark.id, bookmark.note)  # type: ignore[attr-defined]
            self._fill()
        self.query_one(OptionList).focus()

    def action_delete(self) -> None:
        """Asks first (No by default): the bookmark and its note cannot be brought back."""
        from reader.ui.screens.confirm import ConfirmScreen

        bookmark = self._selected()
        if bookmark is None:
            return
        section = self.pack.get(bookmark.section)
        title = section.title if section is not None else bookmark.section
        detail = f"{title}, line {int(bookmark.scroll) + 1}"
        if bookmark.note:
            detail += f", and its note: {bookmark.note}"

        def answered(delete: bool | None) -> None:
            if delete and bookmark in self.bookmarks:
                self.app.delete_bookmark(bookmark.id)  # type: ignore[attr-defined]
                self.bookmarks.remove(bookmark)
                self._fill()

        self.app.push_screen(ConfirmScreen("Delete this bookmark?", detail, yes="Delete"), answered)

    def action_close(self) -> None:
        note = self.query_one("#bookmark-note", Input)
        if note.display:
            note.display = False
            self.query_one(OptionList).focus()
        else:
            self.dismiss()
