"""`newsdesk health`: is each source still yielding what it usually does?"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from core.errors import UserError
from core.settings import get_settings
from newsdesk.cli.app import app, print_table
from newsdesk.cli.crawl import SourcesOption
from newsdesk.cli.runs import HEALTH_STYLE


@app.command("health")
def health(
    as_json: bool = typer.Option(False, "--json", help="Print a JSON array (source, status, findings, last_run)."),
    source: str = typer.Option(None, "--source", help="Only this source key."),
    sources: Path = SourcesOption,
) -> None:
    """Show each source's health: ok, learning, warning or failing, and why.

    A source's status is the verdict of its latest judged run (each run is compared with the
    source's own last successful runs: new articles, dropped pages, dates, authors, body length,
    blocks and fetch errors), made worse when the source has missed its scheduled runs. Exit
    status 1 when any source is failing.

    Example: `newsdesk health --source dawn_world` or `newsdesk health --json`
    """
    rows = health_rows(sources, only=source)
    if source and not rows:
        from core.errors import did_you_mean
        from crawlers.sources import load_sources, sources_file

        keys = [spec.key for spec in load_sources(sources_file(sources))]
        raise UserError(f"unknown source {source!r}{did_you_mean(source, keys)}: not an enabled source of "
                        f"{sources_file(sources)} and never run (see `newsdesk sources list`)")
    if as_json:
        typer.echo(json.dumps([row.as_json() for row in rows], indent=2))
    else:
        print_table(health_table(rows))
    if any(row.status == "failing" for row in rows):
        raise typer.Exit(1)


def health_rows(sources: Path | None = None, only: str | None = None):
    """Each source's health now (crawlers/runs/overview.py), from the sources file and the database."""
    from core.dates import utcnow
    from crawlers.runs.overview import source_health
    from crawlers.sources import load_sources, sources_file
    from newsdesk.cli.app import reading_engine
    from storage.db import session_factory

    settings = get_settings()
    specs = load_sources(sources_file(sources))
    engine = reading_engine()
    # A scheduled run may start up to the jitter late, and may be caught up within the misfire grace.
    grace = timedelta(seconds=settings.schedule_jitter_seconds, minutes=settings.misfire_grace_minutes)
    with session_factory(engine)() as session:
        return source_health(session, specs, now=utcnow(), nightly_cron=settings.nightly_cron,
                             timezone=settings.timezone, grace=grace, only=only)


def health_table(rows, title: str = "source health") -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("source", "status", "last run", "findings"):
        table.add_column(column)
    for row in rows:
        last = row.last_run
        last_text = f"{last['id']} {last['status']} {last['started_at'][:16].replace('T', ' ')}" if last else "-"
        findings = Text("\n".join(f"{f['check']}: {f['message']}" for f in row.findings) or "-")  # no markup
        table.add_row(row.source, f"[{HEALTH_STYLE.get(row.status, 'white')}]{row.status}[/]", last_text, findings)
    return table
