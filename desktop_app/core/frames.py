"""Frames of the chat and status sockets: decoding into typed events, encoding.

Every inbound text frame becomes exactly one of :class:`Pong`,
:class:`ChatMessage`, :class:`StatusEvent`, :class:`UnknownFrame`, or a
:class:`ProtocolError` that says what was wrong without quoting the frame
(frames carry patient text, which must never reach a log).
"""

from __future__ import annotations

import enum
import json
import json.scanner
from dataclasses import dataclass, field
from typing import Any, TypeVar

#: Key of the client-generated message id in an outbound chat frame. The real
#: server ignores unknown keys; the demo server echoes this one back.
CLIENT_MESSAGE_ID_KEY = "client_message_id"


class Role(enum.Enum):
    USER = "user"
    BOT = "bot"
    UNKNOWN = "unknown"


_ROLES = {role.value: role for role in Role}
#: ``json.loads`` without its per-call checks (argument type, byte order mark, keyword
#: arguments): only text reaches it, and a BOM fails to parse here as well.
_decoder = json.JSONDecoder()
_decode_json = _decoder.decode
#: The decoder's own scanner (C), without ``decode``'s two Python frames and two regular
#: expressions for the whitespace around the value: a frame has none.
_scan_json = json.scanner.make_scanner(_decoder)  # type: ignore[arg-type]  # any decoder


@dataclass(frozen=True)
class Citation:
    index: int
    url: str
    title: str = ""
    excerpt: str = ""
    doc_id: str = ""


@dataclass(frozen=True)
class Pong:
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class ChatMessage:
    role: Role
    name: str = field(repr=False)  # may be the patient's name
    content: str = field(repr=False)  # patient text: kept out of reprs and logs
    timestamp: str
    citations: tuple[Citation, ...]
    decision_aids: tuple[Any, ...]
    client_message_id: str | None
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class StatusEvent:
    type: str
    timestamp: str | None
    extra: dict[str, Any] = field(repr=False)  # thoughts and progress text about the patient
    raw: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class UnknownFrame:
    """A JSON object with neither ``role`` nor ``type`` (a newer server, perhaps).

    An object with an unknown ``type`` is a :class:`StatusEvent`: the status
    tracker decides which types it knows.
    """

    raw: dict[str, Any] = field(repr=False)


class ProtocolErrorKind(enum.Enum):
    BINARY = "binary frame"
    NOT_JSON = "not JSON"
    NOT_OBJECT = "not a JSON object"
    WRONG_TYPE = "wrong type"


@dataclass(frozen=True)
class ProtocolError:
    """A frame that breaks the protocol; safe to log (it never holds the frame's text)."""

    kind: ProtocolErrorKind
    size: int
    key: str | None = None
    expected: str | None = None
    got: str | None = None

    def describe(self) -> str:
        text = f"{self.kind.value} ({self.size} bytes)"
        if self.key is not None:
            text += f": {self.key!r} should be {self.expected}, got {self.got}"
        return text


Frame = Pong | ChatMessage | StatusEvent | UnknownFrame


_T = TypeVar("_T")
_new = object.__new__
_set = object.__setattr__  # what a frozen dataclass's __init__ calls for each field
_UNKNOWN_ROLE = Role.UNKNOWN


def _frozen(cls: type[_T], fields: dict[str, Any]) -> _T:
    """``cls(**fields)`` for a frozen dataclass of this module, in a third of the time.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``,
    and every frame of a flood builds a message; the decoder gives the new instance
    ``fields`` as its ``__dict__`` at once instead. ``fields`` must name every field
    (tests/core/test_frames.py compares decoded frames with constructed ones), and
    ``cls`` has no ``__post_init__`` for this to skip. The instance then holds a dict
    of its own (about 70 bytes more than the shared-key one ``__init__`` makes): right
    for a message, which is handed on and dropped, not for what is kept (a citation
    lives as long as its row in the transcript).
    """
    instance = _new(cls)
    _set(instance, "__dict__", fields)
    return instance


