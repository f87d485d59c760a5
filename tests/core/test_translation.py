"""The core's translatable text: every status line goes through the ``translate`` it is given."""

from __future__ import annotations

import pytest

from desktop_app.core.machine import ConnectionState
from desktop_app.core.presence import SocketSnapshot, summarize
from desktop_app.core.translation import QT_TRANSLATE_NOOP, english
from tests.marking import marked


def test_english_and_the_marker_return_the_source_text() -> None:
    assert english("presence", "Connected") == "Connected"
    assert QT_TRANSLATE_NOOP("presence", "Offline") == "Offline"


@pytest.mark.parametrize(
    ("sockets", "shown"),
    [
        ([SocketSnapshot("chat", ConnectionState.OPEN)], "<presence|Connected>"),
        (
            [SocketSnapshot("chat", ConnectionState.OPEN, latency_s=0.05)],
            "<presence|Connected · <presence|50 ms>>",
        ),
        ([SocketSnapshot("chat", ConnectionState.IDLE)], "<presence|Not connected>"),
        ([SocketSnapshot("chat", ConnectionState.CONNECTING)], "<presence|Connecting…>"),
        ([SocketSnapshot("chat", ConnectionState.RECONNECTING)], "<presence|Reconnecting…>"),
        (
            [
                SocketSnapshot(
                    "chat", ConnectionState.RECONNECTING, attempts=2, max_attempts=5, retry_in_s=1
                )
            ],
            "<presence|Reconnecting in 1 s (<presence|attempt 2/5>)>",
        ),
        (
            [SocketSnapshot("chat", ConnectionState.OFFLINE)],
            "<presence|Offline — waiting for the network>",
        ),
        (
            [SocketSnapshot("chat", ConnectionState.FAILED)],
            "<presence|Connection failed — <presence|unknown reason>>",
        ),
        (
            [
                SocketSnapshot(
                    "chat", ConnectionState.FAILED, failure_reason="HTTP 403", retry_in_s=9
                )
            ],
            "<presence|Connection failed — HTTP 403 · trying again in 9 s>",
        ),
    ],
)
def test_every_status_line_is_translated_whole_then_filled_in(
    sockets: list[SocketSnapshot], shown: str
) -> None:
    # ``marked`` keeps the template's fields: the values are filled in after translating.
    assert summarize(sockets, translate=marked).text == shown
