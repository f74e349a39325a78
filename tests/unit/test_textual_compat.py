"""Contract tests for reader/ui/textual_compat.py: each private thing of Textual it uses.

When a Textual upgrade removes or changes one of them, the test for it fails and its
message names the private thing and what the reader relies on it for.
"""

from __future__ import annotations

import ast
import gc
import inspect
import os
import textwrap
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from textual import events
from textual.app import App
from textual.drivers import linux_driver
from textual.drivers.linux_driver import LinuxDriver

from reader.ui.textual_compat import (
    FOOTER_BINDING_FIELDS,
    MAX_COLUMNS,
    MAX_ROWS,
    TerminalGuard,
    add_stylesheet,
    check_bindings,
    clamp_size,
    footer_keys_shown,
    forward_event,
    fuzzy_offsets,
    install_input_decoder,
    install_patient_input_wait,
    release_footer_keys,
    repaint_in_this_frame,
    replace_no_color_filter,
    update_scrollbars,
)


def contract(condition: object, private: str, why: str) -> None:
    if not condition:
        pytest.fail(f"Textual changed {private}: reader/ui/textual_compat.py relies on it {why}")


# ------------------------------------------------------------------ input decoder
def test_linux_driver_makes_its_decoder_with_the_module_global() -> None:
    contract(
        hasattr(linux_driver, "getincrementaldecoder"),
        "textual.drivers.linux_driver.getincrementaldecoder (module global)",
        "to decode typed bytes with errors='replace'",
    )
    contract(
        "getincrementaldecoder" in LinuxDriver.run_input_thread.__code__.co_names,
        "LinuxDriver.run_input_thread (no longer calls getincrementaldecoder)",
        "to decode typed bytes with errors='replace'",
    )


def run_input_thread(data: bytes) -> list[object]:
    """LinuxDriver's own input loop over a pipe holding `data`; the messages it sends."""
    read_end, write_end = os.pipe()
    os.write(write_end, data)
    os.close(write_end)
    sent: list[object] = []
    stop = threading.Event()
    driver = SimpleNamespace(
        fileno=read_end, exit_event=stop, _debug=False, process_message=sent.append
    )
    timer = threading.Timer(0.3, stop.set)
    timer.start()
    try:
        LinuxDriver.run_input_thread(driver)  # type: ignore[arg-type]
    finally:
        timer.cancel()
        os.close(read_end)
    return sent


# ------------------------------------------------------------------ the input wait
def test_linux_driver_makes_its_selector_with_the_module_global() -> None:
    code = LinuxDriver.run_input_thread.__code__
    contract(
        getattr(linux_driver, "selectors", None) is not None,
        "textual.drivers.linux_driver.selectors (module global)",
        "to wait patiently for input when none comes",
    )
    names = code.co_names + tuple(
        name for const in code.co_consts if hasattr(const, "co_names") for name in const.co_names
    )
    contract(
        "selectors" in names and "SelectSelector" in names,
        "LinuxDriver.run_input_thread (no longer makes selectors.SelectSelector())",
        "to wait patiently for input when none comes",
    )


