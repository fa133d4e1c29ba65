"""The grader's layout: packages by who uses them, and no import cycle between its modules
(a cycle would make a module's import order matter and hides which part depends on which)."""

import ast
from pathlib import Path

from grader import KIT_ROOT

GRADER = KIT_ROOT / "grader"
PACKAGES = {"grading", "checks", "desk", "instructor", "render", "stacks", "testkit", "public", "hidden"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in GRADER.rglob("*.py"):
        parts = path.relative_to(KIT_ROOT).with_suffix("").parts
        if "public" in parts or "hidden" in parts:
            continue  # the task tests: not modules of the grader
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """The grader modules ``path`` imports, at the top or inside a function."""
    named = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("grader"):
            for alias in node.names:
                whole = f"{node.module}.{alias.name}"
                named.add(whole if whole in modules else node.module)
        elif isinstance(node, ast.Import):
            named |= {alias.name for alias in node.names if alias.name.startswith("grader")}
    return {m for m in named if m in modules and m != "grader"}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_of_the_grader_imports_one_that_imports_it_back():
    modules = _modules()
    graph = {name: _imports(path, modules) - {name} for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_top_of_grader_shows_the_packages_and_the_cli_only():
    modules = {p.name for p in GRADER.glob("*.py")}
    assert modules == {"__init__.py", "__main__.py", "cli.py", "conftest.py"}, modules
    folders = {p.name for p in GRADER.iterdir() if p.is_dir() and p.name != "__pycache__"}
    assert folders == PACKAGES, folders
