"""`python -m reader` runs the same command as `reader`."""

import sys

from reader.entry import main

if __name__ == "__main__":
    sys.exit(main())
