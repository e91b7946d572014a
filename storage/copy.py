"""Copying a whole database into another, empty one: SQLite to PostgreSQL (or back).

Table by table in foreign-key order, in batches of rows (constant memory), through the models'
own column types (timestamps stay UTC, JSON stays JSON), all in one transaction on the target: a
copy that fails leaves the target as empty as it was. Ids are kept, so run IDs, article IDs and
story IDs mean the same on both sides.

Not copied, on purpose:
- database_identity: the target is another database and keeps the identity its migration made;
- scheduler_instances: running scheduler processes of the source's machine;
- change_log: the target's own triggers log every article and story as it arrives (on PostgreSQL
  an entry needs the transaction id of its writer, which a copied row cannot have): readers of
  the change feed start again from the beginning on the target (and change_log_pruned, how far
  the source's log was pruned, says nothing about the target's);
- the search index (articles_fts): the target's triggers build it as articles arrive.
The two foreign keys that go round (stories.canonical_article_id -> articles, articles.duplicate_of
-> articles) are filled in once both tables are there; PostgreSQL's sequences are then moved past
the copied ids. APScheduler's job store (apscheduler_jobs) comes along when the source has one.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, Table, bindparam, func, inspect, select, text, update

from compat.apscheduler import job_store_table
from core.errors import UserError
from storage import migrate
from storage.models import Base

BATCH = 1000
NOT_COPIED = ("database_identity", "scheduler_instances", "change_log", "change_log_pruned")
# Columns filled in after their table's rows are all there (they point at rows copied later or in
# the same table).
DEFERRED = {"stories": ("canonical_article_id",), "articles": ("duplicate_of",)}
JOB_TABLE = "apscheduler_jobs"
# Tables that hold what a copy brings; the target must have none of it.
CONTENT = ("sources", "crawl_runs", "articles", "stories")


def tables_to_copy() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_COPIED]


def check_target_is_empty(target: Engine) -> None:
    with target.connect() as connection:
        for name in CONTENT:
            if connection.execute(select(func.count()).select_from(Base.metadata.tables[name])).scalar():
                raise UserError(f"the target database already has rows in {name}: copy into an empty database "
                                "(a new one, upgraded with `newsdesk db upgrade`)")


def copy_database(source: Engine, target: Engine, *,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of `source` (at the schema head) into `target` (upgraded here to the head,
    empty). Returns the rows copied per table."""
    migrate.ensure_current(source)
    migrate.upgrade(target)
    check_target_is_empty(target)
    copied: dict[str, int] = {}
    jobs = job_store_table(source, JOB_TABLE) if inspect(source).has_table(JOB_TABLE) else None
    with source.connect() as reading, target.begin() as writing:
        for table in tables_to_copy():
            later = DEFERRED.get(table.name, ())
            count = 0
            rows = reading.execution_options(yield_per=BATCH).execute(select(table).order_by(*table.primary_key))
            for batch in rows.mappings().partitions(BATCH):
                writing.execute(table.insert(), [{**row, **{name: None for name in later}} for row in batch])
                count += len(batch)
                if progress is not None:
                    progress(table.name, len(batch))
            copied[table.name] = count
        for table in tables_to_copy():
            for name in DEFERRED.get(table.name, ()):
                _fill_in(reading, writing, table, name)
        if jobs is not None:
            target_jobs = job_store_table(target, JOB_TABLE)
            target_jobs.create(writing, checkfirst=True)
            stored = [dict(row) for row in reading.execute(select(jobs)).mappings()]
            if stored:
                writing.execute(target_jobs.insert(), stored)
            copied[JOB_TABLE] = len(stored)
        if writing.dialect.name == "postgresql":
            _move_sequences(writing)
    return copied


def _fill_in(reading, writing, table: Table, column: str) -> None:
    key = table.primary_key.columns.values()[0]
    # Columns the model updates by itself (updated_at) are set to their copied values too, or the
    # update would stamp them with the time of the copy.
    kept = [c.name for c in table.columns if c.onupdate is not None]
    rows = reading.execution_options(yield_per=BATCH).execute(
        select(key.label("row_id"), *(table.c[name].label(f"v_{name}") for name in [column, *kept]))
        .where(table.c[column].is_not(None)))
    statement = (update(table).where(key == bindparam("row_id"))
                 .values({name: bindparam(f"v_{name}") for name in [column, *kept]}))
    for batch in rows.mappings().partitions(BATCH):
        writing.execute(statement, [dict(row) for row in batch])


def _move_sequences(writing) -> None:
    """Serial ids continue after the copied ones (explicit ids do not move a PostgreSQL sequence)."""
    for table in tables_to_copy():
        for column in table.primary_key.columns:
            sequence = writing.execute(text("SELECT pg_get_serial_sequence(:t, :c)"),
                                       {"t": table.name, "c": column.name}).scalar()
            if sequence:
                writing.execute(text(f"SELECT setval(:s, COALESCE((SELECT MAX({column.name}) FROM {table.name}), 0) + 1, false)"),
                                {"s": sequence})
