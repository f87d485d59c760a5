"""Properties of frame decoding (core/frames.py) over whatever a hostile server can send.

The module's promise: every inbound text frame becomes exactly one of the typed
frames or a ProtocolError, and a ProtocolError says what was wrong without quoting
the frame (frames carry patient text, which must never reach a log).
"""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

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
)
from tests.security.strategies import (
    MARKER_PREFIX,
    SHORT_TEXT,
    json_values,
    markers,
    patient_texts,
)

FRAME_TYPES = (Pong, ChatMessage, StatusEvent, UnknownFrame, ProtocolError)
CHAT_KEYS = ("role", "name", "content", "timestamp", "citations", "decision_aids")
CITATION_KEYS = ("index", "url", "title", "excerpt", "doc_id")
JSON_TYPE_NAMES = ("NoneType", "bool", "int", "float", "str", "list", "dict")

# Everything describe() may say: fixed words, a size, a key path of the protocol's own
# names, a JSON type name. Nothing of the frame's own text fits in it.
_KEY_PATH = r"(role|type|timestamp|name|content|citations|decision_aids|client_message_id" + (
    r"|citations\[\d+\](\.(index|url|title|excerpt|doc_id))?)"
)
DESCRIPTION = re.compile(
    r"(binary frame|not JSON|not a JSON object|wrong type) \(\d+ bytes\)"
    rf"(: '{_KEY_PATH}' should be (a string|an integer|an object|a list),"
    rf" got ({'|'.join(JSON_TYPE_NAMES)}))?"
)


def same(a: object, b: object) -> bool:
    """Equal as JSON (a parsed ``NaN`` is not equal to itself)."""
    return json.dumps(a) == json.dumps(b)


def wire_size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


# --- strategies (built once: a strategy built inside a draw is validated at every draw) ---


def frame_like(text: st.SearchStrategy[str] = SHORT_TEXT) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the protocol's keys holding any JSON values (mostly the wrong ones)."""
    keys = st.sampled_from((*CHAT_KEYS, "type", CLIENT_MESSAGE_ID_KEY)) | text
    citation = st.dictionaries(
        st.sampled_from(CITATION_KEYS), json_values(text, max_leaves=3), max_size=5
    )
    value = json_values(text, max_leaves=5) | st.lists(citation, max_size=3)
    type_value = st.sampled_from(["pong", "thinking_start", "thinking_end", ""]) | json_values(
        text, max_leaves=3
    )
    objects = st.dictionaries(keys, value, max_size=6)
    return objects | st.builds(lambda base, kind: {**base, "type": kind}, objects, type_value)


FRAME_LIKE = frame_like()
OPTIONAL_TEXT = st.text() | st.none()
CITATION = st.fixed_dictionaries(
    {"index": st.integers()},
    optional={
        "url": OPTIONAL_TEXT,
        "title": OPTIONAL_TEXT,
        "excerpt": OPTIONAL_TEXT,
        "doc_id": OPTIONAL_TEXT | st.integers(),
    },
)
#: A chat message as PROTOCOL.md describes it, optional keys sometimes left out.
VALID_CHAT = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "bot", "unknown"]) | st.text(), "content": st.text()},
    optional={
        "name": OPTIONAL_TEXT,
        "timestamp": OPTIONAL_TEXT,
        "citations": st.lists(CITATION, max_size=4) | st.none(),
        "decision_aids": st.lists(json_values(max_leaves=4), max_size=3) | st.none(),
        CLIENT_MESSAGE_ID_KEY: st.uuids().map(str) | st.none(),
    },
)
ANY_VALUE = json_values(max_leaves=4) | st.lists(json_values(max_leaves=2), max_size=2)


@st.composite
def corrupted_chat_objects(draw: st.DrawFn) -> dict[str, Any]:
    """A valid chat message with one field (perhaps of a citation) set to any JSON value."""
    obj: dict[str, Any] = draw(VALID_CHAT)
    value = draw(ANY_VALUE)
    citations: list[Any] | None = obj.get("citations")
    if citations and draw(st.booleans()):
        position = draw(st.integers(0, len(citations) - 1))
        if draw(st.booleans()):
            citations[position] = value
        else:
            citations[position][draw(st.sampled_from(CITATION_KEYS))] = value
    else:
        obj[draw(st.sampled_from((*CHAT_KEYS, CLIENT_MESSAGE_ID_KEY)))] = value
    return obj


