"""Licence notices of the bundled libraries, read from the licence report the build writes.

``build_scripts/licence_report.py`` runs ``pip-licenses`` over the runtime
dependencies whose metadata the bundle carries and writes its JSON (a list of
objects with ``Name``, ``Version``, ``License``, ``URL``, ``LicenseText``,
``NoticeText``; "UNKNOWN" where a field is missing) as ``_licences.json`` next
to this module: inside the bundle (the spec does it on every build), or in a
source checkout when someone runs the command.

A checkout without the file gets :class:`NoLicenceReport`, whose message is
the command that makes one, and the About dialog shows it. The report is not
made at run time: the app would have to run a build tool (a subprocess,
pip-licenses and PyInstaller installed) while a dialog opens, and write into
its own source tree; a checkout runs what its developer installed, and the
one command, run once, is all it takes.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

#: The file's name inside the ``desktop_app`` package.
LICENCE_REPORT_FILENAME = "_licences.json"
#: What makes the report in a source checkout, from its top folder.
REPORT_COMMAND = "python build_scripts/licence_report.py"
#: pip-licenses' word for a field it found nothing for.
UNKNOWN = "UNKNOWN"


class NoLicenceReport(Exception):
    """There is no licence report (a source checkout that never made one)."""

    def __init__(self) -> None:
        super().__init__(
            "This source checkout has no licence report: run "
            f"`{REPORT_COMMAND}` in its top folder to make one, then reopen this dialog."
        )


@dataclass(frozen=True)
class Notice:
    """What the About dialog shows of one library."""

    name: str
    version: str
    licence: str  # an SPDX expression or a short name, never the whole text
    homepage: str | None = None
    licence_text: str | None = None  # the shipped licence (and notice) files, or None


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares them (``PySide6_Essentials``: pyside6-essentials)."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- the report ------------------------------------------------------------------------


def _text(entry: dict[str, object], key: str) -> str | None:
    """``entry[key]`` stripped; None when absent, empty or pip-licenses' "UNKNOWN"."""
    value = entry.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"licence report: {key} must be a string, got {value!r}")
    value = value.strip()
    return None if not value or value == UNKNOWN else value


def notice_from_report(entry: object) -> Notice:
    """One pip-licenses JSON object as a :class:`Notice`; ValueError naming what is wrong."""
    if not isinstance(entry, dict):
        raise ValueError(f"licence report: each entry must be an object, got {entry!r}")
    name = _text(entry, "Name")
    if name is None:
        raise ValueError(f"licence report: an entry has no name: {sorted(entry)}")
    licence_files = [_text(entry, "LicenseText"), _text(entry, "NoticeText")]
    return Notice(
        name=name,
        version=_text(entry, "Version") or "?",
        licence=_text(entry, "License") or "unknown",
        homepage=_text(entry, "URL"),
        licence_text="\n\n".join(text for text in licence_files if text) or None,
    )


def read_report(source: Traversable) -> list[Notice]:
    """The notices in the report ``source``, sorted by name.

    :class:`NoLicenceReport` when there is no such file; ValueError (of which
    ``json.JSONDecodeError`` is one) when it is not a report; OSError when it
    cannot be read.
    """
    if not source.is_file():
        raise NoLicenceReport
    entries = json.loads(source.read_text(encoding="utf-8"))
    if not isinstance(entries, list):
        raise ValueError("licence report: must be a JSON list")
    return sort_notices(notice_from_report(entry) for entry in entries)


def third_party_notices(report: Traversable | None = None) -> list[Notice]:
    """The notices of ``report``, by default the package's own; raises as :func:`read_report`."""
    if report is None:
        report = resources.files("desktop_app") / LICENCE_REPORT_FILENAME
    return read_report(report)


# --- what the dialog adds and shows -----------------------------------------------------


def python_notice() -> Notice:
    """The interpreter's notice: the PSF licence, its text if the standard library ships it."""
    text = None
    # A frozen bundle keeps the standard library in an archive: no LICENSE.txt there.
    with contextlib.suppress(OSError, ValueError):
        text = (Path(os.__file__).parent / "LICENSE.txt").read_text(encoding="utf-8").strip()
    return Notice(
        name="Python",
        version=platform.python_version(),
        licence="PSF-2.0",
        homepage="https://www.python.org/",
        licence_text=text or None,
    )


def sort_notices(notices: Iterable[Notice]) -> list[Notice]:
    """Sorted by name, one per normalised name (the first one given wins)."""
    unique: dict[str, Notice] = {}
    for notice in notices:
        unique.setdefault(normalize(notice.name), notice)
    return [unique[name] for name in sorted(unique)]


def no_text_message(notice: Notice) -> str:
    return f"No licence text is shipped with this package; licence: {notice.licence}"


def notices_text(heading: Sequence[str], notices: Sequence[Notice]) -> str:
    """``heading`` lines, then every notice with its full licence text, as plain text."""
    rule = "=" * 72
    lines = [*heading, "", "Third-party licences", rule]
    for notice in notices:
        lines += ["", f"{notice.name} {notice.version}", f"Licence: {notice.licence}"]
        if notice.homepage:
            lines.append(f"Homepage: {notice.homepage}")
        lines += ["", notice.licence_text or no_text_message(notice), "", rule]
    return "\n".join(lines) + "\n"
