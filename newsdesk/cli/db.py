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
