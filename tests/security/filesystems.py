"""Real hostile file systems for tests: a full disk and a read-only folder, no mocks.

Tests often run as root, where ``chmod 0500`` stops nothing. Then a read-only bind
mount does it for real, and a small ``tmpfs`` is a disk that fills up; both need the
right to mount (root in a container may lack it: the test is skipped, saying why).
"""

from __future__ import annotations

import contextlib
import errno
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def _mount(*arguments: str) -> str | None:
    """Run ``mount``; None when it worked, else why not."""
    try:
        result = subprocess.run(
            ["mount", *arguments], capture_output=True, text=True, timeout=10, check=False
        )
    except OSError as exc:
        return f"mount cannot run ({exc.strerror})"
    return None if result.returncode == 0 else (result.stderr.strip() or "mount failed")


def _umount(path: Path) -> None:
    subprocess.run(["umount", "-l", str(path)], capture_output=True, timeout=10, check=False)


@contextlib.contextmanager
def read_only_directory(path: Path) -> Iterator[Path]:
    """``path`` (created) as a folder this process cannot write into."""
    path.mkdir(parents=True, exist_ok=True)
    if not IS_ROOT:
        path.chmod(0o500)
        try:
            yield path
        finally:
            path.chmod(0o700)
        return
    # Root ignores the mode bits: a read-only bind mount of the folder onto itself.
    problem = _mount("--bind", str(path), str(path))
    if problem is None:
        problem = _mount("-o", "remount,ro,bind", str(path))
        if problem is not None:
            _umount(path)
    if problem is not None:
        pytest.skip(f"running as root, and a read-only bind mount is not allowed: {problem}")
    try:
        probe = path / ".probe"
        with pytest.raises(OSError, match="Read-only file system") as caught:
            probe.write_bytes(b"")
        assert caught.value.errno == errno.EROFS
        yield path
    finally:
        _umount(path)


@contextlib.contextmanager
def full_disk(path: Path, *, size_kib: int = 256) -> Iterator[Path]:
    """``path`` (created) as a small file system that is full (a ``tmpfs``, filled)."""
    path.mkdir(parents=True, exist_ok=True)
    problem = _mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(path))
    if problem is not None:
        pytest.skip(f"a small tmpfs (a disk that fills up) cannot be mounted: {problem}")
    try:
        filler = path / "filler"
        # Unbuffered: nothing is left to flush (and fail again) at close.
        with open(filler, "wb", buffering=0) as file, contextlib.suppress(OSError):
            while True:
                file.write(bytes(4096))
        with (
            pytest.raises(OSError, match="No space left") as caught,
            open(path / "probe", "wb", buffering=0) as probe,
        ):
            probe.write(bytes(4096))
        assert caught.value.errno == errno.ENOSPC
        yield path
    finally:
        _umount(path)
