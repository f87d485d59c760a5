"""Where the open conversation stands, and what the window says about it in words.

Pure logic for :class:`desktop_app.control.conversation.ConversationController`:
its phases, the one notice the window shows above the message box (with the one
action that gets the person out of that state), retry delays, and titles.
Nothing here is a dead end: every notice says what is happening and offers what
the person can do, and what they typed is kept in every state.

Words go through the ``translate`` a function is given (context ``"conversation"``,
docs/TRANSLATING.md); a :class:`Notice` keeps it for its countdown and its button.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from desktop_app.core.session import SessionState, session_notice
from desktop_app.core.translation import QT_TRANSLATE_NOOP, Translate, english


class Phase(enum.Enum):
    """The open conversation's state, as far as the window is concerned."""

    NONE = "no conversation"  # nothing opened yet
    LOADING = "loading"  # waiting for the socket and the history
    READY = "ready"  # history shown, live messages follow
    UNAVAILABLE = "history unavailable"  # the history failed; retry scheduled
    GONE = "gone"  # the server answered 404: the conversation no longer exists


class Creation(enum.Enum):
    """A new conversation on its way (beside whatever conversation is open)."""

    CREATING = "creating"  # POST /conversation/ on its way
    WAITING = "waiting to create"  # the server could not create it; retry scheduled


class NoticeAction(enum.Enum):
    """The button beside a notice; its value is the English label (see :meth:`label`)."""

    SIGN_IN = QT_TRANSLATE_NOOP("conversation", "Sign in…")
    RETRY = QT_TRANSLATE_NOOP("conversation", "Try again now")
    NEW_CONVERSATION = QT_TRANSLATE_NOOP("conversation", "Start a new conversation")

    def label(self, translate: Translate = english) -> str:
        """The button's text in the person's language."""
        look_up = translate  # the value is marked above; lupdate needs no second sight
        return look_up("conversation", self.value)


@dataclass(frozen=True)
class Notice:
    """One line above the message box: what is happening, and what can be done."""

    text: str
    action: NoticeAction | None = None
    #: When the app tries again by itself (a monotonic time), shown as a countdown.
    retry_due: float | None = None
    #: The translate ``text`` was made with: the countdown and the button use it too.
    translate: Translate = field(default=english, compare=False, repr=False)

    @property
    def action_text(self) -> str | None:
        """The button's text in the notice's language, or None without a button."""
        return None if self.action is None else self.action.label(self.translate)

    def text_at(self, now: float) -> str:
        if self.retry_due is None:
            return self.text
        seconds = max(1, math.ceil(self.retry_due - now))
        return self.translate("conversation", "{notice} Trying again in {seconds} s.").format(
            notice=self.text, seconds=seconds
        )


def _kept(waiting: int, translate: Translate) -> list[str]:
    """The sentence about a gone conversation's unsent messages (whole, one per number)."""
    if not waiting:
        return []
    if waiting == 1:
        return [translate("conversation", "Its 1 message not sent is kept.")]
    return [
        translate("conversation", "Its {count} messages not sent are kept.").format(count=waiting)
    ]


def conversation_notice(
    phase: Phase,
    session: SessionState,
    *,
    creation: Creation | None = None,
    waiting: int = 0,
    retry_due: float | None = None,
    create_retry_due: float | None = None,
    typed_without_conversation: bool = False,
    unattended: bool = False,
    message_menus: bool = True,
    translate: Translate = english,
) -> Notice | None:
    """The notice for a conversation in ``phase`` with ``waiting`` undelivered messages.

    The worst news wins: a conversation gone, then the session, then the server.
    ``retry_due``: when the history is tried again; ``create_retry_due``: the same
    for a new conversation; ``unattended``: the session is renewed with no one
    asked (a kiosk's account); ``message_menus``: a message's context menu can
    resend it (not in a kiosk's lockdown). Whole sentences are translated, then
    joined with a space.
    """
    if phase is Phase.GONE:
        gone = translate(
            "conversation",
            "This conversation no longer exists on the server (it may have been deleted).",
        )
        if message_menus:
            then = translate(
                "conversation", "Right-click a message to send it in a new conversation."
            )
        else:
            then = translate("conversation", "Start a new conversation to go on.")
        text = " ".join([gone, *_kept(waiting, translate), then])
        return Notice(text, NoticeAction.NEW_CONVERSATION, translate=translate)
    session_text = session_notice(session, waiting, unattended=unattended, translate=translate)
    if session_text is not None:
        asks = session is not SessionState.UNKNOWN and not unattended
        return Notice(session_text, NoticeAction.SIGN_IN if asks else None, translate=translate)
    if creation is Creation.WAITING:
        sentences = [
            translate("conversation", "Cannot reach the server to start a new conversation.")
        ]
        if typed_without_conversation:
            sentences.append(translate("conversation", "What you wrote stays in the message box."))
        return Notice(
            " ".join(sentences), NoticeAction.RETRY, create_retry_due, translate=translate
        )
    if creation is Creation.CREATING:
        return Notice(
            translate("conversation", "Starting a new conversation…"), translate=translate
        )
    if phase is Phase.UNAVAILABLE:
        return Notice(
            translate(
                "conversation",
                "The conversation could not be loaded from the server."
                " Messages you write are kept.",
            ),
            NoticeAction.RETRY,
            retry_due,
            translate=translate,
        )
    if phase is Phase.NONE and typed_without_conversation:
        return Notice(
            translate(
                "conversation", "No conversation is open: start a new one to send what you wrote."
            ),
            NoticeAction.NEW_CONVERSATION,
            translate=translate,
        )
    return None


def retry_delay_s(failures: int, *, initial_s: float = 1.0, max_s: float = 30.0) -> float:
    """Seconds before the next try after ``failures`` (1 or more) failures in a row."""
    return float(min(max_s, initial_s * 2 ** min(max(failures - 1, 0), 30)))


def new_conversation_title(
    now: datetime, existing: Iterable[str], *, translate: Translate = english
) -> str:
    """``Conversation 2026-12-06 10:42``, numbered when that title is taken already.

    The title is sent to the server and stays there as written, so it is worded in
    the language of the person who starts the conversation (``Gespräch 2026-12-06
    10:42``): they and those they talk with see it in the list; nobody translates it
    afterwards (it is server text then). The date stays ISO: the same in every
    language, and titles sort by it.
    """
    base = translate("conversation", "Conversation {date}").format(
        date=now.strftime("%Y-%m-%d %H:%M")
    )
    taken = set(existing)
    if base not in taken:
        return base
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"
