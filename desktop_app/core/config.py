"""The app's configuration: one precedence, typed values, one clear line for a bad one.

Every setting has one dotted key (``server``, ``connection.ping_interval_s``)
and can come from these places; the first that has it wins::

    locked         the system config file's LOCKED_KEYS (/etc/sdm-desktop/config.toml)
    command line   --server URL, --kiosk, --set connection.ping_interval_s=15
    environment    SDM_SERVER, SDM_KIOSK, SDM_CONNECTION_PING_INTERVAL_S
    config file    config.toml (the per-user config directory, or --config FILE)
    system         the system config file's other keys: defaults for every user
    remembered     the last server used (QSettings)
    defaults       the dataclasses below

The system file belongs to the computer's administrator: what it says about
the server, kiosk mode and the kiosk's lockdown (:data:`LOCKED_KEYS`) no user
can change; :func:`system_layers` splits it in two, and :func:`ignored_overrides`
names the user's values that a locked key made useless.

Each setting is declared once, as a field of :class:`AppConfig` or of one of its
sections (:class:`ConnectionConfig`, :class:`OutboxConfig`): its default, its
parser and its help line sit together in :func:`setting`; the table of settings
(:data:`SETTINGS`), the environment names and ``--list-settings``
(:func:`describe`) are read from the fields.

A :class:`Layer` is one place's raw values; :func:`resolve` parses each value
with its setting's parser, checks the settings that depend on each other, and
returns an :class:`AppConfig`. A bad value raises :class:`ConfigError`, whose
message names the place and the key as the person wrote it (``SDM_KIOSK``,
``--set outbox.max_messages``, ``/etc/…/config.toml: connection.jitter``).

No I/O here: the caller reads the file and the environment.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, TypedDict, TypeVar

from desktop_app.core.backoff import BackoffPolicy
from desktop_app.core.endpoints import ServerEndpoints, validate_conversation_id
from desktop_app.core.errors import SdmError
from desktop_app.core.keepalive import Keepalive
from desktop_app.core.outbox import OutboxLimits
from desktop_app.core.pin import PinHashError, parse_pin_hash
from desktop_app.core.validation import require_non_negative, require_positive

#: ``server = "demo"``: the embedded demo server, even when another one is remembered.
DEMO_SERVER = "demo"
ENV_PREFIX = "SDM_"
#: Names the configuration file, not a setting in it.
CONFIG_FILE_ENV = "SDM_CONFIG"
#: Names the system config file when the app runs from its sources (tests, development).
SYSTEM_CONFIG_ENV = "SDM_SYSTEM_CONFIG"

#: The kiosk's text scale (``kiosk_text_scale``): its bounds keep every label readable
#: and unclipped on a 1024x768 screen.
MIN_TEXT_SCALE = 1.0
MAX_TEXT_SCALE = 2.5
MAX_CLINIC_NAME = 80

T = TypeVar("T")


class ConfigError(SdmError, ValueError):
    """A setting that cannot be used; the message names where it came from."""

    def __init__(self, source: str, name: str, problem: str) -> None:
        super().__init__(f"{source}: {name}: {problem}" if name else f"{source}: {problem}")
        self.source = source
        self.name = name
        self.problem = problem


# --- parsers: raw value -> typed value, or _Bad(problem) --------------------


class _Bad(Exception):
    """A value a parser refuses; the message says what the setting needs."""


def _shown(raw: object) -> str:
    text = repr(raw)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse_bool(raw: object, textual: bool) -> bool:
    if isinstance(raw, bool):
        return raw
    if textual and isinstance(raw, str):
        word = raw.strip().lower()
        if word in {"1", "true", "yes", "on"}:
            return True
        if word in {"0", "false", "no", "off"}:
            return False
    raise _Bad(f"must be true or false, not {_shown(raw)}")


def _number(raw: object, textual: bool, kind: type[int] | type[float]) -> float:
    if isinstance(raw, bool):
        raise _Bad(f"must be a number, not {_shown(raw)}")
    if isinstance(raw, int) or (kind is float and isinstance(raw, float)):
        return raw
    if textual and isinstance(raw, str):
        try:
            return kind(raw.strip())
        except ValueError:
            pass
    wanted = "a whole number" if kind is int else "a number"
    raise _Bad(f"must be {wanted}, not {_shown(raw)}")


def _positive_seconds(raw: object, textual: bool) -> float:
    value = float(_number(raw, textual, float))
    if not (math.isfinite(value) and value > 0):
        raise _Bad(f"must be a number of seconds greater than 0, not {_shown(raw)}")
    return value


def _seconds_or_never(raw: object, textual: bool) -> float:
    value = float(_number(raw, textual, float))
    if not (math.isfinite(value) and value >= 0):
        raise _Bad(f"must be a number of seconds, 0 or more (0: never), not {_shown(raw)}")
    return value


def _positive_int(raw: object, textual: bool) -> int:
    value = int(_number(raw, textual, int))
    if value < 1:
        raise _Bad(f"must be a whole number of 1 or more, not {_shown(raw)}")
    return value


def _attempts(raw: object, textual: bool) -> int | None:
    if isinstance(raw, str) and raw.strip().lower() == "forever":
        return None
    try:
        return _positive_int(raw, textual)
    except _Bad:
        raise _Bad(
            f'must be a whole number of 1 or more, or "forever", not {_shown(raw)}'
        ) from None


def _text(raw: object, _textual: bool) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _Bad(f"must be a non-empty string, not {_shown(raw)}")
    return raw.strip()


def _conversation(raw: object, textual: bool) -> str:
    try:
        return validate_conversation_id(_text(raw, textual))
    except SdmError as exc:
        raise _Bad(str(exc)) from None


def _key_sequence(raw: object, textual: bool) -> str:
    text = _text(raw, textual)
    # Qt checks the keys themselves; here: a shortcut needs a modifier, or a
    # visitor could type it by accident.
    chords = [chord.strip() for chord in text.split(",")]
    if not 1 <= len(chords) <= 4 or not all("+" in chord[:-1] for chord in chords):
        raise _Bad(
            f'must be one to four key chords with modifiers, like "Ctrl+Alt+Shift+Q", '
            f"not {_shown(raw)}"
        )
    return text


def _pin_hash(raw: object, textual: bool) -> str:
    text = _text(raw, textual)
    try:
        return parse_pin_hash(text).text()
    except PinHashError as exc:
        raise _Bad(str(exc)) from None


def _text_scale(raw: object, textual: bool) -> float:
    value = float(_number(raw, textual, float))
    if not (math.isfinite(value) and MIN_TEXT_SCALE <= value <= MAX_TEXT_SCALE):
        raise _Bad(
            f"must be a number from {MIN_TEXT_SCALE} to {MAX_TEXT_SCALE} "
            f"(1: the desktop's size), not {_shown(raw)}"
        )
    return value


def _clinic_name(raw: object, textual: bool) -> str:
    text = _text(raw, textual)
    if len(text) > MAX_CLINIC_NAME or not text.isprintable():
        raise _Bad(
            f"must be one line of at most {MAX_CLINIC_NAME} printable characters, not {_shown(raw)}"
        )
    return text


def _choice(raw: object, textual: bool, choices: tuple[str, ...]) -> str:
    text = _text(raw, textual).lower()
    if text not in choices:
        raise _Bad(f"must be one of {', '.join(map(repr, choices))}, not {_shown(raw)}")
    return text


#: Turns a raw value into the setting's type; ``textual``: the value is text to read
#: (environment, command line), not a TOML value. Raises ``_Bad`` with the problem.
Parser = Callable[[object, bool], object]


# --- declaring a setting next to its field ---------------------------------------

# The keys of a field's metadata: a setting's declaration, or a section's class.
_SETTING = "desktop_app.config.setting"
_SECTION = "desktop_app.config.section"


@dataclass(frozen=True)
class _Declaration:
    parse: Parser
    help: str
    keyword: str | None  # the managers' constructor keyword (ConnectionKeywords)
    none_shown: str  # how describe() shows a default of None


def setting(
    default: T,
    parse: Parser,
    help: str,
    *,
    keyword: str | None = None,
    none_shown: str = "-",
) -> T:
    """A configuration field: its default, the parser of its raw values and its help line.

    ``keyword``: the name the managers' public constructors take the value under
    (issue 2's contract, :class:`ConnectionKeywords`); ``none_shown``: what
    ``--list-settings`` shows for a default of None.
    """
    declaration = _Declaration(parse, help, keyword, none_shown)
    return field(default=default, metadata={_SETTING: declaration})


# --- the configuration ---------------------------------------------------------------


class ConnectionKeywords(TypedDict, total=False):
    """The connection settings as the managers' public constructors take them.

    Issue 2's contract: ``ChatWebSocketManager(url, reconnect_delay=1.0, ...)``,
    unit-less names from before the configuration had units. Each field of
    :class:`ConnectionConfig` names its keyword (``setting(..., keyword=...)``);
    :meth:`ConnectionConfig.with_keywords` turns these into a configuration.
    """

    max_reconnect_attempts: int | None
    reconnect_delay: float
    max_reconnect_delay: float
    stable_after: float
    jitter: bool
    ping_interval: float
    pong_timeout: float
    send_probe_timeout: float
    open_timeout: float
    close_timeout: float
    max_frame_size: int


@dataclass(frozen=True, kw_only=True)
class ConnectionConfig:
    """How both socket managers connect, retry and keep alive (``connection.*``).

    The one shape of these settings: resolved from the layers, passed whole to
    the managers (variants with :func:`dataclasses.replace`), and checked here,
    so a bad value fails where the configuration is made, with a ValueError
    naming the field, not at the first connect. Units are in the names: ``_s``
    seconds, ``_bytes`` bytes.
    """

    max_reconnect_attempts: int | None = setting(
        5,
        _attempts,
        'attempts before "Connection failed" (then one every longest delay), or "forever"',
        keyword="max_reconnect_attempts",
        none_shown="forever",
    )
    reconnect_delay_s: float = setting(
        1.0, _positive_seconds, "first retry delay", keyword="reconnect_delay"
    )
    max_reconnect_delay_s: float = setting(
        30.0, _positive_seconds, "longest retry delay", keyword="max_reconnect_delay"
    )
    stable_after_s: float = setting(
        10.0, _positive_seconds, "open this long resets the attempts", keyword="stable_after"
    )
    jitter: bool = setting(
        True, _parse_bool, "spread retries at random in their windows", keyword="jitter"
    )
    ping_interval_s: float = setting(
        30.0, _positive_seconds, "idle time before a ping", keyword="ping_interval"
    )
    pong_timeout_s: float = setting(
        10.0, _positive_seconds, "wait for the pong, then reconnect", keyword="pong_timeout"
    )
    send_probe_timeout_s: float = setting(
        5.0,
        _positive_seconds,
        "wait for any frame after a send",
        keyword="send_probe_timeout",
    )
    open_timeout_s: float = setting(
        10.0, _positive_seconds, "timeout of the opening handshake", keyword="open_timeout"
    )
    close_timeout_s: float = setting(
        2.0, _positive_seconds, "timeout of the closing handshake", keyword="close_timeout"
    )
    max_frame_bytes: int = setting(
        1024 * 1024,
        _positive_int,
        "largest frame accepted from the server",
        keyword="max_frame_size",
    )

    def __post_init__(self) -> None:
        # Looser than the parsers where the managers always were (0 attempts, no
        # stable period): code written against issue 2's keywords keeps working.
        attempts = self.max_reconnect_attempts
        if attempts is not None and (
            isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 0
        ):
            raise ValueError(
                f"max_reconnect_attempts must be a whole number >= 0 or None, got {attempts!r}"
            )
        for name in (
            "reconnect_delay_s",
            "max_reconnect_delay_s",
            "ping_interval_s",
            "pong_timeout_s",
            "send_probe_timeout_s",
            "open_timeout_s",
            "close_timeout_s",
        ):
            require_positive(name, getattr(self, name))
        require_non_negative("stable_after_s", self.stable_after_s)
        if self.max_reconnect_delay_s < self.reconnect_delay_s:
            raise ValueError(
                f"max_reconnect_delay_s ({self.max_reconnect_delay_s}) must be >= "
                f"reconnect_delay_s ({self.reconnect_delay_s})"
            )
        if not isinstance(self.jitter, bool):
            raise ValueError(f"jitter must be True or False, got {self.jitter!r}")
        frame = self.max_frame_bytes
        if isinstance(frame, bool) or not isinstance(frame, int) or frame < 1:
            raise ValueError(f"max_frame_bytes must be a whole number >= 1, got {frame!r}")

    def backoff_policy(self) -> BackoffPolicy:
        """The reconnect schedule these settings describe."""
        return BackoffPolicy(
            initial_delay_s=self.reconnect_delay_s,
            max_delay_s=self.max_reconnect_delay_s,
            stable_after_s=self.stable_after_s,
            jitter=self.jitter,
        )

    def keepalive(self) -> Keepalive:
        """A new keepalive for one socket (it keeps that socket's ping and deadline)."""
        return Keepalive(
            interval_s=self.ping_interval_s,
            timeout_s=self.pong_timeout_s,
            probe_timeout_s=self.send_probe_timeout_s,
        )

    def with_keywords(self, keywords: ConnectionKeywords) -> ConnectionConfig:
        """This configuration with the contract's keywords (``reconnect_delay=0.5``) applied.

        TypeError for a keyword the contract does not have, as a function would raise.
        """
        unknown = sorted(set(keywords) - CONNECTION_KEYWORDS.keys())
        if unknown:
            raise TypeError(f"unexpected connection keyword argument(s): {', '.join(unknown)}")
        if not keywords:
            return self
        by_field: dict[str, Any] = {CONNECTION_KEYWORDS[k]: v for k, v in keywords.items()}
        return replace(self, **by_field)


@dataclass(frozen=True, kw_only=True)
class OutboxConfig:
    """Bounds of the outbox per conversation (``outbox.*``)."""

    max_messages: int = setting(500, _positive_int, "queued messages per conversation")
    max_bytes: int = setting(5 * 1024 * 1024, _positive_int, "queued bytes per conversation")
    max_attempts: int = setting(5, _positive_int, "sends before a message is marked Failed")
    echo_timeout_s: float = setting(
        20.0, _positive_seconds, "wait for the echo, then ask the history"
    )

    def limits(self) -> OutboxLimits:
        """The bounds the outbox machine enforces (the echo timeout is the sender's)."""
        return OutboxLimits(
            max_messages=self.max_messages,
            max_bytes=self.max_bytes,
            max_attempts=self.max_attempts,
        )


@dataclass(frozen=True, kw_only=True)
class AppConfig:
    """Everything the app is started with, after the precedence is applied."""

    # A base URL, DEMO_SERVER, or None: the embedded demo server.
    server: str | None = setting(None, _text, f'base URL of the platform, or "{DEMO_SERVER}"')
    conversation: str | None = setting(
        None, _conversation, "the conversation (UUID) opened at start"
    )
    allow_insecure: bool = setting(False, _parse_bool, "allow plain http:// to another computer")
    verbose: bool = setting(False, _parse_bool, "log connection details")
    kiosk: bool = setting(False, _parse_bool, "kiosk mode: full screen, one conversation, no exit")
    kiosk_exit_keys: str = setting(
        "Ctrl+Alt+Shift+Q", _key_sequence, "the key sequence that leaves kiosk mode"
    )
    kiosk_admin_pin_hash: str | None = setting(
        None, _pin_hash, "hash of the PIN that leaves kiosk mode (sdm-desktop --hash-pin)"
    )
    kiosk_lockdown: bool = setting(
        True, _parse_bool, "kiosk: no link leaves the app, no file dialog, no system menus"
    )
    kiosk_clinic_name: str | None = setting(
        None, _clinic_name, "the kiosk's heading: the clinic's name"
    )
    kiosk_text_scale: float = setting(
        1.5,
        _text_scale,
        f"kiosk text size, times the desktop's ({MIN_TEXT_SCALE}-{MAX_TEXT_SCALE})",
    )
    kiosk_account: str | None = setting(
        None, _text, "the kiosk's service account (email) for --store-credentials"
    )
    kiosk_sign_in_retry_s: float = setting(
        5.0, _positive_seconds, "a kiosk's failed unattended sign-in: first wait before retrying"
    )
    kiosk_sign_in_max_retry_s: float = setting(
        60.0, _positive_seconds, "a kiosk's failed unattended sign-in: longest wait between tries"
    )
    kiosk_idle_start_over_s: float = setting(
        180.0, _seconds_or_never, "idle this long, a kiosk starts over for a new visitor (0: never)"
    )
    http_timeout_s: float = setting(30.0, _positive_seconds, "timeout of each HTTP request")
    language: str = setting(
        "system", _text, 'the language: "system" (the computer\'s), or a code like "de" or "en"'
    )
    color_scheme: str = setting(
        "system",
        lambda raw, textual: _choice(raw, textual, ("system", "light", "dark")),
        'colours: "system" (the desktop\'s light or dark scheme), "light" or "dark"',
    )
    # Sections: the metadata names the class whose fields are the section's settings.
    connection: ConnectionConfig = field(
        default_factory=ConnectionConfig, metadata={_SECTION: ConnectionConfig}
    )
    outbox: OutboxConfig = field(default_factory=OutboxConfig, metadata={_SECTION: OutboxConfig})
    #: Where each value that is not a default came from ("environment: SDM_KIOSK").
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)
    #: What the person should know about how this came about (a value that was ignored).
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def uses_demo_server(self) -> bool:
        return self.server is None or self.server == DEMO_SERVER

    def source_of(self, key: str) -> str:
        return self.sources.get(key, "default")


# --- the table of settings, read from the fields ------------------------------------------


@dataclass(frozen=True)
class Setting:
    """One configurable value: its dotted key, parser, one-line help and default."""

    key: str
    parse: Parser
    help: str
    default: object = None
    none_shown: str = "-"  # how describe() shows a default of None

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.key.upper().replace(".", "_")


def _declared(cls: type[Any], prefix: str = "") -> Iterator[Setting]:
    """The settings declared by ``cls``'s fields, its sections' included, in field order."""
    for f in fields(cls):
        if _SECTION in f.metadata:
            yield from _declared(f.metadata[_SECTION], f"{prefix}{f.name}.")
        elif _SETTING in f.metadata:
            declaration: _Declaration = f.metadata[_SETTING]
            yield Setting(
                prefix + f.name,
                declaration.parse,
                declaration.help,
                default=f.default,
                none_shown=declaration.none_shown,
            )


SETTINGS: tuple[Setting, ...] = tuple(_declared(AppConfig))
SETTINGS_BY_KEY: Mapping[str, Setting] = {s.key: s for s in SETTINGS}
#: Section name -> its class (``connection`` -> ConnectionConfig).
_SECTIONS: Mapping[str, Callable[..., Any]] = {
    f.name: f.metadata[_SECTION] for f in fields(AppConfig) if _SECTION in f.metadata
}
#: The managers' keyword of each connection field (issue 2's contract) -> the field's name.
CONNECTION_KEYWORDS: Mapping[str, str] = {
    keyword: f.name
    for f in fields(ConnectionConfig)
    if (keyword := f.metadata[_SETTING].keyword) is not None
}


# --- layers -------------------------------------------------------------------


@dataclass(frozen=True)
class Layer:
    """Raw values from one place, by setting key, with the names the person wrote."""

    source: str  # "command line", "environment", a file path, "remembered settings"
    values: Mapping[str, object]
    names: Mapping[str, str] = field(default_factory=dict)  # key -> name as written
    textual: bool = False  # values are strings to parse (environment, command line)

    def name_of(self, key: str) -> str:
        return self.names.get(key, key)


def _unknown(source: str, name: str, known: str) -> ConfigError:
    return ConfigError(source, name, f"unknown setting (known: {known})")


def file_layer(source: str, data: bytes) -> Layer:
    """The settings of a TOML config file; ``source`` names it in messages."""
    import tomllib  # here, not with the module: most starts have no config file (B6)

    try:
        document = tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(source, "", "not a UTF-8 text file") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(source, "", f"not valid TOML: {exc}") from None
    values: dict[str, object] = {}
    for name, value in document.items():
        if name in _SECTIONS:
            if not isinstance(value, dict):
                raise ConfigError(source, name, f"must be a table ([{name}]), not a value")
            values.update({f"{name}.{inner}": v for inner, v in value.items()})
        else:
            values[name] = value
    for key in values:
        if key not in SETTINGS_BY_KEY:
            raise _unknown(source, key, _known_keys(key))
    return Layer(source, values)


def env_layer(environ: Mapping[str, str]) -> Layer:
    """The ``SDM_*`` variables of ``environ`` (``SDM_CONFIG`` and ``SDM_SYSTEM_CONFIG``
    name files instead)."""
    by_name = {s.env_name: s.key for s in SETTINGS}
    values: dict[str, object] = {}
    names: dict[str, str] = {}
    for name, value in environ.items():
        # An empty variable is an unset one (``SDM_SERVER= sdm-desktop``).
        if not name.startswith(ENV_PREFIX) or name in _FILE_ENV_NAMES or not value:
            continue
        if name not in by_name:
            raise _unknown("environment", name, _known_env_names(name))
        values[by_name[name]] = value
        names[by_name[name]] = name
    return Layer("environment", values, names, textual=True)


_FILE_ENV_NAMES = frozenset({CONFIG_FILE_ENV, SYSTEM_CONFIG_ENV})


def assignments_layer(
    assignments: Sequence[str], given: Mapping[str, object], flag_names: Mapping[str, str]
) -> Layer:
    """The command line: flags given (``given``, by key) and ``--set KEY=VALUE`` pairs."""
    values: dict[str, object] = dict(given)
    names = {key: flag_names.get(key, key) for key in given}
    for assignment in assignments:
        key, sep, value = assignment.partition("=")
        key = key.strip()
        if not sep:
            raise ConfigError("command line", "--set", f"expected KEY=VALUE, not {_shown(key)}")
        if key not in SETTINGS_BY_KEY:
            raise _unknown("command line", f"--set {key}", _known_keys(key))
        values[key] = value
        names[key] = f"--set {key}"
    return Layer("command line", values, names, textual=True)


def _known_keys(near: str) -> str:
    section = near.split(".")[0] + "." if "." in near else ""
    keys = [k for k in SETTINGS_BY_KEY if section and k.startswith(section)] or [
        k for k in SETTINGS_BY_KEY if "." not in k
    ] + [f"[{s}]" for s in sorted(_SECTIONS)]
    return ", ".join(keys)


def _known_env_names(near: str) -> str:
    names = [s.env_name for s in SETTINGS]
    prefix = near.rsplit("_", 1)[0]
    close = [n for n in names if n.startswith(prefix)]
    # Otherwise every name, the sections summed up (as _known_keys does).
    return ", ".join(
        close
        or [s.env_name for s in SETTINGS if "." not in s.key]
        + [f"{ENV_PREFIX}{section.upper()}_*" for section in sorted(_SECTIONS)]
    )


# --- resolving ------------------------------------------------------------------


def resolve(layers: Sequence[Layer]) -> AppConfig:
    """The configuration from ``layers``, strongest first; :class:`ConfigError` if bad.

    Every value is checked, also one that a stronger layer overrides: a mistake
    in a file must not wait to surface until the day the override is removed.
    """
    parsed: dict[str, object] = {}
    sources: dict[str, str] = {}
    for layer in reversed(layers):  # weakest first: a stronger value replaces it
        for setting in SETTINGS:
            if setting.key in layer.values:
                name = layer.name_of(setting.key)
                try:
                    parsed[setting.key] = setting.parse(layer.values[setting.key], layer.textual)
                except _Bad as exc:
                    raise ConfigError(layer.source, name, str(exc)) from None
                sources[setting.key] = f"{layer.source}: {name}"
    # Before the sections are built: they would refuse such values without naming the layer.
    _check_together({**_defaults(), **parsed}, sources)
    return _build(parsed, sources)


def _build(parsed: Mapping[str, object], sources: Mapping[str, str]) -> AppConfig:
    def section(name: str) -> dict[str, Any]:
        prefix = name + "."
        return {k[len(prefix) :]: v for k, v in parsed.items() if k.startswith(prefix)}

    top: dict[str, Any] = {k: v for k, v in parsed.items() if "." not in k}
    sections = {name: cls(**section(name)) for name, cls in _SECTIONS.items()}
    return AppConfig(**top, **sections, sources=dict(sources))


def _check_together(values: Mapping[str, Any], sources: Mapping[str, str]) -> None:
    """Checks that involve two settings (``values``: every key, defaults included); the
    message names the one that decides."""
    server = values["server"]
    if server is not None and server != DEMO_SERVER:
        try:
            ServerEndpoints.from_base_url(server, allow_insecure=values["allow_insecure"])
        except SdmError as exc:
            raise _error_at(sources, "server", str(exc)) from None
    first = values["connection.reconnect_delay_s"]
    longest = values["connection.max_reconnect_delay_s"]
    if longest < first:
        if "connection.max_reconnect_delay_s" not in sources:
            # Only the first delay was set: name where, not "default".
            raise _error_at(
                sources,
                "connection.reconnect_delay_s",
                f"must be at most connection.max_reconnect_delay_s ({longest} s)",
            )
        raise _error_at(
            sources,
            "connection.max_reconnect_delay_s",
            f"must be at least connection.reconnect_delay_s ({first} s)",
        )


def _error_at(sources: Mapping[str, str], key: str, problem: str) -> ConfigError:
    # The name never holds ": " (a key, a variable, a flag); a file path might.
    source, _, name = sources.get(key, "default").rpartition(": ")
    return ConfigError(source, name or key, problem)


def with_kiosk_rules(config: AppConfig) -> AppConfig:
    """Kiosk mode never even says "failed": the sockets retry in their windows forever,
    whatever the file says."""
    if not config.kiosk:
        return config
    return replace(
        config,
        connection=replace(config.connection, max_reconnect_attempts=None),
        sources={**config.sources, "connection.max_reconnect_attempts": "kiosk mode"},
    )


#: What the system config file decides for every user when it sets it: where the app
#: connects, and whether and how it is a kiosk.
LOCKED_KEYS: frozenset[str] = frozenset(
    {
        "server",
        "allow_insecure",
        "kiosk",
        "kiosk_exit_keys",
        "kiosk_admin_pin_hash",
        "kiosk_lockdown",
        "kiosk_account",
    }
)
LOCKED_SUFFIX = " (locked)"


def system_layers(system: Layer) -> tuple[Layer, Layer]:
    """The system file's locked values (the strongest layer) and its other values (a
    default for every user, weaker than the user's own file)."""

    def part(locked: bool) -> Layer:
        return Layer(
            system.source + (LOCKED_SUFFIX if locked else ""),
            {k: v for k, v in system.values.items() if (k in LOCKED_KEYS) is locked},
            names=system.names,
            textual=system.textual,
        )

    return part(True), part(False)


def ignored_overrides(locked: Layer, layers: Sequence[Layer]) -> tuple[str, ...]:
    """One line for each value in ``layers`` that ``locked`` overrides, naming both."""
    lines = []
    for layer in layers:
        for key in sorted(locked.values.keys() & layer.values.keys()):
            where = locked.source.removesuffix(LOCKED_SUFFIX)
            lines.append(
                f"{layer.source}: {layer.name_of(key)} is ignored: "
                f"{where} sets {key} for every user of this computer"
            )
    return tuple(lines)


def describe() -> str:
    """Every setting with its environment variable and default, for ``--help``/docs."""
    lines = []
    for setting in SETTINGS:
        default = setting.default
        # Not a dict lookup: 1.0 == True would show a one-second default as "true".
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif default is None:
            shown = setting.none_shown
        else:
            shown = str(default)
        lines.append(f"  {setting.key:36} {setting.env_name:38} {shown!s:18} {setting.help}")
    return "\n".join(lines)


def _defaults() -> dict[str, object]:
    return {setting.key: setting.default for setting in SETTINGS}
