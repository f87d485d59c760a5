"""Where the sockets and pages of a platform server live, derived from its base URL."""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from urllib.parse import urlsplit

from desktop_app.core.errors import InsecureServerError, InvalidConversationId, SdmError


class InvalidServerUrl(SdmError, ValueError):
    """A base URL that is not http(s)://host[:port][/prefix]."""

    def __init__(self, url: str, problem: str) -> None:
        super().__init__(f"server URL {url!r} {problem}")
        self.url = url


def validate_conversation_id(value: object) -> str:
    """The canonical form of a conversation UUID; InvalidConversationId otherwise."""
    if not isinstance(value, str):
        raise InvalidConversationId(value)
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        raise InvalidConversationId(value) from None
    # uuid.UUID also accepts braces, "urn:uuid:" and no hyphens; the server's route does not.
    if str(parsed) != value.lower():
        raise InvalidConversationId(value)
    return str(parsed)


def is_loopback_host(host: str) -> bool:
    """Whether ``host`` names this machine in a way no network answer can change.

    Literal loopback addresses (127.0.0.0/8, ``::1``, and 127.x.y.z written as
    ``::ffff:127.x.y.z``) and exactly ``localhost``, which every resolver answers
    from its own table. Not ``*.localhost``: RFC 6761 asks resolvers to keep those
    local too, but many (glibc's among them) pass them on to DNS, whose answer
    anyone on the path may give.
    """
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


@dataclass(frozen=True)
class ServerEndpoints:
    """URLs of one platform server, from a base URL such as ``https://sdm.example.org``."""

    base_url: str  # normalised: no trailing slash
    secure: bool
    origin: str  # what the Origin header must say: scheme://host[:port]

    @property
    def host(self) -> str:
        """The host name, lower case, without IPv6 brackets."""
        return urlsplit(self.origin).hostname or ""

    @classmethod
    def from_base_url(cls, url: str, *, allow_insecure: bool = False) -> ServerEndpoints:
        parts = urlsplit(url.strip())
        if parts.username is not None or parts.password is not None:
            # Said without repeating the URL: it holds a password.
            raise InvalidServerUrl("<hidden>", "must not contain a user name or password")
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            raise InvalidServerUrl(url, "must start with http:// or https://")
        host = parts.hostname  # lower case, without IPv6 brackets
        if not host:
            raise InvalidServerUrl(url, "has no host name")
        if parts.query or parts.fragment:
            raise InvalidServerUrl(url, "must not have a query or fragment")
        try:
            port = parts.port
        except ValueError:
            raise InvalidServerUrl(url, "has an invalid port") from None
        secure = scheme == "https"
        if not secure and not allow_insecure and not is_loopback_host(host):
            raise InsecureServerError(url)
        netloc = f"[{host}]" if ":" in host else host
        if port is not None:
            netloc += f":{port}"
        origin = f"{scheme}://{netloc}"
        return cls(base_url=origin + parts.path.rstrip("/"), secure=secure, origin=origin)

    @property
    def sends_password_in_clear(self) -> bool:
        """Plain http:// to another computer (allowed by ``allow_insecure``): the password
        and the conversation cross the network unencrypted."""
        return not self.secure and not is_loopback_host(self.host)

    def websocket_url(self, kind: str, conversation_id: str) -> str:
        """``ws(s)://host/ws/<kind>/<uuid>/`` (the trailing slash is part of the route)."""
        conversation_id = validate_conversation_id(conversation_id)
        scheme = "wss" if self.secure else "ws"
        host_and_prefix = self.base_url.split("://", 1)[1]
        return f"{scheme}://{host_and_prefix}/ws/{kind}/{conversation_id}/"

    def http_url(self, path: str) -> str:
        return self.base_url + "/" + path.lstrip("/")