CORRUPTED_CHAT = corrupted_chat_objects()
DOCUMENTS = st.builds(
    json.dumps, json_values() | FRAME_LIKE | CORRUPTED_CHAT, ensure_ascii=st.booleans()
)


@st.composite
def damaged_documents(draw: st.DrawFn) -> str:
    """JSON cut short, or with a few characters spliced in anywhere."""
    document = draw(DOCUMENTS)
    cut = draw(st.integers(0, len(document)))
    return document[:cut] + draw(st.text(max_size=3)) + document[cut:][: draw(st.integers())]


#: Text frames: valid JSON, JSON cut or spliced, and arbitrary text.
TEXT_FRAMES = DOCUMENTS | damaged_documents() | st.text()


# --- the oracle: PROTOCOL.md's chat message, field by field ---------------------------


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_str(value: object) -> bool:
    return value is None or isinstance(value, str)


def _valid_citation(value: object) -> bool:
    if not isinstance(value, dict) or not _is_int(value.get("index")):
        return False
    doc_id = value.get("doc_id")
    return all(_optional_str(value.get(key)) for key in ("url", "title", "excerpt")) and (
        _optional_str(doc_id) or _is_int(doc_id)
    )


def valid_chat(obj: dict[str, Any]) -> bool:
    citations = obj.get("citations")
    return (
        isinstance(obj["role"], str)
        and isinstance(obj.get("content"), str)
        and all(_optional_str(obj.get(key)) for key in ("name", "timestamp"))
        and (citations is None or isinstance(citations, list))
        and all(_valid_citation(c) for c in citations or [])
        and (obj.get("decision_aids") is None or isinstance(obj.get("decision_aids"), list))
        and _optional_str(obj.get(CLIENT_MESSAGE_ID_KEY))
    )


def expected_citation(value: dict[str, Any]) -> Citation:
    doc_id = value.get("doc_id")
    return Citation(
        index=value["index"],
        url=value.get("url") or "",
        title=value.get("title") or "",
        excerpt=value.get("excerpt") or "",
        doc_id=str(doc_id) if _is_int(doc_id) else doc_id or "",
    )


def check_chat_fields(message: ChatMessage, obj: dict[str, Any]) -> None:
    role = obj["role"]
    assert message.role is (Role(role) if role in ("user", "bot", "unknown") else Role.UNKNOWN)
    assert message.content == obj["content"]
    assert message.name == (obj.get("name") or "")
    assert message.timestamp == (obj.get("timestamp") or "")
    assert message.citations == tuple(expected_citation(c) for c in obj.get("citations") or [])
    assert same(message.decision_aids, tuple(obj.get("decision_aids") or []))
    assert message.client_message_id == obj.get(CLIENT_MESSAGE_ID_KEY)
    assert same(message.raw, obj)


def value_at(obj: dict[str, Any], path: str) -> object:
    """The value a key path of a ProtocolError names: ``citations[2].url``."""
    match = re.fullmatch(r"citations\[(\d+)\](?:\.(\w+))?", path)
    if match is None:
        return obj.get(path)
    citation = obj["citations"][int(match[1])]
    return citation if match[2] is None else citation.get(match[2])


def check_decoded(result: object, obj: dict[str, Any]) -> None:
    """``result`` is what the protocol says ``obj`` is."""
    assert type(result) in FRAME_TYPES
    if isinstance(result, ProtocolError):
        assert result.kind is ProtocolErrorKind.WRONG_TYPE
        assert result.key is not None
        # The key it names really holds a value of the wrong type.
        assert result.got == type(value_at(obj, result.key)).__name__
        assert DESCRIPTION.fullmatch(result.describe())
    if "role" in obj:
        assert isinstance(result, ChatMessage | ProtocolError)
        assert isinstance(result, ChatMessage) is valid_chat(obj)
        if isinstance(result, ChatMessage):
            check_chat_fields(result, obj)
        return
    frame_type = obj.get("type")
    timestamp = obj.get("timestamp")
    if frame_type is not None and not isinstance(frame_type, str):
        assert isinstance(result, ProtocolError)
        assert result.key == "type"
    elif frame_type == "pong":
        assert isinstance(result, Pong)
        assert same(result.raw, obj)
    elif frame_type is None:
        assert isinstance(result, UnknownFrame)
        assert same(result.raw, obj)
    elif not _optional_str(timestamp):
        assert isinstance(result, ProtocolError)
        assert result.key == "timestamp"
    else:
        assert isinstance(result, StatusEvent)
        assert (result.type, result.timestamp) == (frame_type, timestamp)
        assert same(result.extra, {k: v for k, v in obj.items() if k not in ("type", "timestamp")})


