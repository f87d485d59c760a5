"""A session in a real app process: ``python -m tests.security.app_session [app options]``.

Runs :func:`desktop_app.launcher.main` as ``sdm-desktop`` would (its umask, its folders,
its settings, its lock), and once the window is shown does what a person does in
a short session: sends a message asking for a summary, waits for the reply and the
summary, saves the summary into ``$HOME/Documents``, and quits. Prints ``session
done`` on success; any failure ends the process with a traceback (status 1).
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import desktop_app.app as app_module
from desktop_app import launcher
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.ui.main_window import MainWindow

STEP_S = 30.0
MESSAGE = "Please write my summary"


async def until(predicate: Callable[[], object]) -> None:
    async with asyncio.timeout(STEP_S):
        while not predicate():
            await asyncio.sleep(0.02)  # polling with a deadline (STEP_S): each look is the check


async def session(window: MainWindow) -> None:
    await until(lambda: window.indicator.presence is Presence.CONNECTED)
    window.composer.setPlainText(MESSAGE)
    window.on_send()
    await until(lambda: any(e.role is Role.BOT for e in window.transcript.entries()))
    await until(window.ai_status.download_button.isVisible)
    conversation = window.conversation_id
    assert conversation is not None
    destination = Path.home() / "Documents" / "summary.pdf"
    window.on_download_summary()  # the button's slot: the save dialog opens
    dialog = window.save_dialog
    assert dialog is not None
    dialog.selectFile(str(destination))
    dialog.accept()  # as the Save button does
    await until(lambda: getattr(window, "summary_saved_box", None) is not None)
    assert destination.read_bytes().startswith(b"%PDF")


def main() -> int:
    original_run = app_module.run

    async def run(*args: Any, **kwargs: Any) -> int:
        ready: asyncio.Future[MainWindow] = asyncio.get_running_loop().create_future()
        app_run = asyncio.ensure_future(original_run(*args, window_ready=ready, **kwargs))
        racing: list[asyncio.Future[Any]] = [app_run, ready]
        await asyncio.wait(racing, return_when=asyncio.FIRST_COMPLETED)
        if app_run.done():
            return app_run.result()
        window = ready.result()
        try:
            await session(window)
        finally:
            window.quit_app()
        status = await app_run
        print("session done", flush=True)
        return status

    app_module.run = run
    return launcher.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
