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

#: Circles not yet taken apart, each with what will end it. Listed so that a new one
#: fails this test, and so that one taken apart fails it too (then delete the line).
KNOWN_CIRCLES = {
    # Issues 12 and 14: kiosk mode becomes a way of building the window.
    frozenset({"desktop_app.ui.kiosk", "desktop_app.ui.main_window"}),
}


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


def test_no_circles_but_the_known_ones() -> None:
    assert set(circles(graph())) == KNOWN_CIRCLES


def test_the_checks_find_an_arrow_up_and_the_circle_it_closes() -> None:
    edges = graph()
    edges["desktop_app.core.frames"] = edges["desktop_app.core.frames"] | {"desktop_app.net.chat"}
    assert arrows_against_layers(edges) == ["desktop_app.core.frames -> desktop_app.net.chat"]
    new = set(circles(edges)) - KNOWN_CIRCLES
    assert len(new) == 1
    assert {"desktop_app.core.frames", "desktop_app.net.chat"} <= next(iter(new))
