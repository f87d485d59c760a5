"""What a screen reader sees of the app, through AT-SPI: run by the system's Python.

``/usr/bin/python3 atspi_probe.py apps`` lists the applications (and so starts
the accessibility bus). ``... tree APP`` prints one JSON object per line for
each accessible object of the application named APP (and its windows and
dialogs): depth, role, name, description, states. ``... events APP`` prints one
line per AT-SPI event from APP (announcements, state and property changes) until
it is stopped, after a ``{"ready": true}`` line once it listens.

It imports pyatspi (Debian package python3-pyatspi), which the venv has not: the
tests run it as a subprocess with ``DBUS_SESSION_BUS_ADDRESS`` of a private bus.
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pyatspi  # type: ignore[import-not-found]  # the system Python's, not the venv's

#: The events a screen reader turns into speech when the focus is elsewhere
#: (announcements), and the ones it speaks only for the focused object.
EVENTS = (
    "object:announcement",
    "object:state-changed",
    "object:property-change",
    "object:text-changed",
    "object:children-changed",
)
MAX_DEPTH = 40
MAX_CHILDREN = 500
MAX_TEXT = 200  # characters of an object's text shown


def emit(record: dict[str, Any]) -> None:
    print(json.dumps(record), flush=True)


def application(name: str) -> Any:
    desktop = pyatspi.Registry.getDesktop(0)
    for index in range(desktop.childCount):
        app = desktop.getChildAtIndex(index)
        if app is not None and app.name == name:
            return app
    return None


def _text(node: Any) -> str | None:
    """The object's text (its Text interface: what a reader reads out), or None."""
    try:
        return str(node.queryText().getText(0, MAX_TEXT))
    except NotImplementedError:
        return None  # no Text interface


def walk(node: Any, depth: int, path: str) -> None:
    try:
        states = sorted(pyatspi.stateToString(s) for s in node.getState().getStates())
        emit(
            {
                "depth": depth,
                "path": path,
                "role": node.getRoleName(),
                "name": node.name,
                "description": node.description,
                "text": _text(node),
                "states": states,
                "children": node.childCount,
            }
        )
        count = min(node.childCount, MAX_CHILDREN)
    except Exception as exc:  # an object gone while walked: say so, go on
        emit({"depth": depth, "path": path, "error": type(exc).__name__})
        return
    if depth >= MAX_DEPTH:
        return
    for index in range(count):
        child = node.getChildAtIndex(index)
        if child is not None:
            walk(child, depth + 1, f"{path}/{index}")


def tree(app_name: str) -> int:
    app = application(app_name)
    if app is None:
        emit({"error": f"no application named {app_name!r} on the accessibility bus"})
        return 1
    walk(app, 0, "")
    return 0


def events(app_name: str) -> int:
    def on_event(event: Any) -> None:
        try:
            source_app = event.host_application.name if event.host_application else None
        except Exception:
            source_app = None
        if source_app not in (app_name, None):
            return
        try:
            role, name = event.source.getRoleName(), event.source.name
        except Exception:
            role, name = None, None
        emit(
            {
                "type": str(event.type),
                "detail1": event.detail1,
                "detail2": event.detail2,
                "any_data": event.any_data if isinstance(event.any_data, (str, int)) else None,
                "role": role,
                "name": name,
            }
        )

    for kind in EVENTS:
        pyatspi.Registry.registerEventListener(on_event, kind)
    emit({"ready": True})
    pyatspi.Registry.start()
    return 0


def press(app_name: str, path: str) -> int:
    """Do the first action (press, click) of the object at ``path`` (as printed by tree)."""
    node = application(app_name)
    if node is None:
        emit({"error": f"no application named {app_name!r}"})
        return 1
    for index in filter(None, path.split("/")):
        node = node.getChildAtIndex(int(index))
    action = node.queryAction()
    emit({"pressed": node.name, "action": action.getName(0), "done": bool(action.doAction(0))})
    return 0


def apps() -> int:
    """The applications on the accessibility bus (asking starts the bus by D-Bus activation)."""
    desktop = pyatspi.Registry.getDesktop(0)
    names = [desktop.getChildAtIndex(i).name for i in range(desktop.childCount)]
    emit({"applications": names})
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["apps"]:
        sys.exit(apps())
    command, name, *rest = sys.argv[1:]
    if command == "tree":
        sys.exit(tree(name))
    if command == "events":
        sys.exit(events(name))
    sys.exit(press(name, rest[0]))
