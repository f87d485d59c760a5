"""The Debian package: what ``build.py`` puts in it, and what it does to this machine.

The package comes from the session's one build (``conftest.py``). The first
tests read it with ``dpkg-deb`` (fields, files, modes, owners, the conffile,
``Depends``); the rest install it with ``dpkg -i`` into this very machine, run
the installed ``/usr/bin/sdm-desktop``, and remove it with ``dpkg -r``. These
need root; the package is purged before the first and after the last of them,
whatever happens in between, so the machine is left as it was found.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from build_scripts.debian_package import (
    PackageError,
    owning_packages,
    path_candidates,
    system_libraries,
)
from desktop_app import __version__
from tests.packaging.conftest import BUILD_SCRIPT, ROOT, Build, run
from tests.packaging.desktop_entry import check_application, exec_arguments
from tests.x11 import require, xvfb

pytestmark = [
    pytest.mark.timeout(600),
    pytest.mark.skipif(
        shutil.which("dpkg") is None or shutil.which("dpkg-deb") is None,
        reason="not a Debian system: dpkg and dpkg-deb are missing",
    ),
]


def _as_root() -> list[str] | None:
    """The prefix that runs a command as root here: none as root, ``sudo -n`` if it may."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return []
    if shutil.which("sudo") is not None:
        probe = subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False)
        if probe.returncode == 0:
            return ["sudo", "-n"]
    return None


AS_ROOT = _as_root()
needs_root = pytest.mark.skipif(
    AS_ROOT is None, reason="dpkg -i and dpkg -r need root (or sudo without a password)"
)

LINUX_FILES = ROOT / "build_scripts" / "linux"
PACKAGE = "sdm-desktop"
CONFIG = Path("/etc/sdm-desktop/config.toml")
INSTALLED_FILES = [
    Path("/opt/sdm-desktop"),
    Path("/usr/bin/sdm-desktop"),
    Path("/usr/share/applications/sdm-desktop.desktop"),
    Path("/usr/share/icons/hicolor/256x256/apps/sdm-desktop.png"),
    Path("/usr/share/icons/hicolor/scalable/apps/sdm-desktop.svg"),
    Path("/usr/lib/systemd/system/sdm-desktop-kiosk@.service"),
    Path("/usr/share/sdm-desktop/sdm-desktop-kiosk.desktop"),
    Path("/usr/share/sdm-desktop/sdm-desktop-kiosk-session"),
]
#: The kiosk unit's ExecStart (xinit, then the app's exit status): the one
#: executable file outside the bundle.
KIOSK_SESSION = Path("/usr/share/sdm-desktop/sdm-desktop-kiosk-session")
LOCKED_KEYS = (
    "server",
    "allow_insecure",
    "kiosk",
    "kiosk_exit_keys",
    "kiosk_admin_pin_hash",
    "kiosk_lockdown",
    "kiosk_account",
)
DPKG_TIMEOUT_S = 300


@dataclass(frozen=True)
class Entry:
    """One line of ``dpkg-deb --contents``."""

    mode: str  # "-rw-r--r--"
    owner: str  # "root/root"
    path: str  # "/opt/sdm-desktop/sdm-desktop", without the leading "." or a trailing "/"
    target: str | None  # a symbolic link's target


def command(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(arg) for arg in args],
        capture_output=True,
        text=True,
        check=False,
        timeout=DPKG_TIMEOUT_S,
    )


def checked(*args: str | Path) -> str:
    result = command(*args)
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def deb(build: Build) -> Path:
    assert len(build.debs) == 1, f"build.py made {build.debs}:\n{build.output}"
    return build.debs[0]


def field(deb: Path, name: str) -> str:
    return checked("dpkg-deb", "--field", deb, name).strip()


def contents(deb: Path) -> dict[str, Entry]:
    entries = {}
    for line in checked("dpkg-deb", "--contents", deb).splitlines():
        mode, owner, _size, _date, _time, rest = line.split(maxsplit=5)
        name, _, target = rest.partition(" -> ")
        path = "/" + name.removeprefix("./").rstrip("/")
        entries[path] = Entry(mode, owner, path, target or None)
    return entries


def depends(deb: Path) -> list[str]:
    return [part.strip().split()[0] for part in field(deb, "Depends").split(",")]


def printed_depends(build: Build) -> list[str]:
    """The Depends line build.py printed."""
    match = re.search(r"^Depends \(from \d+ system libraries.*\):\n  (.+)$", build.output, re.M)
    assert match is not None, build.output
    return match[1].split(", ")


# --- the package file -------------------------------------------------------------------


