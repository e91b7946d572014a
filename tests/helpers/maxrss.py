"""Run a newsdesk command in this process and report its peak memory (KiB) to a file.

    python -m tests.helpers.maxrss OUTFILE -- ARGS...
"""

from __future__ import annotations

import resource
import sys

from newsdesk.cli import main

if __name__ == "__main__":
    out, args = sys.argv[1], sys.argv[3:]
    try:
        code = main(args)
    finally:
        with open(out, "w") as handle:
            handle.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
    sys.exit(code)
