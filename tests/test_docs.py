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
