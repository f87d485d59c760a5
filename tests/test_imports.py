"""The import graph of ``desktop_app``: arrows point down the layers, and no circles.

Read from the source (every import statement, function-level and TYPE_CHECKING
ones included), not from what happens to be imported at run time. The layers,
lowest first (../shared/STYLE.md: core decides, net carries out, ui shows)::

    core, build_info, notices, the package itself   pure, no Qt, no I/O
    store, cli                                      files; the command line
    net, demo                                       asyncio and sockets (no Qt)
    control                                         what the window shows, decided
    ui                                              Qt
    app, console                                    composition roots
    selftest, launcher, __main__                    the commands

Inside ui, widgets hear the managers through the session's bridge only
(``desktop_app/ui/bridge.py``): no other ui module imports a manager.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "desktop_app"

#: Each unit (a subpackage or a top-level module) and its layer.
LAYERS = {
    "": 0,  # desktop_app/__init__.py: the version
    "core": 0,
    "build_info": 0,
    "notices": 0,
    "store": 1,
    "cli": 1,
    "net": 2,
    "demo": 2,
    "control": 3,
    "ui": 4,
    "app": 5,
    "console": 5,
    "selftest": 6,
    "launcher": 7,
    "__main__": 8,
}

#: The modules that define the WebSocket managers.
MANAGER_MODULES = {"desktop_app.net.manager", "desktop_app.net.chat", "desktop_app.net.status"}
#: The one ui module that may import them (or any ``...WebSocketManager``).
BRIDGE = "desktop_app.ui.bridge"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def imported(path: Path, module: str, modules: Collection[str]) -> Iterator[str]:
    """The modules of ``modules`` that ``path`` imports: ``from a import b`` imports the
    module ``a.b`` if there is one, else (a name defined in ``a``) the module ``a``."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the package, up level - 1
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            submodules = [f"{base}.{alias.name}" for alias in node.names]
            names = [name if name in modules else base for name in submodules]
        else:
            continue
        yield from (name for name in names if name in modules)


def graph() -> dict[str, set[str]]:
    """Each module of the package and the modules of the package it imports."""
    paths = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    edges: dict[str, set[str]] = {}
    for module, path in paths.items():
        edges[module] = set(imported(path, module, paths)) - {module}
    return edges


def circles(edges: dict[str, set[str]]) -> list[frozenset[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges[node]):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(frozenset(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def arrows_against_layers(edges: dict[str, set[str]]) -> list[str]:
    """Imports of a higher layer, or of another unit of the same layer."""
    against = []
    for module, targets in sorted(edges.items()):
        source = unit(module)
        for target in sorted(targets):
            # Core imports nothing of the app but core (and the package's version).
            down = LAYERS[unit(target)] < LAYERS[source] and source != "core"
            allowed = down or unit(target) in (source, "")
            if not allowed:
                against.append(f"{module} -> {target}")
    return against


def test_every_module_has_a_layer() -> None:
    assert {unit(module) for module in graph()} <= set(LAYERS)


def test_arrows_point_down_the_layers() -> None:
    assert arrows_against_layers(graph()) == []


def test_no_circles() -> None:
    assert circles(graph()) == []


def managers_imported(path: Path) -> Iterator[str]:
    """What ``path`` imports of the managers: their modules, or a ``...WebSocketManager``."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in MANAGER_MODULES)
        elif isinstance(node, ast.ImportFrom) and node.module:
            if node.module in MANAGER_MODULES:
                yield node.module
            else:
                names = (a.name for a in node.names if a.name.endswith("WebSocketManager"))
                yield from (f"{node.module}.{name}" for name in names)


def test_only_the_bridge_imports_managers_in_ui() -> None:
    found = {
        module: sorted(managers_imported(path))
        for path in sorted((PACKAGE / "ui").glob("*.py"))
        if (module := module_name(path)) != BRIDGE
    }
    assert {module: names for module, names in found.items() if names} == {}
    # The check sees an import where there is one: the bridge's own.
    assert set(managers_imported(PACKAGE / "ui" / "bridge.py")) >= MANAGER_MODULES


def test_the_checks_find_an_arrow_up_and_the_circle_it_closes() -> None:
    edges = graph()
    edges["desktop_app.core.frames"] = edges["desktop_app.core.frames"] | {"desktop_app.net.chat"}
    assert arrows_against_layers(edges) == ["desktop_app.core.frames -> desktop_app.net.chat"]
    [circle] = circles(edges)
    assert {"desktop_app.core.frames", "desktop_app.net.chat"} <= circle
