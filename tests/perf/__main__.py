"""`python -m tests.perf [--quick] [--runs N] [--json PATH]`: one command for every number."""

import sys

from tests.perf.bench import main

if __name__ == "__main__":
    sys.exit(main())
