"""The app's configuration: one precedence, typed values, one clear line for a bad one.

Every setting has one dotted key (``server``, ``connection.ping_interval_s``)
and can come from five places; the first that has it wins::

    command line   --server URL, --kiosk, --set connection.ping_interval_s=15
    environment    SDM_SERVER, SDM_KIOSK, SDM_CONNECTION_PING_INTERVAL_S
    config file    config.toml (the per-user config directory, or --config FILE)
    remembered     the last server used (QSettings)
    defaults       the dataclasses below

A :class:`Layer` is one place's raw values; :func:`resolve` parses each value
with its setting's parser, checks the settings that depend on each other, and
returns an :class:`AppConfig`. A bad value raises :class:`ConfigError`, whose
message names the place and the key as the person wrote it (``SDM_KIOSK``,
``--set outbox.max_messages``, ``/etc/…/config.toml: connection.jitter``).

No I/O here: the caller reads the file and the environment.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from desktop_app.core.endpoints import ServerEndpoints, validate_conversation_id
from desktop_app.core.errors import SdmError

#: ``server = "demo"``: the embedded demo server, even when another one is remembered.
DEMO_SERVER = "demo"
ENV_PREFIX = "SDM_"
#: Names the configuration file, not a setting in it.
CONFIG_FILE_ENV = "SDM_CONFIG"


class ConfigError(SdmError, ValueError):
    """A setting that cannot be used; the message names where it came from."""

    def __init__(self, source: str, name: str, problem: str) -> None:
        super().__init__(f"{source}: {name}: {problem}" if name else f"{source}: {problem}")
        self.source = source
        self.name = name
        self.problem = problem


@dataclass(frozen=True, kw_only=True)
class ConnectionConfig:
    """The knobs of both socket managers (``connection.*``); times in seconds."""

    max_reconnect_attempts: int | None = 5  # None: retry forever
    reconnect_delay_s: float = 1.0
    max_reconnect_delay_s: float = 30.0
    stable_after_s: float = 10.0
    jitter: bool = True
    ping_interval_s: float = 30.0
    pong_timeout_s: float = 10.0
    send_probe_timeout_s: float = 5.0
    open_timeout_s: float = 10.0
    close_timeout_s: float = 2.0
    max_frame_bytes: int = 1024 * 1024

    def manager_options(self) -> dict[str, Any]:
        """Keyword arguments for :class:`~desktop_app.net.manager.WebSocketManager`."""
        return {
            "max_reconnect_attempts": self.max_reconnect_attempts,
            "reconnect_delay": self.reconnect_delay_s,
            "max_reconnect_delay": self.max_reconnect_delay_s,
            "stable_after": self.stable_after_s,
            "jitter": self.jitter,
            "ping_interval": self.ping_interval_s,
            "pong_timeout": self.pong_timeout_s,
            "send_probe_timeout": self.send_probe_timeout_s,
            "open_timeout": self.open_timeout_s,
            "close_timeout": self.close_timeout_s,
            "max_frame_size": self.max_frame_bytes,
        }


@dataclass(frozen=True, kw_only=True)
class OutboxConfig:
    """Bounds of the outbox per conversation (``outbox.*``)."""

    max_messages: int = 500
    max_bytes: int = 5 * 1024 * 1024
    max_attempts: int = 5
    echo_timeout_s: float = 20.0


@dataclass(frozen=True, kw_only=True)
class AppConfig:
    """Everything the app is started with, after the precedence is applied."""

    server: str | None = None  # a base URL, DEMO_SERVER, or None: the embedded demo server
    conversation: str | None = None
    allow_insecure: bool = False
    verbose: bool = False
    kiosk: bool = False
    kiosk_exit_keys: str = "Ctrl+Alt+Shift+Q"
    http_timeout_s: float = 30.0
    connection: ConnectionConfig = field(default_factory=ConnectionConfig)
    outbox: OutboxConfig = field(default_factory=OutboxConfig)
    #: Where each value that is not a default came from ("environment: SDM_KIOSK").
    sources: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def uses_demo_server(self) -> bool:
        return self.server is None or self.server == DEMO_SERVER

    def source_of(self, key: str) -> str:
        return self.sources.get(key, "default")


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


Parser = Callable[[object, bool], object]


@dataclass(frozen=True)
class Setting:
    """One configurable value: its dotted key, parser and one-line help."""

    key: str
    parse: Parser
    help: str

    @property
    def env_name(self) -> str:
        return ENV_PREFIX + self.key.upper().replace(".", "_")


SETTINGS: tuple[Setting, ...] = (
    Setting("server", _text, f'base URL of the platform, or "{DEMO_SERVER}"'),
    Setting("conversation", _conversation, "the conversation (UUID) opened at start"),
    Setting("allow_insecure", _parse_bool, "allow plain http:// to another computer"),
    Setting("verbose", _parse_bool, "log connection details"),
    Setting("kiosk", _parse_bool, "kiosk mode: full screen, one conversation, no exit"),
    Setting("kiosk_exit_keys", _key_sequence, "the key sequence that leaves kiosk mode"),
    Setting("http_timeout_s", _positive_seconds, "timeout of each HTTP request"),
    Setting(
        "connection.max_reconnect_attempts", _attempts, 'attempts before giving up, or "forever"'
    ),
    Setting("connection.reconnect_delay_s", _positive_seconds, "first retry delay"),
    Setting("connection.max_reconnect_delay_s", _positive_seconds, "longest retry delay"),
    Setting("connection.stable_after_s", _positive_seconds, "open this long resets the attempts"),
    Setting("connection.jitter", _parse_bool, "spread retries at random in their windows"),
    Setting("connection.ping_interval_s", _positive_seconds, "idle time before a ping"),
    Setting("connection.pong_timeout_s", _positive_seconds, "wait for the pong, then reconnect"),
    Setting(
        "connection.send_probe_timeout_s", _positive_seconds, "wait for any frame after a send"
    ),
    Setting("connection.open_timeout_s", _positive_seconds, "timeout of the opening handshake"),
    Setting("connection.close_timeout_s", _positive_seconds, "timeout of the closing handshake"),
    Setting("connection.max_frame_bytes", _positive_int, "largest frame accepted from the server"),
    Setting("outbox.max_messages", _positive_int, "queued messages per conversation"),
    Setting("outbox.max_bytes", _positive_int, "queued bytes per conversation"),
    Setting("outbox.max_attempts", _positive_int, "sends before a message is marked Failed"),
    Setting("outbox.echo_timeout_s", _positive_seconds, "wait for the echo, then ask the history"),
)
SETTINGS_BY_KEY: Mapping[str, Setting] = {s.key: s for s in SETTINGS}
_SECTIONS = frozenset(key.split(".")[0] for key in SETTINGS_BY_KEY if "." in key)


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
    """The ``SDM_*`` variables of ``environ`` (``SDM_CONFIG`` names the file instead)."""
    by_name = {s.env_name: s.key for s in SETTINGS}
    values: dict[str, object] = {}
    names: dict[str, str] = {}
    for name, value in environ.items():
        # An empty variable is an unset one (``SDM_SERVER= sdm-desktop``).
        if not name.startswith(ENV_PREFIX) or name == CONFIG_FILE_ENV or not value:
            continue
        if name not in by_name:
            raise _unknown("environment", name, _known_env_names(name))
        values[by_name[name]] = value
        names[by_name[name]] = name
    return Layer("environment", values, names, textual=True)


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
    config = _build(parsed, sources)
    _check_together(config)
    return config


def _build(parsed: Mapping[str, object], sources: Mapping[str, str]) -> AppConfig:
    def section(name: str) -> dict[str, Any]:
        prefix = name + "."
        return {k[len(prefix) :]: v for k, v in parsed.items() if k.startswith(prefix)}

    top: dict[str, Any] = {k: v for k, v in parsed.items() if "." not in k}
    return AppConfig(
        **top,
        connection=ConnectionConfig(**section("connection")),
        outbox=OutboxConfig(**section("outbox")),
        sources=dict(sources),
    )


def _check_together(config: AppConfig) -> None:
    """Checks that involve two settings; the message names the one that decides."""
    if not config.uses_demo_server:
        assert config.server is not None
        try:
            ServerEndpoints.from_base_url(config.server, allow_insecure=config.allow_insecure)
        except SdmError as exc:
            raise _error_at(config, "server", str(exc)) from None
    connection = config.connection
    if connection.max_reconnect_delay_s < connection.reconnect_delay_s:
        if "connection.max_reconnect_delay_s" not in config.sources:
            # Only the first delay was set: name where, not "default".
            raise _error_at(
                config,
                "connection.reconnect_delay_s",
                f"must be at most connection.max_reconnect_delay_s "
                f"({connection.max_reconnect_delay_s} s)",
            )
        raise _error_at(
            config,
            "connection.max_reconnect_delay_s",
            f"must be at least connection.reconnect_delay_s ({connection.reconnect_delay_s} s)",
        )


def _error_at(config: AppConfig, key: str, problem: str) -> ConfigError:
    # The name never holds ": " (a key, a variable, a flag); a file path might.
    source, _, name = config.source_of(key).rpartition(": ")
    return ConfigError(source, name or key, problem)


def with_kiosk_rules(config: AppConfig) -> AppConfig:
    """Kiosk mode never gives up: the sockets retry forever, whatever the file says."""
    if not config.kiosk:
        return config
    return replace(
        config,
        connection=replace(config.connection, max_reconnect_attempts=None),
        sources={**config.sources, "connection.max_reconnect_attempts": "kiosk mode"},
    )


def describe() -> str:
    """Every setting with its environment variable and default, for ``--help``/docs."""
    defaults = _defaults()
    lines = []
    for setting in SETTINGS:
        default = defaults[setting.key]
        # Not a dict lookup: 1.0 == True would show a one-second default as "true".
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif default is None:
            shown = "forever" if setting.key == "connection.max_reconnect_attempts" else "-"
        else:
            shown = str(default)
        lines.append(f"  {setting.key:36} {setting.env_name:38} {shown!s:18} {setting.help}")
    return "\n".join(lines)


def _defaults() -> dict[str, object]:
    config = AppConfig()
    values: dict[str, object] = {}
    for f in fields(AppConfig):
        value = getattr(config, f.name)
        if isinstance(value, ConnectionConfig | OutboxConfig):
            values.update({f"{f.name}.{g.name}": getattr(value, g.name) for g in fields(value)})
        else:
            values[f.name] = value
    return values
