"""The API's engine: the read-only contract, checked before the server starts.

PostgreSQL: the reader role named by NEWSDESK_READER_DATABASE_URL (made with `newsdesk db
grant-reader NAME --tables`). There is deliberately no fallback to DATABASE_URL there: that URL is
the writers' role, and a read API holding write privileges is one bug away from writing. A role
that can write to any table is refused, and every session is read-only besides.
SQLite: the database file opened with `mode=ro` (SQLite itself refuses every write) and
`query_only`; NEWSDESK_READER_DATABASE_URL may name another file, else DATABASE_URL's is used.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from core.errors import UserError
from core.masking import mask_secrets
from core.settings import Settings
from storage.db import make_engine, normalise_url

# Everything the API reads. The views are the contract; the rest are tables the views do not
# cover (URLs, revisions, the change log and how far it was pruned, the search index), hence the `--tables` grant.
READ_RELATIONS = ("v_articles", "v_stories", "v_crawl_runs", "v_article_countries", "v_article_organisations",
                  "sources", "articles", "article_urls", "article_revisions", "change_log", "change_log_pruned",
                  "articles_fts", "alembic_version")
WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
GRANT_HINT = "newsdesk db grant-reader NAME --tables"


def reader_url(settings: Settings) -> URL:
    """The URL `newsdesk serve` reads through; UserError (one line) when there is none to use."""
    configured = settings.reader_database_url
    write_url = make_url(settings.resolved_database_url)
    if write_url.get_backend_name() == "postgresql" and not configured:
        raise UserError("newsdesk serve reads PostgreSQL as a reader role: create one with "
                        f"`{GRANT_HINT}` and set NEWSDESK_READER_DATABASE_URL=postgresql://NAME@host/db")
    url = normalise_url(configured or write_url)
    if url.get_backend_name() == "sqlite":
        return sqlite_read_only_url(url)
    return url


def sqlite_read_only_url(url: URL) -> URL:
    database = url.database or ""
    if database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
    if not database or database == ":memory:":
        raise UserError("newsdesk serve needs a database file, not an in-memory database")
    path = Path(database)
    if not path.is_absolute():
        from core.settings import PROJECT_ROOT

        path = PROJECT_ROOT / path
    if not path.is_file():
        raise UserError(f"no database at {path}: run `newsdesk db upgrade` (and a crawl) first")
    return URL.create("sqlite", database=f"file:{path}", query={"mode": "ro", "uri": "true"})


def reader_engine(url: URL) -> Engine:
    """An engine whose every connection is read-only, whatever the grants say."""
    engine = make_engine(url, readonly=True)

    @event.listens_for(engine, "connect")
    def _read_only(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA query_only = ON")
        else:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
            dbapi_connection.commit()
        cursor.close()

    return engine


def check_read_only_contract(engine: Engine) -> None:
    """Refuse to serve through a role that can write, or that cannot read what the API reads."""
    described = mask_secrets(engine.url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                if connection.exec_driver_sql("PRAGMA query_only").scalar() != 1:
                    raise UserError(f"{described} is not opened read-only")
                return
            role = connection.exec_driver_sql("SELECT current_user").scalar()
            if connection.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar():
                raise UserError(f"NEWSDESK_READER_DATABASE_URL's role {role} is a superuser: "
                                f"give newsdesk serve a reader role (`{GRANT_HINT}`)")
            writable = connection.execute(text(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v') "
                "AND has_table_privilege(current_user, c.oid, :privileges) ORDER BY c.relname LIMIT 1"),
                {"privileges": ",".join(WRITE_PRIVILEGES)}).scalar()
            if writable:
                raise UserError(f"NEWSDESK_READER_DATABASE_URL's role {role} can write to {writable}: "
                                f"give newsdesk serve a reader role (`{GRANT_HINT}`)")
            for relation in READ_RELATIONS:
                readable = connection.execute(text(
                    "SELECT to_regclass(:r) IS NOT NULL AND has_table_privilege(current_user, to_regclass(:r), 'SELECT')"),
                    {"r": f"public.{relation}"}).scalar()
                if not readable:
                    raise UserError(f"role {role} cannot read {relation}: run `newsdesk db grant-reader {role} "
                                    "--tables` (again after every `newsdesk db upgrade`)")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc).splitlines()[0]
        raise UserError(f"cannot connect to {described}: {mask_secrets(reason)}") from None
