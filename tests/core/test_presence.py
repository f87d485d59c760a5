"""The status bar's words for the combined state of both sockets."""

from __future__ import annotations

import pytest

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import (
    Presence,
    SocketSnapshot,
    connected_attention,
    describe,
    summarize,
)
from desktop_app.core.session import SessionState

S = ConnectionState


def chat(state: ConnectionState, **fields: object) -> SocketSnapshot:
    return SocketSnapshot("Chat", state, **fields)  # type: ignore[arg-type]


def status(state: ConnectionState, **fields: object) -> SocketSnapshot:
    return SocketSnapshot("Status", state, **fields)  # type: ignore[arg-type]


def test_both_open_shows_connected_with_the_worse_latency() -> None:
    summary = summarize([chat(S.OPEN, latency_s=0.023), status(S.OPEN, latency_s=0.0121)])
    assert summary.presence is Presence.CONNECTED
    assert summary.text == "Connected · 23 ms"


def test_connected_without_a_measured_latency_yet() -> None:
    assert summarize([chat(S.OPEN), status(S.OPEN)]).text == "Connected"


def test_the_worst_socket_wins() -> None:
    summary = summarize([chat(S.OPEN), status(S.CONNECTING)])
    assert (summary.presence, summary.text) == (Presence.CONNECTING, "Connecting…")


@pytest.mark.parametrize(
    ("retry_in", "shown"), [(3.2, "4 s"), (4.0, "4 s"), (0.2, "1 s"), (0.0, "1 s")]
)
def test_reconnecting_counts_down_whole_seconds(retry_in: float, shown: str) -> None:
    summary = summarize(
        [chat(S.RECONNECTING, attempts=3, max_attempts=5, retry_in_s=retry_in), status(S.OPEN)]
    )
    assert summary.presence is Presence.RECONNECTING
    assert summary.text == f"Reconnecting in {shown} (attempt 3/5)"


def test_reconnecting_counts_down_to_the_last_retry_and_an_unlimited_count() -> None:
    summary = summarize(
        [
            chat(S.RECONNECTING, attempts=7, retry_in_s=9.0),
            status(S.RECONNECTING, attempts=2, retry_in_s=1.5),
        ]
    )
    assert summary.text == "Reconnecting in 9 s (attempt 7)"


def test_the_countdown_never_jumps_back_when_one_socket_retries_first() -> None:
    # Two sockets whose jittered delays differ (issue 10: "1 s ... then 2 s").
    texts = []
    for elapsed in (0.0, 0.5, 0.9, 1.0, 1.5, 2.0, 2.2):
        chat_left, status_left = 0.9 - elapsed, 2.3 - elapsed
        texts.append(
            summarize(
                [
                    chat(S.RECONNECTING, attempts=2, max_attempts=5, retry_in_s=chat_left)
                    if chat_left > 0
                    else chat(S.CONNECTING),
                    status(S.RECONNECTING, attempts=2, max_attempts=5, retry_in_s=status_left),
                ]
            ).text
        )
    seconds = [int(t.split("in ")[1].split(" s")[0]) for t in texts]
    assert seconds == sorted(seconds, reverse=True)
    assert texts[0] == "Reconnecting in 3 s (attempt 2/5)"


def test_reconnecting_between_the_timer_and_the_attempt() -> None:
    assert summarize([chat(S.RECONNECTING, attempts=1)]).text == "Reconnecting…"


def test_offline_and_failed_and_idle() -> None:
    assert summarize([chat(S.OFFLINE), status(S.RECONNECTING)]).text == (
        "Offline — waiting for the network"
    )
    failed = summarize([chat(S.OPEN), status(S.FAILED, failure_reason="HTTP 403")])
    assert (failed.presence, failed.text) == (Presence.FAILED, "Connection failed — HTTP 403")
    assert summarize([chat(S.FAILED)]).text == "Connection failed — unknown reason"
    assert summarize([chat(S.IDLE), status(S.CLOSED)]).text == "Not connected"


def test_details_name_each_socket() -> None:
    summary = summarize(
        [
            chat(
                S.OPEN,
                latency_s=0.0234,
                last_close=(1006, "connection lost"),
                attempts=2,
                max_attempts=5,
            ),
            status(S.FAILED, failure_reason="gave up", last_close=(None, "")),
        ]
    )
    assert summary.details.splitlines() == [
        "Chat: open · attempt 2/5 · last close 1006 (connection lost) · latency 23 ms",
        "Status: failed · last close 1006 · gave up",
    ]
    assert describe(status(S.CONNECTING)) == "Status: connecting"


def test_no_sockets_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        summarize([])


@pytest.mark.parametrize(
    ("session", "unsent", "attention"),
    [
        (SessionState.SIGNED_IN, (0, 0), None),
        (SessionState.SIGNED_IN, (2, 0), "sending 2 messages"),
        (SessionState.SIGNED_IN, (1, 0), "sending 1 message"),
        (SessionState.SIGNED_IN, (3, 1), "1 message not sent"),
        (SessionState.SIGNED_IN, (0, 2), "2 messages not sent"),
        (SessionState.UNKNOWN, (0, 0), "checking your sign-in"),
        (SessionState.EXPIRED, (0, 0), "not signed in"),
        (SessionState.SIGNED_OUT, (4, 0), "not signed in"),
    ],
)
def test_connected_is_qualified_while_anything_cannot_leave(
    session: SessionState, unsent: tuple[int, int], attention: str | None
) -> None:
    assert connected_attention(session, unsent) == attention


def marked(context: str, source_text: str) -> str:
    """A translate that shows what it translated: ``<presence|open>``."""
    return f"<{context}|{source_text}>"


def test_the_details_are_translated_whole_then_filled_in() -> None:
    summary = summarize(
        [
            chat(S.OPEN, latency_s=0.0234, last_close=(1006, "connection lost"), attempts=2),
            status(S.FAILED, failure_reason="gave up", last_close=(None, "")),
        ],
        translate=marked,
    )
    assert summary.details.splitlines() == [
        "<presence|Chat: <presence|open>> · <presence|attempt 2>"
        " · <presence|last close 1006 (connection lost)>"
        " · <presence|latency <presence|23 ms>>",
        "<presence|Status: <presence|failed>> · <presence|last close 1006> · gave up",
    ]


@pytest.mark.parametrize("state", list(ConnectionState))
def test_every_state_has_a_translated_word(state: ConnectionState) -> None:
    assert describe(chat(state), translate=marked) == (f"<presence|Chat: <presence|{state.value}>>")


@pytest.mark.parametrize(
    ("session", "unsent", "attention"),
    [
        (SessionState.SIGNED_IN, (0, 0), None),
        (SessionState.SIGNED_IN, (2, 0), "<presence|sending 2 messages>"),
        (SessionState.SIGNED_IN, (1, 0), "<presence|sending 1 message>"),
        (SessionState.SIGNED_IN, (3, 1), "<presence|1 message not sent>"),
        (SessionState.SIGNED_IN, (0, 2), "<presence|2 messages not sent>"),
        (SessionState.UNKNOWN, (0, 0), "<presence|checking your sign-in>"),
        (SessionState.EXPIRED, (0, 0), "<presence|not signed in>"),
    ],
)
def test_the_qualifier_is_translated(
    session: SessionState, unsent: tuple[int, int], attention: str | None
) -> None:
    # ``marked`` keeps the fields: the count is filled in after translating.
    assert connected_attention(session, unsent, translate=marked) == attention
