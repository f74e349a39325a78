"""The one place for what the reader needs from Textual beyond its public documentation.

Everything here guards the reader against what a terminal (or an SSH user behind one)
can send, and keeps Textual's crash output away from users:

* `TerminalGuard.size` / `.on_event` (public API) clamp every size a terminal reports
  (SIGWINCH, the first size, in-band resize reports) to MAX_COLUMNS x MAX_ROWS.
* `install_input_decoder` makes `textual.drivers.linux_driver.getincrementaldecoder`
  (private: the module global `LinuxDriver.run_input_thread` calls) return a decoder
  that replaces invalid UTF-8 instead of raising in the input thread.
* `install_patient_input_wait` gives `textual.drivers.linux_driver` (through its module
  global `selectors`, which `LinuxDriver.run_input_thread` uses) a selector that waits
  up to IDLE_INPUT_WAIT for input when none came for a while, instead of waking ten
  times a second: fifty idle sessions then cost half as much CPU.
* `check_bindings` / `forward_event` (`App._check_bindings`, `Widget._forward_event`,
  private) let the app run each key's binding as the key arrives, so a burst of keys
  that moves focus is handled in order.
* `fuzzy_offsets` reads `Matcher.fuzzy_search` (undocumented) so the palette can
  highlight a match in text it never parses as markup.
* `replace_no_color_filter` swaps the line filter Textual chose for NO_COLOR in
  `App._filters` (private) for the reader's, which keeps ANSI themes readable.
* `TerminalGuard._handle_exception` / `._print_error_renderables` (private) turn
  Textual's rich traceback on exit into one line, with the details in a log file
  (`reader.crash` decides where).
* `update_scrollbars` (`Widget._scroll_update`, private) gives a ScrollView a new
  virtual size without laying out the whole screen.
* `repaint_in_this_frame` (`Widget._check_refresh`, private) reports a widget's
  repaint to its screen now, not when the widget's own task next idles.
* `footer_keys_shown` / `release_footer_keys` know what `Footer.compose` reads and how
  its keys are bound to the footer (neither is documented), so the reader's footer is
  rebuilt only when its keys change, and lets go of the keys it drops.
* `add_stylesheet` reads a .tcss file into the running app (`App.stylesheet`,
  `Stylesheet.has_source` / `.read`: not in the public documentation), so the
  sidebar's styles are parsed after the first frame, not before it.
* `forget_cell_widths` empties Rich's cache of measured strings (`rich.cells.
  cached_cell_len`, not in Rich's documentation), up to ~1 MB after a big section.
* `app_keymap`, `add_binding`, `class_bindings`, `normalize_keys`: config.toml's
  `[keymap]` goes through `App.set_keymap` (public); what the app has taken (`App._keymap`),
  a binding with no default key added to the app (`DOMNode._bindings`), a class's
  bindings with those it inherits as Textual merges them (`DOMNode._merged_bindings`) and
  Textual's names for typed characters (`textual.keys._character_to_key`) are private.
* `SELECTION_OFFSETS_FROM_RENDER_LINE`: Textual finds where a mouse selection falls by
  calling `render_line` for the line under the pointer (`Compositor`, private), so the
  reading pane puts selection offsets only on lines drawn for that lookup.

tests/unit/test_textual_compat.py holds one contract test per private name: an upgrade
that removes or changes one fails there, with the name in the message.
"""

from __future__ import annotations

import os
import selectors
import time
import traceback
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.crash import EXIT_INTERNAL, report_details

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from textual import events
    from textual.app import App
    from textual.binding import Binding
    from textual.dom import DOMNode
    from textual.filter import LineFilter
    from textual.fuzzy import Matcher
    from textual.geometry import Size
    from textual.screen import Screen
    from textual.scroll_view import ScrollView
    from textual.widget import Widget
    from textual.widgets import Footer

