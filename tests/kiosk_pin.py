"""The administrator PIN every test kiosk is configured with (kiosk mode needs one).

Its hash has a tiny scrypt cost (n=16) so that checking it takes no time; the
format and the checks are those of a real one (:mod:`desktop_app.core.pin`).
"""

from __future__ import annotations

from desktop_app.core.pin import hash_pin

TEST_PIN = "13572468"
TEST_PIN_HASH = hash_pin(TEST_PIN, b"sdm-desktop-test", n=16).text()
#: The same, as a command line gives it and as the environment does.
PIN_ARGS = ("--set", f"kiosk_admin_pin_hash={TEST_PIN_HASH}")
PIN_ENV = {"SDM_KIOSK_ADMIN_PIN_HASH": TEST_PIN_HASH}
