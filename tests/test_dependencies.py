"""Every third-party module the code imports is a declared dependency, and the set-up stays true.

A module that arrives only through another package (aiohttp through scrapy, say) works until that
package drops it; then a fresh install breaks with nothing in our files to explain why.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
OUR_PACKAGES = {"newsdesk", "crawlers", "pipelines", "storage", "migrations", "scheduler", "bench", "compat",
                "tests", "tools", "core"} | {script.stem for script in (ROOT / "tools").glob("*.py")}
# Code that ships and runs in production: it may use the main dependencies only.
RUNTIME = ["core", "compat", "storage", "pipelines", "crawlers", "newsdesk", "migrations", "scheduler.py"]
# Code that only developers run: the dev extra is theirs too.
DEVELOPMENT = ["tests", "bench", "tools"]


def _declared(extra: str | None = None) -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    specs = project["dependencies"] + (project["optional-dependencies"][extra] if extra else [])
    return {canonicalize_name(Requirement(spec).name) for spec in specs}


def _imported_modules(paths: list[str], root: Path) -> dict[str, str]:
    """Top-level module name -> one file that imports it (absolute imports only)."""
    found: dict[str, str] = {}
    for name in paths:
        path = root / name
        files = [path] if path.is_file() else sorted(path.rglob("*.py")) if path.is_dir() else []
        for file in files:
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    found.setdefault(module.split(".")[0], str(file.relative_to(root)))
    return found


def _undeclared(paths: list[str], declared: set[str], root: Path = ROOT) -> list[str]:
    distributions = packages_distributions()
    problems = []
    for module, where in sorted(_imported_modules(paths, root).items()):
        if module in sys.stdlib_module_names or module in OUR_PACKAGES or module == "__future__":
            continue
        providers = {canonicalize_name(d) for d in distributions.get(module, [])}
        if not providers:
            problems.append(f"{module} (imported in {where}) is not installed")
        elif not providers & declared:
            problems.append(f"{module} (imported in {where}) comes from {sorted(providers)}, "
                            "which pyproject.toml does not declare")
    return problems


def test_every_module_the_running_code_imports_is_a_declared_dependency():
    assert _undeclared(RUNTIME, _declared()) == []


def test_every_module_the_tests_and_benchmarks_import_is_declared_with_the_dev_extra():
    assert _undeclared(DEVELOPMENT, _declared("dev")) == []


def test_the_check_catches_a_module_that_arrives_only_through_another_package(tmp_path):
    # queuelib is installed (scrapy needs it) but not declared: the check must name it.
    (tmp_path / "probe.py").write_text("import queuelib.queue\n")
    assert _undeclared(["probe.py"], _declared(), root=tmp_path) == [
        "queuelib (imported in probe.py) comes from ['queuelib'], which pyproject.toml does not declare"]


def test_libraries_whose_internals_we_use_have_an_upper_bound():
    # A fresh install must never pull a major (or, for these, minor) release nobody has tested.
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = {canonicalize_name(Requirement(spec).name): Requirement(spec) for spec in project["dependencies"]}
    for name in ("scrapy", "trafilatura", "scrapy-redis", "apscheduler", "lxml", "typer"):
        assert any(spec.operator in ("<", "<=", "~=", "==") for spec in requirements[name].specifier), name


def test_the_lock_pins_pip_with_hashes_for_the_bootstrap():
    # tools/make_venv.sh installs pip from this entry first (a venv's own pip may be too old).
    entry = re.search(r"^pip==\S+ \\\n((?:    --hash=sha256:[0-9a-f]{64}(?: \\)?\n)+)",
                      (ROOT / "requirements.lock").read_text(), re.MULTILINE)
    assert entry is not None


def test_make_venv_explains_a_python_that_is_too_old_in_one_line(tmp_path):
    fake = tmp_path / "python3.9"
    fake.write_text("#!/bin/sh\n[ \"$1\" = -V ] && { echo 'Python 3.9.0'; exit 0; }\nexit 1\n")
    fake.chmod(0o755)
    done = subprocess.run([str(ROOT / "tools/make_venv.sh"), str(fake), str(tmp_path / "venv"), "requirements.lock"],
                          cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"newsdesk: Python 3.11 or newer is needed; '{fake}' is Python 3.9.0; "
        "the tested ones are python3.11, python3.12 and python3.13: make PYTHON=python3.12"]
    assert not (tmp_path / "venv").exists()
