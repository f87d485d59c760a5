"""A kiosk's unattended sign-in: with the stored account, at start and whenever the session
ends; failures said in words and tried again, sooner when a socket connects.

The session is a fake (its state and sign-in are the subject's inputs); the waits are a
policy scaled down to milliseconds, and the tests wait for what happened, not for time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import cast

from desktop_app.control.session import (
    AutoSignIn,
    SessionController,
    SignInFailure,
    sign_in_failure_words,
)
from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.session import SessionState, unattended_sign_in_problem
from desktop_app.net.http import HttpError, SignInFailed
from desktop_app.store.credentials import Credentials
from tests.marking import marked
from tests.net.conftest import until

PASSWORD = "kiosk-password"
ACCOUNT = Credentials("kiosk@clinic.example", PASSWORD)
#: Long enough that a test's retry must come from retry_now(), not from the timer.
SLOW = BackoffPolicy(initial_delay_s=60.0, max_delay_s=60.0, jitter=False)
FAST = BackoffPolicy(initial_delay_s=0.01, max_delay_s=0.04, jitter=False)


class FakeSession:
    """The part of SessionController the unattended sign-in uses."""

    def __init__(self, state: SessionState = SessionState.SIGNED_OUT) -> None:
        self.state = state
        self.listeners: list[Callable[[SessionState], object]] = []
        self.failures: list[Exception] = []  # raised by the next sign-ins, in order
        self.signed_in_with: list[tuple[str, str]] = []

    def on_change(self, callback: Callable[[SessionState], object]) -> Callable[[], None]:
        self.listeners.append(callback)
        return lambda: self.listeners.remove(callback)

    def change(self, state: SessionState) -> None:
        self.state = state
        for listener in list(self.listeners):
            listener(state)

    async def sign_in(self, email: str, password: str) -> None:
        await asyncio.sleep(0)
        if self.failures:
            raise self.failures.pop(0)
        self.signed_in_with.append((email, password))
        self.change(SessionState.SIGNED_IN)


def auto(
    session: FakeSession,
    load: Callable[[], Credentials | None] = lambda: ACCOUNT,
    policy: BackoffPolicy = FAST,
) -> AutoSignIn:
    return AutoSignIn(cast(SessionController, session), load, policy=policy)


async def test_signs_in_at_start_without_a_session() -> None:
    session = FakeSession()
    signer = auto(session)
    signer.start()
    await until(lambda: session.state is SessionState.SIGNED_IN)
    assert session.signed_in_with == [("kiosk@clinic.example", PASSWORD)]
    assert signer.problem is None
    await signer.aclose()


async def test_a_kept_session_is_left_to_the_server_then_renewed_when_it_expired() -> None:
    session = FakeSession(SessionState.UNKNOWN)
    signer = auto(session)
    signer.start()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert session.signed_in_with == []  # unchecked: the first request tells

    session.change(SessionState.EXPIRED)  # the server refused it
    await until(lambda: session.state is SessionState.SIGNED_IN)
    session.change(SessionState.SIGNED_OUT)  # and again, whenever it ends
    await until(lambda: len(session.signed_in_with) == 2)
    assert session.state is SessionState.SIGNED_IN
    await signer.aclose()


async def test_failures_are_said_in_words_and_tried_again_with_growing_waits() -> None:
    session = FakeSession()
    session.failures = [
        SignInFailed(),
        HttpError(None, "the server cannot be reached (ConnectionRefusedError)"),
        HttpError(None, "the server cannot be reached (ConnectionRefusedError)"),
        HttpError(None, "the server cannot be reached (ConnectionRefusedError)"),
    ]
    problems: list[str | None] = []
    signer = auto(session)
    signer.on_problem(problems.append)
    signer.start()
    await until(lambda: session.state is SessionState.SIGNED_IN)
    assert signer.attempts == 0  # reset once signed in
    assert problems[0] == unattended_sign_in_problem(
        "the kiosk account's email address or password is not correct (an administrator "
        "stores it again with sdm-desktop --store-credentials)",
        0.01,
    )
    assert problems[0] is not None
    assert problems[0].startswith("Not signed in: the kiosk account's email address")
    assert "Trying again by itself in 1 s" in problems[0]
    assert "the server cannot be reached" in str(problems[1])
    assert problems[-1] is None
    assert all(PASSWORD not in str(problem) for problem in problems)
    await signer.aclose()


def test_the_waits_grow_to_the_cap() -> None:
    policy = BackoffPolicy(initial_delay_s=5, max_delay_s=60, jitter=False)
    assert [policy.step(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


async def test_without_a_stored_account_it_says_so_and_reads_the_store_again() -> None:
    session = FakeSession()
    kept: list[Credentials | None] = [None]
    signer = auto(session, load=lambda: kept[0], policy=SLOW)
    signer.start()
    await until(lambda: signer.problem is not None)
    assert "no kiosk account is stored" in str(signer.problem)
    assert "Trying again by itself in 60 s" in str(signer.problem)

    kept[0] = ACCOUNT  # an administrator stored it meanwhile
    signer.retry_now()  # a socket connected: no need to wait the minute out
    await until(lambda: session.state is SessionState.SIGNED_IN)
    assert signer.problem is None
    await signer.aclose()


async def test_closing_ends_a_wait_and_nothing_runs_afterwards() -> None:
    session = FakeSession()
    session.failures = [SignInFailed()]
    signer = auto(session, policy=SLOW)
    signer.start()
    await until(lambda: signer.problem is not None)
    await signer.aclose()
    session.change(SessionState.EXPIRED)
    await asyncio.sleep(0)
    assert session.signed_in_with == []
    assert session.listeners == []


async def test_an_unexpected_error_is_named_by_its_type_and_retried() -> None:
    session = FakeSession()
    session.failures = [RuntimeError(f"backend quoting {PASSWORD}")]
    problems: list[str | None] = []
    signer = auto(session)
    signer.on_problem(problems.append)
    signer.start()
    await until(lambda: session.state is SessionState.SIGNED_IN)
    assert "an unexpected error (RuntimeError)" in str(problems[0])
    assert PASSWORD not in str(problems)
    await signer.aclose()


def test_the_banner_text_rounds_the_wait_up_and_keeps_one_full_stop() -> None:
    assert unattended_sign_in_problem("the server cannot be reached.", 4.2) == (
        "Not signed in: the server cannot be reached. Trying again by itself in 5 s; "
        "messages typed meanwhile are kept."
    )


async def test_the_problem_is_worded_again_in_the_language_it_is_given() -> None:
    session = FakeSession()
    session.failures = [SignInFailed()]
    problems: list[str | None] = []
    signer = auto(session, policy=SLOW)
    signer.on_problem(problems.append)
    signer.start()
    await until(lambda: signer.problem is not None)
    assert str(signer.problem).startswith("Not signed in: the kiosk account's email")
    signer.set_translate(marked)  # the window is there: its words from now on
    assert problems[-1] == (
        "<session|Not signed in: <session|the kiosk account's email address or password is "
        "not correct (an administrator stores it again with sdm-desktop --store-credentials)>. "
        "Trying again by itself in 60 s; messages typed meanwhile are kept.>"
    )
    await signer.aclose()


def test_each_failure_is_worded_whole_and_an_errors_message_is_kept() -> None:
    words = {
        failure: sign_in_failure_words(failure, "HttpError text", translate=marked)
        for failure in SignInFailure
    }
    assert words[SignInFailure.NO_ACCOUNT].startswith("<session|no kiosk account is stored")
    assert words[SignInFailure.UNEXPECTED] == "<session|an unexpected error (HttpError text)>"
    assert words[SignInFailure.ERROR] == "HttpError text"
