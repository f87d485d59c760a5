"""Settings shared by every test: Qt runs offscreen unless a test asks for a real display."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

# Before anything imports Qt. A test that wants Xvfb sets DISPLAY for its own subprocess.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def app_environment(home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of an app process with a home of its own: no real settings,
    config file or data are read or written, and Qt runs offscreen."""
    return {
        **(os.environ if base is None else base),
        "QT_QPA_PLATFORM": "offscreen",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }
