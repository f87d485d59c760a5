"""The configuration: parsing each setting, the precedence of the layers, one clear message."""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from typing import Any, get_type_hints

import pytest

from desktop_app.core.config import (
    CONNECTION_KEYWORDS,
    DEMO_SERVER,
    SETTINGS,
    SETTINGS_BY_KEY,
    AppConfig,
    ConfigError,
    ConnectionConfig,
    ConnectionKeywords,
    Layer,
    OutboxConfig,
    assignments_layer,
    describe,
    env_layer,
    file_layer,
    ignored_overrides,
    resolve,
    system_layers,
    with_kiosk_rules,
)
from desktop_app.core.errors import SdmError
from desktop_app.core.outbox import admission_refusal
from desktop_app.core.pin import hash_pin

FILE = "/etc/sdm/config.toml"
CONVERSATION = "0f8fad5b-d9cb-469f-a165-70867728950e"
CONNECTION_KEYS = [s.key for s in SETTINGS if s.key.startswith("connection.")]
OUTBOX_KEYS = [s.key for s in SETTINGS if s.key.startswith("outbox.")]
TOP_LEVEL_KEYS = [s.key for s in SETTINGS if "." not in s.key]
#: AppConfig's fields that are sections or about the settings, not settings themselves.
NOT_SETTINGS = ("connection", "outbox", "sources", "notices")
PIN_HASH = hash_pin("24681357", b"s" * 16, n=16).text()


def from_file(toml: str) -> AppConfig:
    return resolve([file_layer(FILE, toml.encode())])


def from_env(**environ: str) -> AppConfig:
    return resolve([env_layer(environ)])


def from_set(*assignments: str) -> AppConfig:
    return resolve([assignments_layer(assignments, {}, {})])


def command_line(given: Mapping[str, object], names: Mapping[str, str]) -> Layer:
    return assignments_layer([], given, names)


def refusal(layers: Sequence[Layer]) -> str:
    with pytest.raises(ConfigError) as caught:
        resolve(layers)
    return str(caught.value)


def file_refusal(toml: str | bytes) -> str:
    data = toml.encode() if isinstance(toml, str) else toml
    with pytest.raises(ConfigError) as caught:
        resolve([file_layer(FILE, data)])
    return str(caught.value)


def env_refusal(**environ: str) -> str:
    with pytest.raises(ConfigError) as caught:
        resolve([env_layer(environ)])
    return str(caught.value)


def set_refusal(*assignments: str) -> str:
    with pytest.raises(ConfigError) as caught:
        resolve([assignments_layer(assignments, {}, {})])
    return str(caught.value)


def value_at(config: AppConfig, key: str) -> object:
    return functools.reduce(getattr, key.split("."), config)


# --- the error --------------------------------------------------------------------


def test_a_config_error_names_the_source_the_name_and_the_problem() -> None:
    error = ConfigError("environment", "SDM_KIOSK", "must be true or false, not 'maybe'")
    assert str(error) == "environment: SDM_KIOSK: must be true or false, not 'maybe'"
    assert (error.source, error.name, error.problem) == (
        "environment",
        "SDM_KIOSK",
        "must be true or false, not 'maybe'",
    )
    assert isinstance(error, SdmError)
    assert isinstance(error, ValueError)


def test_a_config_error_about_a_whole_file_has_no_name() -> None:
    assert str(ConfigError(FILE, "", "not a UTF-8 text file")) == f"{FILE}: not a UTF-8 text file"


# --- defaults and the settings table -------------------------------------------------


def test_no_layers_give_the_defaults_from_no_source() -> None:
    config = resolve([])
    assert config == AppConfig()
    assert config.sources == {}
    assert config.source_of("connection.jitter") == "default"
    assert config.server is None
    assert config.uses_demo_server


@pytest.mark.parametrize(
    ("server", "demo"),
    [(None, True), (DEMO_SERVER, True), ("https://sdm.example.org", False)],
)
def test_uses_demo_server(server: str | None, demo: bool) -> None:
    assert AppConfig(server=server).uses_demo_server is demo


def test_every_field_of_the_configuration_is_a_setting() -> None:
    keys = [f.name for f in fields(AppConfig) if f.name not in NOT_SETTINGS]
    keys += [f"connection.{f.name}" for f in fields(ConnectionConfig)]
    keys += [f"outbox.{f.name}" for f in fields(OutboxConfig)]
    assert sorted(keys) == sorted(SETTINGS_BY_KEY)
    assert len(SETTINGS) == len(SETTINGS_BY_KEY)  # no key twice


def test_the_environment_name_of_a_setting() -> None:
    assert SETTINGS_BY_KEY["server"].env_name == "SDM_SERVER"
    assert (
        SETTINGS_BY_KEY["connection.ping_interval_s"].env_name == "SDM_CONNECTION_PING_INTERVAL_S"
    )


#: A good value of every setting: as written in TOML, as text, and what it becomes.
GOOD_VALUES: dict[str, tuple[str, str, object]] = {
    "server": ('"https://sdm.example.org"', "https://sdm.example.org", "https://sdm.example.org"),
    "conversation": (f'"{CONVERSATION}"', CONVERSATION, CONVERSATION),
    "allow_insecure": ("true", "yes", True),
    "verbose": ("true", "1", True),
    "kiosk": ("true", "on", True),
    "kiosk_exit_keys": ('"Ctrl+Alt+K"', "Ctrl+Alt+K", "Ctrl+Alt+K"),
    "kiosk_admin_pin_hash": (f'"{PIN_HASH}"', PIN_HASH, PIN_HASH),
    "kiosk_lockdown": ("false", "off", False),
    "kiosk_clinic_name": ('"Riverside Clinic"', "Riverside Clinic", "Riverside Clinic"),
    "kiosk_text_scale": ("2", "2", 2.0),
    "kiosk_account": ('"kiosk@clinic.example"', "kiosk@clinic.example", "kiosk@clinic.example"),
    "kiosk_sign_in_retry_s": ("2", "2", 2.0),
    "kiosk_sign_in_max_retry_s": ("30", "30", 30.0),
    "kiosk_idle_start_over_s": ("90", "90", 90.0),
    "http_timeout_s": ("12.5", "12.5", 12.5),
    "language": ('"de"', "de", "de"),
    "color_scheme": ('"dark"', "dark", "dark"),
    "connection.max_reconnect_attempts": ("8", "8", 8),
    "connection.reconnect_delay_s": ("2.5", "2.5", 2.5),
    "connection.max_reconnect_delay_s": ("45", "45", 45.0),
    "connection.stable_after_s": ("4", "4", 4.0),
    "connection.jitter": ("false", "off", False),
    "connection.ping_interval_s": ("15", "15", 15.0),
    "connection.pong_timeout_s": ("3.5", "3.5", 3.5),
    "connection.send_probe_timeout_s": ("2", "2", 2.0),
    "connection.open_timeout_s": ("7", "7", 7.0),
    "connection.close_timeout_s": ("0.5", "0.5", 0.5),
    "connection.max_frame_bytes": ("65536", "65536", 65536),
    "outbox.max_messages": ("50", "50", 50),
    "outbox.max_bytes": ("1000", "1000", 1000),
    "outbox.max_attempts": ("3", "3", 3),
    "outbox.echo_timeout_s": ("9", "9", 9.0),
}


