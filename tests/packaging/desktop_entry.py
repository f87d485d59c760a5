"""Read a ``.desktop`` file as the freedesktop.org Desktop Entry Specification 1.5 says.

The tests cannot count on ``desktop-file-validate`` being installed, so this
checks what matters for the SDM Desktop launcher: the syntax (groups, keys,
escapes), the known keys and their types, the categories' rules of the Menu
Specification, and how a launcher splits ``Exec`` into a command line.
"""

from __future__ import annotations

import re

GROUP = re.compile(r"\[(?P<name>[^\[\]\x00-\x1f\x7f]+)\]")
ENTRY = re.compile(r"(?P<key>[A-Za-z0-9-]+)(?:\[(?P<locale>[^\]]+)\])?\s*=\s*(?P<value>.*)")

#: The keys of the [Desktop Entry] group (Table 2 of the specification) and their types.
KEY_TYPES = {
    "Type": "string",
    "Version": "string",
    "Name": "localestring",
    "GenericName": "localestring",
    "NoDisplay": "boolean",
    "Comment": "localestring",
    "Icon": "iconstring",
    "Hidden": "boolean",
    "OnlyShowIn": "strings",
    "NotShowIn": "strings",
    "DBusActivatable": "boolean",
    "TryExec": "string",
    "Exec": "string",
    "Path": "string",
    "Terminal": "boolean",
    "Actions": "strings",
    "MimeType": "strings",
    "Categories": "strings",
    "Implements": "strings",
    "Keywords": "localestrings",
    "StartupNotify": "boolean",
    "StartupWMClass": "string",
    "URL": "string",
    "PrefersNonDefaultGPU": "boolean",
    "SingleMainWindow": "boolean",
}
KNOWN_VERSIONS = {"1.0", "1.1", "1.2", "1.3", "1.4", "1.5"}
MAIN_CATEGORIES = {
    "AudioVideo", "Audio", "Video", "Development", "Education", "Game", "Graphics",
    "Network", "Office", "Science", "Settings", "System", "Utility",
}  # fmt: skip
#: Additional categories this launcher may use, and the main ones each needs next to it.
ADDITIONAL_CATEGORIES = {
    "MedicalSoftware": {"Education", "Science"},
    "Chat": {"Network"},
    "InstantMessaging": {"Network"},
}
STRING_ESCAPES = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\", ";": "\\;"}
EXEC_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


class InvalidDesktopEntry(ValueError):
    """The file breaks a rule of the specification; the message names the line or key."""


def parse(text: str) -> dict[str, dict[str, str]]:
    """Groups of key -> raw value; raises InvalidDesktopEntry on a malformed file."""
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        if group := GROUP.fullmatch(line):
            if group["name"] in groups:
                raise InvalidDesktopEntry(f"line {number}: group [{group['name']}] repeated")
            current = groups[group["name"]] = {}
        elif entry := ENTRY.fullmatch(line):
            if current is None:
                raise InvalidDesktopEntry(f"line {number}: a key before the first group")
            key = entry["key"] + (f"[{entry['locale']}]" if entry["locale"] else "")
            if key in current:
                raise InvalidDesktopEntry(f"line {number}: key {key} repeated")
            current[key] = entry["value"]
        else:
            raise InvalidDesktopEntry(f"line {number}: neither a group, a key nor a comment")
    if next(iter(groups), None) != "Desktop Entry":
        raise InvalidDesktopEntry("the first group must be [Desktop Entry]")
    return groups


def unescape(value: str) -> str:
    r"""A string value with ``\s \n \t \r \\`` resolved (``\;`` stays for list splitting)."""
    out, characters = [], iter(value)
    for character in characters:
        if character != "\\":
            out.append(character)
            continue
        escaped = next(characters, None)
        if escaped not in STRING_ESCAPES:
            raise InvalidDesktopEntry(f"unknown escape \\{escaped} in {value!r}")
        out.append(STRING_ESCAPES[escaped])
    return "".join(out)


def string_list(value: str) -> list[str]:
    """A ``;``-separated list (the last ``;`` optional), with ``\\;`` kept inside an item."""
    items = re.split(r"(?<!\\);", unescape(value))
    if items and items[-1] == "":
        items.pop()
    return [item.replace("\\;", ";") for item in items]


def exec_arguments(value: str) -> list[str]:
    """The command line a launcher runs for ``Exec=value`` (no field codes expected here)."""
    arguments: list[str] = []
    text, i = unescape(value), 0
    while i < len(text):
        if text[i] == " ":
            i += 1
        elif text[i] == '"':
            argument, i = _quoted(text, i + 1)
            arguments.append(argument)
        else:
            end = text.find(" ", i)
            end = len(text) if end < 0 else end
            word = text[i:end]
            if set(word) & EXEC_RESERVED or "%" in word:
                raise InvalidDesktopEntry(f"Exec: {word!r} must be quoted")
            arguments.append(word)
            i = end
    return arguments


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The argument from just after an opening quote, and the index after its closing quote."""
    out: list[str] = []
    while i < len(text):
        character = text[i]
        if character == '"':
            return "".join(out), i + 1
        if character == "\\":
            if i + 1 >= len(text) or text[i + 1] not in '"`$\\':
                raise InvalidDesktopEntry(f"Exec: bad escape in {text!r}")
            character, i = text[i + 1], i + 1
        elif character in "`$":
            raise InvalidDesktopEntry(f"Exec: {character} must be escaped in {text!r}")
        out.append(character)
        i += 1
    raise InvalidDesktopEntry(f"Exec: unterminated quote in {text!r}")


def check_application(text: str) -> dict[str, str]:
    """The [Desktop Entry] group of a valid application launcher; InvalidDesktopEntry if not."""
    entry = parse(text)["Desktop Entry"]
    for key, value in entry.items():
        kind = KEY_TYPES.get(key.split("[")[0])
        if kind is None and not key.startswith("X-"):
            raise InvalidDesktopEntry(f"unknown key {key}")
        if kind == "boolean" and value not in {"true", "false"}:
            raise InvalidDesktopEntry(f"{key}={value}: a boolean is true or false")
        unescape(value)
    for required in ("Type", "Name", "Exec"):
        if not entry.get(required):
            raise InvalidDesktopEntry(f"{required} is required")
    if entry["Type"] != "Application":
        raise InvalidDesktopEntry(f"Type={entry['Type']}: not an application")
    if entry.get("Version", "1.5") not in KNOWN_VERSIONS:
        raise InvalidDesktopEntry(f"Version={entry['Version']}: not a version of the spec")
    _check_categories(string_list(entry.get("Categories", "")))
    exec_arguments(entry["Exec"])
    return entry


def _check_categories(categories: list[str]) -> None:
    if not set(categories) & MAIN_CATEGORIES:
        raise InvalidDesktopEntry(f"Categories {categories}: no main category")
    for category in categories:
        if category in MAIN_CATEGORIES or category.startswith("X-"):
            continue
        if category not in ADDITIONAL_CATEGORIES:
            raise InvalidDesktopEntry(f"Categories: {category} is not a known category")
        if not set(categories) & ADDITIONAL_CATEGORIES[category]:
            needs = " or ".join(sorted(ADDITIONAL_CATEGORIES[category]))
            raise InvalidDesktopEntry(f"Categories: {category} needs {needs} next to it")
