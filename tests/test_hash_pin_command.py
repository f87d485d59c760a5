"""``sdm-desktop --hash-pin``: the line an administrator puts in the kiosk's config,
the PIN never said."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.cli import hash_pin_command, parse_command_line
from desktop_app.core.config import AppConfig, Layer, file_layer, resolve
from desktop_app.core.pin import parse_pin_hash
from tests.conftest import run_app

ROOT = Path(__file__).resolve().parents[1]
PIN = "80451237"
SYSTEM_FILE = Path("/etc/sdm-desktop/config.toml")


def answers(*replies: str | type[BaseException]) -> Callable[[str], str]:
    queue = list(replies)

    def ask(_prompt: str) -> str:
        reply = queue.pop(0)
        if isinstance(reply, type):
            raise reply
        return reply

    return ask


def command(ask: Callable[[str], str], *, confirm: bool = True) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    status = hash_pin_command(
        ask_pin=ask, confirm_pin=confirm, out=out, err=err, system_file=SYSTEM_FILE, n=16
    )
    return status, out.getvalue(), err.getvalue()


def hash_of(line: str) -> str:
    key, _, value = line.partition(" = ")
    assert key == "kiosk_admin_pin_hash"
    assert value.startswith('"')
    assert value.endswith('"')
    return value[1:-1]


def test_the_flag_asks_for_the_command_and_excludes_the_others() -> None:
    assert parse_command_line(["--hash-pin"]).hash_pin
    assert not parse_command_line([]).hash_pin
    with pytest.raises(SystemExit) as caught:
        parse_command_line(["--hash-pin", "--store-credentials"])
    assert caught.value.code == 2


def test_the_pin_asked_twice_gives_one_config_line_that_the_config_reads() -> None:
    status, out, err = command(answers(PIN, PIN))
    assert status == 0
    assert out.count("\n") == 1
    made = parse_pin_hash(hash_of(out.strip()))
    assert made.matches(PIN)
    assert not made.matches("80451238")
    assert str(SYSTEM_FILE) in err
    assert PIN not in out + err
    # The line, as is, is a config file that kiosk mode accepts.
    config_file = f"kiosk = true\n{out}"
    config = resolve([file_layer("config.toml", config_file.encode()), Layer("test", {})])
    assert isinstance(config, AppConfig)
    assert config.kiosk_admin_pin_hash == made.text()


def test_each_hash_has_its_own_salt() -> None:
    first, second = command(answers(PIN, PIN))[1], command(answers(PIN, PIN))[1]
    assert first != second


@pytest.mark.parametrize(
    ("replies", "message"),
    [
        ((PIN, "80451238"), "the two PINs differ"),
        (("",), "no PIN given"),
        (("12",), "4 to 64 digits"),
        (("1234abcd",), "digits only"),
        ((EOFError,), "cancelled"),
        ((PIN, KeyboardInterrupt), "cancelled"),
    ],
)
def test_a_pin_that_cannot_be_used_makes_no_hash(
    replies: tuple[str | type[BaseException], ...], message: str
) -> None:
    status, out, err = command(answers(*replies))
    assert (status, out) == (2, "")
    assert err.startswith("sdm-desktop: error: ")
    assert message in err
    assert err.count("\n") == 1
    for reply in replies:
        if isinstance(reply, str) and len(reply) > 3:
            assert reply not in err


def test_a_real_process_hashes_a_piped_pin(tmp_path: Path) -> None:
    result = run_app(tmp_path, "--hash-pin", stdin=f"{PIN}\n")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    made = parse_pin_hash(hash_of(lines[0]))
    assert made.n >= 2**15  # the real cost, not a test's
    assert made.matches(PIN)
    assert PIN not in result.stdout + result.stderr
    # The administrator's file of this run (SDM_SYSTEM_CONFIG, or /etc/sdm-desktop).
    assert "config.toml (or the kiosk's own config file)" in result.stderr


def test_a_real_process_refuses_a_bad_piped_pin_with_one_line(tmp_path: Path) -> None:
    result = run_app(tmp_path, "--hash-pin", stdin="12ab\n")
    assert result.returncode == 2
    assert result.stdout == ""
    assert "digits only" in result.stderr
    assert "12ab" not in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("sdm-desktop: error: ")


def test_a_kiosk_without_a_pin_hash_refuses_to_start_and_says_why(tmp_path: Path) -> None:
    result = run_app(tmp_path, "--kiosk", "--demo", stdin="")
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("sdm-desktop: error: ")
    assert "kiosk mode needs an administrator PIN" in lines[0]
    assert "--hash-pin" in lines[0]
    # (With a hash, the same start gets past it: tests/ui/test_app_process.py.)