__all__ = [
    "FOOTER_BINDING_FIELDS",
    "MAX_COLUMNS",
    "MAX_ROWS",
    "FooterKeysShown",
    "TerminalGuard",
    "add_binding",
    "add_stylesheet",
    "app_keymap",
    "check_bindings",
    "clamp_size",
    "class_bindings",
    "footer_keys_shown",
    "forward_event",
    "fuzzy_offsets",
    "install_input_decoder",
    "install_patient_input_wait",
    "normalize_keys",
    "release_footer_keys",
    "repaint_in_this_frame",
    "replace_no_color_filter",
    "update_scrollbars",
]

#: The largest screen the reader lays out. A 4K monitor with a small (8x16 px) font is
#: 480x135 cells; reading text wider than ~120 columns is no use anyway. Layout and the
#: compositor cost memory per cell: at 500x300 the reader peaks under ~60 MB, while a
#: terminal claiming 65535x65535 (4.3 billion cells) grew it by 65 MB/s without drawing.
MAX_COLUMNS = 500
MAX_ROWS = 300
TOO_BIG_NOTICE = (
    "This terminal is {width}×{height}; the reader draws only the top-left "
    f"{MAX_COLUMNS}×{MAX_ROWS}."
)


def clamp_size(width: int, height: int) -> tuple[int, int]:
    """A terminal's reported size, cut to what the reader lays out (at least 1x1)."""
    return max(1, min(width, MAX_COLUMNS)), max(1, min(height, MAX_ROWS))


# ---------------------------------------------------------------------------- input
class _InputDecoder:
    """Textual's input decoder, made forgiving: bytes that are not UTF-8 become U+FFFD,
    and the end of input (the terminal is gone) is reported once to `on_end`.

    Textual's input loop reads on, and finds nothing, forever once its terminal has
    closed: with no SIGHUP (a terminal that goes away without one, or a reader under a
    tracer) the process spun a core for good. `os.read` returns nothing only there.
    """

    def __init__(self, encoding: str, on_end: Callable[[], object] | None) -> None:
        import codecs

        self._decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        self._on_end = on_end

    def decode(self, data: bytes, final: bool = False) -> str:
        if not data and not final and self._on_end is not None:
            on_end, self._on_end = self._on_end, None
            on_end()
        return self._decoder.decode(data, final)


def install_input_decoder(on_end_of_input: Callable[[], object] | None = None) -> None:
    """One invalid byte typed (a Latin-1 terminal's `é` is b'\\xe9') must not end the app,
    and input that has ended must not keep the app reading nothing.

    Textual's LinuxDriver decodes input with a strict incremental UTF-8 decoder made by
    the module global `getincrementaldecoder`; a UnicodeDecodeError in its input thread
    panics the app. Replacing that global (before the driver starts its thread) turns
    such a byte into U+FFFD, which the app ignores like any unbound key; the decoder
    also calls `on_end_of_input` (from the input thread) when the terminal is gone.
    """
    from textual.drivers import linux_driver

    def make_decoder(encoding: str) -> Callable[[], _InputDecoder]:
        return lambda: _InputDecoder(encoding, on_end_of_input)

    linux_driver.getincrementaldecoder = make_decoder  # type: ignore[attr-defined,assignment]


#: How long Textual's input thread waits for input once none has come for a while.
#: Textual waits 0.1 s and then looks at its parser's timeouts (a lone Esc told from a
#: key sequence after ESCDELAY, 0.1 s): with nothing typed there is no timeout to look
#: at, and each wake-up of fifty idle sessions costs CPU. Leaving the app waits for the
#: input thread, so this is also the longest a quit can wait for it.
IDLE_INPUT_WAIT = 0.5


