"""The nightly schedule: APScheduler 3 with its job store in the project's database.

Job settings, on purpose:
- coalesce=True: after a scheduler outage, several missed nights are caught up by one run, not
  by a burst of identical crawls;
- max_instances=1: a crawl that runs long never overlaps the next one of the same job (the
  per-source lock in the database covers overlaps between different jobs and manual crawls);
- misfire_grace_time=NEWSDESK_MISFIRE_GRACE_MINUTES (1 h): a scheduler restarted at 02:20 still
  runs the 02:00 crawl; one down all night waits for the next night instead of crawling at noon.

`python scheduler.py` starts it, as `newsdesk schedule` does. Every crawl runs in its own process
(crawlers/runs/runner.py), with a timeout. SIGTERM/SIGINT stop the
scheduler from taking jobs, give running crawls NEWSDESK_SHUTDOWN_GRACE_SECONDS to close cleanly,
then kill them; their runs end `interrupted`, never left `running`.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from sqlalchemy import delete, select
from sqlalchemy import inspect as sqlalchemy_inspect

from compat.apscheduler import JobStoreClient, NightlyScheduler, read_stored_jobs
from core.dates import utcnow
from core.settings import get_settings
from crawlers.runs import runner
from crawlers.sources import SourceSpec, sources_file
from storage import migrate, runs
from storage.db import get_engine, session_factory
from storage.models import SchedulerInstance
from storage.sources import source_id

logger = logging.getLogger("newsdesk.scheduler")

JOB_TABLE = "apscheduler_jobs"
NIGHTLY_JOB = "nightly"
SOURCE_JOB_PREFIX = "source:"
RUN_NOW_PREFIX = "run-now:"
HEARTBEAT_SECONDS = 30
# What stored jobs call, by reference (the job store keeps this text; a migration rewrites it if it moves).
RUN_JOB = "scheduler:run_job"

_active: dict[int, runner.CrawlProcess] = {}
_active_lock = threading.Lock()
_stopping = threading.Event()


@dataclass(frozen=True)
class DesiredJob:
    job_id: str
    trigger: CronTrigger
    keys: tuple[str, ...]


def desired_jobs(sources: list[SourceSpec]) -> list[DesiredJob]:
    """The nightly job for every enabled source without its own `schedule`, one job per override."""
    settings = get_settings()
    tz = ZoneInfo(settings.timezone)
    jitter = settings.schedule_jitter_seconds or None
    nightly = tuple(s.key for s in sources if s.enabled and not s.schedule)
    jobs = []
    if nightly:
        jobs.append(DesiredJob(NIGHTLY_JOB, CronTrigger.from_crontab(settings.nightly_cron, timezone=tz), nightly))
    for source in sources:
        if source.enabled and source.schedule:
            jobs.append(DesiredJob(f"{SOURCE_JOB_PREFIX}{source.key}",
                                   CronTrigger.from_crontab(source.schedule, timezone=tz), (source.key,)))
    for job in jobs:
        job.trigger.jitter = jitter
    return jobs


def build_scheduler(*, blocking: bool):
    settings = get_settings()
    cls = NightlyScheduler if blocking else JobStoreClient
    return cls(
        jobstores={"default": SQLAlchemyJobStore(engine=get_engine(), tablename=JOB_TABLE),
                   "memory": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=8)},
        job_defaults={"coalesce": True, "max_instances": 1,
                      "misfire_grace_time": settings.misfire_grace_minutes * 60},
        timezone=ZoneInfo(settings.timezone),
    )


def _same(job, desired: DesiredJob) -> bool:
    return str(job.trigger) == str(desired.trigger) and tuple(job.args[0]) == desired.keys \
        and getattr(job.trigger, "jitter", None) == desired.trigger.jitter


def sync_jobs(scheduler, sources: list[SourceSpec]) -> list[str]:
    """Make the stored jobs match the sources file and settings; unchanged jobs keep their state
    (so a run missed while the scheduler was down is still caught up within the grace time)."""
    wanted = {job.job_id: job for job in desired_jobs(sources)}
    changes = []
    for job in scheduler.get_jobs(jobstore="default"):
        if job.id.startswith(RUN_NOW_PREFIX):
            continue
        if job.id not in wanted:
            scheduler.remove_job(job.id, jobstore="default")
            changes.append(f"removed {job.id}")
        elif not _same(job, wanted[job.id]):
            scheduler.remove_job(job.id, jobstore="default")
        else:
            wanted.pop(job.id)
    for job in wanted.values():
        label = ", ".join(job.keys) if len(job.keys) <= 3 else f"{len(job.keys)} sources"
        scheduler.add_job(RUN_JOB, trigger=job.trigger, args=[list(job.keys), "scheduled"],
                          id=job.job_id, name=f"crawl {label}", jobstore="default",
                          replace_existing=True)
        changes.append(f"scheduled {job.job_id}")
    return changes


def _crawlable(keys: list[str]) -> list[str]:
    """Sources not being crawled right now (a manual crawl may be going: it is not interrupted)."""
    settings = get_settings()
    free = []
    with session_factory().begin() as session:
        for key in keys:
            sid = source_id(session, key)
            try:
                if sid is not None:
                    runs.check_not_locked(session, sid, key, stale_after=timedelta(minutes=settings.stale_lock_minutes))
                free.append(key)
            except runs.SourceLocked as exc:
                logger.warning("skipping %s: %s", key, exc)
    return free


def run_job(keys: list[str], trigger: str = "scheduled") -> int:
    """The job every schedule runs: one crawl process for these sources, with the crawl timeout.

    A stop of the scheduler never loses a crawl: one that had not started when the stop came, or
    that the stop cut short, is queued again (a one-off job) and runs when the scheduler next
    starts; its sources resume where they were (what was stored is not fetched again).
    """
    settings = get_settings()
    # The check and the launch happen under the lock stop_active_crawls takes: a crawl either is
    # launched before the stop looks at the running crawls (and is stopped by it), or sees the stop.
    with _active_lock:
        if _stopping.is_set():
            requeue(keys, trigger, "the scheduler was stopping when it was due")
            return 1
        keys = _crawlable(keys)
        if not keys:
            return 1
        # With NEWSDESK_REDIS_URL the nightly crawl is distributed: this process seeds the shared
        # queue and follows the `newsdesk worker`s; the run records are the same.
        process = runner.launch(keys, trigger=trigger, distributed=bool(settings.redis_url))
        _active[process.pid] = process
    logger.info("crawl of %s started (pid %s, %s)", ", ".join(keys), process.pid, trigger)
    try:
        code = runner.follow(process, timeout_seconds=settings.crawl_timeout_minutes * 60
                             + settings.shutdown_grace_seconds, grace_seconds=settings.shutdown_grace_seconds)
    finally:
        with _active_lock:
            _active.pop(process.pid, None)
    ran = process.runs()
    statuses = ", ".join(f"{r.spider}={r.status}" for r in ran) or "no run started"
    logger.info("crawl of %s ended with status %s: %s", ", ".join(keys), code, statuses)
    if _stopping.is_set():
        finished = {run.spider for run in ran if run.status not in ("running", "interrupted")}
        cut_short = [key for key in keys if key not in finished]
        if cut_short:
            requeue(cut_short, trigger, "the scheduler was stopped during its crawl")
    return code


def requeue(keys: list[str], trigger: str, why: str) -> str:
    """Queue these sources again as a one-off job, run when a scheduler next runs."""
    job_id = queue_once(keys, trigger)
    logger.warning("crawl of %s queued again as %s: %s", ", ".join(keys), job_id, why)
    return job_id


def stop_active_crawls(grace_seconds: float) -> None:
    """SIGTERM every running crawl, give them the grace period, kill the rest, close their runs."""
    with _active_lock:
        _stopping.set()  # from here on, a job that is due queues itself again instead of starting
        processes = list(_active.values())
    threads = [threading.Thread(target=runner.stop, args=(p, grace_seconds)) for p in processes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process in processes:
        runner.mark_unfinished(process, "interrupted", "the scheduler was stopped")


def _heartbeat(instance_id: int) -> None:
    with session_factory().begin() as session:
        instance = session.get(SchedulerInstance, instance_id)
        if instance is not None:
            instance.heartbeat_at = utcnow()


def live_instances(engine=None) -> list[SchedulerInstance]:
    cutoff = utcnow() - timedelta(seconds=3 * HEARTBEAT_SECONDS)
    with session_factory(engine)() as session:
        return list(session.scalars(select(SchedulerInstance).where(SchedulerInstance.heartbeat_at >= cutoff)))


def load_sources() -> list[SourceSpec]:
    from crawlers.sources import load_sources as load

    return load(sources_file())


def queue_run_now(key: str, at: datetime | None = None) -> str:
    """Queue a crawl of one source through the scheduler's own path (its job store)."""
    return queue_once([key], "manual", at)


