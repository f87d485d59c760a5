"""The app's own folders and files on a real file system: private modes, damaged files set aside."""

from __future__ import annotations

import os
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from desktop_app.core.errors import LocalFileError
from desktop_app.store.files import make_private, private_directory, set_aside

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")

MOMENT = datetime(2026, 12, 6, 10, 15, 0, tzinfo=UTC)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def test_a_new_folder_and_its_owned_parent_are_private(tmp_path: Path) -> None:
    folder = tmp_path / "data" / "SDM" / "SDM Desktop"
    (tmp_path / "data").mkdir(mode=0o755)
    (tmp_path / "data").chmod(0o755)

    assert private_directory(folder, owned_parents=1) == folder

    assert (mode(folder), mode(folder.parent)) == (0o700, 0o700)
    assert mode(tmp_path / "data") == 0o755  # not the app's: left alone
    assert list(folder.iterdir()) == []  # the write test left nothing behind


def test_a_folder_inside_a_file_is_named_with_the_reason(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(LocalFileError) as caught:
        private_directory(tmp_path / "file" / "data")
    assert caught.value.path == tmp_path / "file" / "data"
    assert caught.value.reason == "a part of its path is a file, not a folder"


def test_make_private_closes_what_an_older_version_left_open(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    (folder / "sub").mkdir(parents=True)
    for path, old in ((folder, 0o755), (folder / "sub", 0o775)):
        path.chmod(old)
    (folder / "demo.sqlite").write_text("")
    (folder / "demo.sqlite").chmod(0o644)
    (folder / "sub" / "strict").write_text("")
    (folder / "sub" / "strict").chmod(0o400)
    outside = tmp_path / "outside"
    outside.write_text("")
    outside.chmod(0o644)
    (folder / "link").symlink_to(outside)

    make_private(folder)

    assert mode(folder) == mode(folder / "sub") == 0o700
    assert mode(folder / "demo.sqlite") == 0o600
    assert mode(folder / "sub" / "strict") == 0o400  # stricter stays
    assert mode(outside) == 0o644  # a link is not followed
    make_private(tmp_path / "missing")  # nothing to do


def test_make_private_without_contents_touches_the_folder_only(tmp_path: Path) -> None:
    (tmp_path / "org").mkdir(mode=0o755)
    (tmp_path / "org").chmod(0o755)
    (tmp_path / "org" / "config.toml").write_text("")
    (tmp_path / "org" / "config.toml").chmod(0o644)
    make_private(tmp_path / "org", contents=False)
    assert (mode(tmp_path / "org"), mode(tmp_path / "org" / "config.toml")) == (0o700, 0o644)


def test_a_damaged_database_is_set_aside_with_its_companions(tmp_path: Path) -> None:
    database = tmp_path / "outbox.sqlite3"
    database.write_bytes(b"garbage")
    Path(f"{database}-wal").write_bytes(b"wal")
    database.chmod(0o644)

    kept = set_aside(database, now=MOMENT)

    assert kept == tmp_path / "outbox.sqlite3.damaged-20261206T101500"
    assert kept.read_bytes() == b"garbage"
    assert Path(f"{kept}-wal").read_bytes() == b"wal"
    assert not database.exists()
    assert not Path(f"{database}-wal").exists()
    assert mode(kept) == 0o600


def test_setting_aside_twice_in_one_second_keeps_both(tmp_path: Path) -> None:
    database = tmp_path / "demo-server.sqlite"
    database.write_bytes(b"first")
    first = set_aside(database, now=MOMENT)
    database.write_bytes(b"second")
    second = set_aside(database, now=MOMENT)
    assert second.name == "demo-server.sqlite.damaged-20261206T101500-2"
    assert (first.read_bytes(), second.read_bytes()) == (b"first", b"second")
    assert sorted(os.listdir(tmp_path)) == sorted([first.name, second.name])