class _PatientSelector(selectors.SelectSelector):
    """Textual's SelectSelector, waiting longer once input has been quiet a while.

    Right after input (for ESCDELAY and then some) every wait is Textual's own, so its
    parser's timeouts fire on time; input that arrives ends any wait at once."""

    def __init__(self) -> None:
        super().__init__()
        from textual.constants import ESCAPE_DELAY

        self._quiet_after = max(1.0, 2 * ESCAPE_DELAY)
        self._busy_until = time.monotonic() + self._quiet_after

    def select(self, timeout: float | None = None) -> list[tuple[selectors.SelectorKey, int]]:
        if timeout is not None and time.monotonic() >= self._busy_until:
            timeout = max(timeout, IDLE_INPUT_WAIT)
        ready = super().select(timeout)
        if ready:
            self._busy_until = time.monotonic() + self._quiet_after
        return ready


def install_patient_input_wait() -> None:
    """Make the input thread Textual's LinuxDriver starts wait patiently when idle (see
    `_PatientSelector`), by giving its module a `selectors` whose SelectSelector is ours."""
    from textual.drivers import linux_driver

    shim = types.ModuleType("selectors")
    shim.__dict__.update(vars(selectors))
    shim.SelectSelector = _PatientSelector  # type: ignore[attr-defined]
    linux_driver.selectors = shim  # type: ignore[attr-defined]


# ------------------------------------------------------------------- the app mixin
class TerminalGuard:
    """Mixed into the App (before `App` in its bases). Holds the size clamp and the
    one-line crash report; `crash_log` is where details go (None: nowhere)."""

    crash_log: Path | None = None
    _size_notice_shown = False
    _crash_details: str | None = None
    _return_code: int | None  # App's (private): the exit code, set on an internal error

    @property
    def size(self) -> Size:
        from textual.geometry import Size

        width, height = super().size  # type: ignore[misc]
        return Size(*clamp_size(width, height))

    async def on_event(self, event: events.Event) -> None:
        from textual import events

        if isinstance(event, events.Resize) and (
            event.size.width > MAX_COLUMNS or event.size.height > MAX_ROWS
        ):
            event = self._clamped_resize(event)
        await super().on_event(event)  # type: ignore[misc]

    def _clamped_resize(self, event: events.Resize) -> events.Resize:
        from textual import events
        from textual.geometry import Size

        reported = event.size
        size = Size(*clamp_size(*reported))
        virtual = Size(*clamp_size(*event.virtual_size))
        container = Size(*clamp_size(*event.container_size))
        pixels = event.pixel_size
        if pixels is not None:  # the same cell size in pixels, for pixel mouse reports
            pixels = Size(
                pixels.width * size.width // max(1, reported.width),
                pixels.height * size.height // max(1, reported.height),
            )
        if not self._size_notice_shown:
            self._size_notice_shown = True
            notice = TOO_BIG_NOTICE.format(width=reported.width, height=reported.height)
            self.call_later(self.notify, notice, markup=False, timeout=8)  # type: ignore[attr-defined]
        return events.Resize(size, virtual, container, pixels)

    # ------------------------------------------------------------ internal errors
    def _handle_exception(self, error: Exception) -> None:
        """Textual calls this with any exception a handler, worker or callback raised."""
        if self._crash_details is None:
            self._crash_details = "".join(traceback.format_exception(error))
        super()._handle_exception(error)  # type: ignore[misc]

    def _print_error_renderables(self) -> None:
        """Instead of Textual's traceback (install paths and source lines): one line."""
        renderables = self._exit_renderables  # type: ignore[attr-defined]
        if not renderables:
            return
        details = self._crash_details or _plain_text(renderables)
        renderables.clear()
        self._return_code = EXIT_INTERNAL
        report_details(details, self.crash_log)


def _plain_text(renderables: list[Any]) -> str:
    """What Textual would have printed (e.g. a panic from its input thread), as text."""
    from io import StringIO

    from rich.console import Console

    out = StringIO()
    console = Console(file=out, width=160, color_system=None, force_terminal=False)
    for renderable in renderables:
        console.print(renderable)
    return out.getvalue()


