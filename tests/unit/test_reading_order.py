"""A pack's own reading order (issue 22): mdBook's SUMMARY.md, or an index page that is
a list of links to the pack's files, orders the outline and `]`/`[`; files it does not
list follow in path order, the manifest's `order` still wins, and ids never move."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from reader.check import check_pack
from reader.files import discover_files
from reader.pack import Pack, Section, load_pack
from reader.summary import index_entries, might_be_index, summary_entries, toc_path

SUMMARY = """\
# Summary

[Introduction](README.md)

# Getting started

- [Install](guide/install.md)
    - [On Linux](guide/linux.md)
\t\t- [Debian](./guide/debian.md#top)
    - [Draft]()
- [Use](guide/use.md)

---

# Reference

1. [Deep page](sub/deep/page%20one.md)
2. [Missing](guide/missing.md)
3. [Use again](guide/use.md)

-----------

[Credits](credits.md)
"""

BOOK_FILES = (
    "README.md",
    "guide/install.md",
    "guide/linux.md",
    "guide/debian.md",
    "guide/use.md",
    "sub/deep/page one.md",
    "credits.md",
    "zzz-unlisted.md",
    "aaa-unlisted.md",
    "guide/zz-unlisted.md",
)


def _page(name: str) -> str:
    stem = Path(name).stem
    return f"# {stem}\n\nText of {stem}.\n\n## Details\n\nMore about {stem}.\n"


def _write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def _book(root: Path, summary: str | None = SUMMARY) -> Path:
    files = {name: _page(name) for name in BOOK_FILES}
    if summary is not None:
        files["SUMMARY.md"] = summary
    return _write(root, files)


def _outline(pack: Pack) -> list[str]:
    """Each section as its depth in dots, title, and parent's title."""
    return [
        f"{'.' * section.depth}{section.title} < {section.parent.title if section.parent else ''}"
        for section in pack.sections
        if section.title != "Details"
    ]


def _ids_by_place(pack: Pack) -> dict[tuple[str, int], str]:
    """Each file section's id by where it is written (path, line)."""
    return {
        (section.path, section.start_line): section.id
        for section in pack.sections
        if not section.path.endswith("/") and section.path != "SUMMARY.md"
    }


# --- Parsing a table of contents ----------------------------------------------------------


def test_summary_entries_follow_mdbook_format():
    entries = summary_entries(SUMMARY)
    shown = [(entry.kind, entry.path or entry.title, entry.depth, entry.line) for entry in entries]
    assert shown == [
        ("chapter", "README.md", 0, 3),
        ("part", "Getting started", 0, 5),
        ("chapter", "guide/install.md", 1, 7),
        ("chapter", "guide/linux.md", 2, 8),
        ("chapter", "guide/debian.md", 3, 9),
        ("draft", "Draft", 2, 10),
        ("chapter", "guide/use.md", 1, 11),
        ("part", "Reference", 0, 15),
        ("chapter", "sub/deep/page one.md", 1, 17),
        ("chapter", "guide/missing.md", 1, 18),
        ("chapter", "guide/use.md", 1, 19),
        ("chapter", "credits.md", 0, 23),
    ]


def test_two_space_nesting_and_subfolder_summaries():
    text = "- [A](a.md)\n  - [B](b.md)\n    - [C](../c.md)\n- [D](/d.md)\n"
    entries = summary_entries(text, "book")
    assert [(entry.path, entry.depth) for entry in entries] == [
        ("book/a.md", 0),
        ("book/b.md", 1),
        ("c.md", 2),
        ("d.md", 0),
    ]


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("./a/b.md#part", ("a/b.md", "chapter")),
        ("a%20b.md", ("a b.md", "chapter")),
        ("../../etc/passwd.md", ("", "outside")),
        ("https://example.com/a.md", ("", "external")),
        ("//example.com/a.md", ("", "external")),
        ("picture.png", ("picture.png", "other")),
        ("#anchor", ("", "other")),
        ("", ("", "draft")),
        ("A.MARKDOWN?x=1", ("A.MARKDOWN", "chapter")),
    ],
)
def test_toc_paths(href: str, expected: tuple[str, str]):
    assert toc_path(href, "") == expected


