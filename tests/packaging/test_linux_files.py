"""The Linux launcher and ``install.sh``, without building a bundle.

``install.sh`` runs against a stand-in bundle (a shell script as the
executable) with a home folder whose name holds every character the launcher's
``Exec`` line must escape, and the launcher it writes is run the way a desktop
would run it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.packaging.desktop_entry import (
    InvalidDesktopEntry,
    check_application,
    exec_arguments,
    string_list,
)

ROOT = Path(__file__).resolve().parents[2]
LAUNCHER = ROOT / "build_scripts" / "linux" / "sdm-desktop.desktop"
#: The .deb's XDG autostart template for desktop-session kiosks.
KIOSK_AUTOSTART = ROOT / "build_scripts" / "linux" / "sdm-desktop-kiosk.desktop"
INSTALL_SH = ROOT / "build_scripts" / "linux" / "install.sh"
ICON = ROOT / "resources" / "sdm-desktop.png"
#: Quotes, a dollar, a backquote, a backslash and spaces: all need escaping in Exec.
AWKWARD_HOME = 'home of "Dr. $mith" `x` \\ end'

needs_posix_shell = pytest.mark.skipif(sys.platform == "win32", reason="install.sh is for Linux")


def test_launcher_is_a_valid_application_entry() -> None:
    entry = check_application(LAUNCHER.read_text(encoding="utf-8"))

    assert entry["Name"] == "SDM Desktop"
    assert entry["Icon"] == "sdm-desktop"  # a theme name: install.sh puts the PNG in hicolor
    assert entry["Terminal"] == "false"
    assert {"Office", "MedicalSoftware"} <= set(string_list(entry["Categories"]))
    assert exec_arguments(entry["Exec"]) == ["sdm-desktop"]


@pytest.mark.parametrize(
    ("line", "broken", "problem"),
    [
        ("Categories=Office;Science;", "Categories=Office;", "MedicalSoftware needs"),
        ("Terminal=false", "Terminal=no", "a boolean"),
        ("Icon=", "Iconn=", "unknown key"),
        ("Exec=sdm-desktop", 'Exec="/opt/sdm-desktop', "unterminated quote"),
        ("Exec=sdm-desktop", 'Exec="/opt/$HOME/sdm-desktop"', "must be escaped"),
        ("Exec=sdm-desktop", "Exec=/opt/sdm-desktop $HOME", "must be quoted"),
        ("[Desktop Entry]", "[Desktop Entry]\nName=again", "repeated"),
        ("Type=Application", "Type=Link", "not an application"),
    ],
)
def test_the_launcher_check_catches_broken_launchers(line: str, broken: str, problem: str) -> None:
    text = LAUNCHER.read_text(encoding="utf-8")
    assert line in text

    with pytest.raises(InvalidDesktopEntry, match=problem):
        check_application(text.replace(line, broken))


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils")
@pytest.mark.parametrize("entry", [LAUNCHER, KIOSK_AUTOSTART], ids=lambda path: path.name)
def test_desktop_file_validate_accepts_the_launchers(entry: Path) -> None:
    result = subprocess.run(
        ["desktop-file-validate", str(entry)], capture_output=True, text=True, check=False
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "error:" not in result.stdout  # hints (two main categories) are fine


def fake_package(folder: Path) -> Path:
    """What the archive holds, with a shell script standing in for the bundle's executable."""
    folder.mkdir()
    shutil.copy2(INSTALL_SH, folder / "install.sh")
    shutil.copy2(LAUNCHER, folder / "sdm-desktop.desktop")
    shutil.copy2(ICON, folder / "sdm-desktop.png")
    bundle = folder / "sdm-desktop"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "library.so").write_bytes(b"")
    executable = bundle / "sdm-desktop"
    executable.write_text('#!/bin/sh\necho "stand-in sdm-desktop $*"\n', encoding="utf-8")
    executable.chmod(0o755)
    return folder


def install_sh(package: Path, home: Path, *args: str, data_home: Path | None = None) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("XDG_")}
    env["HOME"] = str(home)
    if data_home is not None:
        env["XDG_DATA_HOME"] = str(data_home)
    result = subprocess.run(
        ["sh", str(package / "install.sh"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@needs_posix_shell
def test_install_sh_installs_a_launcher_that_runs_the_app(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "package")
    home = tmp_path / AWKWARD_HOME
    home.mkdir()

    install_sh(package, home)

    app = home / ".local" / "lib" / "sdm-desktop" / "sdm-desktop"
    launcher = home / ".local" / "share" / "applications" / "sdm-desktop.desktop"
    icon = home / ".local/share/icons/hicolor/256x256/apps/sdm-desktop.png"
    assert (app.parent / "_internal" / "library.so").is_file()
    assert icon.read_bytes() == ICON.read_bytes()
    assert (home / ".local" / "bin" / "sdm-desktop").resolve() == app.resolve()
    command = exec_arguments(check_application(launcher.read_text(encoding="utf-8"))["Exec"])
    assert command == [str(app)]
    ran = subprocess.run([*command, "--version"], capture_output=True, text=True, check=True)
    assert ran.stdout == "stand-in sdm-desktop --version\n"


@needs_posix_shell
def test_install_sh_replaces_an_older_install_and_uninstalls(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "package")
    home, data_home = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    install_sh(package, home, data_home=data_home)
    app_dir = home / ".local" / "lib" / "sdm-desktop"
    (app_dir / "_internal" / "from-an-older-version.so").write_bytes(b"")

    install_sh(package, home, data_home=data_home)

    assert not (app_dir / "_internal" / "from-an-older-version.so").exists()
    launcher = data_home / "applications" / "sdm-desktop.desktop"
    assert launcher.is_file()  # $XDG_DATA_HOME, not ~/.local/share
    assert not (home / ".local" / "share").exists()

    install_sh(package, home, "--uninstall", data_home=data_home)

    assert not app_dir.exists()
    assert not launcher.exists()
    assert not (data_home / "icons/hicolor/256x256/apps/sdm-desktop.png").exists()
    assert not (home / ".local" / "bin" / "sdm-desktop").is_symlink()


@needs_posix_shell
def test_install_sh_refuses_an_unknown_option(tmp_path: Path) -> None:
    package = fake_package(tmp_path / "package")

    result = subprocess.run(
        ["sh", str(package / "install.sh"), "--everywhere"],
        env={**os.environ, "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 2
    assert "usage:" in result.stderr
    assert not (tmp_path / ".local").exists()