# --------------------------------------------------------------------- palette
def fuzzy_offsets(matcher: Matcher, candidate: str) -> tuple[float, Sequence[int]]:
    """Where the palette's fuzzy match falls in `candidate`, for highlighting it in text
    that must not be parsed as markup (`Matcher.highlight` parses its argument).

    `Matcher.fuzzy_search` is not in Textual's public documentation."""
    return matcher.fuzzy_search.match(matcher.query, candidate)


# --------------------------------------------------------------------- NO_COLOR
def replace_no_color_filter(app: App[Any], line_filter: LineFilter) -> bool:
    """Under NO_COLOR, draw through `line_filter` instead of the filter Textual chose;
    True if it was put in place.

    Textual picks that filter once, in `App.__init__`, from the default theme:
    `Monochrome` (colours as greys) unless the app starts in ANSI colour. Monochrome
    turns every ANSI colour, the terminal's default included, into black, so with an
    ANSI theme everything is black on black. `App._filters` (private) is the list
    `App.get_line_filters` reads; the filter keeps its place in it.
    """
    from textual.filter import Monochrome, NoColor

    if not app.no_color:
        return False
    filters = app._filters
    for index, existing in enumerate(filters):
        if isinstance(existing, (Monochrome, NoColor)):
            filters[index] = line_filter
            return True
    return False


# ----------------------------------------------------------------- key order
async def check_bindings(app: App[Any], key: str, *, priority: bool = False) -> bool:
    """Run the binding for `key` on the focused chain now, as Textual does once a key
    has bubbled back to the app; True if one ran. Lets the app handle a burst of keys in
    order (see `ReaderApp._key_now`). `App._check_bindings` is private."""
    return await app._check_bindings(key, priority=priority)


def forward_event(widget: Widget, event: events.Event) -> None:
    """Hand an event to a widget as Textual forwards keys to the focused widget
    (`Widget._forward_event`, private: it marks the event forwarded, so the app does not
    take it again on its way back up)."""
    widget._forward_event(event)


# ------------------------------------------------------------------- keymap
def app_keymap(app: App[Any]) -> Mapping[str, str]:
    """The keymap `App.set_keymap` took (binding id to Textual's key names): the help
    screen and the hints show the keys it gives. `App._keymap` is private."""
    keymap: Mapping[str, str] = app._keymap
    return keymap


def add_binding(node: DOMNode, binding: Binding) -> None:
    """Bind one more key on `node` (one key per call): a binding with no default key
    gets one only when config.toml's keymap gives it. `DOMNode._bindings` and
    `BindingsMap._add_binding` are private."""
    node._bindings._add_binding(binding)


def class_bindings(cls: type[DOMNode]) -> list[Binding]:
    """`cls`'s bindings with those it inherits, one per key, as Textual merges them for
    each node (a key bound again replaces the inherited one): what the keymap's check
    compares. `DOMNode._merged_bindings` is private."""
    merged = cls._merged_bindings
    if merged is None:
        return []
    return [binding for bindings in merged.key_to_bindings.values() for binding in bindings]


def normalize_keys(keys: str) -> list[str]:
    """ "?,ctrl+q" in Textual's names, ["question_mark", "ctrl+q"], as `App.set_keymap`
    names them (`textual.keys._character_to_key`, private)."""
    from textual.keys import _character_to_key

    return [
        _character_to_key(key) if len(key) == 1 else key
        for key in (part.strip() for part in keys.split(","))
        if key
    ]


# ------------------------------------------------------------------- scrolling
def update_scrollbars(widget: ScrollView, size: Size) -> None:
    """Give `widget` the virtual size `size` without a layout of the whole screen.

    Assigning `virtual_size` (a layout reactive) lays out the screen, ~17 ms on the
    benchmark machine, which a section that grows five times or more while it fills
    cannot afford. When the caller knows the layout cannot change (the vertical
    scrollbar is shown before and after, the width is the same), only the scrollbars
    and the scroll offsets need the new size: `Widget._scroll_update` (private) is what
    Textual itself calls for that when it resizes a ScrollView.
    """
    from textual.widget import Widget

    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)


