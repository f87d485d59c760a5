"""Conversation ids, server URLs and the errors they raise."""

from __future__ import annotations

import uuid

import pytest

from desktop_app.core.endpoints import (
    InvalidServerUrl,
    ServerEndpoints,
    is_loopback_host,
    validate_conversation_id,
)
from desktop_app.core.errors import InsecureServerError, InvalidConversationId, SdmError

CONVERSATION = "0f8fad5b-d9cb-469f-a165-70867728950e"


# --- conversation ids -------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [CONVERSATION, CONVERSATION.upper(), "0F8FAD5B-d9cb-469F-A165-70867728950e"],
    ids=["canonical", "upper", "mixed"],
)
def test_conversation_id_is_returned_in_canonical_form(value: str) -> None:
    assert validate_conversation_id(value) == CONVERSATION


@pytest.mark.parametrize(
    "value",
    [
        "{" + CONVERSATION + "}",
        "urn:uuid:" + CONVERSATION,
        CONVERSATION.replace("-", ""),
        "0f8fad5bd9cb-469f-a165-70867728950e-",
        " " + CONVERSATION,
        CONVERSATION + "\n",
        CONVERSATION + "/",
        "",
        "not-a-uuid",
        "../../admin",
        "1",
    ],
    ids=[
        "braces",
        "urn",
        "no-hyphens",
        "misplaced-hyphen",
        "leading-space",
        "trailing-newline",
        "trailing-slash",
        "empty",
        "garbage",
        "path",
        "digit",
    ],
)
def test_non_canonical_conversation_ids_are_rejected(value: str) -> None:
    with pytest.raises(InvalidConversationId) as excinfo:
        validate_conversation_id(value)

    assert excinfo.value.value == value
    assert str(excinfo.value) == f"conversation id must be a UUID, got {value!r}"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "None"),
        (42, "42"),
        (uuid.UUID(CONVERSATION), f"UUID('{CONVERSATION}')"),
        (CONVERSATION.encode(), repr(CONVERSATION.encode())),
    ],
    ids=["none", "int", "uuid-object", "bytes"],
)
def test_conversation_ids_that_are_not_strings_are_rejected(value: object, shown: str) -> None:
    with pytest.raises(InvalidConversationId, match="conversation id must be a UUID, got ") as info:
        validate_conversation_id(value)

    assert str(info.value) == f"conversation id must be a UUID, got {shown}"
    assert info.value.value is value


def test_invalid_conversation_id_is_a_value_error_of_the_app() -> None:
    error = InvalidConversationId("x")

    assert isinstance(error, ValueError)
    assert isinstance(error, SdmError)


def test_invalid_conversation_id_message_cuts_long_input() -> None:
    value = "x" * 1000

    message = str(InvalidConversationId(value))

    assert message == "conversation id must be a UUID, got '" + "x" * 56 + "..."
    assert len(message) == len("conversation id must be a UUID, got ") + 60


@pytest.mark.parametrize(("length", "cut"), [(58, False), (59, True)])
def test_invalid_conversation_id_message_shows_up_to_sixty_characters(
    length: int, cut: bool
) -> None:
    value = "y" * length  # its repr has two quotes more

    shown = str(InvalidConversationId(value)).removeprefix("conversation id must be a UUID, got ")

    assert shown == (repr(value)[:57] + "..." if cut else repr(value))
    assert len(shown) == 60 if cut else length + 2


# --- loopback hosts ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("localhost", True),
        ("LocalHost", True),
        # Passed on to DNS by glibc and others: not this machine for certain.
        ("app.localhost", False),
        ("localhost.", False),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", False),
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("example.org", False),
        ("localhost.example.org", False),
        ("notlocalhost", False),
        ("0.0.0.0", False),
        ("10.0.0.1", False),
        ("192.168.1.20", False),
        ("::", False),
        ("", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


# --- server URLs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "base_url", "origin"),
    [
        ("https://sdm.example.org", "https://sdm.example.org", "https://sdm.example.org"),
        ("https://sdm.example.org/", "https://sdm.example.org", "https://sdm.example.org"),
        ("https://example.org/sdm/", "https://example.org/sdm", "https://example.org"),
        ("https://example.org/a/b//", "https://example.org/a/b", "https://example.org"),
        ("https://example.org:8443/", "https://example.org:8443", "https://example.org:8443"),
        ("  https://example.org/sdm \n", "https://example.org/sdm", "https://example.org"),
        (
            "HTTPS://Sdm.Example.ORG:8443",
            "https://sdm.example.org:8443",
            "https://sdm.example.org:8443",
        ),
    ],
    ids=["bare", "trailing-slash", "prefix", "double-slash", "port", "whitespace", "upper-case"],
)
def test_https_base_url(url: str, base_url: str, origin: str) -> None:
    assert ServerEndpoints.from_base_url(url) == ServerEndpoints(
        base_url=base_url, secure=True, origin=origin
    )


def test_credentials_in_the_url_are_refused_without_repeating_them() -> None:
    with pytest.raises(InvalidServerUrl, match="user name or password") as info:
        ServerEndpoints.from_base_url("https://user:hunter2@example.org/")
    assert "hunter2" not in str(info.value)


