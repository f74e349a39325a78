"""What a user sees when the reader itself fails: one line, never a traceback.

A traceback shows install paths and source lines, which an SSH user of a locked-down
account has no business reading and a student cannot act on. The details go to a log
file: `READER_LOG` (outside restricted mode), else `errors.log` in the user's state
folder when the app saves state there, else nowhere. No Textual here: the command line,
and the app through `reader.ui.textual_compat`, both report through this module.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback
from pathlib import Path

__all__ = [
    "EXIT_INTERNAL",
    "LOG_ENV",
    "crash_log_path",
    "report_details",
    "report_internal_error",
]

LOG_ENV = "READER_LOG"
LOG_NAME = "errors.log"
EXIT_INTERNAL = 70  # EX_SOFTWARE in sysexits.h: the reader's own fault, not the user's
_LOG_LIMIT = 1_000_000  # bytes: a log past this is started afresh, never grown forever


def crash_log_path(*, restricted: bool, state_dir: Path | None) -> Path | None:
    """$READER_LOG (not in restricted mode), else errors.log in the state dir, else None."""
    override = os.environ.get(LOG_ENV, "")
    if override and not restricted:
        return Path(override)
    return state_dir / LOG_NAME if state_dir is not None else None


def report_internal_error(
    error: BaseException, *, restricted: bool = False, state_dir: Path | None = None
) -> int:
    """One line on stderr, the traceback in the log; returns the exit status (70)."""
    details = "".join(traceback.format_exception(error))
    report_details(details, crash_log_path(restricted=restricted, state_dir=state_dir))
    return EXIT_INTERNAL


def report_details(details: str, log: Path | None) -> None:
    """Report a failure known only by its traceback text (as Textual keeps it)."""
    name = _error_name(details)
    what = f"internal error ({name})" if name else "internal error"
    written = _append_log(log, details) if log is not None else None
    line = f"reader: {what}; details in {written}" if written else f"reader: {what}"
    with contextlib.suppress(OSError, ValueError):  # no terminal: the log is all there is
        print(line, file=sys.stderr, flush=True)


def _error_name(details: str) -> str:
    """The exception's class name from the last line of a traceback ("" if none)."""
    lines = [line for line in details.strip().splitlines() if line and not line[0].isspace()]
    last = lines[-1] if lines else ""
    name = last.split(":", 1)[0].strip().rsplit(".", 1)[-1]
    return name if name.isidentifier() else ""


def _append_log(path: Path, details: str) -> Path | None:
    """Append one dated entry, readable by its owner only; a log past _LOG_LIMIT starts
    again. None if it could not be written (the one line still says what failed)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o600)
        try:
            if os.fstat(fd).st_size > _LOG_LIMIT:
                os.ftruncate(fd, 0)
            stamp = time.strftime("%Y-%m-%d %H:%M:%S %z")
            os.write(fd, f"--- {stamp} pid {os.getpid()}\n{details.rstrip()}\n".encode())
        finally:
            os.close(fd)
    except OSError:
        return None
    return path
