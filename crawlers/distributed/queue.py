"""Crawling on several machines: scrapy-redis's shared queue and fingerprints, plus what a
nightly news crawl needs on top of them.

With NEWSDESK_REDIS_URL set, every newsdesk spider uses scrapy-redis's scheduler: requests go to
one Redis queue per source (`<source>:requests`), which every worker pops from, so each URL is
fetched by one worker. On top of that:

- fingerprints are kept per run (`<source>:dupefilter:<run>`) and expire after
  NEWSDESK_FINGERPRINT_TTL_HOURS: scrapy-redis's single set per spider grows forever across
  nightly runs (scrapy-redis #144); cross-run "already have it" is the database's job (known URLs);
- the run a request belongs to travels in its meta (`newsdesk_run`) and is inherited by the
  requests and items it leads to, so every worker's work is counted in the right run;
- workers report liveness and which sources they are busy with, so the coordinator
  (crawlers/distributed/coordinator.py) knows when a run is done and whether a worker died holding requests;
- a worker closes after NEWSDESK_WORKER_IDLE_SECONDS with nothing to do, instead of waiting
  forever (scrapy-redis #107, #45);
- a run's requests carry the identity of its database (`newsdesk_database`, the UUID of table
  database_identity): a worker writing to another database (another DATABASE_URL, same Redis: a
  worker left over from another deployment) refuses them, puts them back, says so in its log and
  counts it (`newsdesk/distributed/refused_other_database`), instead of crawling them into the
  wrong database or nowhere;
- every request queued for a run and every request a worker of its database takes is counted in
  Redis (`newsdesk:run:<run>:queued` / `:taken`): a run whose queue emptied with fewer requests
  taken than queued lost some to something that does not account for them, and the coordinator
  does not close it `succeeded`.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import time

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from compat.scrapy import wake_engine
from compat.scrapy_redis import decode_request
from core.settings import from_scrapy

logger = logging.getLogger(__name__)

RUN_META = "newsdesk_run"
PASS_META = "newsdesk_pass"  # a run's discovery pushed again after a worker died: a new pass
DATABASE_META = "newsdesk_database"  # the identity of the database the run is recorded in
REFUSED_STAT = "newsdesk/distributed/refused_other_database"
RUN_COUNTERS_TTL_SECONDS = 7 * 86400
HEARTBEAT_SECONDS = 2
WORKER_TTL_SECONDS = 8  # a worker silent this long is dead (it reports every 2 s)
IDLE_POLL_SECONDS = 0.5  # how soon an idle worker sees requests another worker queued
OPEN_RUN_TTL_SECONDS = 5  # the coordinator refreshes it every poll; gone 5 s after a coordinator dies
# Test hook: a worker started with this in its environment kills itself (SIGKILL) right after
# taking its Nth request, holding it and its busy mark, as a worker killed mid-run would.
DIE_AFTER_ENV = "NEWSDESK_TEST_DIE_AFTER_REQUESTS"
_taken = [0]


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def keys(prefix: str = "newsdesk") -> dict[str, str]:
    return {
        "worker": prefix + ":worker:{worker}",            # liveness, with a TTL
        "busy": prefix + ":busy:{source}",                # hash: worker -> when it took work (cleared when idle)
        "open": prefix + ":open:{source}",                # a run of the source is open (the coordinator's, with a TTL)
        "run_workers": prefix + ":run:{run}:workers",     # set: workers that took part in a run
        "run_queued": prefix + ":run:{run}:queued",       # requests queued for the run (coordinator and workers)
        "run_taken": prefix + ":run:{run}:taken",         # requests of the run taken by workers of its database
        "queue": "{source}:requests",                     # scrapy-redis's queue (a sorted set)
    }


KEYS = keys()


def distributed_settings(redis_url: str) -> dict:
    """Scrapy settings that switch every spider to the shared Redis queue."""
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "crawlers.distributed.queue.RunAwareScheduler",
        "DUPEFILTER_CLASS": "crawlers.distributed.queue.RunScopedDupeFilter",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_PERSIST": True,           # the queue belongs to the run, not to one worker
        "SCHEDULER_IDLE_BEFORE_CLOSE": 0,    # never block the reactor on a Redis pop
    }


class RunScopedDupeFilter(RFPDupeFilter):
    """Fingerprints per run, expiring: the set cannot grow without bound across nightly runs."""

    ttl = 48 * 3600

    @classmethod
    def from_spider(cls, spider):
        dupefilter = super().from_spider(spider)
        dupefilter.ttl = int(from_scrapy(spider.settings).fingerprint_ttl_hours * 3600)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        # Per pass too: a pass re-discovers what a dead worker lost, which the first pass had seen.
        key = f"{self.key}:{request.meta.get(RUN_META, 'none')}:{request.meta.get(PASS_META, 1)}"
        pipe = self.server.pipeline()
        pipe.sadd(key, self.request_fingerprint(request))
        pipe.expire(key, self.ttl, nx=True)
        added, _ = pipe.execute()
        return added == 0


# Pop the next request and mark this worker busy with its source in one step on the server. Done as
# two round trips, a worker killed between them would take a request with it and leave no busy mark:
# the coordinator would close the source without re-discovering what that request led to. Returns
# the request, its score and the busy mark it replaced (to restore if the request is refused).
POP_AND_MARK_BUSY = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #popped == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local before = redis.call('HGET', KEYS[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return {popped[1], popped[2], before}
"""


