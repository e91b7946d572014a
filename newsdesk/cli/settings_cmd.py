"""`newsdesk config`: show the effective settings (passwords masked)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from core.settings import config_file_path, describe, get_settings, setting_env_name
from newsdesk.cli import app


@app.command("config")
def show_config(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """Show every setting with its effective value; passwords in URLs are masked.

    Settings come from the environment (`NEWSDESK_<NAME>`, `DATABASE_URL`), then `newsdesk.toml`.

    Example: `NEWSDESK_LOG_LEVEL=DEBUG newsdesk config`
    """
    values = describe(get_settings())
    if as_json:
        typer.echo(json.dumps(values, indent=2, default=str))
        return
    table = Table(title=f"settings (file: {config_file_path()})")
    table.add_column("setting")
    table.add_column("environment variable")
    table.add_column("value")
    for name, value in values.items():
        table.add_row(name, setting_env_name(name), str(value))
    Console().print(table)
