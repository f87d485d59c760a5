"""The app as a Linux screen reader (Orca) sees it: through AT-SPI, not Qt's own API.

Each test runs the demo server and the real app process on an Xvfb display,
on a private session bus (``dbus-daemon``) where D-Bus activation starts the
accessibility bus (``at-spi-bus-launcher``, Debian package at-spi2-core). The
app's Qt bridges its widgets to that bus; :mod:`tests.a11y.atspi_probe`, run by
the system's Python with pyatspi (python3-pyatspi), reads them back as a screen
reader does: the tree of roles and names, and the events.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.journeys.journey import Journey, journey_on_xvfb
from tests.journeys.processes import STEP_S, LoggedProcess

PROBE = Path(__file__).with_name("atspi_probe.py")
SYSTEM_PYTHON = "/usr/bin/python3"
BUS_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
APP_NAME = "SDM Desktop"

#: Roles a person acts on or reads as content: each needs a name to be spoken.
INTERACTIVE_ROLES = frozenset(
    {
        "push button",
        "toggle button",
        "check box",
        "radio button",
        "combo box",
        "menu item",
        "check menu item",
        "radio menu item",
        "text",
        "entry",
        "password text",
        "spin button",
        "slider",
        "list",
        "list item",
        "table",
        "tree",
        "tree item",
        "page tab",
        "link",
    }
)
#: The app in AT-SPI mode: Qt talks to the accessibility bus even though no screen
#: reader said it runs (org.a11y.Status), as it would under Orca.
A11Y_ENV = {"QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1", "QT_ACCESSIBILITY": "1"}
MESSAGE = "Is the knee operation or physiotherapy better for me"


def _require_atspi() -> None:
    missing = []
    if shutil.which("dbus-daemon") is None:
        missing.append("dbus-daemon (dbus-daemon)")
    if not Path(BUS_LAUNCHER).exists():
        missing.append(f"{BUS_LAUNCHER} (at-spi2-core)")
    probe = (
        subprocess.run(
            [SYSTEM_PYTHON, "-c", "import pyatspi"],
            capture_output=True,
            timeout=STEP_S,
            check=False,
        )
        if Path(SYSTEM_PYTHON).exists()
        else None
    )
    if probe is None or probe.returncode != 0:
        missing.append(f"pyatspi for {SYSTEM_PYTHON} (python3-pyatspi)")
    if missing:
        reason = f"not installed: {', '.join(missing)}; .ci/run installs them"
        if os.environ.get("CI"):
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)


@contextmanager
def accessible_journey(tmp_path: Path) -> Iterator[tuple[Journey, dict[str, str]]]:
    """A journey on Xvfb with a private session bus; yields it and the environment
    (bus address and display) of the app and the probe."""
    _require_atspi()
    with journey_on_xvfb(tmp_path) as journey:
        bus = LoggedProcess(
            "session bus",
            ["dbus-daemon", "--session", "--nofork", "--print-address=1"],
            os.environ,
        )
        journey.processes.append(bus)  # stopped, and its log shown, with the journey
        address = bus.wait_for("unix:").strip()
        env = {"DBUS_SESSION_BUS_ADDRESS": address, "DISPLAY": journey.display}
        # Qt waits for the accessibility bus to be there; it does not start it: asking
        # for the applications does (D-Bus activation), before the app starts.
        probe(env, "apps")
        yield journey, env


def probe(env: dict[str, str], *arguments: str) -> str:
    """What the probe prints for ``arguments`` (a failure fails the test)."""
    result = subprocess.run(
        [SYSTEM_PYTHON, str(PROBE), *arguments],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=STEP_S,
        check=False,
    )
    assert result.returncode == 0, (
        f"probe: exit {result.returncode}\n{result.stdout}{result.stderr}"
    )
    return result.stdout


def probe_tree(env: dict[str, str]) -> list[dict[str, Any]]:
    """Every accessible object of the app, as the probe prints it."""
    lines = probe(env, "tree", APP_NAME).splitlines()
    return [json.loads(line) for line in lines if line.startswith("{")]


def probe_press(env: dict[str, str], path: str) -> None:
    probe(env, "press", APP_NAME, path)


def wait_for_tree(env: dict[str, str], until: Any, what: str) -> list[dict[str, Any]]:
    """The app's tree once ``until(tree)`` holds (the app registers a moment after it starts)."""
    deadline = time.monotonic() + STEP_S
    nodes: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        nodes = probe_tree(env)
        if until(nodes):
            return nodes
        time.sleep(0.2)  # polling the bus: each walk is the check
    raise AssertionError(f"{what} never appeared through AT-SPI; last tree:\n{render(nodes)}")