def test_an_empty_port_leaves_no_colon_in_the_origin() -> None:
    assert ServerEndpoints.from_base_url("http://localhost:/").origin == "http://localhost"


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("http://localhost:8000/", "http://localhost:8000"),
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_plain_http_to_this_machine_is_allowed(url: str, origin: str) -> None:
    assert ServerEndpoints.from_base_url(url) == ServerEndpoints(
        base_url=origin, secure=False, origin=origin
    )


@pytest.mark.parametrize(
    "url", ["http://sdm.example.org", "http://192.168.1.20:8000/", "http://demo.localhost"]
)
def test_plain_http_to_another_host_is_refused(url: str) -> None:
    with pytest.raises(InsecureServerError) as excinfo:
        ServerEndpoints.from_base_url(url)

    assert excinfo.value.url == url
    assert str(excinfo.value) == (
        f"refusing unencrypted connection to {url}: use https://, or allow plain "
        "http explicitly (only safe on a trusted network)"
    )
    assert isinstance(excinfo.value, SdmError)
    assert isinstance(excinfo.value, ValueError)


def test_plain_http_to_another_host_when_explicitly_allowed() -> None:
    endpoints = ServerEndpoints.from_base_url("http://sdm.lan:8000/app/", allow_insecure=True)

    assert endpoints == ServerEndpoints(
        base_url="http://sdm.lan:8000/app", secure=False, origin="http://sdm.lan:8000"
    )
    assert endpoints.sends_password_in_clear


@pytest.mark.parametrize(
    "url", ["https://sdm.example.org", "http://localhost:8000", "http://127.0.0.1", "http://[::1]"]
)
def test_https_and_this_machine_keep_the_password_off_the_network(url: str) -> None:
    assert not ServerEndpoints.from_base_url(url).sends_password_in_clear


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("sdm.example.org", "must start with http:// or https://"),
        ("ftp://sdm.example.org", "must start with http:// or https://"),
        ("ws://localhost:8000", "must start with http:// or https://"),
        ("wss://sdm.example.org", "must start with http:// or https://"),
        ("", "must start with http:// or https://"),
        ("https://", "has no host name"),
        ("https:///path", "has no host name"),
        ("https://sdm.example.org/?next=/", "must not have a query or fragment"),
        ("https://sdm.example.org/#chat", "must not have a query or fragment"),
        ("https://sdm.example.org:99999", "has an invalid port"),
        ("https://sdm.example.org:https", "has an invalid port"),
        ("http://sdm.example.org:-1", "has an invalid port"),
    ],
)
def test_malformed_server_urls_are_rejected_saying_why(url: str, problem: str) -> None:
    with pytest.raises(InvalidServerUrl) as excinfo:
        ServerEndpoints.from_base_url(url, allow_insecure=True)

    assert str(excinfo.value) == f"server URL {url!r} {problem}"
    assert excinfo.value.url == url
    assert isinstance(excinfo.value, SdmError)
    assert isinstance(excinfo.value, ValueError)


def test_a_malformed_url_is_reported_before_an_insecure_one() -> None:
    with pytest.raises(InvalidServerUrl, match="must not have a query"):
        ServerEndpoints.from_base_url("http://sdm.example.org/?a=1")


# --- derived URLs --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("base", "kind", "expected"),
    [
        ("https://sdm.example.org", "chat", f"wss://sdm.example.org/ws/chat/{CONVERSATION}/"),
        ("https://example.org/sdm/", "status", f"wss://example.org/sdm/ws/status/{CONVERSATION}/"),
        ("http://localhost:8000", "chat", f"ws://localhost:8000/ws/chat/{CONVERSATION}/"),
    ],
)
def test_websocket_url(base: str, kind: str, expected: str) -> None:
    endpoints = ServerEndpoints.from_base_url(base)

    assert endpoints.websocket_url(kind, CONVERSATION) == expected
    assert endpoints.websocket_url(kind, CONVERSATION.upper()) == expected


def test_websocket_url_refuses_a_bad_conversation_id() -> None:
    endpoints = ServerEndpoints.from_base_url("https://sdm.example.org")

    with pytest.raises(InvalidConversationId):
        endpoints.websocket_url("chat", "../admin")


@pytest.mark.parametrize("path", ["conversation/", "/conversation/"])
def test_http_url(path: str) -> None:
    endpoints = ServerEndpoints.from_base_url("https://example.org/sdm/")

    assert endpoints.http_url(path) == "https://example.org/sdm/conversation/"


def test_http_url_of_the_root() -> None:
    endpoints = ServerEndpoints.from_base_url("https://example.org")

    assert endpoints.http_url("") == "https://example.org/"


@pytest.mark.parametrize(
    ("url", "host"),
    [("https://SDM.example.org:8443/x", "sdm.example.org"), ("http://[::1]:8000", "::1")],
)
def test_host_is_lower_case_without_brackets(url: str, host: str) -> None:
    assert ServerEndpoints.from_base_url(url).host == host


def test_outbox_error_carries_ids_and_states() -> None:
    from pathlib import Path

    from desktop_app.core.errors import OutboxError

    error = OutboxError("no message 7d1c", path=Path("/x/outbox.sqlite3"), client_id="7d1c")
    assert isinstance(error, SdmError)
    assert (str(error), error.path, error.client_id, error.state) == (
        "no message 7d1c",
        Path("/x/outbox.sqlite3"),
        "7d1c",
        None,
    )