class _WrongType(Exception):
    def __init__(self, key: str, expected: str, value: object) -> None:
        super().__init__(key)
        self.key = key
        self.expected = expected
        self.got = type(value).__name__

    def error(self, size: int) -> ProtocolError:
        return ProtocolError(
            ProtocolErrorKind.WRONG_TYPE, size, key=self.key, expected=self.expected, got=self.got
        )


def _str(obj: dict[str, Any], key: str, default: str | None = "", *, path: str = "") -> str:
    """``obj[key]`` as a string (``default`` when absent or null, if there is one)."""
    value = obj.get(key)
    if value is None and default is not None:
        return default
    if not isinstance(value, str):
        raise _WrongType(path + key, "a string", value)
    return value


def _citation(value: object, position: int) -> Citation:
    """The general path: any valid citation, or the error that names what was wrong."""
    if not isinstance(value, dict):
        raise _WrongType(f"citations[{position}]", "an object", value)
    index = value.get("index")
    # bool is an int in Python, but never a citation number.
    if not isinstance(index, int) or isinstance(index, bool):
        raise _WrongType(f"citations[{position}].index", "an integer", index)
    doc_id = value.get("doc_id")
    if isinstance(doc_id, int) and not isinstance(doc_id, bool):
        doc_id = str(doc_id)  # some indexes number their documents
        value = {**value, "doc_id": doc_id}
    path = f"citations[{position}]."
    return Citation(
        index,
        _str(value, "url", path=path),
        _str(value, "title", path=path),
        _str(value, "excerpt", path=path),
        _str(value, "doc_id", path=path),
    )


def _citations(values: list[Any]) -> tuple[Citation, ...]:
    """Every citation of a chat message, in order.

    Every frame of a flood goes through here, so the common case (an object whose
    fields are all present with exactly the JSON types) is checked and built inline,
    field by field as ``Citation.__init__`` would (a citation is kept: its ``__dict__``
    stays the compact, shared-key one); anything else takes :func:`_citation`, which
    accepts what the protocol allows (nulls, numeric document ids) and names what it
    does not. ``type(x) is int`` is what keeps a bool out: ``True`` passes
    ``isinstance(True, int)``.
    """
    citations: list[Citation] = []
    for value in values:
        if type(value) is dict:
            try:  # a subscript is cheaper than get(); a field left out is rare
                index, url, title = value["index"], value["url"], value["title"]
                excerpt, doc_id = value["excerpt"], value["doc_id"]
            except KeyError:
                citations.append(_citation(value, len(citations)))
                continue
            if (
                type(index) is int
                and type(url) is str
                and type(title) is str
                and type(excerpt) is str
                and type(doc_id) is str
            ):
                citation = _new(Citation)
                _set(citation, "index", index)
                _set(citation, "url", url)
                _set(citation, "title", title)
                _set(citation, "excerpt", excerpt)
                _set(citation, "doc_id", doc_id)
                citations.append(citation)
                continue
        citations.append(_citation(value, len(citations)))
    return tuple(citations)


def _chat_message(obj: dict[str, Any]) -> ChatMessage:
    """A chat message; every frame of a flood comes here.

    The common shape (every field present, each of exactly its JSON type) is checked
    in one condition and built at once; anything else (nulls, absent fields, a wrong
    type) takes :func:`_checked_chat_message`, which applies the defaults or names the
    first wrong field.
    """
    try:  # a subscript is cheaper than get(); a frame without these fields is rare
        role_value, name, content = obj["role"], obj["name"], obj["content"]
        timestamp, citations = obj["timestamp"], obj["citations"]
    except KeyError:
        return _checked_chat_message(obj)
    aids, client_id = obj.get("decision_aids"), obj.get(CLIENT_MESSAGE_ID_KEY)
    if not (
        type(role_value) is str
        and type(name) is str
        and type(content) is str
        and type(timestamp) is str
        and type(citations) is list
        and (aids is None or type(aids) is list)
        and (client_id is None or type(client_id) is str)
    ):
        return _checked_chat_message(obj)
    message = _new(ChatMessage)  # as _frozen does, inline
    _set(
        message,
        "__dict__",
        {
            "role": _ROLES.get(role_value, _UNKNOWN_ROLE),
            "name": name,
            "content": content,
            "timestamp": timestamp,
            "citations": _citations(citations) if citations else (),
            "decision_aids": tuple(aids) if aids else (),
            "client_message_id": client_id,
            "raw": obj,
        },
    )
    return message


