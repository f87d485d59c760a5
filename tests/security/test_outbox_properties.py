"""Properties of the outbox: its rules (core/outbox.py) and its store's states
(store/outbox.py, on a real file).

The promises: a message is written to the outbox before it is sent, and sent one at
a time per conversation, so the server's history holds them in the order typed,
each once; a message counts as arrived only when its echo or the history holds it;
past its bounds a new message is refused, never dropped; and message text never
reaches a log, an error message, or (once delivered or deleted) the disk.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from desktop_app.core.errors import OutboxError
from desktop_app.core.frames import ChatMessage, Role
from desktop_app.core.outbox import (
    OutboxLimits,
    admission_refusal,
    arrived_in_history,
    is_echo_of,
)
from desktop_app.store.outbox import OutboxState, OutboxStore
from tests.core.test_outbox_rules import ID, message
from tests.security.strategies import MARKER_PREFIX, patient_texts


def utf8_size(text: str) -> int:
    return len(text.encode("utf-8"))


LIMITS = st.builds(OutboxLimits, max_messages=st.integers(1, 6), max_bytes=st.integers(1, 120))
PATIENT_TEXT = patient_texts()


# --- admission ----------------------------------------------------------------------------


@given(st.integers(0, 8), st.integers(0, 150), PATIENT_TEXT, LIMITS)
def test_a_message_is_admitted_exactly_when_it_fits_the_bounds(
    waiting: int, waiting_bytes: int, text: str, limits: OutboxLimits
) -> None:
    refusal = admission_refusal(waiting, waiting_bytes, text, limits)
    size = utf8_size(text)
    fits = waiting < limits.max_messages and waiting_bytes + size <= limits.max_bytes
    assert (refusal is None) is fits
    if refusal is not None:
        assert MARKER_PREFIX not in str(refusal)  # it names sizes and counts, never the text
        assert str(refusal).endswith(".")


@given(
    LIMITS,
    st.lists(st.one_of(st.text(max_size=40), st.just("deliver")), max_size=30),
)
def test_the_bounds_hold_whatever_is_typed_and_delivered(
    limits: OutboxLimits, actions: list[str]
) -> None:
    """What waits never exceeds the bounds, and a message refused leaves it unchanged."""
    waiting: list[str] = []
    for action in actions:
        if action == "deliver":
            waiting = waiting[1:]
            continue
        before = list(waiting)
        refusal = admission_refusal(len(waiting), sum(map(utf8_size, waiting)), action, limits)
        if refusal is None:
            waiting.append(action)
        assert len(waiting) <= limits.max_messages
        assert sum(map(utf8_size, waiting)) <= limits.max_bytes
        assert refusal is None or waiting == before


# --- echoes ------------------------------------------------------------------------------

SMALL_TEXTS = st.sampled_from(["hi", "ok", "thanks", ""])
IDS = st.sampled_from([ID, "0f7a9f54-1a9d-4d1b-9a0b-2b8f35f4f2a7"])
ROLES = st.sampled_from(Role)


@given(ROLES, SMALL_TEXTS, IDS | st.none(), SMALL_TEXTS)
def test_an_echo_is_a_user_message_with_this_id_or_without_ids_this_text(
    role: Role, content: str, frame_id: str | None, text: str
) -> None:
    frame = message(content, role, frame_id)
    expected = role is Role.USER and (frame_id == ID if frame_id is not None else content == text)
    assert is_echo_of(frame, ID, text) is expected


# --- arrival in the history ------------------------------------------------------------------

HISTORY_ENTRIES = st.builds(message, SMALL_TEXTS, ROLES, IDS | st.none())


@given(st.lists(HISTORY_ENTRIES, max_size=8), SMALL_TEXTS, st.integers(0, 4))
def test_a_message_never_counts_as_arrived_unless_the_history_holds_it(
    history: list[ChatMessage], text: str, delivered_same_text: int
) -> None:
    if arrived_in_history(history, ID, text, delivered_same_text):
        assert any(m.client_message_id == ID for m in history) or any(
            m.role is Role.USER and m.content == text for m in history
        )


@st.composite
def conversations(draw: st.DrawFn) -> tuple[list[str], int, bool, list[ChatMessage]]:
    """One outbox's messages sent stop-and-wait: message ``current`` was sent (perhaps
    several times) after all earlier ones arrived, and the server stored it or not. The
    history also holds the assistant's replies (any text, even the user's)."""
    texts = draw(st.lists(SMALL_TEXTS, min_size=1, max_size=8))
    current = draw(st.integers(0, len(texts) - 1))
    stored = draw(st.booleans())
    history: list[ChatMessage] = []
    for position, text in enumerate(texts[: current + (1 if stored else 0)]):
        history.append(message(text, Role.USER, client_id=f"id-{position}"))
        for reply in draw(st.lists(SMALL_TEXTS, max_size=2)):
            history.append(message(reply, Role.BOT))
    return texts, current, stored, history


def without_ids(history: list[ChatMessage]) -> list[ChatMessage]:
    return [message(m.content, m.role) for m in history]


@given(conversations())
def test_without_ids_the_history_holds_a_message_exactly_when_the_server_stored_it(
    conversation: tuple[list[str], int, bool, list[ChatMessage]],
) -> None:
    """The real server keeps no client ids: repeated texts are told apart by count."""
    texts, current, stored, history = conversation
    delivered_same_text = texts[:current].count(texts[current])
    arrived = arrived_in_history(
        without_ids(history), f"id-{current}", texts[current], delivered_same_text
    )
    assert arrived is stored


@given(conversations(), st.integers(0, 5))
def test_with_ids_the_history_holds_a_message_exactly_when_the_server_stored_it(
    conversation: tuple[list[str], int, bool, list[ChatMessage]], delivered_same_text: int
) -> None:
    """The demo server keeps the client's ids: texts and counts do not matter."""
    texts, current, stored, history = conversation
    arrived = arrived_in_history(history, f"id-{current}", texts[current], delivered_same_text)
    assert arrived is stored


