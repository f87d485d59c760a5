"""AiStatusTracker: flags from status events, stale timeouts, and clearing on disconnect.

Thinking goes stale after 30 s without news, extraction after 60 s; the
injected ``now_iso`` stamps the synthetic events.
"""

from __future__ import annotations

import itertools
import json
import logging
import math
from typing import Any

import pytest

from desktop_app.core.ai_status import AiStatusTracker
from desktop_app.core.frames import StatusEvent, decode_frame

NOW_ISO = "2024-05-01T12:00:00+00:00"
SERVER_TIME = "2024-05-01T13:59:59+02:00"


def make_tracker(now_iso: str = NOW_ISO) -> AiStatusTracker:
    return AiStatusTracker(
        stale_timeout_s=30.0, extraction_stale_timeout_s=60.0, now_iso=lambda: now_iso
    )


def status(kind: str, **extra: Any) -> StatusEvent:
    """The event as the status socket delivers it, decoded."""
    event = decode_frame(json.dumps({"type": kind, "timestamp": SERVER_TIME, **extra}))
    assert isinstance(event, StatusEvent)
    return event


def stale(kind: str) -> dict[str, Any]:
    if kind == "extraction_complete":
        return {
            "type": kind,
            "timestamp": NOW_ISO,
            "reason": "stale_timeout",
            "summary_triggered": False,
        }
    return {"type": kind, "timestamp": NOW_ISO, "reason": "stale_timeout"}


def disconnected(kind: str) -> dict[str, Any]:
    return {**stale(kind), "reason": "disconnected"}


# --- construction ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("stale_timeout_s", "extraction_stale_timeout_s"),
    [(0.0, 60.0), (-1.0, 60.0), (30.0, 0.0), (30.0, -5.0)],
)
def test_non_positive_timeouts_are_rejected(
    stale_timeout_s: float, extraction_stale_timeout_s: float
) -> None:
    with pytest.raises(ValueError, match=r"stale_timeout_s must be a number > 0"):
        AiStatusTracker(
            stale_timeout_s=stale_timeout_s,
            extraction_stale_timeout_s=extraction_stale_timeout_s,
            now_iso=lambda: NOW_ISO,
        )


@pytest.mark.parametrize(
    "timeouts",
    [
        {"stale_timeout_s": math.nan},
        {"extraction_stale_timeout_s": math.nan},
    ],
)
def test_nan_timeouts_are_rejected(timeouts: dict[str, float]) -> None:
    # NaN passes "<= 0"; a NaN deadline never passes, so a stale flag is never cleared.
    with pytest.raises(ValueError, match=r"stale_timeout_s must be a number > 0"):
        AiStatusTracker(now_iso=lambda: NOW_ISO, **timeouts)


def test_defaults_and_initial_state() -> None:
    tracker = AiStatusTracker(now_iso=lambda: NOW_ISO)

    assert (tracker.stale_timeout_s, tracker.extraction_stale_timeout_s) == (30.0, 60.0)
    assert tracker.is_thinking is False
    assert tracker.is_extracting is False
    assert tracker.is_summary_generating is False
    assert tracker.next_deadline() is None
    assert tracker.poll(1e9) == []


# --- events from the server ------------------------------------------------------


def test_every_known_event_is_passed_on_unchanged() -> None:
    tracker = make_tracker()
    events = [
        status("thinking_start", trigger="user_message"),
        status("thinking_progress", stage="searching", message="Looking up guidelines"),
        status("thinking_stream", thought="Comparing options"),
        status("thinking_end"),
        status("extraction_start"),
        status("extraction_complete", summary_triggered=True),
        status("summary_complete"),
    ]

    for event in events:
        assert tracker.handle(event, 0.0) == [event.raw]


def test_thinking_start_sets_the_flag_and_its_stale_deadline() -> None:
    tracker = make_tracker()

    tracker.handle(status("thinking_start", trigger="autonomous"), 100.0)

    assert tracker.is_thinking is True
    assert tracker.next_deadline() == 130.0