def _checked_chat_message(obj: dict[str, Any]) -> ChatMessage:
    # The checks run in the order a wrong frame is reported in: the lists, the id,
    # the strings, then each citation.
    role_value = obj["role"]
    if not isinstance(role_value, str):
        raise _WrongType("role", "a string", role_value)
    citations = obj.get("citations")
    if citations is None:
        citations = ()
    elif not isinstance(citations, list):
        raise _WrongType("citations", "a list", citations)
    aids = obj.get("decision_aids")
    if aids is None:
        aids = ()
    elif not isinstance(aids, list):
        raise _WrongType("decision_aids", "a list", aids)
    client_id = obj.get(CLIENT_MESSAGE_ID_KEY)
    if client_id is not None and not isinstance(client_id, str):
        raise _WrongType(CLIENT_MESSAGE_ID_KEY, "a string", client_id)
    return _frozen(
        ChatMessage,
        {
            "role": _ROLES.get(role_value, _UNKNOWN_ROLE),
            "name": _str(obj, "name"),
            "content": _str(obj, "content", default=None),
            "timestamp": _str(obj, "timestamp"),
            "citations": _citations(citations) if citations else (),
            "decision_aids": tuple(aids),
            "client_message_id": client_id,
            "raw": obj,
        },
    )


def decode_frame(data: str | bytes) -> Frame | ProtocolError:
    """Decode one inbound WebSocket message."""
    if isinstance(data, bytes):
        return ProtocolError(ProtocolErrorKind.BINARY, len(data))
    try:
        try:
            obj, end = _scan_json(data, 0)
        except StopIteration:  # no value at the start: whitespace first, or not JSON
            end = -1
        if end != len(data):
            obj = _decode_json(data)  # whitespace around the value, or the error to report
    except (ValueError, RecursionError):  # RecursionError: absurdly deep nesting
        return ProtocolError(ProtocolErrorKind.NOT_JSON, _size(data))
    if not isinstance(obj, dict):
        return ProtocolError(ProtocolErrorKind.NOT_OBJECT, _size(data), got=type(obj).__name__)
    try:
        return _chat_message(obj) if "role" in obj else _other_frame(obj)
    except _WrongType as exc:
        # Measured only when needed: encoding every frame to count its bytes costs.
        return exc.error(_size(data))


def _size(data: str) -> int:
    """The frame's size in bytes on the wire (UTF-8)."""
    return len(data.encode("utf-8", "surrogatepass"))


def decode_object(obj: dict[str, Any], size: int = 0) -> Frame | ProtocolError:
    """Decode one parsed JSON object (a history entry, or a frame a listener got)."""
    try:
        return _chat_message(obj) if "role" in obj else _other_frame(obj)
    except _WrongType as exc:
        return exc.error(size)


def _other_frame(obj: dict[str, Any]) -> Frame:
    """An object without ``role``: a pong, a status event, or an unknown frame."""
    frame_type = obj.get("type")
    if frame_type is not None and not isinstance(frame_type, str):
        raise _WrongType("type", "a string", frame_type)
    if frame_type == "pong":
        return Pong(obj)
    if frame_type is None:
        return UnknownFrame(obj)
    timestamp = obj.get("timestamp")
    if timestamp is not None and not isinstance(timestamp, str):
        raise _WrongType("timestamp", "a string", timestamp)
    extra = {k: v for k, v in obj.items() if k not in ("type", "timestamp")}
    return StatusEvent(frame_type, timestamp, extra, obj)


def encode_ping() -> str:
    return '{"type": "ping"}'


def encode_chat_message(text: str, client_message_id: str | None = None) -> str:
    """The chat frame for ``text``; the server rejects (drops the socket on) anything else."""
    frame: dict[str, str] = {"message": text}
    if client_message_id is not None:
        frame[CLIENT_MESSAGE_ID_KEY] = client_message_id
    return json.dumps(frame, ensure_ascii=False)