NODE_INDEX = """\
<!--
  NB(chrisdickinson): if you move this file, be sure to update
  tools/doc/html.mjs to point at the new location.
-->

<!--introduced_in=v0.10.0-->

* [About this documentation](documentation.md)
* [Usage and example](synopsis.md)

<hr class="line"/>

* [Assertion testing](assert.md)
* [Asynchronous context tracking](async\\_context.md)
* [Buffer](buffer.md)
* [Zlib](zlib.md)
* [C++ addons](addons.md)

<hr class="line"/>

* [Code repository and issue tracker](https://github.com/nodejs/node)
"""
NODE_FILES = (
    "documentation.md",
    "synopsis.md",
    "assert.md",
    "async_context.md",
    "buffer.md",
    "zlib.md",
    "addons.md",
)


def test_a_node_style_index_is_an_index():
    entries = index_entries(NODE_INDEX, "", set(NODE_FILES).__contains__)
    assert entries is not None
    assert [entry.path for entry in entries] == list(NODE_FILES)


PROSE_README = """\
# My project

This project does many things. It is written in Python and reads [the docs](guide.md).

It has a long history, told in [history](history.md) and in [news](news.md).

- Fast: it is quick.
- Small: it is [tiny](size.md).
- Friendly: see [the guide](guide.md).
- Free: it costs nothing.
"""


@pytest.mark.parametrize(
    "text",
    [
        PROSE_README,
        # three links, but as many prose paragraphs as links and more
        "# Notes\n\nOne.\n\nTwo.\n\nThree.\n\nFour.\n\n- [A](a.md)\n- [B](b.md)\n- [C](c.md)\n",
        # only two links to pack files
        "- [A](a.md)\n- [B](b.md)\n- [Web](https://example.com)\n",
        # links that are not the whole item
        "- See [A](a.md) for more about it\n- See [B](b.md) too\n- And [C](c.md)\n",
        # links to files that are not in the pack
        "- [X](x.md)\n- [Y](y.md)\n- [Z](z.md)\n",
    ],
)
def test_prose_is_not_an_index(text: str):
    pack_files = {"a.md", "b.md", "c.md", "guide.md", "history.md", "news.md", "size.md"}
    assert index_entries(text, "", pack_files.__contains__) is None


def test_the_cheap_look_rules_out_prose_before_any_parse():
    assert not might_be_index(PROSE_README.replace("](", "] ("))
    assert might_be_index(NODE_INDEX)


@pytest.mark.parametrize("shape", ["items", "nesting"])
def test_hostile_tables_of_contents_parse_in_linear_time(shape: str):
    def make(count: int) -> str:
        if shape == "items":
            return "".join(f"- [T{n}](f{n}.md)\n" for n in range(count))
        # one list inside the next, `count` deep: `- - - - [T](f.md)`, then each level's end
        return "- " * count + "[T](f.md)\n" + "".join(f"- [T{n}](f{n}.md)\n" for n in range(count))

    def cost(text: str) -> float:
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            summary_entries(text)
            index_entries(text, "", lambda path: True)
            best = min(best, time.process_time() - start)
        return best

    small_count = 1_000
    small, large = cost(make(small_count)), cost(make(small_count * 10))
    assert large <= 20 * max(small, 1e-3), (shape, small, large)


# --- Laying a pack out in its own order ---------------------------------------------------


def test_an_mdbook_summary_orders_and_nests_the_outline(tmp_path: Path):
    pack = load_pack(_book(tmp_path))
    assert [pack_file.relative for pack_file in pack.files] == [
        "README.md",
        "guide/install.md",
        "guide/linux.md",
        "guide/debian.md",
        "guide/use.md",
        "sub/deep/page one.md",
        "credits.md",
        # not listed: path order, each folder's files under a folder entry
        "aaa-unlisted.md",
        "guide/zz-unlisted.md",
        "zzz-unlisted.md",
    ]
    assert _outline(pack) == [
        "README < ",
        "Getting started < ",
        ".install < Getting started",
        "..linux < install",
        "...debian < linux",
        ".use < Getting started",
        "Reference < ",
        ".page one < Reference",
        "credits < ",
        "aaa-unlisted < ",
        "Guide < ",
        ".zz-unlisted < Guide",
        "zzz-unlisted < ",
    ]
    # A file other files nest under keeps its own sections below its entry.
    install = pack.by_id["install"]
    assert [child.title for child in install.children] == ["Details", "linux"]
    # SUMMARY.md is the order, not a page (mdBook never shows it).
    assert all(
        section.path != "SUMMARY.md" or section.id.startswith("part:") for section in pack.sections
    )
    assert "SUMMARY.md" not in [pack_file.relative for pack_file in pack.files]


