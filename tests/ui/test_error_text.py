"""The window shows an error's words translated; without a catalog, its English text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication

from desktop_app.core.errors import SdmError, Words
from desktop_app.ui.error_text import shown, shown_words
from tests.marking import marked


def test_without_a_catalog_the_english_text_shows(qapp: object) -> None:
    error = SdmError(words=Words("cannot reach the server: {why}", why="x"))
    assert shown(error) == "cannot reach the server: x"
    assert shown(ValueError("plain")) == "plain"
    assert shown_words("as it is") == "as it is"


def test_the_template_goes_through_qt_s_translate(monkeypatch: pytest.MonkeyPatch) -> None:

    monkeypatch.setattr(QCoreApplication, "translate", marked)
    error = SdmError(words=Words("the server refused: {error}", error="No"))
    assert shown(error) == "<errors|the server refused: No>"
    assert shown_words(Words("the disk is full")) == "<errors|the disk is full>"
    assert QCoreApplication.translate is marked
