"""Licence notices of the libraries the app runs on, read from their installed metadata.

The libraries are the runtime dependency closure of the ``sdm-desktop``
distribution: its ``Requires-Dist`` entries that apply to this interpreter and
platform, without extras (the ``test`` and ``build`` extras are not shipped),
then theirs, and so on. Each becomes a :class:`Notice`: name, version, a short
licence summary, a homepage, and the licence files the distribution ships.

Requirements and markers are read with ``packaging``, a runtime dependency for
this. Nothing here raises on odd or missing metadata: an About dialog must open
whatever was installed. A malformed requirement is skipped; a marker that
cannot be read or evaluated counts as holding, so the library is listed if it
is installed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

logger = logging.getLogger("desktop_app.notices")

ROOT_DISTRIBUTION = "sdm-desktop"
#: The unconditional direct dependencies in ``pyproject.toml``: where the closure
#: starts when the app runs from a source checkout that was never installed.
DIRECT_DEPENDENCIES = (
    "aiohttp",
    "keyring",
    "packaging",
    "PySide6-Essentials",
    "qasync",
    "truststore",
    "websockets",
)

SUMMARY_MAX_CHARS = 60
UNKNOWN_LICENCE = "unknown"


@dataclass(frozen=True)
class Notice:
    """What the About dialog shows of one library."""

    name: str
    version: str
    licence: str  # an SPDX expression or a short name, never the whole text
    homepage: str | None = None
    licence_text: str | None = None  # the shipped licence files, or None


def normalize(name: str) -> str:
    """A distribution or extra name as PEP 503 / PEP 685 compare them."""
    return canonicalize_name(name)


# --- the closure -----------------------------------------------------------------------


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    """A metadata field, stripped; "" when absent (``meta[key]`` warns, then raises, on 3.12+)."""
    values = meta.get_all(key) or [""]
    return str(values[0]).strip()


def _name(dist: metadata.Distribution) -> str:
    return _field(dist.metadata, "Name")


def _find(name: str) -> metadata.Distribution | None:
    try:
        return metadata.distribution(name)
    except (metadata.PackageNotFoundError, ValueError):
        return None


def _parse(line: str, owner: str) -> Requirement | None:
    """``line`` as a requirement; without its marker if only the marker is unreadable.

    A marker may use a variable newer than the installed ``packaging``: the
    requirement then counts as applying here rather than being dropped.
    """
    try:
        return Requirement(line)
    except InvalidRequirement as exc:
        logger.debug("Cannot read a requirement of %s: %s", owner, exc)
    head, separator, _marker = line.rpartition(";")
    with contextlib.suppress(InvalidRequirement):
        if separator:
            return Requirement(head)
    return None


def _requirements(dist: metadata.Distribution) -> list[Requirement]:
    parsed = (_parse(line, _name(dist)) for line in dist.requires or [])
    return [requirement for requirement in parsed if requirement is not None]


def _applies(requirement: Requirement, extra: str) -> bool:
    """Whether the marker holds here for ``extra`` ("" for none); True when undecidable."""
    if requirement.marker is None:
        return True
    try:
        return requirement.marker.evaluate({"extra": extra})
    # UndefinedComparison is a ValueError; UndefinedEnvironmentName was one, now a KeyError.
    except (ValueError, LookupError) as exc:
        logger.debug("Cannot evaluate the marker of %s: %r", requirement, exc)
        return True


def dependency_closure(
    root: str = ROOT_DISTRIBUTION, *, fallback: Iterable[str] = DIRECT_DEPENDENCIES
) -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs to run here, sorted by name, without it.

    When ``root`` is not installed, the closure of ``fallback`` instead. A
    requirement whose marker is undecidable counts if it is installed; one that
    is not installed is left out whatever its marker says.
    """
    root_dist = _find(root)
    # (distribution, extra) pairs to expand; "" is the distribution without extras.
    pending: list[tuple[metadata.Distribution, str]] = []
    if root_dist is None:
        logger.info("%s is not installed; listing the known direct dependencies", root)
        pending += [(dist, "") for dist in map(_find, fallback) if dist is not None]
    else:
        pending.append((root_dist, ""))
    found = {normalize(_name(dist)): dist for dist, _ in pending}
    expanded: set[tuple[str, str]] = set()
    while pending:
        dist, extra = pending.pop()
        key = (normalize(_name(dist)), extra)
        if key in expanded:
            continue
        expanded.add(key)
        for requirement in _requirements(dist):
            if not _applies(requirement, extra):
                continue
            name = normalize(requirement.name)
            needed = found.get(name) or _find(requirement.name)
            if needed is None:
                logger.debug("%s is required but not installed", requirement.name)
                continue
            found[name] = needed
            extras = sorted({normalize(e) for e in requirement.extras})
            pending += [(needed, e) for e in ("", *extras)]
    if root_dist is not None:
        found.pop(normalize(root), None)
    return [found[name] for name in sorted(found)]


