"""Every command of the CLI has help text with an example, and the CLI fails in one line."""

from __future__ import annotations

import subprocess
import sys

import typer.main
from typer.testing import CliRunner

from newsdesk.cli import _register
from newsdesk.cli.app import app


def all_commands():
    _register()
    root = typer.main.get_command(app)

    def walk(command, path):
        if hasattr(command, "commands"):  # a group (typer vendors its own click)
            for name, sub in command.commands.items():
                yield from walk(sub, [*path, name])
        else:
            yield " ".join(path), command

    yield from walk(root, [])


def test_every_command_has_help_with_an_example():
    commands = list(all_commands())
    assert len(commands) >= 4
    missing = [name for name, command in commands if "Example" not in (command.help or "")]
    assert not missing, f"commands without an `Example:` in their help: {missing}"


def test_help_runs_for_every_command():
    runner = CliRunner()
    for name, _command in all_commands():
        result = runner.invoke(app, [*name.split(), "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "Example" in result.output, name


def test_unknown_command_is_a_usage_error_without_traceback():
    result = subprocess.run([sys.executable, "-m", "newsdesk", "no-such-command"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "No such command" in result.stderr and "Traceback" not in result.stderr


def test_each_command_is_registered_by_the_module_the_table_names():
    """`newsdesk CMD` imports only COMMAND_MODULES[CMD] (start-up): the table must know every command."""
    from newsdesk.cli import COMMAND_MODULES

    top = {name.split()[0] for name, _command in all_commands()}
    assert top == set(COMMAND_MODULES)
    for name, module in COMMAND_MODULES.items():
        found = subprocess.run(
            [sys.executable, "-c", "import sys, typer.main; from newsdesk.cli import _register; "
             "from newsdesk.cli.app import app; _register([sys.argv[1]]); "
             "print(' '.join(typer.main.get_command(app).commands))", name],
            capture_output=True, text=True, check=True).stdout.split()
        assert name in found, (name, module, found)
