"""What the status bar and the window say while the app starts (desktop_app.core.startup)."""

from __future__ import annotations

from desktop_app.core.startup import StartupStep, failure_text, step_text


def test_each_step_is_said_in_words() -> None:
    label = "https://sdm.example.org"
    assert step_text(StartupStep.STARTING_SERVER, label) == "Starting the demo server…"
    assert step_text(StartupStep.SIGNING_IN, label) == "Signing in to the demo server…"
    assert step_text(StartupStep.PREPARING, label) == "Connecting to https://sdm.example.org…"


def test_a_failure_is_said_with_its_reason_and_what_to_do() -> None:
    text = failure_text("cannot use the demo data file /x (disk I/O error): move it away.")
    assert text == (
        "SDM Desktop could not start. Cannot use the demo data file /x (disk I/O error): "
        "move it away. Close this window, then start it again."
    )
