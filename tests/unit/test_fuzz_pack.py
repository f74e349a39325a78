"""Fuzzing the pack loader (issue 21): a folder of any shape, names and bytes loads, or
fails with the reader's own `PackError`, and nothing after loading raises at all.

Each example builds a real folder: nested folders, files of arbitrary bytes (empty, NUL
bytes, not UTF-8, UTF-16 with and without its mark, one huge line, front matter, cards,
definition lists), names with spaces, accents, newlines, tabs and undecodable bytes,
symbolic links out of the pack, to a parent (a loop), to themselves and to nothing, a
named pipe, and a `pack.toml` and a glossary file of garbage. Then it does what the app
and `reader check` do with a pack: list and read every section, make the search
documents, find the cards, read the glossary, and run `reader check` in-process.

CI runs a fixed, derandomized set; `python -m tests.fuzz N` runs each property with N
random examples.
"""

from __future__ import annotations

import contextlib
import io
import os
import tempfile
from pathlib import Path
from typing import NamedTuple

from hypothesis import event, given
from hypothesis import strategies as st

from reader.check import check_pack
from reader.cli import EXIT_PROBLEMS, main
from reader.files import PackError
from reader.pack import Pack, load_pack
from reader.search import pack_documents
from tests.hypothesis_ci import ci_settings

NAMES = [
    "a.md",
    "b.markdown",
    "README.md",
    "index.md",
    "glossary.md",
    "Glossary.MD",
    "pack.toml",
    "with space.md",
    "caf\u00e9.md",
    "cafe\u0301.md",
    "new\nline.md",
    "tab\t.md",
    "\udcff\udcfe.md",  # bytes that are not UTF-8: how Python names them
    "\x1b]0;title\x07.md",
    "\u202eevil.md",
    ".hidden.md",
    "node_modules",
    "sub",
    "x",
    "2.md",
    "10.md",
    "-.md",
    "n" * 250 + ".md",
]
NAME = st.sampled_from(NAMES)
KINDS = [
    *["file"] * 6,
    "folder",
    "link out",
    "link to parent",
    "link to itself",
    "link to nothing",
    "link to a sibling",
    "fifo",
]
TEXT_PIECES = [
    "# Title\n",
    "## Sub\n",
    "#flashcards\n",
    "Q::A\n",
    "{{c1::x}}\n",
    "---\ntitle: t\nglossary: true\ncards: true\n---\n",
    "---\n",
    "Term\n: definition\n",
    ": orphan definition\n",
    "[x](a.md) [y](../outside.md) [z](sub/) [w](#nowhere) [^1]\n",
    "[^1]: note\n",
    "[ref]: a.md\n",
    "```\nopen fence\n",
    "<details>\n",
    "<!--\n",
    "| a | b |\n|---|\n| c |\n",
    "\t\r\n",
    "\r",
    "\x00",
    "\x1b[2J",
    "\ufeff",
    "\u202e",
]
TEXT = st.lists(st.one_of(st.sampled_from(TEXT_PIECES), st.text(max_size=10)), max_size=12).map(
    "".join
)
UTF8_TEXT = TEXT.map(lambda text: text.encode("utf-8", "surrogatepass"))
CONTENT = st.one_of(
    UTF8_TEXT,
    UTF8_TEXT,
    st.binary(max_size=64),
    st.builds(bytes.__add__, TEXT.map(lambda text: text.encode("utf-8", "replace")), st.binary()),
    TEXT.map(lambda text: text.encode("utf-16", "surrogatepass")),  # with its mark
    TEXT.map(lambda text: text.encode("utf-16-le", "surrogatepass")),  # without
    st.sampled_from(
        [
            b"",
            b"\n\n \t\n",
            b"\xef\xbb\xbf",
            b"\xef\xbb\xbf# BOM\n",
            b"\xff\xfe\x00\x00",
            b"\xff\xfe#\x00",
            b"# a\x00b\n",
            b"# Long\n\n" + b"word " * 20_000,  # one 100 KB line
            b"#" * 5_000 + b" deep\n",
            b"- " * 2_000 + b"x\n",
            b"> " * 2_000 + b"x\n",
            b"[" * 5_000 + b"\n",
        ]
    ),
)
MANIFEST = st.one_of(
    st.binary(max_size=40),
    st.sampled_from(
        [
            b'title = "T"\norder = ["a.md", 3, "zz.md", "sub/a.md"]\n',
            b'order = "a.md"\n',
            b'comparison = 5\ncards = ["a.md", 1, "x"]\n',
            b"cards = true\n",
            b"title = 3\n",
            b'review = { new_per_day = -1, steps = "x" }\n',
            b"review = 1\n",
            b"[review]\nnew_per_day = 1e400\n",
            b"a = " + b"[" * 3_000 + b"\n",
            b"title = '\x1b]52;c;x\x07'\n",
            b"\xff\xfe",
            b"[[[",
        ]
    ),
)


