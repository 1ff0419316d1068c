"""The package's import graph: no cycles, and the library never imports the presentation layer.

The graph is read from the source (``ast`` over ``src/manpower/**/*.py``), so it counts the
imports inside functions that keep ``manpower --help`` fast, and leaves out the type-only ones
under ``if TYPE_CHECKING:``, which never run.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"
PACKAGE = "manpower"
# What only the command line may import: the CLI itself and how it renders results.
PRESENTATION = {"manpower.cli", "manpower.render", "manpower.__main__"}

# Known edges that close an import cycle: none since the Table Schema fix texts moved out of
# the runner (into the error catalogue, manpower.catalogue). Keep it empty: a cycle, even
# through a lazy import, means the modules cannot be understood or tested apart.
CYCLE_EDGES_ALLOWED: set[tuple[str, str]] = set()
# Known imports of the presentation layer by the library: none since the changelog writer
# moved to releasing.changelog. Keep it empty.
PRESENTATION_EDGES_ALLOWED: set[tuple[str, str]] = set()


def module_name(path: Path, src: Path = SRC) -> str:
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


class _Imports(ast.NodeVisitor):
    """What each import statement asks for, outside ``if TYPE_CHECKING:``: per imported name,
    the candidates in order (``from a import b`` is module a.b if there is one, else a)."""

    def __init__(self, module: str, is_package: bool) -> None:
        self.package = module if is_package else module.rpartition(".")[0]
        self.found: list[tuple[str, ...]] = []

    def visit_If(self, node: ast.If) -> None:
        if _is_type_checking(node.test):
            for child in node.orelse:  # the else branch does run
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found.extend((alias.name,) for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.package.split(".")
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join([*parts, *([node.module] if node.module else [])])
        self.found.extend((f"{base}.{alias.name}", base) for alias in node.names)


def import_graph(src: Path = SRC) -> dict[str, set[str]]:
    """Each module of the package -> the modules of the package it imports."""
    files = {module_name(p, src): p for p in sorted((src / PACKAGE).rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        visitor = _Imports(module, path.name == "__init__.py")
        visitor.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        edges = {next((c for c in cands if c in files), None) for cands in visitor.found}
        graph[module] = edges - {None, module}  # type: ignore[operator]
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component of more than one module (Tarjan), each as
    a path ``a -> b -> ... -> a`` through the component."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
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
                components.append(component)

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_path_through(graph, sorted(c)[0], c) for c in components]


def _path_through(graph: dict[str, set[str]], start: str, component: set[str]) -> list[str]:
    """The shortest cycle from ``start`` back to itself inside ``component`` (breadth first)."""
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for target in sorted(graph[node] & component):
            if target == start:
                return [*paths[node], start]
            if target not in paths:
                paths[target] = [*paths[node], target]
                queue.append(target)
    raise AssertionError(f"no cycle through {start}")  # a component always has one


def without(graph: dict[str, set[str]], edges: set[tuple[str, str]]) -> dict[str, set[str]]:
    return {m: targets - {t for s, t in edges if s == m} for m, targets in graph.items()}


def test_the_graph_sees_lazy_imports_and_skips_type_checking(tmp_path):
    package = tmp_path / "src" / PACKAGE
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from manpower.b import g\n")
    (package / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from manpower.a import f\n"
    )
    (package / "c.py").write_text("from . import a\nfrom manpower import b, ManpowerError\n")
    graph = import_graph(tmp_path / "src")
    assert graph == {
        "manpower": set(),
        "manpower.a": {"manpower.b"},
        "manpower.b": set(),
        "manpower.c": {"manpower.a", "manpower.b", "manpower"},
    }
    graph["manpower.b"].add("manpower.c")
    assert cycles(graph) == [["manpower.a", "manpower.b", "manpower.c", "manpower.a"]]


def test_no_import_cycles():
    graph = without(import_graph(), CYCLE_EDGES_ALLOWED)
    found = [" -> ".join(cycle) for cycle in cycles(graph)]
    assert not found, "import cycles: " + "; ".join(found)


def test_allowed_edges_still_exist():
    """An allowance whose import is gone must leave the list, so it cannot hide a new one.

    One test over the lists, not one per edge: parametrized over an empty list, pytest would
    skip it, and a skip fails CI."""
    graph = import_graph()
    gone = [
        f"{source} no longer imports {target}: remove it"
        for source, target in sorted(CYCLE_EDGES_ALLOWED | PRESENTATION_EDGES_ALLOWED)
        if target not in graph[source]
    ]
    assert not gone, "; ".join(gone)


def test_allowed_cycle_edges_are_in_a_cycle():
    graph = import_graph()
    in_cycles = {m for cycle in cycles(graph) for m in cycle}
    for source, target in CYCLE_EDGES_ALLOWED:
        assert {source, target} <= in_cycles, f"{source} -> {target} closes no cycle: remove it"


def test_library_does_not_import_the_presentation_layer():
    graph = without(import_graph(), PRESENTATION_EDGES_ALLOWED)
    found = sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        if module not in PRESENTATION
        for target in targets & PRESENTATION
    )
    assert not found, "library modules import the CLI or render: " + ", ".join(found)
