"""The demo server in a process of its own, for benchmarks that must not share its memory or CPU."""

from __future__ import annotations

import contextlib
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def stop_process(process: subprocess.Popen[str], timeout_s: float = 20) -> None:
    """SIGTERM (a clean stop), then SIGKILL if it is not gone within ``timeout_s``."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()


@contextlib.contextmanager
def demo_server() -> Iterator[str]:
    """``python -m desktop_app.demo --port 0 --no-login``; its base URL."""
    process = subprocess.Popen(
        [sys.executable, "-m", "desktop_app.demo", "--port", "0", "--no-login"],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        line = process.stdout.readline()  # "SDM demo server on http://127.0.0.1:<port>"
        if " on http" not in line:
            raise RuntimeError("the demo server did not start")
        yield line.rsplit(" ", 1)[1].strip()
    finally:
        stop_process(process)
