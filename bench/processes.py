"""What several benchmarks share beyond their rows: child processes, memory, loop lag.

- :func:`run_child` runs one case of a benchmark in a fresh interpreter
  (``python -m bench.<module> --child ...``) and reads the JSON figures it prints
  last: memory and CPU figures must not leak between cases.
- :class:`ServerProcess` runs a server module in a process of its own, so that it
  does not compete for the measured interpreter; the module prints ``port N``
  once it listens and stops when its stdin closes.
- :func:`rss_kib` and :class:`LagProbe` are the two measures taken inside a case.
"""

from __future__ import annotations

import asyncio
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType
from typing import Any, Self

ROOT = Path(__file__).resolve().parent.parent


def run_child(module: str, *args: object, timeout_s: float = 900) -> dict[str, Any]:
    """``python -m bench.<module> --child ARGS``: the JSON object it printed last."""
    done = subprocess.run(
        [sys.executable, "-m", f"bench.{module}", "--child", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{module} child {args} failed:\n{done.stderr[-3000:]}")
    figures: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


class ServerProcess:
    """``python -m bench.<module> ARGS`` serving on 127.0.0.1 (a context manager)."""

    def __init__(self, module: str, *args: object) -> None:
        self._command = [sys.executable, "-m", f"bench.{module}", *map(str, args)]
        self._name = module
        self._process: subprocess.Popen[str] | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        process = self._process = subprocess.Popen(
            self._command, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("port "):
            self.stop()
            raise RuntimeError(f"the {self._name} server did not start")
        self.port = int(line.split()[1])

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def rss_kib() -> int:
    """This process's resident set size, after a full collection."""
    gc.collect()
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def mb(kib: float) -> str:
    return f"{kib / 1024:.1f} MB"


class LagProbe:
    """Every ``interval`` s, record how late the loop ran the probe (seconds)."""

    def __init__(self, interval: float = 0.010) -> None:
        self.interval = interval
        self.lags: list[float] = []
        self._handle: asyncio.TimerHandle | None = None
        self._due = 0.0

    def start(self) -> None:
        self._due = time.monotonic() + self.interval
        self._handle = asyncio.get_running_loop().call_later(self.interval, self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.lags.append(max(0.0, now - self._due))
        self._due = now + self.interval
        self._handle = asyncio.get_running_loop().call_later(self.interval, self._tick)

    def stop(self) -> list[float]:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        return self.lags
