"""Finding 6: nothing SDM Desktop writes can be read by another user of the computer.

A real app process (:mod:`tests.security.app_session`) runs a session on the
embedded demo server in a home of its own, over the files an older version left
readable by everyone (a 0755 data folder, a 0644 demo database and settings
file); then every folder and file in that home is checked: 0700 and 0600, or
stricter, nothing for the group or others.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import app_environment

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def shared_with_others(home: Path) -> list[str]:
    """Every folder and file under ``home`` that its group or others may use."""
    found = []
    for folder, folders, files in os.walk(home):
        for name in [*folders, *files]:
            path = Path(folder, name)
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                continue
            if mode & 0o077:
                found.append(f"{oct(stat.S_IMODE(mode))} {path.relative_to(home)}")
    return sorted(found)


def leave_files_like_an_older_version(home: Path) -> dict[str, Path]:
    """The data folder, demo database and settings file as older versions made them."""
    # The XDG base folders are the user's (private here); the app's folders in them
    # were made 0755 by an older version.
    for base in (home / "data", home / "config"):
        base.mkdir(mode=0o700)
    data = home / "data" / "SDM" / "SDM Desktop"
    data.mkdir(parents=True)
    for folder in (home / "data" / "SDM", data):
        folder.chmod(0o755)
    demo = data / "demo-server.sqlite"
    with sqlite3.connect(demo) as conn:
        conn.execute(
            "CREATE TABLE conversations (id TEXT PRIMARY KEY, title TEXT NOT NULL,"
            " created_at TEXT NOT NULL)"
        )
    conn.close()
    demo.chmod(0o644)
    settings = home / "config" / "SDM" / "SDM Desktop.conf"
    settings.parent.mkdir()
    settings.parent.chmod(0o755)
    settings.write_text("[window]\n", encoding="utf-8")
    settings.chmod(0o644)
    documents = home / "Documents"
    documents.mkdir(mode=0o700)
    return {"data": data, "demo": demo, "settings": settings, "documents": documents}


def test_a_session_leaves_no_file_readable_by_others(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    places = leave_files_like_an_older_version(home)
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    result = subprocess.run(
        [sys.executable, "-m", "tests.security.app_session", "--demo"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
        # A relaxed umask, as many desktops have: the app must not rely on the user's.
        env=app_environment(home, inherited),
        preexec_fn=lambda: os.umask(0o022),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "session done"
    assert "Traceback" not in result.stderr

    # The session wrote what it should: the outbox, the demo data, the settings, the PDF.
    assert (places["data"] / "outbox.sqlite3").is_file()
    assert places["demo"].stat().st_size > 0
    assert "conversations" in places["settings"].read_text(encoding="utf-8")
    assert (places["documents"] / "summary.pdf").is_file()
    assert shared_with_others(home) == []


def test_the_demo_servers_own_entry_keeps_its_data_file_private(tmp_path: Path) -> None:
    data = tmp_path / "demo.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.demo", "--port", "0", "--data", str(data)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        preexec_fn=lambda: os.umask(0o022),
    )
    assert process.stdout is not None
    try:
        first = process.stdout.readline()  # printed once it listens (the file is open)
        assert first.startswith("SDM demo server on http://127.0.0.1:"), first
    finally:
        process.terminate()
        assert process.wait(30) == 0
        process.stdout.close()
    assert shared_with_others(tmp_path) == []
    assert data.is_file()
