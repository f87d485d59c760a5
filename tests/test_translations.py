"""Translations: the catalogs match the code; a language is chosen, installed and spoken.

The pilot strings (issue 15, first round): the Reconnect button
(``desktop_app/ui/reconnect_button.py``, ``self.tr``) and the status line
(``desktop_app/core/presence.py`` ``summarize``, a Qt-free core given
``QCoreApplication.translate``). docs/TRANSLATING.md has the pattern.
"""

from __future__ import annotations

import ast
import logging
import shutil
import subprocess
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication

from build_scripts import translations as build
from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import SocketSnapshot, summarize
from desktop_app.ui.reconnect_button import ReconnectButton
from desktop_app.ui.translation import (
    PSEUDO_LOCALE,
    TRANSLATIONS_DIR,
    install_translations,
    message_time,
)
from tests.conftest import run_app

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop_app"
#: The names lupdate's Python parser takes for a translation call (docs/TRANSLATING.md).
TRANSLATION_CALLS = {"tr", "translate", "QT_TRANSLATE_NOOP", "QT_TR_NOOP"}

RECONNECTING = SocketSnapshot("chat", ConnectionState.RECONNECTING, attempts=2, retry_in_s=4.2)


# --- the catalogs match the code -------------------------------------------------------


def test_the_committed_catalogs_are_what_the_build_script_makes(tmp_path: Path) -> None:
    for path in TRANSLATIONS_DIR.glob("*.ts"):
        shutil.copy(path, tmp_path)

    build.refresh(directory=tmp_path)

    committed = sorted(p.name for p in TRANSLATIONS_DIR.iterdir() if p.suffix in {".ts", ".qm"})
    assert sorted(p.name for p in tmp_path.iterdir()) == committed
    stale = [
        name
        for name in committed
        if (tmp_path / name).read_bytes() != (TRANSLATIONS_DIR / name).read_bytes()
    ]
    assert stale == [], "run: python build_scripts/translations.py (and translate what is new)"


def catalog_messages(path: Path) -> set[tuple[str, str]]:
    root = ET.parse(path).getroot()
    return {
        (context.findtext("name") or "", message.findtext("source") or "")
        for context in root.iter("context")
        for message in context.iter("message")
    }


class _Calls(ast.NodeVisitor):
    """Every translation call in a module: what lupdate should extract, and what it cannot."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.classes: list[str] = []
        self.found: list[tuple[str, str]] = []
        self.problems: list[str] = []

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.classes.append(node.name)
        self.generic_visit(node)
        self.classes.pop()

    def visit_Call(self, node: ast.Call) -> None:
        self.generic_visit(node)
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        if name not in TRANSLATION_CALLS:
            return
        if name == "translate" and len(node.args) == 1 and not node.keywords:
            return  # str.translate(table)
        where = f"{self.path.relative_to(ROOT)}:{node.lineno}"
        texts = [
            arg.value
            for arg in node.args[:2]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
        ]
        if node.keywords:
            self.problems.append(f"{where}: keyword arguments (lupdate skips the call)")
        if name == "QT_TR_NOOP":
            self.problems.append(f"{where}: QT_TR_NOOP has no context: use QT_TRANSLATE_NOOP")
        elif name == "tr":
            if not texts or not self.classes:
                self.problems.append(f"{where}: {name}() needs a literal text inside a class")
                return
            self.found.append((self.classes[-1], texts[0]))
        elif len(texts) < 2:
            self.problems.append(f"{where}: {name}() needs a literal context and text")
        elif len(node.args) > 3:
            # lupdate marks it plural only for a literal count, and drops the call for
            # some expressions (len(x), a + b): plurals go through self.tr in the ui.
            self.problems.append(f"{where}: translate() with a count: use self.tr(text, '', n)")
        else:
            self.found.append((texts[0], texts[1]))


def translation_calls() -> tuple[list[tuple[str, str]], list[str]]:
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        calls = _Calls(path)
        calls.visit(ast.parse(path.read_text(encoding="utf-8")))
        found += calls.found
        problems += calls.problems
    return found, problems


def test_the_check_names_each_call_lupdate_would_drop() -> None:
    code = """
