"""What a section costs in memory, in the pack and in the search index (issues 16, 21).

The benchmark's file of 20,000 headings is mostly per-section cost: its peak RSS went
from 2.48x the bare app to under 2x by shrinking these two. Both are counted here, on a
tenth of that file, in bytes rather than time, so they hold on any machine: a change that
gives each section a list, a dict entry or an index row it does not need fails here
before the benchmark's RSS row notices. Since issue 21 the file's text is not kept
either (a section reads it from disk): what a loaded pack holds is all counted.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from reader.pack import Pack, load_pack
from reader.search import SearchIndex, pack_documents
from tests.perf.generate import generate_many_headings

#: Python objects per section, all a loaded pack holds (it was 670 B beyond the file's
#: text, which was kept too: empty child lists, an anchor map keyed by (file, anchor)
#: tuples, the id counter kept after loading, a slot each for parsed text and links, a
#: first-line int of its own). Now ~460 B: the section, its title, its id (its anchor,
#: the same string) and offsets.
PACK_BYTES_PER_SECTION = 500
#: In-memory index pages per section (it was 696 B: prefix indexes for one, two and
#: three letters, every parent path stored with every section, folded ASCII text).
INDEX_BYTES_PER_SECTION = 400


@pytest.fixture(scope="module")
def headings_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_many_headings(tmp_path_factory.mktemp("headings"), count=2000)


def test_a_section_costs_little_and_its_text_stays_on_disk(headings_file: Path) -> None:
    gc.collect()
    tracemalloc.start()
    try:
        pack: Pack = load_pack(headings_file)
        pack.load_all()
        gc.collect()
        kept = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    per_section = kept / len(pack.sections)
    assert len(pack.sections) == 2000
    assert per_section <= PACK_BYTES_PER_SECTION, f"{per_section:.0f} B per section"


def test_the_search_index_in_memory_is_compact(headings_file: Path) -> None:
    pack = load_pack(headings_file)
    with SearchIndex.build(pack_documents(pack)) as index:
        conn = index._conn
        assert conn is not None
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        size = pages * conn.execute("PRAGMA page_size").fetchone()[0]
        assert [hit.id for hit in index.search("reference manual")][:1] == ["reference-manual"]
    per_section = size / len(pack.sections)
    assert per_section <= INDEX_BYTES_PER_SECTION, f"{per_section:.0f} B per section"
