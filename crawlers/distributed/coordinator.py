"""The coordinator of a distributed run: seed the shared queue, follow the workers, close the run.

`newsdesk crawl --distributed KEY...` and the scheduler (with NEWSDESK_REDIS_URL set) run this;
`newsdesk worker` processes on any number of machines do the crawling (crawlers/distributed/queue.py).

    python -m crawlers.distributed.coordinator --trigger scheduled KEY [KEY ...]

For each source: open its run (taking the per-source lock), push its feed/sitemap/section
requests into `<source>:requests`, then watch. A source is done when its queue is empty and no
live worker is busy with it. A worker that died while busy (its liveness key expired, its busy
mark still there) may have held requests: the source's discovery is pushed again under a new
pass, so what the dead worker lost is found again; what was stored meanwhile is known to the
database and is not fetched twice. The run's row then gets the sum of the workers' counters.
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from core.errors import UserError
from core.settings import get_settings
from crawlers.runs.runner import Interrupts

logger = logging.getLogger(__name__)
# A source is done when its queue is empty and no worker is busy with it. Workers take a request
# and mark themselves busy in one step, and clear the mark only once everything they took is
# stored, so one quiet snapshot is already exact; the second look costs half a second.
STABLE_POLLS = 2
POLL_SECONDS = 0.5


@dataclass
class SourceRun:
    key: str
    run_id: int
    spider: object
    passes: int = 1
    quiet: int = 0
    done: bool = False
    seeded: int = 0
    database: str | None = None  # the identity of the database the run is recorded in


def redis_server():
    import redis

    settings = get_settings()
    if not settings.redis_url:
        raise UserError("distributed crawling needs NEWSDESK_REDIS_URL (e.g. redis://127.0.0.1:6379/0)")
    server = redis.Redis.from_url(settings.redis_url)
    try:
        server.ping()
    except redis.RedisError as exc:
        from core.masking import mask_secrets

        raise UserError(f"Redis at {mask_secrets(settings.redis_url)} is unreachable: {exc}") from None
    return server


def scrapy_settings(sources_path: Path | None, role: str):
    import os

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawlers.settings")
    from scrapy.utils.project import get_project_settings

    from crawlers.distributed.queue import distributed_settings

    settings = get_project_settings()
    config = get_settings()
    for name, value in distributed_settings(config.redis_url).items():
        settings.set(name, value, priority="cmdline")
    settings.set("NEWSDESK_ROLE", role, priority="cmdline")
    if sources_path:
        settings.set("NEWSDESK_SOURCES", str(sources_path), priority="cmdline")
    return settings


def _spider(settings, key: str):
    from scrapy.crawler import Crawler
    from scrapy.spiderloader import get_spider_loader

    spidercls = get_spider_loader(settings).load(key)
    return spidercls.from_crawler(Crawler(spidercls, settings))


def push_discovery(server, source: SourceRun) -> int:
    """Put the source's feed, sitemap and section requests in its queue, tagged with run and pass."""
    from scrapy_redis import picklecompat
    from scrapy_redis.queue import PriorityQueue

    from crawlers.distributed.queue import DATABASE_META, KEYS, PASS_META, RUN_META, count_queued

    queue = PriorityQueue(server, source.spider, KEYS["queue"].format(source=source.key), picklecompat)
    count = 0
    for request in source.spider.discovery_requests():
        request.meta[RUN_META] = source.run_id
        request.meta[PASS_META] = source.passes
        request.meta[DATABASE_META] = source.database
        queue.push(request)
        count += 1
    if count:
        count_queued(server, source.run_id, count)
    return count


def seed(keys: list[str], *, trigger: str, sources_path: Path | None = None) -> list[SourceRun]:
    from datetime import timedelta

    from crawlers.sources import load_sources, sources_file
    from storage import runs, schema_version, sources
    from storage.db import get_engine, session_factory
    from storage.identity import database_id

    settings = get_settings()
    schema_version.ensure_current(get_engine())
    server = redis_server()
    specs = {s.key: s for s in load_sources(sources_file(sources_path))}
    scrapy = scrapy_settings(sources_path, "coordinator")
    seeded = []
    with session_factory().begin() as session:
        database = database_id(session)
        ids = sources.sync_sources(session, [specs[k] for k in keys], disable_missing=False)
        for key in keys:
            run = runs.start_run(session, source_id=ids[key], spider=key, trigger=trigger,
                                 stale_after=timedelta(minutes=settings.stale_lock_minutes))
            seeded.append(SourceRun(key, run.id, _spider(scrapy, key), database=database))
    for source in seeded:
        source.seeded = push_discovery(server, source)
        logger.info("run %s of %s: %s discovery requests queued", source.run_id, source.key, source.seeded)
    return seeded