def test_the_input_wait_is_textuals_after_input_and_longer_once_quiet(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import selectors

    from reader.ui import textual_compat

    asked: list[float | None] = []
    answers = [[], [("key", 1)], [], []]

    def base_select(self: object, timeout: float | None = None) -> list[Any]:
        asked.append(timeout)
        return answers[len(asked) - 1]

    clock = [100.0]
    monkeypatch.setattr(selectors.SelectSelector, "select", base_select)
    monkeypatch.setattr(textual_compat.time, "monotonic", lambda: clock[0])
    selector = textual_compat._PatientSelector()
    selector.select(0.1)  # just started: Textual's own wait
    clock[0] += 5
    selector.select(0.1)  # quiet for 5 s: the long wait; input arrives
    selector.select(0.1)  # right after input: Textual's own wait (an Esc may be pending)
    clock[0] += 5
    selector.select(0.1)  # quiet again
    assert asked == [0.1, textual_compat.IDLE_INPUT_WAIT, 0.1, textual_compat.IDLE_INPUT_WAIT]


def test_a_lone_escape_is_still_a_key_with_the_patient_wait(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(linux_driver, "selectors", linux_driver.selectors)
    install_patient_input_wait()
    assert linux_driver.selectors.SelectSelector is not __import__("selectors").SelectSelector
    sent = run_input_thread(b"\x1b")
    keys = [message.key for message in sent if isinstance(message, events.Key)]
    assert keys == ["escape"], sent


@pytest.mark.parametrize("byte", [b"\xff", b"\xe9", b"\x80"], ids=["ff", "e9", "80"])
def test_an_invalid_byte_typed_becomes_a_replacement_character(
    byte: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linux_driver, "getincrementaldecoder", linux_driver.getincrementaldecoder)
    install_input_decoder()
    try:
        sent = run_input_thread(b"a" + byte + b"b")
    except UnicodeDecodeError as error:
        contract(False, "LinuxDriver.run_input_thread's decoder", f"to replace bytes ({error})")
    keys = [message.character for message in sent if isinstance(message, events.Key)]
    assert keys == ["a", "\ufffd", "b"], sent


def test_the_end_of_input_is_reported_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal that closes without a SIGHUP: Textual's loop reads nothing, forever (a
    reader under strace spun a core for an hour). The decoder tells the app, once."""
    monkeypatch.setattr(linux_driver, "getincrementaldecoder", linux_driver.getincrementaldecoder)
    ended: list[str] = []
    install_input_decoder(on_end_of_input=lambda: ended.append("end"))
    sent = run_input_thread(b"ab")  # the pipe's write end is closed: then only EOF
    keys = [message.character for message in sent if isinstance(message, events.Key)]
    assert keys == ["a", "b"] and ended == ["end"], (sent, ended)


def test_a_final_decode_is_not_the_end_of_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(linux_driver, "getincrementaldecoder", linux_driver.getincrementaldecoder)
    ended: list[str] = []
    install_input_decoder(on_end_of_input=lambda: ended.append("end"))
    decoder = linux_driver.getincrementaldecoder("utf-8")()
    assert decoder.decode(b"\xc3", final=False) == ""
    assert decoder.decode(b"", final=True) == "\ufffd"
    assert ended == []


# ----------------------------------------------------------------- crash output
def test_app_private_error_hooks_exist() -> None:
    for name in ("_handle_exception", "_print_error_renderables"):
        contract(callable(getattr(App, name, None)), f"App.{name}", "to replace the traceback")
    contract(
        list(inspect.signature(App._handle_exception).parameters) == ["self", "error"],
        "App._handle_exception(self, error)",
        "to record the exception for the log",
    )
    source = inspect.getsource(App)
    contract(
        "self._print_error_renderables()" in source and "self._exit_renderables" in source,
        "App._exit_renderables / the call to _print_error_renderables on exit",
        "to print one line instead of the renderables",
    )


def test_the_exit_code_is_apps_private_return_code() -> None:
    contract(
        "self._return_code" in inspect.getsource(inspect.unwrap(App.return_code.fget)),
        "App.return_code (no longer reads App._return_code)",
        "to exit with EXIT_INTERNAL after an internal error (TerminalGuard)",
    )


class Boom(TerminalGuard, App[None]):
    def on_mount(self) -> None:
        self.set_timer(0.01, self.explode)

    def explode(self) -> None:
        raise ZeroDivisionError("secret /usr/lib/python3/site-packages detail")


async def test_an_exception_in_the_app_prints_one_line_and_logs_the_rest(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    app = Boom()
    app.crash_log = tmp_path / "state" / "errors.log"
    with pytest.raises(ZeroDivisionError):  # Pilot re-raises it for the test framework
        async with app.run_test() as pilot:
            await pilot.pause(0.2)
    err = capfd.readouterr().err
    lines = err.strip().splitlines()
    assert lines == [f"reader: internal error (ZeroDivisionError); details in {app.crash_log}"]
    assert "Traceback" not in err and "site-packages" not in err
    assert app.return_code == 70  # as the CLI's own internal errors
    logged = app.crash_log.read_text()
    assert "Traceback" in logged and "secret" in logged and "def explode" not in logged
    assert (app.crash_log.stat().st_mode & 0o777) == 0o600


async def test_without_a_log_the_line_says_nothing_more(capfd: pytest.CaptureFixture[str]) -> None:
    app = Boom()
    with pytest.raises(ZeroDivisionError):
        async with app.run_test() as pilot:
            await pilot.pause(0.2)
    assert capfd.readouterr().err.strip() == "reader: internal error (ZeroDivisionError)"


# ------------------------------------------------------------------- size clamp
def test_resize_events_are_made_from_the_four_sizes() -> None:
    parameters = list(inspect.signature(events.Resize.__init__).parameters)
    contract(
        parameters == ["self", "size", "virtual_size", "container_size", "pixel_size"],
        f"events.Resize(size, virtual_size, container_size, pixel_size) (now {parameters})",
        "to pass on a clamped copy of a resize (TerminalGuard._clamped_resize)",
    )


def test_clamp_size() -> None:
    assert clamp_size(65535, 65535) == (MAX_COLUMNS, MAX_ROWS)
    assert clamp_size(80, 24) == (80, 24)
    assert clamp_size(0, 0) == (1, 1)


# ------------------------------------------------------------------- palette
def test_fuzzy_offsets_reads_the_matchers_fuzzy_search() -> None:
    from textual.fuzzy import Matcher

    matcher = Matcher("gs")
    contract(
        hasattr(matcher, "fuzzy_search") and hasattr(matcher.fuzzy_search, "match"),
        "textual.fuzzy.Matcher.fuzzy_search",
        "to find which letters of a palette entry matched",
    )
    score, offsets = fuzzy_offsets(matcher, "Getting started")
    assert score > 0 and list(offsets) == [0, 8]
    assert fuzzy_offsets(matcher, "xyz")[0] == 0


# ------------------------------------------------------------------- NO_COLOR
def test_no_color_filter_lives_in_the_apps_private_filter_list(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from textual.filter import Monochrome, NoColor

    monkeypatch.setenv("NO_COLOR", "1")
    app = App()
    filters = getattr(app, "_filters", None)
    contract(
        isinstance(filters, list) and any(isinstance(f, Monochrome) for f in filters),
        "App._filters (the list get_line_filters reads, Monochrome under NO_COLOR)",
        "to draw NO_COLOR through its own filter, which keeps ANSI themes readable",
    )
    mine = NoColor()  # any LineFilter
    assert replace_no_color_filter(app, mine)
    assert mine in app.get_line_filters()
    assert not any(isinstance(f, Monochrome) for f in app.get_line_filters())


def test_without_no_color_the_filters_are_left_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    from textual.filter import NoColor

    monkeypatch.delenv("NO_COLOR", raising=False)
    app = App()
    before = list(app.get_line_filters())
    assert not replace_no_color_filter(app, NoColor())
    assert list(app.get_line_filters()) == before


# ------------------------------------------------------------------- key order
def test_the_key_order_hooks_exist_with_the_signatures_the_app_calls() -> None:
    import inspect

    from textual.app import App
    from textual.widget import Widget

    check = getattr(App, "_check_bindings", None)
    contract(
        check is not None and inspect.iscoroutinefunction(check),
        "App._check_bindings",
        "to run a key's binding as the key arrives (a coroutine)",
    )
    parameters = inspect.signature(check).parameters if check else {}
    contract(
        list(parameters)[:2] == ["self", "key"] and "priority" in parameters,
        "App._check_bindings(key, priority=...)",
        "to run a key's binding as the key arrives",
    )
    contract(
        callable(getattr(Widget, "_forward_event", None)),
        "Widget._forward_event",
        "to hand a typed key to the search box marked as forwarded",
    )


async def test_check_bindings_runs_the_focused_chains_binding_now() -> None:
    from textual.app import App, ComposeResult
    from textual.binding import Binding
    from textual.widgets import Input

    ran: list[str] = []

    class KeyApp(App[None]):
        BINDINGS = [Binding("f5", "mark", "Mark")]  # not a key the focused Input types

        def compose(self) -> ComposeResult:
            yield Input()

        def action_mark(self) -> None:
            ran.append("f5")

    app = KeyApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert await check_bindings(app, "f5") is True and ran == ["f5"]
        assert await check_bindings(app, "f6") is False
        box = app.query_one(Input)
        forward_event(box, events.Key("a", "a"))
        await pilot.pause()
        assert box.value == "a"


# ------------------------------------------------------------------- scrolling
def test_scroll_update_exists_with_the_signature_update_scrollbars_calls() -> None:
    from textual.widget import Widget

    scroll_update = getattr(Widget, "_scroll_update", None)
    contract(
        callable(scroll_update)
        and list(inspect.signature(scroll_update).parameters) == ["self", "virtual_size"],
        "Widget._scroll_update(self, virtual_size)",
        "to size the scrollbars of a growing section without laying out the screen",
    )


async def test_update_scrollbars_sizes_the_scrollbars_without_a_layout() -> None:
    from textual.app import ComposeResult
    from textual.geometry import Size
    from textual.scroll_view import ScrollView

    class Pane(ScrollView):
        pass

    class PaneApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Pane()

    app = PaneApp()
    async with app.run_test(size=(40, 10)) as pilot:
        pane = app.query_one(Pane)
        pane.virtual_size = Size(38, 100)
        await pilot.pause()
        assert pane.show_vertical_scrollbar
        layouts: list[bool] = []
        refresh = pane.refresh

        def spy(*regions: object, layout: bool = False, **kwargs: Any) -> object:
            layouts.append(layout)
            return refresh(*regions, layout=layout, **kwargs)

        pane.refresh = spy  # type: ignore[method-assign]
        update_scrollbars(pane, Size(38, 300))
        contract(
            pane.virtual_size == Size(38, 300)
            and pane.vertical_scrollbar.window_virtual_size == 300
            and pane.max_scroll_y == 300 - pane.scrollable_content_region.height,
            "Widget._scroll_update",
            "to give the vertical scrollbar and max_scroll_y the new virtual height",
        )
        assert not any(layouts), "update_scrollbars asked for a layout"
        pane.scroll_to(y=250, animate=False, immediate=True)
        update_scrollbars(pane, Size(38, 120))  # shrinking clamps the offset
        contract(
            pane.scroll_y == pane.max_scroll_y == 120 - pane.scrollable_content_region.height,
            "Widget._scroll_update (no longer validates scroll_y)",
            "to keep the scroll offset inside a section that shrank",
        )


# ------------------------------------------------------------- repaint this frame
def test_check_refresh_exists_and_takes_no_arguments() -> None:
    from textual.widget import Widget

    check_refresh = getattr(Widget, "_check_refresh", None)
    contract(
        callable(check_refresh) and list(inspect.signature(check_refresh).parameters) == ["self"],
        "Widget._check_refresh(self)",
        "to show search results in the frame of the key that found them",
    )


async def test_repaint_in_this_frame_reports_the_repaint_to_the_screen_now() -> None:
    from textual.app import ComposeResult
    from textual.messages import Update
    from textual.widgets import Static

    class RepaintApp(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("text")

    app = RepaintApp()
    async with app.run_test(size=(20, 3)) as pilot:
        await pilot.pause()
        widget = app.query_one(Static)
        posted: list[object] = []
        post_message = app.screen.post_message

        def spy(message: Any) -> bool:
            posted.append(message)
            return post_message(message)

        app.screen.post_message = spy  # type: ignore[method-assign]
        widget.refresh()
        assert not posted, "refresh() alone reports the repaint later, from the widget's task"
        repaint_in_this_frame(widget)
        contract(
            any(isinstance(message, Update) and message.widget is widget for message in posted),
            "Widget._check_refresh (no longer posts Update to the screen)",
            "to show search results in the frame of the key that found them",
        )


# ------------------------------------------------------------------- footer
def names_read_from(function: Callable[..., object], variable: str) -> set[str]:
    """The attributes `function`'s source reads from the local `variable`."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    return {
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == variable
    }


