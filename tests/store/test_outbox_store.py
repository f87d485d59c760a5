"""The outbox on real files: lifecycle, order, erasure of delivered text, permissions, crashes."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from desktop_app.core.errors import OutboxDamaged, OutboxError, SdmError
from desktop_app.store.outbox import OutboxEntry, OutboxState, OutboxStore

QUEUED, SENT, DELIVERED, FAILED = (
    OutboxState.QUEUED,
    OutboxState.SENT,
    OutboxState.DELIVERED,
    OutboxState.FAILED,
)
SECRET = "Patient Jane Roe, HbA1c 9.1 %, métformine — marker 7f3a9c"
POSIX_ONLY = pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions and signals")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "outbox.sqlite3"


@pytest.fixture
def store(db_path: Path) -> Iterator[OutboxStore]:
    with OutboxStore(db_path) as opened:
        yield opened


@contextlib.contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    """A second, plain connection to the file, closed afterwards."""
    with contextlib.closing(sqlite3.connect(path)) as conn:
        yield conn


def on_disk(path: Path) -> bytes:
    """The database file and its write-ahead log, as bytes."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def entry_in(store: OutboxStore, state: OutboxState, text: str = "hello") -> OutboxEntry:
    """A new entry of conversation "c" brought to ``state`` by valid transitions."""
    entry = store.add("c", text)
    if state is SENT:
        entry = store.mark_sent(entry.client_id)
    elif state is FAILED:
        entry = store.mark_failed(entry.client_id)
    elif state is DELIVERED:
        store.mark_sent(entry.client_id)
        entry = store.mark_delivered(entry.client_id)
    assert entry.state is state
    return entry


# --- lifecycle -----------------------------------------------------------------------


def test_full_lifecycle_survives_reopening(db_path: Path) -> None:
    # 13:00 at UTC+1 is stored as 12:00 UTC.
    clock = lambda: datetime(2024, 3, 1, 13, 0, tzinfo=timezone(timedelta(hours=1)))  # noqa: E731
    with OutboxStore(db_path, clock=clock) as store:
        entry = store.add("conv-a", SECRET)
        assert uuid.UUID(entry.client_id).version == 4
        assert entry.conversation_id == "conv-a"
        assert entry.text == SECRET
        assert entry.created_at == "2024-03-01T12:00:00+00:00"
        assert datetime.fromisoformat(entry.created_at).utcoffset() == timedelta(0)
        assert (entry.state, entry.attempts) == (QUEUED, 0)
        assert store.get(entry.client_id) == entry

        sent = store.mark_sent(entry.client_id)
        assert (sent.state, sent.attempts) == (SENT, 1)
        assert store.mark_sent(entry.client_id).attempts == 2  # resent while still SENT
        assert store.mark_queued(entry.client_id).state is QUEUED  # after a reconnect
        assert store.mark_sent(entry.client_id).attempts == 3
        assert store.mark_failed(entry.client_id).state is FAILED
        retried = store.mark_queued(entry.client_id)  # the user's Retry
        assert (retried.state, retried.attempts, retried.text) == (QUEUED, 3, SECRET)
        store.mark_sent(entry.client_id)
        assert store.undelivered() == [store.get(entry.client_id)]

        delivered = store.mark_delivered(entry.client_id)
        assert (delivered.state, delivered.attempts, delivered.text) == (DELIVERED, 4, "")
        assert (delivered.seq, delivered.created_at) == (entry.seq, entry.created_at)
        assert store.undelivered() == []

        failed = store.mark_failed(store.add("conv-a", "to delete").client_id)
        store.delete(failed.client_id)
        assert store.get(failed.client_id) is None
        kept = store.add("conv-b", "still queued")

    with OutboxStore(db_path) as reopened:
        assert reopened.get(entry.client_id) == delivered
        assert reopened.undelivered() == [kept]
        assert reopened.delivered_count("conv-a", SECRET) == 1
        assert reopened.add("conv-b", "next").seq > kept.seq


def test_in_memory_store_needs_no_file() -> None:
    with OutboxStore(None) as store:
        entry = store.mark_delivered(store.add("c", "x").client_id)
        assert store.delivered_count("c", "x") == 1
        assert store.path is None
        assert entry.text == ""


def test_close_is_idempotent_and_a_closed_store_refuses(db_path: Path) -> None:
    store = OutboxStore(db_path)
    store.close()
    store.close()
    with pytest.raises(OutboxError, match="is closed") as caught:
        store.add("c", "x")
    assert caught.value.path == db_path


