"""Restricted mode (`--restricted`, for a shared SSH account): the reader reads and
remembers, and nothing else; no screenshot, no suspending to a shell."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.screen import Screen

if TYPE_CHECKING:
    from textual.app import App

    _AppBase = App[int]
else:  # a plain mixin at run time: each App subclass costs start-up ~1.9 M instructions
    _AppBase = object

__all__ = ["MAIN_SCREEN_ACTIONS", "RESTRICTED_ACTIONS", "RestrictedMode"]

#: Actions that work on the reading screen only, not while a dialog is open.
MAIN_SCREEN_ACTIONS = frozenset({
    "focus_search", "toggle_comparison", "toggle_sidebar", "next_section", "previous_section",
    "history_back", "history_forward", "back_out", "clear_search", "focus_results",
    "open_first_result", "open_result", "cycle_focus",
    "bookmark", "bookmarks", "toggle_read", "next_unread", "sidebar_narrower", "sidebar_wider",
    "glossary", "review", "review_section", "review_chapter", "progress",
})  # fmt: skip
#: Actions an SSH user of `--restricted` may trigger; everything else is refused.
RESTRICTED_ACTIONS = frozenset({
    "quit", "help", "focus_search", "toggle_comparison", "toggle_sidebar", "next_section",
    "previous_section", "back_out", "clear_search", "focus_results", "command_palette",
    "open_first_result", "open_result", "cycle_focus",
    "focus_next", "focus_previous", "history_back", "history_forward", "bookmark",
    "bookmarks", "toggle_read", "reset_progress", "change_theme", "help_quit", "bell",
    "show_help_panel", "hide_help_panel", "notify", "toggle_dark", "open_section",
    "next_unread", "sidebar_narrower", "sidebar_wider", "glossary",
    # The same reader started again on the same pack and state, as its command line says.
    "reload_pack",
    # Reviewing writes only the user's own state; exporting is command-line only.
    "review", "review_section", "review_chapter", "progress",
})  # fmt: skip


class RestrictedMode(_AppBase):
    """Refuses what a restricted reader may not do; set `restricted` before running.
    Mixed into the App (before `App` in its bases)."""

    restricted: bool = False

    def refuses(self, action: str) -> bool:
        """Whether restricted mode forbids `action` (nothing is refused outside it)."""
        return self.restricted and action not in RESTRICTED_ACTIONS

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.title == "Keys":
                continue  # Textual's keys panel: the reader's help (commands.py) lists every key
            if self.restricted and command.title not in ("Theme", "Quit"):
                continue
            yield command

    def deliver_screenshot(
        self, filename: str | None = None, path: str | None = None, time_format: str | None = None
    ) -> str | None:
        if self.restricted:
            self.notify("Screenshots are off in restricted mode", markup=False)
            return None
        return super().deliver_screenshot(filename, path, time_format)

    def action_screenshot(self, filename: str | None = None, path: str | None = None) -> None:
        if not self.restricted:
            self.deliver_screenshot(filename, path)

    def action_suspend_process(self) -> None:
        if not self.restricted:
            super().action_suspend_process()
