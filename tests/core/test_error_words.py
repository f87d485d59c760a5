"""An error's words: English in ``str()``, translated whole by ``text(translate)``."""

from __future__ import annotations

import errno
from pathlib import Path

from desktop_app.core.errors import (
    LocalFileError,
    OutboxError,
    OutboxWriteError,
    SdmError,
    Words,
    why_not_written,
)
from tests.marking import marked


def test_words_fill_in_after_translating_and_translate_nested_words() -> None:
    words = Words("cannot reach the server: {why}", why=Words("no answer within {s} s", s="5"))
    assert str(words) == "cannot reach the server: no answer within 5 s"
    assert words.text(marked) == "<errors|cannot reach the server: <errors|no answer within 5 s>>"
    assert repr(words) == "Words('cannot reach the server: {why}')"


def test_an_error_with_words_is_english_in_str_and_translated_in_text() -> None:
    error = SdmError(words=Words("the server refused: {error}", error="Nope {x}"))
    assert str(error) == "the server refused: Nope {x}"  # the server's words as they are
    assert error.text(marked) == "<errors|the server refused: {error}>".format(error="Nope {x}")
    plain = SdmError("no words")
    assert plain.text(marked) == "no words"


def test_the_outbox_s_write_errors_are_translated() -> None:
    path = Path("/tmp/outbox.db")
    reason = why_not_written(OSError(errno.ENOSPC, "No space"))
    for new_message in (True, False):
        for where in (path, None):
            error = OutboxWriteError(reason, path=where, new_message=new_message)
            assert error.reason == reason
            assert "<errors|the disk is full>" in error.text(marked)
            assert "<errors|Free some disk space>" in error.text(marked)
            assert (str(path) in str(error)) is (where is not None)
    other = OutboxWriteError(why_not_written(OSError(errno.EROFS, "ro")), path=None)
    assert "Make the folder writable" in str(other)
    assert "<errors|the disk is read-only>" in other.text(marked)


def test_outbox_and_local_file_errors_take_plain_text_or_words() -> None:
    assert OutboxError("plain").text(marked) == "plain"
    assert OutboxError(Words("an {x}", x=1)).text(marked) == "<errors|an 1>"
    local = LocalFileError(Words("not {path}", path="p"), path=Path("p"), reason="r")
    assert (str(local), local.text(marked)) == ("not p", "<errors|not p>")
    assert LocalFileError("plain", path=Path("p"), reason="r").text(marked) == "plain"