def _aggregate(run_id: int) -> tuple[dict, int]:
    from storage.db import session_factory
    from storage.models import CrawlRunWorker

    totals: dict = {}
    with session_factory()() as session:
        rows = session.scalars(select(CrawlRunWorker).where(CrawlRunWorker.run_id == run_id)).all()
    for row in rows:
        for name, value in (row.stats or {}).items():
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                totals[name] = totals.get(name, 0) + value
    totals["newsdesk/workers"] = len(rows)
    return totals, len(rows)


def _unaccounted(server, source: SourceRun, stats: dict) -> str | None:
    """Why a run whose queue is empty cannot be `succeeded`: requests were queued for it that no
    worker of its database took (a worker of another database, or one that does not count what it
    takes, popped them), so their pages are neither stored, nor dropped, nor failed here."""
    from crawlers.distributed.queue import run_accounts

    queued, taken = run_accounts(server, source.run_id)
    stats["newsdesk/distributed/queued"], stats["newsdesk/distributed/taken"] = queued, taken
    if taken >= queued:
        return None
    logger.error("run %s of %s: %s of %s requests handed out were never taken by a worker of this database",
                 source.run_id, source.key, queued - taken, queued)
    return (f"{queued - taken} of {queued} requests handed out were not accounted for (taken by no worker "
            "of this database: a worker connected to another database, or an older newsdesk, took them)")


def _check(server, source: SourceRun) -> str:
    """One look at a source: 'working', 'waiting' (nobody took work yet), 'reseeded' or 'done'."""
    from crawlers.distributed.queue import KEYS

    # One snapshot of queue and busy marks (MULTI/EXEC): read apart, a worker could take the last
    # request between the two reads and finish it, and the source would look done one poll early.
    snapshot = server.pipeline(transaction=True)
    snapshot.zcard(KEYS["queue"].format(source=source.key))
    snapshot.hkeys(KEYS["busy"].format(source=source.key))
    queued, busy_keys = snapshot.execute()
    busy = {w.decode() for w in busy_keys}
    dead = {w for w in busy if not server.exists(KEYS["worker"].format(worker=w))}
    if dead:
        for worker in dead:
            server.hdel(KEYS["busy"].format(source=source.key), worker)
        source.passes += 1
        logger.warning("worker(s) %s died while busy with %s: discovery queued again (pass %s)",
                       ", ".join(sorted(dead)), source.key, source.passes)
        push_discovery(server, source)
        source.quiet = 0
        return "reseeded"
    if queued or busy - dead:
        source.quiet = 0
        took_part = server.scard(KEYS["run_workers"].format(run=source.run_id))
        return "working" if took_part else "waiting"
    source.quiet += 1
    return "done" if source.quiet >= STABLE_POLLS else "working"


def interrupt(server, seeded: list[SourceRun], stop: Interrupts, *, grace_seconds: float,
              poll_seconds: float = POLL_SECONDS) -> dict[int, str]:
    """Stop the sources not done yet: drop their queued requests (the next crawl finds again what
    they led to; what was stored is known and not fetched twice), wait up to `grace_seconds` for
    the workers to finish the requests they hold (unless the stop is insisted on), then close the
    runs `interrupted` with what the workers counted."""
    from crawlers.distributed.queue import KEYS
    from crawlers.runs.after_run import assess_finished_run
    from storage import runs
    from storage.db import session_factory

    pending = [source for source in seeded if not source.done]
    dropped = {}
    for source in pending:
        queue = KEYS["queue"].format(source=source.key)
        dropped[source.key] = server.zcard(queue)
        server.delete(queue)
    deadline = time.monotonic() + grace_seconds
    while not stop.insisted and time.monotonic() < deadline:
        busy = [w for source in pending for w in server.hkeys(KEYS["busy"].format(source=source.key))
                if server.exists(KEYS["worker"].format(worker=w.decode()))]
        if not busy:
            break
        time.sleep(poll_seconds)
    statuses = {}
    for source in pending:
        queue = KEYS["queue"].format(source=source.key)
        dropped[source.key] += server.zcard(queue)  # what the last held requests led to
        server.delete(queue)
        stats, _ = _aggregate(source.run_id)
        stats["newsdesk/passes"] = source.passes
        with session_factory().begin() as session:
            runs.finish_run(session, source.run_id, "interrupted", stats=stats,
                            error=f"stopped by signal {stop.received[0]}: {dropped[source.key]} queued requests dropped; "
                                  "the next crawl takes up what was not stored")
        assess_finished_run(source.run_id)
        statuses[source.run_id] = "interrupted"
        source.done = True
        server.delete(KEYS["open"].format(source=source.key))
        logger.warning("run %s of %s interrupted (signal %s)", source.run_id, source.key, stop.received[0])
    return statuses


