"""Extraction in worker processes gives exactly what extraction in the crawl process gives."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

import numpy as np
import pytest

from core.outcomes import Rejected
from newsdesk.samplenet.site import OUTLETS, build_site
from pipelines.extraction.job import ExtractionJob, run_job
from pipelines.extraction.worker_pool import WORKER_NICENESS, ExtractionPool

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


def sample_jobs() -> list[ExtractionJob]:
    jobs = []
    for outlet in OUTLETS:
        base = "http://127.0.0.1:9"
        for path, page in build_site(outlet.key, base, NOW).items():
            content_type = page.headers.get("Content-Type", "")
            if page.status == 200 and "html" in content_type:
                jobs.append(ExtractionJob(page.body, base + path, content_type, {}, 250, now=NOW))
    return jobs


def outcome(result):
    """Comparable form of a result or a refusal."""
    if isinstance(result, Rejected):
        return ("rejected", result.reason)
    return (result.article, result.signature.hashvalues.tolist(), result.signature.shingle_count, result.word_count,
            result.content_hash, result.body_gzip)


@pytest.mark.slow
def test_pool_results_are_identical_to_in_process_results_page_by_page():
    jobs = sample_jobs()
    assert len(jobs) >= 100

    def local(job):
        try:
            return run_job(job)
        except Rejected as rejected:
            return rejected

    async def pooled(pool):
        async def one(job):
            try:
                return await pool.run(job)
            except Rejected as rejected:
                return rejected
        return await asyncio.gather(*(one(job) for job in jobs))

    pool = ExtractionPool(2)
    try:
        remote = asyncio.run(pooled(pool))
    finally:
        pool.close()
    mismatches = [job.url for job, a, b in zip(jobs, map(local, jobs), remote, strict=True) if outcome(a) != outcome(b)]
    assert not mismatches
    stored = [r for r in remote if not isinstance(r, Rejected)]
    assert len(stored) >= 40 and all(isinstance(r.signature.hashvalues, np.ndarray) for r in stored)


def test_a_dead_worker_is_replaced_and_the_page_reported():
    """A page that kills its worker costs that page only: the pool restarts and goes on."""
    from unittest import mock

    from pipelines.extraction import worker_pool
    from tests.helpers.crash import die

    pool = ExtractionPool(1)
    job = sample_jobs()[0]

    async def crash_then_work():
        with mock.patch.object(worker_pool, "run_job", die), pytest.raises(worker_pool.WorkerCrashed):
            await pool.run(job)  # the worker process exits mid-job
        return await pool.run(job)

    try:
        result = asyncio.run(crash_then_work())
    finally:
        pool.close()
    assert result.article.title


def test_the_shared_pool_starts_its_workers_before_the_first_page():
    import time

    import psutil

    from pipelines.extraction import worker_pool

    pool = worker_pool.acquire(2)
    try:
        deadline = time.monotonic() + 30
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [child for child in psutil.Process().children(recursive=True)
                       if "spawn_main" in " ".join(child.cmdline())]
            time.sleep(0.1)
        assert len(workers) == 2, "no job was submitted, yet both workers should be running"
    finally:
        worker_pool.release(pool)


def test_workers_run_at_a_lower_priority_than_the_crawl():
    pool = ExtractionPool(1)
    try:
        niceness = pool._pool().submit(os.nice, 0).result(timeout=60)
        assert niceness == os.nice(0) + WORKER_NICENESS
    finally:
        pool.close()
