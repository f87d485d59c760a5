"""Licence notices of the libraries the app runs on, read from their installed metadata.

The libraries are the runtime dependency closure of the ``sdm-desktop``
distribution: its ``Requires-Dist`` entries that apply to this interpreter and
platform, without extras (the ``test`` and ``build`` extras are not shipped),
then theirs, and so on. Each becomes a :class:`Notice`: name, version, a short
licence summary, a homepage, and the licence files the distribution ships.

A frozen bundle may carry the metadata without ``packaging``, so requirements
are parsed here, and markers are evaluated by :func:`evaluate_marker_minimal`
when ``packaging.markers`` cannot be imported. Nothing here raises on odd or
missing metadata: an About dialog must open whatever was installed.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import platform
import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

logger = logging.getLogger("desktop_app.notices")

ROOT_DISTRIBUTION = "sdm-desktop"
#: The unconditional direct dependencies in ``pyproject.toml``: where the closure
#: starts when the app runs from a source checkout that was never installed.
DIRECT_DEPENDENCIES = ("aiohttp", "PySide6-Essentials", "qasync", "truststore", "websockets")

SUMMARY_MAX_CHARS = 60
UNKNOWN_LICENCE = "unknown"

#: (marker, extra) → whether the marker holds here for the extra; None when unsure.
MarkerEvaluator = Callable[[str, str], bool | None]


@dataclass(frozen=True)
class Notice:
    """What the About dialog shows of one library."""

    name: str
    version: str
    licence: str  # an SPDX expression or a short name, never the whole text
    homepage: str | None = None
    licence_text: str | None = None  # the shipped licence files, or None


@dataclass(frozen=True)
class Requirement:
    """One ``Requires-Dist`` line: the distribution, the extras it asks for, its marker."""

    name: str
    extras: frozenset[str] = frozenset()
    marker: str | None = None


class RequirementError(ValueError):
    """A ``Requires-Dist`` line that is not a PEP 508 requirement."""


def normalize(name: str) -> str:
    """A distribution or extra name as PEP 503 / PEP 685 compare them."""
    return re.sub(r"[-_.]+", "-", name).lower()


# --- requirements ----------------------------------------------------------------------

_REQUIREMENT = re.compile(
    r"""\s*(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)
        \s*(?:\[(?P<extras>[^\]]*)\])?
        (?P<rest>.*)""",
    re.VERBOSE | re.DOTALL,
)


def parse_requirement(line: str) -> Requirement:
    """The name, extras and marker of a PEP 508 requirement; the version is not needed."""
    match = _REQUIREMENT.fullmatch(line)
    if match is None:
        raise RequirementError(f"not a requirement: {line!r}")
    extras = frozenset(
        normalize(extra.strip()) for extra in (match["extras"] or "").split(",") if extra.strip()
    )
    rest = match["rest"]
    # A URL may contain ";", so after "name @ url" the marker needs a space before it.
    separator = re.search(r"\s;", rest) if rest.lstrip().startswith("@") else re.search(";", rest)
    marker = rest[separator.end() :].strip() if separator else ""
    if separator and not marker:
        raise RequirementError(f"empty marker: {line!r}")
    return Requirement(match["name"], extras, marker or None)


# --- markers ---------------------------------------------------------------------------


@functools.cache
def marker_environment() -> Mapping[str, str]:
    """The PEP 508 marker variables of this interpreter (``extra`` is added per call)."""
    implementation = sys.implementation.version
    implementation_version = f"{implementation.major}.{implementation.minor}.{implementation.micro}"
    if implementation.releaselevel != "final":
        implementation_version += f"{implementation.releaselevel[0]}{implementation.serial}"
    return {
        "implementation_name": sys.implementation.name,
        "implementation_version": implementation_version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_python_implementation": platform.python_implementation(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


_VERSION_VARIABLES = frozenset({"python_version", "python_full_version", "implementation_version"})

_MARKER_TOKEN = re.compile(
    r"""\s*(?:
        (?P<paren>[()])
      | (?P<op>===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)
      | (?P<bool>and\b|or\b)
      | (?P<string>'[^']*'|"[^"]*")
      | (?P<variable>[A-Za-z_][A-Za-z0-9_.]*)
    )""",
    re.VERBOSE,
)


class MarkerError(ValueError):
    """A marker this module cannot parse."""


def _tokens(marker: str) -> list[tuple[str, str]]:
    tokens = []
    position = 0
    while position < len(marker.rstrip()):
        match = _MARKER_TOKEN.match(marker, position)
        if match is None or match.lastgroup is None:
            raise MarkerError(f"unexpected text at {position} in marker {marker!r}")
        tokens.append((match.lastgroup, match[match.lastgroup]))
        position = match.end()
    return tokens


def _release(version: str) -> tuple[int, ...] | None:
    """``3.11.7`` → (3, 11, 7); None for anything else (pre-releases, local versions)."""
    if not re.fullmatch(r"\d+(\.\d+)*", version):
        return None
    return tuple(int(part) for part in version.split("."))


def _compare_versions(left: str, op: str, right: str) -> bool | None:
    if op in ("==", "!=") and right.endswith(".*"):
        have, prefix = _release(left), _release(right[:-2])
        if have is None or prefix is None:
            return None
        return (have[: len(prefix)] == prefix) == (op == "==")
    have, want = _release(left), _release(right)
    if have is None or want is None:
        return None
    # PEP 440 pads the shorter release with zeros: 3.11 == 3.11.0.
    width = max(len(have), len(want))
    have += (0,) * (width - len(have))
    padded = want + (0,) * (width - len(want))
    if op == "~=":
        if len(want) < 2:
            return None
        return have >= padded and have[: len(want) - 1] == want[:-1]
    comparisons: dict[str, Callable[[tuple[int, ...], tuple[int, ...]], bool]] = {
        "==": tuple.__eq__,
        "!=": tuple.__ne__,
        "<": tuple.__lt__,
        "<=": tuple.__le__,
        ">": tuple.__gt__,
        ">=": tuple.__ge__,
    }
    compare = comparisons.get(op)
    return None if compare is None else compare(have, padded)


class _MarkerParser:
    """PEP 508's marker grammar, evaluated as it is parsed, in three-valued logic.

    ``or`` binds looser than ``and``; a comparison this parser cannot decide
    (an unknown variable, a pre-release version) is None, and None propagates
    unless the other side settles it (``False and None`` is False).
    """

    def __init__(self, marker: str, environment: Mapping[str, str]) -> None:
        self._tokens = _tokens(marker)
        self._position = 0
        self._environment = environment

    def parse(self) -> bool | None:
        value = self._or()
        if self._position != len(self._tokens):
            raise MarkerError(f"unexpected {self._tokens[self._position][1]!r}")
        return value

    def _peek(self) -> tuple[str, str] | None:
        return self._tokens[self._position] if self._position < len(self._tokens) else None

    def _take(self, kind: str) -> str:
        token = self._peek()
        if token is None or token[0] != kind:
            raise MarkerError(f"expected {kind}, found {token[1] if token else 'the end'!r}")
        self._position += 1
        return token[1]

    def _or(self) -> bool | None:
        values = [self._and()]
        while self._peek() == ("bool", "or"):
            self._position += 1
            values.append(self._and())
        return True if True in values else None if None in values else False

    def _and(self) -> bool | None:
        values = [self._atom()]
        while self._peek() == ("bool", "and"):
            self._position += 1
            values.append(self._atom())
        return False if False in values else None if None in values else True

    def _atom(self) -> bool | None:
        if self._peek() == ("paren", "("):
            self._position += 1
            value = self._or()
            self._take("paren")
            return value
        left = self._operand()
        op = " ".join(self._take("op").split())
        right = self._operand()
        return self._compare(left, op, right)

    def _operand(self) -> tuple[str, str | None]:
        """(variable name or "", value); the value is None for an unknown variable."""
        token = self._peek()
        if token is not None and token[0] == "string":
            self._position += 1
            return "", token[1][1:-1]
        name = self._take("variable")
        return name, self._environment.get(name)

    def _compare(
        self, left: tuple[str, str | None], op: str, right: tuple[str, str | None]
    ) -> bool | None:
        (left_name, left_value), (right_name, right_value) = left, right
        if left_value is None or right_value is None:
            return None
        if "extra" in (left_name, right_name):
            left_value, right_value = normalize(left_value), normalize(right_value)
        if op in ("in", "not in"):
            return (left_value in right_value) == (op == "in")
        if op == "===":
            return left_value == right_value
        if {left_name, right_name} & _VERSION_VARIABLES:
            return _compare_versions(left_value, op, right_value)
        if op in ("==", "!="):
            return (left_value == right_value) == (op == "==")
        return None  # "<" on platform names: packaging would try versions; stay unsure


def evaluate_marker_minimal(
    marker: str, extra: str = "", *, environment: Mapping[str, str] | None = None
) -> bool | None:
    """Whether ``marker`` holds here for ``extra`` ("" for none); None when unsure.

    For when ``packaging`` is not importable: the comparisons PEP 508 markers
    use in practice, on the variables of :func:`marker_environment`.
    """
    variables = dict(marker_environment() if environment is None else environment)
    variables["extra"] = extra
    try:
        return _MarkerParser(marker, variables).parse()
    except MarkerError as exc:
        logger.debug("Cannot evaluate a marker: %s", exc)
        return None


def _packaging_evaluator() -> MarkerEvaluator | None:
    try:
        from packaging.markers import Marker
    except ImportError:
        return None

    def evaluate(marker: str, extra: str) -> bool | None:
        try:
            return Marker(marker).evaluate({"extra": extra})
        except ValueError as exc:  # InvalidMarker, UndefinedComparison...
            logger.debug("packaging cannot evaluate a marker: %s", exc)
            return None

    return evaluate


def default_evaluator() -> MarkerEvaluator:
    """``packaging.markers`` if it is importable, else :func:`evaluate_marker_minimal`."""
    return _packaging_evaluator() or evaluate_marker_minimal


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


def _requirements(dist: metadata.Distribution) -> list[Requirement]:
    requirements = []
    for line in dist.requires or []:
        try:
            requirements.append(parse_requirement(line))
        except RequirementError as exc:
            logger.debug("Skipping a requirement of %s: %s", _name(dist), exc)
    return requirements


def dependency_closure(
    root: str = ROOT_DISTRIBUTION,
    *,
    evaluate: MarkerEvaluator | None = None,
    fallback: Iterable[str] = DIRECT_DEPENDENCIES,
) -> list[metadata.Distribution]:
    """The installed distributions ``root`` needs to run here, sorted by name, without it.

    When ``root`` is not installed, the closure of ``fallback`` instead. A
    requirement whose marker is undecidable counts if it is installed; one that
    is not installed is left out whatever its marker says.
    """
    evaluate = evaluate or default_evaluator()
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
            if requirement.marker is not None and evaluate(requirement.marker, extra) is False:
                continue
            name = normalize(requirement.name)
            needed = found.get(name) or _find(requirement.name)
            if needed is None:
                logger.debug("%s is required but not installed", requirement.name)
                continue
            found[name] = needed
            pending += [(needed, e) for e in ("", *sorted(requirement.extras))]
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


def third_party_notices(
    root: str = ROOT_DISTRIBUTION, *, evaluate: MarkerEvaluator | None = None
) -> list[Notice]:
    """A notice for every library in :func:`dependency_closure`, sorted by name."""
    return [notice_for(dist) for dist in dependency_closure(root, evaluate=evaluate)]


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
