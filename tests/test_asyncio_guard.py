"""The suite's asyncio guard (``tests/conftest.py``) fails a test that nests an event loop
inside a task, or drops a pending task: run on small tests of their own, it must fail
them, and pass a clean one."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

INNER_TESTS = """
import asyncio

from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from desktop_app.ui.loop import AppEventLoop


def test_a_dialog_exec_inside_a_task():
    # What QFileDialog.getSaveFileName() did from inside the "download summary" task:
    # Qt's event loop runs inside the task's step, and another task wakes meanwhile.
    app = QApplication.instance() or QApplication([])
    loop = AppEventLoop(app)
    asyncio.set_event_loop(loop)

    async def ticking():
        for _ in range(20):
            await asyncio.sleep(0.01)  # real time: a task that wakes while the nested loop runs

    async def modal():
        nested = QEventLoop()
        QTimer.singleShot(300, nested.quit)
        nested.exec()

    with loop:
        tasks = [loop.create_task(ticking()), loop.create_task(modal())]
        # Waited for by a plain callback, not a task: a task stranded by the nested
        # loop would never finish, and neither would the test.
        done = loop.create_future()
        loop.call_later(1.0, done.set_result, None)
        loop.run_until_complete(done)
        for task in tasks:
            task.cancel()


def test_a_task_dropped_while_pending():
    loop = asyncio.new_event_loop()
    task = loop.create_task(asyncio.Event().wait())
    loop.run_until_complete(asyncio.sleep(0))  # one turn, no time: the task starts
    loop.close()
    del task


def test_a_clean_task():
    async def fine():
        await asyncio.sleep(0)  # one turn, no time: a task that awaits and ends cleanly

    asyncio.run(fine())
"""


def test_the_guard_fails_a_nested_loop_and_a_dropped_task_and_passes_a_clean_test(
    tmp_path: Path,
) -> None:
    (tmp_path / "conftest.py").write_text("from tests.conftest import _asyncio_guard  # noqa\n")
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        cwd=tmp_path,
        env={
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "QT_QPA_PLATFORM": "offscreen",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    out = result.stdout + result.stderr
    # The guard fails a test at its teardown (an error, in pytest's words).
    assert "3 passed, 2 errors" in out, out
    assert "ERROR at teardown of test_a_dialog_exec_inside_a_task" in out, out
    assert "Cannot enter into task" in out, out
    assert "ERROR at teardown of test_a_task_dropped_while_pending" in out, out
    assert "Task was destroyed but it is pending" in out, out
    assert "ERROR at teardown of test_a_clean_task" not in out, out
