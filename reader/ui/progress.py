"""Reading progress in the app: a section is read once its end has stayed on screen a
moment, `x` ticks it by hand, `U` finds the next unread one, and the reset asks first."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from textual.timer import Timer

    from reader.pack import Pack, Section
    from reader.state import ReadingState
    from reader.ui.screens.main import MainScreen
    from reader.ui.widgets.document_view import DocumentView

__all__ = ["ProgressHost", "ReadingProgress"]


if TYPE_CHECKING:  # a protocol is only for the type checker: no class made at run time

    class ProgressHost(Protocol):
        """What reading progress needs of the app (`ReaderApp` is one)."""

        pack: Pack
        main: MainScreen  # its outline shows the ticks
        reading: ReadingState

        @property
        def READ_DWELL(self) -> float: ...
        @property
        def current(self) -> Section | None: ...
        def update_state(self, change: Callable[[ReadingState], object]) -> None: ...
        def refresh_status(self) -> None: ...
        def open_section(self, section_id: str) -> None: ...
        def notify(
            self, message: str, *, markup: bool = ..., timeout: float | None = ...
        ) -> None: ...
        def set_timer(self, delay: float, callback: Callable[[], Any] | None = ...) -> Timer: ...
        def watch(
            self, obj: Any, attribute_name: str, callback: Callable[[Any], None], init: bool = ...
        ) -> None: ...
        def push_screen(self, screen: Any, callback: Callable[[Any], None] | None = ...) -> Any: ...


class ReadingProgress:
    """The read marks as the app shows and changes them.

    A section is marked read when its end stays on screen READ_DWELL seconds: paging
    through is not reading; scrolling the end away or leaving the section stops it.
    """

    def __init__(self, host: ProgressHost) -> None:
        self._host = host
        self._dwell: tuple[str, Timer] | None = None  # the section its time runs for
        self._view: DocumentView | None = None

    def show(self) -> None:
        """The ticks in the outline and the percentage in the header, as they are now."""
        host = self._host
        if host.main.outline is not None:
            host.main.outline.set_read(host.reading.read)
        host.refresh_status()

    def toggle_read(self) -> None:
        current = self._host.current
        if current is None:
            return
        section_id = current.id
        self._stop_dwell()
        self._host.update_state(lambda state: state.toggle_read(section_id))
        self.show()

    def next_unread(self) -> None:
        """The first section after this one, in reading order, that is not read."""
        from reader.progress import next_unread

        host = self._host
        target = next_unread(host.pack, host.current, host.reading.read)
        if target is None:
            host.notify("Everything is read", markup=False, timeout=3)
        else:
            host.open_section(target.id)

    def ask_to_reset(self) -> None:
        """Asks first (No by default): the ticks cannot be brought back."""
        from reader.ui.screens.confirm import ConfirmScreen

        host = self._host
        read = len(host.reading.read & host.pack.by_id.keys())
        if not read:
            host.notify("Nothing is marked read yet", markup=False, timeout=3)
            return

        def answered(reset: bool | None) -> None:
            if not reset:
                return
            host.update_state(lambda state: state.reset_progress())
            self.show()
            host.notify("Reading progress reset", markup=False, timeout=3)

        sections = "section" if read == 1 else "sections"
        host.push_screen(
            ConfirmScreen(
                "Reset reading progress?",
                f"Forget that {read} {sections} of this pack are read. This cannot be undone.",
                yes="Reset",
            ),
            answered,
        )

    # ------------------------------------------------------------------ the dwell
    def end_seen(self, view: DocumentView) -> None:
        """The end of `view`'s section is on screen: the time starts (again)."""
        if self._view is None:
            self._view = view
            self._host.watch(view, "scroll_y", lambda _y: self._check_dwell(), init=False)
        self._stop_dwell()
        self._check_dwell()

    def _unread_section(self) -> str | None:
        current = self._host.current
        if current is None or current.id in self._host.reading.read:
            return None
        return current.id

    def _end_on_screen(self) -> bool:
        view = self._view
        if view is None or not view.is_attached:  # shutting down
            return False
        return view.fully_rendered and round(view.scroll_y) + view.size.height >= view.line_count

    def _check_dwell(self) -> None:
        section_id = self._unread_section()
        if section_id is None or not self._end_on_screen():
            self._stop_dwell()
        elif self._dwell is None or self._dwell[0] != section_id:
            self._stop_dwell()
            timer = self._host.set_timer(
                self._host.READ_DWELL, lambda: self._dwell_over(section_id)
            )
            self._dwell = (section_id, timer)

    def _stop_dwell(self) -> None:
        if self._dwell is not None:
            self._dwell[1].stop()
            self._dwell = None

    def _dwell_over(self, section_id: str) -> None:
        self._dwell = None
        if self._unread_section() != section_id or not self._end_on_screen():
            return  # left the section or its end, or marked it, while the time ran
        self._host.update_state(lambda state: state.mark_read(section_id))
        self.show()
