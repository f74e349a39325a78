"""Helpers for driving the real app with Pilot, the way a reader would.

Every app is built through `create_app` (the same factory the command uses) and always
with `no_state=True` or a temporary `state_dir`, and HOME/XDG point into a temp folder,
so no test can touch the real home. Waiting is done by polling a condition with short
pauses, never by a fixed long sleep.
"""

from __future__ import annotations

import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from reader.pack import Pack, load_pack
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.card_face import CardFace
from reader.ui.widgets.document_view import DocumentView
from reader.ui.widgets.header_bar import HeaderBar

REPO_ROOT = Path(__file__).resolve().parents[2]
CONTENT = REPO_ROOT / "content"
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Point HOME, XDG dirs and the reader's overrides at a throwaway folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("READER_CACHE_DIR", str(home / "reader-cache"))
    monkeypatch.delenv("READER_STATE_DIR", raising=False)
    monkeypatch.delenv("READER_RESTRICTED", raising=False)
    monkeypatch.delenv("READER_INDEX_DIR", raising=False)
    # No developer's own config.toml (or settings.toml) in a test's app.
    monkeypatch.delenv("READER_CONFIG", raising=False)
    monkeypatch.delenv("READER_CONFIG_DIR", raising=False)
    return home


@pytest.fixture(autouse=True)
def _no_browser(monkeypatch: pytest.MonkeyPatch) -> None:
    """No app test may start a browser on this host (over SSH it would be the server's)."""

    def refuse(*args: object, **kwargs: object) -> bool:
        pytest.fail(f"a browser was asked to open {args!r}")

    for name in ("open", "open_new", "open_new_tab"):
        monkeypatch.setattr(webbrowser, name, refuse)


@pytest.fixture
def pack() -> Pack:
    """The bundled eczema pack, freshly loaded (sections cache parsed text)."""
    return load_pack(CONTENT)


@pytest.fixture
def app(pack: Pack) -> ReaderApp:
    """The reader on the bundled pack, remembering nothing."""
    return create_app(pack, no_state=True)


async def wait_until(
    pilot: Pilot,
    condition: Callable[[], object],
    timeout: float = 5.0,
    what: str | Callable[[], str] = "",
) -> None:
    """Poll `condition` between short pauses; fail with `what` (text, or a function
    called at failure time to describe what was seen instead) if it never holds."""
    loop_time = 0.0
    while not condition():
        if loop_time >= timeout:
            described = what() if callable(what) else what
            pytest.fail(f"timed out after {timeout}s waiting for {described or condition}")
        await pilot.pause(0.05)
        loop_time += 0.05


async def wait_for_index(pilot: Pilot, app: ReaderApp, timeout: float = 10.0) -> None:
    """The search index is built in a worker after the first screen."""
    await wait_until(pilot, lambda: app.search.index is not None, timeout, "the search index")


async def wait_rendered(pilot: Pilot, view: DocumentView | CardFace, timeout: float = 10.0) -> None:
    """A big section renders between frames; wait until its last line exists."""
    await wait_until(pilot, lambda: view.fully_rendered, timeout, "the document to render")


async def wait_past_dwell(pilot: Pilot, app: ReaderApp) -> None:
    """Wait, on the app's own timers, until a read dwell started by what was just done
    would be over: twice READ_DWELL, so one that starts a frame or two late ends first.

    A test that asserts "not read" after this also shows the same wait ticking a section
    whose end is on screen (its positive control), so the wait is known to be long enough.
    """
    await pilot.pause()
    over: list[bool] = []
    app.set_timer(2 * app.READ_DWELL, lambda: over.append(True))
    await wait_until(pilot, lambda: over, 20 * app.READ_DWELL + 5, "two read dwells to pass")
    await pilot.pause()


async def focus_first_link(pilot: Pilot, view: DocumentView, limit: int = 40) -> None:
    """f until a link has the focus, past the glossary terms marked before it (terms are
    focused with f too, in reading order)."""
    await pilot.press("f")
    for _ in range(limit):
        if view.focused_href is not None:
            return
        spot = view._navigator.focused_spot
        assert spot is not None and spot.kind == "term", f"f stopped on {spot}"
        await pilot.press("f")
    pytest.fail("f never reached a link")


def reader(pack: Path = CONTENT, *, restricted: bool = False) -> ReaderApp:
    """The reader on `pack`, remembering nothing, with no read tick coming on its own
    (a section's end on screen would tick it 1.5 s later)."""
    app = create_app(load_pack(pack), no_state=True, restricted=restricted)
    app.READ_DWELL = 3600
    return app


async def ready(pilot: Pilot, app: ReaderApp) -> DocumentView:
    """The first section drawn and the sidebar mounted (the glossary read just before)."""
    view = document(app)
    await wait_rendered(pilot, view)
    await wait_until(pilot, lambda: app.main.chrome_ready, what="the sidebar")
    return view


async def cards_ready(pilot: Pilot, app: ReaderApp) -> DocumentView:
    """`ready`, and the pack's cards found (their due counts shown), by the worker that
    finds them after the first screen."""
    view = await ready(pilot, app)
    await wait_until(pilot, lambda: app.study.study is not None, 10, "the cards to be found")
    return view


def _luminance(rgb: tuple[int, int, int]) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    """WCAG's contrast ratio of two colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def document(app: ReaderApp) -> DocumentView:
    return app.main.query_one("#document", DocumentView)


def text_of(app: ReaderApp) -> str:
    """Everything the reading pane has rendered, as plain text."""
    return "\n".join(document(app).plain_lines())


async def wait_for_deliveries(pilot: Pilot) -> None:
    """Wait for Textual's file writer threads (a screenshot) to end: each tells the app it
    is done through the app's loop (`call_from_thread`), and one whose app stopped first
    waits for ever, which hung the test run at exit."""
    await wait_until(
        pilot,
        lambda: not any("save_file_thread" in t.name for t in threading.enumerate()),
        what="the file writer threads to end",
    )


def visible_lines(view: DocumentView | CardFace) -> list[str]:
    """The lines of the view that are on screen right now."""
    top, document = round(view.scroll_y), view.document
    if document is None:
        return []
    bottom = min(top + view.size.height, document.line_count)
    return [document.plain_line(row) for row in range(top, bottom)]


def header(app: ReaderApp) -> HeaderBar:
    """The top line: its `place` (breadcrumb) and `status` (matches, progress)."""
    return app.main.query_one(HeaderBar)


def record_notifications(app: ReaderApp, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Keep (severity, message) of every notification the app shows, and still show it."""
    seen: list[tuple[str, str]] = []
    real_notify = app.notify

    def notify(message: str, *args: object, **kwargs: object) -> None:
        seen.append((str(kwargs.get("severity", "information")), str(message)))
        real_notify(message, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(app, "notify", notify)
    return seen
