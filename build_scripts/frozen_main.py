"""The bundle's entry point: what the frozen ``sdm-desktop`` executable runs.

PyInstaller needs a script, not a console-script entry point; this is
``sdm-desktop = desktop_app.launcher:main`` written as one.
"""

import sys

from desktop_app.launcher import main

if __name__ == "__main__":
    sys.exit(main())
