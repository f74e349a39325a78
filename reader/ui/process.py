"""The process around the app: a hang-up ends it in time, and its memory stays small.

Nothing here knows the app: `run_app` and `ReaderApp` pass in what to do.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable

__all__ = [
    "HANG_UP_DEADLINE",
    "HANG_UP_GRACE",
    "arm_deadline",
    "limit_malloc_arenas",
    "reexec",
    "watch_hang_up",
]

HANG_UP_GRACE = 2  # seconds: a hang-up ends the process within this, whatever it is doing
#: When SIGALRM ends a process whose save-and-exit is stuck: early enough that the
#: process is gone (memory freed, state lock released) within HANG_UP_GRACE.
HANG_UP_DEADLINE = HANG_UP_GRACE - 0.5
M_ARENA_MAX = -8  # glibc's mallopt parameter


def arm_deadline() -> None:
    """SIGALRM (default action: end the process) HANG_UP_DEADLINE from the first call."""
    if signal.getitimer(signal.ITIMER_REAL)[0] == 0:
        signal.setitimer(signal.ITIMER_REAL, HANG_UP_DEADLINE)


def watch_hang_up(on_hang_up: Callable[[], object]) -> None:
    """SIGHUP/SIGTERM end the process within HANG_UP_GRACE, however busy the UI is.

    `loop.add_signal_handler` runs only when the event loop gets control, so a long
    parse or layout kept the process alive. A Python signal handler runs in the main
    thread between two bytecodes, even in the middle of that work: it arms SIGALRM at
    once, then asks the running loop to call `on_hang_up` (save the place and exit) as
    soon as it can.
    """
    loop = asyncio.get_running_loop()
    pending: list[int] = []

    def on_signal(signum: int, _frame: object) -> None:
        arm_deadline()
        if not pending:  # a second signal changes nothing: the first one is on its way
            pending.append(signum)
            with contextlib.suppress(RuntimeError):  # the loop has closed: the alarm ends it
                loop.call_soon_threadsafe(on_hang_up)

    for signum in (signal.SIGHUP, signal.SIGTERM):
        signal.signal(signum, on_signal)


def limit_malloc_arenas(arenas: int = 2) -> None:
    """At most two malloc arenas (as MALLOC_ARENA_MAX=2 would), before any thread starts.

    glibc gives each new thread (Textual's input and writer threads, the index worker)
    an arena that reserves 64 MB of address space: 270 MB of it for a 46 MB reader, so
    an administrator's `ulimit -v` below ~300 MB made allocations fail. With two arenas
    the reader runs under 100 MB of address space. An explicit MALLOC_ARENA_MAX wins.

    Only under an address-space limit (`ulimit -v`): loading ctypes to call mallopt
    costs ~10 ms, which every other start would pay before its first screen.
    """
    if os.environ.get("MALLOC_ARENA_MAX") or not sys.platform.startswith("linux"):
        return
    import resource

    if resource.getrlimit(resource.RLIMIT_AS)[0] == resource.RLIM_INFINITY:
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None)
        libc.mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc (musl has no arenas to limit)
        pass


def reexec() -> None:
    """Replace this process with the reader started again exactly as it was (the same
    interpreter, options, arguments and environment: restricted stays restricted), once
    the app has ended and given the terminal back. Never returns."""
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, sys.orig_argv)
