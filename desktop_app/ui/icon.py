"""The app's icon, from ``resources/`` beside the package or inside a packaged build."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon

ICON_NAMES = ("sdm-desktop.svg", "sdm-desktop.png")


def resource_dirs() -> list[Path]:
    """Where ``resources/`` may be: in a PyInstaller bundle, or in the source checkout."""
    dirs = []
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        dirs.append(Path(bundle) / "resources")
    dirs.append(Path(__file__).resolve().parents[2] / "resources")
    return dirs


def app_icon() -> QIcon:
    """The icon for every window; an empty icon (the platform's default) if none is found."""
    icon = QIcon()
    for folder in resource_dirs():
        for name in ICON_NAMES:
            if (folder / name).is_file():
                icon.addFile(str(folder / name))
        if not icon.isNull():
            break
    return icon
