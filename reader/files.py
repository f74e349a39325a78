"""Find and read the Markdown files of a pack, reporting every bad file clearly.

A pack may be someone's notes or a project's docs: unreadable files, binary files,
files that are not UTF-8, symlink loops and links out of the folder must each produce
a message (file and line where it applies) and never a traceback. No Textual.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.sanitize import sanitize
from reader.scan import front_matter_flag

if TYPE_CHECKING:
    from reader.markdown import Definitions

__all__ = [
    "MARKDOWN_SUFFIXES",
    "PackError",
    "PackFile",
    "Problem",
    "discover_files",
    "is_glossary_file",
    "read_markdown",
]

MARKDOWN_SUFFIXES = (".md", ".markdown")
#: A file of these names is the pack's glossary (see reader.glossary) unless it says not.
GLOSSARY_FILE_NAMES = frozenset({"glossary.md", "glossary.markdown"})
MAX_FILE_BYTES = 64 * 1024 * 1024
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "site-packages"}


class PackError(Exception):
    """A pack that cannot be opened at all; the message is meant for the user."""


class Problem(NamedTuple):
    """Something wrong with a pack, as `file:line: message` (line 0 = whole file)."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" fails `reader check`; "warning"/"note" do not

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class PackFile:
    """One Markdown file of the pack and its (sanitized) text (a plain class: see Section)."""

    __slots__ = ("definition_starts", "definitions", "path", "real", "relative", "text")

    def __init__(self, path: Path, relative: str, real: Path, text: str = "") -> None:
        self.path = path
        self.relative = relative
        self.real = real
        self.text = text  # sanitized, and ending with a line end
        #: Offsets of the lines starting a link reference or footnote definition, found
        #: when the file is cut into sections; what they define is parsed on first use
        #: (`reader.pack.file_definitions`) and kept in `definitions`.
        self.definition_starts: Sequence[int] = ()
        self.definitions: Definitions | None = None

    def __repr__(self) -> str:
        return f"PackFile({self.relative!r})"


def is_glossary_file(pack_file: PackFile) -> bool:
    """Its front matter says `glossary: true`, or it is named `glossary.md` and its front
    matter does not say `glossary: false` (told without loading reader.glossary, so a pack
    with no glossary never does)."""
    said = front_matter_flag(pack_file.text, "glossary")
    if said is not None:
        return said
    return pack_file.relative.rsplit("/", 1)[-1].casefold() in GLOSSARY_FILE_NAMES


def discover_files(path: Path, problems: list[Problem], order: object = None) -> list[PackFile]:
    """Every Markdown file under `path` (or `path` itself), sorted, manifest order first."""
    if not path.exists():
        if path.is_symlink():
            raise PackError(f"{path}: a symbolic link to something that does not exist")
        raise PackError(f"{path}: no such file or folder")
    if path.is_file():
        if path.suffix.lower() not in MARKDOWN_SUFFIXES and not _looks_like_text(path):
            raise PackError(f"{path}: not a Markdown file or a folder of them")
        real = path.resolve()
        return [PackFile(path, path.name, real)]
    if not path.is_dir():
        raise PackError(f"{path}: not a Markdown file or a folder of them")
    root = path.resolve()
    found: list[PackFile] = []
    visited: set[Path] = set()
    try:
        _walk(root, found, visited, problems)
    except OSError as error:
        raise PackError(f"{path}: cannot read this folder: {error.strerror or error}") from None
    found.sort(key=lambda pack_file: _sort_key(pack_file.relative))
    return _apply_order(_without_aliases(found, problems), order, problems)


def _without_aliases(found: list[PackFile], problems: list[Problem]) -> list[PackFile]:
    """Keep one entry per real file: a symlink to a pack file would list its sections twice."""
    kept: dict[Path, PackFile] = {}
    for pack_file in sorted(found, key=lambda pack_file: pack_file.path.is_symlink()):
        first = kept.setdefault(pack_file.real, pack_file)
        if first is not pack_file:
            problems.append(
                Problem(pack_file.relative, 0, f"same file as {first.relative}; skipped", "note")
            )
    return [pack_file for pack_file in found if kept[pack_file.real] is pack_file]


def _walk(root: Path, found: list[PackFile], visited: set[Path], problems: list[Problem]) -> None:
    """Collect the Markdown files under `root`, folder by folder.

    A stack of folders, not recursion: a pack nested a thousand folders deep must load
    (or report the folders the system cannot open), not end in RecursionError. Each
    folder carries its real path and its prefix in relative names ("sub/dir/", or "" at
    the root), so neither costs a system call or path arithmetic here.
    """
    pending: list[tuple[Path, Path, str]] = [(root, root, "")]
    while pending:
        folder, real_folder, prefix = pending.pop()
        if real_folder in visited:
            problems.append(
                Problem(prefix.rstrip("/") or ".", 0, "symlink loop; skipped", "warning")
            )
            continue
        visited.add(real_folder)
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as error:
            problems.append(
                Problem(prefix.rstrip("/") or ".", 0, f"cannot read folder: {_reason(error)}")
            )
            continue
        subfolders: list[tuple[Path, Path, str]] = []
        for entry in entries:
            if entry.name.startswith(".") or entry.name in SKIPPED_FOLDERS:
                continue
            subfolder = _visit_entry(entry, real_folder, prefix, root, found, problems)
            if subfolder is not None:
                subfolders.append(subfolder)
        pending.extend(reversed(subfolders))  # popped in name order


