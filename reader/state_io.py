"""Disk primitives behind :mod:`reader.state`: where state lives, locking, safe reads and
atomic writes.

Kept apart from the data model so that every filesystem decision (refuse symlinks, cap
sizes, fsync, set bad files aside) sits in one small file that knows nothing about
bookmarks. Everything that means "we cannot save" is raised as :class:`Unavailable`, with
a message fit to show the user; a file that must not be trusted is :class:`BadFile`.
No Textual here.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import sys
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import platformdirs

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows has no flock; we then keep state in memory
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "ENV_CACHE_DIR",
    "ENV_STATE_DIR",
    "MAX_STATE_BYTES",
    "BadFile",
    "Unavailable",
    "atomic_write",
    "cache_folder",
    "decode_json",
    "ensure_dir",
    "lock_path",
    "locked",
    "pack_file_name",
    "prepare_state_file",
    "probe_writable",
    "read_state_bytes",
    "remove_stale_temps",
    "resolve_state_dir",
    "set_aside",
]

ENV_STATE_DIR = "READER_STATE_DIR"
#: Overrides where caches (the search index, the cards found in a pack) are kept.
ENV_CACHE_DIR = "READER_CACHE_DIR"
#: Larger than any honest state file by orders of magnitude; bigger means "not ours".
MAX_STATE_BYTES = 4 * 1024 * 1024
#: How long to wait for another session's read-modify-write (normally milliseconds).
LOCK_TIMEOUT = 5.0
_TEMP_MARK = ".tmp-"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class Unavailable(Exception):
    """Saving is impossible; the message is the user-facing reason."""


class BadFile(Exception):
    """The state file exists but cannot be trusted; the message says why."""


def describe(exc: BaseException) -> str:
    """A one-line reason for the user, without a traceback's noise."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


def resolve_state_dir(state_dir: Path | None) -> Path:
    """Pick the explicit dir, else $READER_STATE_DIR, else platformdirs' user state dir.

    Without HOME (and XDG_STATE_HOME) platformdirs would fall back to the passwd entry,
    which for sandboxes and service accounts is somewhere nobody expects files to appear.
    """
    if state_dir is not None:
        return Path(state_dir).expanduser()
    override = os.environ.get(ENV_STATE_DIR, "").strip()
    if override:
        return Path(override).expanduser()
    uses_xdg = sys.platform not in ("darwin", "win32")
    if os.name == "posix" and not (uses_xdg and os.environ.get("XDG_STATE_HOME", "").strip()):
        home = os.environ.get("HOME", "").strip()
        if not home:
            raise Unavailable("HOME is not set")
        if not os.path.isdir(home):
            raise Unavailable(f"home directory {home} does not exist")
    return platformdirs.user_state_path("reader")


def cache_folder(kind: str) -> Path:
    """Where caches of `kind` ("search", "cards") live: under $READER_CACHE_DIR if set,
    else the user's cache folder. Caches are rebuilt when missing, so never state."""
    override = os.environ.get(ENV_CACHE_DIR)
    return Path(override) / kind if override else platformdirs.user_cache_path("reader") / kind


def _slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:40].strip("-") or "pack"


def pack_file_name(root: str, title: str) -> str:
    """`<sha256(identity)[:16]>-<slug>.json`: the hash keeps packs apart, the slug is for humans."""
    identity = os.fsencode(root) + b"\0" + title.encode("utf-8", "surrogatepass")
    return f"{hashlib.sha256(identity).hexdigest()[:16]}-{_slug(title)}.json"


def lock_path(path: Path) -> Path:
    """The lock file beside a state file (never replaced, unlike the file itself)."""
    return path.with_name(path.name + ".lock")


def prepare_state_file(state_dir: Path | None, root: str, title: str, suffix: str) -> Path:
    """The pack's state file `<hash>-<slug><suffix>` under `packs/`: the folder made,
    a killed writer's temp files removed and writing proven, under the file's lock.
    Raises Unavailable or OSError when the file cannot be used."""
    packs = resolve_state_dir(state_dir) / "packs"
    ensure_dir(packs)
    path = packs / (pack_file_name(root, title).removesuffix(".json") + suffix)
    with locked(lock_path(path)):
        remove_stale_temps(path)
        probe_writable(path)
    return path