def test_there_is_a_good_value_for_every_setting() -> None:
    assert sorted(GOOD_VALUES) == sorted(SETTINGS_BY_KEY)


@pytest.mark.parametrize("key", list(GOOD_VALUES))
def test_every_setting_can_be_set_in_a_file(key: str) -> None:
    toml, _, expected = GOOD_VALUES[key]
    section, _, name = key.rpartition(".")
    text = f"[{section}]\n{name} = {toml}\n" if section else f"{key} = {toml}\n"
    config = from_file(text)
    assert value_at(config, key) == expected
    assert type(value_at(config, key)) is type(expected)
    assert config.sources == {key: f"{FILE}: {key}"}


@pytest.mark.parametrize("key", list(GOOD_VALUES))
def test_every_setting_can_be_set_in_the_environment(key: str) -> None:
    _, text, expected = GOOD_VALUES[key]
    name = SETTINGS_BY_KEY[key].env_name
    config = from_env(**{name: text})
    assert value_at(config, key) == expected
    assert type(value_at(config, key)) is type(expected)
    assert config.sources == {key: f"environment: {name}"}


@pytest.mark.parametrize("key", list(GOOD_VALUES))
def test_every_setting_can_be_set_on_the_command_line(key: str) -> None:
    _, text, expected = GOOD_VALUES[key]
    config = from_set(f"{key}={text}")
    assert value_at(config, key) == expected
    assert config.sources == {key: f"command line: --set {key}"}


@pytest.mark.parametrize(("text", "expected"), [("0", 0.0), ("0.5", 0.5)])
def test_the_kiosk_idle_limit_may_be_zero_for_never(text: str, expected: float) -> None:
    assert from_env(SDM_KIOSK_IDLE_START_OVER_S=text).kiosk_idle_start_over_s == expected


@pytest.mark.parametrize("text", ["-1", "nan", "inf"])
def test_the_kiosk_idle_limit_is_no_negative_or_endless_time(text: str) -> None:
    assert env_refusal(SDM_KIOSK_IDLE_START_OVER_S=text) == (
        "environment: SDM_KIOSK_IDLE_START_OVER_S: must be a number of seconds, 0 or more "
        f"(0: never), not {text!r}"
    )


# --- true or false ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", True),
        ("true", True),
        ("TRUE", True),
        ("yes", True),
        (" on ", True),
        ("0", False),
        ("False", False),
        ("no", False),
        ("off", False),
    ],
)
def test_a_textual_boolean(text: str, expected: bool) -> None:
    assert from_env(SDM_KIOSK=text).kiosk is expected


@pytest.mark.parametrize("text", ["maybe", " ", "2", "y", "enabled"])
def test_a_textual_boolean_refuses_other_words(text: str) -> None:
    assert env_refusal(SDM_KIOSK=text) == (
        f"environment: SDM_KIOSK: must be true or false, not {text!r}"
    )


@pytest.mark.parametrize(("toml", "expected"), [("true", True), ("false", False)])
def test_a_toml_boolean(toml: str, expected: bool) -> None:
    assert from_file(f"[connection]\njitter = {toml}\n").connection.jitter is expected


@pytest.mark.parametrize(("toml", "shown"), [('"yes"', "'yes'"), ("1", "1"), ('"true"', "'true'")])
def test_a_toml_boolean_must_be_a_toml_boolean(toml: str, shown: str) -> None:
    # In a file the type is written out: a string or a number is a mistake, not a boolean.
    assert file_refusal(f"[connection]\njitter = {toml}\n") == (
        f"{FILE}: connection.jitter: must be true or false, not {shown}"
    )


# --- numbers ---------------------------------------------------------------------------


def test_a_whole_number_in_toml_is_accepted_for_seconds() -> None:
    value = from_file("http_timeout_s = 5\n").http_timeout_s
    assert value == 5.0
    assert type(value) is float


@pytest.mark.parametrize(("text", "expected"), [("2.5", 2.5), (" 15 ", 15.0), ("1e1", 10.0)])
def test_textual_seconds(text: str, expected: float) -> None:
    assert from_env(SDM_CONNECTION_PING_INTERVAL_S=text).connection.ping_interval_s == expected


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("true", "must be a number, not True"),
        ('"5"', "must be a number, not '5'"),
        ("[5]", "must be a number, not [5]"),
        ("0", "must be a number of seconds greater than 0, not 0"),
        ("0.0", "must be a number of seconds greater than 0, not 0.0"),
        ("-1", "must be a number of seconds greater than 0, not -1"),
        ("nan", "must be a number of seconds greater than 0, not nan"),
        ("inf", "must be a number of seconds greater than 0, not inf"),
        ("-inf", "must be a number of seconds greater than 0, not -inf"),
    ],
)
def test_seconds_refused_in_a_file(toml: str, problem: str) -> None:
    assert file_refusal(f"[connection]\nping_interval_s = {toml}\n") == (
        f"{FILE}: connection.ping_interval_s: {problem}"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("soon", "must be a number, not 'soon'"),
        (" ", "must be a number, not ' '"),
        ("0", "must be a number of seconds greater than 0, not '0'"),
        ("-3", "must be a number of seconds greater than 0, not '-3'"),
        ("nan", "must be a number of seconds greater than 0, not 'nan'"),
        ("inf", "must be a number of seconds greater than 0, not 'inf'"),
        ("1e400", "must be a number of seconds greater than 0, not '1e400'"),
    ],
)
def test_seconds_refused_in_the_environment(text: str, problem: str) -> None:
    assert env_refusal(SDM_CONNECTION_PING_INTERVAL_S=text) == (
        f"environment: SDM_CONNECTION_PING_INTERVAL_S: {problem}"
    )


