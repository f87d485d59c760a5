"""Write the licence report the About dialog lists: pip-licenses' JSON of the bundled libraries.

    python build_scripts/licence_report.py [--output FILE]

The libraries are the ones whose metadata the spec bundles: PyInstaller's
``copy_metadata("sdm-desktop", recursive=True)`` walks the runtime
requirements that apply to this interpreter and platform (no extras: the
``test`` and ``build`` tools are left out), so the list and the bundle cannot
disagree. ``pip-licenses`` then writes their name, version, licence, homepage,
and licence and notice texts as JSON; ``desktop_app.notices`` reads that file.

The spec writes the report into PyInstaller's work folder and bundles it as
``desktop_app/_licences.json``. Without ``--output`` the report goes to the
same place in this checkout (ignored by git), where the About dialog of a
source checkout finds it. Run it with the Python whose packages are bundled,
after ``pip install -e '.[build]'``. Exit status: 0 written, 1 failed.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from desktop_app.notices import LICENCE_REPORT_FILENAME  # noqa: E402

APP_DISTRIBUTION = "sdm-desktop"
DEFAULT_OUTPUT = ROOT / "desktop_app" / LICENCE_REPORT_FILENAME


class ReportError(Exception):
    """A step that failed; the message says what to do."""


def bundled_distributions() -> list[str]:
    """The names of the runtime dependencies whose metadata the spec bundles, sorted."""
    try:
        from PyInstaller.utils.hooks import copy_metadata
    except ImportError as exc:
        raise ReportError(
            f"PyInstaller is not installed for {sys.executable}: "
            "run `pip install -e '.[build]'` with this Python first"
        ) from exc
    try:
        entries = copy_metadata(APP_DISTRIBUTION, recursive=True)
    except metadata.PackageNotFoundError as exc:
        raise ReportError(
            f"{exc} is not installed for {sys.executable}: run `pip install -e '.[build]'` first"
        ) from exc
    names = {metadata.Distribution.at(source).metadata["Name"] for source, _ in entries}
    names.discard(APP_DISTRIBUTION)
    return sorted(names, key=str.lower)


def write_report(output: Path) -> list[str]:
    """Write the report of :func:`bundled_distributions` to ``output``; returns their names."""
    names = bundled_distributions()
    output.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "piplicenses",
        "--format=json",
        "--with-urls",
        "--with-license-file",
        "--with-notice-file",
        "--no-license-path",
        f"--output-file={output}",
        "--packages",
        *names,
    ]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise ReportError(
            f"pip-licenses failed ({result.returncode}): {result.stderr.strip()}; "
            "is it installed? `pip install -e '.[build]'`"
        )
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Write the licence report of the bundled libraries (pip-licenses JSON)."
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        metavar="FILE",
        help=f"where to write it (default: {DEFAULT_OUTPUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    try:
        names = write_report(args.output)
    except ReportError as exc:
        print(f"licence_report.py: {exc}", file=sys.stderr)
        return 1
    print(f"Licence report of {len(names)} libraries: {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