class Button:
    def f(self, n, text):
        self.tr("Send")
        self.tr("%n messages", "", len(n))
        self.tr(text)
        self.tr(f"Send {n}")
        translate("presence", "Online")
        QCoreApplication.translate(context="presence", sourceText="Away")
        QCoreApplication.translate("presence", "%n files", "", n)
        QT_TRANSLATE_NOOP("presence", "Offline")
        QT_TR_NOOP("Idle")
        "abc".translate(table)
tr("outside a class")
"""
    calls = _Calls(PACKAGE / "example.py")
    calls.visit(ast.parse(code))

    assert calls.found == [
        ("Button", "Send"),
        ("Button", "%n messages"),
        ("presence", "Online"),
        ("presence", "Offline"),
    ]
    assert [problem.split(": ", 1)[1] for problem in calls.problems] == [
        "tr() needs a literal text inside a class",
        "tr() needs a literal text inside a class",
        "keyword arguments (lupdate skips the call)",
        "translate() needs a literal context and text",
        "translate() with a count: use self.tr(text, '', n)",
        "QT_TR_NOOP has no context: use QT_TRANSLATE_NOOP",
        "tr() needs a literal text inside a class",
    ]


def test_lupdate_extracts_every_translation_call_in_the_code() -> None:
    found, problems = translation_calls()

    assert problems == []
    # lupdate's Python parser drops some calls without a word: the code's own count
    # and the catalog's must agree (each distinct text once).
    assert catalog_messages(build.catalog("de")) == set(found)
    assert len(set(found)) >= 15  # the pilot's strings, at least


def test_the_pilot_strings_are_in_every_catalog() -> None:
    for language in (*build.LANGUAGES, PSEUDO_LOCALE):
        messages = catalog_messages(build.catalog(language))
        assert ("ReconnectButton", "&Reconnect") in messages
        assert ("presence", "Reconnecting in {seconds} s ({attempt})") in messages


def test_the_pseudo_locale_keeps_placeholders_and_shortcuts() -> None:
    assert build.pseudo("&Reconnect") == "[&Réçöññéçţ ····]"
    assert build.pseudo("Reconnecting in {seconds} s (%n, %1)").count("{seconds}") == 1
    assert "(%n, %1)" in build.pseudo("Reconnecting in {seconds} s (%n, %1)")
    assert "<b>" in build.pseudo("<b>bold</b>")
    assert "&&" in build.pseudo("R&&D")
    assert build.pseudo("") == ""
    text = "Offline — waiting for the network"
    assert len(build.pseudo(text)) >= 1.4 * len(text)


def test_the_german_catalog_is_finished_for_the_pilot() -> None:
    root = ET.parse(build.catalog("de")).getroot()
    unfinished = [
        (context.findtext("name"), message.findtext("source"))
        for context in root.iter("context")
        for message in context.iter("message")
        if message.find("translation[@type='unfinished']") is not None
    ]
    # Next round: every string (issue 15). This round: the pilot's are all translated.
    assert [name for name, _ in unfinished if name in {"ReconnectButton", "presence"}] == []


# --- the language at run time ---------------------------------------------------------


def test_in_german_the_pilot_speaks_german(qapp: QApplication) -> None:
    choice = install_translations(qapp, "de")

    assert choice.locale == "de_DE"
    assert choice.catalog == TRANSLATIONS_DIR / "sdm_de.qm"
    button = ReconnectButton()
    assert button.text() == "&Neu verbinden"
    assert button.toolTip() == "Jetzt verbinden, statt zu warten (Alt+N)"
    summary = summarize([RECONNECTING], translate=QCoreApplication.translate)
    assert summary.text == "Neuer Verbindungsversuch in 5 s (Versuch 2)"
    # What the core says without the ui's translate is unchanged: English.
    assert summarize([RECONNECTING]).text == "Reconnecting in 5 s (attempt 2)"


def test_german_installs_qts_own_catalog_and_the_locale(qapp: QApplication) -> None:
    choice = install_translations(qapp, "de-AT")

    assert choice.locale == "de_AT"
    assert choice.catalog == TRANSLATIONS_DIR / "sdm_de.qm"  # de_AT finds sdm_de
    if choice.qt_catalog is None:
        pytest.skip("this PySide6 has no qtbase_de.qm")
    assert choice.qt_catalog.name == "qtbase_de.qm"
    assert QLocale().name() == "de_AT"


def test_in_the_pseudo_locale_every_pilot_string_is_bracketed(qapp: QApplication) -> None:
    install_translations(qapp, PSEUDO_LOCALE)

    button = ReconnectButton()
    assert button.text().startswith("[&Réçöññéçţ")  # the shortcut's letter stays R
    assert button.toolTip().endswith("]")
    text = summarize([RECONNECTING], translate=QCoreApplication.translate).text
    assert text.startswith("[Ŕéçöññéçţîñĝ îñ 5 š ([åţţéɱþţ 2")


def test_english_needs_no_catalog_and_says_nothing(
    qapp: QApplication, caplog: pytest.LogCaptureFixture
) -> None:
    choice = install_translations(qapp, "en")

    assert choice.catalog is None
    assert ReconnectButton().text() == "&Reconnect"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("code", "line"),
    [
        ("fr", "No translation into French (fr_FR) in "),
        ("xx", "Unknown language 'xx': the app speaks English"),
    ],
)
def test_a_language_without_a_catalog_falls_back_to_english_with_a_warning(
    qapp: QApplication, caplog: pytest.LogCaptureFixture, code: str, line: str
) -> None:
    choice = install_translations(qapp, code)

    assert choice.catalog is None
    assert choice.qt_catalog is None  # not French standard buttons beside English text
    assert ReconnectButton().text() == "&Reconnect"
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert warnings[0].startswith(line)


def test_the_system_language_without_a_catalog_is_only_an_info_line(
    qapp: QApplication, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    choice = install_translations(qapp, "system", directory=tmp_path)  # no catalog at all

    assert choice.catalog is None
    assert choice.locale == QLocale.system().name()
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    ("code", "today_shown", "other_day_shown"),
    [("de", "14:05", "05.12.26 14:05"), ("en_US", "2:05\u202fPM", "12/5/26 2:05\u202fPM")],
)
def test_message_times_follow_the_locale(
    qapp: QApplication, code: str, today_shown: str, other_day_shown: str
) -> None:
    install_translations(qapp, code)
    moment = datetime(2026, 12, 5, 14, 5)

    assert message_time(moment, today=date(2026, 12, 5)) == today_shown
    assert message_time(moment, today=date(2026, 12, 6)) == other_day_shown


# --- the real app: --language and the setting -------------------------------------------


def run_kiosk(tmp_path: Path, *arguments: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The app up to its first refusal: a kiosk without an administrator PIN. That comes
    after the translations are installed and before any window."""
    return run_app(tmp_path, "--kiosk", "--verbose", *arguments, env=env)


def test_language_flag_and_setting_choose_the_catalog(tmp_path: Path) -> None:
    flag = run_kiosk(tmp_path, "--language", "de")
    setting = run_kiosk(tmp_path, SDM_LANGUAGE=PSEUDO_LOCALE)
    unknown = run_kiosk(tmp_path, "--set", "language=fr")

    assert flag.returncode == setting.returncode == unknown.returncode == 2
    assert "Language de: locale de_DE, catalog sdm_de.qm, Qt's qtbase_de.qm" in flag.stderr
    assert f"Language {PSEUDO_LOCALE}: locale en_US, catalog sdm_en_XA.qm" in setting.stderr
    assert "WARNING desktop_app.ui: No translation into French (fr_FR)" in unknown.stderr
    assert "kiosk mode needs an administrator PIN" in unknown.stderr