# --- properties ------------------------------------------------------------------------


@given(st.binary())
def test_a_binary_frame_is_a_protocol_error_of_its_size(data: bytes) -> None:
    assert decode_frame(data) == ProtocolError(ProtocolErrorKind.BINARY, len(data))


@given(TEXT_FRAMES)
def test_any_text_frame_decodes_to_one_typed_frame_or_a_protocol_error(text: str) -> None:
    result = decode_frame(text)
    assert type(result) in FRAME_TYPES
    try:
        obj = json.loads(text)
    except ValueError:
        assert result == ProtocolError(ProtocolErrorKind.NOT_JSON, wire_size(text))
        return
    note(f"parsed: {obj!r}")
    if not isinstance(obj, dict):
        expected = ProtocolError(
            ProtocolErrorKind.NOT_OBJECT, wire_size(text), got=type(obj).__name__
        )
        assert result == expected
        return
    check_decoded(result, obj)
    if isinstance(result, ProtocolError):
        assert result.size == wire_size(text)


@given(st.text(st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters()))
def test_text_with_lone_surrogates_never_raises(text: str) -> None:
    """A str the socket could not have delivered (lone surrogates) still decodes."""
    result = decode_frame(text)
    assert type(result) in FRAME_TYPES
    for escaped in (json.dumps(text), json.dumps({"role": "user", "content": text})):
        assert type(decode_frame(escaped)) in FRAME_TYPES


@given(FRAME_LIKE | CORRUPTED_CHAT)
def test_any_object_decodes_as_the_protocol_says(obj: dict[str, Any]) -> None:
    check_decoded(decode_object(obj), obj)


@given(VALID_CHAT, st.booleans())
def test_a_valid_chat_frame_round_trips_its_fields(obj: dict[str, Any], ascii_only: bool) -> None:
    result = decode_frame(json.dumps(obj, ensure_ascii=ascii_only))
    assert isinstance(result, ChatMessage)
    check_chat_fields(result, obj)
    # A history entry (already parsed) decodes to the same message.
    assert decode_object(obj) == result


MARKED_TEXT = st.builds(str.__add__, st.text(max_size=5), markers())
HOSTILE_OBJECTS = frame_like(MARKED_TEXT) | CORRUPTED_CHAT | json_values(MARKED_TEXT)


@st.composite
def hostile_frames(draw: st.DrawFn) -> tuple[str, list[str]]:
    """A frame with patient text in its strings (keys included), maybe cut short; its markers."""
    document = json.dumps(draw(HOSTILE_OBJECTS), ensure_ascii=draw(st.booleans()))
    if draw(st.booleans()):
        document = document[: draw(st.integers(0, len(document)))]
    return document, re.findall(MARKER_PREFIX + r"\d+", document)


@given(hostile_frames())
def test_a_protocol_error_never_quotes_the_frame(frame: tuple[str, list[str]]) -> None:
    document, found = frame
    result = decode_frame(document)
    if isinstance(result, ProtocolError):
        description = result.describe()
        assert DESCRIPTION.fullmatch(description), description
        assert MARKER_PREFIX not in description
        assert MARKER_PREFIX not in repr(result)
        assert not any(marker in description for marker in found)


PRIVATE_TEXT = patient_texts()
EXTRA_FIELDS = st.dictionaries(
    st.text(max_size=8).filter(lambda k: k not in (*CHAT_KEYS, "type")), PRIVATE_TEXT, max_size=4
)


