"""Build SDM Desktop's one-folder bundle with PyInstaller, and on Linux its archive and .deb.

    python build_scripts/build.py [--dist DIR] [--workpath DIR] [--no-archive] [--no-deb]
                                  [--clean] [-v]

0. ``translations.py`` compiles the committed ``.ts`` catalogs into the ``.qm``
   files the bundle ships (``pyside6-lrelease``).
1. PyInstaller runs ``build_scripts/sdm_desktop.spec``: ``<dist>/sdm-desktop/``
   (and ``<dist>/SDM Desktop.app`` on macOS), stamped with the version, the git
   commit and the build date.
2. The bundle is checked: the executable is there, and so are Qt's
   network-information plugins, without which the app cannot tell that the
   network is gone.
3. On Linux, ``<dist>/sdm-desktop-<version>-linux-<arch>.tar.gz`` is made: one
   folder holding the bundle, the ``.desktop`` launcher, the icon and
   ``install.sh`` (which installs all of it under ``~/.local``).
4. On Linux, ``<dist>/sdm-desktop_<version>_<debian arch>.deb`` is made with
   ``dpkg-deb`` (``debian_package.py``): the bundle under ``/opt/sdm-desktop``,
   the launcher, the icon, ``/etc/sdm-desktop/config.toml`` and the kiosk's
   systemd unit, with ``Depends`` derived from the bundle by ``ldd`` and
   ``dpkg -S`` and printed.

It ends by printing the bundle's size and the time taken. Run it with the
Python whose packages should be bundled, e.g. ``.venv/bin/python``, after
``pip install -e '.[build]'``. Exit status: 0 built, 1 failed, 2 bad arguments.
"""

from __future__ import annotations

import argparse
import importlib.util
import platform
import subprocess
import sys
import tarfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from build_scripts.debian_package import PackageError, make_deb, require_tools  # noqa: E402
from build_scripts.translations import TranslationError, compile_translations  # noqa: E402

SPEC = ROOT / "build_scripts" / "sdm_desktop.spec"
LINUX_FILES = ROOT / "build_scripts" / "linux"
RESOURCES = ROOT / "resources"
APP_NAME = "sdm-desktop"


class BuildError(Exception):
    """A step that failed; the message says which and what to do."""


