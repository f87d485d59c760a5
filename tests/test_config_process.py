"""``python -m desktop_app`` with a bad setting: status 2 and one clear line, before any window."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import __version__
from tests.conftest import app_environment, run_app

ROOT = Path(__file__).resolve().parents[1]
CONVERSATION = "0f8fad5b-d9cb-469f-a165-70867728950e"
REFUSED = (
    "refusing unencrypted connection to http://example.org: use https://, or allow "
    "plain http explicitly (only safe on a trusted network)"
)


def default_file(home: Path) -> Path:
    """Where the app looks for its config file when XDG_CONFIG_HOME is ``home/config``."""
    return home / "config" / "SDM" / "SDM Desktop" / "config.toml"


@pytest.mark.parametrize(
    ("file_text", "arguments", "env", "message"),
    [
        pytest.param(
            "[connection]\nping_interval = 15\n",
            ["--config", "{file}"],
            {},
            "{file}: connection.ping_interval: unknown setting (known: "
            "connection.max_reconnect_attempts, connection.reconnect_delay_s, "
            "connection.max_reconnect_delay_s, connection.stable_after_s, connection.jitter, "
            "connection.ping_interval_s, connection.pong_timeout_s, "
            "connection.send_probe_timeout_s, connection.open_timeout_s, "
            "connection.close_timeout_s, connection.max_frame_bytes)",
            id="unknown key in --config file",
        ),
        pytest.param(
            '[outbox]\nmax_messages = "lots"\n',
            ["--config", "{file}"],
            {},
            "{file}: outbox.max_messages: must be a whole number, not 'lots'",
            id="wrong type in --config file",
        ),
        pytest.param(
            'server = "https://sdm.example.org\n',
            [],
            {"SDM_CONFIG": "{file}"},
            "{file}: not valid TOML: Illegal character '\\n' (at line 1, column 34)",
            id="TOML syntax error in SDM_CONFIG file",
        ),
        pytest.param(
            None,
            [],
            {"SDM_CONVERSATION": "not-a-uuid"},
            "environment: SDM_CONVERSATION: conversation id must be a UUID, got 'not-a-uuid'",
            id="non-UUID SDM_CONVERSATION",
        ),
        pytest.param(
            None,
            [],
            {"SDM_CONNECTION_PING_INTERVAL_S": "0"},
            "environment: SDM_CONNECTION_PING_INTERVAL_S: "
            "must be a number of seconds greater than 0, not '0'",
            id="zero seconds in the environment",
        ),
        pytest.param(
            None,
            ["--server", "ftp://example.org", "--conversation", CONVERSATION],
            {},
            "command line: --server: server URL 'ftp://example.org' must start with "
            "http:// or https://",
            id="malformed --server",
        ),
        pytest.param(
            None,
            ["--server", "http://example.org"],
            {},
            f"command line: --server: {REFUSED}",
            id="plain http without --allow-insecure",
        ),
        pytest.param(
            "[connection]\njitter = 'sometimes'\n",
            [],
            {},
            "{default}: connection.jitter: must be true or false, not 'sometimes'",
            id="bad value in the default config file",
        ),
    ],
)
def test_a_bad_setting_stops_start_up_with_one_line(
    tmp_path: Path,
    file_text: str | None,
    arguments: list[str],
    env: dict[str, str],
    message: str,
) -> None:
    places = {"file": tmp_path / "kiosk.toml", "default": default_file(tmp_path)}
    if file_text is not None:
        # The named file when the case names one, else the per-user default file.
        path = places["file"] if "{file}" in message else places["default"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(file_text, encoding="utf-8")
    before = sorted(tmp_path.rglob("*"))
    result = run_app(
        tmp_path,
        *(argument.format(**places) for argument in arguments),
        env={name: value.format(**places) for name, value in env.items()},
    )
    assert result.returncode == 2, result.stderr
    assert result.stderr.splitlines() == [f"sdm-desktop: error: {message.format(**places)}"]
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    # Stopped before the app wrote anything: no settings, lock, outbox or demo data.
    assert sorted(tmp_path.rglob("*")) == before


def test_the_default_config_file_is_in_the_per_user_config_directory(tmp_path: Path) -> None:
    # Named as main() names the application before it asks for the path.
    script = (
        "from PySide6.QtCore import QCoreApplication\n"
        "from desktop_app.cli import default_config_file\n"
        "QCoreApplication.setOrganizationName('SDM')\n"
        "QCoreApplication.setApplicationName('SDM Desktop')\n"
        "print(default_config_file())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=ROOT,
        env={**os.environ, "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path / "config")},
    )
    assert result.stdout == f"{default_file(tmp_path)}\n"


def test_version(tmp_path: Path) -> None:
    result = run_app(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"sdm-desktop {__version__}\n"
    assert result.stderr == ""


def test_the_administrators_file_wins_over_the_command_line(tmp_path: Path) -> None:
    system = tmp_path / "system.toml"
    system.write_text('server = "http://example.org"\n', encoding="utf-8")

    result = run_app(
        tmp_path, "--server", "http://127.0.0.1:9", env={"SDM_SYSTEM_CONFIG": str(system)}
    )

    # The locked server is the one checked (and refused): the message names the system file.
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"sdm-desktop: error: {system} (locked): server: {REFUSED}",
    ]


def test_an_ignored_value_is_named_on_stderr_and_the_app_starts(tmp_path: Path) -> None:
    system = tmp_path / "system.toml"
    system.write_text("kiosk = false\n", encoding="utf-8")
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("SDM_")}
    env = {**app_environment(tmp_path, inherited), "SDM_SYSTEM_CONFIG": str(system)}

    with subprocess.Popen(
        [sys.executable, "-m", "desktop_app", "--kiosk", "--demo", "--verbose"],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=ROOT,
        env=env,
    ) as app:
        try:
            assert app.stderr is not None
            first = app.stderr.readline()
            shown = next(line for line in app.stderr if "Main window shown" in line)
        finally:
            app.terminate()
            app.wait(timeout=60)

    assert first == (
        f"sdm-desktop: warning: command line: --kiosk is ignored: {system} sets kiosk "
        "for every user of this computer\n"
    )
    assert shown  # not a kiosk (which would refuse to start without a PIN): the desktop app
