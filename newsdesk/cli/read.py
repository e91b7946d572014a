"""`newsdesk search` and `newsdesk export`: reading what was collected."""

from __future__ import annotations

import re
import sys
from contextlib import nullcontext
from enum import StrEnum
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from core.errors import UserError
from newsdesk.cli.app import (
    JsonOption,
    app,
    check_source_key,
    err_console,
    parse_since,
    print_json,
    print_table,
    reading_engine,
    reading_sessions,
)
from storage import export as exporter
from storage.db import session_factory
from storage.search import search as run_search

_COUNTRY_CODE = re.compile(r"^[A-Za-z]{2}$")


# Shared by search and export (defined once).
COUNTRY_OPTION = typer.Option(None, "--country", metavar="CC",
                              help="Only articles that name this country (ISO 3166-1 alpha-2: KG, SD); "
                                   "repeat for any of several.")
ORGANISATION_OPTION = typer.Option(None, "--organisation", metavar="KEY",
                                   help="Only articles that name this organisation (SCO, AU, UNSC, ...); "
                                        "repeat for any of several.")


def tag_filters(countries: list[str] | None, organisations: list[str] | None) -> dict:
    """The --country / --organisation values, checked and upper-cased; a bad one stops the command in one line."""
    from pipelines.tagging import ORGANISATIONS

    for code in countries or ():
        if not _COUNTRY_CODE.match(code):
            raise UserError(f"--country {code!r}: use a two-letter ISO 3166-1 code, e.g. KG for Kyrgyzstan")
    for key in organisations or ():
        if key.upper() not in ORGANISATIONS:
            raise UserError(f"--organisation {key!r}: not an organisation key; use one of {', '.join(ORGANISATIONS)}")
    return {"countries": [c.upper() for c in countries or ()] or None,
            "organisations": [o.upper() for o in organisations or ()] or None}


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


@app.command("search")
def search(
    query: str = typer.Argument(..., help="Words to find in titles and bodies; quote a phrase."),
    since: str = typer.Option(None, "--since", help="Only articles published since: a date or an age (7d, 12h)."),
    source: str = typer.Option(None, "--source", help="Only this source key."),
    stories: bool = typer.Option(False, "--stories", help="One line per story (its best-matching article)."),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="How many results."),
    country: list[str] = COUNTRY_OPTION,
    organisation: list[str] = ORGANISATION_OPTION,
    as_json: bool = JsonOption,
) -> None:
    """Full-text search over titles and bodies, best matches first.

    --country and --organisation keep the articles that name them (the tags, README "Country tags");
    both given, an article must name one of each.

    Example: `newsdesk search "border talks" --since 7d --stories --country KG --organisation SCO`
    """
    tags = tag_filters(country, organisation)
    since_time = parse_since(since)
    with reading_sessions()() as session:
        check_source_key(session, source)
        hits = run_search(session, query, since=since_time, source_key=source, limit=limit, stories=stories,
                          **tags)
    if as_json:
        print_json([{"article_id": hit.article_id, "story_id": hit.story_id, "story_members": hit.story_members,
                     "source": hit.source_key, "title": hit.title, "url": hit.url,
                     "published_at": hit.published_at.isoformat() if hit.published_at else None,
                     "snippet": hit.snippet} for hit in hits])
        return
    if not hits:
        typer.echo("no match")
        return
    table = Table(title=f"{len(hits)} {'stories' if stories else 'articles'} for {query!r}", title_justify="left")
    for column in ("published", "source", "title", "story" if stories else "id"):
        table.add_column(column)
    table.add_column("url", overflow="fold")  # whole, on a terminal too: a URL cut short is no URL
    for hit in hits:
        # Text(...) renders stored strings literally: no markup, and control characters escaped.
        table.add_row(f"{hit.published_at:%Y-%m-%d}" if hit.published_at else "-", hit.source_key,
                      Text(exporter.escape_control(hit.title)) + Text("\n" + exporter.escape_control(hit.snippet), style="dim"),
                      f"{hit.story_id} ({hit.story_members})" if stories else str(hit.article_id),
                      Text(exporter.escape_control(hit.url)))
    print_table(table)


@app.command("export")
def export(
    since: str = typer.Option(None, "--since", help="From this publication date (or age: 30d)."),
    until: str = typer.Option(None, "--until", help="Before this publication date."),
    source: str = typer.Option(None, "--source", help="Only this source key."),
    stories_only: bool = typer.Option(False, "--stories-only", help="Export v_stories instead of v_articles."),
    output_format: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", help="Output format."),
    output: Path = typer.Option(None, "-o", "--output", help="File to write (default: standard output).", dir_okay=False),
    country: list[str] = COUNTRY_OPTION,
    organisation: list[str] = ORGANISATION_OPTION,
) -> None:
    """Stream articles (or stories) as JSON lines or CSV, in constant memory.

    Columns are those of the views v_articles / v_stories, in their order; times are ISO-8601 UTC
    ("2026-11-27T09:30:00Z"); control characters in the data are escaped. --country and
    --organisation keep the articles that name them (with --stories-only, the stories any of whose
    articles name them).

    Example: `newsdesk export --since 2026-11-01 --until 2026-12-01 --format csv -o november.csv`
    """
    tags = tag_filters(country, organisation)
    since_time, until_time = parse_since(since), parse_since(until)
    engine = reading_engine()
    with session_factory(engine)() as session:
        check_source_key(session, source)
    columns = exporter.STORY_COLUMNS if stories_only else exporter.ARTICLE_COLUMNS
    target = open(output, "w", encoding="utf-8", newline="") if output else nullcontext(sys.stdout)  # noqa: SIM115
    with engine.connect() as connection, target as out:
        records = exporter.rows(connection, stories_only=stories_only, since=since_time,
                                until=until_time, source_key=source, **tags)
        count = (exporter.write_jsonl(records, out) if output_format is ExportFormat.jsonl
                 else exporter.write_csv(records, out, columns))
    err_console.print(f"exported {count} {'stories' if stories_only else 'articles'}"
                      + (f" to {output}" if output else ""), markup=False, highlight=False)