@dataclass(frozen=True)
class Options:
    dist: Path
    workpath: Path
    archive: bool
    deb: bool
    clean: bool
    verbose: bool


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(
        description="Build the SDM Desktop bundle (PyInstaller, one folder) and, on Linux, "
        "its .tar.gz with a launcher and install.sh, and its Debian package."
    )
    parser.add_argument(
        "--dist",
        type=Path,
        default=ROOT / "dist",
        metavar="DIR",
        help="where the bundle and the archive go (default: dist/)",
    )
    parser.add_argument(
        "--workpath",
        type=Path,
        default=ROOT / "build",
        metavar="DIR",
        help="PyInstaller's working files (default: build/)",
    )
    parser.add_argument(
        "--no-archive", action="store_true", help="build the bundle only, no .tar.gz (Linux)"
    )
    parser.add_argument(
        "--no-deb", action="store_true", help="make no Debian package (Linux; needs dpkg-deb)"
    )
    parser.add_argument(
        "--clean", action="store_true", help="empty PyInstaller's cache and work folder first"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show PyInstaller's log")
    args = parser.parse_args(argv)
    return Options(
        dist=args.dist.resolve(),
        workpath=args.workpath.resolve(),
        archive=not args.no_archive,
        deb=not args.no_deb,
        clean=args.clean,
        verbose=args.verbose,
    )


def app_version() -> str:
    """``desktop_app.__version__`` of this checkout (importing it loads no Qt)."""
    from desktop_app import __version__

    return __version__


def run_pyinstaller(options: Options) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        raise BuildError(
            f"PyInstaller is not installed for {sys.executable}: "
            "run `pip install -e '.[build]'` with this Python first"
        )
    command = [
        sys.executable,
        "-m",
        "PyInstaller",
        "--noconfirm",
        "--distpath",
        str(options.dist),
        "--workpath",
        str(options.workpath),
        "--log-level",
        "INFO" if options.verbose else "WARN",
    ]
    if options.clean:
        command.append("--clean")
    print(f"Building {APP_NAME} with PyInstaller into {options.dist} ...", flush=True)
    if subprocess.run([*command, str(SPEC)], cwd=ROOT, check=False).returncode != 0:
        raise BuildError("PyInstaller failed (see its messages above; -v shows its whole log)")


def executable(bundle: Path) -> Path:
    return bundle / (f"{APP_NAME}.exe" if sys.platform == "win32" else APP_NAME)


def check_bundle(bundle: Path) -> None:
    """The bundle has its executable and Qt's network-information plugins."""
    if not executable(bundle).is_file():
        raise BuildError(f"no executable in the bundle: {executable(bundle)} is missing")
    plugins = [path for path in bundle.rglob("*") if path.parent.name == "networkinformation"]
    if not plugins:
        raise BuildError(
            f"no Qt networkinformation plugin in {bundle}: the app would not notice "
            "a lost network; check qt_plugins() in the spec"
        )


def archive_stem(version: str) -> str:
    """``sdm-desktop-0.1.0-linux-x86_64``: the archive's name and its one top folder."""
    return f"{APP_NAME}-{version}-linux-{platform.machine().lower()}"


def normalized(member: tarfile.TarInfo) -> tarfile.TarInfo:
    """No build machine's user or group in the archive; modes say only "executable or not"."""
    member.uid = member.gid = 0
    member.uname = member.gname = ""
    if not member.issym():
        executable_bits = member.isdir() or bool(member.mode & 0o111)
        member.mode = 0o755 if executable_bits else 0o644
    return member


def make_linux_archive(bundle: Path, dist: Path, version: str) -> Path:
    """``<dist>/<stem>.tar.gz``: the bundle, the launcher, the icon and install.sh in one folder."""
    stem = archive_stem(version)
    target = dist / f"{stem}.tar.gz"
    print(f"Packing {target.name} ...", flush=True)
    members = [
        (bundle, APP_NAME),
        (LINUX_FILES / f"{APP_NAME}.desktop", f"{APP_NAME}.desktop"),
        (RESOURCES / f"{APP_NAME}.png", f"{APP_NAME}.png"),
        (LINUX_FILES / "install.sh", "install.sh"),
    ]
    # gzip's own default level; tarfile's 9 took 3x as long here for 0.4 % less.
    with tarfile.open(target, "w:gz", compresslevel=6) as archive:
        for source, name in members:
            archive.add(source, arcname=f"{stem}/{name}", filter=normalized)
    return target


def files_size(path: Path) -> int:
    """Bytes in the files under ``path``; a symbolic link counts as itself, not its target."""
    if path.is_file():
        return path.stat().st_size
    return sum(item.lstat().st_size for item in path.rglob("*") if not item.is_dir())


def megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def build(options: Options) -> None:
    started = time.monotonic()
    version = app_version()
    make_deb_too = sys.platform.startswith("linux") and options.deb
    if make_deb_too:
        try:  # before the long part: a missing dpkg-deb is known at once
            require_tools()
        except PackageError as exc:
            raise BuildError(str(exc)) from exc
    try:  # the .qm files the spec bundles, from the committed .ts sources
        compile_translations()
    except TranslationError as exc:
        raise BuildError(str(exc)) from exc
    run_pyinstaller(options)
    bundle = options.dist / APP_NAME
    check_bundle(bundle)
    pyinstaller_s = time.monotonic() - started
    print(f"Bundle: {bundle} ({megabytes(files_size(bundle))}), version {version}")
    if sys.platform == "darwin":
        print(f"App: {options.dist / 'SDM Desktop.app'}")
    if sys.platform.startswith("linux") and options.archive:
        archive = make_linux_archive(bundle, options.dist, version)
        print(f"Archive: {archive} ({megabytes(files_size(archive))})")
    if make_deb_too:
        deb_started = time.monotonic()
        print("Making the Debian package (Depends from ldd and dpkg -S) ...", flush=True)
        try:
            package = make_deb(
                bundle=bundle,
                dist=options.dist,
                workpath=options.workpath,
                version=version,
                linux_files=LINUX_FILES,
                resources=RESOURCES,
            )
        except PackageError as exc:
            raise BuildError(f"Debian package: {exc}") from exc
        print(f"Depends (from {len(package.depends.owners)} system libraries the bundle links):")
        print(f"  {', '.join(package.depends.packages)}")
        print(
            f"Debian package: {package.path} ({megabytes(files_size(package.path))}, "
            f"{time.monotonic() - deb_started:.0f} s)"
        )
    total_s = time.monotonic() - started
    print(f"Built in {total_s:.0f} s (PyInstaller and checks {pyinstaller_s:.0f} s)")


def main(argv: list[str] | None = None) -> int:
    options = parse_args(argv)
    try:
        build(options)
    except BuildError as exc:
        print(f"build.py: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