def _visit_entry(
    entry: os.DirEntry[str],
    real_folder: Path,
    prefix: str,
    root: Path,
    found: list[PackFile],
    problems: list[Problem],
) -> tuple[Path, Path, str] | None:
    """Add a Markdown file to `found`, or return a folder still to walk.

    A name's relative path and real path are known without path arithmetic or system
    calls: scandir names hold no "/" and are never "." or "..", and only a symlink
    resolves anywhere but its real folder.
    """
    entry_path = Path(entry.path)
    relative = prefix + entry.name
    is_markdown = entry.name.lower().endswith(MARKDOWN_SUFFIXES)
    try:
        if entry.is_symlink():
            try:
                real = entry_path.resolve(strict=True)
            except RuntimeError:  # Python 3.11 reports a loop (a link to itself) this way
                problems.append(Problem(relative, 0, "symlink loop; skipped", "warning"))
                return None
            except OSError as error:
                what = "symlink loop" if error.errno == errno.ELOOP else "broken symbolic link"
                if is_markdown or error.errno == errno.ELOOP:
                    problems.append(Problem(relative, 0, f"{what}; skipped", "warning"))
                return None
            if not real.is_relative_to(root):
                problems.append(
                    Problem(relative, 0, "symbolic link out of the pack; skipped", "warning")
                )
                return None
        else:
            real = real_folder / entry.name
        if entry.is_dir():
            return entry_path, real, relative + "/"
        if is_markdown:
            if entry.is_file():
                found.append(PackFile(entry_path, relative, real))
            else:
                kind = _special_kind(entry_path)
                problems.append(Problem(relative, 0, f"{kind}, not a file; skipped", "warning"))
    except OSError as error:
        problems.append(Problem(relative, 0, f"cannot read: {_reason(error)}"))
    return None


def _special_kind(path: Path) -> str:
    """What a name that is neither a file nor a folder is, in a user's words."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return "not readable"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def _reason(error: OSError) -> str:
    return error.strerror or str(error)


def _sort_key(relative: str) -> tuple[tuple[int, str], ...]:
    """Sort by path, but a folder's README/index comes before its other files and folders.

    Every part is a (rank, name) pair, so a file and a folder at the same level compare
    by name instead of a str meeting an int (which raised TypeError).
    """
    parts = relative.lower().split("/")
    stem = parts[-1].rsplit(".", 1)[0]
    first = 0 if stem in ("readme", "index") else 1
    return (*((1, folder) for folder in parts[:-1]), (first, parts[-1]))


def _apply_order(found: list[PackFile], order: object, problems: list[Problem]) -> list[PackFile]:
    if not isinstance(order, list):
        return found
    by_name = {pack_file.relative: pack_file for pack_file in found}
    first: list[PackFile] = []
    for name in order:
        pack_file = by_name.pop(str(name), None)
        if pack_file is None:
            problems.append(
                Problem("pack.toml", 0, f"order names '{name}', which is not a pack file")
            )
        else:
            first.append(pack_file)
    return first + [pack_file for pack_file in found if pack_file.relative in by_name]


def _looks_like_text(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            start = handle.read(8192)
    except OSError:
        return False
    return b"\0" not in start or _wide_encoding(start) is not None


#: Byte order marks of the encodings other than UTF-8 that editors write (Windows
#: Notepad's "Unicode" is UTF-16 LE with a BOM). UTF-32's LE mark starts with UTF-16's,
#: so it is tried first.
_WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _wide_encoding(data: bytes) -> str | None:
    """UTF-16 or UTF-32 when the data starts with its byte order mark, else None."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _decode(data: bytes, wide: str | None, name: str, problems: list[Problem]) -> str:
    """UTF-8 (with or without a BOM), or UTF-16/32 by their BOM; bad bytes become \ufffd."""
    encoding = wide or "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        if wide:  # a line number would need the decoded text: say where in bytes
            where, line = f" at byte {error.start}", 0
        else:
            where, line = "", data.count(b"\n", 0, error.start) + 1
        label = wide.upper() if wide else "UTF-8"
        problems.append(
            Problem(name, line, f"not valid {label}{where}; bad bytes shown as \ufffd", "warning")
        )
        return data.decode(encoding, errors="replace")


def read_markdown(pack_file: PackFile, problems: list[Problem]) -> None:
    """Read, decode and sanitize one file; on trouble, leave it empty and say why."""
    name = pack_file.relative
    try:
        size = pack_file.path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(name, 0, f"{size // 2**20} MB is too large; skipped"))
            return
        data = pack_file.path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, 0, f"cannot read: {error.strerror or error}"))
        return
    wide = _wide_encoding(data)
    if wide is None and b"\0" in data[:8192]:
        problems.append(Problem(name, 0, "binary file, not Markdown; skipped"))
        return
    if not data or data.isspace():  # what `not data.strip()` says, without copying data
        problems.append(Problem(name, 0, "empty file", severity="note"))
        return
    text = _decode(data, wide, name, problems)
    if not text or text.isspace():
        problems.append(Problem(name, 0, "empty file", severity="note"))
        return
    text = sanitize(text)
    if not text.endswith("\n"):
        text += "\n"
    pack_file.text = text
