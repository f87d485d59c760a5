"""The sign-in dialog: the platform's form login, with the session kept in the client's jar.

The password goes to the server and nowhere else: it is not stored, not
logged, and the field is cleared once the attempt is over.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.core.errors import SdmError
from desktop_app.net.http import PlatformClient, SignInFailed

logger = logging.getLogger("desktop_app.ui")

WRONG_PASSWORD = "Wrong email or password. Please try again."


class SignInDialog(QDialog):
    """Asks for email and password and signs in; :meth:`ask` says whether it worked."""

    def __init__(
        self,
        client: PlatformClient,
        server_label: str,
        *,
        demo_account: tuple[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._client = client
        self._attempt: asyncio.Task[None] | None = None
        self.setWindowTitle("Sign in")
        self.setModal(True)
        intro = QLabel(f"Sign in to {server_label} to open your conversations.", self)
        intro.setWordWrap(True)
        self.email = QLineEdit(self)
        self.email.setAccessibleName("Email")
        self.password = QLineEdit(self)
        self.password.setAccessibleName("Password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setObjectName("signInError")
        self.error.setStyleSheet("QLabel#signInError { color: #b3261e; }")
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign in")
        self.buttons.accepted.connect(self.on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Email:", self.email)
        form.addRow("&Password:", self.password)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        if demo_account is not None:
            hint = QLabel(
                f"Demo server account: <b>{demo_account[0]}</b> / <b>{demo_account[1]}</b>", self
            )
            hint.setObjectName("demoAccountHint")
            layout.addWidget(hint)
            self.email.setText(demo_account[0])
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if self.email.text() else self.email).setFocus()

    async def ask(self) -> bool:
        """Show the dialog (window-modal, without a nested event loop); True once signed in."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_finished(result: int) -> None:
            if not done.done():
                done.set_result(result)

        self.finished.connect(on_finished)
        self.open()
        return await done == QDialog.DialogCode.Accepted

    def on_sign_in_clicked(self) -> None:
        if self._attempt is not None and not self._attempt.done():
            return
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self._show_error("Enter your email and password.")
            return
        self._set_busy(True)
        self._attempt = asyncio.get_event_loop().create_task(self._sign_in(email, password))

    async def _sign_in(self, email: str, password: str) -> None:
        try:
            await self._client.sign_in(email, password)
        except SignInFailed:
            logger.info("Sign-in refused: wrong email or password")
            self._show_error(WRONG_PASSWORD)
        except SdmError as exc:
            self._show_error(str(exc))
        else:
            logger.info("Signed in")
            self.password.clear()
            self.accept()
            return
        finally:
            self._set_busy(False)
        self.password.clear()
        self.password.setFocus()

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.email, self.password, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.error.setVisible(False)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
