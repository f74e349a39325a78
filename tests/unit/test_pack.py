"""The pack model: files become ordered, nested sections with stable ids, whatever the input.

A pack may be our own eczema notes, a project's docs folder or one enormous file, so
these tests pin the splitting rules (every heading starts a section, nothing is lost,
nothing is too big to render) and show that every kind of bad input loads or fails
with a message, never a traceback.
"""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reader import pack as pack_module
from reader.files import Problem
from reader.pack import MAX_SECTION_CHARS, Pack, PackError, Section, load_pack
from reader.sanitize import sanitize

MakePack = Callable[[Path, dict[str, str | bytes]], Path]


def outline(pack: Pack) -> list[tuple[str, str, int]]:
    """(id, title, depth) of every section, in reading order."""
    return [(section.id, section.title, section.depth) for section in pack.sections]


def problems_of(pack: Pack, severity: str | None = None) -> list[str]:
    return [str(p) for p in pack.problems if severity is None or p.severity == severity]


def assert_covers(pack: Pack) -> None:
    """Sections of each file, in order, add up to exactly the file's body text."""
    for pack_file in pack.files:
        parts = [s for s in pack.sections if s.file is pack_file]
        assert parts, pack_file.relative
        joined = "".join(section.markdown for section in parts)
        assert pack_file.text.endswith(joined)
        skipped = pack_file.text[: len(pack_file.text) - len(joined)]
        assert not skipped or skipped.startswith("---\n"), "only front matter may be left out"
        for before, after in itertools.pairwise(parts):
            assert before.end == after.start


# --- splitting ------------------------------------------------------------------------


def test_every_atx_and_setext_heading_starts_a_section(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {
            "notes.md": "# One\nbody one\n\nTwo\n===\nbody two\n\n## Three\n\nFour\n----\n\n"
            "###### Five ######\nlast\n",
        },
    )
    pack = load_pack(root)
    assert [(s.title, s.level) for s in pack.sections] == [
        ("One", 1),
        ("Two", 1),
        ("Three", 2),
        ("Four", 2),
        ("Five", 6),
    ]
    assert [(s.start_line, s.end_line) for s in pack.sections] == [
        (1, 3),
        (4, 7),
        (8, 9),
        (10, 12),
        (13, 14),
    ]
    assert pack.sections[1].markdown == "Two\n===\nbody two\n\n"
    assert_covers(pack)


def test_text_before_the_first_heading_is_a_section_named_by_front_matter(
    tmp_path: Path, make_pack: MakePack
):
    root = make_pack(
        tmp_path,
        {"a.md": "---\ntitle: 'My study notes'\ntags: [x]\n---\nIntro words.\n\n# First\nbody\n"},
    )
    pack = load_pack(root)
    assert [(s.title, s.level) for s in pack.sections] == [("My study notes", 0), ("First", 1)]
    assert pack.sections[1].parent is pack.sections[0], "the front matter names the file"
    assert pack.sections[0].markdown == "Intro words.\n\n"
    assert pack.sections[0].start_line == 5
    assert "title:" not in pack.sections[0].text


NPM_STYLE = "---\ntitle: npm-ci\nsection: 1\n---\n### Synopsis\n\nx\n\n### Description\n\ny\n"


def test_a_front_matter_title_is_the_files_entry_and_its_headings_nest_below(
    tmp_path: Path, make_pack: MakePack
):
    """npm's docs: 86 files of `title:` front matter and the same generic headings. The
    outline was Synopsis / Description 86 times; now each file is one entry."""
    root = make_pack(
        tmp_path,
        {"npm-ci.md": NPM_STYLE, "npm-install.md": NPM_STYLE.replace("npm-ci", "npm-install")},
    )
    pack = load_pack(root)
    assert [(s.title, s.depth) for s in pack.sections] == [
        ("npm-ci", 0),
        ("Synopsis", 1),
        ("Description", 1),
        ("npm-install", 0),
        ("Synopsis", 1),
        ("Description", 1),
    ]
    assert [s.title for s in pack.top_level] == ["npm-ci", "npm-install"]
    assert pack.sections[4].breadcrumb == "npm-install › Synopsis"


