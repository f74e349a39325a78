"""The collector policy: `reader` freezes what lasts; tests and embedders are left alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from reader.ui import memory


@pytest.fixture(autouse=True)
def _restore_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(memory, "_freezing", False)
    monkeypatch.setattr(memory, "_holders", set())
    yield
    gc.unfreeze()
    gc.enable()


def test_started_with_the_collector_off_what_lasts_is_frozen_in_two_steps():
    gc.disable()  # as `reader` starts
    memory.resume_after_start()
    assert gc.isenabled()
    after_start = gc.get_freeze_count()
    assert after_start > 0
    lasting = [[number] for number in range(1000)]  # what the search index would hold
    memory.freeze_long_lived()
    assert gc.get_freeze_count() >= after_start + len(lasting)


def test_an_app_started_with_the_collector_on_freezes_nothing():
    gc.unfreeze()
    memory.resume_after_start()
    memory.freeze_long_lived()
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_the_collector_stays_off_until_the_last_filling_view_lets_go():
    """The reading pane and the comparison panel may fill at once: the first to finish
    must not turn the collector back on under the other."""
    reading, comparison = object(), object()
    memory.hold_collector(reading)
    memory.hold_collector(comparison)
    memory.hold_collector(reading)  # a second slice of the same section
    assert not gc.isenabled()
    memory.release_collector(reading)
    assert not gc.isenabled(), "the comparison is still filling"
    memory.release_collector(comparison)
    assert gc.isenabled()
    memory.release_collector(comparison)  # once more, as on unmount: nothing happens
    assert gc.isenabled()


def test_a_collector_turned_off_by_someone_else_is_left_to_them():
    gc.disable()  # `reader` before its first frame
    view = object()
    memory.hold_collector(view)
    memory.release_collector(view)
    assert not gc.isenabled()
