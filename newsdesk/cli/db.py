"""`newsdesk db ...`: the database schema and access for downstream readers."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from core.errors import UserError
from core.masking import mask_secrets
from core.settings import PROJECT_ROOT, get_settings
from newsdesk.cli.app import JsonOption, app, err_console, print_json, reading_engine
from storage import access, migrate
from storage.db import get_engine
from storage.db import reading_engine as engine_for_reading

db_app = typer.Typer(no_args_is_help=True, help="Create, upgrade and inspect the database schema.")
app.add_typer(db_app, name="db")


def _where() -> str:
    return mask_secrets(get_settings().resolved_database_url)


@db_app.command("upgrade")
def upgrade(revision: str = typer.Argument("head", help="Revision to upgrade to.")) -> None:
    """Create the database or upgrade its schema to the newest revision.

    Safe to run at any time: an up-to-date database is left as it is.

    Example: `newsdesk db upgrade`
    """
    engine = get_engine()
    before = migrate.current_revision(engine)
    migrate.upgrade(engine, revision)
    after = migrate.current_revision(engine)
    if before == after:
        err_console.print(f"{_where()}: already at {after}", markup=False)
    else:
        err_console.print(f"{_where()}: upgraded {before or 'empty database'} -> {after}", markup=False)


@db_app.command("downgrade")
def downgrade(revision: str = typer.Argument(..., help="Revision to go back to, or `base` for an empty schema.")) -> None:
    """Undo migrations down to REVISION (destroys the data of the tables it drops).

    Example: `newsdesk db downgrade 20261128_01`
    """
    engine = get_engine()
    migrate.downgrade(engine, revision)
    err_console.print(f"{_where()}: now at {migrate.current_revision(engine) or 'base'}", markup=False)


@db_app.command("current")
def current(as_json: bool = JsonOption) -> None:
    """Print the database's schema revision and whether it is the newest; exit 1 when it is not,
    2 when the database is not there or not initialised.

    Example: `newsdesk db current`
    """
    engine = engine_for_reading()  # one line and exit 2 when there is no database at all
    revision, head = migrate.current_revision(engine), migrate.head_revision()
    if revision is None:
        raise UserError(f"{_where()} is not initialised: run `newsdesk db upgrade`")
    state = "up to date" if revision == head else f"out of date, run `newsdesk db upgrade` (head is {head})"
    if as_json:
        print_json({"database": _where(), "revision": revision, "head": head, "up_to_date": revision == head})
    else:
        typer.echo(f"{_where()}: {revision} ({state})")
    if revision != head:
        raise typer.Exit(1)


@db_app.command("check")
def check() -> None:
    """Compare the models with the migrated schema; exit 1 on any difference (drift).

    Example: `newsdesk db check`
    """
    drift = migrate.schema_drift(reading_engine())
    if drift:
        for difference in drift:
            typer.echo(f"drift: {difference}")
        raise typer.Exit(1)
    typer.echo("models and migrations agree")


@db_app.command("copy")
def copy(to: str = typer.Option(..., "--to", help="URL of the database to copy into (new and empty; upgraded here).")) -> None:
    """Copy the whole database (DATABASE_URL) into another, empty one: from SQLite to PostgreSQL, or back.

    Every table, ids kept, in one transaction on the target (a failed copy leaves it empty); the
    source is only read. The target keeps its own identity and builds its own search index and
    change log (readers of the change feed start again from the beginning there). Stop crawls
    and the scheduler first; afterwards point DATABASE_URL at the target.

    Example: `newsdesk db copy --to postgresql://newsdesk@db.internal/newsdesk`
    """
    from rich.progress import Progress

    from core.settings import get_settings
    from storage.copy import copy_database
    from storage.db import make_engine

    source = engine_for_reading()
    target_url = to if "://" in to else None
    if target_url is None:
        raise UserError(f"--to {to!r}: give a database URL (postgresql://user@host/db or sqlite:////path/file.db)")
    if make_url_safe(target_url) == make_url_safe(get_settings().resolved_database_url):
        raise UserError("--to names the database being copied: give another one")
    target = make_engine(target_url)
    try:
        if not err_console.is_terminal:
            copied = copy_database(source, target)
        else:
            with Progress(console=err_console, transient=True) as progress:
                task = progress.add_task("copying")
                copied = copy_database(source, target, progress=lambda table, rows: progress.update(
                    task, advance=rows, description=f"copying {table}"))
    finally:
        target.dispose()
    typer.echo(f"copied {_where()} -> {mask_secrets(target_url)}: " + ", ".join(
        f"{table} {rows}" for table, rows in copied.items() if rows))


def make_url_safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    from storage.db import normalise_url

    return normalise_url(make_url(url)).render_as_string(hide_password=True)


@db_app.command("grant-reader")
def grant_reader(
    role: str = typer.Argument(..., help="Role name for downstream readers."),
    tables: bool = typer.Option(False, "--tables", help="Also SELECT on every table, not only the v_* views."),
    password_env: str = typer.Option(None, "--password-env", help="Environment variable holding its password."),
    password_file: Path = typer.Option(None, "--password-file", help="File (outside the repository) holding its password.",
                                       dir_okay=False),
) -> None:
    """PostgreSQL: create or update a read-only role with SELECT on the reader views.

    The role can read the views (and the tables with --tables) and nothing else: INSERT, UPDATE,
    DELETE and DDL are refused, and its sessions are read-only by default. Without a password the
    role can log in only where pg_hba.conf trusts it, or be granted to other roles.

    Example: `READER_PW=... newsdesk db grant-reader analysts --password-env READER_PW`
    """
    if get_engine().dialect.name != "postgresql":
        raise UserError("grant-reader is for PostgreSQL; on SQLite give readers the file read-only (see the README)")
    password = None
    if password_env:
        password = os.environ.get(password_env)
        if not password:
            raise UserError(f"--password-env {password_env}: that environment variable is empty or unset")
    elif password_file:
        if password_file.resolve().is_relative_to(PROJECT_ROOT):
            raise UserError(f"{password_file}: keep password files outside the repository ({PROJECT_ROOT})")
        try:
            password = password_file.read_text().strip()
        except OSError as exc:
            raise UserError(f"cannot read {password_file}: {exc.strerror}") from None
    migrate.ensure_current(get_engine())
    with get_engine().begin() as connection:
        done = access.grant_reader(connection, role, tables=tables, password=password)
    typer.echo(f"{_where()}: role {role}: " + "; ".join(done))