@pytest.mark.parametrize(("text", "expected"), [("42", 42), (" 7 ", 7), ("1", 1)])
def test_textual_whole_numbers(text: str, expected: int) -> None:
    value = from_env(SDM_OUTBOX_MAX_MESSAGES=text).outbox.max_messages
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("toml", "problem"),
    [
        ("1.5", "must be a whole number, not 1.5"),
        ("2.0", "must be a whole number, not 2.0"),
        ('"10"', "must be a whole number, not '10'"),
        ("false", "must be a number, not False"),
        ("0", "must be a whole number of 1 or more, not 0"),
        ("-4", "must be a whole number of 1 or more, not -4"),
    ],
)
def test_whole_numbers_refused_in_a_file(toml: str, problem: str) -> None:
    assert file_refusal(f"[outbox]\nmax_messages = {toml}\n") == (
        f"{FILE}: outbox.max_messages: {problem}"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("1.5", "must be a whole number, not '1.5'"),
        ("lots", "must be a whole number, not 'lots'"),
        ("0", "must be a whole number of 1 or more, not '0'"),
        ("-2", "must be a whole number of 1 or more, not '-2'"),
    ],
)
def test_whole_numbers_refused_on_the_command_line(text: str, problem: str) -> None:
    assert set_refusal(f"outbox.max_messages={text}") == (
        f"command line: --set outbox.max_messages: {problem}"
    )


# --- reconnect attempts: a number or "forever" -----------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"), [("3", 3), ('"forever"', None), ('" Forever "', None)]
)
def test_attempts_in_a_file(toml: str, expected: int | None) -> None:
    config = from_file(f"[connection]\nmax_reconnect_attempts = {toml}\n")
    assert config.connection.max_reconnect_attempts == expected


@pytest.mark.parametrize(("text", "expected"), [("3", 3), ("forever", None), ("FOREVER", None)])
def test_attempts_in_the_environment(text: str, expected: int | None) -> None:
    config = from_env(SDM_CONNECTION_MAX_RECONNECT_ATTEMPTS=text)
    assert config.connection.max_reconnect_attempts == expected


@pytest.mark.parametrize(("text", "shown"), [("0", "'0'"), ("never", "'never'"), ("2.5", "'2.5'")])
def test_attempts_refused(text: str, shown: str) -> None:
    assert env_refusal(SDM_CONNECTION_MAX_RECONNECT_ATTEMPTS=text) == (
        "environment: SDM_CONNECTION_MAX_RECONNECT_ATTEMPTS: "
        f'must be a whole number of 1 or more, or "forever", not {shown}'
    )


def test_attempts_refuse_a_toml_boolean() -> None:
    assert file_refusal("[connection]\nmax_reconnect_attempts = true\n") == (
        f"{FILE}: connection.max_reconnect_attempts: "
        'must be a whole number of 1 or more, or "forever", not True'
    )


# --- text: server, conversation, kiosk exit keys --------------------------------------------


def test_text_is_stripped() -> None:
    assert from_env(SDM_SERVER="  https://sdm.example.org ").server == "https://sdm.example.org"


@pytest.mark.parametrize(("toml", "shown"), [('"  "', "'  '"), ("5", "5"), ("true", "True")])
def test_text_must_be_a_non_empty_string(toml: str, shown: str) -> None:
    assert file_refusal(f"server = {toml}\n") == (
        f"{FILE}: server: must be a non-empty string, not {shown}"
    )


def test_a_conversation_is_returned_in_canonical_form() -> None:
    assert from_env(SDM_CONVERSATION=f" {CONVERSATION.upper()} ").conversation == CONVERSATION


@pytest.mark.parametrize("text", ["abc", "{" + CONVERSATION + "}", CONVERSATION[:-1]])
def test_a_conversation_must_be_a_uuid(text: str) -> None:
    assert env_refusal(SDM_CONVERSATION=text) == (
        f"environment: SDM_CONVERSATION: conversation id must be a UUID, got {text!r}"
    )


def test_a_conversation_in_a_file_must_be_a_string() -> None:
    assert file_refusal("conversation = 12\n") == (
        f"{FILE}: conversation: must be a non-empty string, not 12"
    )


@pytest.mark.parametrize(
    "keys", ["Ctrl+Alt+Shift+Q", "Ctrl+K, Ctrl+Q", "Ctrl++", "Meta+X,Meta+Y,Meta+Z,Meta+W"]
)
def test_kiosk_exit_keys_accepted(keys: str) -> None:
    assert from_env(SDM_KIOSK_EXIT_KEYS=keys).kiosk_exit_keys == keys


@pytest.mark.parametrize("keys", ["Q", "Ctrl+", "+", "Ctrl+A,", "Ctrl+A, B", "A+B,A+B,A+B,A+B,A+B"])
def test_kiosk_exit_keys_need_a_modifier_in_each_of_at_most_four_chords(keys: str) -> None:
    assert env_refusal(SDM_KIOSK_EXIT_KEYS=keys) == (
        "environment: SDM_KIOSK_EXIT_KEYS: must be one to four key chords with modifiers, "
        f'like "Ctrl+Alt+Shift+Q", not {keys!r}'
    )


def test_a_long_value_is_shortened_in_the_message() -> None:
    message = env_refusal(SDM_KIOSK="x" * 100)
    assert message == "environment: SDM_KIOSK: must be true or false, not '" + "x" * 56 + "..."