def test_folders_are_outline_entries_holding_their_files(tmp_path: Path, make_pack: MakePack):
    """npm's docs: `commands/`, `configuring-npm/`; a folder's README is its entry."""
    root = make_pack(
        tmp_path,
        {
            "README.md": "# Docs\n",
            "commands/npm-ci.md": NPM_STYLE,
            "commands/npm-install.md": NPM_STYLE.replace("npm-ci", "npm-install"),
            "configuring-npm/README.md": "# Configuring npm\n\n## Files\n",
            "configuring-npm/package-json.md": "# package.json\n",
        },
    )
    pack = load_pack(root)
    outline = [("  " * s.depth + s.title, s.id) for s in pack.sections]
    assert outline == [
        ("Docs", "docs"),
        ("Commands", "commands"),
        ("  npm-ci", "npm-ci"),
        ("    Synopsis", "synopsis"),
        ("    Description", "description"),
        ("  npm-install", "npm-install"),
        ("    Synopsis", "synopsis-1"),
        ("    Description", "description-1"),
        ("Configuring npm", "configuring-npm"),
        ("  Files", "files"),
        ("  package.json", "packagejson"),
    ]
    assert [s.title for s in pack.top_level] == ["Docs", "Commands", "Configuring npm"]
    commands = pack.get("commands")
    assert commands is not None and commands.path == "commands/"
    assert [child.title for child in commands.children] == ["npm-ci", "npm-install"]
    assert commands.markdown == "# Commands\n"
    assert pack.get("synopsis-1").breadcrumb == "Commands › npm-install › Synopsis"  # type: ignore[union-attr]
    assert problems_of(pack) == []


def test_a_folder_split_by_the_manifest_order_gets_one_entry_per_run(
    tmp_path: Path, make_pack: MakePack
):
    root = make_pack(
        tmp_path,
        {
            "pack.toml": 'order = ["b/one.md", "a.md", "b/two.md"]\n',
            "a.md": "# A\n",
            "b/one.md": "# One\n",
            "b/two.md": "# Two\n",
        },
    )
    pack = load_pack(root)
    assert [(s.title, s.depth, s.id) for s in pack.sections] == [
        ("B", 0, "b"),
        ("One", 1, "one"),
        ("A", 0, "a"),
        ("B", 0, "b-1"),
        ("Two", 1, "two"),
    ]


def test_a_front_matter_title_over_a_matching_h1_adds_no_entry(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "---\ntitle: Guide\n---\n# Guide\n\n## Part\n"})
    assert [(s.title, s.depth) for s in load_pack(root).sections] == [("Guide", 0), ("Part", 1)]


def test_text_before_the_first_heading_is_named_after_the_file(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {"03-getting_started-now.md": "Words first.\n\n## Later\n", "plain.md": "no headings\n"},
    )
    pack = load_pack(root)
    assert [(s.title, s.level, s.depth) for s in pack.sections] == [
        ("Getting started now", 2, 0),
        ("Later", 2, 0),
        ("Plain", 1, 0),
    ]


def test_a_file_that_starts_with_a_heading_has_no_extra_section(
    tmp_path: Path, make_pack: MakePack
):
    root = make_pack(tmp_path, {"a.md": "\n\n# Title\ntext\n"})
    assert [s.title for s in load_pack(root).sections] == ["Title"]


def test_files_are_ordered_by_path_with_readme_and_index_first(tmp_path: Path, make_pack: MakePack):
    names = [
        "10-last.md",
        "02-second.md",
        "01-first.md",
        "README.md",
        "sub/02-b.md",
        "sub/index.md",
        "sub/01-a.markdown",
        "aaa-folder/z.md",
        "notes.txt",
    ]
    root = make_pack(tmp_path, {name: f"# {name}\n" for name in names})
    pack = load_pack(root)
    assert [f.relative for f in pack.files] == [
        "README.md",
        "01-first.md",
        "02-second.md",
        "10-last.md",
        "aaa-folder/z.md",
        "sub/index.md",
        "sub/01-a.markdown",
        "sub/02-b.md",
    ]


def test_a_file_beside_a_folder_does_not_break_sorting(tmp_path: Path, make_pack: MakePack):
    """Regression: the sort key compared a folder name with an int and raised TypeError."""
    root = make_pack(tmp_path, {"a.md": "# A\n", "sub/README.md": "# S\n", "sub/x.md": "# X\n"})
    assert [f.relative for f in load_pack(root).files] == ["a.md", "sub/README.md", "sub/x.md"]


