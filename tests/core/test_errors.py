"""The app's errors: messages a person can act on, for each way the disk refuses a write."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from desktop_app.core.errors import (
    DISK_FULL,
    LocalFileError,
    OutboxDamaged,
    OutboxError,
    OutboxWriteError,
    SdmError,
    why_not_written,
)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EDQUOT, "the disk quota of this user is used up"),
        (errno.EFBIG, "the file would be larger than this disk allows"),
        (errno.EROFS, "the disk is read-only"),
        (errno.EACCES, "this folder may not be written"),
        (errno.EPERM, "this folder may not be written"),
        (errno.ENOTDIR, "a part of its path is a file, not a folder"),
        (errno.ENOENT, "its folder does not exist"),
        (errno.EISDIR, "it is a folder, not a file"),
        (errno.EIO, "the disk reported an error"),
    ],
)
def test_why_not_written_in_words(number: int, reason: str) -> None:
    assert why_not_written(OSError(number, "strerror")) == reason


def test_an_unusual_refusal_says_what_the_system_said() -> None:
    assert why_not_written(OSError(errno.ETXTBSY, "Text file busy")) == "Text file busy"
    assert why_not_written(BlockingIOError()) == "BlockingIOError"


def test_a_full_disk_asks_for_space() -> None:
    error = OutboxWriteError(DISK_FULL, path=Path("/data/outbox.sqlite3"))
    assert isinstance(error, OutboxError)
    assert (error.path, error.reason) == (Path("/data/outbox.sqlite3"), DISK_FULL)
    assert str(error) == (
        "the message could not be saved on this computer: the disk is full "
        "(/data/outbox.sqlite3). Free some disk space, then press Send again: your text "
        "is still in the message box"
    )


def test_another_refusal_asks_for_a_writable_folder() -> None:
    error = OutboxWriteError("the disk is read-only", path=None)
    assert str(error) == (
        "the message could not be saved on this computer: the disk is read-only. Make the "
        "folder writable for this user (or free some disk space), then press Send again: "
        "your text is still in the message box"
    )


def test_the_new_errors_belong_to_the_tree() -> None:
    assert issubclass(OutboxDamaged, OutboxError)
    error = LocalFileError("cannot save", path=Path("x.pdf"), reason="the disk is full")
    assert isinstance(error, SdmError)
    assert (str(error), error.path, error.reason) == ("cannot save", Path("x.pdf"), DISK_FULL)


def test_a_refused_change_of_a_queued_message_asks_to_try_again() -> None:
    error = OutboxWriteError(DISK_FULL, path=None, new_message=False)
    assert str(error) == (
        "the outbox on this computer could not be changed: the disk is full. Free some "
        "disk space, then try again"
    )