# --- the config file ----------------------------------------------------------------------


def test_a_file_layer_has_the_files_values_by_key() -> None:
    layer = file_layer(
        FILE,
        b'server = "demo"\noutbox.max_bytes = 100\n'
        b"[connection]\nping_interval_s = 15\njitter = false\n",
    )
    assert layer == Layer(
        FILE,
        {
            "server": "demo",
            "outbox.max_bytes": 100,
            "connection.ping_interval_s": 15,
            "connection.jitter": False,
        },
    )
    assert not layer.textual
    assert layer.name_of("connection.jitter") == "connection.jitter"


def test_an_empty_file_sets_nothing() -> None:
    assert file_layer(FILE, b"# nothing yet\n").values == {}


def test_a_section_must_be_a_table() -> None:
    assert file_refusal("connection = 5\n") == (
        f"{FILE}: connection: must be a table ([connection]), not a value"
    )


def test_an_unknown_key_in_a_section_lists_the_sections_keys() -> None:
    assert file_refusal("[connection]\nping_interval = 15\n") == (
        f"{FILE}: connection.ping_interval: unknown setting (known: {', '.join(CONNECTION_KEYS)})"
    )


@pytest.mark.parametrize(("toml", "name"), [('sever = "x"\n', "sever"), ("[network]\n", "network")])
def test_an_unknown_top_level_key_lists_the_top_level_keys_and_sections(
    toml: str, name: str
) -> None:
    known = ", ".join([*TOP_LEVEL_KEYS, "[connection]", "[outbox]"])
    assert file_refusal(toml) == f"{FILE}: {name}: unknown setting (known: {known})"


def test_a_toml_syntax_error_names_the_file_and_the_line() -> None:
    message = file_refusal('server = "https://sdm.example.org"\nkiosk = \n')
    assert message.startswith(f"{FILE}: not valid TOML: ")
    assert "line 2" in message


def test_a_file_that_is_not_utf8() -> None:
    assert file_refusal('server = "caf\xe9"\n'.encode("latin-1")) == (
        f"{FILE}: not a UTF-8 text file"
    )


# --- the environment ------------------------------------------------------------------------


def test_the_environment_layer_takes_only_sdm_variables_and_not_the_file_name() -> None:
    layer = env_layer(
        {
            "HOME": "/home/someone",
            "SDM_CONFIG": "/tmp/other.toml",
            "SDM_KIOSK": "1",
            "SDM_OUTBOX_MAX_BYTES": "100",
            "XSDM_SERVER": "x",
        }
    )
    assert layer == Layer(
        "environment",
        {"kiosk": "1", "outbox.max_bytes": "100"},
        {"kiosk": "SDM_KIOSK", "outbox.max_bytes": "SDM_OUTBOX_MAX_BYTES"},
        textual=True,
    )


def test_an_unknown_variable_in_a_section_lists_that_sections_variables() -> None:
    known = ", ".join(SETTINGS_BY_KEY[key].env_name for key in CONNECTION_KEYS)
    assert env_refusal(SDM_CONNECTION_JITER="1") == (
        f"environment: SDM_CONNECTION_JITER: unknown setting (known: {known})"
    )


def test_an_unknown_top_level_variable_lists_every_variable() -> None:
    known = ", ".join(s.env_name for s in SETTINGS)
    assert env_refusal(SDM_SERVR="https://sdm.example.org") == (
        f"environment: SDM_SERVR: unknown setting (known: {known})"
    )


def test_an_unknown_variable_with_no_close_name_lists_every_variable_by_section() -> None:
    # Not only the short names: that read as if they were all there is.
    top_level = ", ".join(SETTINGS_BY_KEY[key].env_name for key in TOP_LEVEL_KEYS)
    assert env_refusal(SDM_COLOUR_THEME="dark") == (
        "environment: SDM_COLOUR_THEME: unknown setting "
        f"(known: {top_level}, SDM_CONNECTION_*, SDM_OUTBOX_*)"
    )


# --- the command line ----------------------------------------------------------------------


def test_the_command_line_layer_has_flags_and_assignments_with_their_names() -> None:
    layer = assignments_layer(
        ["connection.ping_interval_s=15", " outbox.max_messages =7"],
        {"server": DEMO_SERVER, "kiosk": "true"},
        {"server": "--demo", "kiosk": "--kiosk", "verbose": "--verbose"},
    )
    assert layer == Layer(
        "command line",
        {
            "server": DEMO_SERVER,
            "kiosk": "true",
            "connection.ping_interval_s": "15",
            "outbox.max_messages": "7",
        },
        {
            "server": "--demo",
            "kiosk": "--kiosk",
            "connection.ping_interval_s": "--set connection.ping_interval_s",
            "outbox.max_messages": "--set outbox.max_messages",
        },
        textual=True,
    )


def test_a_flag_without_a_written_name_is_named_by_its_key() -> None:
    assert assignments_layer([], {"kiosk": "true"}, {}).name_of("kiosk") == "kiosk"


def test_an_assignment_keeps_the_equals_signs_of_its_value() -> None:
    assert from_set("kiosk_exit_keys=Ctrl+Alt+=").kiosk_exit_keys == "Ctrl+Alt+="


def test_an_assignment_needs_an_equals_sign() -> None:
    with pytest.raises(ConfigError) as caught:
        assignments_layer(["connection.jitter"], {}, {})
    assert str(caught.value) == ("command line: --set: expected KEY=VALUE, not 'connection.jitter'")


def test_an_unknown_key_in_an_assignment_lists_the_sections_keys() -> None:
    with pytest.raises(ConfigError) as caught:
        assignments_layer(["outbox.max_message=3"], {}, {})
    assert str(caught.value) == (
        f"command line: --set outbox.max_message: unknown setting (known: {', '.join(OUTBOX_KEYS)})"
    )


def test_an_unknown_section_in_an_assignment_lists_the_top_level_keys() -> None:
    known = ", ".join([*TOP_LEVEL_KEYS, "[connection]", "[outbox]"])
    with pytest.raises(ConfigError) as caught:
        assignments_layer(["network.timeout=3"], {}, {})
    assert str(caught.value) == (
        f"command line: --set network.timeout: unknown setting (known: {known})"
    )