def test_hidden_and_vendored_folders_are_skipped(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {
            "a.md": "# A\n",
            ".git/x.md": "# hidden\n",
            ".draft.md": "# hidden\n",
            "node_modules/pkg/README.md": "# vendored\n",
        },
    )
    assert [f.relative for f in load_pack(root).files] == ["a.md"]


def test_manifest_sets_title_and_order(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {
            "pack.toml": 'title = "Study pack"\norder = ["c.md", "a.md", "ghost.md"]\n',
            "a.md": "# A\n",
            "b.md": "# B\n",
            "c.md": "# C\n",
        },
    )
    pack = load_pack(root)
    assert pack.title == "Study pack"
    assert [f.relative for f in pack.files] == ["c.md", "a.md", "b.md"]
    assert "pack.toml: order names 'ghost.md', which is not a pack file" in problems_of(pack)


def test_a_broken_manifest_is_a_problem_and_the_files_still_load(
    tmp_path: Path, make_pack: MakePack
):
    root = make_pack(tmp_path, {"pack.toml": "title = [unclosed\n", "a.md": "# A\n"})
    pack = load_pack(root)
    assert [section.title for section in pack.sections] == ["A"]
    (problem,) = [p for p in pack.problems if p.path == "pack.toml"]
    assert problem.line == 1
    assert problem.message.startswith("cannot read the manifest (")
    assert problem.message.endswith("; ignored")
    assert problem.severity == "error"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("a = " + "[" * 5000 + "]" * 5000 + "\n", "nested too deeply"),
        ("x = " + "{ y = " * 3000 + "1" + " }" * 3000 + "\n", "nested too deeply"),
        (b'title = "\xff\xfe"\n', "not valid UTF-8"),
    ],
    ids=["arrays", "inline-tables", "latin-1"],
)
def test_a_hostile_manifest_is_a_problem_not_a_crash(
    tmp_path: Path, make_pack: MakePack, content: str | bytes, reason: str
):
    root = make_pack(tmp_path, {"a.md": "# A\n"})
    manifest = root / "pack.toml"
    if isinstance(content, bytes):
        manifest.write_bytes(content)
    else:
        manifest.write_text(content)
    pack = load_pack(root)
    assert pack.title == "A"
    assert f"pack.toml: cannot read the manifest ({reason}); ignored" in problems_of(pack)


def test_a_manifest_linked_from_outside_the_pack_is_not_read(tmp_path: Path, make_pack: MakePack):
    outside = tmp_path / "outside.toml"
    outside.write_text('title = "Read from outside"\n')
    root = make_pack(tmp_path / "pack", {"a.md": "# A\n"})
    (root / "pack.toml").symlink_to(outside)
    pack = load_pack(root)
    assert pack.title != "Read from outside"
    assert "pack.toml: symbolic link out of the pack; skipped" in problems_of(pack)


def test_pack_title_without_manifest(tmp_path: Path, make_pack: MakePack):
    single = make_pack(tmp_path / "one", {"only.md": "# The only file\n"})
    assert load_pack(single).title == "The only file"
    assert load_pack(single / "only.md").title == "The only file"
    docs = make_pack(tmp_path / "docs", {"README.md": "# Project docs\n", "b.md": "# B\n"})
    assert load_pack(docs).title == "Project docs"
    plain = make_pack(tmp_path / "my-notes", {"a.md": "# A\n", "b.md": "# B\n"})
    assert load_pack(plain).title == "my-notes"


def test_pack_title_skips_a_generic_index_heading_and_subfolder_readmes(
    tmp_path: Path, make_pack: MakePack
):
    """The Node.js API docs' index.md is headed "Index": the header said Index › Index."""
    node = make_pack(
        tmp_path / "api", {"index.md": "# Index\n\n* [fs](fs.md)\n", "fs.md": "# fs\n"}
    )
    assert load_pack(node).title == "api"
    nested = make_pack(
        tmp_path / "project", {"a.md": "# A\n", "guide/README.md": "# Guide to something\n"}
    )
    assert load_pack(nested).title == "project"
    front = make_pack(
        tmp_path / "hugo", {"_index.md": "x\n", "index.md": "---\ntitle: Hugo site\n---\nhi\n"}
    )
    assert load_pack(front).title == "Hugo site"