# --- the store: a state machine against a model -------------------------------------------

QUEUED, SENT, DELIVERED, FAILED = (
    OutboxState.QUEUED,
    OutboxState.SENT,
    OutboxState.DELIVERED,
    OutboxState.FAILED,
)
# The store's documented transitions, written out again: target -> allowed sources.
ALLOWED = {
    "mark_sent": ({QUEUED, SENT}, SENT),
    "mark_queued": ({SENT, FAILED}, QUEUED),
    "mark_failed": ({QUEUED, SENT}, FAILED),
    "mark_delivered": ({QUEUED, SENT, FAILED}, DELIVERED),
}
DELETABLE = {QUEUED, FAILED}
#: Patient text whose marker is delimited, to be searched for in the file's bytes.
DELIMITED_TEXT = st.builds(
    "{}<{}{}>{}".format,
    st.text(max_size=20),
    st.just(MARKER_PREFIX),
    st.integers(0, 10**6),
    st.text(max_size=20),
)


def marker_of(text: str) -> str:
    start = text.index("<" + MARKER_PREFIX)
    return text[start : text.index(">", start) + 1]


CONVERSATIONS = ["c-one", "c-two", "c-three"]


@dataclass
class Expected:
    """What the model knows of one entry."""

    conversation_id: str
    text: str
    state: OutboxState
    attempts: int
    seq: int


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class OutboxStoreMachine(RuleBasedStateMachine):
    """The outbox on a real file, driven through every public change, checked against a
    model after each step: nothing lost, nothing twice, the order of typing kept, and
    no text in a log, an error or (once erased) the file."""

    ids = Bundle("ids")

    def __init__(self) -> None:
        super().__init__()
        self.directory = Path(tempfile.mkdtemp(prefix="outbox-property-"))
        self.path = self.directory / "outbox.sqlite3"
        self.logger = logging.getLogger("desktop_app.store.outbox")
        self.recorder = _Recorder()
        self.logger.addHandler(self.recorder)
        self.level = self.logger.level
        self.logger.setLevel(logging.DEBUG)
        self.store = OutboxStore(self.path)
        self.model: dict[str, Expected] = {}
        self.gone: set[str] = set()  # deleted or pruned: get() says None
        self.texts: set[str] = set()  # every text ever added
        self.last_seq = 0
        self.errors: list[str] = []

    def teardown(self) -> None:
        self.store.close()
        self.logger.removeHandler(self.recorder)
        self.logger.setLevel(self.level)
        shutil.rmtree(self.directory, ignore_errors=True)

    # -- rules --------------------------------------------------------------------------

    @initialize(target=ids)
    def add_first(self) -> str:
        return self._add(CONVERSATIONS[0], f"first <{MARKER_PREFIX}0>")

    @rule(target=ids, conversation=st.sampled_from(CONVERSATIONS), text=DELIMITED_TEXT)
    def add(self, conversation: str, text: str) -> str:
        return self._add(conversation, text)

    @precondition(lambda self: bool(self.texts))
    @rule(target=ids, conversation=st.sampled_from(CONVERSATIONS), data=st.data())
    def add_same_text_again(self, conversation: str, data: st.DataObject) -> str:
        """Two identical texts sent on purpose are two messages."""
        return self._add(conversation, data.draw(st.sampled_from(sorted(self.texts))))

    @rule(client_id=ids | st.uuids().map(str), change=st.sampled_from(sorted(ALLOWED)))
    def move(self, client_id: str, change: str) -> None:
        sources, target = ALLOWED[change]
        expected = self.model.get(client_id)
        if expected is None or expected.state not in sources:
            self._refused(client_id, lambda: getattr(self.store, change)(client_id))
            return
        entry = getattr(self.store, change)(client_id)
        expected.state = target
        if target is SENT:
            expected.attempts += 1
        assert (entry.client_id, entry.state, entry.attempts) == (
            client_id,
            target,
            expected.attempts,
        )
        assert entry.text == ("" if target is DELIVERED else expected.text)

    @rule(client_id=ids | st.uuids().map(str))
    def delete(self, client_id: str) -> None:
        expected = self.model.get(client_id)
        if expected is None or expected.state not in DELETABLE:
            self._refused(client_id, lambda: self.store.delete(client_id))
            return
        self.store.delete(client_id)
        del self.model[client_id]
        self.gone.add(client_id)

    @rule(keep=st.integers(0, 2))
    def prune_delivered(self, keep: int) -> None:
        pruned = 0
        for conversation in CONVERSATIONS:
            delivered = [
                client_id
                for client_id, e in self._in_order()
                if e.conversation_id == conversation and e.state is DELIVERED
            ]
            for client_id in delivered[: max(0, len(delivered) - keep)]:
                del self.model[client_id]
                self.gone.add(client_id)
                pruned += 1
        assert self.store.prune_delivered(keep_per_conversation=keep) == pruned

    @precondition(lambda self: hasattr(OutboxStore, "forget_conversations"))
    @rule(conversations=st.lists(st.sampled_from(CONVERSATIONS), unique=True, max_size=2))
    def forget_conversations(self, conversations: list[str]) -> None:
        """The demo data was wiped: every entry of these conversations goes but SENT ones."""
        forgotten = [
            client_id
            for client_id, e in self.model.items()
            if e.conversation_id in conversations and e.state is not SENT
        ]
        for client_id in forgotten:
            del self.model[client_id]
            self.gone.add(client_id)
        assert self.store.forget_conversations(conversations) == len(forgotten)

    @rule()
    def restart(self) -> None:
        """The app quits and starts again: the file holds everything."""
        self.store.close()
        self.store = OutboxStore(self.path)

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def nothing_lost_and_the_order_of_typing_kept(self) -> None:
        expected = [
            (client_id, e.conversation_id, e.text, e.state, e.attempts)
            for client_id, e in self._in_order()
            if e.state is not DELIVERED
        ]
        actual = [
            (e.client_id, e.conversation_id, e.text, e.state, e.attempts)
            for e in self.store.undelivered()
        ]
        assert actual == expected
        for conversation in CONVERSATIONS:
            mine = [row for row in expected if row[1] == conversation]
            assert [
                (e.client_id, e.conversation_id, e.text, e.state, e.attempts)
                for e in self.store.undelivered(conversation)
            ] == mine
            assert self.store.usage(conversation) == (
                len(mine),
                sum(utf8_size(row[2]) for row in mine),
            )
        oldest_first = list(dict.fromkeys(row[1] for row in expected))
        assert self.store.conversations_with_undelivered() == oldest_first

    @invariant()
    def delivered_ones_are_counted_and_erased(self) -> None:
        for client_id, e in self.model.items():
            if e.state is DELIVERED:
                entry = self.store.get(client_id)
                assert entry is not None
                assert (entry.state, entry.text) == (DELIVERED, "")
        for conversation in CONVERSATIONS:
            for text in {e.text for e in self.model.values() if e.conversation_id == conversation}:
                count = sum(
                    1
                    for e in self.model.values()
                    if (e.conversation_id, e.text, e.state) == (conversation, text, DELIVERED)
                )
                assert self.store.delivered_count(conversation, text) == count

    @invariant()
    def deleted_ones_are_gone(self) -> None:
        for client_id in self.gone:
            assert self.store.get(client_id) is None

    @invariant()
    def no_text_in_a_log_or_an_error(self) -> None:
        for line in self.recorder.messages + self.errors:
            assert MARKER_PREFIX not in line, line

    @invariant()
    def no_erased_text_on_disk(self) -> None:
        """Once no entry needs a text, the file and its write-ahead log hold no copy."""
        needed = {e.text for e in self.model.values() if e.state is not DELIVERED}
        wal = Path(f"{self.path}-wal")
        on_disk = self.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
        for text in self.texts - needed:
            marker = marker_of(text)
            if not any(marker in other for other in needed):
                assert marker.encode() not in on_disk, f"an erased text is in {self.path.name}"

    # -- helpers -----------------------------------------------------------------------------

    def _add(self, conversation: str, text: str) -> str:
        entry = self.store.add(conversation, text)
        assert (entry.state, entry.attempts, entry.text) == (QUEUED, 0, text)
        assert entry.seq > self.last_seq  # never reused, even after a delete or a prune
        self.last_seq = entry.seq
        self.model[entry.client_id] = Expected(conversation, text, QUEUED, 0, entry.seq)
        self.texts.add(text)
        note(f"added {entry.client_id} to {conversation}")
        return entry.client_id

    def _in_order(self) -> list[tuple[str, Expected]]:
        return sorted(self.model.items(), key=lambda item: item[1].seq)

    def _refused(self, client_id: str, change: Callable[[], object]) -> None:
        expected = self.model.get(client_id)
        with pytest.raises(OutboxError) as refused:
            change()
        assert refused.value.client_id == client_id
        assert refused.value.state == (None if expected is None else expected.state.value)
        self.errors.append(str(refused.value))


TestOutboxStore = OutboxStoreMachine.TestCase
