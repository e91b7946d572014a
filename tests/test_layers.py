"""The house stands in layers: every import points down, and no modules import each other in a circle.

newsdesk (the command) and migrations > scheduler.py > crawlers > pipelines > storage > compat > core.
The contract is import-linter's (pyproject.toml); these tests run it, prove that it can fail, and
check what it cannot see (scheduler.py is a module, not a package; circles between modules).
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "compat", "storage", "pipelines", "crawlers", "newsdesk", "migrations"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env={"PYTHONPATH": str(root), "PATH": ""}, capture_output=True,
                          text=True, timeout=120)


def test_every_import_points_down():
    done = _lint(ROOT)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_an_import_pointing_up_breaks_the_contract(tmp_path):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    (tmp_path / "storage" / "upward.py").write_text("from pipelines.dedup import signatures  # noqa\n")
    done = _lint(tmp_path)
    assert done.returncode == 1
    assert "storage.upward -> pipelines.dedup.signatures" in done.stdout


def _our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
    return found & {*PACKAGES, "scheduler"}


def test_scheduler_py_stands_between_the_command_and_the_crawlers():
    assert _our_imports(ROOT / "scheduler.py") <= {"core", "compat", "storage", "pipelines", "crawlers"}
    below = [path for package in ("core", "compat", "storage", "pipelines", "crawlers")
             for path in (ROOT / package).rglob("*.py") if "scheduler" in _our_imports(path)]
    assert below == []


def _circles(graph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan), in the module import graph."""
    index, low, on_stack, stack, found = {}, {}, set(), [], []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_modules_import_each_other_in_a_circle():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    assert _circles(graph) == []
    # The check can fail: a circle added to the graph is found.
    graph.add_import(importer="core.settings", imported="core.records")
    graph.add_import(importer="core.records", imported="core.settings")
    assert ["core.records", "core.settings"] in _circles(graph)
