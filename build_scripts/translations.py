"""Refresh the translation sources and compile them: ``python build_scripts/translations.py``.

1. ``pyside6-lupdate`` reads every ``tr()`` / ``translate()`` /
   ``QT_TRANSLATE_NOOP()`` call in ``desktop_app/`` into each language's
   ``desktop_app/translations/sdm_<language>.ts`` (new strings come in
   unfinished, strings no longer in the code go out; the translations made so
   far stay);
2. the pseudo-locale's catalog, ``sdm_en_XA.ts``, is made from the same strings:
   accented, 40 % longer and in brackets, placeholders untouched, so a string
   shown without its brackets was never translated and a bracket cut off is a
   label too narrow (docs/TRANSLATING.md);
3. ``pyside6-lrelease`` compiles each ``.ts`` into the ``.qm`` the app loads.

The ``.ts`` and ``.qm`` files are committed (the app runs from a fresh clone
in any language); ``tests/test_translations.py`` fails when they no longer match
the code, and ``build_scripts/build.py`` runs this before PyInstaller. Both
tools come with PySide6 (PySide6-Essentials): nothing else to install.
"""

from __future__ import annotations

import argparse
import math
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "desktop_app"
TRANSLATIONS = PACKAGE / "translations"
PREFIX = "sdm"
#: The languages translated by people (their .ts files are edited in Qt Linguist).
LANGUAGES = ("de",)
#: The generated pseudo-locale (desktop_app/ui/translation.py PSEUDO_LOCALE).
PSEUDO_LOCALE = "en_XA"
#: How much longer than English a pseudo-translation is: German runs up to 30-40 %.
PSEUDO_GROWTH = 0.4

_ACCENTED = dict(
    zip(
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "åƀçđéƒĝĥîĵķļɱñöþǫŕšţûvŵxýžÅƁÇĐÉƑĜĤÎĴĶĻṀÑÖÞǪŔŠŢÛṼŴẊÝŽ",
        strict=True,
    )
)


class TranslationError(Exception):
    """A Qt tool failed; the message says which and why."""


def catalog(language: str, suffix: str = ".ts", *, directory: Path = TRANSLATIONS) -> Path:
    return directory / f"{PREFIX}_{language}{suffix}"


def _qt_tool(name: str, *arguments: str) -> None:
    # PySide6's own launchers (pyside6-lupdate, ...) through this interpreter: no
    # PATH to set up, and the same on Windows.
    code = f"import sys; from PySide6.scripts.pyside_tool import {name}; sys.exit({name}())"
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise TranslationError(f"pyside6-{name} failed: {result.stderr.strip() or result.stdout}")


def update_sources(ts_files: list[Path], *, sources: Path = PACKAGE) -> None:
    """Extract every translatable string under ``sources`` into ``ts_files``."""
    _qt_tool(
        "lupdate",
        "-extensions",
        "py",  # a folder is scanned for C++ and QML only, by default
        "-locations",
        "none",  # line numbers would change the files at every edit of the code
        "-no-obsolete",
        "-silent",
        str(sources),
        "-ts",
        *(str(path) for path in ts_files),
    )


def pseudo(text: str) -> str:
    """``text`` accented, 40 % longer, in brackets; placeholders and accelerators kept.

    Kept as they are: ``{name}`` (str.format), ``%n`` / ``%1`` (Qt), markup
    ``<b>``, entities ``&amp;``, and the letter after ``&`` (the Alt shortcut).
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        closing = {"{": "}", "<": ">"}.get(char)
        end = text.find(closing, i) if closing else -1
        if closing and end != -1:
            out.append(text[i : end + 1])
            i = end + 1
        elif char == "%" and i + 1 < len(text) and (text[i + 1].isdigit() or text[i + 1] == "n"):
            out.append(text[i : i + 2])
            i += 2
        elif char == "&" and i + 1 < len(text):
            out.append(text[i : i + 2])  # "&R": the shortcut; "&&": a literal ampersand
            i += 2
        else:
            out.append(_ACCENTED.get(char, char))
            i += 1
    padding = "·" * math.ceil(len(text) * PSEUDO_GROWTH)
    return f"[{''.join(out)} {padding}]" if text else text


def make_pseudo_catalog(source: Path, target: Path) -> int:
    """``target``: ``source``'s strings pseudo-translated, all finished; how many."""
    tree = ET.parse(source)
    root = tree.getroot()
    root.set("language", PSEUDO_LOCALE)
    count = 0
    for message in root.iter("message"):
        text = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None  # lupdate writes one for each message
        translation.attrib.pop("type", None)  # finished: lrelease compiles only those
        forms = translation.findall("numerusform")
        if message.get("numerus") == "yes":
            for form in forms or [ET.SubElement(translation, "numerusform")]:
                form.text = pseudo(text)
        else:
            translation.text = pseudo(text)
        count += 1
    ET.indent(tree, space="    ")
    body = ET.tostring(root, encoding="unicode")
    target.write_text(
        f'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n{body}\n', encoding="utf-8"
    )
    return count


def compile_catalogs(ts_files: list[Path]) -> list[Path]:
    """``pyside6-lrelease`` each ``.ts`` into the ``.qm`` beside it."""
    compiled = []
    for ts in ts_files:
        qm = ts.with_suffix(".qm")
        _qt_tool("lrelease", "-silent", str(ts), "-qm", str(qm))
        compiled.append(qm)
    return compiled


def refresh(*, update: bool = True, directory: Path = TRANSLATIONS) -> list[Path]:
    """Steps 1-3 for every language, in ``directory``; the .qm files."""
    directory.mkdir(exist_ok=True)
    sources = [catalog(language, directory=directory) for language in LANGUAGES]
    pseudo_ts = catalog(PSEUDO_LOCALE, directory=directory)
    if update:
        update_sources([*sources, pseudo_ts])
    make_pseudo_catalog(pseudo_ts, pseudo_ts)
    return compile_catalogs([*sources, pseudo_ts])


def compile_translations() -> list[Path]:
    """Step 3 (and the pseudo-locale, which is made from its .ts): what a build runs."""
    return refresh(update=False)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--compile-only",
        action="store_true",
        help="compile the .ts files as they are (no lupdate): what a build from a release does",
    )
    args = parser.parse_args(argv)
    try:
        compiled = compile_translations() if args.compile_only else refresh()
    except TranslationError as exc:
        print(f"translations: {exc}", file=sys.stderr)
        return 1
    for qm in compiled:
        print(f"{qm.relative_to(ROOT)} ({qm.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
