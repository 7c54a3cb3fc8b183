"""The import graph of ``asynclint/`` points only down its layers and has no cycle.

Run it as a plain script (``python tests/test_layers.py``) to list every back-arrow and
cycle; pytest runs the same check.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "asynclint"

# Module-name prefixes, from the top layer down; a module may import its own layer and
# the layers below it (the longest matching prefix decides).
LAYERS: tuple[tuple[str, ...], ...] = (
    (
        "asynclint",
        "asynclint.__main__",
        "asynclint.cli",
        "asynclint.server",
        "asynclint.flake8_plugin",
        "asynclint.documents",
    ),
    ("asynclint.output",),
    ("asynclint.api",),
    (
        "asynclint.engine",
        "asynclint.lint_options",
        "asynclint.fixing",
        "asynclint.registry",
        "asynclint.files",
        "asynclint.prefilter",
        "asynclint.result_cache",
        "asynclint.ignore_files",
        "asynclint.walk_cache",
        "asynclint.deep_stack",
        "asynclint.workers",
    ),
    ("asynclint.checks",),
    (
        "asynclint.check",
        "asynclint.fixes",
        "asynclint.codegen",
        "asynclint.edits",
        "asynclint.unused_imports",
        "asynclint.suppression",
        "asynclint.notebooks",
        "asynclint.catalog",
        "asynclint.rule_files",
        "asynclint.config",
    ),
    ("asynclint.analysis.asyncio",),
    ("asynclint.analysis.python",),
    ("asynclint.analysis.project",),
    ("asynclint.analysis.tables",),
    (
        "asynclint.version",
        "asynclint.diagnostics",
        "asynclint._toml",
        "asynclint.cache_files",
        "asynclint.collector",
        "asynclint.analysis",
    ),
)


def layer_of(module: str) -> int:
    best, rank = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), len(LAYERS) - index
    if rank < 0:
        raise AssertionError(f"{module} is in no layer: add it to tests/test_layers.py")
    return rank


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def imports(path: Path, known: set[str]) -> Iterator[tuple[int, str]]:
    """(line, module) for every import of an asynclint module, at any depth of the file."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "asynclint":
                    yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] == "asynclint":
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    yield node.lineno, sub if sub in known else node.module


def graph() -> dict[str, list[tuple[int, str]]]:
    found = modules()
    return {name: sorted(set(imports(path, set(found)))) for name, path in found.items()}


def back_arrows(edges: dict[str, list[tuple[int, str]]]) -> list[str]:
    return [
        f"{name}:{line} imports {target} (a higher layer)"
        for name, targets in edges.items()
        for line, target in targets
        if layer_of(target) > layer_of(name)
    ]


def cycles(edges: dict[str, list[tuple[int, str]]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for _, target in edges.get(node, ()):
            if target not in edges or target == node:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return found


def test_no_import_points_up_a_layer() -> None:
    assert back_arrows(graph()) == []


def test_no_import_cycle() -> None:
    assert cycles(graph()) == []


def test_a_back_arrow_is_caught() -> None:
    edges = {"asynclint.analysis.tables.x": [(3, "asynclint.engine")], "asynclint.engine": []}
    assert back_arrows(edges) == ["asynclint.analysis.tables.x:3 imports asynclint.engine (a higher layer)"]
    assert cycles({"asynclint.a": [(1, "asynclint.b")], "asynclint.b": [(1, "asynclint.a")]}) == [
        ["asynclint.a", "asynclint.b"]
    ]


if __name__ == "__main__":
    edges = graph()
    problems = back_arrows(edges) + [" -> ".join(c) + " (cycle)" for c in cycles(edges)]
    print("\n".join(problems) or "layers ok")
    sys.exit(1 if problems else 0)