def queue_once(keys: list[str], trigger: str, at: datetime | None = None) -> str:
    """Store a one-off job crawling `keys` at `at` (now), kept 24 h for a scheduler to run it."""
    scheduler = build_scheduler(blocking=False)
    scheduler.start(paused=True)
    label = ", ".join(keys) if len(keys) <= 3 else f"{len(keys)} sources"
    try:
        job_id = f"{RUN_NOW_PREFIX}{keys[0] if len(keys) == 1 else 'sources'}:{utcnow():%Y%m%dT%H%M%S%f}"
        scheduler.add_job(RUN_JOB, trigger=DateTrigger(run_date=at or utcnow()),
                          args=[list(keys), trigger], id=job_id, jobstore="default", misfire_grace_time=24 * 3600,
                          name=f"crawl {label} ({'run-now' if trigger == 'manual' else 'queued again'})")
    finally:
        scheduler.shutdown(wait=False)
    return job_id


def describe_trigger(trigger) -> str:
    """A cron trigger as the crontab line it came from ("0 2 * * *"), a date trigger as its date."""
    if isinstance(trigger, CronTrigger):
        fields = {field.name: str(field) for field in trigger.fields}
        line = " ".join(fields[name] for name in ("minute", "hour", "day", "month", "day_of_week"))
        jitter = f" (+ up to {trigger.jitter} s)" if trigger.jitter else ""
        return f"{line}{jitter} {trigger.timezone}"
    if isinstance(trigger, DateTrigger):
        return f"once at {trigger.run_date:%Y-%m-%d %H:%M:%S %Z}"
    return str(trigger)


