"""Start `reader` (or the bare app) and end the process the moment its first screen is out.

For counting work rather than timing it, which this shared machine blurs: run it in a
terminal under valgrind, e.g. in tmux

    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=cg.reader \\
        python tests/perf/first_frame_exit.py "This pack asks" content --no-state
    PYTHONHASHSEED=0 valgrind --tool=callgrind --callgrind-out-file=cg.bare \\
        python tests/perf/first_frame_exit.py BARE-READY --bare

and compare the instruction totals (`callgrind_annotate cg.reader | head`): the same code
gives the same count, to a few parts in a million, however busy the machine is. The
first argument is text that proves the first screen; the rest go to `reader` (or
`--bare` runs `bare_app.py`). The process exits with `os._exit` right after writing the
frame that holds the text, so nothing after the first screen is counted (and the
terminal is left in the app's modes: use a throwaway tmux window).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    proof, args = sys.argv[1], sys.argv[2:]
    from textual.drivers.linux_driver import LinuxDriver

    write = LinuxDriver.write

    def write_then_exit(driver: LinuxDriver, data: str) -> None:
        write(driver, data)
        if proof in data:  # handed to the writer thread: the work is done, if not the output
            os._exit(0)

    LinuxDriver.write = write_then_exit  # type: ignore[method-assign]
    if args[:1] == ["--bare"]:
        sys.path.insert(0, str(Path(__file__).parent))
        from bare_app import BareApp

        BareApp([proof]).run()
    else:
        from reader.cli import main as reader_main

        sys.exit(reader_main(args))


if __name__ == "__main__":
    main()
