"""Everything that touches an upstream library's internals, one module per library.

compat/trafilatura.py (faster XPath, C-level element classes, the tree hand-over), compat/scrapy.py
(the robots.txt middleware's internals, waking an idle engine, Scrapy's refusal messages, the
module of a deprecated alias found without reading every source file on the stack),
compat/scrapy_redis.py (decoding a queued request), compat/twisted.py (a body longer than its
Content-Length is data loss) and compat/apscheduler.py (no pass over due
jobs after shutdown; a job-store client that cannot run jobs). Each patch or internal use is checked against
what it expects before it is used: it applies, or it is skipped with a logged and counted reason
(`skipped()`; `newsdesk config` lists them, and a run's stats count them), never an import-time
crash. pyproject.toml bounds these libraries' versions; `make test-latest` runs the suite's core
against the newest releases allowed, and tests/test_compat.py fails on the locked versions if any
patch would be skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Patch:
    library: str
    name: str
    applied: bool
    reason: str = ""   # why it was skipped

    @property
    def key(self) -> str:
        return f"{self.library}.{self.name}"


_patches: dict[str, Patch] = {}


def record(library: str, name: str, applied: bool, reason: str = "") -> bool:
    """Note whether a patch applies (logged once per process when it does not); returns `applied`."""
    patch = Patch(library, name, applied, "" if applied else reason)
    if not applied and _patches.get(patch.key) != patch:
        logger.warning("compat: %s skipped (%s); %s behaves as released", patch.key, reason, library)
    _patches[patch.key] = patch
    return applied


def patches() -> list[Patch]:
    return sorted(_patches.values(), key=lambda p: p.key)


def skipped() -> list[Patch]:
    return [patch for patch in patches() if not patch.applied]