# --- one notice ------------------------------------------------------------------------


def _first_line(text: str, limit: int = SUMMARY_MAX_CHARS) -> str:
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def licence_summary(meta: metadata.PackageMetadata) -> str:
    """``License-Expression``, else a short ``License``, else the trove classifiers."""
    expression = _field(meta, "License-Expression")
    if expression:
        return expression
    # Old setuptools wrote "UNKNOWN"; some projects paste the whole licence text here.
    licence = _field(meta, "License")
    if licence.upper() == "UNKNOWN":
        licence = ""
    classifiers = [
        str(classifier).split("::")[-1].strip()
        for classifier in meta.get_all("Classifier") or []
        if str(classifier).startswith("License ::")
    ]
    if licence and (len(licence.splitlines()) == 1 or not classifiers):
        return _first_line(licence)
    if classifiers:
        return " / ".join(dict.fromkeys(classifiers))
    return UNKNOWN_LICENCE


_HOMEPAGE_LABELS = ("homepage", "home", "source", "sourcecode", "repository", "github", "code")


def homepage(meta: metadata.PackageMetadata) -> str | None:
    """``Home-page``, else the project URL most like a homepage (labels as PEP 753 reads them)."""
    page = _field(meta, "Home-page")
    if page and page.upper() != "UNKNOWN":
        return page
    urls: dict[str, str] = {}
    for entry in meta.get_all("Project-URL") or []:
        label, _, url = str(entry).partition(",")
        urls.setdefault(re.sub(r"[^a-z0-9]", "", label.lower()), url.strip())
    for label in _HOMEPAGE_LABELS:
        if urls.get(label):
            return urls[label]
    return next((url for url in urls.values() if url), None)


_LICENCE_FILE_NAME = re.compile(r"(licen[cs]e|copying|notice)", re.IGNORECASE)


def _licence_file_paths(dist: metadata.Distribution) -> list[str]:
    """Where the licence files are, relative to the metadata directory."""
    entries = [str(entry).strip() for entry in dist.metadata.get_all("License-File") or []]
    declared = [entry for entry in entries if entry and ".." not in Path(entry).parts]
    # PEP 639 puts declared files in licenses/; older wheels put them beside METADATA.
    paths = [candidate for entry in declared for candidate in (f"licenses/{entry}", entry)]
    if not declared:
        # Nothing declared: licence files beside METADATA, as older wheels ship them.
        paths += [
            file.name
            for file in dist.files or []
            if len(file.parts) == 2
            and file.parts[0].endswith(".dist-info")
            and _LICENCE_FILE_NAME.match(file.name)
        ]
    return paths


def licence_text(dist: metadata.Distribution) -> str | None:
    """The licence files ``dist`` ships, one after the other, or None if it ships none."""
    texts: dict[str, str] = {}
    for path in _licence_file_paths(dist):
        name = path.removeprefix("licenses/")
        if name in texts:
            continue
        try:
            text = dist.read_text(path)
        except (OSError, ValueError):  # ValueError: not UTF-8
            text = None
        if text and text.strip():
            texts[name] = text.strip()
    if len(texts) <= 1:
        return next(iter(texts.values()), None)
    return "\n\n".join(f"--- {name} ---\n\n{text}" for name, text in texts.items())


def notice_for(dist: metadata.Distribution) -> Notice:
    meta = dist.metadata
    return Notice(
        name=_name(dist) or "?",
        version=_field(meta, "Version") or "?",
        licence=licence_summary(meta),
        homepage=homepage(meta),
        licence_text=licence_text(dist),
    )


def third_party_notices(root: str = ROOT_DISTRIBUTION) -> list[Notice]:
    """A notice for every library in :func:`dependency_closure`, sorted by name."""
    return [notice_for(dist) for dist in dependency_closure(root)]


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