def test_footer_compose_reads_only_what_footer_keys_shown_compares() -> None:
    from textual.widgets import Footer

    read = names_read_from(Footer.compose, "binding")
    contract(
        read and read <= set(FOOTER_BINDING_FIELDS),
        f"Footer.compose (reads binding.{sorted(read - set(FOOTER_BINDING_FIELDS))})",
        "to know when the footer's keys change (add them to footer_keys_shown)",
    )
    source = inspect.getsource(Footer.compose)
    for needed in ("self.screen.active_bindings", "get_key_display", "COMMAND_PALETTE_BINDING"):
        contract(
            needed in source,
            f"Footer.compose (no longer uses {needed})",
            "to know when the footer's keys change (footer_keys_shown)",
        )
    contract(
        "data_bind(compact=Footer.compact)" in source,
        "Footer.compose (its keys are no longer bound to Footer.compact)",
        "to let go of replaced keys (release_footer_keys)",
    )
    contract(
        "subscribe(self, self.bindings_changed)" in inspect.getsource(Footer.on_mount),
        "Footer.on_mount (no longer subscribes bindings_changed)",
        "so KeyFooter.bindings_changed decides when to rebuild",
    )


async def test_footer_keys_shown_lists_the_shown_keys_and_the_palette() -> None:
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer

    class FooterApp(App[None]):
        BINDINGS = [
            Binding("f5", "mark", "Mark"),
            Binding("f6", "hidden", "Hidden", show=False),
        ]

        def compose(self) -> ComposeResult:
            yield Footer()

    app = FooterApp()
    async with app.run_test(size=(60, 3)) as pilot:
        await pilot.pause()
        shown = footer_keys_shown(app.screen)
        keys = [entry[0] for entry in shown]
        assert "f5" in keys and "f6" not in keys and app.COMMAND_PALETTE_BINDING in keys
        assert footer_keys_shown(app.screen) == shown


