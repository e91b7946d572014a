"""`newsdesk sources`: list and validate the sources file, sync it into the database."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from crawlers.sources import load_sources, sources_file, validation_errors
from newsdesk.cli.app import JsonOption, app, err_console, print_json, print_table
from storage import schema_version
from storage import sources as sources_repo
from storage.db import get_engine, session_factory

sources_app = typer.Typer(no_args_is_help=True, help="The sources file: outlets as data.")
app.add_typer(sources_app, name="sources")
SourcesOption = typer.Option(None, "--sources", help="Sources file to use instead of NEWSDESK_SOURCES.", dir_okay=False)


@sources_app.command("list")
def list_sources(sources: Path = SourcesOption, as_json: bool = JsonOption) -> None:
    """List the sources: key, name, country, language, how articles are found, schedule.

    Example: `newsdesk sources list`
    """
    path = sources_file(sources)
    specs = load_sources(path)
    if as_json:
        print_json([spec.model_dump(mode="json") | {"discovery": spec.discovery} for spec in specs])
        return
    table = Table(title=f"{len(specs)} sources in {path}", title_justify="left")
    for column in ("key", "name", "country", "lang", "discovery", "schedule", "enabled"):
        table.add_column(column)
    for spec in specs:
        table.add_row(spec.key, spec.name, spec.country or "", spec.language or "", spec.discovery,
                      spec.schedule or "nightly", "yes" if spec.enabled else "[red]no[/]")
    print_table(table)


@sources_app.command("validate")
def validate(sources: Path = SourcesOption) -> None:
    """Check the sources file; exit 2 with one line per mistake, each naming the entry and field.

    Example: `newsdesk sources validate --sources my-sources.yaml`
    """
    path = sources_file(sources)
    errors = validation_errors(path)
    if errors:
        for line in errors:
            err_console.print(f"newsdesk: error: {line}", markup=False, highlight=False)
        err_console.print(f"{path}: {len(errors)} mistake{'s' if len(errors) > 1 else ''}",
                          markup=False, highlight=False)
        raise typer.Exit(2)
    specs = load_sources(path)
    enabled = sum(1 for s in specs if s.enabled)
    typer.echo(f"{path}: {len(specs)} sources, {enabled} enabled, valid")


@sources_app.command("sync")
def sync(sources: Path = SourcesOption) -> None:
    """Write the sources file into the `sources` table; sources gone from the file are disabled.

    (Each crawl also syncs the sources it crawls.)

    Example: `newsdesk sources sync`
    """
    specs = load_sources(sources_file(sources))
    schema_version.ensure_current(get_engine())
    with session_factory().begin() as session:
        ids = sources_repo.sync_sources(session, specs, disable_missing=True)
    typer.echo(f"{len(ids)} sources in the database, {len(specs)} from {sources_file(sources)}")
