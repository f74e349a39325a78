"""The collector policy: `reader` freezes what lasts; tests and embedders are left alone."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from reader.ui import memory


@pytest.fixture(autouse=True)
def _restore_collector(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(memory, "_freezing", False)
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