def render(nodes: list[dict[str, Any]]) -> str:
    return "\n".join(
        "  " * node.get("depth", 0)
        + f"{node.get('role')} {node.get('name')!r} {node.get('description')!r}"
        + (f" text {node['text']!r}" if node.get("text") else "")
        for node in nodes
    )


def windows(nodes: list[dict[str, Any]]) -> dict[str, str]:
    """The app's top-level windows: name -> path."""
    return {node["name"]: node["path"] for node in nodes if node.get("depth") == 1}


def subtree(nodes: list[dict[str, Any]], path: str) -> list[dict[str, Any]]:
    return [n for n in nodes if n.get("path") == path or n.get("path", "").startswith(path + "/")]


def unnamed_interactive(nodes: list[dict[str, Any]]) -> list[str]:
    return [
        f"{node['role']} at {node['path']} (states {', '.join(node['states'])})"
        for node in nodes
        if node.get("role") in INTERACTIVE_ROLES and not (node.get("name") or "").strip()
    ]


def find(nodes: list[dict[str, Any]], role: str, name: str) -> dict[str, Any]:
    found = [n for n in nodes if n.get("role") == role and n.get("name") == name]
    assert found, f"no {role} named {name!r} in:\n{render(nodes)}"
    return found[0]


@pytest.mark.timeout(300)
def test_every_interactive_element_has_a_name_through_atspi(tmp_path: Path) -> None:
    with accessible_journey(tmp_path) as (journey, env):
        journey.start_server()
        app = journey.start_app(env={**env, **A11Y_ENV})
        app.wait_for("Sign-in requested")
        journey.hands.window("Sign in")

        # The sign-in dialog, over the main window.
        nodes = wait_for_tree(env, lambda n: "Sign in" in windows(n), "the sign-in dialog")
        checked = {"Sign in": subtree(nodes, windows(nodes)["Sign in"])}
        sign_in = checked["Sign in"]
        find(sign_in, "text", "Email")
        find(sign_in, "password text", "Password")

        journey.answer_sign_in(app)
        app.wait_for("[ChatWS] Connected successfully")
        hands = journey.hands
        hands.focus(hands.window(APP_NAME))
        hands.type(MESSAGE)
        hands.key("Return")
        app.wait_for("Delivered ")

        # Diagnostics and About, opened as a screen reader user does: the menu item's action.
        nodes = probe_tree(env)
        main = subtree(nodes, windows(nodes)[APP_NAME])
        probe_press(env, find(main, "menu item", "Connection diagnostics")["path"])
        probe_press(env, find(main, "menu item", "About SDM Desktop")["path"])
        nodes = wait_for_tree(
            env,
            lambda n: {"Connection diagnostics", "About SDM Desktop"} <= set(windows(n)),
            "the diagnostics and About windows",
        )
        for title in (APP_NAME, "Connection diagnostics", "About SDM Desktop"):
            checked[title] = subtree(nodes, windows(nodes)[title])

        main = checked[APP_NAME]
        # The state is in the status label's name, not only in its description.
        statuses = [n["name"] for n in main if n["name"].startswith("Connection status:")]
        assert "Connection status: Connected" in statuses, render(main)
        # Each message is an item: sender, time, (state,) text.
        transcript = find(main, "list", "Conversation transcript")
        items = [n["name"] for n in subtree(main, transcript["path"]) if n["role"] == "list item"]
        assert re.fullmatch(rf"You, \d\d:\d\d: {MESSAGE}", items[0]), items
        assert re.match(r"SDM Assistant, \d\d:\d\d: Demo reply to your message 1 ", items[1]), items
        for title, window in checked.items():
            assert len(window) > 3, f"{title}: almost nothing seen:\n{render(window)}"
            missing = unnamed_interactive(window)
            assert not missing, f"{title}: elements without a name:\n" + "\n".join(missing)
        for title in ("Connection diagnostics", "About SDM Desktop"):
            hands.focus(hands.window(title))
            hands.key("Escape")
        hands.focus(hands.window(APP_NAME))
        journey.quit(app)


