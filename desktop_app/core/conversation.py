"""Where the open conversation stands, and what the window says about it in words.

Pure logic for :class:`desktop_app.control.conversation.ConversationController`:
its phases, the one notice the window shows above the message box (with the one
action that gets the person out of that state), retry delays, and titles.
Nothing here is a dead end: every notice says what is happening and offers what
the person can do, and what they typed is kept in every state.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from desktop_app.core.session import SessionState, session_notice


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
    """The button beside a notice."""

    SIGN_IN = "Sign in…"
    RETRY = "Try again now"
    NEW_CONVERSATION = "Start a new conversation"


@dataclass(frozen=True)
class Notice:
    """One line above the message box: what is happening, and what can be done."""

    text: str
    action: NoticeAction | None = None
    #: When the app tries again by itself (a monotonic time), shown as a countdown.
    retry_due: float | None = None

    def text_at(self, now: float) -> str:
        if self.retry_due is None:
            return self.text
        seconds = max(1, math.ceil(self.retry_due - now))
        return f"{self.text} Trying again in {seconds} s."


def _messages(count: int) -> str:
    return "1 message" if count == 1 else f"{count} messages"


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
) -> Notice | None:
    """The notice for a conversation in ``phase`` with ``waiting`` undelivered messages.

    The worst news wins: a conversation gone, then the session, then the server.
    ``retry_due``: when the history is tried again; ``create_retry_due``: the same
    for a new conversation; ``unattended``: the session is renewed with no one
    asked (a kiosk's account); ``message_menus``: a message's context menu can
    resend it (not in a kiosk's lockdown).
    """
    if phase is Phase.GONE:
        verb = "is" if waiting == 1 else "are"
        kept = f" Its {_messages(waiting)} not sent {verb} kept." if waiting else ""
        if not message_menus:
            return Notice(
                "This conversation no longer exists on the server (it may have been deleted)."
                f"{kept} Start a new conversation to go on.",
                NoticeAction.NEW_CONVERSATION,
            )
        return Notice(
            "This conversation no longer exists on the server (it may have been deleted)."
            f"{kept} Right-click a message to send it in a new conversation.",
            NoticeAction.NEW_CONVERSATION,
        )
    session_text = session_notice(session, waiting, unattended=unattended)
    if session_text is not None:
        asks = session is not SessionState.UNKNOWN and not unattended
        return Notice(session_text, NoticeAction.SIGN_IN if asks else None)
    if creation is Creation.WAITING:
        kept = " What you wrote stays in the message box." if typed_without_conversation else ""
        return Notice(
            f"Cannot reach the server to start a new conversation.{kept}",
            NoticeAction.RETRY,
            create_retry_due,
        )
    if creation is Creation.CREATING:
        return Notice("Starting a new conversation…")
    if phase is Phase.UNAVAILABLE:
        return Notice(
            "The conversation could not be loaded from the server. Messages you write are kept.",
            NoticeAction.RETRY,
            retry_due,
        )
    if phase is Phase.NONE and typed_without_conversation:
        return Notice(
            "No conversation is open: start a new one to send what you wrote.",
            NoticeAction.NEW_CONVERSATION,
        )
    return None


def retry_delay_s(failures: int, *, initial_s: float = 1.0, max_s: float = 30.0) -> float:
    """Seconds before the next try after ``failures`` (1 or more) failures in a row."""
    return float(min(max_s, initial_s * 2 ** min(max(failures - 1, 0), 30)))


def new_conversation_title(now: datetime, existing: Iterable[str]) -> str:
    """``Conversation 2026-12-06 10:42``, numbered when that title is taken already."""
    base = f"Conversation {now.strftime('%Y-%m-%d %H:%M')}"
    taken = set(existing)
    if base not in taken:
        return base
    number = 2
    while f"{base} ({number})" in taken:
        number += 1
    return f"{base} ({number})"
