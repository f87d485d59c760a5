"""The HTTP client's errors carry words a window translates; ``str()`` stays English."""

from __future__ import annotations

import errno
from pathlib import Path

from desktop_app.core.errors import Words
from desktop_app.net.http import (
    HttpError,
    SignInFailed,
    SignInRequired,
    _not_saved,
    _refused,
    _status_error,
    _too_large,
)
from desktop_app.store.credentials import CredentialStoreError, _no_store
from desktop_app.store.session_cookies import REASON_FAILED, REASON_NO_STORE, reason_words
from tests.marking import marked


def test_status_errors_translate_the_template_and_what_failed() -> None:
    error = _status_error(404, Words("conversation {id}", id="abc"))
    assert str(error) == "conversation abc was not found on the server (HTTP 404)"
    assert error.message == str(error)
    assert error.text(marked) == (
        "<errors|<errors|conversation abc> was not found on the server (HTTP 404)>"
    )
    for status in (403, 429, 503, 418):
        assert _status_error(status, Words("the sign-in")).text(marked).startswith("<errors|")


def test_the_server_s_own_words_are_shown_as_they_are() -> None:
    error = _refused({"error": "Quota {exceeded}"}, "/x/")
    assert error.text(marked) == "<errors|the server refused: Quota {exceeded}>"


def test_sign_in_and_download_errors_have_words() -> None:
    assert SignInFailed().text(marked).startswith("<errors|sign-in failed:")
    assert SignInRequired("/p/").text(marked) == (
        "<errors|sign in to the server first (it refused /p/ without a session)>"
    )
    assert "nothing was saved" in _too_large(200, 1024 * 1024).text(marked)
    assert HttpError(None, "plain").text(marked) == "plain"
    saved = _not_saved(Path("/tmp/s.pdf"), OSError(errno.ENOSPC, "full"))
    assert str(saved) == (
        "The summary could not be saved to /tmp/s.pdf: the disk is full. Free some disk space"
        " or choose another folder, then download it again."
    )
    assert "<errors|the disk is full>" in saved.text(marked)


def test_password_store_reasons_and_errors_have_words() -> None:
    assert str(reason_words(REASON_FAILED)) == REASON_FAILED
    assert reason_words("unknown") == "unknown"
    words = reason_words(REASON_NO_STORE)
    assert isinstance(words, Words)
    assert words.text(marked).endswith("you will be asked to sign in each time the app starts.>")
    error = CredentialStoreError(_no_store(REASON_NO_STORE), unavailable=True)
    assert str(error).endswith(": the kiosk account cannot be kept on this computer")
    assert str(error).startswith("This computer has no password store (")
    assert error.text(marked).startswith("<errors|<errors|This computer has no password store")
    assert CredentialStoreError("plain").text(marked) == "plain"