def test_order_across_conversations(store: OutboxStore) -> None:
    a1 = store.add("a", "a1")
    b1 = store.add("b", "b1")
    a2 = store.add("a", "a2")
    c1 = store.add("c", "c1")
    b2 = store.add("b", "b2")
    assert [e.seq for e in (a1, b1, a2, c1, b2)] == sorted(e.seq for e in (a1, b1, a2, c1, b2))

    assert store.undelivered() == [a1, b1, a2, c1, b2]
    assert store.undelivered("a") == [a1, a2]
    assert store.undelivered("nobody") == []
    assert store.conversations_with_undelivered() == ["a", "b", "c"]

    # SENT and FAILED are still undelivered and keep their place.
    store.mark_sent(b1.client_id)
    store.mark_failed(a1.client_id)
    assert [e.client_id for e in store.undelivered()] == [e.client_id for e in (a1, b1, a2, c1, b2)]

    store.mark_delivered(a1.client_id)
    store.mark_delivered(a2.client_id)
    store.mark_delivered(b1.client_id)
    # b's oldest undelivered message is now b2, younger than c1.
    assert store.conversations_with_undelivered() == ["c", "b"]
    assert store.undelivered() == [c1, b2]


# --- patient text at rest ------------------------------------------------------------


@pytest.mark.parametrize("text", [SECRET, SECRET * 300], ids=["short", "overflow-pages"])
def test_delivered_text_is_erased_from_the_file(
    store: OutboxStore, db_path: Path, text: str
) -> None:
    store.add("c", "an unrelated queued message")
    entry = store.add("c", text)
    store.mark_sent(entry.client_id)
    assert SECRET.encode() in on_disk(db_path)  # the check below can see the text

    store.mark_delivered(entry.client_id)

    with raw(db_path) as conn:
        row = conn.execute(
            "SELECT text, text_sha256 FROM outbox WHERE client_id = ?", (entry.client_id,)
        ).fetchone()
    assert row == ("", hashlib.sha256(text.encode()).hexdigest())
    # The store's own checkpoint already dropped the log's older copies ...
    assert SECRET.encode() not in on_disk(db_path)
    # ... and nothing is left once the log is folded into the file by someone else.
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
    assert SECRET.encode() not in on_disk(db_path)
    assert b"an unrelated queued message" in on_disk(db_path)


