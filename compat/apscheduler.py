"""APScheduler internals newsdesk relies on, checked before they are used.

APScheduler 3 makes one last pass over due jobs after `shutdown()` has already shut its executors
down: a job due at that moment (a `schedule run-now` queued seconds before SIGTERM) fails to
submit, is then removed from the store without having run, and the scheduler dies with
JobLookupError (exit 1: a failed stop under systemd). Our scheduler classes skip that pass
(`_process_jobs` returns at once once stopped): the job stays stored and runs at the next start.
`NightlyScheduler` relies on `_process_jobs` being what the main loop calls. When a release changes
that, the scheduler runs as released (recorded). `JobStoreClient`, the scheduler that only writes
to the job store (`schedule run-now`), has no main loop at all, so it can never run a job.
"""

from __future__ import annotations

import functools
import inspect

from apscheduler.schedulers.base import STATE_STOPPED, BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler

from compat import record
from core.errors import UserError

LIBRARY = "apscheduler"


@functools.cache
def process_jobs_hook_matches() -> bool:
    try:
        signature = list(inspect.signature(BaseScheduler._process_jobs).parameters)
        loop = inspect.getsource(BlockingScheduler._main_loop)
    except (AttributeError, OSError, TypeError) as exc:
        return record(LIBRARY, "process_jobs", False, f"no BaseScheduler._process_jobs / _main_loop ({exc})")
    found = signature == ["self"] and "self._process_jobs()" in loop
    return record(LIBRARY, "process_jobs", found,
                  "" if found else "the main loop no longer calls _process_jobs()")


class NightlyScheduler(BlockingScheduler):
    """The scheduler `newsdesk schedule` runs: no pass over due jobs once it has been shut down,
    and a stop (request_stop, from any thread) carried out by the main loop itself, between two
    passes: shut down from elsewhere during a pass, a due job fails to be submitted to the
    executors just shut down, and APScheduler then deletes it from the store without running it."""

    _stop_requested = False

    def request_stop(self) -> None:
        if not process_jobs_hook_matches():  # a release we cannot hook: stop as it would
            if self.running:
                self.shutdown(wait=False)
            return
        self._stop_requested = True
        if getattr(self, "_event", None) is not None:  # not started yet: its start wakes it anyway
            self.wakeup()

    def _process_jobs(self):
        if self._stop_requested and process_jobs_hook_matches():
            if self.state != STATE_STOPPED:
                self.shutdown(wait=False)
            return None
        if self.state == STATE_STOPPED and process_jobs_hook_matches():
            return None
        return super()._process_jobs()


class JobStoreClient(BaseScheduler):
    """A scheduler that only reads and writes the job store and never runs a job (`schedule run-now`,
    and the scheduler queueing a crawl it cut short again while it stops).

    It has no main loop and starts no thread, so it cannot run a job whatever the release. A
    thread is also what Python 3.12 refuses to start once the interpreter is shutting down, which
    is when a stopping scheduler queues its interrupted crawl again: a BackgroundScheduler there
    raised RuntimeError and the crawl was not queued.
    """

    def wakeup(self) -> None:
        return None  # nothing runs jobs here: nothing to wake

    def shutdown(self, wait: bool = True) -> None:  # abstract in BaseScheduler, which does the work
        super().shutdown(wait)


def read_stored_jobs(engine, tablename: str) -> list:
    """Every job in a SQLAlchemyJobStore table, read without writing anything.

    The store's own reader deletes the rows it cannot unpickle (in the same transaction), and its
    start() creates the table: neither may happen in `schedule list`, which only reads. So the
    rows are read here, from the store's own table definition, and each is rebuilt through Job's
    pickling protocol; a row that cannot be rebuilt is returned as (id, error text) and left alone.
    """
    import pickle

    from apscheduler.job import Job
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from sqlalchemy import select

    store = SQLAlchemyJobStore(engine=engine, tablename=tablename)
    table = job_store_table(engine, tablename)
    if not hasattr(Job, "__setstate__"):
        record(LIBRARY, "read_jobs", False, "Job has no __setstate__")
        raise UserError("this APScheduler release stores jobs in a form newsdesk cannot read without writing: "
                        "install the apscheduler version pinned in requirements.lock")
    record(LIBRARY, "read_jobs", True)
    jobs: list = []
    with engine.connect() as connection:
        rows = connection.execute(select(table.c.id, table.c.job_state).order_by(table.c.next_run_time)).all()
    for job_id, state in rows:
        try:
            job_state = pickle.loads(state)
            job_state["jobstore"] = store
            job = Job.__new__(Job)
            job.__setstate__(job_state)
            jobs.append(job)
        except Exception as exc:  # noqa: BLE001 - one unreadable job is reported, not fatal
            jobs.append((job_id, f"{type(exc).__name__}: {exc}"))
    return jobs


def job_store_table(engine, tablename: str):
    """The SQLAlchemy table of APScheduler's job store (its `jobs_t`: id, next_run_time, job_state),
    to read its rows or copy them (storage/copy.py) without going through the store."""
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    table = getattr(SQLAlchemyJobStore(engine=engine, tablename=tablename), "jobs_t", None)
    columns = set(table.c.keys()) if table is not None else set()
    if not {"id", "next_run_time", "job_state"} <= columns:
        record(LIBRARY, "job_store_table", False, f"the job store's table has columns {sorted(columns)}")
        raise UserError("this APScheduler release keeps its jobs in a table newsdesk does not know: "
                        "install the apscheduler version pinned in requirements.lock")
    record(LIBRARY, "job_store_table", True)
    return table
