"""Garbage collection paused while a process loads what it keeps for life.

A process's start-up imports (Scrapy, Twisted, SQLAlchemy, trafilatura, lxml, the tagger's tables)
create hundreds of thousands of objects that live as long as the process. The collector, run
every few hundred allocations, walks them again and again while they are made: 15% of the crawl
process's imports (bench/RESULTS.md, issue 17 start-up). So collection is paused while they load
and they are then frozen (`gc.freeze`): later collections skip them too.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


def pause() -> None:
    gc.disable()


def resume(*, freeze: bool = True) -> None:
    """Collect again; with `freeze`, what exists now is for life and is never walked again (not in
    a process that goes on to run other code whose objects are not: the tests call commands)."""
    if freeze:
        gc.freeze()
    gc.enable()


@contextlib.contextmanager
def paused(*, freeze: bool = True) -> Iterator[None]:
    pause()
    try:
        yield
    finally:
        resume(freeze=freeze)
