"""`reader` with timestamps for the keystroke benchmark; only tests/perf runs it.

Started in tmux in place of `reader`, it runs the real command (`reader.cli.main`) and
appends one JSON line per typed key to the file named by READER_KEYSTROKE_LOG: the time
from the key's arrival (the Key event's own timestamp, taken when the driver decoded the
bytes, so time spent queued behind other work counts) to the end of the first frame
that draws its results: a frame whose text holds the start of the list's first line
(the best hit's title, or the no-match message). Frames drawn before it (the typed
character alone, say) do not count. When the key left the list as it was, the next
frame counts. A line `{"event": "index-ready"}` says when search can start. Nothing of
the reader is changed.
"""

from __future__ import annotations

import json
import os
import re
import sys
from typing import Any

from textual import _time, events
from textual.drivers.linux_driver import LinuxDriver

from reader import cli
from reader.sanitize import sanitize_line
from reader.search import SearchHit, SearchIndex
from reader.ui.app import ReaderApp
from reader.ui.search_controller import SearchController
from tests.perf.keystroke import LOG_ENV

# Escape sequences (CSI, charset, OSC) between the characters of a written frame.
ESCAPES = re.compile(
    r"\x1b\[[0-9;?<=>]*[ -/]*[@-~]"  # CSI: colours, cursor moves, modes
    r"|\x1b[()][0-9A-Za-z]"  # character set
    r"|\x1b\][^\x07\x1b]*(\x07|\x1b\\)"  # OSC: title, links
)
PROOF_CHARS = 12  # of the list's first line: fits the narrowest sidebar


class _Probe:
    """The key being timed and whether its results are on their way to the screen."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.key: events.Key | None = None
        self.query: str | None = None
        self.hits = 0
        self.proof: str | None = None  # text the results' frame must hold; None: any frame

    def log(self, record: dict[str, Any]) -> None:
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(json.dumps(record) + "\n")


def install(probe: _Probe) -> None:
    """Wrap the four places the timing needs; each calls the original first or last."""
    on_event = ReaderApp.on_event
    show = SearchController._show
    ready = SearchController._ready
    write = LinuxDriver.write

    async def timed_on_event(app: ReaderApp, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            probe.key, probe.query = event, None
        await on_event(app, event)

    def timed_show(controller: SearchController, query: str, hits: list[SearchHit]) -> None:
        results = controller.app.main.results
        before = getattr(results, "_shown", None)
        show(controller, query, hits)
        if probe.key is not None and query == controller.query:
            probe.query, probe.hits = query, len(hits)
            changed = getattr(results, "_shown", None) != before
            # The list's first line: the best hit, or what it says when there is none.
            none = "No title starts" if controller.title_letter is not None else "Nothing matches"
            first_line = hits[0].title if hits else none
            probe.proof = sanitize_line(first_line)[:PROOF_CHARS] if changed else None

    def timed_ready(controller: SearchController, index: SearchIndex) -> None:
        ready(controller, index)
        probe.log({"event": "index-ready"})

    def timed_write(driver: LinuxDriver, data: str) -> None:
        write(driver, data)
        key = probe.key
        if key is not None and probe.query is not None:
            if probe.proof is not None and probe.proof not in ESCAPES.sub("", data):
                return  # a frame without the new results
            probe.log(
                {
                    "key": key.key,
                    "query": probe.query,
                    "hits": probe.hits,
                    "latency_s": _time.get_time() - key.time,
                }
            )
            probe.key = probe.query = None

    ReaderApp.on_event = timed_on_event  # type: ignore[method-assign]
    SearchController._show = timed_show  # type: ignore[method-assign]
    SearchController._ready = timed_ready  # type: ignore[method-assign]
    LinuxDriver.write = timed_write  # type: ignore[method-assign]


def main() -> int:
    install(_Probe(os.environ[LOG_ENV]))
    return cli.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