def test_thinking_end_clears_the_flag() -> None:
    tracker = make_tracker()
    tracker.handle(status("thinking_start"), 100.0)

    tracker.handle(status("thinking_end"), 110.0)

    assert tracker.is_thinking is False
    assert tracker.next_deadline() is None
    assert tracker.poll(130.0) == []


def test_thinking_end_without_a_start_is_passed_on() -> None:
    tracker = make_tracker()
    end = status("thinking_end")

    assert tracker.handle(end, 0.0) == [end.raw]
    assert tracker.is_thinking is False


@pytest.mark.parametrize("kind", ["thinking_progress", "thinking_stream"])
def test_progress_while_thinking_refreshes_the_stale_deadline(kind: str) -> None:
    tracker = make_tracker()
    tracker.handle(status("thinking_start"), 100.0)

    tracker.handle(status(kind), 120.0)

    assert tracker.next_deadline() == 150.0
    assert tracker.poll(130.0) == []
    assert tracker.is_thinking is True


@pytest.mark.parametrize("kind", ["thinking_progress", "thinking_stream"])
def test_progress_while_not_thinking_does_not_start_thinking(kind: str) -> None:
    tracker = make_tracker()
    event = status(kind)

    assert tracker.handle(event, 100.0) == [event.raw]
    assert tracker.is_thinking is False
    assert tracker.next_deadline() is None


def test_extraction_start_sets_the_flag_and_its_stale_deadline() -> None:
    tracker = make_tracker()

    tracker.handle(status("extraction_start"), 100.0)

    assert tracker.is_extracting is True
    assert tracker.next_deadline() == 160.0


def test_extraction_complete_clears_the_flag() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_start"), 100.0)

    tracker.handle(status("extraction_complete", summary_triggered=False), 120.0)

    assert tracker.is_extracting is False
    assert tracker.next_deadline() is None


@pytest.mark.parametrize(
    ("extra", "generating"),
    [
        ({"summary_triggered": True}, True),
        ({"summary_triggered": False}, False),
        ({}, False),
        ({"summary_triggered": "true"}, False),
        ({"summary_triggered": 1}, False),
    ],
)
def test_extraction_complete_starts_a_summary_only_when_triggered_is_true(
    extra: dict[str, Any], generating: bool
) -> None:
    tracker = make_tracker()

    tracker.handle(status("extraction_complete", **extra), 0.0)

    assert tracker.is_summary_generating is generating


def test_summary_complete_ends_the_summary() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_complete", summary_triggered=True), 0.0)

    tracker.handle(status("summary_complete"), 5.0)

    assert tracker.is_summary_generating is False


def test_a_later_untriggered_extraction_does_not_end_a_running_summary() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_complete", summary_triggered=True), 0.0)

    tracker.handle(status("extraction_complete", summary_triggered=False), 5.0)

    assert tracker.is_summary_generating is True


@pytest.mark.parametrize("kind", ["future_event", "ping", "", "THINKING_START"])
def test_unknown_event_types_are_ignored(kind: str) -> None:
    tracker = make_tracker()
    tracker.handle(status("thinking_start"), 0.0)

    assert tracker.handle(status(kind), 10.0) == []
    assert tracker.next_deadline() == 30.0


def test_unknown_event_type_is_logged_cut_short(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="desktop_app.core.ai_status")

    make_tracker().handle(status("x" * 100), 0.0)

    assert caplog.messages == [f"Ignoring unknown status event type {'x' * 40!r}"]


# --- stale flags ------------------------------------------------------------------


def test_thinking_without_news_goes_stale() -> None:
    tracker = make_tracker()
    tracker.handle(status("thinking_start"), 100.0)

    assert tracker.poll(129.9) == []
    assert tracker.poll(130.0) == [stale("thinking_end")]
    assert tracker.is_thinking is False
    assert tracker.poll(200.0) == []


