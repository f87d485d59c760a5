"""The kiosk administrator's PIN (:mod:`desktop_app.core.pin`): hashing, reading a
configured hash, and the rule against guessing, on a manual clock."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from desktop_app.core.clock import ManualClock
from desktop_app.core.pin import (
    DEFAULT_N,
    KEY_BYTES,
    LOCKOUT_S,
    MAX_PIN_LENGTH,
    MAX_WRONG_PINS,
    MIN_PIN_LENGTH,
    SALT_BYTES,
    PinAttempts,
    PinError,
    PinHash,
    PinHashError,
    PinVerdict,
    _b64,
    check_pin,
    hash_pin,
    parse_pin_hash,
)

SALT = bytes(range(SALT_BYTES))
FAST = 16  # scrypt's n for tests: the format and the checks are the same, the cost is not


def fast_hash(pin: str = "24681357") -> PinHash:
    return hash_pin(pin, SALT, n=FAST)


def test_a_hash_reads_back_and_matches_only_its_pin() -> None:
    made = fast_hash()
    text = made.text()
    assert text.startswith(f"scrypt${FAST}$8$1$")
    assert "24681357" not in text
    read = parse_pin_hash(f"  {text}\n")  # as pasted into a file
    assert read == made
    assert read.matches("24681357")
    assert not read.matches("24681358")
    assert not read.matches("")
    assert len(read.key) == KEY_BYTES


def test_the_default_cost_is_the_strong_one() -> None:
    made = hash_pin("1234", SALT * 2)
    assert made.n == DEFAULT_N
    assert parse_pin_hash(made.text()).matches("1234")


def test_another_salt_gives_another_hash() -> None:
    assert hash_pin("1234", SALT, n=FAST).key != hash_pin("1234", SALT[::-1], n=FAST).key


@pytest.mark.parametrize("pin", ["1234", "0" * MAX_PIN_LENGTH, "00001111"])
def test_pins_of_digits_in_range_are_accepted(pin: str) -> None:
    assert check_pin(pin) == pin


@pytest.mark.parametrize(
    ("pin", "why"),
    [
        ("", "digits only"),
        ("12a4", "digits only"),
        ("1234 ", "digits only"),
        ("١٢٣٤", "digits only"),  # Arabic-Indic digits: decimal, but not on every keypad
        ("123", f"{MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits"),
        ("1" * (MAX_PIN_LENGTH + 1), f"{MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits"),
    ],
)
def test_pins_an_administrator_cannot_choose_are_refused(pin: str, why: str) -> None:
    with pytest.raises(PinError, match=why):
        check_pin(pin)
    with pytest.raises(PinError):
        hash_pin(pin, SALT, n=FAST)


def test_a_short_salt_is_refused() -> None:
    with pytest.raises(ValueError, match="salt"):
        hash_pin("1234", SALT[:-1], n=FAST)


def _with(part: int, value: str) -> str:
    parts = fast_hash().text().split("$")
    parts[part] = value
    return "$".join(parts)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("", "--hash-pin"),
        ("1234", "--hash-pin"),
        ("bcrypt$16$8$1$a$b", "--hash-pin"),
        (fast_hash().text() + "$extra", "--hash-pin"),
        (_with(1, "sixteen"), "--hash-pin"),
        (_with(2, ""), "--hash-pin"),
        (_with(4, ""), "--hash-pin"),
        (_with(4, "not+base64/"), "--hash-pin"),
        (_with(5, "é" * 43), "--hash-pin"),
        (_with(5, "A"), "--hash-pin"),  # one character cannot be base64
        (_with(1, "1"), "cost parameters"),
        (_with(1, "24"), "cost parameters"),  # not a power of 2
        (_with(1, str(2**21)), "cost parameters"),
        (_with(2, "0"), "cost parameters"),
        (_with(2, "33"), "cost parameters"),
        (_with(1, str(2**20)), "cost parameters"),  # with r = 8: 1 GiB
        (_with(3, "0"), "cost parameters"),
        (_with(3, "33"), "cost parameters"),
        (_with(4, _b64(SALT[:-1])), "wrong length"),
        (_with(5, _b64(bytes(KEY_BYTES - 1))), "wrong length"),
        (_with(5, _b64(bytes(KEY_BYTES + 1))), "wrong length"),
    ],
)
def test_unusable_hashes_are_refused_without_being_repeated(text: str, why: str) -> None:
    with pytest.raises(PinHashError, match=why) as caught:
        parse_pin_hash(text)
    if len(text) > 8:
        assert text not in str(caught.value)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet="0123456789", min_size=MIN_PIN_LENGTH, max_size=12), st.binary(min_size=16))
def test_any_pin_round_trips_through_its_text(pin: str, salt: bytes) -> None:
    made = hash_pin(pin, salt, n=FAST)
    read = parse_pin_hash(made.text())
    assert read.matches(pin)
    assert not read.matches(pin + "0")


@settings(max_examples=200)
@given(st.text(max_size=120))
def test_any_text_is_a_hash_or_refused_with_pin_hash_error(text: str) -> None:
    try:
        read = parse_pin_hash(text)
    except PinHashError:
        return
    assert parse_pin_hash(read.text()) == read


# --- the rule against guessing -------------------------------------------------------


def attempts(clock: ManualClock) -> PinAttempts:
    return PinAttempts(fast_hash(), clock=clock)


def test_the_right_pin_is_accepted_and_clears_the_count() -> None:
    rule = attempts(ManualClock())
    for _ in range(MAX_WRONG_PINS - 1):
        assert rule.try_pin("0000") is PinVerdict.WRONG
    assert rule.wrong_in_a_row == MAX_WRONG_PINS - 1
    assert rule.try_pin("24681357") is PinVerdict.ACCEPTED
    assert rule.wrong_in_a_row == 0
    assert rule.try_pin("0000") is PinVerdict.WRONG  # counting again from one
    assert rule.locked_for() == 0


def test_five_wrong_pins_in_a_row_lock_out_even_the_right_one_for_a_minute() -> None:
    clock = ManualClock(500.0)
    rule = attempts(clock)
    for _ in range(MAX_WRONG_PINS):
        assert rule.locked_for() == 0
        assert rule.try_pin("1111") is PinVerdict.WRONG
    assert rule.locked_for() == LOCKOUT_S == 60.0
    # 59 s later: still refused, unchecked, however right.
    clock.advance(59.0)
    assert rule.locked_for() == pytest.approx(1.0)
    assert rule.try_pin("24681357") is PinVerdict.LOCKED
    # 60 s: checked again, with a fresh count.
    clock.advance(1.0)
    assert rule.locked_for() == 0
    assert rule.wrong_in_a_row == 0
    assert rule.try_pin("24681357") is PinVerdict.ACCEPTED


def test_after_a_lockout_five_more_wrong_pins_lock_again() -> None:
    clock = ManualClock()
    rule = PinAttempts(fast_hash(), clock=clock, max_wrong=2, lockout_s=10.0)
    rule.try_pin("1111")
    rule.try_pin("1111")
    clock.advance(10.0)
    assert rule.try_pin("1111") is PinVerdict.WRONG
    assert rule.locked_for() == 0
    assert rule.try_pin("1111") is PinVerdict.WRONG
    assert rule.locked_for() == 10.0


@pytest.mark.parametrize(("max_wrong", "lockout_s"), [(0, 60.0), (5, -1.0), (5, float("inf"))])
def test_a_rule_that_could_not_work_is_refused(max_wrong: int, lockout_s: float) -> None:
    with pytest.raises(ValueError, match="max_wrong"):
        PinAttempts(fast_hash(), clock=ManualClock(), max_wrong=max_wrong, lockout_s=lockout_s)
