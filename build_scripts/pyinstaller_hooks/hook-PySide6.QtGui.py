"""PyInstaller's own hook for ``PySide6.QtGui``, minus the Qt plugins the spec calls unused.

A hook in the spec's ``hookspath`` replaces the built-in one for the same
module; this one calls the same function, then leaves out every plugin that
matches a pattern of ``hooksconfig["sdm_desktop"]["unused_qt_plugins"]``
(``"<plugin type>/<file name>"`` globs). Doing it here, before the analysis,
matters: the libraries only such a plugin links (the GTK theme's cairo and
pango, the EGLFS device libraries) are then never collected, whereas removing
the plugin from the finished analysis would leave them in the bundle.
"""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import PurePath
from typing import Any

from PyInstaller.utils.hooks import get_hook_config
from PyInstaller.utils.hooks.qt import add_qt6_dependencies


def is_unused(binary: tuple[str, str], patterns: list[str]) -> bool:
    """Whether a (source, destination folder) plugin entry matches one of ``patterns``."""
    source, destination = binary
    name = f"{PurePath(destination).name}/{PurePath(source).name}"
    return any(fnmatch(name, pattern) for pattern in patterns)


def hook(hook_api: Any) -> None:
    hiddenimports, binaries, datas = add_qt6_dependencies(__file__)
    patterns = get_hook_config(hook_api, "sdm_desktop", "unused_qt_plugins") or []
    hook_api.add_imports(*hiddenimports)
    hook_api.add_binaries([binary for binary in binaries if not is_unused(binary, patterns)])
    hook_api.add_datas(datas)
