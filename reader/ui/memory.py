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

A big section needs no policy of its own: the reading pane keeps only a bounded number
of drawn lines (reader.render.document), so what it allocates while it fills is garbage
the young generations free at once.
"""

from __future__ import annotations

import gc

__all__ = ["freeze_long_lived", "resume_after_start"]

_freezing = False  # `reader` asked for it by starting with the collector off


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