def test_check_reports_a_summary_entry_whose_file_is_missing(tmp_path: Path):
    root = _book(tmp_path)
    (root / "SUMMARY.md").write_text(SUMMARY + "\n- [Away](../outside.md)\n", encoding="utf-8")
    problems = [str(problem) for problem in check_pack(load_pack(root))]
    assert "SUMMARY.md:18: 'guide/missing.md' does not exist" in problems
    assert "SUMMARY.md:19: 'guide/use.md' is listed again; shown once" in problems
    assert "SUMMARY.md:25: '../outside.md' is outside the pack; left out" in problems


def test_ids_do_not_change_when_a_summary_orders_the_pack(tmp_path: Path):
    without = load_pack(_book(tmp_path / "plain", summary=None))
    with_summary = load_pack(_book(tmp_path / "book"))
    before, after = _ids_by_place(without), _ids_by_place(with_summary)
    assert before == after
    assert len(set(after.values())) == len(after)  # "Details" ten times, ten ids
    # The folder entry that remains keeps its id too.
    assert without.by_id["guide"].path == with_summary.by_id["guide"].path == "guide/"


def test_following_walks_the_summary_order(tmp_path: Path):
    pack = load_pack(_book(tmp_path))
    walked: list[Section] = []
    section: Section | None = pack.first_section
    while section is not None:
        walked.append(section)
        section = pack.following(section)
    assert walked == pack.sections
    titles = [section.title for section in walked if section.title != "Details"]
    assert titles[:6] == ["README", "Getting started", "install", "linux", "debian", "use"]


def test_lazy_loading_gives_the_same_ids_as_loading_all(tmp_path: Path):
    root = _book(tmp_path)
    eager = load_pack(root)
    eager.load_all()
    lazy = load_pack(root)
    assert lazy.get("details-9") is not None  # cuts only as far as needed
    assert [(s.id, s.title) for s in lazy.sections] == [(s.id, s.title) for s in eager.sections]


def test_a_node_style_index_orders_the_pack(tmp_path: Path):
    files = {name: _page(name) for name in NODE_FILES}
    files["index.md"] = NODE_INDEX
    files["zz-extra.md"] = _page("zz-extra.md")
    files["bb-extra.md"] = _page("bb-extra.md")
    pack = load_pack(_write(tmp_path, files))
    assert [pack_file.relative for pack_file in pack.files] == [
        "index.md",  # the front page stays first
        *NODE_FILES,
        "bb-extra.md",
        "zz-extra.md",
    ]
    assert [section.depth for section in pack.sections if section.title != "Details"] == [0] * 10


def test_a_prose_readme_leaves_path_order(tmp_path: Path):
    files = {name: _page(name) for name in ("guide.md", "history.md", "news.md", "size.md")}
    files["README.md"] = PROSE_README
    pack = load_pack(_write(tmp_path, files))
    assert [pack_file.relative for pack_file in pack.files] == [
        "README.md",
        "guide.md",
        "history.md",
        "news.md",
        "size.md",
    ]


def test_a_folder_with_neither_keeps_its_order(tmp_path: Path):
    root = _book(tmp_path, summary=None)
    pack = load_pack(root)
    expected = [
        "README.md",
        "aaa-unlisted.md",
        "credits.md",
        "guide/debian.md",
        "guide/install.md",
        "guide/linux.md",
        "guide/use.md",
        "guide/zz-unlisted.md",
        "sub/deep/page one.md",
        "zzz-unlisted.md",
    ]
    assert [pack_file.relative for pack_file in pack.files] == expected
    assert [pack_file.relative for pack_file in discover_files(root, [])] == expected
    assert pack._plan is None  # no plan: the pack is laid out exactly as before


def test_the_manifest_order_wins_over_the_summary(tmp_path: Path):
    root = _book(tmp_path)
    (root / "pack.toml").write_text('order = ["credits.md", "guide/use.md"]\n', encoding="utf-8")
    pack = load_pack(root)
    assert [pack_file.relative for pack_file in pack.files][:5] == [
        "credits.md",
        "guide/use.md",
        "README.md",
        "guide/install.md",
        "guide/linux.md",
    ]
    walked = [section.index for section in pack.sections]
    assert walked == list(range(len(walked)))


def test_reader_list_shows_the_summary_order(tmp_path: Path):
    root = _book(tmp_path)
    listed = subprocess.run(
        [sys.executable, "-m", "reader", "--list", str(root)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    lines = [line for line in listed.splitlines() if "Details" not in line]
    titles = [line.strip().split("  [")[0] for line in lines[1:]]
    assert titles[:9] == [
        "README",
        "Getting started",
        "install",
        "linux",
        "debian",
        "use",
        "Reference",
        "page one",
        "credits",
    ]
    assert "  [part:getting-started]" in listed
