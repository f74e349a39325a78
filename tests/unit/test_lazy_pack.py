"""A pack cuts its files into sections only as far as it is asked to.

The first screen of a 3.5 MB pack must not wait for 60 files to be scanned, so
`load_pack` cuts only the first file and the rest follow on demand. None of that may
show: ids, order, nesting, titles and problems must be exactly what cutting every file
at once gives, whichever lookup comes first, and from any thread.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path

from reader.pack import Pack, Section, load_pack
from reader.ui.section_footer import internal_href, section_markdown

MakePack = Callable[[Path, dict[str, str]], Path]


def snapshot(sections: list[Section]) -> list[tuple[object, ...]]:
    """Everything a section gets from indexing, with its parent by id."""
    return [
        (
            s.index,
            s.id,
            s.title,
            s.level,
            s.depth,
            s.anchor,
            s.parent.id if s.parent else None,
            [child.id for child in s.children],
            s.path,
            s.start,
            s.end,
        )
        for s in sections
    ]


FOUR_FILES = {
    "a.md": "# Start\n\nText.\n\n## Setup\n",
    "b.md": "# Setup\n\nSame title as a's second section.\n",
    "c.md": "# Deep\n\n## Setup\n\n### Under\n",
    "d.md": "# End\n",
}


def test_load_pack_cuts_only_the_first_file(
    tmp_path: Path, make_pack: MakePack, cut_files: list[str]
):
    pack = load_pack(make_pack(tmp_path, FOUR_FILES))
    assert cut_files == ["a.md"]
    assert not pack.loaded
    assert pack.first_section.title == "Start"
    assert pack.title == tmp_path.name  # no README: the folder's name, known without cutting
    assert [s.id for s in pack.sections] == [
        "start", "setup", "setup-1", "deep", "setup-2", "under", "end",
    ]  # fmt: skip
    assert pack.loaded
    assert cut_files == ["a.md", "b.md", "c.md", "d.md"]


def test_lookups_cut_only_as_far_as_they_need(
    tmp_path: Path, make_pack: MakePack, cut_files: list[str]
):
    pack = load_pack(make_pack(tmp_path, FOUR_FILES))
    under = pack.get("under")
    assert under is not None and under.breadcrumb == "Deep › Setup › Under"
    assert cut_files == ["a.md", "b.md", "c.md"]
    assert not pack.loaded
    assert pack.following(under) == pack.get("end")
    assert cut_files == ["a.md", "b.md", "c.md", "d.md"]
    assert pack.following(pack.get("end")) is None


def test_the_first_sections_way_on_names_the_next_file_without_cutting_the_rest(
    tmp_path: Path, make_pack: MakePack, cut_files: list[str]
):
    pack = load_pack(make_pack(tmp_path, {"0.md": "# Only\n", **FOUR_FILES}))
    shown = section_markdown(pack, pack.first_section)
    assert f"Next: [Start](<{internal_href('start')}>)" in shown
    assert cut_files == ["0.md", "a.md"]  # 0.md has one section: the next is a.md's first


def test_a_missing_id_cuts_everything_and_finds_nothing(tmp_path: Path, make_pack: MakePack):
    pack = load_pack(make_pack(tmp_path, FOUR_FILES))
    assert pack.get("nowhere") is None
    assert pack.loaded


def test_the_title_comes_from_a_readme_that_is_not_first(
    tmp_path: Path, make_pack: MakePack, cut_files: list[str]
):
    huge = "# Guide\n\n" + ("word " * 20 + "\n\n") * 6000  # over MAX_SECTION_CHARS: a note
    files = {
        "pack.toml": 'order = ["a.md"]\n',  # the root's index comes second
        "a.md": "# A\n",
        "index.md": huge,
        "more.md": "# Guide\n",
    }
    pack = load_pack(make_pack(tmp_path, files))
    assert pack.title == "Guide"
    assert cut_files == ["a.md", "index.md"]
    pack.load_all()
    assert cut_files == ["a.md", "index.md", "more.md"], "cut ahead, then reused"
    eager = load_pack(make_pack(tmp_path / "again", files))
    eager.load_all()
    assert snapshot(pack.sections) == snapshot(eager.sections)
    notes = [p for p in pack.problems if "shown in" in p.message]
    assert len(notes) == 1 and notes[0].path == "index.md"


_BLOCKS = [
    "# Intro", "## Setup", "## Setup", "### Setup", "# Intro", "text", "", "```", "# in code",
    "Title\n=====", "<details>\n<summary>A vs B</summary>\n\n| a | b |\n|---|---|\n</details>",
    "#### Deep", "# ", "## Intro-1",
]  # fmt: skip


def random_pack(rng: random.Random) -> dict[str, str]:
    names = ["README.md", "a.md", "b.md", "sub/index.md", "sub/c.md", "z.md"]
    chosen = rng.sample(names, rng.randint(1, len(names)))
    return {
        name: "\n\n".join(rng.choice(_BLOCKS) for _ in range(rng.randint(1, 10))) + "\n"
        for name in chosen
    }


def walk_from_first(pack: Pack) -> list[Section]:
    """Every section, reached the way the reader's `]` key reaches them."""
    walked = [pack.first_section]
    while (following := pack.following(walked[-1])) is not None:
        walked.append(following)
    return walked


def test_any_order_of_lookups_gives_what_cutting_everything_at_once_gives(
    tmp_path: Path, make_pack: MakePack
):
    rng = random.Random(11)
    for number in range(40):
        files = random_pack(rng)
        root = make_pack(tmp_path / str(number), files)
        eager = load_pack(root)
        eager.load_all()
        expected = snapshot(eager.sections)

        walked = load_pack(root)
        assert snapshot(walk_from_first(walked)) == expected, files

        looked_up = load_pack(root)
        last = eager.sections[-1].id
        assert looked_up.get(last) is not None
        assert snapshot(looked_up.sections) == expected, files

        for pack in (walked, looked_up):
            assert pack.title == eager.title
            assert pack.comparison_id == eager.comparison_id
            assert sorted(pack.problems) == sorted(eager.problems)


def test_threads_asking_at_once_get_one_consistent_pack(tmp_path: Path, make_pack: MakePack):
    files = {f"{number:02}.md": f"# Part {number}\n\n## Setup\n" for number in range(40)}
    root = make_pack(tmp_path, files)
    pack = load_pack(root)
    barrier = threading.Barrier(4)
    seen: list[int] = []

    def read_all() -> None:
        barrier.wait()
        seen.append(len(pack.sections))

    def look_up() -> None:
        barrier.wait()
        assert pack.get("setup-39") is not None

    threads = [threading.Thread(target=task) for task in (read_all, read_all, look_up, look_up)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [80, 80]
    assert [section.index for section in pack.sections] == list(range(80))
    assert len({section.id for section in pack.sections}) == 80