def test_extraction_without_news_goes_stale() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_start"), 100.0)

    assert tracker.poll(159.9) == []
    assert tracker.poll(160.0) == [stale("extraction_complete")]
    assert tracker.is_extracting is False


def test_both_stale_at_once_end_thinking_first() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_start"), 0.0)
    tracker.handle(status("thinking_start"), 0.0)

    assert tracker.poll(60.0) == [stale("thinking_end"), stale("extraction_complete")]
    assert tracker.next_deadline() is None


def test_only_the_overdue_flag_is_cleared() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_start"), 0.0)
    tracker.handle(status("thinking_start"), 0.0)

    assert tracker.poll(30.0) == [stale("thinking_end")]
    assert tracker.is_extracting is True
    assert tracker.next_deadline() == 60.0


def test_next_deadline_is_the_sooner_of_the_two() -> None:
    tracker = make_tracker()
    tracker.handle(status("thinking_start"), 50.0)  # stale at 80
    tracker.handle(status("extraction_start"), 0.0)  # stale at 60

    assert tracker.next_deadline() == 60.0


def test_synthetic_events_are_stamped_when_they_are_made() -> None:
    stamps = (f"2024-05-01T12:00:0{n}+00:00" for n in itertools.count())
    tracker = AiStatusTracker(now_iso=lambda: next(stamps))
    tracker.handle(status("thinking_start"), 0.0)
    tracker.handle(status("extraction_start"), 0.0)

    events = tracker.poll(100.0)

    assert [e["timestamp"] for e in events] == [
        "2024-05-01T12:00:00+00:00",
        "2024-05-01T12:00:01+00:00",
    ]


def test_a_stale_summary_is_not_cleared() -> None:
    # The server finishes the PDF whether or not anyone waits: no timeout for it.
    tracker = make_tracker()
    tracker.handle(status("extraction_complete", summary_triggered=True), 0.0)

    assert tracker.poll(1e6) == []
    assert tracker.is_summary_generating is True


# --- the connection is gone ---------------------------------------------------------


def test_clear_ends_thinking_and_extraction_as_disconnected() -> None:
    tracker = make_tracker()
    tracker.handle(status("thinking_start"), 0.0)
    tracker.handle(status("extraction_start"), 0.0)

    assert tracker.clear() == [disconnected("thinking_end"), disconnected("extraction_complete")]
    assert (tracker.is_thinking, tracker.is_extracting) == (False, False)
    assert tracker.next_deadline() is None


@pytest.mark.parametrize(
    ("kind", "synthetic"),
    [("thinking_start", "thinking_end"), ("extraction_start", "extraction_complete")],
)
def test_clear_ends_only_what_was_running(kind: str, synthetic: str) -> None:
    tracker = make_tracker()
    tracker.handle(status(kind), 0.0)

    assert tracker.clear() == [disconnected(synthetic)]


def test_clear_with_nothing_running_says_nothing() -> None:
    assert make_tracker().clear() == []


def test_clear_leaves_the_summary_running() -> None:
    tracker = make_tracker()
    tracker.handle(status("extraction_complete", summary_triggered=True), 0.0)

    assert tracker.clear() == []
    assert tracker.is_summary_generating is True


def test_finish_thinking_when_the_reply_is_already_in_the_history() -> None:
    tracker = AiStatusTracker(now_iso=lambda: "2026-11-25T10:00:00+00:00")
    assert tracker.finish_thinking("reply_in_history") == []  # not thinking: nothing to say
    tracker.handle(StatusEvent("thinking_start", None, {}, {"type": "thinking_start"}), 0.0)
    assert tracker.finish_thinking("reply_in_history") == [
        {
            "type": "thinking_end",
            "timestamp": "2026-11-25T10:00:00+00:00",
            "reason": "reply_in_history",
        }
    ]
    assert not tracker.is_thinking
    assert tracker.next_deadline() is None
