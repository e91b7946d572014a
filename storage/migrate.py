"""Schema migrations: upgrade, report, refuse to run on an out-of-date schema, detect drift."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from core.errors import SchemaOutOfDate

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"

# Objects that live in the database but not in the ORM models, so the drift check leaves them
# alone: APScheduler's job store (created by APScheduler), and objects only migrations manage
# (full-text search tables and their shadow tables).
UNMODELLED_TABLE_PREFIXES = ("apscheduler_", "articles_fts", "alembic_version")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    if type_ == "table" and name and name.startswith(UNMODELLED_TABLE_PREFIXES):
        return False
    if type_ == "table" and name and name.startswith("v_"):
        return False
    return not (type_ == "index" and name and name.startswith("ix_articles_fts"))


def alembic_config(database_url: str | None = None) -> Config:
    config = Config(str(MIGRATIONS_DIR.parent / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url:
        config.attributes["database_url"] = database_url
    return config


@functools.cache
def head_revision() -> str:
    # Cached: reading the scripts directory imports every revision (25-30 ms), and a crawl process
    # checks the schema once per source it opens; the revisions on disk are the code's own.
    script = ScriptDirectory.from_config(alembic_config())
    return script.get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def downgrade(engine: Engine, revision: str) -> None:
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def ensure_current(engine: Engine) -> None:
    """Refuse to work against a schema that is not at the head revision."""
    current, head = current_revision(engine), head_revision()
    if current != head:
        from core.masking import mask_secrets

        state = f"at revision {current}" if current else "not initialised"
        raise SchemaOutOfDate(
            f"the database {mask_secrets(engine.url.render_as_string(hide_password=False))} is {state}, "
            f"this code needs {head}: run `newsdesk db upgrade`"
        )


def schema_drift(engine: Engine) -> list:
    """Differences between the models and the migrated database; empty when they agree."""
    from storage.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": include_object, "compare_type": True},
        )
        return compare_metadata(context, Base.metadata)
