"""What a user sees when the reader itself fails: one line, never a traceback.

A traceback shows install paths and source lines, which an SSH user of a locked-down
account has no business reading and a student cannot act on. The details go to a log
file, and only where an administrator or the user asked for one (`READER_LOG`). No
Textual here: the command line and the app both report through this module.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
import traceback

__all__ = ["LOG_ENV", "describe_failure", "log_failure", "report_failure"]

LOG_ENV = "READER_LOG"


def log_failure(error: BaseException) -> str | None:
    """Append the traceback to the configured log; return its path, or None.

    The log is created readable by its owner only; a log that cannot be written is
    ignored (the one-line message still says what failed).
    """
    path = os.environ.get(LOG_ENV, "")
    if not path:
        return None
    details = "".join(traceback.format_exception(error))
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S%z")
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with os.fdopen(descriptor, "a", encoding="utf-8", errors="replace") as log:
            log.write(f"--- reader failed at {stamp} (pid {os.getpid()})\n{details}\n")
    except OSError:
        return None
    return path


def describe_failure(error: BaseException) -> str:
    """The one line a user sees: what kind of failure, and where the details are."""
    from reader.sanitize import sanitize_line

    logged = log_failure(error)
    where = (
        f"details in {sanitize_line(logged)}"
        if logged
        else f"set {LOG_ENV}=FILE to keep the details"
    )
    return f"reader: internal error ({type(error).__name__}); {where}"


def report_failure(error: BaseException) -> None:
    """Print the one line to standard error (which may already be closed)."""
    with contextlib.suppress(OSError, ValueError):
        print(describe_failure(error), file=sys.stderr)
