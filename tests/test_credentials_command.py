"""``sdm-desktop --store-credentials`` / ``--forget-credentials``: the kiosk's account
kept in the password store, the password never said."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.cli import (
    FORGET_CREDENTIALS,
    STORE_CREDENTIALS,
    credentials_command,
    load_config,
    parse_command_line,
)
from desktop_app.store.credentials import SERVICE_NAME, Credentials, CredentialStore
from tests.conftest import run_app
from tests.file_keyring import FILE_ENV
from tests.memory_keyring import MemoryKeyring

ROOT = Path(__file__).resolve().parents[1]
SERVER = "https://sdm.example.org"
PASSWORD = "s3cret-kiosk-pass"


def answers(*replies: str) -> Callable[[str], str]:
    queue = list(replies)
    return lambda _prompt: queue.pop(0)


def command(
    argv: list[str],
    keyring: MemoryKeyring,
    *,
    email: Callable[[str], str] | None = None,
    password: Callable[[str], str] | None = None,
    confirm: bool = True,
) -> tuple[int, str, str]:
    line = parse_command_line(argv)
    assert line.credentials is not None
    config = load_config(line, {}, remembered_server=None, default_file=None)
    out, err = io.StringIO(), io.StringIO()
    status = credentials_command(
        line.credentials,
        config,
        store=lambda: CredentialStore(backend=keyring),
        ask_email=email or answers(),
        ask_password=password or answers(PASSWORD, PASSWORD),
        confirm_password=confirm,
        out=out,
        err=err,
    )
    return status, out.getvalue(), err.getvalue()


def test_the_flags_ask_for_a_command() -> None:
    assert parse_command_line([]).credentials is None
    assert parse_command_line(["--store-credentials"]).credentials == STORE_CREDENTIALS
    assert parse_command_line(["--forget-credentials"]).credentials == FORGET_CREDENTIALS
    layer = parse_command_line(["--kiosk-account", "k@c.example"]).layer
    assert layer.values == {"kiosk_account": "k@c.example"}


def test_both_commands_at_once_are_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_command_line(["--store-credentials", "--forget-credentials"])
    assert caught.value.code == 2


def test_store_asks_the_email_and_the_password_twice_and_says_what_it_kept() -> None:
    keyring = MemoryKeyring()
    status, out, err = command(
        ["--store-credentials", "--server", SERVER], keyring, email=answers(" kiosk@c.example ")
    )
    assert (status, err) == (0, "")
    assert "kiosk@c.example" in out
    assert SERVER in out
    assert PASSWORD not in out
    assert CredentialStore(backend=keyring).load(SERVER) == Credentials("kiosk@c.example", PASSWORD)

    # Forgotten again.
    status, out, err = command(["--forget-credentials", "--server", SERVER], keyring)
    assert (status, err) == (0, "")
    assert "removed" in out
    assert keyring.entries == {}


def test_the_account_from_the_setting_is_not_asked_for() -> None:
    keyring = MemoryKeyring()
    status, _, _ = command(
        ["--store-credentials", "--server", SERVER, "--kiosk-account", "k@c.example"],
        keyring,
        password=answers(PASSWORD),
        confirm=False,
    )
    assert status == 0
    assert CredentialStore(backend=keyring).load(SERVER) == Credentials("k@c.example", PASSWORD)


@pytest.mark.parametrize(
    ("argv", "password", "message"),
    [
        (["--demo"], answers(PASSWORD, PASSWORD), "give it with --server URL"),
        ([], answers(PASSWORD, PASSWORD), "give it with --server URL"),
        (["--server", SERVER], answers(PASSWORD, "other"), "the two passwords differ"),
        (["--server", SERVER], answers(""), "no password given"),
    ],
)
def test_nothing_is_stored_when_something_is_missing(
    argv: list[str], password: Callable[[str], str], message: str
) -> None:
    keyring = MemoryKeyring()
    status, out, err = command(
        ["--store-credentials", "--kiosk-account", "k@c.example", *argv],
        keyring,
        password=password,
    )
    assert status == 2
    assert message in err
    assert PASSWORD not in out + err
    assert keyring.entries == {}


def test_a_real_process_stores_the_piped_password_in_the_password_store(tmp_path: Path) -> None:
    keyring_file = tmp_path / "keyring.json"
    env = {
        "PYTHON_KEYRING_BACKEND": "tests.file_keyring.FileKeyring",
        "PYTHONPATH": str(ROOT),
        FILE_ENV: str(keyring_file),
    }
    stored = run_app(
        tmp_path,
        "--store-credentials",
        "--server",
        SERVER,
        "--kiosk-account",
        "kiosk@c.example",
        "--verbose",
        stdin=f"{PASSWORD}\n",
        env=env,
    )
    assert stored.returncode == 0, stored.stderr
    assert "kiosk@c.example" in stored.stdout
    assert SERVER in stored.stdout
    assert PASSWORD not in stored.stdout + stored.stderr
    entries = json.loads(keyring_file.read_text())
    entry = json.loads(entries[f"{SERVICE_NAME}\n{SERVER}"])
    assert (entry["email"], entry["password"]) == ("kiosk@c.example", PASSWORD)
    # Nothing of it in the app's own files (config, settings).
    for path in tmp_path.rglob("*"):
        if path.is_file() and path != keyring_file:
            assert PASSWORD not in path.read_text(errors="replace"), path

    forgotten = run_app(tmp_path, "--forget-credentials", "--server", SERVER, stdin="", env=env)
    assert forgotten.returncode == 0, forgotten.stderr
    assert json.loads(keyring_file.read_text()) == {}


def test_a_real_process_without_a_password_store_says_so_and_exits_2(tmp_path: Path) -> None:
    # app_environment selects keyring's null backend: no store on this "computer".
    result = run_app(
        tmp_path,
        "--store-credentials",
        "--server",
        SERVER,
        "--kiosk-account",
        "kiosk@c.example",
        stdin=f"{PASSWORD}\n",
        env={},
    )
    assert result.returncode == 2
    assert "no password store" in result.stderr
    assert result.stderr.startswith("sdm-desktop: error: ")
    assert PASSWORD not in result.stdout + result.stderr
