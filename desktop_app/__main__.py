"""``python -m desktop_app``: start SDM Desktop."""

import sys

from desktop_app.launcher import main

if __name__ == "__main__":
    sys.exit(main())
