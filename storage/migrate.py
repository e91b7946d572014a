"""Schema migrations: upgrade, downgrade, detect drift (Alembic). Which revision the code needs and
the database has, and refusing a mismatch, are storage/schema_version.py's (no Alembic import on
every command's path); they are named here too, for the callers that migrate anyway."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine

from storage.schema_version import current_revision, ensure_current, head_revision

__all__ = ["alembic_config", "current_revision", "downgrade", "ensure_current", "head_revision", "include_object",
           "schema_drift", "upgrade"]

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


def schema_drift(engine: Engine) -> list:
    """Differences between the models and the migrated database; empty when they agree."""
    from storage.models import Base

    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": include_object, "compare_type": True},
        )
        return compare_metadata(context, Base.metadata)
