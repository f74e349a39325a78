"""A section's text comes from its file on disk, never from a copy of the pack (issue 21).

Fifty readers of a 3.5 MB pack held fifty copies of its text; now a section keeps
offsets and reads its bytes when asked. What it reads must be exactly what the whole
file, read and sanitized as loading reads it, holds between those offsets, for every
encoding and line ending a pack may have. And a file edited, replaced or deleted since
loading must raise PackChanged instead of giving text the outline no longer matches.
"""

from __future__ import annotations

import gc
import os
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from reader import pack as pack_module
from reader.files import PackChanged, PackError, PackFile
from reader.pack import MAX_SECTION_CHARS, SMALL_PACK_CHARS, Pack, load_pack
from reader.search import pack_documents
from tests.perf.generate import generate_many_headings, generate_pack

MakePack = Callable[[Path, dict[str, str | bytes]], Path]


def assert_reads_its_slice(pack: Pack) -> None:
    """Every section's Markdown is its slice of its file's whole text, and a file's
    sections put together are the file from their first offset on."""
    by_file: dict[str, list[str]] = {}
    for section in pack.sections:
        if section.file.relative.endswith("/"):
            continue  # a folder's own page, made in memory
        text = section.file.text
        assert section.markdown == text[section.start : section.end], section
        by_file.setdefault(section.file.relative, []).append(section.markdown)
    for pack_file in pack.files:
        parts = by_file.get(pack_file.relative, [])
        assert pack_file.text.endswith("".join(parts))


@pytest.fixture
def pread_sizes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """How many bytes each read of a pack file asked for."""
    sizes: list[int] = []
    real_pread = os.pread

    def pread(handle: int, size: int, offset: int) -> bytes:
        sizes.append(size)
        return real_pread(handle, size, offset)

    monkeypatch.setattr(os, "pread", pread)
    yield sizes


# ---------------------------------------------------------------- reading right
CASES: dict[str, bytes] = {
    "multibyte UTF-8": "# Café\n\nnaïve — ünïcode 😀 text\n\n## Zweite Überschrift\n\n"
    "日本語のテキスト、そして 😀😀.\n\n### Ελληνικά\n\nΤέλος\n".encode(),
    "CRLF": b"# One\r\n\r\nFirst line\r\nsecond line\r\n\r\n## Two\r\n\r\nMore text\r\n",
    "lone CR (old Mac)": b"# One\r\rText\r## Two\rMore\r",
    "BOM": "\ufeff# Title\n\nBody with é.\n\n## Next\n\nMore.\n".encode(),
    "BOM, ASCII": b"\xef\xbb\xbf# Title\n\nBody.\n\n## Next\n\nMore.\n",
    "front matter": b"---\ntitle: The file\ntags: [a, b]\n---\n\nIntro.\n\n# H\n\nText.\n",
    "not UTF-8": b"# Latin-1\n\ncaf\xe9 and na\xefve\n\n## Two\n\n\xff\xfe bad \x80 bytes\n",
    "controls and escapes": b"# A\x1b[31m red\x1b[0m\n\nbell\x07 and \x1b]52;c;eA==\x07 OSC\n\n"
    b"## B\x01\n\nsoh\x01 del\x7f \xc2\x9b C1\n",
    "bidi and joiners": "# Bidi \u202e here\n\n\u200dstart and end\u200d\n\n## Two\n\n"
    "ok\u200b\u2028\n".encode(),
    "UTF-16": "# Wide\n\nText in UTF-16 é.\n\n## Two\n\nMore 😀.\n".encode("utf-16"),
    "no final line end": b"# A\n\nText.\n\n## B\n\nLast line, no line end",
    "no final line end, CRLF": b"# A\r\n\r\nText.\r\n\r\n## B\r\n\r\nLast, no line end",
}


@pytest.mark.parametrize("name", CASES)
def test_each_section_reads_exactly_its_slice_of_the_file(
    tmp_path: Path, make_pack: MakePack, name: str
):
    pack = load_pack(make_pack(tmp_path, {"a.md": CASES[name], "b.md": "# Other\n"}))
    assert len(pack.sections) >= 2
    assert_reads_its_slice(pack)


def test_what_is_read_is_the_text_loading_read(tmp_path: Path, make_pack: MakePack):
    pack = load_pack(make_pack(tmp_path, {"a.md": CASES["CRLF"], "b.md": CASES["not UTF-8"]}))
    assert [s.markdown for s in pack.sections] == [
        "# One\n\nFirst line\nsecond line\n\n",
        "## Two\n\nMore text\n",
        "# Latin-1\n\ncaf\ufffd and na\ufffdve\n\n",
        "## Two\n\n\ufffd\ufffd bad \ufffd bytes\n",
    ]
    assert any("not valid UTF-8" in problem.message for problem in pack.problems)
    front = load_pack(make_pack(tmp_path / "f", {"a.md": CASES["front matter"]}))
    assert front.sections[0].title == "The file"
    assert front.sections[0].markdown == "\nIntro.\n\n"  # after the front matter