def ensure_dir(path: Path) -> None:
    """Create the state folder, private to the user, or say why we cannot."""
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise Unavailable(f"cannot create {path} ({exc.strerror or exc})") from exc


def probe_writable(path: Path) -> None:
    """Prove a temp file can be created next to `path`, so a read-only folder shows at start.

    It is named like a writer's temp file, so if we die mid-probe the next start removes it.
    """
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{_TEMP_MARK}")
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        raise Unavailable(f"cannot write in {path.parent} ({exc.strerror or exc})") from exc


@contextlib.contextmanager
def locked(lock_path: Path, timeout: float | None = None) -> Iterator[None]:
    """Hold an exclusive flock on a separate lock file (never replaced, unlike the state).

    Polls instead of blocking so a stopped or stuck session cannot freeze this one forever.
    """
    if fcntl is None:  # pragma: no cover
        raise Unavailable("file locking is not available on this system")
    timeout = LOCK_TIMEOUT if timeout is None else timeout
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o600)
    except OSError as exc:
        raise Unavailable(f"cannot open lock file {lock_path} ({exc.strerror or exc})") from exc
    try:
        deadline = time.monotonic() + timeout
        delay = 0.0005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise Unavailable(
                        f"{lock_path.name} stayed locked by another session for {timeout:g}s"
                    ) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.01)
            except OSError as exc:
                raise Unavailable(f"cannot lock {lock_path} ({exc.strerror or exc})") from exc
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def read_state_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None if there is none; BadFile if it must not be trusted.

    Symlinks are refused outright: following one would let a state file read or, worse,
    replace some other file. Other OSErrors (permissions, I/O) propagate: that is
    "cannot save", not "bad file", and the file is left alone.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise BadFile("it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise BadFile("it is not a regular file")
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    except FileNotFoundError:
        return None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise BadFile("it is a symbolic link") from exc
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped since lstat: still not ours
        os.close(fd)
        raise BadFile("it is not a regular file")
    with os.fdopen(fd, "rb") as file:
        data = file.read(MAX_STATE_BYTES + 1)
    if len(data) > MAX_STATE_BYTES:
        raise BadFile(f"it is larger than {MAX_STATE_BYTES // (1024 * 1024)} MiB")
    return data


def decode_json(data: bytes) -> object:
    """Strictly UTF-8 JSON, or BadFile saying what is wrong with it."""
    if not data.strip():
        raise BadFile("it is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadFile("it is not UTF-8 text") from None
    try:
        return json.loads(text)
    except (ValueError, RecursionError):  # JSONDecodeError, giant integers, deep nesting
        raise BadFile("it is not valid JSON") from None


def set_aside(path: Path) -> Path:
    """Rename a bad file (or the symlink itself) to `<name>.bad-<UTC time>`, keeping its bytes."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    counter = 1
    while os.path.lexists(target):
        counter += 1
        target = path.with_name(f"{path.name}.bad-{stamp}-{counter}")
    os.rename(path, target)
    return target


def remove_stale_temps(path: Path) -> None:
    """Delete temp files a killed writer left; only safe while holding the lock."""
    prefix = f".{path.name}{_TEMP_MARK}"
    with contextlib.suppress(OSError), os.scandir(path.parent) as entries:
        for entry in entries:
            if entry.name.startswith(prefix):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


def atomic_write(path: Path, data: bytes) -> None:
    """Write so that readers see the old file or the new one, never a mix, even after a crash."""
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}{_TEMP_MARK}")
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable; some filesystems cannot fsync a folder, which is fine."""
    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _CLOEXEC)
    try:
        os.fsync(fd)
    except OSError as exc:
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    finally:
        os.close(fd)
