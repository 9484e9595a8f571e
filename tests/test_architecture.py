"""The house: packages by stage with no import cycle, and a CLI that only parses options."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "src" / "mscowl"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Module → the mscowl modules it imports, at the top or inside a function (a lazy import
    is still a dependency)."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                targets = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_imports_itself_through_others() -> None:
    assert cycles(import_graph()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


#: Which stage may use which (a stage uses those before it, never one after it).
STAGES = ["errors", "safety", "rdf", "outputs", "pipeline", "ontology", "seeds", "validation",
          "sparql", "release", "api", "cli"]  # fmt: skip


def stage(module: str) -> str:
    parts = module.split(".")
    name = parts[1] if len(parts) > 1 else "__init__"
    return {"shipped": "errors", "__main__": "cli", "__init__": "cli"}.get(name, name)


def test_stages_depend_only_on_earlier_stages() -> None:
    order = {name: i for i, name in enumerate(STAGES)}
    wrong = [
        (module, target)
        for module, targets in import_graph().items()
        for target in targets
        if order[stage(target)] > order[stage(module)]
    ]
    assert wrong == []


def test_the_api_names_are_the_exports() -> None:
    import mscowl

    assert sorted(mscowl._EXPORTS) == sorted(n for n in mscowl.__all__ if n != "__version__")
    for name in mscowl._EXPORTS:
        assert getattr(mscowl, name) is not None