def test_a_giant_file_of_20000_headings_reads_each_section_alone(
    tmp_path: Path, pread_sizes: list[int]
):
    path = generate_many_headings(tmp_path, count=20_000)
    pack = load_pack(path)
    sections = pack.sections
    assert len(sections) == 20_000
    text = pack.files[0].text
    pread_sizes.clear()
    for section in [*sections[:: len(sections) // 200], sections[-1]]:
        assert section.markdown == text[section.start : section.end]
    # Each section read its own few dozen bytes, not the file's megabytes.
    assert pread_sizes and max(pread_sizes) < 1000, max(pread_sizes)


@pytest.mark.parametrize(
    ("kind", "encode"),
    [
        ("non-ASCII", lambda text: text.replace("manual", "manuál").encode()),
        ("CRLF", lambda text: text.replace("\n", "\r\n").encode()),
    ],
)
def test_a_giant_file_reads_each_section_alone_in_any_form(
    tmp_path: Path,
    pread_sizes: list[int],
    kind: str,
    encode: Callable[[str], bytes],
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(pack_module, "LONE_FILE_CHARS", 0)  # 560 KB: read from disk too
    source = generate_many_headings(tmp_path / "source", count=5_000)
    path = tmp_path / "giant.md"
    path.write_bytes(encode(source.read_text(encoding="utf-8")))
    pack = load_pack(path)
    text = pack.files[0].text
    pread_sizes.clear()
    for section in pack.sections[::97]:
        assert section.markdown == text[section.start : section.end], kind
    assert max(pread_sizes) < 1000, kind


@pytest.mark.parametrize("line_end", ["\n", "\r\n"])
@pytest.mark.parametrize("word", ["word", "wörd", "wö\u200dörd\u200d"])
def test_a_huge_section_cut_mid_line_reads_its_parts(
    tmp_path: Path, make_pack: MakePack, word: str, line_end: str
):
    # One line of 700,000 characters without a space: cut "anywhere" into parts (a
    # joiner between two letters stays, one after ASCII goes: sanitizing changes it).
    body = (word * (MAX_SECTION_CHARS // len(word) + 40_000))[: MAX_SECTION_CHARS + 200_000]
    text = f"# Huge{line_end}{line_end}{body}{line_end}"
    pack = load_pack(make_pack(tmp_path, {"a.md": text.encode()}))
    assert len(pack.sections) >= 2
    assert_reads_its_slice(pack)


# ---------------------------------------------------------------- no copy kept
def test_loading_a_3_5_mb_pack_keeps_no_copy_of_its_text(tmp_path: Path):
    root = generate_pack(tmp_path / "pack", sections=2000, files=60, seed=2)
    size = sum(path.stat().st_size for path in root.glob("*.md"))
    assert size > 3_000_000
    gc.collect()
    tracemalloc.start()
    try:
        pack = load_pack(root)
        pack.load_all()
        for _ in pack_documents(pack):  # indexing reads every section once more
            pass
        gc.collect()
        kept, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(pack.sections) == 2000
    # Sections (titles, ids, offsets) cost about 0.45 KB each; the text kept was 3.5 MB.
    assert kept < size / 3, f"{kept:,} bytes kept for a pack of {size:,}"
    # Never the whole pack in memory at once either: one file at a time.
    assert peak < size, f"{peak:,} bytes at the peak for a pack of {size:,}"


def test_a_pack_file_keeps_no_text_attribute(tmp_path: Path, make_pack: MakePack):
    pack = load_pack(make_pack(tmp_path, {"a.md": "# A\n\n" + "text " * 1000}))
    pack_file = pack.files[0]
    held = [getattr(pack_file, name, None) for name in type(pack_file).__slots__]
    assert not any(isinstance(value, str) and len(value) > 100 for value in held)


# ---------------------------------------------------------------- files changing
def loaded(tmp_path: Path, make_pack: MakePack) -> tuple[Pack, Path]:
    files = {"a.md": "# A\n\nAlpha.\n\n## B\n\nBeta.\n", "c.md": "# C\n\nGamma.\n"}
    root = make_pack(tmp_path, dict(files))
    pack = load_pack(root)
    pack.load_all()
    return pack, root


def test_an_unchanged_pack_has_no_changed_files(tmp_path: Path, make_pack: MakePack):
    pack, _ = loaded(tmp_path, make_pack)
    assert pack.changed_files() == []
    assert pack.sections[1].markdown == "## B\n\nBeta.\n"


def test_a_file_edited_in_place_raises_pack_changed(tmp_path: Path, make_pack: MakePack):
    pack, root = loaded(tmp_path, make_pack)
    path = root / "a.md"
    status = path.stat()
    path.write_bytes(path.read_bytes().replace(b"Beta", b"Zeta"))  # the same size
    os.utime(path, ns=(status.st_atime_ns, status.st_mtime_ns + 1_000_000_000))
    with pytest.raises(PackChanged) as raised:
        pack.sections[1].markdown  # noqa: B018
    assert raised.value.path == "a.md"
    assert isinstance(raised.value, PackError)  # shown as the pack's own errors are
    assert "a.md" in str(raised.value) and "reload" in str(raised.value)
    assert pack.changed_files() == ["a.md"]
    assert pack.sections[-1].markdown == "# C\n\nGamma.\n"  # the other file reads on


def test_a_file_grown_replaced_or_deleted_raises_pack_changed(tmp_path: Path, make_pack: MakePack):
    pack, root = loaded(tmp_path, make_pack)
    with (root / "a.md").open("a", encoding="utf-8") as handle:
        handle.write("\nAppended.\n")
    replacement = root / "new.tmp"
    replacement.write_text("# C\n\nGamma.\n", encoding="utf-8")  # the same text, a new file
    os.replace(replacement, root / "c.md")
    assert pack.changed_files() == ["a.md", "c.md"]
    for section in pack.sections:
        with pytest.raises(PackChanged):
            section.markdown  # noqa: B018
    (root / "a.md").unlink()
    with pytest.raises(PackChanged) as raised:
        pack.sections[0].text  # noqa: B018
    assert raised.value.path == "a.md"
    with pytest.raises(PackChanged):
        pack.files[0].text  # noqa: B018
    assert pack.changed_files() == ["a.md", "c.md"]


def test_a_file_changed_before_it_is_cut_leaves_the_rest_of_the_pack(
    tmp_path: Path, make_pack: MakePack
):
    big = "# Z\n\n" + "Words and more words.\n\n" * (SMALL_PACK_CHARS // 20)
    files = {"a.md": "# A\n", "b.md": "# B\n\nBee.\n", "c.md": "# C\n", "z.md": big}
    root = make_pack(tmp_path, dict(files))
    pack = load_pack(root)  # only a.md is cut, and no text is kept: the pack is big
    (root / "b.md").write_text("# B, edited\n\nMany more words than before.\n", encoding="utf-8")
    assert [section.title for section in pack.sections] == ["A", "C", "Z"]
    assert pack.changed_files() == ["b.md"]
    assert any(p.path == "b.md" and "changed" in p.message for p in pack.problems)
    assert pack.get("c") is not None


def test_a_small_pack_is_cut_from_the_texts_it_loaded(tmp_path: Path, make_pack: MakePack):
    root = make_pack(tmp_path, {"a.md": "# A\n", "b.md": "# B\n\nBee.\n", "c.md": "# C\n"})
    pack = load_pack(root)  # small: cut whole at its first screen, from what was loaded
    (root / "b.md").write_text("# B, edited\n\nMany more words than before.\n", encoding="utf-8")
    assert [section.title for section in pack.sections] == ["A", "B", "C"]  # as loaded
    assert pack.changed_files() == ["b.md"]
    with pytest.raises(PackChanged):
        pack.get("b").markdown  # type: ignore[union-attr]  # noqa: B018
    assert not pack._loaded_texts  # dropped once every file is cut


def test_a_file_made_in_memory_never_changes(tmp_path: Path):
    pack_file = PackFile(tmp_path / "x.md", "x.md", tmp_path / "x.md", "# X\n\nText.\n")
    assert not pack_file.changed()
    assert pack_file.read(0, 4) == "# X\n"
    assert pack_file.text == "# X\n\nText.\n"


def test_a_pack_of_one_file_up_to_a_mebibyte_keeps_its_text_yet_sees_a_change(
    tmp_path: Path, pread_sizes: list[int]
) -> None:
    """One file is drawn whole anyway: reading it again would hold two copies at once
    (the 260 KB section's peak memory). Its sections are slices of the kept text, and a
    change on disk is still refused, not shown half-old."""
    path = generate_many_headings(tmp_path / "source", count=5_000)  # 560 KB
    pack = load_pack(path)
    pread_sizes.clear()
    assert [section.markdown for section in pack.sections[:3]]
    assert pread_sizes == []  # no read from disk
    path.write_text("# Changed\n", encoding="utf-8")
    assert pack.changed_files() == [pack.files[0].relative]
    with pytest.raises(PackChanged):
        pack.sections[1].markdown  # noqa: B018