async def test_release_footer_keys_lets_replaced_keys_go() -> None:
    from textual.app import ComposeResult
    from textual.binding import Binding
    from textual.widgets import Footer

    class ReleasingFooter(Footer):
        async def recompose(self) -> None:
            await super().recompose()
            release_footer_keys(self)

    class FooterApp(App[None]):
        BINDINGS = [Binding("f5", "mark", "Mark"), Binding("f6", "other", "Other")]

        def compose(self) -> ComposeResult:
            yield ReleasingFooter()

    app = FooterApp()
    async with app.run_test(size=(60, 3)) as pilot:
        footer = app.query_one(ReleasingFooter)
        shown: list[weakref.ref[object]] = []
        for _ in range(5):  # each refresh of the bindings rebuilds Footer's keys
            shown.extend(weakref.ref(key) for key in footer.children)
            app.screen.refresh_bindings()
            await pilot.pause()
            await pilot.pause()
        gc.collect()
        current = {id(key) for key in footer.children}
        replaced = [ref for ref in shown if ref() is None or id(ref()) not in current]
        assert replaced, "the footer rebuilt its keys (else nothing is checked here)"
        # Weak references to this footer's own old keys: other apps' keys, still alive
        # elsewhere in a test session, are not counted.
        alive = [ref() for ref in replaced if ref() is not None]
        contract(
            not alive,
            "Footer.compose's data_bind(compact=...) (replaced keys stay alive)",
            "to let go of replaced footer keys (release_footer_keys)",
        )


