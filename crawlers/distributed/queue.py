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
  forever (scrapy-redis #107, #45).
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
# the coordinator would close the source without re-discovering what that request led to.
POP_AND_MARK_BUSY = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0)
if #popped == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return popped[1]
"""


class RunAwareScheduler(Scheduler):
    """scrapy-redis's scheduler that also tells the coordinator which worker took work of which run."""

    def open(self, spider):
        super().open(spider)
        if not isinstance(self.queue, PriorityQueue):
            raise ValueError("newsdesk's distributed scheduler needs SCHEDULER_QUEUE_CLASS = scrapy_redis.queue.PriorityQueue")
        self.pop_and_mark_busy = self.server.register_script(POP_AND_MARK_BUSY)
        self.die_after = int(os.environ.get(DIE_AFTER_ENV, 0)) or None

    def next_request(self):
        me = worker_id()
        encoded = self.pop_and_mark_busy(keys=[self.queue.key, KEYS["busy"].format(source=self.spider.name)],
                                         args=[me, time.time()])
        if encoded is None:
            return None
        _taken[0] += 1  # by the whole process: its crawlers (one per source) share the hook
        if _taken[0] == self.die_after:
            os.kill(os.getpid(), signal.SIGKILL)
        request = decode_request(self.queue, encoded)
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis", spider=self.spider)
        run = request.meta.get(RUN_META)
        if run is not None:
            pipe = self.server.pipeline()
            pipe.sadd(KEYS["run_workers"].format(run=run), me)
            pipe.expire(KEYS["run_workers"].format(run=run), 7 * 86400)
            pipe.execute()
        return request


class RunTagMiddleware:
    """Spider middleware: requests and items inherit the run of the response that led to them."""

    async def process_spider_output(self, response, result):
        run, passes = response.meta.get(RUN_META), response.meta.get(PASS_META)
        async for output in result:
            if run is not None:
                if isinstance(output, Request):
                    output.meta.setdefault(RUN_META, run)
                    output.meta.setdefault(PASS_META, passes)
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
