"""OutboxMachine: every entry of the lane table, the outbox-wide inputs, every guard.

No I/O: the test plays the file (answering WriteState with WriteDone or
WriteRefused), the socket and the history itself, by feeding inputs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

import pytest

from desktop_app.core.frames import ChatMessage, Role
from desktop_app.core.outbox import OutboxEntry, OutboxLimits, OutboxState
from desktop_app.core.outbox_machine import (
    FAILED_EARLIER,
    GONE,
    NOT_ACCEPTED,
    TRANSITIONS,
    UNCONFIRMED,
    Action,
    CancelTimer,
    Changed,
    Confirmed,
    ConversationGone,
    Delete,
    Echo,
    FetchHistory,
    Forget,
    HistoryArrived,
    HistoryGone,
    HistoryNeedsSignIn,
    HistoryUnavailable,
    Input,
    LanePhase,
    NewRefused,
    NewWritten,
    NotSent,
    OutboxMachine,
    Pump,
    Refuse,
    Retry,
    Send,
    SendingAllowed,
    SocketClosed,
    SocketOpened,
    StartTimer,
    TimerFired,
    Typed,
    WriteDelete,
    WriteDone,
    WriteForget,
    WriteNew,
    WriteRefused,
    WriteState,
    text_digest,
)

P = LanePhase
S = OutboxState
C1, C2 = "conv-1", "conv-2"
W = "window"
ECHO_S = 20.0


def entry(
    client_id: str,
    text: str = "hello",
    *,
    conversation: str = C1,
    state: OutboxState = S.QUEUED,
    attempts: int = 0,
    seq: int = 1,
) -> OutboxEntry:
    return OutboxEntry(
        client_id, conversation, text, "2026-01-01T00:00:00+00:00", state, attempts, seq
    )


def message(text: str, client_id: str | None = None, role: Role = Role.USER) -> ChatMessage:
    return ChatMessage(
        role=role,
        name="x",
        content=text,
        timestamp="t",
        citations=(),
        decision_aids=(),
        client_message_id=client_id,
        raw={},
    )


def make(*entries: OutboxEntry, max_attempts: int = 3, **kwargs: object) -> OutboxMachine:
    machine = OutboxMachine(
        limits=OutboxLimits(max_messages=3, max_bytes=100, max_attempts=max_attempts),
        entries=entries,
        **kwargs,  # type: ignore[arg-type]
    )
    machine.add_lane(W, echo_timeout_s=ECHO_S)
    machine.handle(SendingAllowed(W, True))
    return machine


def done(machine: OutboxMachine, action: Action) -> list[Action]:
    """Answer a WriteState as the file would: the entry in its new state."""
    assert isinstance(action, WriteState)
    before = machine.get(action.client_id)
    assert before is not None
    attempts = before.attempts + (1 if action.state is S.SENT else 0)
    text = "" if action.state is S.DELIVERED else before.text
    after = replace(before, state=action.state, attempts=attempts, text=text)
    return machine.handle(WriteDone(action.client_id, after))


def lane_in(phase: LanePhase) -> tuple[OutboxMachine, list[Action]]:
    """A machine whose window lane is in ``phase``, reached through real inputs; the
    actions of the last input. One QUEUED message "a" in C1."""
    machine = make(entry("a"))
    actions: list[Action] = []
    if phase is P.CLOSED:
        return machine, actions
    if phase is P.READY:
        machine.handle(SendingAllowed(W, False))
        actions = machine.handle(SocketOpened(W, C1))
    elif phase is P.WRITING:
        actions = machine.handle(SocketOpened(W, C1))
    elif phase is P.AWAITING_ECHO:
        machine.handle(SocketOpened(W, C1))
        actions = done(machine, WriteState("a", S.SENT))
    else:
        machine.handle(SocketOpened(W, C1))
        done(machine, WriteState("a", S.SENT))
        actions = machine.handle(TimerFired(W))
    assert machine.lanes[W].phase is phase
    return machine, actions


# --- the table, entry by entry ------------------------------------------------------

SENT_A = entry("a", state=S.SENT, attempts=1)
ECHO_A = message("hello", "a")
EXPECTED: list[tuple[LanePhase, Input, LanePhase, list[Action]]] = [
    (
        P.CLOSED,
        SocketOpened(W, C1),
        P.WRITING,
        [CancelTimer(W), CancelTimer(W), WriteState("a", S.SENT)],
    ),
    (P.CLOSED, Pump(W), P.CLOSED, []),
    (P.CLOSED, TimerFired(W), P.CLOSED, []),
    (P.READY, SocketClosed(W), P.CLOSED, [CancelTimer(W)]),
    (P.READY, Pump(W), P.READY, []),  # held: not allowed
    (P.READY, TimerFired(W), P.READY, []),
    (P.READY, Echo(W, ECHO_A), P.READY, []),
    (P.WRITING, SocketClosed(W), P.CLOSED, [CancelTimer(W)]),
    (P.WRITING, Pump(W), P.WRITING, []),
    (P.WRITING, TimerFired(W), P.WRITING, []),
    (P.AWAITING_ECHO, SocketClosed(W), P.CLOSED, [CancelTimer(W)]),
    (
        P.AWAITING_ECHO,
        Echo(W, ECHO_A),
        P.WRITING,
        [CancelTimer(W), Confirmed("a", ECHO_A), WriteState("a", S.DELIVERED)],
    ),
    (P.AWAITING_ECHO, Echo(W, message("other", "b")), P.AWAITING_ECHO, []),
    (P.AWAITING_ECHO, NotSent(W, "a"), P.WRITING, [CancelTimer(W), WriteState("a", S.QUEUED)]),
    (P.AWAITING_ECHO, NotSent(W, "b"), P.AWAITING_ECHO, []),
    (P.AWAITING_ECHO, TimerFired(W), P.RESOLVING, [FetchHistory(W, C1)]),
    (P.AWAITING_ECHO, Pump(W), P.AWAITING_ECHO, []),
    (P.RESOLVING, SocketClosed(W), P.CLOSED, [CancelTimer(W)]),
    (P.RESOLVING, TimerFired(W), P.RESOLVING, []),
    (P.RESOLVING, Pump(W), P.RESOLVING, []),
]


@pytest.mark.parametrize(
    ("start", "inp", "end", "actions"),
    EXPECTED,
    ids=[f"{s.name}-{type(i).__name__}-{n}" for n, (s, i, _, _) in enumerate(EXPECTED)],
)
def test_transition(start: LanePhase, inp: Input, end: LanePhase, actions: list[Action]) -> None:
    machine, _ = lane_in(start)
    assert machine.handle(inp) == actions
    assert machine.lanes[W].phase is end


def test_every_table_entry_is_listed_above() -> None:
    listed = {(start, type(inp)) for start, inp, _, _ in EXPECTED}
    always = {SocketOpened, SendingAllowed, HistoryArrived, HistoryGone}
    always |= {HistoryNeedsSignIn, HistoryUnavailable}
    table = {pair for pair in TRANSITIONS if pair[1] not in always}
    assert table <= listed


# --- sending, stop-and-wait, write-ahead --------------------------------------------


def test_a_message_is_on_disk_as_sent_before_it_leaves_then_one_at_a_time() -> None:
    machine = make(entry("a", "one", seq=1), entry("b", "two", seq=2))
    *_, write = machine.handle(SocketOpened(W, C1))
    assert write == WriteState("a", S.SENT)
    sent = done(machine, write)
    assert [type(a) for a in sent] == [Changed, Send, StartTimer]
    assert sent[1] == Send(W, replace(machine.get("a"), state=S.SENT))  # type: ignore[arg-type,type-var]
    assert machine.handle(Pump(W)) == []  # "b" waits for "a"
    echo = machine.handle(Echo(W, message("one", "a")))
    delivered = done(machine, echo[-1])
    assert delivered[0] == Changed(replace(SENT_A, text="", state=S.DELIVERED, attempts=1))
    assert delivered[1:] == [CancelTimer(W), WriteState("b", S.SENT)]
    assert machine.get("a") is None
    assert machine.delivered_count(C1, "one") == 1


def test_a_write_refused_before_sending_sends_nothing_and_tries_again_later() -> None:
    machine, _ = lane_in(P.WRITING)
    assert machine.handle(WriteRefused("a")) == [StartTimer(W, ECHO_S)]
    assert machine.lanes[W].phase is P.READY
    assert machine.get("a").state is S.QUEUED  # type: ignore[union-attr]
    assert machine.handle(TimerFired(W)) == [CancelTimer(W), WriteState("a", S.SENT)]


def test_a_refused_write_of_no_lane_changes_nothing() -> None:
    machine = make(entry("a", state=S.FAILED))
    assert machine.handle(Retry("a")) == [WriteState("a", S.QUEUED)]
    assert machine.handle(WriteRefused("a")) == []
    assert machine.handle(WriteRefused("unknown")) == []


def test_a_refused_write_while_another_is_pending_keeps_the_lane_writing() -> None:
    machine = make(
        entry("a", state=S.SENT, attempts=1, seq=1),
        entry("b", state=S.SENT, attempts=1, seq=2),
    )
    machine.handle(SocketOpened(W, C1))
    writes = machine.handle(HistoryArrived(W, C1, (message("hello", "a"),)))
    assert writes == [WriteState("a", S.DELIVERED), WriteState("b", S.QUEUED)]
    assert machine.handle(WriteRefused("a")) == []
    assert machine.lanes[W].phase is P.WRITING


def test_not_sent_goes_back_to_queued_and_sends_again() -> None:
    machine, _ = lane_in(P.AWAITING_ECHO)
    machine.handle(NotSent(W, "a"))
    requeued = done(machine, WriteState("a", S.QUEUED))
    assert requeued[-1] == WriteState("a", S.SENT)


def test_the_gate_holds_messages_until_a_pump_after_it_opened() -> None:
    machine, _ = lane_in(P.READY)
    assert machine.handle(Pump(W)) == []  # logged once
    assert machine.lanes[W].held
    machine.handle(SendingAllowed(W, True))
    assert machine.handle(Pump(W)) == [CancelTimer(W), WriteState("a", S.SENT)]
    assert not machine.lanes[W].held


def test_nothing_to_send_is_a_quiet_ready() -> None:
    machine = make()
    assert machine.handle(SocketOpened(W, C1)) == [CancelTimer(W)]
    assert machine.lanes[W].phase is P.READY


def test_the_send_after_a_write_is_skipped_when_the_socket_closed_meanwhile() -> None:
    machine, _ = lane_in(P.WRITING)
    machine.handle(SocketClosed(W))
    assert [type(a) for a in done(machine, WriteState("a", S.SENT))] == [Changed]
    # Reopened: a SENT message is looked up in the history before anything else.
    assert machine.handle(SocketOpened(W, C1)) == [CancelTimer(W), FetchHistory(W, C1)]


def test_a_second_lane_waits_while_another_writes_its_conversation() -> None:
    machine, _ = lane_in(P.WRITING)
    machine.add_lane("background", echo_timeout_s=1.0, verify_on_open=True)
    assert machine.handle(SocketOpened("background", C2)) == [
        CancelTimer("background"),
        FetchHistory("background", C2),
    ]
    machine.handle(HistoryArrived("background", C2, ()))
    machine.handle(SendingAllowed("background", True))
    assert machine.handle(SocketOpened("background", C1))[-1] == FetchHistory("background", C1)
    assert machine.handle(HistoryArrived("background", C1, ())) == []  # "a" is being written


# --- the history's verdict ------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "attempts", "expected", "reason"),
    [
        ((message("hello", "a"),), 1, S.DELIVERED, None),
        ((message("hello"),), 1, S.DELIVERED, None),  # the real server: by text
        ((), 1, S.QUEUED, None),
        ((), 3, S.FAILED, NOT_ACCEPTED),
    ],
)
def test_a_sent_message_is_decided_by_the_history(
    history: tuple[ChatMessage, ...], attempts: int, expected: OutboxState, reason: str | None
) -> None:
    machine = make(entry("a", state=S.SENT, attempts=attempts), entry("q", seq=2))
    assert machine.handle(SocketOpened(W, C1)) == [CancelTimer(W), FetchHistory(W, C1)]
    assert machine.handle(HistoryArrived(W, C1, history)) == [WriteState("a", expected)]
    if reason is not None:
        assert machine.failure_reason("a") == reason
    actions = done(machine, WriteState("a", expected))
    assert actions[-1] == (
        WriteState("a", S.SENT) if expected is S.QUEUED else WriteState("q", S.SENT)
    )


def test_the_history_heard_after_the_socket_closed_still_decides() -> None:
    machine, _ = lane_in(P.RESOLVING)
    machine.handle(SocketClosed(W))
    assert machine.handle(HistoryArrived(W, C1, ())) == [WriteState("a", S.QUEUED)]
    assert machine.lanes[W].phase is P.CLOSED


def test_an_empty_verdict_goes_on_sending() -> None:
    machine = make(entry("q"))
    machine.lanes[W].verify_on_open = True
    machine.handle(SocketOpened(W, C1))
    assert machine.handle(HistoryArrived(W, C1, ())) == [CancelTimer(W), WriteState("q", S.SENT)]


def test_a_history_that_keeps_failing_fails_the_sent_messages() -> None:
    machine, _ = lane_in(P.RESOLVING)
    machine.handle(NewWritten(9, entry("later", seq=2)))  # QUEUED: not failed
    assert machine.handle(HistoryUnavailable(W, C1)) == [StartTimer(W, ECHO_S)]
    assert machine.lanes[W].phase is P.READY
    assert machine.handle(TimerFired(W)) == [FetchHistory(W, C1)]
    machine.handle(HistoryUnavailable(W, C1))
    machine.handle(TimerFired(W))
    assert machine.handle(HistoryUnavailable(W, C1)) == [WriteState("a", S.FAILED)]
    assert machine.failure_reason("a") == UNCONFIRMED
    # Failed, it no longer holds the next one back.
    assert done(machine, WriteState("a", S.FAILED))[-1] == WriteState("later", S.SENT)


def test_a_history_failure_heard_on_a_closed_lane_sets_no_timer() -> None:
    machine, _ = lane_in(P.RESOLVING)
    machine.handle(SocketClosed(W))
    assert machine.handle(HistoryUnavailable(W, C1)) == []


def test_a_history_that_needs_a_sign_in_waits() -> None:
    machine, _ = lane_in(P.RESOLVING)
    assert machine.handle(HistoryNeedsSignIn(W, C1)) == []
    assert machine.lanes[W].phase is P.READY


def test_a_conversation_gone_fails_its_messages_with_that_reason() -> None:
    machine = make(
        entry("a", state=S.SENT, attempts=1),
        entry("f", state=S.FAILED, seq=2),
        entry("g", state=S.FAILED, seq=3),
        entry("other", conversation=C2, seq=4),
    )
    machine.handle(Retry("g"))  # a write on its way: left alone
    machine.handle(SocketOpened(W, C1))
    actions = machine.handle(HistoryGone(W, C1))
    assert actions == [WriteState("a", S.FAILED), Changed(machine.get("f"))]  # type: ignore[arg-type]
    assert [machine.failure_reason(i) for i in "af"] == [GONE, GONE]
    assert machine.failure_reason("g") == FAILED_EARLIER
    # "g" was written QUEUED meanwhile: it fails now, the conversation is gone.
    assert done(machine, WriteState("g", S.QUEUED))[-1] == WriteState("g", S.FAILED)
    assert machine.handle(Pump(W)) == []  # nothing is sent to a gone conversation
    assert machine.handle(ConversationGone(C1)) == []  # heard twice: nothing new
    assert machine.handle(HistoryArrived(W, C1, ())) == []  # there after all


def test_a_conversation_gone_stops_what_is_in_flight() -> None:
    machine, _ = lane_in(P.AWAITING_ECHO)
    assert machine.handle(ConversationGone(C1)) == [CancelTimer(W), WriteState("a", S.FAILED)]


def test_a_conversation_gone_leaves_other_lanes_alone() -> None:
    machine, _ = lane_in(P.AWAITING_ECHO)
    assert machine.handle(ConversationGone(C2)) == []


# --- typing, retry, delete, forget ----------------------------------------------------


def test_typed_is_admitted_written_then_queued() -> None:
    machine = make()
    [write] = machine.handle(Typed(C1, "hi"))
    assert write == WriteNew(1, C1, "hi")
    assert machine.handle(NewWritten(1, entry("n", "hi"))) == [Changed(entry("n", "hi"))]
    assert machine.undelivered(C1) == [entry("n", "hi")]


def test_a_message_typed_while_the_socket_is_open_leaves_at_once() -> None:
    machine = make()
    machine.handle(SocketOpened(W, C1))
    machine.handle(Typed(C1, "hi"))
    written = machine.handle(NewWritten(1, entry("n", "hi")))
    assert written[-1] == WriteState("n", S.SENT)


def test_typed_past_the_bounds_is_refused_counting_those_on_their_way() -> None:
    machine = make(entry("a"), entry("b", seq=2))
    assert machine.handle(Typed(C1, "c")) == [WriteNew(1, C1, "c")]
    [refusal] = machine.handle(Typed(C1, "d"))
    assert isinstance(refusal, Refuse)
    assert refusal.token == 2
    assert "3 messages are already waiting" in str(refusal.reason)
    machine.handle(NewRefused(1))
    assert machine.handle(Typed(C1, "e")) == [WriteNew(3, C1, "e")]


def test_retry_only_requeues_a_failed_message_with_nothing_pending() -> None:
    machine = make(entry("f", state=S.FAILED), entry("q", seq=2))
    machine.lanes[W].history_failures[C1] = 2
    assert machine.handle(Retry("q")) == []
    assert machine.handle(Retry("missing")) == []
    assert machine.handle(Retry("f")) == [WriteState("f", S.QUEUED)]
    assert machine.handle(Retry("f")) == []  # already on its way
    assert machine.lanes[W].history_failures[C1] == 0


def test_delete_forgets_a_queued_or_failed_message_never_a_sent_one() -> None:
    machine = make(entry("q"), entry("s", state=S.SENT, attempts=1, seq=2))
    assert machine.handle(Delete("s")) == []
    assert machine.handle(Delete("missing")) == []
    assert machine.handle(Delete("q")) == [WriteDelete("q")]
    assert machine.get("q") is None
    assert machine.handle(WriteDone("q", None)) == []


def test_forget_drops_all_but_the_sent_messages_of_those_conversations() -> None:
    delivered = Counter({(C1, text_digest("x")): 2, (C2, text_digest("x")): 1})
    machine = make(
        entry("q"),
        entry("s", state=S.SENT, attempts=1, seq=2),
        entry("p", state=S.FAILED, seq=3),
        entry("o", conversation=C2, seq=4),
        delivered=delivered,
    )
    machine.handle(Retry("p"))
    assert machine.handle(Forget((C1,))) == [WriteForget((C1,))]
    assert [e.client_id for e in machine.undelivered()] == ["s", "p", "o"]
    assert (machine.delivered_count(C1, "x"), machine.delivered_count(C2, "x")) == (0, 1)


def test_a_delivery_heard_twice_counts_once() -> None:
    machine = make()
    gone = entry("a", "", state=S.DELIVERED)
    assert machine.handle(WriteDone("a", gone)) == [Changed(gone)]
    assert machine.delivered_count(C1, "") == 0


# --- questions ----------------------------------------------------------------------


def test_next_conversation_skips_the_foreground_and_failed_messages() -> None:
    machine = make(
        entry("f", state=S.FAILED, seq=1),
        entry("a", conversation=C2, seq=2),
        entry("b", seq=3),
    )
    assert machine.next_conversation(exclude=None) == C2
    assert machine.next_conversation(exclude=C2) == C1
    assert make().next_conversation(exclude=None) is None


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="max_history_failures"):
        make(max_history_failures=0)
    machine = make()
    with pytest.raises(ValueError, match="already"):
        machine.add_lane(W, echo_timeout_s=1.0)
    with pytest.raises(ValueError, match="echo_timeout_s"):
        machine.add_lane("other", echo_timeout_s=0.0)
