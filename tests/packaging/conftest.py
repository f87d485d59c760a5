"""The frozen app, built once per test session for ``test_bundle.py`` and ``test_deb.py``.

A build takes 15-60 s (and the Debian package about as long again), so one
session-scoped fixture runs ``build_scripts/build.py`` into a temporary folder
and every test reads, runs or installs what it made; the first test to ask pays
for the build. The frozen executable runs with no Python or Qt variables of this
environment, offscreen, so it must find everything, the Qt plugins included,
inside the bundle.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app import __version__

ROOT = Path(__file__).resolve().parents[2]
BUILD_SCRIPT = ROOT / "build_scripts" / "build.py"
EXECUTABLE = "sdm-desktop.exe" if sys.platform == "win32" else "sdm-desktop"
RUN_TIMEOUT_S = 180
BUILD_TIMEOUT_S = 540


@dataclass(frozen=True)
class Build:
    started_at: datetime
    dist: Path
    bundle: Path
    executable: Path
    output: str

    @property
    def internal(self) -> Path:
        """PyInstaller's folder of libraries and data next to the executable."""
        return self.bundle / "_internal"

    @property
    def archive(self) -> Path:
        stem = f"sdm-desktop-{__version__}-linux-{platform.machine().lower()}"
        return self.dist / f"{stem}.tar.gz"

    @property
    def debs(self) -> list[Path]:
        """The Debian packages build.py made (one, on a Debian system)."""
        return sorted(self.dist.glob("*.deb"))


def can_make_deb() -> bool:
    return sys.platform.startswith("linux") and shutil.which("dpkg-deb") is not None


@pytest.fixture(scope="session")
def build(tmp_path_factory: pytest.TempPathFactory) -> Build:
    folder = tmp_path_factory.mktemp("bundle")
    started_at = datetime.now(UTC).replace(microsecond=0)
    command = [
        sys.executable,
        str(BUILD_SCRIPT),
        "--dist",
        str(folder / "dist"),
        "--workpath",
        str(folder / "work"),
    ]
    if not can_make_deb():  # not Debian: test_deb.py skips, the bundle is still tested
        command.append("--no-deb")
    result = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=False, timeout=BUILD_TIMEOUT_S
    )
    if result.returncode != 0:
        pytest.fail(f"build.py failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    bundle = folder / "dist" / "sdm-desktop"
    return Build(started_at, folder / "dist", bundle, bundle / EXECUTABLE, result.stdout)


def frozen_environment(**extra: str) -> dict[str, str]:
    """This environment minus anything that could lead the app to Python or Qt outside it."""
    removed = ("PYTHON", "QT_", "VIRTUAL_ENV", "LD_LIBRARY_PATH")
    env = {key: value for key, value in os.environ.items() if not key.startswith(removed)}
    return {**env, "QT_QPA_PLATFORM": "offscreen", **extra}


def run(command: list[str | Path], **extra_env: str) -> subprocess.CompletedProcess[str]:
    """Run a frozen (or installed) executable in :func:`frozen_environment`."""
    return subprocess.run(
        [str(part) for part in command],
        env=frozen_environment(**extra_env),
        capture_output=True,
        text=True,
        check=False,
        timeout=RUN_TIMEOUT_S,
    )
