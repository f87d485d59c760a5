"""The sign-in dialog: the platform's form login, through the session controller.

Opened with ``open()`` (window-modal, no nested event loop); the sign-in runs in
a task of its own and the dialog closes itself when it worked. What follows a
sign-in (sockets reopened with the session, history, the outbox) is the session
layer's business, not the dialog's.

The password goes to the server and nowhere else: it is not stored, not
logged, and the field is cleared once the attempt is over. When the server is
plain http:// on another computer, the dialog says that the password crosses
the network unencrypted.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from desktop_app.control.session import SessionController
from desktop_app.core.errors import SdmError
from desktop_app.net.http import HttpError, SignInFailed
from desktop_app.ui.appearance import current_colours, follow_palette, set_style_sheet
from desktop_app.ui.plain_text import plain_label
from desktop_app.ui.server_banner import insecure_warning

logger = logging.getLogger("desktop_app.ui")

# The errors in English (tests compare with them); the dialog translates them.
WRONG_PASSWORD = "Wrong email or password. Please try again."
UNREACHABLE = "The server cannot be reached. Check the network connection, then try again."
REFUSED = "The server refused the sign-in. Try again; if it keeps failing, tell your administrator."


class SignInDialog(QDialog):
    """Asks for email and password and signs in; accepted once signed in."""

    def __init__(
        self,
        session: SessionController,
        server_label: str,
        *,
        demo_account: tuple[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self._attempt: asyncio.Task[None] | None = None
        self.setWindowTitle(self.tr("Sign in"))
        self.setModal(True)
        intro = QLabel(
            self.tr("Sign in to {server} to open your conversations.").format(server=server_label),
            self,
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.email = QLineEdit(self)
        self.email.setAccessibleName(self.tr("Email"))
        self.password = QLineEdit(self)
        self.password.setAccessibleName(self.tr("Password"))
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setObjectName("signInError")
        follow_palette(self.error, lambda: _error_colour(self.error, ""))
        self.error.setWordWrap(True)
        self.error.setVisible(False)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(self.tr("Sign in"))
        self.buttons.accepted.connect(self.on_sign_in_clicked)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        for text, field in (
            (self.tr("&Email:"), self.email),
            (self.tr("&Password:"), self.password),
        ):
            label = plain_label(text, self)
            label.setBuddy(field)
            form.addRow(label, field)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        self.insecure_warning: QLabel | None = None
        if session.client.endpoints.sends_password_in_clear:
            warning = QLabel(insecure_warning(), self)
            warning.setTextFormat(Qt.TextFormat.PlainText)
            warning.setWordWrap(True)
            warning.setObjectName("insecureWarning")
            follow_palette(warning, lambda: _error_colour(warning, " font-weight: bold;"))
            layout.addWidget(warning)
            self.insecure_warning = warning
        layout.addLayout(form)
        if demo_account is not None:
            email, password = demo_account
            hint = QLabel(
                #: The demo server's made-up account: its email, then its password.
                self.tr("Demo server account: {email} / {password}").format(
                    email=email, password=password
                ),
                self,
            )
            hint.setTextFormat(Qt.TextFormat.PlainText)
            hint.setObjectName("demoAccountHint")
            layout.addWidget(hint)
            self.email.setText(demo_account[0])
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        (self.password if self.email.text() else self.email).setFocus()

    def done(self, result: int) -> None:
        # Cancelled or closed meanwhile: an attempt still on its way is not needed.
        attempt = self._attempt
        if attempt is not None and not attempt.done() and attempt is not asyncio.current_task():
            attempt.cancel()
        super().done(result)

    def on_sign_in_clicked(self) -> None:
        if self._attempt is not None and not self._attempt.done():
            return
        email, password = self.email.text().strip(), self.password.text()
        if not email or not password:
            self._show_error(self.tr("Enter your email and password."))
            return
        self._set_busy(True)
        self._attempt = asyncio.get_event_loop().create_task(
            self._sign_in(email, password), name="sign in"
        )

    async def _sign_in(self, email: str, password: str) -> None:
        try:
            await self._session.sign_in(email, password)
        except SignInFailed:
            logger.info("Sign-in refused: wrong email or password")
            self._show_error(self.tr("Wrong email or password. Please try again."))
        except HttpError as exc:
            # The details (status, library text) are for the diagnostics, not this label.
            logger.warning("Sign-in failed: HTTP %s", exc.status)
            self._show_error(self._unreachable() if exc.status is None else self._refused())
        except SdmError as exc:
            logger.warning("Sign-in failed: %s", type(exc).__name__)
            self._show_error(self._refused())
        else:
            logger.info("Signed in")
            self.password.clear()
            self.accept()
            return
        finally:
            self._set_busy(False)
        self.password.clear()
        self.password.setFocus()

    def _unreachable(self) -> str:
        return self.tr(
            "The server cannot be reached. Check the network connection, then try again."
        )

    def _refused(self) -> str:
        return self.tr(
            "The server refused the sign-in. Try again; if it keeps failing, "
            "tell your administrator."
        )

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.email, self.password, self.buttons):
            widget.setEnabled(not busy)
        if busy:
            self.error.setVisible(False)

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
        # Grow for the error line instead of squeezing the fields (a fixed-size dialog
        # after its first show keeps its height otherwise).
        self.adjustSize()


def _error_colour(label: QLabel, more: str) -> None:
    """The scheme's error colour (core.contrast.Colours.error) for ``label``'s words."""
    colour = current_colours().error
    set_style_sheet(label, f"QLabel#{label.objectName()} {{ color: {colour};{more} }}")
