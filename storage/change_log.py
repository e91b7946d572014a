"""Pruning the change feed's log, and how far it was pruned.

change_log (written by triggers: see the migration 20261207_03) gets a row for every article,
revision and story change; kept forever, it outgrows the articles themselves. Changes older than
NEWSDESK_CHANGE_LOG_RETENTION_DAYS are deleted at the end of each crawl, and always as a *prefix*
of the feed's order ((txid, id) on PostgreSQL, id on SQLite): a reader's cursor then either lies
after everything deleted (it misses nothing) or before some of it, which change_log_pruned tells
(GET /changes answers 410). Deleting by age alone could leave holes in the middle of the order,
which no cursor check can see.

On PostgreSQL only final rows are deleted: rows whose transaction id is below the feed's horizon
(every transaction before it has ended), the rows a reader may already have passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, delete, literal_column, or_, select, tuple_, update
from sqlalchemy.orm import Session

from core.dates import utcnow
from storage.models import ChangeLogEntry, ChangeLogPruned

# The oldest transaction still running anywhere in the cluster: rows below it are final. The feed
# (newsdesk/api/changes.py) reads only below it; pruning deletes only below it.
HORIZON_SQL = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
HORIZON = literal_column(HORIZON_SQL)


@dataclass(frozen=True)
class PrunedThrough:
    """Every change at or before this position is gone."""

    txid: int | None
    serial: int
    at: datetime

    def missed_by(self, txid: int, serial: int, dialect: str) -> bool:
        """A reader at the cursor (txid, serial) would miss changes: some after it are gone."""
        if dialect == "postgresql":
            return (txid, serial) < (self.txid or 0, self.serial)
        return serial < self.serial


def pruned_through(connection: Connection) -> PrunedThrough | None:
    """How far the log has been pruned; None while it never has been."""
    row = connection.execute(select(ChangeLogPruned.txid, ChangeLogPruned.serial, ChangeLogPruned.pruned_at)
                             .where(ChangeLogPruned.id == 1)).first()
    if row is None or row.pruned_at is None:
        return None
    return PrunedThrough(row.txid, row.serial, row.pruned_at)


def prune_change_log(session: Session, older_than_days: int, now: datetime | None = None) -> int:
    """Delete the changes written more than ``older_than_days`` ago (0: keep everything), as a prefix
    of the feed's order, and record how far. Returns the number of rows deleted."""
    if older_than_days <= 0:
        return 0
    cutoff = (now or utcnow()) - timedelta(days=older_than_days)
    postgres = session.get_bind().dialect.name == "postgresql"

    def position(txid, serial):
        """A place in the feed's order: (txid, id) on PostgreSQL, id on SQLite."""
        return tuple_(txid, serial) if postgres else serial

    entry = position(ChangeLogEntry.txid, ChangeLogEntry.id)
    order = (ChangeLogEntry.txid, ChangeLogEntry.id) if postgres else (ChangeLogEntry.id,)
    # The first change to keep: the first one young enough (or, on PostgreSQL, not yet final).
    keep_from = ChangeLogEntry.changed_at >= cutoff
    if postgres:
        keep_from = or_(keep_from, ChangeLogEntry.txid >= HORIZON)
    first_kept = session.execute(select(ChangeLogEntry.txid, ChangeLogEntry.id).where(keep_from)
                                 .order_by(*order).limit(1)).first()
    # The last change to delete: the one just before it (or the last of all).
    last = select(ChangeLogEntry.txid, ChangeLogEntry.id)
    if first_kept is not None:
        last = last.where(entry < position(first_kept.txid, first_kept.id))
    last_pruned = session.execute(last.order_by(*(column.desc() for column in order)).limit(1)).first()
    if last_pruned is None:
        return 0
    txid, serial = last_pruned.txid, last_pruned.id
    deleted = session.execute(delete(ChangeLogEntry).where(entry <= position(txid, serial))).rowcount or 0
    # Two crawls closing at once may both prune: the mark only ever moves forward.
    moved_on = or_(ChangeLogPruned.pruned_at.is_(None),
                   position(ChangeLogPruned.txid, ChangeLogPruned.serial) < position(txid, serial))
    session.execute(update(ChangeLogPruned).where(ChangeLogPruned.id == 1, moved_on)
                    .values(txid=txid, serial=serial, pruned_at=now or utcnow()))
    session.execute(update(ChangeLogPruned).where(ChangeLogPruned.id == 1)
                    .values(rows_pruned=ChangeLogPruned.rows_pruned + deleted))
    return deleted
