"""B6's baseline: a bare PySide6 window; prints ``Main window shown`` at its first paint.

``python -m bench.bare_window``: a QApplication and an empty QMainWindow of the
app's size, shown; at the window's first paint event the line goes to stderr
(as the app logs it with ``--verbose``) and the process exits.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

SHOWN = "Main window shown"


class _ExitAtFirstPaint(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            print(SHOWN, file=sys.stderr, flush=True)
            QApplication.exit(0)
        return False


def main() -> int:
    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.setWindowTitle("Bare window")
    window.resize(1000, 700)
    window.installEventFilter(_ExitAtFirstPaint(window))
    window.show()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
