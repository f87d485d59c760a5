"""The kiosk administrator's PIN: kept as a salted scrypt hash, checked in constant time.

The kiosk's configuration holds only the hash (``kiosk_admin_pin_hash``), in
the one-line form ``scrypt$<n>$<r>$<p>$<salt>$<key>`` (salt and key in
unpadded URL-safe base64), made by ``sdm-desktop --hash-pin``. The cost
parameters travel with the hash, so a stronger default later does not
invalidate the PINs already deployed.

A PIN of a few digits can be guessed from its hash by anyone who can read the
file, whatever the hash: the administrator's file must be readable by the
kiosk's user, so a long PIN (8 digits or more) is what keeps it safe; scrypt
only makes each guess cost about 0.1 s of CPU and 16 MiB.

No I/O here: :func:`hash_pin` takes its salt, the caller draws it
(``os.urandom``); :class:`PinAttempts`, the rule that stops guessing at the
kiosk (``MAX_WRONG_PINS`` wrong PINs in a row: every PIN is refused for
``LOCKOUT_S``), takes its clock.
"""

from __future__ import annotations

import binascii
import enum
import math
from dataclasses import dataclass

from desktop_app.core.clock import Clock
from desktop_app.core.errors import SdmError

SCHEME = "scrypt"
#: scrypt's cost: n = 2**15 with r = 8 takes about 0.1 s and 32 MiB here.
DEFAULT_N = 2**15
DEFAULT_R = 8
DEFAULT_P = 1
SALT_BYTES = 16
KEY_BYTES = 32
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 64
#: Wrong PINs in a row before the kiosk refuses every PIN for LOCKOUT_S.
MAX_WRONG_PINS = 5
LOCKOUT_S = 60.0
#: Refused on reading: a hash whose cost would take the kiosk minutes (or its memory).
_MAX_N = 2**20
_MAX_RP = 32
#: scrypt needs 128 * r * n bytes: at most 256 MiB (the default takes 32 MiB).
_MAX_MEMORY = 256 * 1024 * 1024


class PinHashError(SdmError, ValueError):
    """A configured PIN hash that cannot be used; the message says what it needs."""


class PinError(SdmError, ValueError):
    """A PIN an administrator chose that cannot be used (too short, not digits...)."""


@dataclass(frozen=True)
class PinHash:
    """A parsed ``scrypt$n$r$p$salt$key``."""

    n: int
    r: int
    p: int
    salt: bytes
    key: bytes

    def text(self) -> str:
        return "$".join(
            (SCHEME, str(self.n), str(self.r), str(self.p), _b64(self.salt), _b64(self.key))
        )

    def matches(self, pin: str) -> bool:
        """Whether ``pin`` is the PIN this hash was made from (constant-time compare)."""
        import hmac  # where used: the configuration is read before the first paint (B6)

        return hmac.compare_digest(_derive(pin, self.salt, self.n, self.r, self.p), self.key)


def check_pin(pin: str) -> str:
    """``pin`` if an administrator may choose it, else :class:`PinError` saying why."""
    if not pin.isdecimal() or not pin.isascii():
        raise PinError("the PIN must be digits only (0-9), so it can be typed on any keypad")
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        raise PinError(
            f"the PIN must have {MIN_PIN_LENGTH} to {MAX_PIN_LENGTH} digits "
            "(8 or more are recommended)"
        )
    return pin


def hash_pin(
    pin: str, salt: bytes, *, n: int = DEFAULT_N, r: int = DEFAULT_R, p: int = DEFAULT_P
) -> PinHash:
    """The hash of an administrator's ``pin`` (checked by :func:`check_pin`) with ``salt``."""
    check_pin(pin)
    if len(salt) < SALT_BYTES:
        raise ValueError(f"salt must have at least {SALT_BYTES} bytes")
    return PinHash(n, r, p, salt, _derive(pin, salt, n, r, p))


