"""Find and read the Markdown files of a pack, reporting every bad file clearly.

A pack may be someone's notes or a project's docs: unreadable files, binary files,
files that are not UTF-8, symlink loops and links out of the folder must each produce
a message (file and line where it applies) and never a traceback. No Textual.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from reader.sanitize import sanitize

__all__ = [
    "MARKDOWN_SUFFIXES",
    "PackError",
    "PackFile",
    "Problem",
    "discover_files",
    "read_markdown",
]

MARKDOWN_SUFFIXES = (".md", ".markdown")
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

    __slots__ = ("path", "real", "relative", "text")

    def __init__(self, path: Path, relative: str, real: Path, text: str = "") -> None:
        self.path = path
        self.relative = relative
        self.real = real
        self.text = text  # sanitized, and ending with a line end

    def __repr__(self) -> str:
        return f"PackFile({self.relative!r})"


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
        _walk(root, root, "", root, found, visited, problems)
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


def _walk(
    folder: Path,
    real_folder: Path,
    prefix: str,
    root: Path,
    found: list[PackFile],
    visited: set[Path],
    problems: list[Problem],
) -> None:
    """Collect the Markdown files under `folder`, and under its folders in turn.

    The caller knows the folder's real path and its prefix in relative names ("sub/dir/",
    or "" at the root), so neither costs a system call or path arithmetic here.
    """
    if real_folder in visited:
        problems.append(Problem(_relative(folder, root), 0, "symlink loop; skipped", "warning"))
        return
    visited.add(real_folder)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as error:
        problems.append(
            Problem(_relative(folder, root), 0, f"cannot read folder: {error.strerror}")
        )
        return
    for entry in entries:
        if entry.name.startswith(".") or entry.name in SKIPPED_FOLDERS:
            continue
        entry_path = Path(entry.path)
        # What `_relative(entry_path, root)` and `entry_path.resolve()` say, without
        # their path arithmetic and system calls: scandir names hold no "/" and are
        # never "." or "..", and only a symlink resolves anywhere but its real folder.
        relative = prefix + entry.name
        if entry.is_symlink():
            real = entry_path.resolve()
            if not real.is_relative_to(root):
                problems.append(
                    Problem(relative, 0, "symbolic link out of the pack; skipped", "warning")
                )
                continue
        else:
            real = real_folder / entry.name
        try:
            if entry.is_dir():
                _walk(entry_path, real, relative + "/", root, found, visited, problems)
            elif entry.name.lower().endswith(MARKDOWN_SUFFIXES) and entry.is_file():
                found.append(PackFile(entry_path, relative, real))
        except OSError as error:
            problems.append(Problem(relative, 0, f"cannot read: {error.strerror}"))


def _relative(path: Path, root: Path) -> str:
    return os.path.relpath(path, root).replace(os.sep, "/")


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
            return b"\0" not in handle.read(8192)
    except OSError:
        return False


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
    if b"\0" in data[:8192]:
        problems.append(Problem(name, 0, "binary file, not Markdown; skipped"))
        return
    if not data or data.isspace():  # what `not data.strip()` says, without copying data
        problems.append(Problem(name, 0, "empty file", severity="note"))
        return
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        problems.append(
            Problem(name, line, "not valid UTF-8; bad bytes shown as \ufffd", "warning")
        )
        text = data.decode("utf-8-sig", errors="replace")
    text = sanitize(text)
    if not text.endswith("\n"):
        text += "\n"
    pack_file.text = text