def test_the_deb_is_named_and_described_as_debian_expects(build: Build, deb: Path) -> None:
    architecture = checked("dpkg", "--print-architecture").strip()

    assert deb.name == f"sdm-desktop_{__version__}_{architecture}.deb"
    assert deb.parent == build.dist
    assert field(deb, "Package") == PACKAGE
    assert field(deb, "Version") == __version__
    assert field(deb, "Architecture") == architecture
    assert re.fullmatch(r".+ <[^@ ]+@[^@ ]+>", field(deb, "Maintainer"))
    assert field(deb, "Section") == "misc"
    assert field(deb, "Priority") == "optional"
    assert field(deb, "Description").startswith("Desktop client of the shared-decision-making")
    # dpkg's estimate in KiB: at least the bundle's bytes.
    bundle_bytes = sum(
        p.stat().st_size for p in build.bundle.rglob("*") if p.is_file() and not p.is_symlink()
    )
    assert int(field(deb, "Installed-Size")) * 1024 >= bundle_bytes
    assert re.search(r"Debian package: .*\.deb \(\d+\.\d MB, \d+ s\)", build.output)


def test_depends_is_what_the_build_derived_and_printed(build: Build, deb: Path) -> None:
    derived = printed_depends(build)

    assert depends(deb) == derived
    assert len(derived) == len(set(derived))
    assert "libc6" in derived  # the bundle's own libc-linked code


def test_every_library_the_xcb_plugin_links_is_in_the_bundle_or_in_depends(
    build: Build, deb: Path
) -> None:
    # Checked here without the build's code: ldd as the bootloader loads the plugin
    # (_internal first on the library path), dpkg -S for what lies outside the bundle.
    # Qt >= 6.5's xcb plugin needs libxcb-cursor.so.0: carried, or a dependency.
    required = set(depends(deb))
    plugins = [
        build.internal / "PySide6/Qt/plugins/platforms/libqxcb.so",
        build.internal / "PySide6/Qt/lib/libQt6XcbQpa.so.6",
    ]
    env = {**os.environ, "LD_LIBRARY_PATH": str(build.internal)}
    linked: dict[str, Path] = {}
    for plugin in plugins:
        assert plugin.is_file(), plugin
        output = subprocess.run(
            ["ldd", str(plugin)], capture_output=True, text=True, env=env, check=True
        ).stdout
        assert "not found" not in output, output
        linked |= {m[1]: Path(m[2]) for m in re.finditer(r"(\S+) => (/\S+)", output)}

    assert "libxcb-cursor.so.0" in linked
    outside = {}
    for name, path in linked.items():
        if path.resolve().is_relative_to(build.bundle.resolve()):
            continue
        owners = {
            line.split(":")[0]
            for line in command("dpkg", "-S", *path_candidates(path)).stdout.splitlines()
        }
        outside[name] = owners
        assert owners & required, f"{name} ({path}, from {owners}) is not in Depends {required}"
    cursor = linked["libxcb-cursor.so.0"]
    assert cursor.resolve().is_relative_to(build.bundle.resolve()) or "libxcb-cursor0" in required
    assert "libxcb.so.1" in outside  # PyInstaller never bundles libxcb itself


def test_the_files_modes_and_owners(build: Build, deb: Path) -> None:
    entries = contents(deb)
    bundle_paths = {
        "/opt/sdm-desktop/" + path.relative_to(build.bundle).as_posix()
        for path in build.bundle.rglob("*")
    }

    assert all(entry.owner == "root/root" for entry in entries.values())
    top = {path.split("/")[1] for path in entries if path != "/"}
    assert top == {"opt", "usr", "etc"}
    assert {path for path in entries if path.startswith("/opt/sdm-desktop/")} == bundle_paths
    for entry in entries.values():
        if entry.mode.startswith("d"):
            assert entry.mode == "drwxr-xr-x", entry
        elif entry.mode.startswith("l"):
            assert (
                entry.path.startswith("/opt/sdm-desktop/") or entry.path == "/usr/bin/sdm-desktop"
            )
        elif entry.path in ("/opt/sdm-desktop/sdm-desktop", str(KIOSK_SESSION)):
            assert entry.mode == "-rwxr-xr-x", entry
        else:
            assert entry.mode == "-rw-r--r--", entry
    assert entries["/usr/bin/sdm-desktop"].target == "/opt/sdm-desktop/sdm-desktop"
    for path in [*INSTALLED_FILES, CONFIG]:
        assert str(path) in entries, path


def test_the_config_file_is_a_conffile(deb: Path) -> None:
    conffiles = checked("dpkg-deb", "--info", deb, "conffiles")

    assert conffiles.splitlines() == [str(CONFIG)]


