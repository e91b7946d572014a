"""The `newsdesk` Typer app and what its commands share: consoles, tables and JSON, --since
parsing, the read-only database of read commands, source keys checked, failing in one line."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime, timedelta

import typer
from rich.console import Console
from rich.measure import Measurement
from rich.table import Table

from core.errors import UserError, did_you_mean
from core.masking import mask_secrets

app = typer.Typer(
    name="newsdesk",
    help="Collect foreign-affairs news: crawl outlets, clean and deduplicate articles, store them.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _print_version(value: bool) -> None:
    if value:
        from core.settings import version

        typer.echo(f"newsdesk {version()}")
        raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", help="Print the version and exit.",
                                          callback=_print_version, is_eager=True)) -> None:
    pass


# Options several commands share, defined once.
JsonOption = typer.Option(False, "--json", help="Print JSON instead of a table.")


def print_json(data) -> None:
    typer.echo(json.dumps(data, indent=2, default=str, ensure_ascii=False))


def wide_console() -> Console:
    """stdout; when it is not a terminal, 160 columns for rules and tables, and lines of text never
    wrapped (a path or a URL stays whole in logs and pipes)."""
    console = Console()
    return console if console.is_terminal else Console(width=160, soft_wrap=True)


def print_table(table: Table, console: Console | None = None) -> None:
    """A table on stdout. Not on a terminal (a pipe, a file, a log), it is printed as wide as its
    content, so nothing in it (a URL, a path) is ever cut or folded."""
    console = console or Console()
    if console.is_terminal:
        console.print(table)
        return
    wide = Console(width=100_000, file=console.file)
    needed = Measurement.get(wide, wide.options, table).maximum
    Console(width=max(160, needed), file=console.file).print(table)


def reading_engine():
    """The database of a read command: opened read-only (never created) and at the schema this
    code reads; otherwise one line saying to run `newsdesk db upgrade`, exit status 2."""
    from storage import schema_version
    from storage.db import reading_engine as engine_for_reading

    engine = engine_for_reading()
    schema_version.ensure_current(engine)
    return engine


def reading_sessions():
    """Sessions on `reading_engine()`."""
    from storage.db import session_factory

    return session_factory(reading_engine())


def check_source_key(session, key: str | None, sources=None) -> None:
    """A --source of a read command must name a source the database or the sources file knows:
    a mistyped key is one line (with a suggestion), not an empty result."""
    if not key:
        return
    from sqlalchemy import select

    from crawlers.sources import load_sources, sources_file
    from storage.models import Source

    known = set(session.scalars(select(Source.key)))
    with contextlib.suppress(UserError):  # a broken sources file is another command's business
        known |= {spec.key for spec in load_sources(sources_file(sources))}
    if key not in known:
        raise UserError(f"unknown source {key!r}{did_you_mean(key, known)}: neither in the database nor in "
                        f"{sources_file(sources)} (see `newsdesk sources list`)")


def parse_since(value: str | None) -> datetime | None:
    """--since / --until values of every command: a date, a time, or an age (7d, 12h)."""
    if not value:
        return None
    if value[-1:] in ("d", "h") and value[:-1].isascii() and value[:-1].isdigit():
        amount = int(value[:-1])
        try:
            return datetime.now(UTC) - (timedelta(days=amount) if value.endswith("d") else timedelta(hours=amount))
        except OverflowError:  # 999999999d: before the year 1, a traceback (issue 23)
            raise UserError(f"--since {value!r}: an age before the year 1; give a date or a smaller age") from None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserError(f"--since {value!r}: give a date (2026-11-01), a time (2026-11-01T08:00) or an age (7d, 12h)") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fail(message: str, code: int = 2) -> None:
    err_console.print(f"newsdesk: error: {mask_secrets(message)}", markup=False)
    raise typer.Exit(code)