# ------------------------------------------------------------------- stylesheets
def test_the_stylesheet_reads_and_knows_its_files() -> None:
    from textual.css.stylesheet import Stylesheet

    contract(
        isinstance(getattr(App(), "stylesheet", None), Stylesheet),
        "App.stylesheet (the app's Stylesheet)",
        "to add the sidebar's styles after the first frame (add_stylesheet)",
    )
    for name in ("has_source", "read"):
        contract(
            callable(getattr(Stylesheet, name, None)),
            f"Stylesheet.{name}",
            "to add the sidebar's styles after the first frame (add_stylesheet)",
        )
    contract(
        list(inspect.signature(Stylesheet.has_source).parameters)[:2] == ["self", "path"],
        "Stylesheet.has_source(path, class_var='')",
        "to add a stylesheet once (add_stylesheet)",
    )


async def test_add_stylesheet_styles_widgets_mounted_after_it(tmp_path: Path) -> None:
    from textual.widgets import Static

    css = tmp_path / "late.tcss"
    css.write_text("#late { height: 3; }\n", encoding="utf-8")
    app = App[None]()
    async with app.run_test(size=(20, 6)) as pilot:
        add_stylesheet(app, css)
        add_stylesheet(app, css)
        sources = [key for key in app.stylesheet.source if key[0] == str(css)]
        contract(
            len(sources) == 1,
            "Stylesheet.has_source / .read (the file is not keyed by its path)",
            "to add a stylesheet once (add_stylesheet)",
        )
        await app.screen.mount(Static("late", id="late"))
        await pilot.pause()
        contract(
            app.query_one("#late").size.height == 3,
            "Stylesheet.read (its rules do not reach widgets mounted after it)",
            "to style the sidebar, which mounts after the first frame (add_stylesheet)",
        )


