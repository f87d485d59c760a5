"""decode_frame / encode_*: typed frames in, exact frames out, no patient text in errors."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from desktop_app.core.frames import (
    CLIENT_MESSAGE_ID_KEY,
    ChatMessage,
    Citation,
    Pong,
    ProtocolError,
    ProtocolErrorKind,
    Role,
    StatusEvent,
    UnknownFrame,
    decode_frame,
    decode_object,
    encode_chat_message,
    encode_ping,
)

# Stands for patient text: it must never show up in an error or a repr.
SECRET = "Frau Müller, HbA1c 9.1 % - SECRET-4711"
TIMESTAMP = "2024-05-01T14:03:07.123456+02:00"


def frame(obj: object) -> str:
    return json.dumps(obj, ensure_ascii=False)


def chat(**fields: Any) -> dict[str, Any]:
    """A bot message with the given fields replacing the defaults."""
    return {"role": "bot", "name": "Assistant", "content": "Hello", **fields}


def wrong_type(obj: object) -> ProtocolError:
    result = decode_frame(frame(obj))
    assert isinstance(result, ProtocolError)
    assert result.kind is ProtocolErrorKind.WRONG_TYPE
    return result


# --- pong, chat messages -------------------------------------------------------


def test_pong() -> None:
    assert decode_frame('{"type": "pong"}') == Pong({"type": "pong"})


def test_full_chat_message() -> None:
    obj = {
        "role": "bot",
        "name": "Assistant",
        "content": "Metformin is first line [1].",
        "timestamp": TIMESTAMP,
        "citations": [
            {
                "index": 1,
                "url": "https://example.org/guideline",
                "title": "Guideline",
                "excerpt": "first line",
                "doc_id": "g-1",
            }
        ],
        "decision_aids": [{"id": "aid-1"}, "plain"],
        "client_message_id": "c-42",
    }

    assert decode_frame(frame(obj)) == ChatMessage(
        role=Role.BOT,
        name="Assistant",
        content="Metformin is first line [1].",
        timestamp=TIMESTAMP,
        citations=(Citation(1, "https://example.org/guideline", "Guideline", "first line", "g-1"),),
        decision_aids=({"id": "aid-1"}, "plain"),
        client_message_id="c-42",
        raw=obj,
    )


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("user", Role.USER),
        ("bot", Role.BOT),
        ("unknown", Role.UNKNOWN),
        ("assistant", Role.UNKNOWN),  # a newer server's role
        ("BOT", Role.UNKNOWN),
        ("", Role.UNKNOWN),
    ],
)
def test_role(role: str, expected: Role) -> None:
    message = decode_frame(frame(chat(role=role)))

    assert isinstance(message, ChatMessage)
    assert message.role is expected


def test_a_role_key_makes_a_chat_message_even_with_a_type() -> None:
    message = decode_frame(frame(chat(type="pong")))

    assert isinstance(message, ChatMessage)


def test_minimal_chat_message_gets_empty_defaults() -> None:
    obj = {"role": "user", "content": "Hi"}

    assert decode_frame(frame(obj)) == ChatMessage(
        role=Role.USER,
        name="",
        content="Hi",
        timestamp="",
        citations=(),
        decision_aids=(),
        client_message_id=None,
        raw=obj,
    )


def test_null_optional_fields_are_empty() -> None:
    message = decode_frame(
        frame(chat(name=None, timestamp=None, citations=None, decision_aids=None))
    )

    assert isinstance(message, ChatMessage)
    assert (message.name, message.timestamp) == ("", "")
    assert (message.citations, message.decision_aids) == ((), ())
    assert message.client_message_id is None


def test_citations_keep_their_order_and_fill_missing_fields() -> None:
    message = decode_frame(
        frame(chat(citations=[{"index": 2, "url": "https://b"}, {"index": 1, "doc_id": None}]))
    )

    assert isinstance(message, ChatMessage)
    assert message.citations == (
        Citation(index=2, url="https://b", title="", excerpt="", doc_id=""),
        Citation(index=1, url="", title="", excerpt="", doc_id=""),
    )


def test_numeric_doc_id_becomes_a_string() -> None:
    message = decode_frame(frame(chat(citations=[{"index": 1, "doc_id": 314}])))

    assert isinstance(message, ChatMessage)
    assert message.citations[0].doc_id == "314"
    assert message.raw["citations"][0]["doc_id"] == 314  # the raw frame is left as received


def test_a_decoded_message_is_the_constructed_one_and_frozen() -> None:
    # The decoder builds messages and citations without their __init__ (for speed):
    # the result must be the same value, with every field, and as immutable.
    cited = {"index": 3, "url": "https://c", "title": "T", "excerpt": "E", "doc_id": "d"}
    obj = chat(timestamp=TIMESTAMP, citations=[cited, {**cited, "title": None}])
    message = decode_frame(frame(obj))

    expected = ChatMessage(
        Role.BOT,
        "Assistant",
        "Hello",
        TIMESTAMP,
        (Citation(3, "https://c", "T", "E", "d"), Citation(3, "https://c", "", "E", "d")),
        (),
        None,
        obj,
    )
    assert message == expected
    assert repr(message) == repr(expected)
    assert isinstance(message, ChatMessage)
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.content = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        message.citations[0].url = "https://elsewhere"  # type: ignore[misc]


@pytest.mark.parametrize(
    "fields",
    [
        {"name": "Assistant", "timestamp": TIMESTAMP, "citations": [], "decision_aids": []},
        {"timestamp": TIMESTAMP, "citations": [], "decision_aids": [{"id": "a"}]},  # no name
        {"name": "Assistant", "timestamp": TIMESTAMP, "citations": None, "decision_aids": []},
        {"name": "Assistant", "timestamp": TIMESTAMP, "citations": []},  # no decision aids
        {"name": None, "timestamp": TIMESTAMP, "citations": [], "decision_aids": None},
    ],
)
def test_the_common_shape_and_the_others_decode_alike(fields: dict[str, Any]) -> None:
    # The decoder checks the common shape (every field of exactly its JSON type) in one
    # go and sends anything else through the field-by-field checks: same values.
    obj = {"role": "user", "content": "Hi", **fields}
    name, aids = fields.get("name") or "", fields.get("decision_aids") or []

    assert decode_frame(frame(obj)) == ChatMessage(
        Role.USER, name, "Hi", TIMESTAMP, (), tuple(aids), None, obj
    )


def test_decode_object_reports_a_wrong_type_with_the_size_given() -> None:
    error = decode_object({"role": 1}, size=12)

    assert error == ProtocolError(
        ProtocolErrorKind.WRONG_TYPE, 12, key="role", expected="a string", got="int"
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("url", None, ""),  # null: the default
        ("title", None, ""),
        ("excerpt", None, ""),
        ("doc_id", 7, "7"),  # a number: as text
    ],
)
def test_a_citation_off_the_common_shape_decodes_like_its_normal_form(
    name: str, value: object, expected: str
) -> None:
    cited: dict[str, Any] = {
        "index": 1,
        "url": "https://a",
        "title": "T",
        "excerpt": "E",
        "doc_id": "d",
    }
    message = decode_frame(frame(chat(citations=[{**cited, name: value}])))

    assert isinstance(message, ChatMessage)
    assert message.citations == (Citation(**{**cited, name: expected}),)


def test_client_message_id_is_read() -> None:
    message = decode_frame(frame(chat(**{CLIENT_MESSAGE_ID_KEY: "c-1"})))

    assert isinstance(message, ChatMessage)
    assert message.client_message_id == "c-1"


# --- status events and unknown frames ------------------------------------------


def test_status_event_keeps_type_timestamp_and_extra_keys() -> None:
    obj = {"type": "thinking_start", "timestamp": TIMESTAMP, "trigger": "autonomous", "n": 2}

    assert decode_frame(frame(obj)) == StatusEvent(
        type="thinking_start",
        timestamp=TIMESTAMP,
        extra={"trigger": "autonomous", "n": 2},
        raw=obj,
    )


def test_status_event_without_timestamp() -> None:
    obj = {"type": "summary_complete"}

    assert decode_frame(frame(obj)) == StatusEvent("summary_complete", None, {}, obj)


def test_frame_of_an_unknown_type_is_a_status_event_of_that_type() -> None:
    # Filtering unknown types is the tracker's job (see test_ai_status).
    result = decode_frame('{"type": "future_thing"}')

    assert result == StatusEvent("future_thing", None, {}, {"type": "future_thing"})


@pytest.mark.parametrize("obj", [{}, {"hello": "world"}, {"type": None, "x": 1}])
def test_object_without_type_or_role_is_an_unknown_frame(obj: dict[str, Any]) -> None:
    assert decode_frame(frame(obj)) == UnknownFrame(obj)


# --- errors ----------------------------------------------------------------------


def test_binary_frame() -> None:
    assert decode_frame(b'{"type": "pong"}') == ProtocolError(ProtocolErrorKind.BINARY, 16)


@pytest.mark.parametrize(
    ("data", "size"),
    [
        ("", 0),
        ("hello", 5),
        ("grüß", 6),  # size in UTF-8 bytes
        ('{"type": "pong"', 15),
        ("\ud800", 3),  # a lone surrogate: not encodable as UTF-8, still measured
        ("[" * 100_000, 100_000),  # nesting deep enough to exhaust the recursion limit
        ('{"a":' * 100_000, 500_000),
        ('{"type": "pong"} {}', 19),  # two values
        ('{"type": "pong"}x', 17),  # trailing garbage
        (" ", 1),
        ("\ufeff{}", 5),  # a byte order mark is not whitespace
    ],
    ids=[
        "empty",
        "text",
        "non-ascii",
        "truncated",
        "lone-surrogate",
        "deep-list",
        "deep-object",
        "two-values",
        "trailing-garbage",
        "blank",
        "bom",
    ],
)
def test_not_json(data: str, size: int) -> None:
    assert decode_frame(data) == ProtocolError(ProtocolErrorKind.NOT_JSON, size)


@pytest.mark.parametrize("data", [' {"type": "pong"}', '{"type": "pong"}\n', '\t{"type": "pong"} '])
def test_whitespace_around_the_value_is_allowed(data: str) -> None:
    # The decoder scans a value at the start, and takes the general path for the rest.
    assert decode_frame(data) == Pong({"type": "pong"})


@pytest.mark.parametrize(
    ("data", "got"),
    [("[]", "list"), ("42", "int"), ("null", "NoneType"), ('"pong"', "str"), ("1.5", "float")],
)
def test_not_an_object(data: str, got: str) -> None:
    assert decode_frame(data) == ProtocolError(ProtocolErrorKind.NOT_OBJECT, len(data), got=got)


@pytest.mark.parametrize(
    ("obj", "key", "expected", "got"),
    [
        (chat(role=1), "role", "a string", "int"),
        (chat(role=None), "role", "a string", "NoneType"),
        (chat(content=None), "content", "a string", "NoneType"),
        ({"role": "bot"}, "content", "a string", "NoneType"),
        (chat(content=["Hello"]), "content", "a string", "list"),
        (chat(name=5), "name", "a string", "int"),
        (chat(timestamp=1714564987), "timestamp", "a string", "int"),
        (chat(citations={"index": 1}), "citations", "a list", "dict"),
        (chat(citations="[1]"), "citations", "a list", "str"),
        (chat(citations=[1]), "citations[0]", "an object", "int"),
        (chat(citations=[{"url": "u"}]), "citations[0].index", "an integer", "NoneType"),
        (chat(citations=[{"index": "1"}]), "citations[0].index", "an integer", "str"),
        (chat(citations=[{"index": True}]), "citations[0].index", "an integer", "bool"),
        (chat(citations=[{"index": 1.0}]), "citations[0].index", "an integer", "float"),
        (
            chat(citations=[{"index": 1}, {"index": False}]),
            "citations[1].index",
            "an integer",
            "bool",
        ),
        (chat(decision_aids={"id": 1}), "decision_aids", "a list", "dict"),
        (chat(client_message_id=7), "client_message_id", "a string", "int"),
        ({"type": 5}, "type", "a string", "int"),
        ({"type": ["pong"]}, "type", "a string", "list"),
        ({"type": "thinking_end", "timestamp": 1.5}, "timestamp", "a string", "float"),
    ],
)
def test_wrong_type(obj: dict[str, Any], key: str, expected: str, got: str) -> None:
    data = frame(obj)

    assert decode_frame(data) == ProtocolError(
        ProtocolErrorKind.WRONG_TYPE, len(data.encode()), key=key, expected=expected, got=got
    )


@pytest.mark.parametrize(
    ("citation", "key", "got"),
    [
        ({"index": 1, "url": 5}, "citations[0].url", "int"),
        ({"index": 1, "doc_id": True}, "citations[0].doc_id", "bool"),
    ],
)
def test_wrong_type_inside_a_citation_names_the_citation(
    citation: dict[str, Any], key: str, got: str
) -> None:
    # Like "citations[0].index": a bare "url" would not say where the bad value was.
    assert wrong_type(chat(citations=[citation])).key == key
    assert wrong_type(chat(citations=[citation])).got == got


# --- what errors and reprs may show ---------------------------------------------


def test_describe_without_a_key() -> None:
    assert ProtocolError(ProtocolErrorKind.NOT_JSON, 12).describe() == "not JSON (12 bytes)"
    assert ProtocolError(ProtocolErrorKind.BINARY, 3).describe() == "binary frame (3 bytes)"


def test_describe_names_the_key_the_expected_and_the_actual_type() -> None:
    error = wrong_type(chat(role=1))

    assert (
        error.describe() == f"wrong type ({error.size} bytes): 'role' should be a string, got int"
    )


@pytest.mark.parametrize(
    "data",
    [
        SECRET,
        f"[{frame(SECRET)}]",
        frame({"role": 1, "content": SECRET}),
        frame({"role": "bot", "content": SECRET, "name": 0}),
        frame(chat(content=SECRET, citations=[{"index": SECRET}])),
        frame(chat(content=[SECRET])),
        frame({"type": 0, "thought": SECRET}),
        frame({"type": SECRET, "timestamp": 0}),
        frame({SECRET: SECRET, "role": None}),
        '{"content": ' + frame(SECRET) + ", ",
    ],
    ids=[
        "plain-text",
        "json-list",
        "bad-role",
        "bad-name",
        "bad-citation-index",
        "content-list",
        "bad-type",
        "secret-type",
        "secret-key",
        "truncated-json",
    ],
)
def test_errors_never_quote_the_frame(data: str) -> None:
    error = decode_frame(data)

    assert isinstance(error, ProtocolError)
    assert "SECRET" not in error.describe()
    assert "SECRET" not in repr(error)


@pytest.mark.parametrize(
    "obj",
    [
        chat(content=SECRET),
        {"type": "pong", "note": SECRET},
        {"note": SECRET},
        {"type": "thinking_stream", "timestamp": TIMESTAMP, "thought": SECRET},
        {"type": "thinking_progress", "stage": "searching", "message": SECRET},
    ],
    ids=["chat-content", "pong", "unknown", "thinking-stream", "thinking-progress"],
)
def test_reprs_of_decoded_frames_never_show_their_text(obj: dict[str, Any]) -> None:
    # PROTOCOL.md: "thought" summarises what the AI is doing with the patient's
    # question, "message" is free progress text; like "content" they stay out of reprs.
    decoded = decode_frame(frame(obj))

    assert not isinstance(decoded, ProtocolError)
    assert "SECRET" not in repr(decoded)


def test_chat_message_repr_shows_the_metadata_but_not_the_names() -> None:
    decoded = decode_frame(frame(chat(content=SECRET, timestamp=TIMESTAMP)))

    # The sender's name may be the patient's: it stays out of the repr like the text.
    assert repr(decoded) == (
        "ChatMessage(role=<Role.BOT: 'bot'>, timestamp="
        f"'{TIMESTAMP}', citations=(), decision_aids=(), client_message_id=None)"
    )


# --- encoding ----------------------------------------------------------------------


def test_encode_ping() -> None:
    assert encode_ping() == '{"type": "ping"}'
    assert json.loads(encode_ping()) == {"type": "ping"}


def test_encode_chat_message_is_only_the_message_key() -> None:
    assert encode_chat_message("Hello") == '{"message": "Hello"}'


def test_encode_chat_message_keeps_non_ascii_text_as_is() -> None:
    text = 'Grüße, "Ärztin" 👋\nзначение ≤ 5'

    encoded = encode_chat_message(text)

    assert encoded == '{"message": "Grüße, \\"Ärztin\\" 👋\\nзначение ≤ 5"}'
    assert json.loads(encoded) == {"message": text}


def test_encode_chat_message_with_a_client_id() -> None:
    encoded = encode_chat_message("Hi", client_message_id="c-1")

    assert encoded == '{"message": "Hi", "client_message_id": "c-1"}'
    assert json.loads(encoded) == {"message": "Hi", CLIENT_MESSAGE_ID_KEY: "c-1"}
