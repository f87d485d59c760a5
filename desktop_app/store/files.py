"""The app's own folders and files: readable by this user only, and damaged ones set aside.

Everything SDM Desktop writes may hold patient information (messages waiting to
be sent, the demo server's conversations) or what lets someone listen in (the
conversation ids in the settings): folders are 0700 and files 0600. Two layers
make sure of it:

- :func:`restrict_umask` at the start of every entry point (the app, the console
  client, the demo server), before anything is created: what Qt, SQLite and the
  libraries create later (the settings file, ``-wal``/``-journal`` files, caches)
  is private from the start, whatever umask the session had;
- :func:`private_directory` and :func:`make_private` set the modes of what already
  exists, so that folders and files an older version created 0755/0644 are
  closed too (a umask only applies to new files).

A database that cannot be read (garbage, a torn copy) is not a reason to stop a
clinic's machine for good: :func:`set_aside` renames it (with its ``-wal``,
``-shm`` and ``-journal`` files) to ``<name>.damaged-<UTC time>``, where an
administrator can still look at it, and the caller starts with a new one.

On Windows the modes mean little (a user's profile is private by its ACLs);
the calls are harmless there.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

from desktop_app.core.errors import LocalFileError, why_not_written

logger = logging.getLogger("desktop_app.store.files")

#: No permission for the group or others on anything created from now on.
PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
#: The files SQLite keeps next to a database.
SQLITE_COMPANIONS = ("-wal", "-shm", "-journal")


def restrict_umask() -> None:
    """Create every later folder 0700 and file 0600 (at most), in this process."""
    os.umask(PRIVATE_UMASK)


def private_directory(path: Path, *, owned_parents: int = 0) -> Path:
    """``path`` as a folder only this user can use, created if missing, checked writable.

    ``owned_parents`` of its parents are the app's own too (the organisation's
    folder above the app's, say) and are made private as well. Raises
    :class:`~desktop_app.core.errors.LocalFileError` naming the folder when it
    cannot be created or written, whatever the reason (read-only disk, no
    permission, a file in the way, a full disk).
    """
    try:
        path.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        # Writable? Only a write tells: modes, ACLs, read-only mounts and root all differ.
        # (os.open, not tempfile: this runs before the first paint, tempfile costs ~3 ms.)
        probe = path / f".write-test-{os.getpid()}"
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
        os.unlink(probe)
    except OSError as exc:
        reason = why_not_written(exc)
        raise LocalFileError(
            f"cannot write to the data folder {path}: {reason}. Make it writable for this "
            "user (or free some disk space), then start SDM Desktop again",
            path=path,
            reason=reason,
        ) from exc
    for folder in [path, *list(path.parents)[:owned_parents]]:
        _chmod(folder, PRIVATE_DIR_MODE)
    return path


def make_private(path: Path, *, contents: bool = True) -> None:
    """Take away the group's and others' permissions on ``path``: a folder and, with
    ``contents``, all it holds (symbolic links are not followed), or a single file. A
    missing path is fine."""
    try:
        mode = path.lstat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISLNK(mode):
        return
    if not stat.S_ISDIR(mode):
        _chmod(path, PRIVATE_FILE_MODE)
        return
    _chmod(path, PRIVATE_DIR_MODE)
    if not contents:
        return
    for folder, folders, files in os.walk(path):
        for name in folders:
            _chmod(Path(folder, name), PRIVATE_DIR_MODE)
        for name in files:
            _chmod(Path(folder, name), PRIVATE_FILE_MODE)


def _chmod(path: Path, most: int) -> None:
    """Reduce ``path``'s mode to at most ``most`` (a stricter mode is kept).

    Best effort: a file system without modes, or a folder of another owner, is
    logged and left as it is; whether the app can write there is tested by writing.
    """
    try:
        mode = path.lstat().st_mode
        current = stat.S_IMODE(mode)
        if not stat.S_ISLNK(mode) and current & ~most:
            os.chmod(path, current & most)
    except FileNotFoundError:
        pass
    except OSError as exc:
        logger.warning("Cannot make %s private: %s", path, exc.strerror)


def is_damaged(exc: BaseException) -> bool:
    """Whether SQLite said the file is not a database, or a corrupt one."""
    import sqlite3  # only when a database failed: not before the first paint

    return isinstance(exc, sqlite3.DatabaseError) and (
        getattr(exc, "sqlite_errorcode", 0) & 0xFF
        in (sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT)
    )


def set_aside(path: Path, *, now: datetime | None = None) -> Path:
    """Rename a damaged database (and its companion files) out of the way; the new name.

    ``outbox.sqlite3`` becomes ``outbox.sqlite3.damaged-20261206T101500`` (UTC), and
    its ``-wal`` file ``outbox.sqlite3.damaged-20261206T101500-wal``, so that SQLite
    still finds them together. An existing name is never overwritten.
    """
    stamp = (now or datetime.now(UTC)).astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while any(Path(f"{target}{suffix}").exists() for suffix in ("", *SQLITE_COMPANIONS)):
        counter += 1
        target = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    os.replace(path, target)
    for suffix in SQLITE_COMPANIONS:
        with contextlib.suppress(FileNotFoundError):
            os.replace(f"{path}{suffix}", f"{target}{suffix}")
    make_private(target)
    return target
