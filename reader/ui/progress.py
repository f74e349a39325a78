"""Reading progress in the app: a section is read once its end has stayed on screen a
moment, and the reset of every tick asks first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from reader.ui.widgets.document_view import DocumentView

__all__ = ["ReadDwell", "ask_to_reset_progress"]


class ReadDwell:
    """Marks a section read when its end stays on screen `seconds()` seconds: paging
    through is not reading; scrolling the end away or leaving the section stops it.

    `unread_section()` is the section shown if it is not read yet (else None);
    `on_read(section_id)` marks it read.
    """

    def __init__(
        self,
        app: App[Any],
        *,
        seconds: Callable[[], float],
        unread_section: Callable[[], str | None],
        on_read: Callable[[str], object],
    ) -> None:
        self._app = app
        self._seconds = seconds
        self._unread_section = unread_section
        self._on_read = on_read
        self._timer: tuple[str, Timer] | None = None  # the section it runs for
        self._view: DocumentView | None = None

    def end_seen(self, view: DocumentView) -> None:
        """The end of `view`'s section is on screen: the time starts (again)."""
        if self._view is None:
            self._view = view
            self._app.watch(view, "scroll_y", lambda _y: self.check(), init=False)
        self.stop()
        self.check()

    def check(self) -> None:
        """Start the time for an unread section whose end is on screen; else stop it."""
        section_id = self._unread_section()
        if section_id is None or not self._end_on_screen():
            self.stop()
        elif self._timer is None or self._timer[0] != section_id:
            self.stop()
            timer = self._app.set_timer(self._seconds(), lambda: self._over(section_id))
            self._timer = (section_id, timer)

    def stop(self) -> None:
        if self._timer is not None:
            self._timer[1].stop()
            self._timer = None

    def _end_on_screen(self) -> bool:
        view = self._view
        if view is None or not view.is_attached:  # shutting down
            return False
        return view.fully_rendered and round(view.scroll_y) + view.size.height >= view.line_count

    def _over(self, section_id: str) -> None:
        self._timer = None
        if self._unread_section() != section_id or not self._end_on_screen():
            return  # left the section or its end, or marked it, while the time ran
        self._on_read(section_id)


def ask_to_reset_progress(app: App[Any], read: int, reset: Callable[[], object]) -> None:
    """Asks first (No by default): the ticks of `read` sections cannot be brought back."""
    from reader.ui.screens.confirm import ConfirmScreen

    if not read:
        app.notify("Nothing is marked read yet", markup=False, timeout=3)
        return

    def answered(yes: bool | None) -> None:
        if yes:
            reset()
            app.notify("Reading progress reset", markup=False, timeout=3)

    sections = "section" if read == 1 else "sections"
    app.push_screen(
        ConfirmScreen(
            "Reset reading progress?",
            f"Forget that {read} {sections} of this pack are read. This cannot be undone.",
            yes="Reset",
        ),
        answered,
    )
