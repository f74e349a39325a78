"""The `reader` command's first module, kept tiny so Ctrl-C during start-up ends quietly.

Importing the reader's modules takes a moment; a Ctrl-C in that moment would otherwise
print a `KeyboardInterrupt` traceback (install paths and source lines) before any of the
reader's own handling exists. Until `reader.cli.main` takes over, SIGINT ends the
process with the shell's usual status for it, and nothing printed.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

__all__ = ["main"]


def main() -> int:
    """Run the `reader` command: the console script and `python -m reader` both call this."""
    signal.signal(signal.SIGINT, _interrupted_while_starting)
    from reader.cli import main as run_command  # restores Python's SIGINT handling

    return run_command()


def _interrupted_while_starting(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)  # SystemExit prints nothing; 130 as a shell reports it


if __name__ == "__main__":  # pragma: no cover - `python -m reader.entry`
    sys.exit(main())
