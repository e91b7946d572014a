"""Start the nightly scheduler (the same as `newsdesk schedule`): `python scheduler.py`.

See newsdesk/scheduling.py for what it runs and how it stops.
"""

import sys

from newsdesk.cli import main

if __name__ == "__main__":
    sys.exit(main(["schedule", *sys.argv[1:]]))
