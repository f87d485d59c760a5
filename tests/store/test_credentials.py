"""The kiosk's service account in the password store: kept per server, never said."""

from __future__ import annotations

import logging

import pytest
from keyring.backends import null

from desktop_app.store.credentials import (
    SERVICE_NAME,
    Credentials,
    CredentialStore,
    CredentialStoreError,
)
from tests.memory_keyring import MemoryKeyring

SERVER = "https://sdm.example.org"
PASSWORD = "correct horse battery staple"


def test_an_account_is_kept_per_server_and_forgotten() -> None:
    keyring = MemoryKeyring()
    store = CredentialStore(backend=keyring)
    assert store.load(SERVER) is None
    store.save(SERVER, "kiosk@clinic.example", PASSWORD)
    assert store.load(SERVER) == Credentials("kiosk@clinic.example", PASSWORD)
    assert store.load("https://other.example.org") is None
    assert [key[0] for key in keyring.entries] == [SERVICE_NAME]
    assert PASSWORD not in repr(store.load(SERVER))
    assert store.delete(SERVER) is True
    assert store.delete(SERVER) is False
    assert store.load(SERVER) is None


def test_no_store_is_said_in_words() -> None:
    store = CredentialStore(backend=null.Keyring())
    with pytest.raises(CredentialStoreError) as caught:
        store.save(SERVER, "kiosk@clinic.example", PASSWORD)
    assert caught.value.unavailable
    assert "no password store" in str(caught.value)
    assert "kiosk account cannot be kept" in str(caught.value)


class BrokenKeyring(MemoryKeyring):
    def set_password(self, service: str, username: str, password: str) -> None:
        raise RuntimeError(f"cannot store {password}")  # a backend quoting its input

    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("locked")


def test_a_failing_store_raises_without_the_password(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = CredentialStore(backend=BrokenKeyring())
    with pytest.raises(CredentialStoreError) as caught:
        store.save(SERVER, "kiosk@clinic.example", PASSWORD)
    assert not caught.value.unavailable
    assert PASSWORD not in str(caught.value)
    assert "RuntimeError" in str(caught.value)
    with pytest.raises(CredentialStoreError):
        store.load(SERVER)
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize(
    "entry",
    ["not json", '{"version": 2}', '{"version": 1, "email": "a@b"}', "[]"],
)
def test_an_entry_that_is_not_ours_reads_as_none(entry: str) -> None:
    keyring = MemoryKeyring()
    keyring.entries[(SERVICE_NAME, SERVER)] = entry
    assert CredentialStore(backend=keyring).load(SERVER) is None
