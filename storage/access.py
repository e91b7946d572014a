"""Read-only access for downstream readers on PostgreSQL: a role that can SELECT and nothing else."""

from __future__ import annotations

import re

from sqlalchemy import Connection, text

from core.errors import UserError

READER_VIEWS = ("v_articles", "v_stories", "v_crawl_runs", "v_article_countries", "v_article_organisations",
                "v_story_countries", "v_story_organisations")
_ROLE = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def grant_reader(connection: Connection, role: str, *, tables: bool = False, password: str | None = None) -> list[str]:
    """Create (or update) ``role`` with SELECT on the reader views (and on every table with
    ``tables``). The role is also read-only by default: its transactions cannot write even where a
    grant was forgotten. Idempotent: run it again after upgrades that add versioned views."""
    if connection.dialect.name != "postgresql":
        raise UserError("grant-reader is for PostgreSQL; on SQLite open the file read-only (see the README)")
    if not _ROLE.match(role):
        raise UserError(f"role name {role!r}: use lowercase letters, digits and _ (starting with a letter or _)")
    database = connection.exec_driver_sql("SELECT current_database()").scalar()
    exists = connection.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": role}).scalar()
    done = []
    if not exists:
        connection.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN')
        done.append(f"created role {role}")
    if password is not None:
        # The password is sent as a bound literal-free statement: quote it as PostgreSQL does.
        quoted = connection.execute(text("SELECT quote_literal(:p)"), {"p": password}).scalar()
        connection.exec_driver_sql(f'ALTER ROLE "{role}" LOGIN PASSWORD {quoted}')
        done.append("set its password")
    connection.exec_driver_sql(f'ALTER ROLE "{role}" SET default_transaction_read_only = on')
    connection.exec_driver_sql(f'GRANT CONNECT ON DATABASE "{database}" TO "{role}"')
    connection.exec_driver_sql(f'GRANT USAGE ON SCHEMA public TO "{role}"')
    connection.exec_driver_sql(f'REVOKE CREATE ON SCHEMA public FROM "{role}"')
    # Temporary tables are writable by whoever may create them, and every role may by default
    # (PUBLIC has TEMPORARY on each database): a reader that turned read-only off wrote temp tables
    # (issue 23). Taken from PUBLIC on this database; its owner keeps it, other roles need a grant.
    connection.exec_driver_sql(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
    connection.exec_driver_sql(f'REVOKE TEMPORARY ON DATABASE "{database}" FROM "{role}"')
    views = sorted(connection.execute(text(
        "SELECT table_name FROM information_schema.views WHERE table_schema = 'public' AND table_name LIKE 'v\\_%'"
    )).scalars())
    missing = set(READER_VIEWS) - set(views)
    if missing:
        raise UserError(f"views {', '.join(sorted(missing))} are missing: run `newsdesk db upgrade` first")
    # Start from nothing on the tables (views count as tables here), then grant what the role is for.
    connection.exec_driver_sql(f'REVOKE ALL ON ALL TABLES IN SCHEMA public FROM "{role}"')
    if tables:
        connection.exec_driver_sql(f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{role}"')
        done.append("SELECT on every table and view")
    else:
        for view in views:
            connection.exec_driver_sql(f'GRANT SELECT ON "{view}" TO "{role}"')
        done.append(f"SELECT on {', '.join(views)}")
    return done
