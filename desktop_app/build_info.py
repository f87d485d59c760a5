"""Which build is this? The version, commit and date stamped into an installed bundle.

``build_scripts/build.py`` writes ``_build_info.json`` next to this module, but
only inside the bundle it builds (the file is made in PyInstaller's work
directory and added as a data file): a source checkout or a wheel has none, so
:func:`build_info` returns None there and the caller shows ``__version__`` alone.

:meth:`BuildInfo.to_json` and :func:`read_build_info` are the two ends of the
file's format, so the build and the app cannot disagree about it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import datetime
from importlib import resources
from importlib.resources.abc import Traversable

#: The file's name inside the ``desktop_app`` package of a bundle.
BUILD_INFO_FILENAME = "_build_info.json"


@dataclass(frozen=True)
class BuildInfo:
    """What a bundle was built from: for the About dialog and bug reports."""

    version: str
    commit: str | None  # short git hash, "-dirty" appended for uncommitted changes
    built_at: datetime  # UTC

    def to_json(self) -> str:
        fields = asdict(self) | {"built_at": self.built_at.isoformat()}
        return json.dumps(fields, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> BuildInfo:
        """Parse :meth:`to_json`'s output; anything else raises ValueError naming the problem."""
        data = json.loads(text)
        if not isinstance(data, dict):
            raise ValueError("build info must be a JSON object")
        version, commit, built_at = data.get("version"), data.get("commit"), data.get("built_at")
        if not isinstance(version, str) or not version:
            raise ValueError(f"build info: version must be a non-empty string, got {version!r}")
        if commit is not None and not isinstance(commit, str):
            raise ValueError(f"build info: commit must be a string or null, got {commit!r}")
        if not isinstance(built_at, str):
            raise ValueError(f"build info: built_at must be an ISO 8601 string, got {built_at!r}")
        moment = datetime.fromisoformat(built_at)
        if moment.utcoffset() is None:
            raise ValueError(f"build info: built_at has no time zone: {built_at!r}")
        return cls(version=version, commit=commit, built_at=moment)


def read_build_info(source: Traversable) -> BuildInfo | None:
    """The build info in ``source``, or None when there is no such file."""
    if not source.is_file():
        return None
    return BuildInfo.from_json(source.read_text(encoding="utf-8"))


def build_info() -> BuildInfo | None:
    """This bundle's build info; None when running from source or a wheel."""
    return read_build_info(resources.files("desktop_app") / BUILD_INFO_FILENAME)
