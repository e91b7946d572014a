import sys

from newsdesk.cli import main

sys.exit(main())