def count_queued(server, run_id: int, count: int = 1) -> None:
    pipe = server.pipeline()
    pipe.incrby(KEYS["run_queued"].format(run=run_id), count)
    pipe.expire(KEYS["run_queued"].format(run=run_id), RUN_COUNTERS_TTL_SECONDS)
    pipe.execute()


def run_accounts(server, run_id: int) -> tuple[int, int]:
    """(requests queued for the run, requests of it taken by workers of its database)."""
    queued, taken = server.mget(KEYS["run_queued"].format(run=run_id), KEYS["run_taken"].format(run=run_id))
    return int(queued or 0), int(taken or 0)


class RunAwareScheduler(Scheduler):
    """scrapy-redis's scheduler that also tells the coordinator which worker took work of which
    run, counts what it queues and takes, and refuses the requests of another database's runs."""

    def open(self, spider):
        super().open(spider)
        if not isinstance(self.queue, PriorityQueue):
            raise ValueError("newsdesk's distributed scheduler needs SCHEDULER_QUEUE_CLASS = scrapy_redis.queue.PriorityQueue")
        self.pop_and_mark_busy = self.server.register_script(POP_AND_MARK_BUSY)
        self.die_after = int(os.environ.get(DIE_AFTER_ENV, 0)) or None
        self.database = own_database(spider.settings)
        self.refused_runs: set = set()

    def enqueue_request(self, request):
        queued = super().enqueue_request(request)
        run = request.meta.get(RUN_META)
        if queued and run is not None:
            count_queued(self.server, run)
        return queued

    def next_request(self):
        me = worker_id()
        busy = KEYS["busy"].format(source=self.spider.name)
        popped = self.pop_and_mark_busy(keys=[self.queue.key, busy], args=[me, time.time()])
        if popped is None:
            return None
        encoded, score, busy_before = popped
        request = decode_request(self.queue, encoded)
        run = request.meta.get(RUN_META)
        seeded_for = request.meta.get(DATABASE_META)
        if seeded_for is not None and seeded_for != self.database:
            self._refuse(request, encoded, score, busy_before, run, seeded_for)
            return None
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        if run is not None:
            # One round trip after the pop (the run is inside the pickled request, out of the Lua
            # script's reach): a worker killed in between leaves its run one request short of
            # accounted, which closes the run `failed` with the count, never silently `succeeded`.
            pipe = self.server.pipeline()
            pipe.sadd(KEYS["run_workers"].format(run=run), me)
            pipe.expire(KEYS["run_workers"].format(run=run), RUN_COUNTERS_TTL_SECONDS)
            pipe.incr(KEYS["run_taken"].format(run=run))
            pipe.expire(KEYS["run_taken"].format(run=run), RUN_COUNTERS_TTL_SECONDS)
            pipe.execute()
        _taken[0] += 1  # by the whole process: its crawlers (one per source) share the hook
        if _taken[0] == self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        return request

    def _refuse(self, request, encoded: bytes, score, busy_before, run, seeded_for: str) -> None:
        """Put a request of another database's run back where it was, and the busy mark as it was."""
        pipe = self.server.pipeline()
        pipe.zadd(self.queue.key, {encoded: float(score)})
        busy = KEYS["busy"].format(source=self.spider.name)
        if busy_before is None:
            pipe.hdel(busy, worker_id())
        else:
            pipe.hset(busy, worker_id(), busy_before)
        pipe.execute()
        if self.stats:
            self.stats.inc_value(REFUSED_STAT, spider=self.spider)
        if run not in self.refused_runs:  # once per run: the request comes back every half second
            self.refused_runs.add(run)
            logger.warning(
                "refused requests of run %s of %s and put them back: the run was seeded for database %s, this "
                "worker writes to database %s (check DATABASE_URL: a worker must write where its coordinator does)",
                run, self.spider.name, seeded_for, self.database)


