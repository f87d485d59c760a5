"""The app's command line, and loading the configuration from every source with real files."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pytest

from desktop_app import __version__
from desktop_app.cli import (
    REMEMBERED,
    CommandLine,
    load_config,
    parse_command_line,
    parse_console_command_line,
    system_config_file,
    version_line,
)
from desktop_app.core.config import SETTINGS, AppConfig, ConfigError, describe

CONVERSATION = "0f8fad5b-d9cb-469f-a165-70867728950e"


def load(
    argv: list[str],
    environ: Mapping[str, str] | None = None,
    *,
    remembered: str | None = None,
    default_file: Path | None = None,
    system_file: Path | None = None,
) -> AppConfig:
    return load_config(
        parse_command_line(argv),
        environ or {},
        remembered_server=remembered,
        default_file=default_file,
        system_file=system_file,
    )


def load_refusal(
    argv: list[str],
    environ: Mapping[str, str] | None = None,
    *,
    default_file: Path | None = None,
) -> str:
    with pytest.raises(ConfigError) as caught:
        load(argv, environ, default_file=default_file)
    return str(caught.value)


# --- parse_command_line ---------------------------------------------------------------


def test_no_arguments_set_nothing() -> None:
    command_line = parse_command_line([])
    assert command_line.layer.source == "command line"
    assert command_line.layer.textual
    assert command_line.layer.values == {}
    assert (command_line.config_file, command_line.self_test) == (None, False)


def test_the_flags_set_their_keys_under_the_names_as_written() -> None:
    command_line = parse_command_line(
        [
            "--server",
            "https://sdm.example.org",
            "--conversation",
            CONVERSATION,
            "--allow-insecure",
            "-v",
            "--kiosk",
        ]
    )
    assert command_line.layer.values == {
        "server": "https://sdm.example.org",
        "conversation": CONVERSATION,
        "allow_insecure": True,
        "verbose": True,
        "kiosk": True,
    }
    assert command_line.layer.names == {
        "server": "--server",
        "conversation": "--conversation",
        "allow_insecure": "--allow-insecure",
        "verbose": "--verbose",
        "kiosk": "--kiosk",
    }


def test_demo_sets_the_server_to_the_demo_server() -> None:
    layer = parse_command_line(["--demo"]).layer
    assert layer.values == {"server": "demo"}
    assert layer.name_of("server") == "--demo"


def test_config_self_test_and_repeated_set(tmp_path: Path) -> None:
    command_line = parse_command_line(
        [
            "--config",
            str(tmp_path / "kiosk.toml"),
            "--self-test",
            "--set",
            "connection.ping_interval_s=15",
            "--set",
            "outbox.max_messages=7",
        ]
    )
    assert command_line.config_file == tmp_path / "kiosk.toml"
    assert command_line.self_test
    assert command_line.layer.values == {
        "connection.ping_interval_s": "15",
        "outbox.max_messages": "7",
    }
    assert command_line.layer.name_of("outbox.max_messages") == "--set outbox.max_messages"


def test_server_and_demo_exclude_each_other(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_command_line(["--server", "https://sdm.example.org", "--demo"])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines() == [
        "sdm-desktop: error: --server and --demo exclude each other (see --help)"
    ]


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("kiosk", "command line: --set: expected KEY=VALUE, not 'kiosk'"),
        (
            "outbox.max_message=3",
            "command line: --set outbox.max_message: unknown setting (known: "
            "outbox.max_messages, outbox.max_bytes, outbox.max_attempts, outbox.echo_timeout_s)",
        ),
    ],
)
def test_a_malformed_set_exits_with_status_2(
    capsys: pytest.CaptureFixture[str], assignment: str, message: str
) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_command_line(["--set", assignment])
    assert caught.value.code == 2
    assert capsys.readouterr().err.splitlines() == [f"sdm-desktop: error: {message} (see --help)"]


def test_list_settings_prints_every_key_and_variable(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_command_line(["--list-settings"])
    assert caught.value.code == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Settings (key, environment variable, default, meaning):"
    assert [line.split()[:2] for line in lines[1:]] == [[s.key, s.env_name] for s in SETTINGS]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_command_line(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out == f"sdm-desktop {version_line()}\n"
    # A source checkout has no build info: the version alone.
    assert version_line() == __version__


# --- load_config: files ---------------------------------------------------------------


def test_a_missing_default_file_is_fine(tmp_path: Path) -> None:
    config = load([], default_file=tmp_path / "config.toml")
    assert config == AppConfig()
    assert config.sources == {}


def test_the_default_file_is_read(tmp_path: Path) -> None:
    default = tmp_path / "config.toml"
    default.write_text("[connection]\nping_interval_s = 12\n", encoding="utf-8")
    config = load([], default_file=default)
    assert config.connection.ping_interval_s == 12.0
    assert (
        config.source_of("connection.ping_interval_s") == f"{default}: connection.ping_interval_s"
    )


def test_a_missing_file_given_with_config_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "kiosk.toml"
    assert load_refusal(["--config", str(missing)]) == f"{missing}: no such config file"


def test_a_missing_file_named_by_sdm_config_is_an_error(tmp_path: Path) -> None:
    missing = tmp_path / "kiosk.toml"
    assert load_refusal([], {"SDM_CONFIG": str(missing)}) == f"{missing}: no such config file"


def test_an_empty_sdm_config_means_the_default_file(tmp_path: Path) -> None:
    default = tmp_path / "config.toml"
    default.write_text("kiosk = true\n", encoding="utf-8")
    assert load([], {"SDM_CONFIG": ""}, default_file=default).kiosk


def test_sdm_config_replaces_the_default_file(tmp_path: Path) -> None:
    named = tmp_path / "kiosk.toml"
    named.write_text("kiosk = true\n", encoding="utf-8")
    default = tmp_path / "config.toml"
    default.write_text("this is not TOML\n", encoding="utf-8")  # not read
    config = load([], {"SDM_CONFIG": str(named)}, default_file=default)
    assert config.kiosk
    assert config.source_of("kiosk") == f"{named}: kiosk"


def test_config_on_the_command_line_beats_sdm_config(tmp_path: Path) -> None:
    given = tmp_path / "given.toml"
    given.write_text("verbose = true\n", encoding="utf-8")
    named = tmp_path / "named.toml"
    named.write_text("verbose = 'not read'\n", encoding="utf-8")
    config = load(["--config", str(given)], {"SDM_CONFIG": str(named)})
    assert config.verbose
    assert config.source_of("verbose") == f"{given}: verbose"


def test_a_directory_is_not_a_config_file(tmp_path: Path) -> None:
    assert load_refusal(["--config", str(tmp_path)]) == (
        f"{tmp_path}: cannot read it (Is a directory)"
    )


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0,
    reason="needs POSIX permissions that apply (root reads any file)",
)
def test_an_unreadable_file_is_an_error(tmp_path: Path) -> None:
    unreadable = tmp_path / "config.toml"
    unreadable.write_text("kiosk = true\n", encoding="utf-8")
    unreadable.chmod(0)
    assert load_refusal([], default_file=unreadable) == (
        f"{unreadable}: cannot read it (Permission denied)"
    )


def test_a_bad_value_in_a_file_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[connection]\njitter = "maybe"\n', encoding="utf-8")
    assert load_refusal(["--config", str(path)]) == (
        f"{path}: connection.jitter: must be true or false, not 'maybe'"
    )


# --- load_config: precedence end to end ---------------------------------------------------


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        'server = "https://file.example"\n'
        "verbose = true\n"
        "[connection]\n"
        "ping_interval_s = 20\n"
        "jitter = false\n"
        "[outbox]\n"
        "max_messages = 50\n",
        encoding="utf-8",
    )
    return path


ENVIRON = {
    "SDM_SERVER": "https://env.example",
    "SDM_CONNECTION_PING_INTERVAL_S": "15",
    "HOME": "/home/someone",
}


def test_every_source_in_its_place(config_file: Path) -> None:
    config = load(
        ["--server", "https://cli.example", "--set", "outbox.max_messages=7"],
        ENVIRON,
        remembered="https://remembered.example",
        default_file=config_file,
    )
    assert config.server == "https://cli.example"
    assert config.connection.ping_interval_s == 15.0
    assert (config.verbose, config.connection.jitter) == (True, False)
    assert config.outbox.max_messages == 7
    assert config.sources == {
        "server": "command line: --server",
        "verbose": f"{config_file}: verbose",
        "connection.jitter": f"{config_file}: connection.jitter",
        "connection.ping_interval_s": "environment: SDM_CONNECTION_PING_INTERVAL_S",
        "outbox.max_messages": "command line: --set outbox.max_messages",
    }


@pytest.mark.parametrize(
    ("argv", "environ", "with_file", "server", "source"),
    [
        (
            ["--server", "https://cli.example"],
            ENVIRON,
            True,
            "https://cli.example",
            "command line: --server",
        ),
        ([], ENVIRON, True, "https://env.example", "environment: SDM_SERVER"),
        ([], {}, True, "https://file.example", "{file}: server"),
        ([], {}, False, "https://remembered.example", f"{REMEMBERED}: server"),
        (["--demo"], ENVIRON, True, "demo", "command line: --demo"),
    ],
    ids=["command line", "environment", "file", "remembered", "demo"],
)
def test_the_server_comes_from_the_strongest_source(
    config_file: Path,
    argv: list[str],
    environ: dict[str, str],
    with_file: bool,
    server: str,
    source: str,
) -> None:
    config = load(
        argv,
        environ,
        remembered="https://remembered.example",
        default_file=config_file if with_file else None,
    )
    assert config.server == server
    assert config.source_of("server") == source.format(file=config_file)


def test_a_remembered_plain_http_server_says_how_to_change_it() -> None:
    with pytest.raises(ConfigError) as caught:
        load([], remembered="http://sdm.example.org")
    assert str(caught.value) == (
        "remembered from the last start (use --server URL or --demo to change it): server: "
        "refusing unencrypted connection to http://sdm.example.org: use https://, or allow "
        "plain http explicitly (only safe on a trusted network)"
    )
    assert load(["--demo"], remembered="http://sdm.example.org").uses_demo_server


def test_plain_http_allowed_in_the_file_for_a_server_on_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("allow_insecure = true\n", encoding="utf-8")
    config = load(["--server", "http://sdm.example.org"], default_file=path)
    assert (config.server, config.allow_insecure) == ("http://sdm.example.org", True)


def test_a_kiosk_retries_forever(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[connection]\nmax_reconnect_attempts = 3\n", encoding="utf-8")
    assert load([], default_file=path).connection.max_reconnect_attempts == 3
    assert load(["--kiosk"], default_file=path).connection.max_reconnect_attempts is None


# --- the console's command line ------------------------------------------------------


def console(argv: list[str]) -> CommandLine:
    return parse_console_command_line(argv, prog="console", description="the console client")


def test_the_console_command_line_is_a_layer_like_the_apps(tmp_path: Path) -> None:
    command_line = console(
        [
            *("--server", "https://sdm.example.org", "--conversation", CONVERSATION),
            *("-v", "--config", str(tmp_path / "c.toml"), "--set", "http_timeout_s=5"),
        ]
    )
    assert command_line.layer.values == {
        "server": "https://sdm.example.org",
        "conversation": CONVERSATION,
        "verbose": True,
        "http_timeout_s": "5",
    }
    assert command_line.layer.name_of("server") == "--server"
    assert command_line.layer.name_of("http_timeout_s") == "--set http_timeout_s"
    assert (command_line.config_file, command_line.self_test) == (tmp_path / "c.toml", False)


def test_the_console_has_no_kiosk_or_self_test(capsys: pytest.CaptureFixture[str]) -> None:
    for flag in ("--kiosk", "--self-test"):
        with pytest.raises(SystemExit) as caught:
            console([flag])
        assert caught.value.code == 2
        assert capsys.readouterr().err.splitlines() == [
            f"console: error: unrecognized arguments: {flag} (see --help)"
        ]


def test_the_console_lists_the_same_settings(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        console(["--list-settings"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.splitlines()[1:] == describe().splitlines()


def test_the_console_loads_every_layer(tmp_path: Path) -> None:
    default = tmp_path / "config.toml"
    default.write_text("[connection]\nping_interval_s = 12\n", encoding="utf-8")
    config = load_config(
        console(["--demo"]),
        {"SDM_VERBOSE": "1"},
        remembered_server=None,
        default_file=default,
    )
    assert (config.server, config.verbose, config.connection.ping_interval_s) == (
        "demo",
        True,
        12.0,
    )
    assert config.source_of("verbose") == "environment: SDM_VERBOSE"


def test_the_help_names_the_layers_each_command_reads(capsys: pytest.CaptureFixture[str]) -> None:
    for parse in (parse_command_line, console):
        with pytest.raises(SystemExit):
            parse(["--help"])
    app_help, console_help = capsys.readouterr().out.split("usage: ")[1:]
    assert "the server used last time" in " ".join(app_help.split())
    assert "the server used last time" not in " ".join(console_help.split())
    assert "SDM_* environment variables, the config file (TOML)" in " ".join(console_help.split())


# --- the administrator's system file ----------------------------------------------------


def test_the_system_file_locks_the_server_and_kiosk_against_every_user_source(
    tmp_path: Path,
) -> None:
    system = tmp_path / "system.toml"
    system.write_text(
        'server = "https://sdm.clinic.example"\nkiosk = true\nkiosk_clinic_name = "Riverside"\n',
        encoding="utf-8",
    )
    users_file = tmp_path / "users.toml"
    users_file.write_text('server = "https://elsewhere.example"\n', encoding="utf-8")

    config = load(
        ["--server", "https://mine.example"],
        {"SDM_KIOSK": "0", "SDM_KIOSK_CLINIC_NAME": "My clinic"},
        remembered="https://remembered.example",
        default_file=users_file,
        system_file=system,
    )

    assert config.server == "https://sdm.clinic.example"
    assert config.kiosk is True
    assert config.source_of("server") == f"{system} (locked): server"
    assert config.kiosk_clinic_name == "My clinic"  # not locked: the user's own wins
    assert config.notices == (
        f"command line: --server is ignored: {system} sets server for every user of this computer",
        f"environment: SDM_KIOSK is ignored: {system} sets kiosk for every user of this computer",
        f"{users_file}: server is ignored: {system} sets server for every user of this computer",
    )


def test_the_system_files_other_keys_are_weaker_than_the_users_file(tmp_path: Path) -> None:
    system = tmp_path / "system.toml"
    system.write_text("kiosk_text_scale = 2.0\nverbose = true\n", encoding="utf-8")
    users_file = tmp_path / "users.toml"
    users_file.write_text("kiosk_text_scale = 1.25\n", encoding="utf-8")

    config = load([], default_file=users_file, system_file=system)

    assert (config.kiosk_text_scale, config.verbose) == (1.25, True)
    assert config.notices == ()


def test_no_system_file_changes_nothing(tmp_path: Path) -> None:
    config = load(["--kiosk"], system_file=tmp_path / "absent.toml")
    assert config.kiosk is True
    assert config.notices == ()


def test_a_system_file_that_cannot_be_read_stops_the_app(tmp_path: Path) -> None:
    # What it would lock must not fall to the user: a directory stands for any unreadable file.
    with pytest.raises(ConfigError) as caught:
        load([], system_file=tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}: cannot read it (")


def test_a_bad_value_in_the_system_file_names_it(tmp_path: Path) -> None:
    system = tmp_path / "system.toml"
    system.write_text('kiosk_admin_pin_hash = "1234"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load([], system_file=system)
    assert str(caught.value).startswith(f"{system} (locked): kiosk_admin_pin_hash: must be")


def test_the_system_file_is_in_etc_unless_a_source_run_names_another(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    named = {"SDM_SYSTEM_CONFIG": "/srv/test/system.toml"}
    monkeypatch.setattr("sys.platform", "linux")
    assert system_config_file({}) == Path("/etc/sdm-desktop/config.toml")
    assert system_config_file(named) == Path("/srv/test/system.toml")
    # An installed (frozen) app reads the administrator's file, whatever the environment says.
    monkeypatch.setattr("sys.frozen", True, raising=False)
    assert system_config_file(named) == Path("/etc/sdm-desktop/config.toml")


@pytest.mark.parametrize(
    ("platform", "environ", "expected"),
    [
        ("win32", {"PROGRAMDATA": "D:\\Data"}, Path("D:\\Data", "SDM Desktop", "config.toml")),
        ("win32", {}, Path("C:\\ProgramData", "SDM Desktop", "config.toml")),
        ("darwin", {}, Path("/Library/Application Support/SDM Desktop/config.toml")),
    ],
)
def test_the_system_file_on_windows_and_macos(
    monkeypatch: pytest.MonkeyPatch, platform: str, environ: dict[str, str], expected: Path
) -> None:
    monkeypatch.setattr("sys.platform", platform)
    assert system_config_file(environ) == expected
