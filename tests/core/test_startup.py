"""What the status bar and the window say while the app starts (desktop_app.core.startup)."""

from __future__ import annotations

from desktop_app.core.startup import StartupStep, failure_text, step_text
from tests.marking import marked


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


def test_each_text_is_translated_whole_then_filled_in() -> None:
    label = "https://sdm.example.org"
    assert (
        step_text(StartupStep.STARTING_SERVER, label, translate=marked)
        == "<startup|Starting the demo server…>"
    )
    assert (
        step_text(StartupStep.SIGNING_IN, label, translate=marked)
        == "<startup|Signing in to the demo server…>"
    )
    assert (
        step_text(StartupStep.PREPARING, label, translate=marked)
        == "<startup|Connecting to https://sdm.example.org…>"
    )
    assert failure_text("the disk is full.", translate=marked) == (
        "<startup|SDM Desktop could not start. The disk is full. "
        "Close this window, then start it again.>"
    )