# --- precedence --------------------------------------------------------------------------

CLI = command_line({"server": "https://cli.example"}, {"server": "--server"})
ENV = env_layer({"SDM_SERVER": "https://env.example"})
TOML = file_layer(FILE, b'server = "https://file.example"\n')
REMEMBERED = Layer("remembered settings", {"server": "https://remembered.example"})


@pytest.mark.parametrize(
    ("layers", "server", "source"),
    [
        ([CLI, ENV, TOML, REMEMBERED], "https://cli.example", "command line: --server"),
        ([ENV, TOML, REMEMBERED], "https://env.example", "environment: SDM_SERVER"),
        ([TOML, REMEMBERED], "https://file.example", f"{FILE}: server"),
        ([REMEMBERED], "https://remembered.example", "remembered settings: server"),
        ([], None, "default"),
    ],
    ids=["command line", "environment", "file", "remembered", "default"],
)
def test_each_layer_overrides_the_weaker_ones(
    layers: list[Layer], server: str | None, source: str
) -> None:
    config = resolve(layers)
    assert config.server == server
    assert config.source_of("server") == source


def test_the_sources_name_where_each_value_came_from() -> None:
    config = resolve(
        [
            command_line({"kiosk": "true"}, {"kiosk": "--kiosk"}),
            env_layer({"SDM_CONNECTION_PING_INTERVAL_S": "15", "SDM_VERBOSE": "yes"}),
            file_layer(
                FILE,
                b"verbose = false\nkiosk = false\n"
                b"[connection]\nping_interval_s = 20\njitter = false\n",
            ),
            REMEMBERED,
        ]
    )
    assert (config.kiosk, config.verbose, config.connection.ping_interval_s) == (True, True, 15.0)
    assert (config.connection.jitter, config.server) == (False, "https://remembered.example")
    assert config.sources == {
        "server": "remembered settings: server",
        "verbose": "environment: SDM_VERBOSE",
        "kiosk": "command line: --kiosk",
        "connection.jitter": f"{FILE}: connection.jitter",
        "connection.ping_interval_s": "environment: SDM_CONNECTION_PING_INTERVAL_S",
    }
    assert config.source_of("outbox.max_messages") == "default"


def test_a_bad_value_names_the_layer_it_came_from() -> None:
    layers = [
        env_layer({"SDM_CONNECTION_JITTER": "sometimes"}),
        file_layer(FILE, b"[connection]\njitter = true\n"),
    ]
    assert refusal(layers) == (
        "environment: SDM_CONNECTION_JITTER: must be true or false, not 'sometimes'"
    )


# --- settings checked together -------------------------------------------------------------

REFUSED = (
    "refusing unencrypted connection to http://sdm.example.org: use https://, or allow "
    "plain http explicitly (only safe on a trusted network)"
)


@pytest.mark.parametrize(
    ("layer", "where"),
    [
        (
            command_line({"server": "http://sdm.example.org"}, {"server": "--server"}),
            "command line: --server",
        ),
        (env_layer({"SDM_SERVER": "http://sdm.example.org"}), "environment: SDM_SERVER"),
        (file_layer(FILE, b'server = "http://sdm.example.org"\n'), f"{FILE}: server"),
        (
            Layer("remembered settings", {"server": "http://sdm.example.org"}),
            "remembered settings: server",
        ),
    ],
    ids=["command line", "environment", "file", "remembered"],
)
def test_plain_http_to_another_computer_names_where_the_server_was_set(
    layer: Layer, where: str
) -> None:
    assert refusal([layer]) == f"{where}: {REFUSED}"


def test_plain_http_to_another_computer_is_allowed_from_another_layer() -> None:
    config = resolve(
        [
            env_layer({"SDM_SERVER": "http://sdm.example.org"}),
            file_layer(FILE, b"allow_insecure = true\n"),
        ]
    )
    assert (config.server, config.allow_insecure) == ("http://sdm.example.org", True)


def test_a_weaker_allow_insecure_that_is_overridden_does_not_allow() -> None:
    layers = [
        env_layer({"SDM_SERVER": "http://sdm.example.org", "SDM_ALLOW_INSECURE": "no"}),
        file_layer(FILE, b"allow_insecure = true\n"),
    ]
    assert refusal(layers) == f"environment: SDM_SERVER: {REFUSED}"


@pytest.mark.parametrize(
    "server", ["http://localhost:8000", "http://127.0.0.1:8000", "http://[::1]"]
)
def test_plain_http_to_this_computer_needs_no_allow(server: str) -> None:
    assert from_env(SDM_SERVER=server).server == server


@pytest.mark.parametrize(
    ("server", "problem"),
    [
        (
            "ftp://sdm.example.org",
            "server URL 'ftp://sdm.example.org' must start with http:// or https://",
        ),
        ("sdm.example.org", "server URL 'sdm.example.org' must start with http:// or https://"),
        ("https://", "server URL 'https://' has no host name"),
        (
            "https://sdm.example.org:99999",
            "server URL 'https://sdm.example.org:99999' has an invalid port",
        ),
        (
            "https://sdm.example.org/?next=1",
            "server URL 'https://sdm.example.org/?next=1' must not have a query or fragment",
        ),
    ],
)
def test_a_malformed_server_url(server: str, problem: str) -> None:
    assert set_refusal(f"server={server}") == f"command line: --set server: {problem}"


def test_the_demo_server_is_not_a_url() -> None:
    config = from_env(SDM_SERVER=" demo ")
    assert config.server == DEMO_SERVER
    assert config.uses_demo_server


def test_the_longest_retry_delay_may_equal_the_first() -> None:
    config = from_env(
        SDM_CONNECTION_RECONNECT_DELAY_S="5", SDM_CONNECTION_MAX_RECONNECT_DELAY_S="5"
    )
    assert (config.connection.reconnect_delay_s, config.connection.max_reconnect_delay_s) == (
        5.0,
        5.0,
    )