def test_sections_nest_by_level_within_a_file(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {
            "a.md": "# A\n## B\n### C\n## D\n# E\n###### F\n## G\n",
            "b.md": "## H\n# I\n",
        },
    )
    pack = load_pack(root)
    assert outline(pack) == [
        ("a", "A", 0),
        ("b", "B", 1),
        ("c", "C", 2),
        ("d", "D", 1),
        ("e", "E", 0),
        ("f", "F", 1),
        ("g", "G", 1),
        ("h", "H", 0),
        ("i", "I", 0),
    ]
    by_id = pack.by_id
    assert [c.id for c in by_id["a"].children] == ["b", "d"]
    assert by_id["c"].parent is by_id["b"]
    assert [s.id for s in by_id["c"].ancestors] == ["a", "b"]
    assert by_id["c"].breadcrumb == "A › B › C"
    assert by_id["g"].parent is by_id["e"], "a level jump 1→6 then 2 nests under the h1"
    assert by_id["h"].parent is None, "nesting restarts in every file"
    assert [s.id for s in pack.top_level] == ["a", "e", "h", "i"]
    assert [s.index for s in pack.sections] == list(range(9))


def test_absurd_nesting_loads_with_bounded_depth(tmp_path: Path, make_pack: MakePack):
    text = "".join(
        f"{'#' * level} Level {level} round {n}\ntext\n"
        for n in range(200)
        for level in (1, 2, 3, 4, 5, 6, 6, 3, 6, 1, 6)
    )
    pack = load_pack(make_pack(tmp_path, {"deep.md": text}))
    assert len(pack.sections) == 200 * 11
    assert max(s.depth for s in pack.sections) == 5
    for section in pack.sections:
        assert section.parent is None or section.parent.level < section.level
        assert section.depth == len(section.ancestors)
    assert_covers(pack)


def test_a_900_kb_file_with_150_headings_is_150_sections(tmp_path: Path, make_pack: MakePack):
    paragraph = "Filaggrin keeps the skin barrier intact and holds water in the skin. " * 12
    chapters = [f"# Chapter {n}\n\n" + (paragraph + "\n\n") * 7 for n in range(150)]
    text = "".join(chapters)
    assert 850_000 < len(text.encode()) < 950_000
    pack = load_pack(make_pack(tmp_path, {"huge.md": text}))
    assert [s.title for s in pack.sections] == [f"Chapter {n}" for n in range(150)]
    assert all(s.level == 1 and s.depth == 0 for s in pack.sections)
    assert all(len(s.markdown) < 7_000 for s in pack.sections)
    assert [s.markdown for s in pack.sections] == chapters
    assert not problems_of(pack)


def test_ids_are_github_slugs_made_unique_across_the_pack(tmp_path: Path, make_pack: MakePack):
    root = make_pack(
        tmp_path,
        {
            "a.md": '# Intro\n# Intro\n# Intro 1\n# What "autoimmune" means?\n'
            "# C++ & Rust: 2024!\n",
            "b.md": "# Intro\n## *Emphasis* and `code` [a link](a.md)\n"
            "# Café résumé\n# 🚀 Launch\n",
        },
    )
    pack = load_pack(root)
    ids = [s.id for s in pack.sections]
    assert ids == [
        "intro",
        "intro-1",
        "intro-1-1",
        "what-autoimmune-means",
        "c--rust-2024",
        "intro-2",
        "emphasis-and-code-a-link",
        "café-résumé",
        "-launch",
    ]
    assert len(set(ids)) == len(ids)
    assert pack.sections[6].title == "Emphasis and code a link"
    # Anchors follow GitHub within each file: the second "Intro" of a.md is #intro-1.
    assert [s.anchor for s in pack.sections[:3]] == ["intro", "intro-1", "intro-1-1"]
    assert pack.sections[5].anchor == "intro"