def _job_rows(jobs) -> list[tuple[str, str, object, str]]:
    return [(job.id, job.name, job.next_run_time, describe_trigger(job.trigger))
            for job in sorted(jobs, key=lambda j: (j.next_run_time is None, j.next_run_time or 0))]


def sync_stored_jobs(sources: list[SourceSpec]) -> list[tuple[str, str, object, str]]:
    """Make the stored jobs match the sources file (the scheduler does it when it starts), and
    return them: (id, name, next run time, trigger). Done with a paused scheduler of its own."""
    scheduler = build_scheduler(blocking=False)
    scheduler.start(paused=True)
    try:
        for change in sync_jobs(scheduler, sources):
            logger.info("%s", change)
        return _job_rows(scheduler.get_jobs(jobstore="default"))
    finally:
        scheduler.shutdown(wait=False)


def stored_jobs(engine) -> list[tuple[str, str, object, str]]:
    """(id, name, next run time, trigger) of every stored job, read and nothing else: no sync with
    whatever sources file the caller's shell names, no table created where there is none (a
    database the scheduler never ran on lists nothing), no unreadable job deleted."""
    if not sqlalchemy_inspect(engine).has_table(JOB_TABLE):
        return []
    jobs = read_stored_jobs(engine, JOB_TABLE)
    readable = _job_rows(job for job in jobs if not isinstance(job, tuple))
    return readable + [(job_id, f"unreadable ({error})", None, "-") for job_id, error in
                       (job for job in jobs if isinstance(job, tuple))]


