"""Find and read the Markdown files of a pack, reporting every bad file clearly.

A pack may be someone's notes or a project's docs: unreadable files, binary files,
files that are not UTF-8, symlink loops and links out of the folder must each produce
a message (file and line where it applies) and never a traceback. No Textual.

A file's text is not kept: fifty readers of one 3.5 MB pack would hold fifty copies.
Loading reads each file once to check it and records what it needs to read it again
(its stat identity, its length, how it is encoded); a section reads its own byte range
when it is opened, and a file edited, replaced or deleted since then raises
`PackChanged` instead of giving text that no longer matches the outline.
"""

from __future__ import annotations

import bisect
import errno
import itertools
import os
import stat
from array import array
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Protocol

from reader.lazy_pattern import LazyPattern
from reader.sanitize import sanitize
from reader.scan import front_matter_flag

if TYPE_CHECKING:
    from reader.markdown import Definitions

__all__ = [
    "MARKDOWN_SUFFIXES",
    "PackChanged",
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
#: Front matter is looked for this far into a file (as `front_matter_flag` looks).
FRONT_MATTER_CHARS = 64 * 1024
SKIPPED_FOLDERS = {"node_modules", "__pycache__", "site-packages"}


class PackError(Exception):
    """A pack that cannot be opened at all; the message is meant for the user."""


class PackChanged(PackError):
    """A pack file changed, was replaced or vanished since the pack was loaded, so text
    read from it now would not match its sections; `path` is pack-relative."""

    def __init__(self, path: str) -> None:
        super().__init__(f"{path}: changed on disk since the pack was opened; reload the pack")
        self.path = path


class Problem(NamedTuple):
    """Something wrong with a pack, as `file:line: message` (line 0 = whole file)."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" fails `reader check`; "warning"/"note" do not

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


#: How a file's bytes map to its text, found when it is read (see `PackFile.read`):
_PLAIN = 0  # ASCII that sanitizing leaves alone: a character offset is a byte offset
_CLEAN = 1  # UTF-8 (after a BOM, if any) that sanitizing leaves alone
_SANITIZED = 2  # UTF-8 that sanitizing changed (CR line ends, controls, bad bytes)
_WIDE = 3  # UTF-16 or UTF-32: read whole (rare)


class PackFile:
    """One Markdown file of the pack (a plain class: see Section).

    Its sanitized text (`text`) is read from disk whenever it is asked for, not kept;
    `read` gives part of it from the bytes that hold that part. A file made in memory
    (a folder's page, tests) keeps the text it was given.
    """

    __slots__ = (
        "_anchor_bytes", "_anchor_chars", "_bom", "_form", "_text", "definition_starts",
        "definitions", "front_matter", "identity", "length", "mentions_cards", "mentions_details",
        "path", "real", "relative",
    )  # fmt: skip

    def __init__(self, path: Path, relative: str, real: Path, text: str | None = None) -> None:
        self.path = path
        self.relative = relative
        self.real = real
        self._text = text  # sanitized and ending with a line end; None: read from disk
        #: (st_ino, st_size, st_mtime_ns) when it was read; None until then, or in memory.
        self.identity: tuple[int, int, int] | None = None
        self.length = len(text) if text is not None else 0  # characters of `text`
        #: Whether the text opens with `---` (YAML front matter may follow): told without
        #: reading it again, since a glossary or card file says so there.
        self.front_matter = text is not None and text.startswith("---")
        self._form = _PLAIN
        self._bom = 0  # bytes of a UTF-8 byte order mark before the text
        # Character offsets into the text and the byte offsets holding them, for the
        # places sections start and end (see `map_offsets`): two arrays, 16 bytes each.
        self._anchor_chars: array[int] | None = None
        self._anchor_bytes: array[int] | None = None
        #: Offsets of the lines starting a link reference or footnote definition, found
        #: when the file is cut into sections; what they define is parsed on first use
        #: (`reader.pack.file_definitions`) and kept in `definitions`.
        self.definition_starts: Sequence[int] = ()
        self.definitions: Definitions | None = None
        #: What the pack needs to know of the text, found when the file is cut into
        #: sections (None until then), so that knowing it never reads the file again:
        #: whether it might opt into holding cards, and whether it holds `<details`.
        self.mentions_cards: bool | None = None
        self.mentions_details: bool | None = None

    def __repr__(self) -> str:
        return f"PackFile({self.relative!r})"

    @property
    def text(self) -> str:
        """The whole sanitized text, as loading read it: read again from disk each time
        (in memory only for a file made there). Raises PackChanged if the file changed."""
        if self._text is not None:
            if self.identity is not None and self.changed():
                raise PackChanged(self.relative)
            return self._text
        text, _ = _text_of(self._read_bytes(0, None), self.relative, [])
        if len(text) != self.length:
            raise PackChanged(self.relative)
        return text

    def read(self, start: int, end: int) -> str:
        """`text[start:end]`, reading only the bytes that hold it where the file's form
        allows (a section of a 5 MB file reads its few KB). Raises PackChanged."""
        if self._text is not None:
            if self.identity is not None and self.changed():
                raise PackChanged(self.relative)
            return self._text[start:end]
        end = min(end, self.length)
        if start >= end:
            return ""
        if self._form == _PLAIN:
            size = self.identity[1] if self.identity is not None else end
            text = self._read_bytes(start, min(end, size)).decode("utf-8", "replace")
            if end == self.length and not text.endswith("\n"):
                text += "\n"  # loading ended the text with a line end
            if len(text) != end - start:
                raise PackChanged(self.relative)
            return text
        chars, offsets = self._anchor_chars, self._anchor_bytes
        if self._form == _WIDE or chars is None or offsets is None:
            return self.text[start:end]  # not cut into sections yet: nothing is mapped
        first = bisect.bisect_right(chars, start) - 1
        last = bisect.bisect_left(chars, end)
        if first < 0 or last >= len(chars):
            return self.text[start:end]
        low, high = chars[first], chars[last]
        chunk = self._read_bytes(offsets[first], offsets[last])
        text = chunk.decode("utf-8", "replace")
        if self._form == _SANITIZED:  # anchors are line starts: sanitizing works by line
            text = sanitize(text)
        if high == self.length and not text.endswith("\n"):
            text += "\n"
        if len(text) != high - low:
            raise PackChanged(self.relative)
        return text[start - low : end - low]

    def map_offsets(self, text: str, offsets: Iterable[int]) -> None:
        """Remember which bytes hold these character offsets of `text` (the file's whole
        text, as just read), so `read` can read a section's bytes alone.

        ASCII needs nothing (an offset is a byte offset). Clean UTF-8 maps each offset by
        the encoded length of the text before it. Text that sanitizing changed is mapped
        at line starts (the line holding a start, the line after an end): sanitizing
        never joins or splits lines differently in part of a text than in the whole.
        """
        if self._text is not None or self._form in (_PLAIN, _WIDE):
            return
        points = sorted({0, self.length, *offsets})
        if self._form == _SANITIZED:
            points = sorted(
                {_line_start(text, point, after=False) for point in points}
                | {_line_start(text, point, after=True) for point in points}
            )
            starts = self._raw_line_starts(text, points)
        else:
            starts, position, total = [], 0, self._bom
            for point in points:
                total += len(text[position:point].encode("utf-8"))
                position = point
                starts.append(total)
        if self.identity is not None:
            starts[-1] = self.identity[1]  # the text's end is the file's end
        self._anchor_chars = array("q", points)
        self._anchor_bytes = array("q", starts)

    def _raw_line_starts(self, text: str, points: list[int]) -> list[int]:
        """The byte offsets of these line starts (character offsets of `text`): after as
        many line ends in the file's bytes as there are before them in the text."""
        data = self._read_bytes(0, None)
        if data.count(b"\r") == data.count(b"\r\n"):  # every line ends with LF: count them
            lengths = list(itertools.accumulate(map(len, data.split(b"\n")), initial=0))
            line_starts: Sequence[int] = [length + line for line, length in enumerate(lengths)]
        else:  # old Mac line ends (a lone CR) too
            line_starts = [0, *(end.end() for end in _LINE_END.finditer(data))]
        found: list[int] = []
        line, position = 0, 0
        for point in points:
            line += text.count("\n", position, point)
            position = point
            found.append(len(data) if point >= self.length else max(line_starts[line], self._bom))
        return found

    def keep_text(self, text: str) -> None:
        """Keep the text as loaded, for a pack that is this one file, not too big: it is
        drawn whole anyway, and reading it again would hold two copies at once. Reads
        are slices of it, refused (PackChanged) once the file on disk changed."""
        self._text = text

    def changed(self) -> bool:
        """Whether the file on disk is no longer the one loaded (or is gone)."""
        if self.identity is None:
            return False
        try:
            return _identity(os.stat(self.path)) != self.identity
        except (OSError, ValueError):
            return True

    def hash_into(self, digest: Digest) -> None:
        """Feed the file as loaded into `digest`, a chunk at a time: what a cache key
        needs, without a copy of the whole text (or its decoding) in memory. The bytes
        stand for the text: sanitizing them gives it. Raises PackChanged."""
        text = self._text
        if text is not None:  # a chunk at a time too: encoding a chunk copies only it
            for start in range(0, len(text), HASH_CHUNK_BYTES):
                digest.update(
                    text[start : start + HASH_CHUNK_BYTES].encode("utf-8", "surrogatepass")
                )
            return
        size = self.identity[1] if self.identity is not None else 0
        for start in range(0, size, HASH_CHUNK_BYTES):
            digest.update(self._read_bytes(start, min(start + HASH_CHUNK_BYTES, size)))

    def _read_bytes(self, start: int, end: int | None) -> bytes:
        """Bytes [start, end) of the file (to its end for None), from the very file that
        was loaded: its identity is checked once the bytes are read."""
        try:
            handle = os.open(self.path, os.O_RDONLY | _NO_BLOCK | _CLOSE_ON_EXEC)
        except (OSError, ValueError):
            raise PackChanged(self.relative) from None
        try:
            size = self.identity[1] if self.identity else 0
            wanted = (size if end is None else end) - start
            data = os.pread(handle, wanted, start) if wanted > 0 else b""
            while 0 < len(data) < wanted:  # a short read: rare, but never wrong text
                more = os.pread(handle, wanted - len(data), start + len(data))
                if not more:
                    break
                data += more
            if len(data) != max(wanted, 0) or _identity(os.fstat(handle)) != self.identity:
                raise PackChanged(self.relative)
            return data
        except OSError:
            raise PackChanged(self.relative) from None
        finally:
            os.close(handle)


_NO_BLOCK = getattr(os, "O_NONBLOCK", 0)  # a file swapped for a FIFO must not hang a read
_CLOSE_ON_EXEC = getattr(os, "O_CLOEXEC", 0)
#: What sanitizing turns into a line end: CR LF, a lone CR, LF.
_LINE_END = LazyPattern(rb"\r\n|\r|\n")


#: How much of a file `PackFile.hash_into` reads at a time.
HASH_CHUNK_BYTES = 64 * 1024


class Digest(Protocol):
    """What `PackFile.hash_into` feeds: a hashlib hash."""

    def update(self, data: bytes, /) -> None: ...


def _identity(status: os.stat_result) -> tuple[int, int, int]:
    return (status.st_ino, status.st_size, status.st_mtime_ns)


def _line_start(text: str, offset: int, *, after: bool) -> int:
    """The start of the line holding `offset` (after: of the next line, unless `offset`
    starts one); the text's end for an offset at or past it."""
    if offset >= len(text):
        return len(text)
    if offset == 0 or text[offset - 1] == "\n":
        return offset
    if after:
        found = text.find("\n", offset)
        return len(text) if found < 0 else found + 1
    return text.rfind("\n", 0, offset) + 1


def is_glossary_file(pack_file: PackFile) -> bool:
    """Its front matter says `glossary: true`, or it is named `glossary.md` and its front
    matter does not say `glossary: false` (told without loading reader.glossary, so a pack
    with no glossary never does). Only a file with front matter is read again, and only
    its start; one changed since loading goes by its name."""
    said = None
    if pack_file.front_matter:
        try:
            said = front_matter_flag(pack_file.read(0, FRONT_MATTER_CHARS), "glossary")
        except PackChanged:
            said = None
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


def _decode(data: bytes, wide: str | None, name: str, problems: list[Problem]) -> tuple[str, bool]:
    """UTF-8 (with or without a BOM), or UTF-16/32 by their BOM; bad bytes become \ufffd
    (and the second value says so)."""
    encoding = wide or "utf-8-sig"
    try:
        return data.decode(encoding), False
    except UnicodeDecodeError as error:
        if wide:  # a line number would need the decoded text: say where in bytes
            where, line = f" at byte {error.start}", 0
        else:
            where, line = "", data.count(b"\n", 0, error.start) + 1
        label = wide.upper() if wide else "UTF-8"
        problems.append(
            Problem(name, line, f"not valid {label}{where}; bad bytes shown as \ufffd", "warning")
        )
        return data.decode(encoding, errors="replace"), True


def _text_of(data: bytes, name: str, problems: list[Problem]) -> tuple[str, int]:
    """A file's bytes as the pack's text (decoded, sanitized, ending with a line end; ""
    when it holds nothing but white space), and its form: how bytes map to that text."""
    wide = _wide_encoding(data)
    decoded, replaced = _decode(data, wide, name, problems)
    if not decoded or decoded.isspace():
        return "", _PLAIN
    text = sanitize(decoded)
    if wide:
        form = _WIDE
    elif replaced or text is not decoded:
        form = _SANITIZED  # bad bytes replaced, or CR line ends, controls... changed
    else:  # a byte a character: ASCII, and no byte order mark
        form = _PLAIN if len(decoded) == len(data) else _CLEAN
    if not text.endswith("\n"):
        text += "\n"
    return text, form


def read_markdown(pack_file: PackFile, problems: list[Problem]) -> str:
    """Read, decode and sanitize one file, recording how to read it again (its identity,
    length and form), and return its text; on trouble, return "" and say why."""
    name = pack_file.relative
    try:
        status = pack_file.path.stat()
        if not stat.S_ISREG(status.st_mode):  # swapped since the folder was walked
            problems.append(Problem(name, 0, f"{_special_kind(pack_file.path)}, not a file"))
            return ""
        size = status.st_size
        if size > MAX_FILE_BYTES:
            problems.append(Problem(name, 0, f"{size // 2**20} MB is too large; skipped"))
            return ""
        # Changed between the two calls, the file's identity is not its text's: reading
        # it again then says it changed, which is true.
        data = pack_file.path.read_bytes()
    except OSError as error:
        problems.append(Problem(name, 0, f"cannot read: {error.strerror or error}"))
        return ""
    wide = _wide_encoding(data)
    if wide is None and b"\0" in data[:8192]:
        problems.append(Problem(name, 0, "binary file, not Markdown; skipped"))
        return ""
    if not data or data.isspace():  # what `not data.strip()` says, without copying data
        problems.append(Problem(name, 0, "empty file", severity="note"))
        return ""
    text, form = _text_of(data, name, problems)
    if not text:
        problems.append(Problem(name, 0, "empty file", severity="note"))
        return ""
    pack_file.identity = _identity(status)
    pack_file.length = len(text)
    pack_file.front_matter = text.startswith("---")
    pack_file._form = form
    pack_file._bom = 3 if form != _WIDE and data.startswith(b"\xef\xbb\xbf") else 0
    return text