def parse_pin_hash(text: str) -> PinHash:
    """A configured hash, or :class:`PinHashError` naming what is wrong (never the hash)."""
    parts = text.strip().split("$")
    wanted = f'the output of "sdm-desktop --hash-pin" ({SCHEME}$n$r$p$salt$key)'
    if len(parts) != 6 or parts[0] != SCHEME:
        raise PinHashError(f"must be {wanted}")
    try:
        n, r, p = (int(part) for part in parts[1:4])
        salt, key = _unb64(parts[4]), _unb64(parts[5])
    except (ValueError, binascii.Error):
        raise PinHashError(f"must be {wanted}") from None
    if (
        n < 2
        or n & (n - 1)
        or n > _MAX_N
        or not 1 <= r <= _MAX_RP
        or not 1 <= p <= _MAX_RP
        or 128 * r * n > _MAX_MEMORY
    ):
        raise PinHashError(
            f"has cost parameters this app does not use (n a power of 2 up to {_MAX_N}, "
            f"r and p from 1 to {_MAX_RP}, at most {_MAX_MEMORY // 2**20} MiB): "
            "make it again with --hash-pin"
        )
    if len(salt) < SALT_BYTES or len(key) != KEY_BYTES:
        raise PinHashError(f"must be {wanted}: its salt or key has the wrong length")
    return PinHash(n, r, p, salt, key)


class PinVerdict(enum.Enum):
    """What :meth:`PinAttempts.try_pin` decided."""

    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"  # too many wrong PINs: not even checked (see PinAttempts.locked_for)


class PinAttempts:
    """The kiosk's exit PIN, tried by whoever stands at the keyboard.

    After ``max_wrong`` wrong PINs in a row every PIN is refused, unchecked, for
    ``lockout_s``; then ``max_wrong`` more may be tried. The right PIN clears the
    count. The count belongs to the kiosk, not to one opening of the PIN dialog:
    closing the dialog does not buy more guesses.
    """

    def __init__(
        self,
        pin_hash: PinHash,
        *,
        clock: Clock,
        max_wrong: int = MAX_WRONG_PINS,
        lockout_s: float = LOCKOUT_S,
    ) -> None:
        if max_wrong < 1 or not (math.isfinite(lockout_s) and lockout_s >= 0):
            raise ValueError("max_wrong must be at least 1 and lockout_s a finite time")
        self._hash = pin_hash
        self._clock = clock
        self.max_wrong = max_wrong
        self.lockout_s = lockout_s
        self.wrong_in_a_row = 0
        self._locked_until: float | None = None

    def locked_for(self) -> float:
        """Seconds until a PIN is checked again (0: now)."""
        if self._locked_until is None:
            return 0.0
        left = self._locked_until - self._clock.monotonic()
        if left <= 0:
            self._locked_until = None
            self.wrong_in_a_row = 0
            return 0.0
        return left

    def try_pin(self, pin: str) -> PinVerdict:
        if self.locked_for() > 0:
            return PinVerdict.LOCKED
        if self._hash.matches(pin):
            self.wrong_in_a_row = 0
            return PinVerdict.ACCEPTED
        self.wrong_in_a_row += 1
        if self.wrong_in_a_row >= self.max_wrong:
            self._locked_until = self._clock.monotonic() + self.lockout_s
        return PinVerdict.WRONG


def _derive(pin: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    # maxmem: OpenSSL's default of 32 MiB is exactly what n = 2**15, r = 8 needs, and refuses it.
    memory = 128 * r * n * 2 + 1024 * 1024
    import hashlib  # where used: loading OpenSSL takes some 8 ms (B6)

    return hashlib.scrypt(
        pin.encode("utf-8", "surrogatepass"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=memory,
        dklen=KEY_BYTES,
    )


# URL-safe base64 with binascii alone: the base64 module takes some 10 ms to import.
_TO_URLSAFE = str.maketrans("+/", "-_")
_FROM_URLSAFE = str.maketrans("-_", "+/")


def _b64(data: bytes) -> str:
    return (
        binascii.b2a_base64(data, newline=False).decode("ascii").translate(_TO_URLSAFE).rstrip("=")
    )


def _unb64(text: str) -> bytes:
    if not text or not all(c.isalnum() or c in "-_" for c in text):
        raise ValueError("not base64")
    padded = text.translate(_FROM_URLSAFE) + "=" * (-len(text) % 4)
    return binascii.a2b_base64(padded, strict_mode=True)
