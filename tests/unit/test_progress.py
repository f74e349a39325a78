"""Progress over the outline: a chapter's tick means all of it, counts are per chapter,
and "next unread" walks reading order."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from reader.pack import Pack, load_pack
from reader.progress import counts, is_complete, next_unread, subtree, unread

MakePack = Callable[[Path, dict[str, str | bytes]], Path]


@pytest.fixture
def pack(tmp_path: Path, make_pack: MakePack) -> Pack:
    return load_pack(
        make_pack(
            tmp_path,
            {
                "a.md": "# Chapter A\n\n## A one\n\n### A deep\n\n## A two\n",
                "b.md": "# Chapter B\n\n## B one\n",
            },
        )
    )


def test_subtree_is_the_section_and_everything_below_in_order(pack: Pack):
    chapter = pack.get("chapter-a")
    assert chapter is not None
    assert [s.id for s in subtree(chapter)] == ["chapter-a", "a-one", "a-deep", "a-two"]


def test_a_chapter_counts_its_sections_and_ticks_only_when_all_are_read(pack: Pack):
    chapter = pack.get("chapter-a")
    assert chapter is not None
    read = {"chapter-a", "a-one", "a-two"}
    assert counts(chapter, read) == (3, 4)
    assert not is_complete(chapter, read)
    assert is_complete(chapter, {*read, "a-deep"})
    leaf = pack.get("b-one")
    assert leaf is not None and counts(leaf, set()) == (0, 1)


def test_next_unread_walks_reading_order_and_wraps(pack: Pack):
    here = pack.get("a-two")
    read = {"chapter-a", "a-one", "a-deep", "a-two", "chapter-b"}
    assert next_unread(pack, here, read) is pack.get("b-one")
    last = pack.get("b-one")
    assert next_unread(pack, last, {"a-one"}) is pack.get("chapter-a")  # wraps round
    everything = {section.id for section in pack.sections}
    assert next_unread(pack, here, everything) is None
    assert next_unread(pack, here, everything - {"a-two"}) is None  # only where we are
    assert next_unread(pack, None, set()) is pack.sections[0]


def test_unread_lists_what_is_left_in_order(pack: Pack):
    assert [s.id for s in unread(pack, {"chapter-a", "a-deep"})] == [
        "a-one",
        "a-two",
        "chapter-b",
        "b-one",
    ]
