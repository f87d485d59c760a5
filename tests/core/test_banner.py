"""The kiosk's large banner: what is wrong, when the app tries again, nothing typed is lost."""

from __future__ import annotations

import pytest

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import (
    KEEP_WRITING,
    Presence,
    SocketSnapshot,
    Summary,
    banner_text,
    summarize,
)
from tests.marking import marked

S = ConnectionState


def chat(state: ConnectionState, **fields: object) -> SocketSnapshot:
    return SocketSnapshot("Chat", state, **fields)  # type: ignore[arg-type]


def status(state: ConnectionState, **fields: object) -> SocketSnapshot:
    return SocketSnapshot("Status", state, **fields)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sockets",
    [[chat(S.OPEN), status(S.OPEN)], [chat(S.IDLE), status(S.CLOSED)]],
    ids=["connected", "idle"],
)
def test_nothing_to_say_when_connected_or_idle(sockets: list[SocketSnapshot]) -> None:
    summary = summarize(sockets)
    assert summary.presence in (Presence.CONNECTED, Presence.IDLE)
    assert banner_text(summary) is None
    assert banner_text(summary, restart_in_s=5.0) is None


def test_connecting() -> None:
    summary = summarize([chat(S.CONNECTING), status(S.OPEN)])
    assert banner_text(summary) == f"Connecting to the server…\n{KEEP_WRITING}"


def test_reconnecting_repeats_the_status_bars_countdown() -> None:
    summary = summarize([chat(S.RECONNECTING, attempts=2, retry_in_s=3.2), status(S.OPEN)])
    assert banner_text(summary) == (
        f"The connection was lost. Reconnecting in 4 s (attempt 2).\n{KEEP_WRITING}"
    )


def test_offline() -> None:
    summary = summarize([chat(S.OFFLINE), status(S.OFFLINE)])
    assert banner_text(summary) == (
        "This computer is offline. The app reconnects as soon as the network is back.\n"
        f"{KEEP_WRITING}"
    )


def test_failed_without_a_restart_planned_says_it_tries_again() -> None:
    summary = summarize([chat(S.FAILED, failure_reason="HTTP 403"), status(S.OPEN)])
    assert banner_text(summary, restart_in_s=None) == (
        f"Cannot connect (HTTP 403). Trying again…\n{KEEP_WRITING}"
    )


def test_failed_for_an_unknown_reason() -> None:
    summary = summarize([chat(S.FAILED)])
    assert banner_text(summary) == f"Cannot connect (unknown reason). Trying again…\n{KEEP_WRITING}"


@pytest.mark.parametrize(
    ("restart_in_s", "shown"),
    [(12.2, "13 s"), (12.0, "12 s"), (0.3, "1 s"), (0.0, "1 s"), (-0.5, "1 s")],
)
def test_failed_counts_down_to_the_restart_in_whole_seconds(
    restart_in_s: float, shown: str
) -> None:
    summary = summarize([chat(S.FAILED, failure_reason="gave up after 5 attempts")])
    assert banner_text(summary, restart_in_s) == (
        f"Cannot connect (gave up after 5 attempts). Trying again in {shown}.\n{KEEP_WRITING}"
    )


def test_every_presence_that_is_shown_ends_with_keep_writing() -> None:
    for presence in Presence:
        text = banner_text(Summary(presence, "Connection failed — x", ""), restart_in_s=1.0)
        if presence in (Presence.CONNECTED, Presence.IDLE):
            assert text is None
        else:
            assert text is not None
            headline, second = text.split("\n")
            assert headline
            assert second == KEEP_WRITING


KEEP = (
    "<presence|You can keep writing: your messages are kept on this computer and sent "
    "as soon as the connection is back.>"
)


@pytest.mark.parametrize(
    ("summary", "restart_in_s", "headline"),
    [
        (Summary(Presence.CONNECTING, "", ""), None, "<presence|Connecting to the server…>"),
        (
            Summary(Presence.RECONNECTING, "<status>", ""),
            None,
            "<presence|The connection was lost. <status>.>",
        ),
        (
            Summary(Presence.OFFLINE, "", ""),
            None,
            "<presence|This computer is offline. "
            "The app reconnects as soon as the network is back.>",
        ),
        (
            Summary(Presence.FAILED, "", "", "HTTP 403"),
            None,
            "<presence|Cannot connect (HTTP 403). Trying again…>",
        ),
        (
            Summary(Presence.FAILED, "", ""),
            2.5,
            "<presence|Cannot connect (<presence|unknown reason>). Trying again in 3 s.>",
        ),
    ],
)
def test_every_banner_is_translated_whole_then_filled_in(
    summary: Summary, restart_in_s: float | None, headline: str
) -> None:
    assert banner_text(summary, restart_in_s, translate=marked) == f"{headline}\n{KEEP}"