@st.composite
def frames_with_private_fields(draw: st.DrawFn) -> dict[str, Any]:
    """A well-formed frame with patient text in its private parts: chat name and content,
    status extras, the keys of a pong or of an unknown frame."""
    extra = draw(EXTRA_FIELDS)
    kind = draw(st.sampled_from(["chat", "status", "pong", "unknown"]))
    if kind == "chat":
        extra.pop(CLIENT_MESSAGE_ID_KEY, None)
        return extra | {
            "role": draw(st.sampled_from(["user", "bot"])),
            "name": draw(PRIVATE_TEXT),
            "content": draw(PRIVATE_TEXT),
            "timestamp": "2026-11-25T10:00:00+01:00",
        }
    if kind == "status":
        return extra | {"type": "thinking_stream", "thought": draw(PRIVATE_TEXT)}
    if kind == "pong":
        return extra | {"type": "pong"}
    return extra


@given(frames_with_private_fields())
def test_a_decoded_frame_keeps_patient_text_out_of_its_repr(obj: dict[str, Any]) -> None:
    result = decode_frame(json.dumps(obj))
    assert not isinstance(result, ProtocolError)
    assert MARKER_PREFIX not in repr(result)


@given(st.text(), st.uuids().map(str) | st.none())
def test_an_outbound_chat_frame_is_always_one_the_server_accepts(
    text: str, client_id: str | None
) -> None:
    """The server drops the socket on any frame but a JSON object with ``message``."""
    frame = json.loads(encode_chat_message(text, client_id))
    assert frame.pop("message") == text
    assert frame == ({} if client_id is None else {CLIENT_MESSAGE_ID_KEY: client_id})


# --- time: deep nesting and large frames -------------------------------------------------

NESTINGS = {
    "lists": ("[", "]"),
    "objects": ('{"a":', "}"),
    "in a chat frame": ('{"role": "user", "content": "x", "decision_aids": [', "]}"),
    "in a citation": ('{"role": "bot", "content": "x", "citations": [{"index": 1, "url": ', "}]}"),
}


@given(st.sampled_from(sorted(NESTINGS)), st.integers(1, 300_000), st.booleans())
def test_any_nesting_depth_decodes_without_raising(shape: str, depth: int, closed: bool) -> None:
    opening, closing = NESTINGS[shape]
    if shape in ("lists", "objects"):
        text = opening * depth + "1" + (closing * depth if closed else "")
    else:
        text = opening + "[" * depth + "]" * (depth if closed else 0) + closing
    result = decode_frame(text)
    assert type(result) in FRAME_TYPES
    if depth >= 100_000 or not closed:  # past any recursion limit, or not JSON at all
        assert result == ProtocolError(ProtocolErrorKind.NOT_JSON, len(text))


def _frame_of_size(shape: str, n: int) -> str:
    """A frame of about ``n`` units of the shape's costly part."""
    if shape == "deep nesting":
        return "[" * n + "]" * n
    if shape == "escaped content":
        return json.dumps({"role": "user", "content": "é\n\u2028😀" * n}, ensure_ascii=True)
    if shape == "citations":
        citation = {"index": 1, "url": "https://example.org/", "title": "t", "doc_id": 7}
        return json.dumps({"role": "bot", "content": "x", "citations": [citation] * n})
    if shape == "status extras":
        return json.dumps({"type": "thinking_stream", **{f"k{i}": i for i in range(n)}})
    if shape == "wrong type at the end":
        citations = [{"index": 1, "url": "u"}] * n + [{"index": "1"}]
        return json.dumps({"role": "bot", "content": "x", "citations": citations})
    assert shape == "long invalid"
    return '{"role": "user", "content": "' + "x" * (30 * n)


def _best_time(text: str, repeats: int = 5) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        decode_frame(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize(
    "shape",
    [
        "deep nesting",
        "escaped content",
        "citations",
        "status extras",
        "wrong type at the end",
        "long invalid",
    ],
)
def test_decoding_time_grows_linearly_with_the_frame(shape: str) -> None:
    """Eight times the frame, at most about eight times the time (quadratic would be 64×).

    Best of five, and a 3× allowance over linear: a loaded machine slows both alike.
    """
    small, large = _frame_of_size(shape, 4_000), _frame_of_size(shape, 32_000)
    assert len(large) > 7 * len(small)
    small_s, large_s = _best_time(small), _best_time(large)
    assert large_s <= 24 * small_s + 0.002, (shape, small_s, large_s)
    assert large_s < 1.0
