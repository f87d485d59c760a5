"""An error's words in the person's language; logs and stderr keep ``str(exc)``, English.

The pattern (:mod:`desktop_app.core.errors`): an :class:`~desktop_app.core.errors.SdmError`
a person reads carries :class:`~desktop_app.core.errors.Words`, a template marked
``QT_TRANSLATE_NOOP("errors", …)`` and named fields. The window shows ``shown(exc)``::

    except SdmError as exc:
        logger.warning("Summary not saved (%s)", type(exc).__name__)
        box.setText(self.tr("The summary could not be downloaded: {reason}.").format(
            reason=shown(exc)))
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from desktop_app.core.errors import SdmError, Words


def shown(exc: BaseException) -> str:
    """What ``exc`` says, in the language of the window (English when it has no words)."""
    if isinstance(exc, SdmError):
        return exc.text(QCoreApplication.translate)
    return str(exc)


def shown_words(words: Words | str) -> str:
    """:class:`Words` in the language of the window; a plain string as it is."""
    if isinstance(words, Words):
        return words.text(QCoreApplication.translate)
    return words