def test_the_config_template_changes_nothing_until_an_administrator_edits_it() -> None:
    text = (LINUX_FILES / "config.toml").read_text(encoding="utf-8")
    uncommented = "\n".join(
        line.removeprefix("#") for line in text.splitlines() if re.match(r"#\[?\w", line)
    )

    assert all(line.startswith("#") for line in text.splitlines() if line.strip())
    assert tomllib.loads(text) == {}
    # Every example line is valid TOML once its "#" goes, and names each locked key.
    settings = tomllib.loads(uncommented)
    assert set(LOCKED_KEYS) <= set(settings)
    locked_paragraph = text.split("LOCKED keys", 1)[1].split("\n#\n", 2)[1]
    assert all(key in locked_paragraph for key in LOCKED_KEYS)


def test_the_launchers_start_the_installed_app() -> None:
    launcher = check_application((LINUX_FILES / "sdm-desktop.desktop").read_text(encoding="utf-8"))
    autostart = check_application(
        (LINUX_FILES / "sdm-desktop-kiosk.desktop").read_text(encoding="utf-8")
    )

    assert exec_arguments(launcher["Exec"]) == ["sdm-desktop"]
    assert exec_arguments(autostart["Exec"]) == ["sdm-desktop", "--kiosk"]
    assert autostart["NoDisplay"] == "true"


def test_the_kiosk_unit_runs_the_installed_app_in_kiosk_mode() -> None:
    unit = (LINUX_FILES / "sdm-desktop-kiosk@.service").read_text(encoding="utf-8")
    keys = dict(
        line.split("=", 1) for line in unit.splitlines() if "=" in line and line[0].isalpha()
    )

    assert keys["User"] == "%i"
    # xinit exits 0 whatever its client did: the session script exits with the app's status.
    assert keys["ExecStart"].startswith(f"{KIOSK_SESSION} -- :0 vt7 ")
    assert (LINUX_FILES / KIOSK_SESSION.name).read_text(encoding="utf-8").startswith("#!/bin/sh")
    # 0 (the PIN exit, SIGTERM) ends it, 2 (a refused setting) too, anything else restarts it.
    assert keys["Restart"] == "on-failure"
    assert keys["RestartSec"] == "5"
    assert keys["RestartPreventExitStatus"] == "2"
    assert keys["WantedBy"] == "graphical.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze")
def test_systemd_accepts_the_kiosk_unit(tmp_path: Path) -> None:
    shutil.copy(LINUX_FILES / "sdm-desktop-kiosk@.service", tmp_path)
    instance = tmp_path / "sdm-desktop-kiosk@root.service"
    instance.symlink_to("sdm-desktop-kiosk@.service")

    result = command("systemd-analyze", "verify", "--man=no", instance)

    # Only the programs this machine lacks (the package's session script, unless the
    # package is installed; chvt) may be named.
    programs = (str(KIOSK_SESSION), "/usr/bin/chvt")
    absent = [p for p in programs if not os.access(p, os.X_OK)]
    problems = [
        line
        for line in (result.stdout + result.stderr).splitlines()
        if not any(f"Command {program} is not executable" in line for program in absent)
    ]
    assert problems == []
    assert result.returncode == 0 or absent, result.stderr


# --- derivation errors, without a build --------------------------------------------------


def test_a_library_found_nowhere_is_a_build_error_that_names_it(
    build: Build, tmp_path: Path
) -> None:
    # The real xcb plugin, in a bundle that lacks the Qt libraries it links.
    fake = tmp_path / "bundle"
    (fake / "_internal").mkdir(parents=True)
    shutil.copy(build.internal / "PySide6/Qt/plugins/platforms/libqxcb.so", fake / "_internal")
    shutil.copy(build.executable, fake / "sdm-desktop")

    with pytest.raises(PackageError, match=r"libQt6XcbQpa\.so\.6 \(needed by _internal/libqxcb"):
        system_libraries(fake, fake / "sdm-desktop")


def test_a_library_no_package_owns_is_a_build_error(tmp_path: Path) -> None:
    stray = tmp_path / "libstray.so.1"
    stray.write_bytes(b"")

    with pytest.raises(PackageError, match=f"no Debian package owns .*{re.escape(str(stray))}"):
        owning_packages([stray])


def test_merged_usr_paths_find_their_package() -> None:
    # dpkg lists a library under /lib or under /usr/lib; on merged /usr both name one file,
    # and ldd may print either.
    ldd = checked("ldd", "/bin/true")
    match = re.search(r"libc\.so\.6 => (/\S+)", ldd)
    assert match is not None, ldd
    libc = Path(match[1])
    other = (
        Path(str(libc).removeprefix("/usr"))
        if str(libc).startswith("/usr/")
        else "/usr" / libc.relative_to("/")
    )

    assert str(other) in path_candidates(libc)
    assert owning_packages([libc]).packages == ["libc6"]
    assert owning_packages([Path(other)]).packages == ["libc6"]


