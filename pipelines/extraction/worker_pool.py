"""Extraction off the reactor thread: a pool of worker processes, with back-pressure.

Extraction is CPU-bound (trafilatura, lxml) and Scrapy runs pipelines in its one reactor thread:
done there, it would use one core and stall downloads while it works. Here each page is sent to
one of NEWSDESK_EXTRACT_WORKERS processes (default: one per core). At most four pages per worker
are in flight; further items wait, which keeps them in Scrapy's scraper slot, and a full scraper
slot makes Scrapy stop downloading (SCRAPER_SLOT_MAX_ACTIVE_SIZE): memory stays bounded however
fast the network is.

Workers are started with `spawn`, not `fork`: forking a process that runs an event loop and
database connections copies their state into the child mid-flight.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from pipelines.extraction.job import ExtractionJob, ready, run_job
from pipelines.extraction.worker_start import start_worker

logger = logging.getLogger(__name__)
IN_FLIGHT_PER_WORKER = 4
# Workers run at a lower priority than the crawl process. That process is the one serial stage
# (downloads, dispatch, the database writer) and feeds all the workers: when three processes want
# two cores, it should be the one that runs, or the workers soon starve for pages. Niceness 5 gave
# +5% pages/s on two cores (six interleaved runs, bench/RESULTS.md); it also leaves a machine that
# shares its cores with other services more responsive.
WORKER_NICENESS = 5


# Test hook: "watch" makes workers use the parent-pid watch instead of prctl (parent_watch.py).
WATCH_ENV = "NEWSDESK_TEST_WORKER_PARENT_WATCH"


class WorkerCrashed(Exception):
    """The worker extracting a page died (twice): the page is dropped, the crawl goes on."""


class ExtractionPool:
    def __init__(self, workers: int):
        self.workers = max(1, workers)
        self._executor: ProcessPoolExecutor | None = None
        self._slots: asyncio.Semaphore | None = None
        self._started: list | None = None  # the warm-up jobs, once start() has run
        self.users = 0

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                                 initializer=start_worker,
                                                 initargs=(os.getpid(), WORKER_NICENESS,
                                                           os.environ.get(WATCH_ENV) != "watch"))
        return self._executor

    def start(self) -> None:
        """Start the workers now rather than on the first page: each takes about a second to import
        trafilatura, which it then does while the spiders fetch their feeds, not after."""
        if self._started is not None:
            return
        pool = self._pool()
        # The executor starts a process per job while it has fewer than `workers`.
        self._started = [pool.submit(ready) for _ in range(self.workers)]

    def skipped_patches(self) -> set[str]:
        """Upstream patches the started workers run without (compat/), as far as they have said."""
        return {key for future in self._started or () if future.done() and not future.exception()
                for key in future.result()}

    async def run(self, job: ExtractionJob):
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.workers * IN_FLIGHT_PER_WORKER)
        async with self._slots:
            for attempt in (1, 2):
                try:
                    return await asyncio.wrap_future(self._pool().submit(run_job, job))
                except BrokenProcessPool:
                    # A worker died (a page that crashes lxml, the OOM killer): a fresh pool, one retry.
                    logger.error("extraction worker died on %s (attempt %s)", job.url, attempt)
                    self._restart()
            raise WorkerCrashed(job.url)

    def _restart(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
        self._executor = None

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None


class InlineExtraction:
    """NEWSDESK_EXTRACT_WORKERS=0: extraction in the crawl process itself, no worker processes.

    For a one-core machine, or for distributed crawling with one `newsdesk worker` per core, where
    a separate process would only add its memory and the cost of sending pages to it.
    """

    users = 0

    async def run(self, job: ExtractionJob):
        return run_job(job)

    def skipped_patches(self) -> set[str]:
        return set(ready())

    def close(self) -> None:
        pass


_shared: ExtractionPool | InlineExtraction | None = None


def acquire(workers: int, *, start: bool = True) -> ExtractionPool | InlineExtraction:
    """The process's pool, shared by every crawler in it (one per source), created on first use.
    Its workers are started by the first `acquire` that does not say `start=False`."""
    global _shared
    if _shared is None:
        _shared = InlineExtraction() if workers == 0 else ExtractionPool(workers)
    if start and isinstance(_shared, ExtractionPool):
        _shared.start()
    _shared.users += 1
    return _shared


def release(pool: ExtractionPool) -> None:
    global _shared
    pool.users -= 1
    if pool.users <= 0 and pool is _shared:
        pool.close()
        _shared = None