def announcements(events: LoggedProcess) -> list[str]:
    texts = []
    for line in list(events.lines):
        if line.startswith("{"):
            record = json.loads(line)
            if record.get("type", "").startswith("object:announcement"):
                texts.append(record.get("any_data"))
    return texts


def wait_until_said(events: LoggedProcess, until: Callable[[list[str]], bool]) -> None:
    deadline = time.monotonic() + STEP_S
    while not until(announcements(events)):
        assert time.monotonic() < deadline, f"not announced in time: {announcements(events)}"
        time.sleep(0.1)  # polling the recorded events: each look is the check


@pytest.mark.timeout(300)
def test_a_lost_connection_its_return_and_a_reply_are_each_announced_once(
    tmp_path: Path,
) -> None:
    with accessible_journey(tmp_path) as (journey, env):
        server = journey.start_server()
        app = journey.start_app(env={**env, **A11Y_ENV})
        app.wait_for("Sign-in requested")
        journey.hands.window("Sign in")
        wait_for_tree(env, lambda n: "Sign in" in windows(n), "the app")
        events = LoggedProcess(
            "AT-SPI events",
            [SYSTEM_PYTHON, str(PROBE), "events", APP_NAME],
            {**os.environ, **env},
        )
        journey.processes.append(events)
        events.wait_for('"ready": true')

        journey.answer_sign_in(app)
        events.wait_for("Connected.")
        hands = journey.hands
        hands.focus(hands.window(APP_NAME))
        hands.type(MESSAGE)
        hands.key("Return")
        events.wait_for("Reply from ")

        server.stop()  # the server goes away: both sockets are lost
        events.wait_for("The connection was lost")
        # Written while the server is away: the item says it waits (its delivery state).
        hands.type("Thank you")
        hands.key("Return")
        wait_for_tree(
            env,
            lambda nodes: any(
                re.fullmatch(r"You, \d\d:\d\d, queued: Thank you", n.get("name", "")) for n in nodes
            ),
            "the queued message's item ('You, <time>, queued: Thank you')",
        )
        journey.start_server()
        # The queued message goes out now; its reply may come before the status socket is
        # back too (the connection is "back" when both are), so the order is not fixed.
        wait_until_said(events, lambda said: "The connection is back." in said)
        wait_until_said(events, lambda said: sum(t.startswith("Reply from ") for t in said) >= 2)
        hands.focus(hands.window(APP_NAME))
        journey.quit(app)
        events.stop()

        said = announcements(events)
        lost = [t for t in said if t.startswith("The connection was lost")]
        back = [t for t in said if t == "The connection is back."]
        replies = [t for t in said if t.startswith("Reply from ")]
        assert (len(lost), len(back), len(replies)) == (1, 1, 2), said
        assert said.count("Connected.") == 1, said
        # Said to the screen reader, never written to a log.
        assert MESSAGE not in app.log
        assert not [line for line in app.log.splitlines() if "Reply from" in line]
