"""The shape of the code base (ARCHITECTURE.md "Layout"): small modules, no import cycle,
one name for each screen family across its package, its templates and its tests.

Run `python tests/test_layout.py` to print what is wrong without pytest.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = (
    "portal",
    "accounts",
    "structures",
    "invoicing",
    "validation",
    "requests_app",
    "notifications",
    "commitments",
    "api",
    "flows",
    "assistant",
    "demo",
)
MAX_MODULE_LINES = 400
# Screen families: each is a sub-package of its app, a template folder and a test folder.
SCREENS = {
    "invoicing": ("deposit", "issued", "received"),
    "structures": ("core", "account", "manager", "directory"),
    "api": ("connections", "technical"),
}


def app_modules() -> dict[str, Path]:
    """Dotted module name -> file, for every application module (no migrations)."""
    modules = {}
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            rel = path.relative_to(ROOT)
            if "migrations" in rel.parts:
                continue
            parts = list(rel.with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imported_names(tree: ast.AST, module: str, is_package: bool) -> list[str]:
    """Every module name imported anywhere in the file (functions included), except under
    `if TYPE_CHECKING:`, which never runs."""
    names: list[str] = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for sub in child.orelse:
                    visit(sub)
                continue
            if isinstance(child, ast.Import):
                names.extend(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = module.split(".")
                    base = base if is_package else base[:-1]
                    base = base[: len(base) - (child.level - 1)]
                    prefix = ".".join(base + ([child.module] if child.module else []))
                else:
                    prefix = child.module or ""
                names.append(prefix)
                names.extend(f"{prefix}.{alias.name}" for alias in child.names)
            visit(child)

    visit(tree)
    return names


def import_graph() -> dict[str, set[str]]:
    modules = app_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for imported in _imported_names(tree, name, path.name == "__init__.py"):
            if imported in modules and imported != name:
                graph[name].add(imported)
    return graph


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = import_graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strongconnect(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in graph[node]:
            if succ not in index:
                strongconnect(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(10_000)
    for node in graph:
        if node not in index:
            strongconnect(node)
    return cycles


def long_modules() -> list[tuple[str, int]]:
    found = []
    for name, path in app_modules().items():
        count = len(path.read_text(encoding="utf-8").splitlines())
        if count > MAX_MODULE_LINES:
            found.append((name, count))
    return found


def screen_mismatches() -> list[str]:
    problems = []
    for app, screens in SCREENS.items():
        for screen in screens:
            for folder in (
                ROOT / app / screen,
                ROOT / "templates" / app / screen,
                ROOT / "tests" / app / screen,
            ):
                if not folder.is_dir():
                    problems.append(f"missing {folder.relative_to(ROOT)}")
        for kind in (ROOT / "templates" / app, ROOT / "tests" / app):
            for folder in sorted(
                p for p in kind.iterdir() if p.is_dir() and not p.name.startswith("_")
            ):
                if folder.name == "__pycache__":
                    continue
                if not (ROOT / app / folder.name / "__init__.py").exists():
                    problems.append(
                        f"{folder.relative_to(ROOT)} has no package {app}/{folder.name}/"
                    )
    return problems


def test_no_import_cycle_between_application_modules():
    assert import_cycles() == []


def test_no_application_module_over_400_lines():
    assert long_modules() == []


def test_screen_packages_templates_and_tests_share_one_name():
    assert screen_mismatches() == []


if __name__ == "__main__":
    for cycle in import_cycles():
        print("cycle:", " <-> ".join(cycle))
    for name, count in long_modules():
        print(f"long: {name} ({count} lines)")
    for problem in screen_mismatches():
        print("screen:", problem)
