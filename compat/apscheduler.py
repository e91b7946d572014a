"""APScheduler internals newsdesk relies on, checked before they are used.

APScheduler 3 makes one last pass over due jobs after `shutdown()` has already shut its executors
down: a job due at that moment (a `schedule run-now` queued seconds before SIGTERM) fails to
submit, is then removed from the store without having run, and the scheduler dies with
JobLookupError (exit 1: a failed stop under systemd). Our scheduler classes skip that pass
(`_process_jobs` returns at once once stopped): the job stays stored and runs at the next start.
The same method, never processing, makes `JobStoreClient`, the scheduler `schedule run-now` uses in
another process to write to the job store, unable to run a job.

Both rely on `_process_jobs` being what the main loop calls. When a release changes that, the
scheduler runs as released (recorded), and `schedule run-now` refuses in one line rather than risk
running a crawl in the operator's terminal.
"""

from __future__ import annotations

import functools
import inspect

from apscheduler.schedulers.background import BackgroundScheduler
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
    """The scheduler `newsdesk schedule` runs: no pass over due jobs once it has been shut down."""

    def _process_jobs(self):
        if self.state == STATE_STOPPED and process_jobs_hook_matches():
            return None
        return super()._process_jobs()


class JobStoreClient(BackgroundScheduler):
    """A scheduler that only reads and writes the job store and never runs a job (`schedule run-now`)."""

    def __init__(self, *args, **kwargs):
        if not process_jobs_hook_matches():
            raise UserError("this APScheduler release cannot queue a run safely from here: use `newsdesk crawl` "
                            "instead, or install the apscheduler version pinned in requirements.lock")
        super().__init__(*args, **kwargs)

    def _main_loop(self) -> None:
        return None

    def _process_jobs(self):
        return None
