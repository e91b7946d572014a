"""The one place that builds engines and sessions from the configured database URL."""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TypeVar

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import UserError
from core.sanitise import storable, strip_unstorable

# How long a SQLite writer waits for another process's write transaction before giving up.
# Crawls of several sources write at once; a few seconds of waiting beats a lost article.
SQLITE_BUSY_TIMEOUT_SECONDS = 60


def normalise_url(url: str | URL) -> URL:
    """Pick our drivers: psycopg 3 for PostgreSQL (plain ``postgresql://`` means psycopg2 to SQLAlchemy)."""
    url = make_url(url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def is_sqlite(engine_or_url: Engine | str | URL) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def _configure_sqlite(engine: Engine, *, readonly: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin (see _on_begin).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not readonly:
            # WAL lets readers (downstream teams, `newsdesk runs`) read while a crawl writes.
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        # A deferred transaction that reads and then writes cannot wait for the write lock:
        # SQLite fails it at once with "database is locked" if another process wrote meanwhile.
        # Taking the write lock up front makes the busy timeout apply, so concurrent crawls queue.
        connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def _sqlite_datetime(value: datetime) -> str:
    """A datetime bound to a raw SQL statement, written as SQLAlchemy writes the DateTime columns
    it is compared with: naive UTC, microseconds always. The sqlite3 module's default adapter,
    deprecated since Python 3.12 (a DeprecationWarning per value), wrote an aware time with its
    offset and left out zero microseconds, so `published_at <= :until` missed the row stored at
    exactly `until`."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(" ", timespec="microseconds")


def _adapt_times_for_sqlite() -> None:
    # Process-wide (the sqlite3 module keeps one adapter table), and the same for every engine.
    sqlite3.register_adapter(datetime, _sqlite_datetime)
    sqlite3.register_adapter(date, date.isoformat)


def _json_dumps(value) -> str:
    # PostgreSQL refuses "\u0000" in JSON (and a lone surrogate cannot be encoded): a NUL in a
    # response header or a feed item's title lost the article (issue 23).
    return json.dumps(strip_unstorable(value))


def _storable_parameters(parameters):
    """The statement's parameters with NULs and lone surrogates taken out of every string, or the
    same object when there are none (the common case costs one look at each value)."""
    if isinstance(parameters, dict):
        if not any(isinstance(v, (str, list, tuple)) and _has_unstorable(v) for v in parameters.values()):
            return parameters
        return {k: _storable_value(v) for k, v in parameters.items()}
    if isinstance(parameters, (list, tuple)):
        if not any(_has_unstorable(v) for v in parameters):
            return parameters
        return type(parameters)(_storable_value(v) for v in parameters)
    return parameters


def _has_unstorable(value) -> bool:
    if isinstance(value, str):
        return storable(value) is not value
    if isinstance(value, (list, tuple)):
        return any(_has_unstorable(v) for v in value)
    if isinstance(value, dict):
        return any(_has_unstorable(v) for v in value.values())
    return False


def _storable_value(value):
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, (list, tuple, dict)):
        return _storable_parameters(value)
    return value


def _strip_unstorable_text(engine: Engine) -> None:
    """Storage safe on its own: whatever code builds the values, no NUL reaches a statement."""
    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _before(_connection, _cursor, statement, parameters, _context, _executemany):
        return statement, _storable_parameters(parameters)


def make_engine(url: str | URL, *, readonly: bool = False, echo: bool = False) -> Engine:
    url = normalise_url(url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False},
            json_serializer=_json_dumps,
        )
        _configure_sqlite(engine, readonly=readonly)
        _strip_unstorable_text(engine)
        _adapt_times_for_sqlite()
        return engine
    # pre_ping: a nightly crawl outlives PostgreSQL restarts; a dead pooled connection is
    # replaced instead of failing the next article.
    engine = create_engine(url, echo=echo, pool_pre_ping=True, pool_size=5, max_overflow=5,
                           json_serializer=_json_dumps)
    _strip_unstorable_text(engine)
    return engine


_ENGINES: dict[tuple[str, bool], Engine] = {}


def get_engine(url: str | None = None, *, readonly: bool = False) -> Engine:
    """The engine for ``url`` (default: the configured database), shared within this process.

    Crawl components pass the URL of their crawler's settings (`-s DATABASE_URL=...` works).
    """
    if url is None:
        from core.settings import get_settings

        url = get_settings().resolved_database_url
    key = (url, readonly)
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(key[0], readonly=readonly)
    return _ENGINES[key]


def sqlite_path(url: str | URL) -> Path | None:
    """The file of a SQLite URL (plain or `file:` URI form); None for another database or :memory:."""
    url = make_url(url)
    if url.get_backend_name() != "sqlite":
        return None
    database = (url.database or "").removeprefix("file:").split("?", 1)[0]
    return Path(database) if database and database != ":memory:" else None


_READING: dict[str, Engine] = {}


def reading_engine(url: str | None = None) -> Engine:
    """The engine of a command that only reads (`runs`, `search`, `export`, `health` ...): it
    never creates anything. SQLite: the file must exist (else a one-line UserError saying to run
    `newsdesk db upgrade`) and is opened with mode=ro, so SQLite itself refuses every write.
    PostgreSQL: the configured URL, every transaction read-only."""
    if url is None:
        from core.settings import get_settings

        url = get_settings().resolved_database_url
    if url not in _READING:
        path = sqlite_path(url)
        if path is not None:
            if not path.is_file():
                raise UserError(f"no database at {path}: run `newsdesk db upgrade` to create it (or set DATABASE_URL)")
            ro = URL.create("sqlite", database=f"file:{path.resolve()}", query={"mode": "ro", "uri": "true"})
            _READING[url] = make_engine(ro, readonly=True)
        elif make_url(url).get_backend_name() == "postgresql":
            _READING[url] = get_engine(url, readonly=True).execution_options(postgresql_readonly=True)
        else:
            _READING[url] = get_engine(url, readonly=True)
    return _READING[url]


def dispose_engines() -> None:
    """Close every pooled connection (after a fork, and in tests that switch databases)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()
    while _READING:
        _READING.popitem()[1].dispose()


def session_factory(engine: Engine | None = None) -> sessionmaker[Session]:
    # expire_on_commit=False: objects handed to the caller stay readable after the commit.
    return sessionmaker(engine or get_engine(), expire_on_commit=False)


WRITE_ATTEMPTS = 4
_T = TypeVar("_T")


def with_retries(transaction: Callable[[], _T], *, attempts: int = WRITE_ATTEMPTS,
                 on_retry: Callable[[Exception], None] | None = None) -> _T:
    """Run `transaction` (one whole transaction), again after a pause when the database refused or
    dropped the connection (PostgreSQL restarting mid-crawl) or another writer won a unique-key
    race; pauses of 1, 2, 4 s. Anything else, or the last failure, is raised."""
    for attempt in range(1, attempts + 1):
        try:
            return transaction()
        except (IntegrityError, OperationalError, DBAPIError) as exc:
            retryable = isinstance(exc, (IntegrityError, OperationalError)) or exc.connection_invalidated
            if attempt == attempts or not retryable:
                raise
            if on_retry is not None:
                on_retry(exc)
            time.sleep(min(8.0, 0.5 * 2 ** attempt))
    raise AssertionError("unreachable")


INSERT_CHUNK_ROWS = 500


def insert_missing(session: Session, model, rows: list[dict], key: str) -> None:
    """Insert the rows whose `key` (a unique column) is not there yet, and leave alone those another
    process inserts at the same moment: INSERT ... ON CONFLICT (key) DO NOTHING. Get-or-create
    done as look-up then insert fails on the unique key when two workers do it at once."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:  # no ON CONFLICT: a plain insert (the two databases newsdesk supports both have it)
        session.add_all(model(**row) for row in rows)
        session.flush()
        return
    for start in range(0, len(rows), INSERT_CHUNK_ROWS):  # within SQLite's limit on bound variables
        chunk = rows[start:start + INSERT_CHUNK_ROWS]
        session.execute(insert(model).values(chunk).on_conflict_do_nothing(index_elements=[key]))
