"""Take a screenshot of the real app window after one exchange with the demo assistant.

    python build_scripts/screenshot.py OUTPUT.png [--size 1100x720] [--timeout 60]
                                       [--color-scheme light|dark|system]
                                       [--language en|de|...]

It runs the app as ``python -m desktop_app`` does (``desktop_app.app.run`` on a
qasync loop, the embedded demo server), with its own temporary settings and
demo data so that nothing of the user's is read or changed. It waits until the
status bar says Connected, sends one message, waits until the assistant has
replied and is idle again, then saves the window as a PNG and closes it.

``--color-scheme dark`` draws the window in the app's dark scheme (the README's
docs/screenshot-dark.png); the default, ``system``, is what the display's
desktop says (Xvfb: none, so light).

``--language de`` installs the German catalogs as the app does at start
(:func:`desktop_app.ui.translation.install_translations`, before any widget):
the README's docs/screenshot-de.png. The default, ``en``, is the source text
(docs/screenshot.png); ``system`` is what the computer says.

Qt uses whatever ``QT_QPA_PLATFORM`` says: ``xcb`` under Xvfb gives a real X11
window (the docs' screenshot), ``offscreen`` works without any display.
Exit status: 0 on success, 1 when a step times out or the app fails, 2 for
bad arguments.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import qasync
from PySide6.QtCore import QCoreApplication, QSettings, QSize, Qt
from PySide6.QtGui import QImage, QImageWriter
from PySide6.QtWidgets import QApplication

from desktop_app import __version__
from desktop_app.app import run
from desktop_app.core.config import DEMO_SERVER, AppConfig
from desktop_app.core.frames import Role
from desktop_app.core.presence import Presence
from desktop_app.ui.main_window import MainWindow
from desktop_app.ui.network import ManualNetworkSource
from desktop_app.ui.settings import Settings
from desktop_app.ui.translation import install_translations

#: What the screenshot's user asks (no "summary": that would start a PDF and change the banner).
MESSAGE = (
    "My doctor offered surgery or physiotherapy for my knee. "
    "How can we decide together which one suits me?"
)
POLL_S = 0.05
SETTLE_S = 0.5  # after the last change: the layout and the last repaints settle
SHUTDOWN_TIMEOUT_S = 15.0  # closing the sockets and the embedded server


class ScreenshotError(Exception):
    """The screenshot could not be taken; the message says why, for the terminal."""


def parse_size(text: str) -> QSize:
    """``"1100x720"`` -> ``QSize(1100, 720)``; argparse reports a bad value."""
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WIDTHxHEIGHT, e.g. 1100x720: {text!r}"
        ) from None
    if width < 200 or height < 200:
        raise argparse.ArgumentTypeError(f"too small for the window: {text!r}")
    return QSize(width, height)


class Capture:
    """Drives one window from start to screenshot; ``step`` says what it waits for."""

    def __init__(
        self,
        output: Path,
        size: QSize,
        timeout_s: float,
        color_scheme: str = "system",
        language: str = "en",
    ) -> None:
        self.output = output
        self.color_scheme = color_scheme
        self.language = language
        self.size = size
        self.timeout_s = timeout_s
        self.step = "the window to open"
        self.status_events: list[str] = []

    async def wait_until(self, what: str, predicate: Callable[[], bool]) -> None:
        """Poll ``predicate`` while the loop runs the app; the overall deadline bounds it."""
        self.step = what
        # The conditions span several objects with no common signal: polling is simplest.
        while not predicate():  # noqa: ASYNC110
            await asyncio.sleep(POLL_S)

    async def run(self, app: QApplication) -> str:
        """Run the app, take the screenshot, close the window; return a one-line report."""
        with tempfile.TemporaryDirectory(
            prefix="sdm-screenshot-", ignore_cleanup_errors=True
        ) as tmp:
            settings = Settings(
                QSettings(str(Path(tmp) / "settings.ini"), QSettings.Format.IniFormat)
            )
            options = AppConfig(
                server=DEMO_SERVER, color_scheme=self.color_scheme, language=self.language
            )
            ready: asyncio.Future[MainWindow] = asyncio.get_running_loop().create_future()
            app_task = asyncio.ensure_future(
                run(
                    options,
                    app,
                    settings=settings,
                    network=ManualNetworkSource(),
                    demo_data=Path(tmp) / "demo.sqlite",
                    outbox_path=Path(tmp) / "outbox.sqlite3",
                    window_ready=ready,
                )
            )
            window: MainWindow | None = None
            try:
                async with asyncio.timeout(self.timeout_s):
                    first: set[asyncio.Future[Any]] = {ready, app_task}
                    await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
                    if not ready.done():
                        app_task.result()  # raises what stopped the app
                        raise ScreenshotError("the app stopped before its window opened")
                    window = ready.result()
                    report = await self._drive(window)
            except TimeoutError:
                raise ScreenshotError(
                    f"timed out after {self.timeout_s:g} s waiting for {self.step}"
                ) from None
            finally:
                await _shut_down(window, app_task)
        return report

    async def _drive(self, window: MainWindow) -> str:
        window.bridge.status_event.connect(
            lambda event: self.status_events.append(str(event.get("type")))
        )
        # The status bar's word, in the window's language.
        connected = QCoreApplication.translate("ConnectionIndicator", "Connected")
        window.resize(self.size)
        handle = window.windowHandle()
        await self.wait_until(
            "the window to be shown at the requested size",
            lambda: handle is not None and handle.isExposed() and window.size() == self.size,
        )
        await self.wait_until(
            "the status bar to say Connected",
            lambda: (
                window.indicator.presence is Presence.CONNECTED
                and connected in window.indicator.text()
            ),
        )
        await self.wait_until(
            "the new conversation and its history",
            lambda: (
                window.conversation_id is not None
                and window.tasks.pending == 0
                and window.composer.isEnabled()
            ),
        )
        window.composer.setPlainText(MESSAGE)
        window.on_send()
        await self.wait_until(
            "the assistant's reply in the transcript",
            lambda: [e.role for e in window.transcript.entries()] == [Role.USER, Role.BOT],
        )
        # The demo assistant ends each reply with thinking_end, extraction_start,
        # extraction_complete: the banner is idle for good only after the last.
        await self.wait_until(
            "the assistant status banner to be idle",
            lambda: (
                "extraction_complete" in self.status_events and window.ai_status.label.text() == ""
            ),
        )
        await asyncio.sleep(SETTLE_S)
        await self.wait_until(
            "the status bar to say Connected",
            lambda: (
                window.indicator.presence is Presence.CONNECTED
                and not window.statusBar().currentMessage()
            ),
        )
        self.step = "the screenshot"
        image = window.grab().toImage()
        if image.size() != self.size:
            # A high-DPI screen (device pixel ratio > 1): keep the requested size.
            image = image.scaled(
                self.size,
                Qt.AspectRatioMode.IgnoreAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        self.output.parent.mkdir(parents=True, exist_ok=True)
        writer = QImageWriter(str(self.output), b"png")  # PNG whatever the file's suffix
        if not writer.write(image.convertToFormat(QImage.Format.Format_RGB32)):
            raise ScreenshotError(f"could not write {self.output}: {writer.errorString()}")
        return (
            f"wrote {self.output} ({image.width()}x{image.height()}, "
            f"platform {QApplication.platformName()}): "
            f"status bar {window.indicator.text()!r}, "
            f"{len(window.transcript.entries())} messages"
        )


async def _shut_down(window: MainWindow | None, app_task: asyncio.Future[int]) -> None:
    """Close the window like the user would (sockets, then the server close), or cancel."""
    if window is not None:
        window.close()
    else:
        app_task.cancel()
    try:
        async with asyncio.timeout(SHUTDOWN_TIMEOUT_S):
            await asyncio.gather(app_task, return_exceptions=True)
    except TimeoutError:
        print("screenshot.py: the app did not shut down in time", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run the capture on a qasync loop, report the outcome."""
    parser = argparse.ArgumentParser(
        prog="screenshot.py", description="Screenshot the SDM Desktop window (demo server)."
    )
    parser.add_argument("output", type=Path, metavar="OUTPUT.png")
    parser.add_argument(
        "--size", type=parse_size, default=QSize(1100, 720), help="WIDTHxHEIGHT (1100x720)"
    )
    parser.add_argument(
        "--timeout", type=float, default=60.0, help="seconds for the whole run (60)"
    )
    parser.add_argument(
        "--color-scheme",
        choices=("system", "light", "dark"),
        default="system",
        help="the app's colours (system: what the desktop says)",
    )
    parser.add_argument(
        "--language",
        default="en",
        help='the app\'s language: "en" (the source text), "de", "system" (the computer\'s)',
    )
    args = parser.parse_args(argv)

    app = QApplication(sys.argv[:1])
    app.setOrganizationName("SDM")
    app.setApplicationName("SDM Desktop")
    app.setApplicationVersion(__version__)
    app.setQuitOnLastWindowClosed(False)  # the loop stops after the app's shutdown
    app.setCursorFlashTime(0)  # no blinking: the same picture every time
    # As the app's start() does: after the QApplication, before any widget.
    install_translations(app, args.language)
    capture = Capture(args.output, args.size, args.timeout, args.color_scheme, args.language)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            report = loop.run_until_complete(capture.run(app))
    except ScreenshotError as exc:
        print(f"screenshot.py: {exc}", file=sys.stderr)
        return 1
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
