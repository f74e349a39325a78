"""The user's own settings: ``config.toml`` (looks, keys, review), read once and never written.

Where it is read from (:func:`config_path`): ``$READER_CONFIG`` (the CLI turns
``--config FILE`` into it, so the app, ``reader review``, plain mode and a reload all read
the same file), else ``$READER_CONFIG_DIR/config.toml``, else the platform's config folder
(``$XDG_CONFIG_HOME/reader/config.toml``, by default ``~/.config/reader/config.toml``).

:func:`load_config` never raises: whatever the bytes, the result is a :class:`UserConfig`
holding the values that can be used and a message for each that cannot, naming the file
and the line, so the app can say it all in one notice and run with defaults for what was
bad. What needs Textual to judge (a theme's name, a binding id, a key bound twice) is
judged by the app (:mod:`reader.ui.keymap`), with the lines kept here.

No Textual here; ``tomllib`` is imported only when a file exists, so a start without a
config costs one failed ``open``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, TypeVar

from reader.sanitize import sanitize_line
from reader.state import ReadingState, Record

__all__ = [
    "CONFIG_FILE_NAME",
    "ENV_CONFIG",
    "MAX_CONFIG_BYTES",
    "KeymapEntry",
    "UserConfig",
    "config_path",
    "load_config",
    "starting_sidebar_width",
    "starting_theme",
]

ENV_CONFIG = "READER_CONFIG"
#: The same variable `reader.review` reads for settings.toml (kept for old setups).
ENV_CONFIG_DIR = "READER_CONFIG_DIR"
CONFIG_FILE_NAME = "config.toml"
#: A config is a few dozen lines; the cap keeps a mistaken path (a log, a dump) cheap.
MAX_CONFIG_BYTES = 1024 * 1024

_T = TypeVar("_T")
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class KeymapEntry(Record):
    """The key(s) one binding id is given ("q" or "q,ctrl+q"), and the line saying so."""

    FIELDS = ("keys", "line")
    __slots__ = FIELDS

    def __init__(self, keys: str, line: int | None) -> None:
        self.keys = keys
        self.line = line


class UserConfig(Record):
    """What config.toml says that can be used, and what could not be (`problems`).

    `theme` and `keymap` are only checked for shape here: the app checks them against
    its themes and bindings (and adds to `problems`). `review` holds the good values of
    the `[review]` table (the same keys and checks as settings.toml's). `lines` maps a
    key's path (("keymap", "app.quit")) to its line, for later messages.
    """

    FIELDS = (
        "path", "exists", "theme", "sidebar_width", "keymap", "review", "problems",
        "review_problems",
    )  # fmt: skip
    __slots__ = (*FIELDS, "lines", "notes")

    def __init__(
        self,
        path: Path | None = None,
        *,
        exists: bool = False,
        theme: str | None = None,
        sidebar_width: int | None = None,
        keymap: dict[str, KeymapEntry] | None = None,
        review: dict[str, Any] | None = None,
        problems: list[str] | None = None,
        review_problems: list[str] | None = None,
        lines: dict[tuple[str, ...], int] | None = None,
    ) -> None:
        self.path = path
        self.exists = exists
        self.theme = theme
        self.sidebar_width = sidebar_width
        self.keymap: dict[str, KeymapEntry] = keymap or {}
        self.review: dict[str, Any] = review or {}
        self.problems: list[str] = problems or []
        #: The problems that touch review settings (also in `problems`): what a caller
        #: that reads only those (`reader review`'s Study, plain mode) has to tell.
        self.review_problems: list[str] = review_problems or []
        self.lines: dict[tuple[str, ...], int] = lines or {}
        #: Each problem as (its line or None, what is wrong): for one notice naming the
        #: file once (see `summary`).
        self.notes: list[tuple[int | None, str]] = []

    @property
    def shown_path(self) -> str:
        """The file as a message shows it: `~/…` under the home folder, one clean line."""
        return shown_path(self.path) if self.path is not None else CONFIG_FILE_NAME

    def where(self, line: int | None) -> str:
        """ "~/.config/reader/config.toml, line 7" (no line: the file alone)."""
        return f"{self.shown_path}, line {line}" if line else self.shown_path

    def add_problem(self, line: int | None, text: str, *, review: bool = False) -> None:
        message = f"{self.where(line)}: {text}"
        self.problems.append(message)
        self.notes.append((line, text))
        if review:
            self.review_problems.append(message)

    def summary(self, limit: int = 6) -> str:
        """Every problem in line order, for one notice: the file once, then "line 7: …"
        for each, up to `limit` of them (the rest counted)."""
        notes = sorted(self.notes, key=lambda note: note[0] or 0)
        shown = [
            sanitize_line(f"line {line}: {text}" if line else text) for line, text in notes[:limit]
        ]
        if len(notes) > limit:
            shown.append(f"and {len(notes) - limit} more")
        return "\n".join([f"{self.shown_path}:", *shown])

    def line_of(self, *key: str) -> int | None:
        return self.lines.get(key)


def shown_path(path: Path) -> str:
    home = os.environ.get("HOME", "").strip()
    text = str(path)
    if home and home != "/" and text.startswith(home.rstrip("/") + "/"):
        text = "~/" + text[len(home.rstrip("/")) + 1 :]
    return sanitize_line(text)


def config_path() -> Path | None:
    """`$READER_CONFIG`, else `$READER_CONFIG_DIR/config.toml`, else the platform's
    config folder's (`$XDG_CONFIG_HOME` respected); None when there is no home to find
    it in (platformdirs would guess from the password file)."""
    import sys

    explicit = os.environ.get(ENV_CONFIG, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    override = os.environ.get(ENV_CONFIG_DIR, "").strip()
    if override:
        return Path(override).expanduser() / CONFIG_FILE_NAME
    uses_xdg = sys.platform not in ("darwin", "win32")
    xdg = os.environ.get("XDG_CONFIG_HOME", "").strip() if uses_xdg else ""
    if xdg:  # as platformdirs reads it, without importing it before the first frame
        return Path(xdg).expanduser() / "reader" / CONFIG_FILE_NAME
    if os.name == "posix":
        home = os.environ.get("HOME", "").strip()
        if not home or not os.path.isdir(home):
            return None
        if uses_xdg:
            return Path(home) / ".config" / "reader" / CONFIG_FILE_NAME
    import platformdirs

    return platformdirs.user_config_path("reader") / CONFIG_FILE_NAME


def load_config(path: Path | None = None) -> UserConfig:
    """The user's config (`path`, else :func:`config_path`); never raises.

    No file: an empty config and no problem (unless `$READER_CONFIG` names it: a typo
    in `--config` is worth a word). A file that cannot be read or is not valid TOML:
    one problem, and every setting at its default.
    """
    named = path is not None or bool(os.environ.get(ENV_CONFIG, "").strip())
    if path is None:
        path = config_path()
    config = UserConfig(path)
    if path is None:
        return config
    try:
        text = _read_text(path)
    except FileNotFoundError:
        if named:
            config.add_problem(None, "no such file; defaults used", review=True)
        return config
    except _Unusable as exc:
        config.exists = True
        config.add_problem(None, f"{exc}; defaults used", review=True)
        return config
    config.exists = True
    from reader.config_values import read_values  # only once there is a file to read

    read_values(config, text)
    return config


def starting_theme(config_theme: str | None, remembered: ReadingState) -> str | None:
    """The theme a start uses: the one last chosen in the palette (remembered with the
    reading state), unless config.toml's `theme` was set or changed since that choice;
    else config.toml's; None: Textual's default."""
    return _choice(config_theme, remembered.theme, remembered.theme_config)


def starting_sidebar_width(config_width: int | None, remembered: ReadingState) -> int | None:
    """The sidebar's width at start, by the same rule as the theme: the width last set
    with `<`/`>` unless config.toml's `sidebar_width` was set or changed since."""
    return _choice(config_width, remembered.sidebar_width, remembered.sidebar_width_config)


def _choice(configured: _T | None, chosen: _T | None, configured_then: _T | None) -> _T | None:
    if chosen is not None and (configured is None or configured == configured_then):
        return chosen
    return configured


class _Unusable(Exception):
    """The file is there but cannot be used at all (the message says why)."""


def _read_text(path: Path) -> str:
    """The file's text; FileNotFoundError when there is none, _Unusable otherwise."""
    import stat

    try:
        fd = os.open(path, os.O_RDONLY | _NONBLOCK | _CLOEXEC)  # a FIFO must not block us
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise _Unusable(f"could not be read ({_describe(exc)})") from None
    try:
        with os.fdopen(fd, "rb") as file:
            if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
                raise _Unusable("not a regular file")
            data = file.read(MAX_CONFIG_BYTES + 1)
    except OSError as exc:
        raise _Unusable(f"could not be read ({_describe(exc)})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise _Unusable(f"larger than {MAX_CONFIG_BYTES // 1024} KB")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise _Unusable(f"line {line} is not UTF-8 text") from None


def _describe(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__