class Entry(NamedTuple):
    """One thing to make in the pack: where (folder indexes), its name, kind and bytes."""

    folder: int
    name: str
    kind: str
    content: bytes


ENTRY = st.builds(Entry, st.integers(0, 5), NAME, st.sampled_from(KINDS), CONTENT)
SHAPE = st.tuples(st.lists(ENTRY, min_size=1, max_size=10), st.none() | MANIFEST)

CI = ci_settings(200, large_data=True)


def build(root: Path, entries: list[Entry], manifest: bytes | None) -> None:
    """Make the entries under `root` (and a file beside it for links to point out to)."""
    outside = root.parent / "outside.md"
    outside.write_bytes(b"# Outside\n\nSecret.\n")
    folders = [root]
    for entry in entries:
        parent = folders[entry.folder % len(folders)]
        path = parent / entry.name
        if os.path.lexists(path):
            continue
        kind = entry.kind
        if kind == "file":
            path.write_bytes(entry.content)
        elif kind == "folder":
            path.mkdir()
            folders.append(path)
        elif kind == "link out":
            path.symlink_to(outside)
        elif kind == "link to parent":
            path.symlink_to(parent, target_is_directory=True)
        elif kind == "link to itself":
            path.symlink_to(path)
        elif kind == "link to nothing":
            path.symlink_to(parent / "nothing-here.md")
        elif kind == "link to a sibling":
            path.symlink_to(folders[-1] if folders[-1] != parent else root)
        elif kind == "fifo":
            os.mkfifo(path)
    if manifest is not None and not os.path.lexists(root / "pack.toml"):
        (root / "pack.toml").write_bytes(manifest)


def use(pack: Pack) -> None:
    """What the app and the command line do with a loaded pack."""
    for section in pack.sections:
        assert section.title is not None
        section.markdown  # noqa: B018 - read from the file
        section.text  # noqa: B018
        section.links  # noqa: B018
        section.breadcrumb  # noqa: B018
        for link in section.links:
            pack.resolve(section, link.href)
        pack.following(section)
        pack.get(section.id)
    for document in pack_documents(pack):
        assert document.id in pack.by_id
    glossary = pack.glossary
    for entry in glossary.entries:
        assert entry.term
        glossary.lookup(entry.term)
    for card in pack.cards().cards:
        assert card.question is not None and card.id
    pack.find(pack.title)
    for problem in check_pack(pack):
        assert problem.message, problem


def run_check(root: Path, log: Path) -> tuple[int, str]:
    """`reader check ROOT` in this process: its exit status and what it printed."""
    out = io.StringIO()
    saved = os.environ.get("READER_LOG")
    os.environ["READER_LOG"] = str(log)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
            status = main(["check", str(root)])
    finally:
        if saved is None:
            del os.environ["READER_LOG"]
        else:
            os.environ["READER_LOG"] = saved
    return status, out.getvalue()


@CI
@given(SHAPE)
def test_any_folder_loads_or_fails_with_a_pack_error(
    shape: tuple[list[Entry], bytes | None],
) -> None:
    entries, manifest = shape
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "pack"
        root.mkdir()
        build(root, entries, manifest)
        try:
            pack = load_pack(root)
        except PackError as error:
            assert str(error)
            event("PackError")
        else:
            use(pack)
            event(f"loaded, {min(len(pack.sections), 5)}+ sections")
            event(f"{min(len(pack.problems), 3)}+ problems")
        log = Path(folder) / "errors.log"
        status, printed = run_check(root, log)
        details = log.read_text() if log.exists() else ""
        assert status in (0, EXIT_PROBLEMS), (status, printed, details)
        assert "\x1b" not in printed and "\x07" not in printed, printed


@CI
@given(CONTENT, NAME)
def test_any_single_file_loads_or_fails_with_a_pack_error(content: bytes, name: str) -> None:
    """`reader FILE`: one file, of any name and bytes, is a pack too."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            pack = load_pack(path)
        except PackError as error:
            assert str(error)
        else:
            use(pack)
