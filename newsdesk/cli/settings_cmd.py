"""`newsdesk config`: show the effective settings (passwords masked)."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from core.settings import config_file_path, describe, get_settings, setting_env_name
from newsdesk.cli.app import app


@app.command("config")
def show_config(as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table.")) -> None:
    """Show every setting with its effective value; passwords in URLs are masked.

    Settings come from the environment (`NEWSDESK_<NAME>`, `DATABASE_URL`), then `newsdesk.toml`.

    Example: `NEWSDESK_LOG_LEVEL=DEBUG newsdesk config`
    """
    values = describe(get_settings())
    patches = upstream_patches()
    if as_json:
        typer.echo(json.dumps({**values, "upstream_patches": [
            {"patch": p.key, "applied": p.applied, "reason": p.reason} for p in patches]}, indent=2, default=str))
        return
    table = Table(title=f"settings (file: {config_file_path()})")
    table.add_column("setting")
    table.add_column("environment variable")
    table.add_column("value")
    for name, value in values.items():
        table.add_row(name, setting_env_name(name), str(value))
    console = Console()
    console.print(table)
    skipped = [p for p in patches if not p.applied]
    console.print(f"upstream internals (compat/): {len(patches) - len(skipped)} of {len(patches)} in use"
                  + "".join(f"\n  skipped {p.key}: {p.reason}" for p in skipped), markup=False, highlight=False)


def upstream_patches():
    """Check every guarded use of an upstream library's internals, as a crawl would make it."""
    import compat
    from compat import apscheduler, scrapy, twisted
    from compat import trafilatura as speedups
    from compat import typer as typer_help

    speedups.install()
    twisted.install()
    typer_help.install()
    scrapy.robots_internals_match()
    apscheduler.process_jobs_hook_matches()
    return compat.patches()