def own_database(settings) -> str:
    """The identity of the database this worker writes to (storage/identity.py)."""
    from storage.db import get_engine, session_factory
    from storage.identity import database_id

    with session_factory(get_engine(from_scrapy(settings).resolved_database_url))() as session:
        return database_id(session)


class RunTagMiddleware:
    """Spider middleware: requests and items inherit the run of the response that led to them."""

    async def process_spider_output(self, response, result):
        run, passes = response.meta.get(RUN_META), response.meta.get(PASS_META)
        database = response.meta.get(DATABASE_META)
        async for output in result:
            if run is not None:
                if isinstance(output, Request):
                    output.meta.setdefault(RUN_META, run)
                    output.meta.setdefault(PASS_META, passes)
                    if database is not None:
                        output.meta.setdefault(DATABASE_META, database)
                elif hasattr(output, "run_id") and output.run_id is None:
                    output.run_id = run
            yield output


class WorkerPresence:
    """Extension of `newsdesk worker` processes: liveness, busy/idle per source, idle close."""

    def __init__(self, crawler, idle_seconds: int):
        from scrapy_redis.connection import get_redis_from_settings

        self.crawler = crawler
        self.server = get_redis_from_settings(crawler.settings)
        self.idle_seconds = idle_seconds
        self.idle_since: float | None = None
        self.beat: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler):
        presence = cls(crawler, from_scrapy(crawler.settings).worker_idle_seconds)
        crawler.signals.connect(presence.opened, signal=signals.spider_opened)
        crawler.signals.connect(presence.idle, signal=signals.spider_idle)
        crawler.signals.connect(presence.working, signal=signals.response_received)
        crawler.signals.connect(presence.closed, signal=signals.spider_closed)
        return presence

    def working(self, response, request, spider):
        self.idle_since = None

    def _alive(self) -> None:
        self.server.set(KEYS["worker"].format(worker=worker_id()),
                        json.dumps({"host": socket.gethostname(), "pid": os.getpid()}), ex=WORKER_TTL_SECONDS)

    def opened(self, spider):
        self._alive()
        self.beat = task.LoopingCall(self._alive)
        self.beat.start(HEARTBEAT_SECONDS, now=False)

    def idle(self, spider):
        self.server.hdel(KEYS["busy"].format(source=spider.name), worker_id())
        now = time.monotonic()
        if self.idle_since is None or self.server.exists(KEYS["open"].format(source=spider.name)):
            # Idle time counts from the end of the source's runs, not from this worker's last
            # page: while a run is open, another worker may die and its work be queued again.
            self.idle_since = now
        if now - self.idle_since < self.idle_seconds:
            # Keep polling the shared queue a while longer. Left alone, an idle Scrapy engine looks
            # at its scheduler again only on its 5 s heartbeat: the links a feed yields on one
            # worker would wait up to 5 s before the others started on them.
            wake_engine(self.crawler.engine, IDLE_POLL_SECONDS)
            raise DontCloseSpider

    def closed(self, spider, reason):
        if self.beat is not None and self.beat.running:
            self.beat.stop()
        # A worker that closes (even interrupted by SIGTERM) hands its unfinished requests back:
        # Scrapy's scheduler only pops what it is about to download, and a clean shutdown lets
        # those downloads finish. A worker killed outright leaves its busy mark behind, which is
        # how the coordinator knows to re-seed.
        self.server.hdel(KEYS["busy"].format(source=spider.name), worker_id())