ROUTINE_JOBS = ("poll", "heartbeat")


class QuietRoutineJobs(logging.Filter):
    """APScheduler logs "Running job" and "executed successfully" at INFO for every run of every
    job: for the poll (every NEWSDESK_SCHEDULER_POLL_SECONDS) and the heartbeat that was 17,000 lines a day in
    scheduler.log. Those two lines of those two jobs are logged at DEBUG; crawls stay at INFO."""

    def filter(self, record: logging.LogRecord) -> bool:
        job = record.args[0] if isinstance(record.args, tuple) and record.args else None
        if record.levelno == logging.INFO and getattr(job, "id", None) in ROUTINE_JOBS:
            record.levelno, record.levelname = logging.DEBUG, "DEBUG"
            return logging.getLogger(record.name).isEnabledFor(logging.DEBUG)
        return True


def serve() -> int:
    """Run the blocking scheduler until SIGTERM/SIGINT."""
    settings = get_settings()
    executor_log = logging.getLogger("apscheduler.executors.default")
    if not any(isinstance(f, QuietRoutineJobs) for f in executor_log.filters):
        executor_log.addFilter(QuietRoutineJobs())
    migrate.ensure_current(get_engine())
    sources = load_sources()
    scheduler = build_scheduler(blocking=True)

    def stop(signum, _frame):
        # Only flags are set here: the scheduler is shut down by its own main loop, between two
        # passes over due jobs (compat/apscheduler.py), never in the middle of one, where a due
        # job would fail to be submitted and be deleted. The wake-up goes through a thread: a
        # signal handler must not take a lock its own thread may be holding.
        logger.info("signal %s: stopping; running crawls get %s s to finish", signum, settings.shutdown_grace_seconds)
        _stopping.set()
        threading.Thread(target=scheduler.request_stop, name="stop", daemon=True).start()

    def poll() -> None:
        """Wakes the scheduler every NEWSDESK_SCHEDULER_POLL_SECONDS so it sees jobs queued by other
        processes (`schedule run-now`)."""

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for job_id, name, next_run, _trigger in sync_stored_jobs(sources):
        logger.info("job %s (%s): next run %s", job_id, name, next_run)
    with session_factory().begin() as session:
        session.execute(delete(SchedulerInstance).where(SchedulerInstance.host == socket.gethostname(),
                                                        SchedulerInstance.pid == os.getpid()))
        instance = SchedulerInstance(host=socket.gethostname(), pid=os.getpid())
        session.add(instance)
        session.flush()
        instance_id = instance.id
    scheduler.add_job(_heartbeat, "interval", seconds=HEARTBEAT_SECONDS, args=[instance_id], id="heartbeat",
                      jobstore="memory")
    scheduler.add_job(poll, "interval", seconds=settings.scheduler_poll_seconds, id="poll", jobstore="memory")
    logger.info("scheduler running (pid %s); sources from %s", os.getpid(), sources_file())
    try:
        if not _stopping.is_set():
            scheduler.start()  # blocks until a signal shuts it down
    finally:
        stop_active_crawls(settings.shutdown_grace_seconds)
        with session_factory().begin() as session:
            session.execute(delete(SchedulerInstance).where(SchedulerInstance.id == instance_id))
        logger.info("scheduler stopped")
    return 0


def main() -> int:
    """`python scheduler.py`: run the scheduler in the foreground, as `newsdesk schedule` does."""
    from core.errors import one_line
    from core.logs import configure

    try:
        configure("scheduler")
        return serve()
    except Exception as exc:
        reported = one_line(exc)
        if reported is None:
            raise
        print(f"newsdesk: error: {reported[0]}", file=sys.stderr)
        return reported[1]


if __name__ == "__main__":
    sys.exit(main())