def test_the_longest_retry_delay_below_the_first_names_where_it_was_set() -> None:
    layers = [
        env_layer({"SDM_CONNECTION_RECONNECT_DELAY_S": "10"}),
        file_layer(FILE, b"[connection]\nmax_reconnect_delay_s = 5\n"),
    ]
    assert refusal(layers) == (
        f"{FILE}: connection.max_reconnect_delay_s: "
        "must be at least connection.reconnect_delay_s (10.0 s)"
    )


def test_a_first_retry_delay_above_the_default_longest_names_where_it_was_set() -> None:
    # The longest delay is a default: the message names the value the person wrote.
    assert env_refusal(SDM_CONNECTION_RECONNECT_DELAY_S="60") == (
        "environment: SDM_CONNECTION_RECONNECT_DELAY_S: "
        "must be at most connection.max_reconnect_delay_s (30.0 s)"
    )


# --- kiosk rules ---------------------------------------------------------------------------


def test_a_kiosk_retries_forever_whatever_the_file_says() -> None:
    config = resolve(
        [
            env_layer({"SDM_KIOSK": "1"}),
            file_layer(FILE, b"[connection]\nmax_reconnect_attempts = 3\nping_interval_s = 9\n"),
        ]
    )
    kiosk = with_kiosk_rules(config)
    assert kiosk.connection.max_reconnect_attempts is None
    assert kiosk.connection.ping_interval_s == 9.0
    assert kiosk == AppConfig(
        kiosk=True, connection=ConnectionConfig(max_reconnect_attempts=None, ping_interval_s=9.0)
    )
    assert kiosk.sources == {
        **config.sources,
        "connection.max_reconnect_attempts": "kiosk mode",
    }


def test_an_empty_variable_counts_as_unset() -> None:
    config = resolve([env_layer({"SDM_SERVER": "", "SDM_KIOSK": ""})])
    assert config == AppConfig()
    assert config.sources == {}


def test_a_bad_value_is_refused_even_where_a_stronger_layer_overrides_it() -> None:
    with pytest.raises(ConfigError) as caught:
        resolve(
            [
                env_layer({"SDM_CONNECTION_JITTER": "false"}),
                file_layer(FILE, b'[connection]\njitter = "maybe"\n'),
            ]
        )
    assert str(caught.value) == (f"{FILE}: connection.jitter: must be true or false, not 'maybe'")


def test_a_file_path_with_a_colon_is_named_whole_in_a_combined_check() -> None:
    odd = "/srv/kiosk: ward 3/config.toml"
    with pytest.raises(ConfigError) as caught:
        resolve([file_layer(odd, b'server = "http://sdm.example.org"\n')])
    assert caught.value.source == odd
    assert caught.value.name == "server"


def test_without_kiosk_the_configuration_is_untouched() -> None:
    config = from_file("[connection]\nmax_reconnect_attempts = 3\n")
    assert with_kiosk_rules(config) is config


# --- the list of settings --------------------------------------------------------------------


def test_describe_lists_every_key_with_its_variable_and_default() -> None:
    lines = describe().splitlines()
    rows = {line.split()[0]: line.split()[1:3] for line in lines}
    assert len(lines) == len(SETTINGS)
    assert list(rows) == [s.key for s in SETTINGS]
    assert {key: env for key, (env, _) in rows.items()} == {s.key: s.env_name for s in SETTINGS}
    assert rows["server"][1] == "-"
    assert rows["allow_insecure"][1] == "false"
    assert rows["connection.jitter"][1] == "true"
    assert rows["connection.max_reconnect_attempts"][1] == "5"
    # 1.0 == True: a lookup keyed by value once showed this default as "true".
    assert rows["connection.reconnect_delay_s"][1] == "1.0"
    assert rows["kiosk_exit_keys"][1] == "Ctrl+Alt+Shift+Q"
    assert rows["connection.max_frame_bytes"][1] == "1048576"


def test_describe_shows_each_settings_help() -> None:
    for line, setting in zip(describe().splitlines(), SETTINGS, strict=True):
        assert line.endswith(" " + setting.help)


# --- one declaration per setting ----------------------------------------------------------


def test_each_setting_is_read_from_its_field() -> None:
    # The table is the fields: the default a setting lists is the field's own.
    defaults = {f"connection.{f.name}": f.default for f in fields(ConnectionConfig)}
    defaults |= {f"outbox.{f.name}": f.default for f in fields(OutboxConfig)}
    config = AppConfig()
    for setting in SETTINGS:
        expected = defaults.get(setting.key, getattr(config, setting.key, None))
        assert setting.default == expected, setting.key
        assert type(setting.default) is type(expected), setting.key


def test_a_field_without_a_declaration_is_no_setting() -> None:
    assert "sources" not in SETTINGS_BY_KEY
    assert not any(key in SETTINGS_BY_KEY for key in ("connection", "outbox"))


def test_settings_are_listed_in_field_order_sections_after_the_top_level() -> None:
    assert [s.key for s in SETTINGS] == [
        *(f.name for f in fields(AppConfig) if f.name not in NOT_SETTINGS),
        *(f"connection.{f.name}" for f in fields(ConnectionConfig)),
        *(f"outbox.{f.name}" for f in fields(OutboxConfig)),
    ]


# --- the connection configuration checks itself ----------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field_name"),
    [
        ({"max_reconnect_attempts": -1}, "max_reconnect_attempts"),
        ({"max_reconnect_attempts": 2.5}, "max_reconnect_attempts"),
        ({"max_reconnect_attempts": True}, "max_reconnect_attempts"),
        ({"reconnect_delay_s": 0.0}, "reconnect_delay_s"),
        ({"max_reconnect_delay_s": -1.0}, "max_reconnect_delay_s"),
        ({"stable_after_s": -0.5}, "stable_after_s"),
        ({"stable_after_s": float("nan")}, "stable_after_s"),
        ({"ping_interval_s": 0.0}, "ping_interval_s"),
        ({"pong_timeout_s": float("inf")}, "pong_timeout_s"),
        ({"send_probe_timeout_s": float("nan")}, "send_probe_timeout_s"),
        ({"open_timeout_s": 0.0}, "open_timeout_s"),
        ({"close_timeout_s": -2.0}, "close_timeout_s"),
        ({"max_frame_bytes": 0}, "max_frame_bytes"),
        ({"max_frame_bytes": 1.5}, "max_frame_bytes"),
        ({"max_frame_bytes": True}, "max_frame_bytes"),
        ({"jitter": 1}, "jitter"),
        ({"reconnect_delay_s": 5.0, "max_reconnect_delay_s": 4.0}, "max_reconnect_delay_s"),
    ],
)
def test_a_bad_connection_value_is_refused_naming_its_field(
    changes: dict[str, Any], field_name: str
) -> None:
    with pytest.raises(ValueError, match=rf"^{field_name} ") as caught:
        ConnectionConfig(**changes)
    assert not isinstance(caught.value, ConfigError)  # no layer to name: the field is named
    with pytest.raises(ValueError, match=rf"^{field_name} "):
        replace(ConnectionConfig(), **changes)  # variants are checked too


