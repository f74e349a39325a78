"""`python -m tests.perf [--quick] [--runs N] [--json PATH]`: one command for every number.

`python -m tests.perf load [--sessions N] ...`: the load benchmark (tests/perf/load.py).
"""

import sys

from tests.perf.bench import main

if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        from tests.perf.load import main as load_main

        sys.exit(load_main(sys.argv[2:]))
    sys.exit(main())
