"""scheduled jobs call scheduler:run_job (the scheduler moved from newsdesk/scheduling.py to scheduler.py)

APScheduler keeps each job's function as a text reference inside its pickled state
(`apscheduler_jobs.job_state`). Jobs stored before the move name `newsdesk.scheduling:run_job`,
which no longer imports: APScheduler would drop them with an error on start, losing a queued
`schedule run-now`. This rewrites the reference in place; the schedule itself is unchanged. The
table is APScheduler's own (created on first use), so a database without it has nothing to do.

Revision ID: 20261207_01
Revises: 20261128_08
Create Date: 2026-12-07 09:00:00
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '20261207_01'
down_revision: str | Sequence[str] | None = '20261128_08'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD, NEW = "newsdesk.scheduling:run_job", "scheduler:run_job"


def _rewrite(before: str, after: str) -> None:
    connection = op.get_bind()
    if not sa.inspect(connection).has_table("apscheduler_jobs"):
        return
    jobs = sa.table("apscheduler_jobs", sa.column("id", sa.String), sa.column("job_state", sa.LargeBinary))
    for job_id, blob in connection.execute(sa.select(jobs.c.id, jobs.c.job_state)).all():
        state = pickle.loads(blob)  # noqa: S301 - our own job store, written by APScheduler
        if state.get("func") != before:
            continue
        state["func"] = after
        connection.execute(jobs.update().where(jobs.c.id == job_id)
                           .values(job_state=pickle.dumps(state, pickle.HIGHEST_PROTOCOL)))


def upgrade() -> None:
    _rewrite(OLD, NEW)


def downgrade() -> None:
    _rewrite(NEW, OLD)
