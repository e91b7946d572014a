"""What an extraction worker process runs first (worker_pool.py's pool initializer).

A module of its own, importing nothing heavy: a spawned worker imports the module of its
initializer before it can run it, and worker_pool.py imports the extraction job (and with it the
record types and the signature code). Here the worker lowers its priority first and only then
imports trafilatura and builds its tables, about a second of CPU that the crawl process, starting
up beside it, needs more (bench/RESULTS.md, issue #17 start-up).
"""

from __future__ import annotations

import os

from core import collection


def start_worker(parent_pid: int, niceness: int, use_prctl: bool) -> None:
    from pipelines.extraction.parent_watch import die_with_parent  # ctypes and signal: light

    if hasattr(os, "nice"):
        os.nice(niceness)
    die_with_parent(parent_pid, use_prctl=use_prctl)
    # trafilatura, lxml and the tagger's tables, imported and built without the collector walking
    # them (core/collection.py).
    with collection.paused():
        from pipelines.extraction.job import warm_up

        warm_up()