async def test_selection_offsets_are_read_from_render_line_alone() -> None:
    """SELECTION_OFFSETS_FROM_RENDER_LINE: the offset under the pointer comes from a
    `render_line` call made for the lookup, not from the lines painted (the reading pane
    puts offsets only on lines drawn outside a repaint)."""
    from rich.segment import Segment
    from textual.geometry import Offset
    from textual.strip import Strip
    from textual.widget import Widget

    from reader.ui.textual_compat import SELECTION_OFFSETS_FROM_RENDER_LINE

    class Lines(Widget):
        painting = False
        looked_up: list[int] = []

        def render_lines(self, crop):  # type: ignore[no-untyped-def]
            self.painting = True
            try:
                return super().render_lines(crop)
            finally:
                self.painting = False

        def render_line(self, y: int) -> Strip:
            strip = Strip([Segment(f"line {y} text")])
            if self.painting:
                return strip.extend_cell_length(self.size.width)
            self.looked_up.append(y)
            return strip.apply_offsets(0, y).extend_cell_length(self.size.width)

    class LinesApp(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Lines()

    app = LinesApp()
    async with app.run_test(size=(30, 5)) as pilot:
        await pilot.pause()
        widget = app.query_one(Lines)
        found, offset = app.screen.get_widget_and_offset_at(3, 2)
        assert SELECTION_OFFSETS_FROM_RENDER_LINE
        assert found is widget, "Compositor.get_widget_and_offset_at: the widget under the pointer"
        assert widget.looked_up == [2], (
            "Compositor.get_widget_and_offset_at no longer calls render_line for the line under "
            "the pointer: the reading pane's painted lines need selection offsets again "
            "(reader/ui/widgets/document_view.py render_line)"
        )
        assert offset == Offset(3, 2)


def test_forget_cell_widths_empties_richs_cell_length_cache() -> None:
    """forget_cell_widths: `rich.cells.cell_len` caches short strings in
    `cached_cell_len` (an lru_cache); the reading pane empties it after a big section."""
    from rich import cells

    from reader.ui.textual_compat import forget_cell_widths

    assert hasattr(cells.cached_cell_len, "cache_info"), (
        "rich.cells.cached_cell_len is no longer an lru_cache: forget_cell_widths frees nothing"
    )
    cells.cell_len("a string only this test measures")
    assert cells.cached_cell_len.cache_info().currsize > 0, "cell_len no longer caches here"
    forget_cell_widths()
    assert cells.cached_cell_len.cache_info().currsize == 0