def test_deleted_text_is_erased_from_the_file(store: OutboxStore, db_path: Path) -> None:
    entry = store.mark_failed(store.add("c", SECRET).client_id)
    with raw(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() in db_path.read_bytes()

    store.delete(entry.client_id)

    with raw(db_path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert SECRET.encode() not in on_disk(db_path)


def test_text_never_reaches_logs_reprs_or_errors(
    store: OutboxStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="desktop_app.store")
    entry = store.add("c", SECRET)
    store.mark_sent(entry.client_id)
    store.mark_queued(entry.client_id)
    store.mark_failed(entry.client_id)
    store.delete(entry.client_id)
    delivered = entry_in(store, DELIVERED, SECRET)
    store.delivered_count("c", SECRET)
    with pytest.raises(OutboxError) as caught:
        store.mark_sent(delivered.client_id)
    store.prune_delivered(keep_per_conversation=0)

    assert caplog.records
    assert all(SECRET not in record.getMessage() for record in caplog.records)
    assert entry.client_id in caplog.text
    assert SECRET not in repr(entry)
    assert SECRET not in str(caught.value)


def test_delivered_count_counts_identical_texts(store: OutboxStore) -> None:
    for _ in range(2):
        entry_in(store, DELIVERED, "yes")
    entry_in(store, DELIVERED, "Yes")
    entry_in(store, QUEUED, "yes")  # not delivered: not counted
    entry_in(store, SENT, "yes")
    store.mark_delivered(store.add("other", "yes").client_id)

    assert store.delivered_count("c", "yes") == 2
    assert store.delivered_count("c", "Yes") == 1
    assert store.delivered_count("c", "yes ") == 0
    assert store.delivered_count("other", "yes") == 1
    assert store.delivered_count("nobody", "yes") == 0


def test_usage_counts_undelivered_utf8_bytes(store: OutboxStore) -> None:
    assert store.usage("c") == (0, 0)
    store.add("c", "é")
    assert store.usage("c") == (1, 2)
    store.add("c", "a€😀")  # 1 + 3 + 4 bytes
    store.mark_failed(store.add("c", "").client_id)
    entry_in(store, DELIVERED, "delivered text is not counted")
    store.add("other", "xyz")
    assert store.usage("c") == (3, 10)
    assert store.usage("other") == (1, 3)


def test_prune_delivered_keeps_the_newest_per_conversation(store: OutboxStore) -> None:
    a = [entry_in(store, DELIVERED, f"a{i}") for i in range(5)]
    b = [store.mark_delivered(store.add("b", f"b{i}").client_id) for i in range(2)]
    waiting = store.add("c", "not delivered")

    assert store.prune_delivered(keep_per_conversation=3) == 2
    assert [store.get(e.client_id) for e in a] == [None, None, *a[2:]]
    assert [store.get(e.client_id) for e in b] == b
    assert store.get(waiting.client_id) == waiting
    assert store.prune_delivered(keep_per_conversation=3) == 0

    assert store.prune_delivered(keep_per_conversation=0) == 5
    assert store.undelivered() == [waiting]
    assert store.prune_delivered() == 0
    with pytest.raises(ValueError, match="keep_per_conversation"):
        store.prune_delivered(keep_per_conversation=-1)


# --- transitions ---------------------------------------------------------------------

ALLOWED = {
    "mark_sent": {QUEUED, SENT},
    "mark_queued": {SENT, FAILED},
    "mark_failed": {QUEUED, SENT},
    "mark_delivered": {QUEUED, SENT, FAILED},
    "delete": {QUEUED, FAILED},
}
TARGET = {"mark_sent": SENT, "mark_queued": QUEUED, "mark_failed": FAILED}


def act(store: OutboxStore, action: str) -> Callable[[str], OutboxEntry | None]:
    method: Callable[[str], OutboxEntry | None] = getattr(store, action)
    return method


@pytest.mark.parametrize("state", list(OutboxState), ids=lambda s: s.value)
@pytest.mark.parametrize("action", list(ALLOWED))
def test_transition_table(store: OutboxStore, action: str, state: OutboxState) -> None:
    entry = entry_in(store, state, SECRET)
    if state in ALLOWED[action]:
        result = act(store, action)(entry.client_id)
        if action == "delete":
            assert store.get(entry.client_id) is None
        else:
            assert result == store.get(entry.client_id)
            assert result is not None
            assert result.state is TARGET.get(action, DELIVERED)
    else:
        with pytest.raises(OutboxError, match=f"{entry.client_id}, it is {state.value}") as caught:
            act(store, action)(entry.client_id)
        assert (caught.value.client_id, caught.value.state) == (entry.client_id, state.value)
        assert SECRET not in str(caught.value)
        assert store.get(entry.client_id) == entry  # unchanged: the transaction rolled back


@pytest.mark.parametrize("action", list(ALLOWED))
def test_unknown_id_raises_outbox_error(store: OutboxStore, action: str) -> None:
    unknown = str(uuid.uuid4())
    with pytest.raises(OutboxError, match=f"no message {unknown}") as caught:
        act(store, action)(unknown)
    assert (caught.value.client_id, caught.value.state) == (unknown, None)
    assert isinstance(caught.value, SdmError)
    assert not isinstance(caught.value, KeyError)
    assert store.get(unknown) is None


# --- the file ------------------------------------------------------------------------


@POSIX_ONLY
@pytest.mark.parametrize("umask", [0o000, 0o277], ids=["lax-umask", "strict-umask"])
def test_new_file_and_parents_are_private(tmp_path: Path, umask: int) -> None:
    path = tmp_path / "profile" / "sdm" / "outbox.sqlite3"
    before = mode(tmp_path)
    # The modes are exact whatever the umask: not wider (0), not narrower (0o277).
    old_umask = os.umask(umask)
    try:
        with OutboxStore(path) as store:
            store.add("c", "x")
            assert mode(path) == 0o600
            assert mode(Path(f"{path}-wal")) == 0o600
            assert mode(Path(f"{path}-shm")) == 0o600
    finally:
        os.umask(old_umask)
    assert mode(tmp_path / "profile") == 0o700
    assert mode(tmp_path / "profile" / "sdm") == 0o700
    assert mode(tmp_path) == before  # an existing directory is left alone


@POSIX_ONLY
def test_existing_file_is_made_private(db_path: Path) -> None:
    with OutboxStore(db_path) as store:
        store.add("c", "x")
    db_path.chmod(0o644)
    with OutboxStore(db_path) as store:
        assert mode(db_path) == 0o600
        assert len(store.undelivered()) == 1


def test_file_uses_wal_and_schema_version_1(store: OutboxStore, db_path: Path) -> None:
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        indexes = conn.execute("PRAGMA index_list(outbox)").fetchall()
        columns = [
            [info[2] for info in conn.execute(f"PRAGMA index_info({index[1]})")]
            for index in indexes
        ]
    assert ["conversation_id", "state", "seq"] in columns


@POSIX_ONLY
def test_committed_message_survives_sigkill(db_path: Path) -> None:
    child = (
        "import sys\n"
        "from pathlib import Path\n"
        "from desktop_app.store.outbox import OutboxStore\n"
        "store = OutboxStore(Path(sys.argv[1]))\n"
        "print(store.add('conv-1', sys.argv[2]).client_id, flush=True)\n"
        "sys.stdin.read()  # never closed: killed while waiting here\n"
    )
    with subprocess.Popen(
        [sys.executable, "-c", child, str(db_path), SECRET],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdout is not None
        client_id = proc.stdout.readline().strip()
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    # A clean close would have folded the log into the file and removed it.
    assert Path(f"{db_path}-wal").stat().st_size > 0

    with OutboxStore(db_path) as store:
        entry = store.get(client_id)
        assert entry is not None
        assert (entry.state, entry.attempts) == (QUEUED, 0)
        assert (entry.conversation_id, entry.text) == ("conv-1", SECRET)


@pytest.mark.parametrize("content", [b"garbage", b"garbage" * 2000])
def test_corrupt_file_raises_outbox_error_naming_it(db_path: Path, content: bytes) -> None:
    db_path.write_bytes(content)
    with pytest.raises(OutboxDamaged, match="damaged or not an outbox") as caught:
        OutboxStore(db_path)
    assert str(db_path) in str(caught.value)
    assert caught.value.path == db_path
    assert db_path.read_bytes() == content  # left as it was, for whoever investigates


def test_newer_schema_version_raises_outbox_error(db_path: Path) -> None:
    with OutboxStore(db_path) as store:
        store.add("c", "x")
    with raw(db_path) as conn:
        conn.execute("PRAGMA user_version = 2")
    with pytest.raises(OutboxError, match="schema version 2, newer") as caught:
        OutboxStore(db_path)
    assert str(db_path) in str(caught.value)
    with raw(db_path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (2,)


def test_database_of_another_program_raises_outbox_error(db_path: Path) -> None:
    with raw(db_path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")
    with pytest.raises(OutboxError, match="another program") as caught:
        OutboxStore(db_path)
    assert str(db_path) in str(caught.value)


def test_created_at_is_utc_by_default(store: OutboxStore) -> None:
    before = datetime.now(UTC)
    created = datetime.fromisoformat(store.add("c", "x").created_at)
    assert created.utcoffset() == timedelta(0)
    assert before <= created <= datetime.now(UTC)


def test_forgetting_conversations_erases_their_entries_but_one_in_flight(
    store: OutboxStore, db_path: Path
) -> None:
    queued = store.add("conv-1", SECRET)
    failed = store.mark_failed(store.add("conv-1", SECRET + " failed").client_id)
    delivered = store.mark_delivered(store.add("conv-1", "delivered").client_id)
    in_flight = store.mark_sent(store.add("conv-1", "in flight").client_id)
    other = store.add("conv-2", "another conversation")

    assert store.forget_conversations(["conv-1", "conv-3"]) == 3

    assert store.get(queued.client_id) is None
    assert store.get(failed.client_id) is None
    assert store.get(delivered.client_id) is None
    assert store.get(in_flight.client_id) == in_flight  # the sender resolves it
    assert store.get(other.client_id) == other
    assert SECRET.encode() not in on_disk(db_path)


def test_opening_the_store_prunes_delivered_messages_beyond_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "outbox.sqlite3"
    with OutboxStore(path) as store:
        delivered = [store.mark_delivered(store.add("a", f"a{i}").client_id) for i in range(5)]
        waiting = store.add("a", "not delivered")
    with OutboxStore(path, keep_delivered=2) as store:
        assert [store.get(e.client_id) for e in delivered] == [None, None, None, *delivered[3:]]
        assert store.undelivered() == [waiting]
