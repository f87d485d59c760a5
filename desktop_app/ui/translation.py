"""The app's language: one QTranslator for its own text, one for Qt's, and the locale.

:func:`install_translations` runs once, right after the QApplication is made and
before the window is built (a widget translates its text when it is made). It
costs a few file lookups and the read of one small ``.qm`` file, so the first
paint (benchmark B6) does not wait for it.

The ``language`` setting chooses:

- ``"system"`` (the default): the computer's languages, in its order of
  preference (``QLocale.system().uiLanguages()``);
- a code (``de``, ``de_AT``, ``en``): that language, whatever the computer's;
- :data:`PSEUDO_LOCALE`: accented, longer English from the generated catalog,
  which shows a string that is not translated, or a label too narrow for a
  longer language (docs/TRANSLATING.md).

English is the source language: it needs no catalog. Any other language
without one falls back to English with one log line, never an error: a
warning when the person asked for it, an info line when it is only the
computer's language. The locale (dates, times, numbers) follows the choice
even when the text falls back.

The catalogs, ``sdm_<language>.qm``, are made from ``sdm_<language>.ts`` by
``build_scripts/translations.py`` and committed beside them in
``desktop_app/translations/``; Qt's own (``qtbase_de.qm``: the standard buttons,
the text fields' context menus) come with PySide6.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PySide6.QtCore import QDate, QLibraryInfo, QLocale, QTime, QTranslator
from PySide6.QtWidgets import QApplication

logger = logging.getLogger("desktop_app.ui")

#: The ``language`` setting's default: the computer's languages.
SYSTEM_LANGUAGE = "system"
#: The pseudo-locale: Android's name for accented English (its catalog is generated).
PSEUDO_LOCALE = "en_XA"
#: The app's catalogs: ``sdm_de.qm`` (and its source, ``sdm_de.ts``).
CATALOG_PREFIX = "sdm"
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


@dataclass(frozen=True)
class LanguageChoice:
    """What :func:`install_translations` installed."""

    locale: str  # QLocale's name of the locale the app now formats with ("de_DE")
    catalog: Path | None  # the app's .qm file; None: the app speaks English
    qt_catalog: Path | None  # Qt's own .qm file, when the app has a catalog and PySide6 one


def install_translations(
    app: QApplication, language: str, *, directory: Path = TRANSLATIONS_DIR
) -> LanguageChoice:
    """Install the catalogs for ``language`` (the setting's value) into ``app``."""
    requested = language.strip() != SYSTEM_LANGUAGE
    code = language.strip().replace("-", "_")
    locale = QLocale(code) if requested else QLocale.system()
    if requested and code != PSEUDO_LOCALE and locale.language() == QLocale.Language.C:
        logger.warning("Unknown language %r: the app speaks English", language)
        QLocale.setDefault(QLocale.system())
        return LanguageChoice(QLocale.system().name(), None, None)
    QLocale.setDefault(locale)
    catalog = _load(app, _app_catalog(locale, code, directory))
    # English is the source text; "C" is a computer without a language (LANG=C).
    if catalog is None and locale.language() not in {QLocale.Language.English, QLocale.Language.C}:
        log = logger.warning if requested else logger.info
        log(
            "No translation into %s (%s) in %s: the app speaks English",
            QLocale.languageToString(locale.language()),
            locale.name(),
            directory,
        )
    # Qt's standard buttons speak the app's language: not French beside English.
    qt_catalog = None
    if catalog is not None:
        qt_directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        qt_catalog = _load(app, _locale_catalog(locale, "qtbase", Path(qt_directory)))
    logger.info(
        "Language %s: locale %s, catalog %s, Qt's %s",
        language,
        locale.name(),
        catalog.name if catalog else "none",
        qt_catalog.name if qt_catalog else "none",
    )
    return LanguageChoice(locale.name(), catalog, qt_catalog)


def _app_catalog(locale: QLocale, code: str, directory: Path) -> QTranslator:
    if code == PSEUDO_LOCALE:
        translator = QTranslator()
        translator.load(str(directory / f"{CATALOG_PREFIX}_{PSEUDO_LOCALE}.qm"))
        return translator
    return _locale_catalog(locale, CATALOG_PREFIX, directory)


def _locale_catalog(locale: QLocale, prefix: str, directory: Path) -> QTranslator:
    # Tries prefix_de_Latn_DE, prefix_de_DE, ..., prefix_de for each of the
    # locale's languages in order: a de_AT computer finds sdm_de.qm.
    translator = QTranslator()
    translator.load(locale, prefix, "_", str(directory))
    return translator


def _load(app: QApplication, translator: QTranslator) -> Path | None:
    """Install ``translator`` if it loaded a catalog; the catalog's path."""
    if translator.isEmpty():
        return None
    # The application keeps it (a translator must outlive its installation).
    translator.setParent(app)
    app.installTranslator(translator)
    return Path(translator.filePath())


def message_time(moment: datetime, *, today: date) -> str:
    """A message's time in the locale's short format; its date too if not ``today``.

    ``moment`` is local time. The transcript's and the diagnostics' times go
    through this next (docs/TRANSLATING.md: still strftime there this round).
    """
    locale = QLocale()
    time = locale.toString(QTime(moment.hour, moment.minute), QLocale.FormatType.ShortFormat)
    if moment.date() == today:
        return time
    day = locale.toString(
        QDate(moment.year, moment.month, moment.day), QLocale.FormatType.ShortFormat
    )
    return f"{day} {time}"
