"""The README stays true: every setting, command and pipeline stage it should name, it names."""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings, setting_env_name
from crawlers import settings as scrapy_settings
from tests.test_cli_help import all_commands

README = (Path(__file__).resolve().parent.parent / "README.md").read_text()


def test_readme_starts_with_the_two_commands():
    first_lines = README.splitlines()[:6]
    assert any(line.startswith("make demo") for line in first_lines)
    assert any(line.startswith("make test") for line in first_lines)


def test_every_setting_is_in_the_configuration_table():
    missing = [setting_env_name(name) for name in Settings.model_fields if f"`{setting_env_name(name)}`" not in README]
    assert not missing, f"document these settings in the README: {missing}"


def test_every_command_is_mentioned():
    tops = {name.split()[0] for name, _ in all_commands()}
    missing = [name for name in tops if f"`{name}`" not in README and f"newsdesk {name}" not in README]
    assert not missing


def test_the_pipeline_table_mirrors_item_pipelines():
    for path, order in scrapy_settings.ITEM_PIPELINES.items():
        assert f"| {order} | `{path}` |" in README, path


ROOT = Path(__file__).resolve().parent.parent
# Where the tree must name every module; bench/, tests/ and the sample network's outlets are named as folders.
MAPPED = ["core", "compat", "storage", "pipelines", "crawlers", "newsdesk"]
NOT_MAPPED = ("newsdesk/samplenet/outlets/",)


def architecture_tree() -> set[str]:
    """The paths the README's architecture tree names: `name/` opens a folder at its indentation."""
    section = README[README.index("## Architecture"):README.index("**One crawl, step by step.**")]
    tree = section.split("```")[3]  # the second code block: the first is the line of layers
    paths, folders = set(), []
    for line in tree.splitlines():
        if not line.strip():
            continue
        depth = (len(line) - len(line.lstrip(" "))) // 2
        name = line.strip().split()[0]
        if "  " not in line.strip() and not name.endswith((".py", "/", ".yaml")):
            continue  # a description's continuation line
        del folders[depth:]
        path = "/".join([*folders, name.rstrip("/")])
        if name.endswith("/"):
            folders.append(name.rstrip("/"))
        paths.add(path)
    return paths


def test_the_architecture_tree_names_every_module_and_nothing_that_is_not_there():
    named = architecture_tree()
    modules = {str(path.relative_to(ROOT)) for package in MAPPED for path in (ROOT / package).rglob("*.py")
               if path.name not in ("__init__.py", "__main__.py") and not str(path.relative_to(ROOT)).startswith(NOT_MAPPED)}
    assert sorted(modules - named) == [], "add these modules to the README's architecture tree"
    assert sorted(p for p in named if not (ROOT / p).exists()) == [], "the README's tree names what is not there"
