"""Settings shared by every test: Qt runs offscreen unless a test asks for a real display,
asyncio's own complaints fail the test that caused them, and property tests run with
a fixed, reproducible budget.

Hypothesis profiles: ``suite`` (the default, CI included) is a small budget with
``derandomize``, so each run draws the same examples from a seed derived from the
test itself: reproducible on any machine, it cannot flake (no example database,
no deadline, no "too slow" health check: CI has two slow cores). ``thorough``
explores: a fixed large budget, a fresh seed each run (``--hypothesis-seed=N``
repeats one). ``HYPOTHESIS_PROFILE=thorough`` (or ``--hypothesis-profile``) chooses
it; ``python -m bench.properties`` runs it and counts the examples.
"""

from __future__ import annotations

import gc
import logging
import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

_PROPERTY_TESTS = settings(
    settings.get_profile("default"),
    database=None,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("suite", _PROPERTY_TESTS, max_examples=40, derandomize=True)
settings.register_profile(
    "thorough", _PROPERTY_TESTS, max_examples=2_000, stateful_step_count=80, derandomize=False
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

# Before anything imports Qt. A test that wants Xvfb sets DISPLAY for its own subprocess.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def app_environment(home: Path, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment of an app process with a home of its own: no real settings,
    config file, data or password store are read or written, and Qt runs offscreen."""
    return {
        **(os.environ if base is None else base),
        "QT_QPA_PLATFORM": "offscreen",
        # No password store: the session is not kept, the app asks at each start.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
    }


def run_app(
    home: Path,
    *arguments: str,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout_s: float = 60.0,
) -> subprocess.CompletedProcess[str]:
    """``python -m desktop_app ARGUMENTS`` to its end, with a home of its own
    (:func:`app_environment`), none of the person's ``SDM_*`` variables (they would be
    settings of the run) and ``env`` on top; ``stdin`` piped in."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app", *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout_s,
        check=False,
        cwd=Path(__file__).resolve().parents[1],
        env={**app_environment(home, inherited), **(env or {})},
    )


#: What asyncio says when a nested event loop (a dialog's ``exec()``) ran inside a task
#: and another task woke meanwhile, or when a task was dropped while still pending. An
#: app process's log must not contain them either (:func:`asyncio_trouble`).
ASYNCIO_TROUBLE = (
    "Cannot enter into task",
    "Cannot leave task",
    "Task was destroyed but it is pending",
    "Task exception was never retrieved",
    "Exception in callback",
    "was never awaited",
)


def asyncio_trouble(log: str) -> list[str]:
    """The lines of an app process's ``log`` in which asyncio reports trouble."""
    return [line for line in log.splitlines() if any(t in line for t in ASYNCIO_TROUBLE)]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def pytest_collection_finish(session: pytest.Session) -> None:
    """Every test module is imported: freeze what the imports built (Qt, hypothesis, the
    app's modules), so that the guard's ``gc.collect()`` after each test walks only what
    tests made since. Unfrozen, that walk took about 0.12 s a test (measured: tests/core
    33 s, frozen 1.9 s; the whole suite 466 s, frozen 335 s). A frozen object is never
    collected, which costs memory only: a task a test drops is made after the freeze
    and is still found (tests/test_asyncio_guard.py).
    """
    gc.freeze()


@pytest.fixture(autouse=True)
def _asyncio_guard() -> Iterator[None]:
    """Fail any test during which asyncio logged an error: a task re-entered (a nested
    event loop ran inside a task), a task destroyed while pending, an exception that no
    one retrieved. Such errors are logged, not raised, so a test would pass without this.
    """
    recorder = _Recorder()
    # qasync's loop reports through its own logger, plain asyncio through "asyncio".
    loggers = [logging.getLogger(name) for name in ("asyncio", "qasync")]
    for logger in loggers:
        logger.addHandler(recorder)
    try:
        yield
        # A pending task the test dropped is reported when it is collected: now.
        gc.collect()
    finally:
        for logger in loggers:
            logger.removeHandler(recorder)
    if recorder.records:
        lines = []
        for record in recorder.records:
            exc = record.exc_info[1] if record.exc_info else None
            lines.append(record.getMessage() + (f" ({exc!r})" if exc is not None else ""))
        pytest.fail("asyncio reported errors:\n" + "\n".join(lines), pytrace=False)


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """A test that installs a language (``desktop_app.ui.translation``) leaves none
    behind: the default locale and the application's translators are put back, or a
    later test would read its times or words in that language."""
    from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

    locale = QLocale()
    yield
    QLocale.setDefault(locale)
    app = QCoreApplication.instance()
    if app is not None:
        for translator in app.findChildren(QTranslator):
            app.removeTranslator(translator)
            translator.setParent(None)