def test_without_dpkg_deb_the_build_stops_at_once_and_says_what_to_do(tmp_path: Path) -> None:
    # A PATH with this Python only: no dpkg-deb, no ldd. The check comes before PyInstaller.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    env = {**os.environ, "PATH": str(bin_dir)}
    dist = tmp_path / "dist"

    result = subprocess.run(
        [sys.executable, str(BUILD_SCRIPT), "--dist", str(dist), "--workpath", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )

    assert result.returncode == 1, result.stdout + result.stderr
    assert "dpkg-deb is not installed" in result.stderr
    assert "--no-deb" in result.stderr
    assert not dist.exists()  # PyInstaller never ran


# --- installed on this machine -------------------------------------------------------------


def is_installed() -> bool:
    result = command("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE)
    return result.returncode == 0 and result.stdout != "not-installed"


def purge() -> None:
    checked(*(AS_ROOT or []), "dpkg", "--purge", PACKAGE)
    assert not is_installed()


@pytest.fixture(scope="module")
def machine() -> Iterator[None]:
    """Purged before the first install test and after the last, even when one fails."""
    purge()
    try:
        yield
    finally:
        purge()


@pytest.fixture
def installed(machine: None, deb: Path) -> None:
    status = command("dpkg-query", "-W", "-f=${db:Status-Status}", PACKAGE).stdout
    if status != "installed":
        checked(*(AS_ROOT or []), "dpkg", "-i", deb)


def stat_mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@needs_root
def test_installed_files_have_their_modes_and_owners(installed: None, build: Build) -> None:
    opt = Path("/opt/sdm-desktop")
    for path in [opt, *opt.rglob("*")]:
        info = path.lstat()
        assert (info.st_uid, info.st_gid) == (0, 0), path
        if path.is_symlink():
            continue
        expected = 0o755 if path.is_dir() or path == opt / "sdm-desktop" else 0o644
        assert stat_mode(path) == expected, f"{path}: {oct(stat_mode(path))}"
    assert Path("/usr/bin/sdm-desktop").resolve() == opt / "sdm-desktop"
    for path in [*INSTALLED_FILES[2:], CONFIG]:
        assert path.is_file(), path
        assert stat_mode(path) == (0o755 if path == KIOSK_SESSION else 0o644), path
        assert (path.stat().st_uid, path.stat().st_gid) == (0, 0), path
    listed = set(checked("dpkg", "-L", PACKAGE).splitlines())
    assert {str(path) for path in [*INSTALLED_FILES, CONFIG]} <= listed
    assert sum(1 for _ in opt.rglob("*")) == sum(1 for _ in build.bundle.rglob("*"))


@needs_root
def test_installed_app_prints_its_version(installed: None) -> None:
    result = run(["/usr/bin/sdm-desktop", "--version"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"sdm-desktop {__version__}")


@needs_root
def test_installed_app_passes_its_self_test(installed: None) -> None:
    result = run(["/usr/bin/sdm-desktop", "--self-test"])

    assert result.returncode == 0, f"{result.stdout}\n{result.stderr[-3000:]}"
    assert "Self-test passed" in result.stdout.splitlines()


@needs_root
def test_installed_app_passes_its_self_test_on_x_with_the_xcb_plugin(
    installed: None, tmp_path: Path
) -> None:
    # The platform plugin that needs the system's libxcb (a Depends) and the
    # bundle's libxcb-cursor: it loads, or Qt aborts naming it.
    xvfb_binary = require("Xvfb", "xvfb")
    with xvfb(xvfb_binary, tmp_path / "xvfb.log") as display:
        result = run(
            ["/usr/bin/sdm-desktop", "--self-test"], QT_QPA_PLATFORM="xcb", DISPLAY=display
        )

    report = f"{result.stdout}\n{result.stderr[-3000:]}"
    assert result.returncode == 0, report
    assert "Qt platform plugin: xcb" in result.stdout, report
    assert "Self-test passed" in result.stdout.splitlines(), report


@needs_root
def test_removing_leaves_only_the_administrators_config_and_purging_removes_it(
    installed: None,
) -> None:
    edited = CONFIG.read_text(encoding="utf-8") + 'server = "https://sdm.example.org"\n'
    CONFIG.write_text(edited, encoding="utf-8")  # the administrator's edit

    checked(*(AS_ROOT or []), "dpkg", "-r", PACKAGE)

    for path in INSTALLED_FILES:
        assert not os.path.lexists(path), f"{path} is left after dpkg -r"
    assert not Path("/usr/share/sdm-desktop").exists()
    assert CONFIG.read_text(encoding="utf-8") == edited

    purge()

    assert not CONFIG.exists()
    assert not CONFIG.parent.exists()
