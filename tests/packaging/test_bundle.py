"""The frozen app: ``build_scripts/build.py`` builds it once per session, then it runs.

The ``build`` fixture (``conftest.py``) builds into a temporary folder and every
test reads or runs that bundle; each test may take 600 s, the first one paying
for the build. The frozen executable runs with no Python or Qt variables of
this environment, offscreen, so it must find everything, the Qt plugins
included, inside the bundle.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tarfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from PyInstaller.archive.readers import CArchiveReader

from desktop_app import __version__
from desktop_app.build_info import BUILD_INFO_FILENAME, BuildInfo
from desktop_app.notices import LICENCE_REPORT_FILENAME, read_report
from tests.packaging.conftest import BUILD_SCRIPT, ROOT, Build, run
from tests.packaging.desktop_entry import check_application, exec_arguments, string_list

pytestmark = pytest.mark.timeout(600)

LAUNCHER = ROOT / "build_scripts" / "linux" / "sdm-desktop.desktop"

linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the .tar.gz is made on Linux only"
)


def bundled_build_info(build: Build) -> BuildInfo:
    return BuildInfo.from_json(
        (build.internal / "desktop_app" / BUILD_INFO_FILENAME).read_text(encoding="utf-8")
    )


def git_head() -> str | None:
    try:
        result = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def test_build_help_lists_the_options() -> None:
    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--help"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    for option in ("--dist", "--workpath", "--no-archive", "--no-deb", "--clean"):
        assert option in result.stdout


def test_build_reports_the_bundle_and_its_size(build: Build) -> None:
    assert build.executable.is_file()
    assert re.search(rf"Bundle: .*sdm-desktop \(\d+\.\d MB\), version {__version__}", build.output)
    assert re.search(r"Built in \d+ s", build.output)


def test_the_bundle_is_stamped_with_version_commit_and_date(build: Build) -> None:
    info = bundled_build_info(build)

    assert info.version == __version__
    assert build.started_at <= info.built_at <= datetime.now(UTC)
    head = git_head()
    if head is not None:
        assert info.commit is not None
        assert info.commit.removesuffix("-dirty") == head
    # The stamp went into the bundle only, not into the sources it was built from.
    assert not (ROOT / "desktop_app" / BUILD_INFO_FILENAME).exists()


def test_frozen_version_prints_the_version_and_the_build(build: Build) -> None:
    result = run([build.executable, "--version"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"sdm-desktop {__version__}")
    # build_info() found the stamp inside the frozen package.
    assert bundled_build_info(build).built_at.strftime("%Y-%m-%d") in result.stdout


def test_frozen_app_speaks_german_with_the_bundled_catalogs(build: Build, tmp_path: Path) -> None:
    # A kiosk without an administrator PIN stops after the translations, before a window.
    result = run(
        [build.executable, "--kiosk", "--verbose", "--language", "de"],
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
    )

    assert result.returncode == 2, result.stderr
    assert "Language de: locale de_DE, catalog sdm_de.qm, Qt's qtbase_de.qm" in result.stderr
    bundled = sorted(p.name for p in (build.internal / "desktop_app" / "translations").iterdir())
    assert bundled == ["sdm_de.qm", "sdm_en_XA.qm"]


def test_frozen_self_test_passes_with_the_bundled_network_plugin(build: Build) -> None:
    # QT_DEBUG_PLUGINS makes Qt name, on stderr, every plugin library it loads.
    result = run([build.executable, "--self-test"], QT_DEBUG_PLUGINS="1")
    report = f"stdout:\n{result.stdout}\nstderr (end):\n{result.stderr[-3000:]}"

    assert result.returncode == 0, report
    assert "Self-test passed" in result.stdout.splitlines(), report
    # keyring and its backends are in the bundle (found through their metadata).
    store = re.search(r"Password store: (\S+)", result.stdout)
    assert store is not None, report
    assert store[1].startswith("keyring.backends."), report
    backend = re.search(r"Network information backend: (\S+)", result.stdout)
    assert backend is not None, report
    # "dummy" is Qt's built-in stand-in when no backend plugin loads.
    assert backend[1] not in {"none", "dummy"}, report
    loaded = re.findall(r'"([^"]*networkinformation[^"]*)" loaded library', result.stderr)
    assert loaded, report
    assert all(Path(path).resolve().is_relative_to(build.bundle.resolve()) for path in loaded)


def runtime_distributions() -> set[str]:
    """sdm-desktop and the closure of its requirements that apply here, without extras."""
    found: set[str] = set()
    todo = ["sdm-desktop"]
    while todo:
        name = canonicalize_name(todo.pop())
        if name in found:
            continue
        found.add(name)
        for line in metadata.requires(name) or []:
            requirement = Requirement(line)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                todo.append(requirement.name)
    return found


def bundled_distributions(build: Build) -> set[str]:
    """The normalised names of the distributions whose metadata the bundle carries."""
    return {
        canonicalize_name(metadata.Distribution.at(path).metadata["Name"])
        for path in build.internal.glob("*.dist-info")
    }


def test_metadata_of_every_runtime_dependency_is_bundled(build: Build) -> None:
    bundled = bundled_distributions(build)

    assert runtime_distributions() <= bundled
    assert {"pyside6-essentials", "qasync", "websockets", "aiohttp"} <= bundled
    assert not bundled & {"pyinstaller", "pytest", "mypy", "ruff", "coverage", "pillow"}


def test_the_licence_report_lists_every_bundled_library(build: Build) -> None:
    notices = read_report(build.internal / "desktop_app" / LICENCE_REPORT_FILENAME)
    listed = {canonicalize_name(notice.name) for notice in notices}

    assert listed == bundled_distributions(build) - {"sdm-desktop"}
    assert {"pyside6-essentials", "websockets", "qasync"} <= listed


def test_tools_and_unused_modules_stay_out(build: Build) -> None:
    modules = CArchiveReader(str(build.executable)).open_embedded_archive("PYZ.pyz").toc
    top_level = {name.split(".")[0] for name in modules}

    assert {"desktop_app", "PySide6", "qasync", "websockets", "aiohttp"} <= top_level
    left_out = {"tkinter", "unittest", "pytest", "_pytest", "PyInstaller", "PIL", "PyQt5", "PyQt6"}
    assert not top_level & left_out
    assert "PySide6.QtDBus" not in modules


def test_qt_comes_from_pyside6_essentials_alone(build: Build) -> None:
    essentials = {
        str(file)
        for name in ("PySide6-Essentials", "shiboken6")
        for file in metadata.files(name) or []
    }
    bundled_qt = [
        path.relative_to(build.internal).as_posix()
        for path in (build.internal / "PySide6").rglob("*")
        if path.is_file() and not path.is_symlink()
    ]

    assert bundled_qt
    assert [path for path in bundled_qt if path not in essentials] == []
    # Left out on purpose: Qt's translations (but for the app's languages), the GTK
    # theme, the embedded-device platforms.
    qt_translations = build.internal / "PySide6" / "Qt" / "translations"
    assert sorted(path.name for path in qt_translations.iterdir()) == ["qtbase_de.qm"]
    assert not list(build.internal.rglob("*qgtk3*"))
    assert not list(build.internal.rglob("*eglfs*"))


@linux_only
def test_archive_holds_the_bundle_launcher_icon_and_installer(build: Build) -> None:
    stem = build.archive.name.removesuffix(".tar.gz")
    with tarfile.open(build.archive) as archive:
        members = {member.name: member for member in archive.getmembers()}

    assert all(name == stem or name.startswith(f"{stem}/") for name in members)
    for name in ("install.sh", "sdm-desktop.desktop", "sdm-desktop.png", "sdm-desktop/sdm-desktop"):
        assert f"{stem}/{name}" in members
    assert members[f"{stem}/install.sh"].mode & 0o111
    assert members[f"{stem}/sdm-desktop/sdm-desktop"].mode & 0o111
    bundle_files = {path.relative_to(build.dist).as_posix() for path in build.bundle.rglob("*")}
    archived = {name.removeprefix(f"{stem}/") for name in members if "/sdm-desktop/" in name}
    assert archived == bundle_files
    assert all(member.uid == 0 and member.uname == "" for member in members.values())


@linux_only
def test_archived_launcher_has_the_required_keys(build: Build) -> None:
    stem = build.archive.name.removesuffix(".tar.gz")
    with tarfile.open(build.archive) as archive:
        launcher = archive.extractfile(f"{stem}/sdm-desktop.desktop")
        assert launcher is not None
        text = launcher.read().decode("utf-8")

    entry = check_application(text)
    assert entry["Name"] == "SDM Desktop"
    assert entry["Icon"] == "sdm-desktop"
    assert entry["Terminal"] == "false"
    assert exec_arguments(entry["Exec"]) == ["sdm-desktop"]
    assert {"Office", "MedicalSoftware"} <= set(string_list(entry["Categories"]))
    assert text == LAUNCHER.read_text(encoding="utf-8")


@linux_only
def test_installed_from_the_archive_the_launcher_starts_the_app(
    build: Build, tmp_path: Path
) -> None:
    with tarfile.open(build.archive) as archive:
        # Extraction filters came in 3.11.4; our own archive is trusted either way.
        if hasattr(tarfile, "data_filter"):
            archive.extractall(tmp_path / "unpacked", filter="data")
        else:  # pragma: no cover - Python before 3.11.4
            archive.extractall(tmp_path / "unpacked")
    home = tmp_path / "home with space"
    home.mkdir()
    package = tmp_path / "unpacked" / build.archive.name.removesuffix(".tar.gz")
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    subprocess.run(["sh", str(package / "install.sh")], env={**env, "HOME": str(home)}, check=True)

    launcher = home / ".local" / "share" / "applications" / "sdm-desktop.desktop"
    command = exec_arguments(check_application(launcher.read_text(encoding="utf-8"))["Exec"])
    result = run([*command, "--version"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"sdm-desktop {__version__}")
    assert (home / ".local/share/icons/hicolor/256x256/apps/sdm-desktop.png").is_file()
