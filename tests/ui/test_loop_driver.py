"""The UI tests' loop driver runs Qt and asyncio together."""

from __future__ import annotations

import asyncio

import pytest
from PySide6.QtCore import QTimer

from tests.ui.conftest import LoopDriver


def test_qt_timers_and_asyncio_tasks_both_run(driver: LoopDriver) -> None:
    fired: list[str] = []
    QTimer.singleShot(10, lambda: fired.append("qt"))
    driver.loop.call_later(0.01, fired.append, "asyncio")
    driver.wait_until(lambda: len(fired) == 2)
    assert sorted(fired) == ["asyncio", "qt"]


def test_wait_until_fails_after_its_deadline(driver: LoopDriver) -> None:
    with pytest.raises(AssertionError, match=r"not met within 0\.1 s"):
        driver.wait_until(lambda: False, timeout=0.1)
    assert driver.run(asyncio.sleep(0, result=7)) == 7  # no time: a coroutine's result