@pytest.mark.parametrize(
    "changes",
    [
        {"max_reconnect_attempts": None},  # forever
        {"max_reconnect_attempts": 0},  # give up at the first loss
        {"stable_after_s": 0.0},  # every opening resets the attempts
        {"reconnect_delay_s": 3.0, "max_reconnect_delay_s": 3.0},
        {"max_frame_bytes": 1},
    ],
)
def test_edge_values_the_managers_always_took_are_accepted(changes: dict[str, Any]) -> None:
    config = ConnectionConfig(**changes)
    assert all(getattr(config, name) == value for name, value in changes.items())


def test_the_backoff_policy_is_the_configured_schedule() -> None:
    policy = ConnectionConfig(
        reconnect_delay_s=0.5, max_reconnect_delay_s=3.0, stable_after_s=7.0, jitter=False
    ).backoff_policy()
    assert [policy.step(attempt) for attempt in range(1, 6)] == [0.5, 1.0, 2.0, 3.0, 3.0]
    assert (policy.stable_after_s, policy.jitter) == (7.0, False)


def test_each_socket_gets_a_keepalive_of_its_own() -> None:
    config = ConnectionConfig(ping_interval_s=12.0, pong_timeout_s=4.0, send_probe_timeout_s=3.0)
    first, second = config.keepalive(), config.keepalive()
    assert first is not second
    first.start(0.0)
    second.start(100.0)
    assert (first.next_wakeup(), second.next_wakeup()) == (12.0, 112.0)
    assert first.probe(1.0)
    assert first.deadline == 4.0  # probed: proof of life due within send_probe_timeout_s
    assert second.deadline is None
    assert (first.interval_s, first.timeout_s, first.probe_timeout_s) == (12.0, 4.0, 3.0)


# --- issue 2's keywords --------------------------------------------------------------------------

#: The contract's keyword of each field, as issue 2 names them.
CONTRACT = {
    "max_reconnect_attempts": "max_reconnect_attempts",
    "reconnect_delay": "reconnect_delay_s",
    "max_reconnect_delay": "max_reconnect_delay_s",
    "stable_after": "stable_after_s",
    "jitter": "jitter",
    "ping_interval": "ping_interval_s",
    "pong_timeout": "pong_timeout_s",
    "send_probe_timeout": "send_probe_timeout_s",
    "open_timeout": "open_timeout_s",
    "close_timeout": "close_timeout_s",
    "max_frame_size": "max_frame_bytes",
}


def test_every_connection_field_has_its_contract_keyword() -> None:
    assert dict(CONNECTION_KEYWORDS) == CONTRACT
    assert sorted(CONNECTION_KEYWORDS.values()) == sorted(f.name for f in fields(ConnectionConfig))


def test_the_keywords_type_is_the_fields_type() -> None:
    keyword_types = get_type_hints(ConnectionKeywords)
    field_types = get_type_hints(ConnectionConfig)
    assert set(keyword_types) == set(CONNECTION_KEYWORDS)
    for keyword, field_name in CONNECTION_KEYWORDS.items():
        assert keyword_types[keyword] == field_types[field_name], keyword
    assert ConnectionKeywords.__required_keys__ == frozenset()  # each one may be left out


def test_keywords_set_their_fields_and_leave_the_others() -> None:
    base = ConnectionConfig(ping_interval_s=12.0, jitter=False)
    config = base.with_keywords(
        {"reconnect_delay": 0.5, "max_frame_size": 4096, "max_reconnect_attempts": None}
    )
    assert config == replace(
        base, reconnect_delay_s=0.5, max_frame_bytes=4096, max_reconnect_attempts=None
    )
    assert base.with_keywords({}) is base


def test_every_keyword_reaches_its_field() -> None:
    # A value no default has, per field: a swapped mapping would show.
    values: ConnectionKeywords = {
        "max_reconnect_attempts": 9,
        "reconnect_delay": 0.25,
        "max_reconnect_delay": 7.5,
        "stable_after": 3.25,
        "jitter": False,
        "ping_interval": 11.0,
        "pong_timeout": 6.5,
        "send_probe_timeout": 1.75,
        "open_timeout": 8.5,
        "close_timeout": 0.75,
        "max_frame_size": 4096,
    }
    config = ConnectionConfig().with_keywords(values)
    assert {CONTRACT[k]: v for k, v in values.items()} == {
        f.name: getattr(config, f.name) for f in fields(ConnectionConfig)
    }


def test_an_unknown_keyword_is_a_type_error_like_a_functions() -> None:
    with pytest.raises(TypeError, match="ping_interval_s, retries"):
        ConnectionConfig().with_keywords({"retries": 3, "ping_interval_s": 1.0})  # type: ignore[typeddict-unknown-key]


def test_keywords_are_checked_like_fields() -> None:
    with pytest.raises(ValueError, match=r"^reconnect_delay_s "):
        ConnectionConfig().with_keywords({"reconnect_delay": 0})