def test_ids_stay_stable_when_loaded_twice(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# X\n## X\n# Y\n", "b.md": "# X\n"})
    assert [s.id for s in load_pack(root).sections] == [s.id for s in load_pack(root).sections]


def test_duplicate_titles_are_a_warning_naming_file_and_line(tmp_path: Path, make_pack: MakePack):
    pack = load_pack(
        make_pack(tmp_path, {"a.md": "# Notes\ntext\n\n# Notes\n", "b.md": "# Notes\n"})
    )
    assert [s.id for s in pack.sections] == ["notes", "notes-1", "notes-2"]
    warnings = problems_of(pack, "warning")
    assert len(warnings) == 1, "the same title in two files is normal"
    assert warnings[0].startswith("a.md:4: duplicate heading 'Notes'")


def test_find_by_id_title_or_slug(tmp_path: Path, make_pack: MakePack):
    pack = load_pack(make_pack(tmp_path, {"a.md": "# Skin Barrier\n## What filaggrin does\n"}))
    assert pack.find("what-filaggrin-does") is pack.sections[1]
    assert pack.find("What filaggrin does") is pack.sections[1]
    assert pack.find("  what FILAGGRIN does ") is pack.sections[1]
    assert pack.find("Skin-Barrier") is pack.sections[0], "a typed slug finds it too"
    assert pack.find("nothing like it") is None
    assert pack.get("skin-barrier") is pack.sections[0]


def test_section_text_is_plain_and_parsed_only_on_demand(
    tmp_path: Path, make_pack: MakePack, monkeypatch: pytest.MonkeyPatch
):
    calls: list[str] = []
    real_parse = pack_module.parse

    def counting_parse(markdown: str, env=None):  # type: ignore[no-untyped-def]
        calls.append(markdown)
        return real_parse(markdown, env)

    monkeypatch.setattr(pack_module, "parse", counting_parse)
    root = make_pack(
        tmp_path,
        {
            "a.md": "# Title\n\nSome **bold** and [a link](b.md).\n\n"
            "| A | B |\n|---|---|\n| 1 | 2 |\n"
        },
    )
    pack = load_pack(root)
    assert calls == [], "loading must not parse sections (lazy for a 3.5 MB pack)"
    section = pack.sections[0]
    text = section.text
    assert "Some bold and a link." in text
    assert "**" not in text and "](" not in text
    assert "A | B" in text
    assert len(calls) == 1
    assert section.text == text and section.links
    assert len(calls) == 1, "parsed once, then kept"


# --- sections too big to render --------------------------------------------------------


def assert_cut(pack: Pack, original: str) -> list[Section]:
    parts = pack.sections
    assert len(parts) > 1
    assert all(len(part.markdown) <= MAX_SECTION_CHARS for part in parts)
    assert "".join(part.markdown for part in parts) == original
    assert len({part.id for part in parts}) == len(parts)
    for before, after in itertools.pairwise(parts):
        assert after.start_line in (before.end_line, before.end_line + 1)
    return parts


def test_a_file_without_headings_is_cut_into_parts(tmp_path: Path, make_pack: MakePack):
    text = "".join(f"Paragraph {n}. " + "lorem ipsum dolor " * 60 + "\n\n" for n in range(1500))
    pack = load_pack(make_pack(tmp_path, {"notes.md": text}))
    parts = assert_cut(pack, text)
    assert parts[0].title == "Notes" and parts[1].title == "Notes (part 2)"
    assert all(part.markdown.startswith(("\n", "Paragraph")) for part in parts), "cut at blanks"
    assert any("shown in" in p for p in problems_of(pack, "note"))


def test_a_single_5_mb_line_is_cut_into_parts(tmp_path: Path, make_pack: MakePack):
    line = "word " * 1_000_000
    pack = load_pack(make_pack(tmp_path, {"line.md": line + "\n"}))
    assert_cut(pack, line + "\n")
    unbroken = "x" * 5_000_000 + "\n"
    pack = load_pack(make_pack(tmp_path / "unbroken", {"x.md": unbroken}))
    assert_cut(pack, unbroken)


def test_every_part_fits_even_when_blank_lines_are_far_apart(tmp_path: Path, make_pack: MakePack):
    """Regression: only the last part was checked, so a 1.5 MB middle part got through."""
    text = "# Big\n\nintro\n\n" + "word " * 300_000 + "\n\n" + "tail " * 1000 + "\n"
    pack = load_pack(make_pack(tmp_path, {"big.md": text}))
    assert_cut(pack, text)


def test_a_huge_section_under_a_heading_keeps_its_neighbours(tmp_path: Path, make_pack: MakePack):
    body = ("Sentence about the skin barrier. " * 40 + "\n\n") * 1000
    text = "# Small\n\nshort\n\n# Huge\n\n" + body + "# After\n\nend\n"
    pack = load_pack(make_pack(tmp_path, {"a.md": text}))
    titles = [s.title for s in pack.sections]
    assert titles[:2] == ["Small", "Huge"] and titles[-1] == "After"
    assert titles[2] == "Huge (part 2)"
    assert all(len(s.markdown) <= MAX_SECTION_CHARS for s in pack.sections)
    assert "".join(s.markdown for s in pack.sections) == text


# --- bad input ---------------------------------------------------------------------------


def test_missing_path_is_a_clear_error(tmp_path: Path):
    with pytest.raises(PackError, match="no such file or folder"):
        load_pack(tmp_path / "nowhere")


def test_a_png_is_not_a_pack(tmp_path: Path):
    png = tmp_path / "picture.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    with pytest.raises(PackError, match="not a Markdown file"):
        load_pack(png)


def test_an_empty_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(PackError, match="no readable Markdown"):
        load_pack(tmp_path)


def test_a_folder_without_markdown_is_a_clear_error(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.txt": "hello", "b.png": b"\x89PNG\x00", "c/d.rst": "x"})
    with pytest.raises(PackError, match="no readable Markdown"):
        load_pack(root)


def test_a_text_file_with_another_suffix_opens_alone(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"notes.txt": "# Plain notes\n\nhello\n"})
    assert [s.title for s in load_pack(root / "notes.txt").sections] == ["Plain notes"]


def test_an_unreadable_file_is_reported_and_the_rest_loads(
    tmp_path: Path, make_pack: MakePack, monkeypatch: pytest.MonkeyPatch
):
    root = make_pack(tmp_path, {"a.md": "# A\n", "secret.md": "# Secret\n"})
    real_read_bytes = Path.read_bytes

    def read_bytes(path: Path) -> bytes:
        if path.name == "secret.md":
            raise PermissionError(13, "Permission denied", str(path))
        return real_read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", read_bytes)
    pack = load_pack(root)
    assert [s.title for s in pack.sections] == ["A"]
    assert "secret.md: cannot read: Permission denied" in problems_of(pack, "error")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads chmod 000 files")
def test_a_chmod_000_file_is_reported(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# A\n", "secret.md": "# Secret\n"})
    (root / "secret.md").chmod(0)
    try:
        pack = load_pack(root)
    finally:
        (root / "secret.md").chmod(0o644)
    assert [s.title for s in pack.sections] == ["A"]
    assert "secret.md: cannot read: Permission denied" in problems_of(pack, "error")


def test_a_binary_file_is_skipped_with_a_message(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# A\n", "blob.md": b"# B\n\x00\x01\x02binary"})
    pack = load_pack(root)
    assert [s.title for s in pack.sections] == ["A"]
    assert "blob.md: binary file, not Markdown; skipped" in problems_of(pack)
    with pytest.raises(PackError, match=r"blob\.md: binary file"):
        load_pack(root / "blob.md")


def test_text_that_is_not_utf8_is_decoded_with_a_warning(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"latin1.md": b"# Caf\xe9\n\nline two\nna\xefve line four\n"})
    pack = load_pack(root)
    assert [s.title for s in pack.sections] == ["Caf\ufffd"]
    assert "na\ufffdve" in pack.sections[0].markdown
    assert problems_of(pack, "warning") == [
        "latin1.md:1: not valid UTF-8; bad bytes shown as \ufffd"
    ]
    root2 = make_pack(tmp_path / "later", {"a.md": b"# Fine\n\nfine\n\xff here\n"})
    assert problems_of(load_pack(root2), "warning")[0].startswith("a.md:4: not valid UTF-8")


def test_a_utf8_bom_and_crlf_line_ends_are_read_cleanly(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"win.md": b"\xef\xbb\xbf# Windows\r\n\r\ntext\r\n## Two\r\n"})
    pack = load_pack(root)
    assert [s.title for s in pack.sections] == ["Windows", "Two"]
    assert pack.sections[0].markdown == "# Windows\n\ntext\n"


def test_an_empty_file_is_a_note_and_the_rest_loads(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# A\n", "empty.md": "", "blank.md": "\n  \n"})
    pack = load_pack(root)
    assert [s.title for s in pack.sections] == ["A"]
    assert "empty.md: empty file" in problems_of(pack, "note")
    assert "blank.md: empty file" in problems_of(pack, "note")
    with pytest.raises(PackError, match="empty file"):
        load_pack(root / "empty.md")


def test_a_symlink_loop_loads_with_a_warning(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# A\n", "sub/b.md": "# B\n"})
    (root / "sub" / "up").symlink_to("..")
    (root / "self").symlink_to(".")
    pack = load_pack(root)
    assert [f.relative for f in pack.files] == ["a.md", "sub/b.md"]
    warnings = problems_of(pack, "warning")
    assert "self: symlink loop; skipped" in warnings
    assert "sub/up: symlink loop; skipped" in warnings


def test_files_linked_to_themselves_or_each_other_are_loops_not_crashes(
    tmp_path: Path, make_pack: MakePack
):
    root = make_pack(tmp_path, {"a.md": "# A\n"})
    (root / "self.md").symlink_to("self.md")
    (root / "ping.md").symlink_to("pong.md")
    (root / "pong.md").symlink_to("ping.md")
    (root / "gone.md").symlink_to("nowhere.md")
    pack = load_pack(root)
    assert [section.title for section in pack.sections] == ["A"]
    warnings = problems_of(pack, "warning")
    for name in ("self.md", "ping.md", "pong.md"):
        assert f"{name}: symlink loop; skipped" in warnings
    assert "gone.md: broken symbolic link; skipped" in warnings


def test_a_thousand_nested_folders_load(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# Top\n"})
    hundred = ["d"] * 100
    levels = [root.joinpath(*hundred * count) for count in range(1, 11)]
    for level in levels:  # os.makedirs recurses once per level: 100 levels at a time
        level.mkdir(parents=True)
    (levels[-1] / "bottom.md").write_text("# Bottom\n")
    try:
        pack = load_pack(root)
        # The outline nests folders four deep; deeper files join the fourth.
        assert [(s.title, s.depth) for s in pack.sections] == [
            ("Top", 0),
            *(("D", depth) for depth in range(4)),
            ("Bottom", 4),
        ]
    finally:
        # shutil.rmtree (pytest's clean-up too) recurses once per level: cut the chain
        # into pieces of 100 levels, deepest first, and remove each.
        for number, level in enumerate(reversed(levels)):
            piece = tmp_path / f"piece-{number}"
            level.rename(piece)
            shutil.rmtree(piece)


def test_fifos_and_devices_named_md_are_reported_not_skipped_silently(
    tmp_path: Path, make_pack: MakePack
):
    root = make_pack(tmp_path, {"a.md": "# A\n"})
    os.mkfifo(root / "pipe.md")
    (root / "null.md").symlink_to("/dev/null")  # out of the pack: refused before reading
    pack = load_pack(root)
    assert [section.title for section in pack.sections] == ["A"]
    warnings = problems_of(pack, "warning")
    assert "pipe.md: a named pipe (FIFO), not a file; skipped" in warnings
    assert "null.md: symbolic link out of the pack; skipped" in warnings


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_with_a_bom_are_read(
    tmp_path: Path, make_pack: MakePack, encoding: str
):
    body = "# Écrit en Unicode\n\nDu texte accentué.\n"
    data = body.encode(encoding)
    if encoding.endswith(("-le", "-be")):  # the plain codecs write a BOM, these do not
        data = ("\ufeff" + body).encode(encoding)
    root = make_pack(tmp_path, {"a.md": data})
    pack = load_pack(root)
    assert [section.title for section in pack.sections] == ["Écrit en Unicode"]
    assert "Du texte accentué." in pack.sections[0].markdown
    assert problems_of(pack) == []


def test_a_damaged_utf16_file_says_so(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# Wide\n".encode("utf-16") + b"\x00"})
    pack = load_pack(root)
    assert [section.title for section in pack.sections] == ["Wide"]
    (warning,) = problems_of(pack, "warning")
    assert warning.startswith("a.md: not valid UTF-16 at byte ")


def test_symlinks_out_of_the_pack_are_not_followed(tmp_path: Path, make_pack: MakePack):
    outside = make_pack(tmp_path / "outside", {"private.md": "# Private\n"})
    root = make_pack(tmp_path / "pack", {"a.md": "# A\n"})
    (root / "escape.md").symlink_to(outside / "private.md")
    (root / "escape-dir").symlink_to(outside)
    (root / "dangling.md").symlink_to(tmp_path / "missing.md")
    pack = load_pack(root)
    assert [s.title for s in pack.sections] == ["A"]
    assert "escape.md: symbolic link out of the pack; skipped" in problems_of(pack)
    assert "escape-dir: symbolic link out of the pack; skipped" in problems_of(pack)


def test_thousands_of_files_are_fine(tmp_path: Path, make_pack: MakePack):
    files: dict[str, str | bytes] = {
        f"part-{n // 100:02d}/{n:04d}.md": f"# Note {n}\n\ntext {n}\n" for n in range(2000)
    }
    pack = load_pack(make_pack(tmp_path, files))
    assert len(pack.files) == 2000 and len(pack.sections) == 2000 + 20  # 20 folder entries
    assert [s.title for s in pack.sections[:2]] == ["Part 00", "Note 0"]
    assert pack.sections[-1].title == "Note 1999"
    assert pack.sections[-1].breadcrumb == "Part 19 › Note 1999"


# --- hostile text ------------------------------------------------------------------------

PAYLOADS = [
    "\x1b[2J",
    "\x1b[6n",
    "\x1b]0;pwned\x07",
    "\x1b]52;c;ZXZpbA==\x07",
    "\x1b]8;;https://evil\x1b\\",
    "\x1bP+q544e\x1b\\",
    "\x9b31m",
    "\x9d2;title\x07",
    "\x07\x7f\x08\x01\x0b",  # no NUL: a NUL byte makes the file binary
]


def test_escape_sequences_never_reach_titles_markdown_or_text(tmp_path: Path, make_pack: MakePack):
    evil = "".join(PAYLOADS)
    name = "evil\x1b]0;name\x07\x1b[31m-notes.md"
    root = make_pack(
        tmp_path / "pack",
        {
            "pack.toml": 'title = "Pack ' + "".join(f"\\u{ord(c):04x}" for c in evil) + '"\n',
            "a.md": f"# Head{evil}ing\n\nBody {evil} text [li{evil}nk](b.md)\n\n"
            f"```\ncode{evil}\n```\n",
            name: f"Preamble{evil}\n",
            "b.md": f"Setext{evil}\n===\n",
        },
    )
    pack = load_pack(root)
    strings = [pack.title]
    for section in pack.sections:
        strings += [section.title, section.markdown, section.text, section.breadcrumb]
        strings += [link.text for link in section.links] + [link.href for link in section.links]
    for text in strings:
        assert "\x1b" not in text and "\x07" not in text and "\x00" not in text, repr(text)
        assert not any(0x80 <= ord(c) <= 0x9F for c in text), repr(text)
        assert sanitize(text) == text
    assert [s.title for s in pack.sections] == ["Heading", "Setext", "Evil notes"]
    assert pack.title == "Pack"


def test_normal_unicode_is_kept(tmp_path: Path, make_pack: MakePack):
    words = "Eczéma 湿疹 🩺 אקזמה إكزيما"
    pack = load_pack(make_pack(tmp_path, {"ü.md": f"# {words}\n\n{words}\n"}))
    assert pack.sections[0].title == words
    assert words in pack.sections[0].text


def test_problems_print_as_file_line_message():
    assert str(Problem("a/b.md", 12, "link 'x' is broken")) == "a/b.md:12: link 'x' is broken"
    assert str(Problem("a/b.md", 0, "empty file", "note")) == "a/b.md: empty file"


def test_the_default_pack_loads_cleanly():
    pack = load_pack()
    titles = [s.title for s in pack.top_level]
    assert "What eczema is" in titles and "Autoimmune vs allergic" in titles
    assert pack.comparison_id == "autoimmune-vs-allergic"
    assert not [p for p in pack.problems if p.severity != "note"]
    assert_covers(pack)


def test_a_symlink_to_a_pack_file_is_listed_once(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"b.md": "# Bee\n", "sub/c.md": "# Sea\n"})
    (root / "alias.md").symlink_to(root / "b.md")
    (root / "sub" / "0-link.md").symlink_to(root / "sub" / "c.md")
    pack = load_pack(root)
    assert [f.relative for f in pack.files] == ["b.md", "sub/c.md"]
    assert [s.id for s in pack.sections] == ["bee", "sub", "sea"]  # "sub": the folder
    assert "alias.md: same file as b.md; skipped" in problems_of(pack, "note")
