"""Finding 8: a start-up fault gives one clear line and the right status, never a traceback.

Real processes (``python -m desktop_app --demo``) on real files: a data folder that
cannot be written is named as such (not "already running"), and a damaged outbox
or demo database is kept aside under a new name while the app starts afresh.
"""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.conftest import app_environment
from tests.security.filesystems import read_only_directory

ROOT = Path(__file__).resolve().parents[2]
GARBAGE = b"these bytes are no SQLite database \x00\xff" * 200
START_S = 60.0


def data_dir(home: Path) -> Path:
    """The app's data folder when XDG_DATA_HOME is ``home/data``."""
    return home / "data" / "SDM" / "SDM Desktop"


def environment(home: Path) -> dict[str, str]:
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    return app_environment(home, inherited)


def run_app(home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", "--demo"],
        capture_output=True,
        text=True,
        timeout=START_S,
        check=False,
        cwd=ROOT,
        env=env or environment(home),
    )


def start_then_quit(home: Path) -> tuple[int, list[str]]:
    """Start the app (``-v``), wait until it has started (its chat socket open: the
    databases are opened before), SIGTERM it: its status and stderr lines."""
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--demo", "-v"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=environment(home),
    )
    assert process.stderr is not None
    lines: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if "[ChatWS] Connected successfully" in line:
                started.set()
        started.set()  # ended before: the test sees why in the lines

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        started.wait(START_S)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        status = process.wait(START_S)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    reader.join(START_S)
    process.stderr.close()
    return status, lines


def assert_one_line(result: subprocess.CompletedProcess[str], expected: str) -> None:
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "XDG_RUNTIME_DIR" not in line]
    assert lines == [f"sdm-desktop: error: {expected}"]


def test_a_read_only_data_folder_is_named_not_taken_for_a_running_instance(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    with read_only_directory(data_dir(home)) as folder:
        result = run_app(home)
    reason = "the disk is read-only" if os.geteuid() == 0 else "this folder may not be written"
    assert_one_line(
        result,
        f"cannot write to the data folder {folder}: {reason}. Make it writable for this "
        "user (or free some disk space), then start SDM Desktop again",
    )
    assert "already running" not in result.stderr


def test_a_data_folder_that_cannot_be_created_is_named(tmp_path: Path) -> None:
    # Works for root too: no folder can be made inside a regular file.
    home = tmp_path / "home"
    home.mkdir()
    (home / "data").write_text("a file where the data folder should be\n")
    result = run_app(home)
    assert_one_line(
        result,
        f"cannot write to the data folder {data_dir(home)}: a part of its path is a file, "
        "not a folder. Make it writable for this user (or free some disk space), then "
        "start SDM Desktop again",
    )


@pytest.mark.parametrize("name", ["outbox.sqlite3", "demo-server.sqlite"])
def test_a_damaged_database_is_kept_aside_and_the_app_starts_afresh(
    tmp_path: Path, name: str
) -> None:
    home = tmp_path / "home"
    folder = data_dir(home)
    folder.mkdir(parents=True)
    (folder / name).write_bytes(GARBAGE)

    status, lines = start_then_quit(home)

    assert status == 0, "\n".join(lines)
    assert not any("Traceback" in line for line in lines), "\n".join(lines)
    kept = sorted(folder.glob(f"{name}.damaged-*"))
    assert len(kept) == 1, sorted(folder.iterdir())
    assert re.fullmatch(rf"{re.escape(name)}\.damaged-\d{{8}}T\d{{6}}", kept[0].name)
    assert kept[0].read_bytes() == GARBAGE
    assert kept[0].stat().st_mode & 0o077 == 0
    said = [line for line in lines if str(kept[0]) in line]
    assert len(said) == 1, "\n".join(lines)
    assert re.search(
        rf"WARNING desktop_app[.a-z_]*: The (outbox|demo data) file "
        rf"{re.escape(str(folder / name))} "
        rf"was damaged: it was kept as {re.escape(str(kept[0]))} and a new one was started",
        said[0],
    ), said[0]
    # A working database in its place.
    with sqlite3.connect(folder / name) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    conn.close()