def test_the_outbox_settings_give_the_limits_the_outbox_machine_enforces() -> None:
    config = resolve(
        [
            Layer(
                "command line",
                {"outbox.max_messages": "7", "outbox.max_bytes": "900", "outbox.max_attempts": "2"},
                textual=True,
            )
        ]
    )
    limits = config.outbox.limits()
    assert (limits.max_messages, limits.max_bytes, limits.max_attempts) == (7, 900, 2)
    assert admission_refusal(6, 0, "x" * 901, limits) is not None  # the byte bound holds
    assert admission_refusal(7, 0, "x", limits) is not None  # and the message bound
    assert admission_refusal(6, 899, "x", limits) is None


# --- the kiosk's own values ----------------------------------------------------------------


def test_a_pin_hash_is_kept_in_its_canonical_form() -> None:
    # Padding-free base64 and the same fields: what --hash-pin printed, with spaces around.
    assert from_set(f"kiosk_admin_pin_hash=  {PIN_HASH} ").kiosk_admin_pin_hash == PIN_HASH


@pytest.mark.parametrize(
    "text",
    ["1234", "scrypt$16$8$1$abc", "bcrypt$16$8$1$" + "A" * 22 + "$" + "A" * 43, "scrypt$x$8$1$a$b"],
)
def test_a_pin_hash_must_be_what_hash_pin_prints(text: str) -> None:
    message = refusal([assignments_layer([f"kiosk_admin_pin_hash={text}"], {}, {})])
    assert message.startswith("command line: --set kiosk_admin_pin_hash: must be the output of")
    assert text not in message  # a hash, even a wrong one, is not repeated back


@pytest.mark.parametrize(("text", "expected"), [("1", 1.0), ("2.5", 2.5), (" 1.75 ", 1.75)])
def test_the_kiosk_text_scale(text: str, expected: float) -> None:
    assert from_env(SDM_KIOSK_TEXT_SCALE=text).kiosk_text_scale == expected


@pytest.mark.parametrize("text", ["0.9", "2.6", "nan", "inf", "big"])
def test_the_kiosk_text_scale_stays_where_every_label_fits(text: str) -> None:
    message = refusal([env_layer({"SDM_KIOSK_TEXT_SCALE": text})])
    assert message.startswith("environment: SDM_KIOSK_TEXT_SCALE: must be")


@pytest.mark.parametrize("toml", ['"Clinic\\nSecond line"', '"Tab\\there"', f'"{"x" * 81}"', '""'])
def test_the_clinic_name_is_one_short_printable_line(toml: str) -> None:
    message = refusal([file_layer(FILE, f"kiosk_clinic_name = {toml}\n".encode())])
    assert message.startswith(f"{FILE}: kiosk_clinic_name: must be")


def test_a_one_letter_clinic_name_is_a_name() -> None:
    assert from_file('kiosk_clinic_name = "A"\n').kiosk_clinic_name == "A"


# --- the administrator's system file: locked keys and system defaults ----------------------


SYSTEM = "/etc/sdm-desktop/config.toml"


def system_file(toml: str) -> Layer:
    return file_layer(SYSTEM, toml.encode())


def test_the_system_file_is_split_into_locked_keys_and_defaults() -> None:
    locked, defaults = system_layers(
        system_file(
            'server = "https://sdm.example.org"\nkiosk = true\n'
            'kiosk_clinic_name = "Riverside"\n[connection]\nping_interval_s = 15\n'
        )
    )

    assert locked.source == f"{SYSTEM} (locked)"
    assert dict(locked.values) == {"server": "https://sdm.example.org", "kiosk": True}
    assert defaults.source == SYSTEM
    assert dict(defaults.values) == {
        "kiosk_clinic_name": "Riverside",
        "connection.ping_interval_s": 15,
    }


@pytest.mark.parametrize(
    "key",
    [
        "server",
        "allow_insecure",
        "kiosk",
        "kiosk_exit_keys",
        "kiosk_admin_pin_hash",
        "kiosk_lockdown",
        "kiosk_account",
    ],
)
def test_a_locked_key_beats_the_command_line_the_environment_and_the_users_file(
    key: str,
) -> None:
    toml, _, expected = GOOD_VALUES[key]
    locked, defaults = system_layers(system_file(f"{key} = {toml}\n"))
    other_toml = {"server": '"https://other.example.org"', "kiosk_exit_keys": '"Ctrl+Alt+X"'}
    text_values = {
        "server": "https://other.example.org",
        "allow_insecure": "no",
        "kiosk": "off",
        "kiosk_exit_keys": "Ctrl+Alt+X",
        "kiosk_admin_pin_hash": hash_pin("1111", b"t" * 16, n=16).text(),
        "kiosk_lockdown": "yes",
        "kiosk_account": "someone@else.example",
    }
    users = [
        assignments_layer([f"{key}={text_values[key]}"], {}, {}),
        env_layer({SETTINGS_BY_KEY[key].env_name: text_values[key]}),
        file_layer("~/.config/config.toml", f"{key} = {other_toml.get(key, 'false')}\n".encode())
        if key in ("server", "kiosk_exit_keys", "allow_insecure", "kiosk", "kiosk_lockdown")
        else Layer("~/.config/config.toml", {}),
    ]

    config = resolve([locked, *users, defaults])

    assert getattr(config, key) == expected
    assert config.source_of(key) == f"{SYSTEM} (locked): {key}"
    notices = ignored_overrides(locked, users)
    assert notices[0] == (
        f"command line: --set {key} is ignored: {SYSTEM} sets {key} for every user of this computer"
    )
    assert notices[1].startswith(f"environment: {SETTINGS_BY_KEY[key].env_name} is ignored: ")
    assert len(notices) == (3 if users[2].values else 2)


def test_the_system_files_other_keys_are_defaults_a_user_may_change() -> None:
    locked, defaults = system_layers(system_file("kiosk_text_scale = 2.0\nverbose = true\n"))
    users = [env_layer({"SDM_KIOSK_TEXT_SCALE": "1.25"})]

    config = resolve([locked, *users, defaults])

    assert config.kiosk_text_scale == 1.25
    assert config.verbose is True
    assert config.source_of("verbose") == f"{SYSTEM}: verbose"
    assert ignored_overrides(locked, users) == ()


def test_the_system_config_variable_names_a_file_not_a_setting() -> None:
    assert env_layer({"SDM_SYSTEM_CONFIG": "/tmp/system.toml"}).values == {}