#: Where a mouse selection falls, Textual works out by calling a widget's `render_line`
#: for the one line under the pointer (`Compositor.get_widget_and_offset_at`, private)
#: and reading the `offset` meta `Strip.apply_offsets` put on it; painted lines are
#: never asked. So a line view may put offsets only on lines drawn outside a repaint:
#: on the first screen of the default pack they cost ~2.7 M instructions (0.2% of it).
#: A contract test checks the lookup still goes through `render_line` alone.
SELECTION_OFFSETS_FROM_RENDER_LINE = True


def forget_cell_widths() -> None:
    """Empty Rich's cache of string widths (`rich.cells.cached_cell_len`, an lru_cache of
    4,096 strings that `cell_len` fills; not in Rich's documentation). Measuring a big
    section fills it with pieces that will not be measured again, ~0.5-1 MB that the
    search index, built next, could use instead. Without it, the memory stays held."""
    from rich import cells

    cache_clear = getattr(cells.cached_cell_len, "cache_clear", None)
    if cache_clear is not None:
        cache_clear()


def repaint_in_this_frame(widget: Widget) -> None:
    """Tell `widget`'s screen now that it needs a repaint (after `widget.refresh()`).

    Textual reports a widget's refresh to its screen from the widget's own task, when
    that task next idles (`Widget._check_refresh`, private). A widget changed from
    another widget's handler (the results list, from the search box's) then reaches the
    screen a frame after that handler's own change: a typed letter showed ~30-50 ms
    before its results. Textual has no public call for "repaint me in this frame".
    Without the private method the repaint still comes, a frame later.
    """
    check_refresh = getattr(widget, "_check_refresh", None)
    if check_refresh is not None:
        check_refresh()


# ------------------------------------------------------------------- footer
FooterKeysShown = tuple[tuple[object, ...], ...]

#: What `Footer.compose` reads of a binding it shows (checked by a contract test).
FOOTER_BINDING_FIELDS = ("key", "description", "action", "group", "show", "tooltip")


def footer_keys_shown(screen: Screen[Any]) -> FooterKeysShown:
    """Everything `Footer.compose` draws from `screen`'s bindings, in its order: two
    screens with the same value draw the same footer keys.

    Footer rebuilds every key whenever the screen's bindings may have changed; the
    reader's footer compares this value to rebuild only when it differs.
    """
    app = screen.app
    return tuple(
        (
            binding.key,
            app.get_key_display(binding),
            binding.description,
            binding.action,
            binding.group,
            enabled,
            tooltip,
        )
        for key, (_node, binding, enabled, tooltip) in screen.active_bindings.items()
        if binding.show or key == app.COMMAND_PALETTE_BINDING
    )


def release_footer_keys(footer: Footer) -> None:
    """Let go of the keys a footer has just replaced (call it after `recompose`).

    `Footer.compose` binds each key to the footer's `compact` (`data_bind`), and
    Textual drops the binding of a removed key only when `compact` next changes. With a
    `compact` that never changes, every rebuild kept its old keys alive. Reporting a
    change of `compact` (its value stays) makes Textual drop them.
    """
    from textual.widgets import Footer

    footer.mutate_reactive(Footer.compact)


# ------------------------------------------------------------------- stylesheets
def add_stylesheet(app: App[Any], path: Path) -> None:
    """Add the .tcss file at `path` to `app`'s styles, once.

    Call it before mounting what it styles: its rules are parsed (only the new file;
    the rest is cached) when those widgets are registered. `App.CSS_PATH` files are
    parsed before the first frame, which is what this avoids; `Screen.CSS_PATH` (public)
    does the same for a screen, but the sidebar's widgets mount into the first screen.
    `App.stylesheet` and `Stylesheet.has_source` / `.read` are not in Textual's public
    documentation; `App._load_screen_css` uses them this way.
    """
    filename = os.path.abspath(path)  # the key Stylesheet.read files it under
    if not app.stylesheet.has_source(filename):
        app.stylesheet.read(filename)
