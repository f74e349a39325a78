"""When the cyclic garbage collector runs, and what it looks at.

`reader` starts with the collector off (see `reader.cli.main`). After the first frame,
what start-up allocated is frozen out of every later collection; once the search index
is built, so is everything allocated for it (the pack's parsed text, the vocabulary for
typo correction). A full collection scans every object it is not told to skip: on the
3.5 MB benchmark pack, full collections while typing a query took 50-100 ms each, the
slowest keystrokes, before the index's objects were frozen too.

Frozen objects are still freed when nothing refers to them; only cycles among them wait
for the end of the process, and what is frozen lives that long anyway. Tests and
embedders never turn the collector off, so none of this happens to them.

While a big section fills, reading views hold the collector off (see `hold_collector`).
"""

from __future__ import annotations

import gc

__all__ = ["freeze_long_lived", "hold_collector", "release_collector", "resume_after_start"]

_freezing = False  # `reader` asked for it by starting with the collector off
_holders: set[object] = set()  # views filling a big section, while the collector waits


def resume_after_start() -> None:
    """After the first frame: freeze what start-up allocated, and collect again."""
    global _freezing
    if not gc.isenabled():  # the command turned it off; tests and embedders never do
        _freezing = True
        gc.freeze()
        gc.enable()


def freeze_long_lived() -> None:
    """Freeze what exists now, because it lasts as long as the app (the search index)."""
    if _freezing:
        gc.freeze()


def hold_collector(holder: object) -> None:
    """Keep the collector off until `release_collector(holder)`; holders may overlap.

    Drawing 260 KB allocates a few hundred thousand strips, segments and styles, none
    of them garbage and none in a cycle; every collection while they pile up scans them
    all again. Measured on the benchmark's 260 KB section: ~0.1 s of the ~1 s it took,
    in two full collections and a hundred smaller ones. They are scanned once or twice
    after the section is done instead. A collector that is off already (start-up) is
    left to whoever turned it off.
    """
    if holder in _holders or (not _holders and not gc.isenabled()):
        return
    if not _holders:
        gc.disable()
    _holders.add(holder)


def release_collector(holder: object) -> None:
    """The collector comes back on once the last holder lets go."""
    if holder in _holders:
        _holders.discard(holder)
        if not _holders:
            gc.enable()
