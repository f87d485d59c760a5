"""A child process whose log is read line by line, with a deadline for each wait.

A thread reads the output as it comes, so a wait ends at its deadline even when
the process is silent, and the process never blocks on a full pipe. Every line
is kept, for failure messages.
"""

from __future__ import annotations

import subprocess
import threading
import time
from collections.abc import Mapping, Sequence

#: One step of a journey: generous, for a small and busy machine.
STEP_S = 60.0


class LoggedProcess:
    """``args`` run with ``env``; stdout and stderr together are its log."""

    def __init__(self, name: str, args: Sequence[str], env: Mapping[str, str]) -> None:
        self.name = name
        self.process = subprocess.Popen(
            list(args),
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        self.lines: list[str] = []
        self._cursor = 0  # the lines before it were looked at by a wait
        self._ended = False
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, name=f"{name} log", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout as output:
            for line in output:
                with self._changed:
                    self.lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self._ended = True
            self._changed.notify_all()

    @property
    def log(self) -> str:
        with self._changed:
            return "".join(self.lines)

    def matching(self, fragment: str) -> list[str]:
        """Every line so far that contains ``fragment``."""
        with self._changed:
            return [line for line in self.lines if fragment in line]

    def wait_for(self, fragment: str, timeout: float = STEP_S) -> str:
        """The next line (after those already waited for) containing ``fragment``."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                while self._cursor < len(self.lines):
                    line = self.lines[self._cursor]
                    self._cursor += 1
                    if fragment in line:
                        return line
                if self._ended:
                    status = self.process.wait()
                    raise AssertionError(
                        f"{self.name} exited (status {status}) before a line with {fragment!r}"
                    )
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"no line with {fragment!r} from {self.name} in {timeout} s"
                    )
                self._changed.wait(remaining)

    def exit_status(self, timeout: float) -> int:
        """Wait for the process to end by itself; its status (fails after ``timeout`` s)."""
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{self.name} still runs after {timeout} s") from None
        self._reader.join(timeout=STEP_S)  # the whole log is in ``lines`` now
        return status

    def kill(self) -> None:
        """SIGKILL, like a crash; waits until it is gone."""
        self.process.kill()
        self.process.wait()
        self._reader.join(timeout=STEP_S)

    def stop(self) -> None:
        """Stop it like a terminal would (SIGTERM), by force if it lingers. Idempotent."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=STEP_S)