def follow(seeded: list[SourceRun], *, timeout_seconds: float, poll_seconds: float = POLL_SECONDS,
           on_progress: Callable[[dict[str, str]], None] | None = None,
           stop: Interrupts | None = None) -> dict[int, str]:
    """Watch the sources until each is done (or the timeout, or a stop); close their runs.
    Returns statuses."""
    from crawlers.distributed.queue import KEYS, OPEN_RUN_TTL_SECONDS
    from crawlers.runs.after_run import assess_finished_run
    from crawlers.runs.counters import summary
    from crawlers.runs.recorder import run_status
    from storage import runs
    from storage.db import session_factory

    server = redis_server()
    deadline = time.monotonic() + timeout_seconds
    heartbeat_seconds, next_heartbeat = get_settings().heartbeat_seconds, 0.0
    states: dict[str, str] = {s.key: "waiting" for s in seeded}
    statuses: dict[int, str] = {}
    while any(not s.done for s in seeded):
        if stop is not None and stop.interrupted:
            statuses.update(interrupt(server, seeded, stop, grace_seconds=get_settings().shutdown_grace_seconds,
                                      poll_seconds=poll_seconds))
            break
        for source in seeded:
            if source.done:
                continue
            # Workers do not count idle time while a run of their source is open.
            server.set(KEYS["open"].format(source=source.key), source.run_id, ex=OPEN_RUN_TTL_SECONDS)
            states[source.key] = _check(server, source)
            if states[source.key] == "done":
                stats, _workers = _aggregate(source.run_id)
                stats["newsdesk/passes"] = source.passes
                status, error = run_status("finished", stats)
                unaccounted = _unaccounted(server, source, stats)
                if unaccounted and status == "succeeded":
                    status, error = "failed", unaccounted
                with session_factory().begin() as session:
                    runs.finish_run(session, source.run_id, status, stats=stats, error=error)
                logger.info("run %s of %s ended: %s; %s", source.run_id, source.key, status, summary(stats))
                assess_finished_run(source.run_id)  # health and alerts; never raises
                statuses[source.run_id] = status
                source.done = True
                server.delete(KEYS["open"].format(source=source.key))
        if time.monotonic() >= next_heartbeat:  # the runs' rows: as often as a local crawl's, not every poll
            next_heartbeat = time.monotonic() + heartbeat_seconds
            with session_factory().begin() as session:
                for source in seeded:
                    if not source.done:
                        runs.heartbeat(session, source.run_id, _aggregate(source.run_id)[0])
        if on_progress is not None:
            on_progress(states)
        if time.monotonic() > deadline:
            for source in seeded:
                if not source.done:
                    server.delete(KEYS["queue"].format(source=source.key))  # what was not fetched stays for next time
                    stats, _ = _aggregate(source.run_id)
                    with session_factory().begin() as session:
                        runs.finish_run(session, source.run_id, "timeout", stats=stats,
                                        error=f"not finished after {timeout_seconds:.0f} s; its queue was dropped")
                    assess_finished_run(source.run_id)
                    statuses[source.run_id] = "timeout"
                    source.done = True
                    server.delete(KEYS["open"].format(source=source.key))
            break
        time.sleep(poll_seconds)
    return statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawlers.distributed.coordinator")
    parser.add_argument("--trigger", default="scheduled", choices=["scheduled", "manual", "cli", "demo"])
    parser.add_argument("--sources", type=Path)
    parser.add_argument("keys", nargs="+")
    args = parser.parse_args(argv)
    logging.basicConfig(level=get_settings().log_level, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    try:
        seeded = seed(args.keys, trigger=args.trigger, sources_path=args.sources)
    except UserError as exc:
        print(f"newsdesk: error: {exc}", file=sys.stderr)
        return 2
    settings = get_settings()
    # SIGTERM (the scheduler stopping) or SIGINT: close the runs `interrupted`, not leave them running.
    with Interrupts() as stop:
        statuses = follow(seeded, timeout_seconds=settings.crawl_timeout_minutes * 60, stop=stop)
    return 0 if all(status == "succeeded" for status in statuses.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
