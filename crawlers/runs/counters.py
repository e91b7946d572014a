"""How a run's stats read, in the one vocabulary of outcomes (core/outcomes.py): stored,
duplicate, dropped with a reason, skipped with a reason, failed with a kind, retried.

`newsdesk runs`, `runs show`, `crawl`, the demo and the run log's last line all read a run
through these functions, so they cannot disagree.
"""

from __future__ import annotations

from datetime import datetime

from core.dates import utcnow
from core.outcomes import (
    DROPPED_PREFIX,
    DUPLICATE_KEYS,
    FAILED_PREFIX,
    LISTINGS_FAILED,
    RETRY_PREFIX,
    SKIPPED_PREFIX,
    STORED_KEYS,
    retry_kind,
)
from storage.models import CrawlRun

# The counters of `newsdesk runs`, in their order.
HEADLINE = ("pages", "new", "updated", "duplicates", "dropped", "failed", "retried")


def _int(value) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def _by_suffix(stats: dict, prefix: str) -> dict[str, int]:
    return {k.removeprefix(prefix): _int(v) for k, v in sorted(stats.items()) if k.startswith(prefix) and _int(v)}


def dropped_by_reason(stats: dict) -> dict[str, int]:
    return _by_suffix(stats, DROPPED_PREFIX)


def skipped_by_reason(stats: dict) -> dict[str, int]:
    return _by_suffix(stats, SKIPPED_PREFIX)


def failed_by_kind(stats: dict) -> dict[str, int]:
    """Each page or listing that failed, once, by kind. Runs recorded before the vocabulary
    counted a failed listing as `discovery` besides its cause: shown as it was recorded."""
    return _by_suffix(stats, FAILED_PREFIX)


def retried_by_kind(stats: dict) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for reason, count in _by_suffix(stats, RETRY_PREFIX).items():
        kind = retry_kind(reason)
        kinds[kind] = kinds.get(kind, 0) + count
    return dict(sorted(kinds.items()))


def counters(stats: dict) -> dict[str, int]:
    """The numbers of a run from its stats, one per outcome."""
    stats = stats or {}
    return {
        "pages": _int(stats.get("newsdesk/pages_fetched")),
        **{name: _int(stats.get(key)) for name, key in STORED_KEYS.items()},
        "duplicates": sum(_int(stats.get(key)) for key in DUPLICATE_KEYS),
        "dropped": sum(dropped_by_reason(stats).values()),
        "skipped": sum(skipped_by_reason(stats).values()),
        # Our own failure counters only: Scrapy's log_count/ERROR counts every ERROR line logged
        # in the process (one crawl process serves several sources), and its downloader counts
        # every attempt, retries included.
        "failed": sum(failed_by_kind(stats).values()),
        "retried": sum(retried_by_kind(stats).values()),
        "listings_failed": _int(stats.get(LISTINGS_FAILED)),
    }


# Skips that are routine, not a verdict on a page: already seen this run, stored before.
ROUTINE_SKIPS = {"seen_in_run", "known", "rejected_before"}


def not_stored(stats: dict) -> dict[str, int]:
    """Why pages were not stored: dropped after fetching, or skipped before (routine skips aside)."""
    reasons = dict(dropped_by_reason(stats))
    for name, value in skipped_by_reason(stats).items():
        if name not in ROUTINE_SKIPS:
            reasons[name] = reasons.get(name, 0) + value
    return reasons


def _listed(counts: dict[str, int]) -> str:
    return f" ({', '.join(f'{k} {v}' for k, v in counts.items())})" if counts else ""


def summary(stats: dict) -> str:
    """One line in the vocabulary, for logs: "pages 14: stored 12 (new 12), duplicates 1, ..."."""
    numbers = counters(stats)
    stored = {name: numbers[name] for name in STORED_KEYS if numbers[name]}
    return (f"pages {numbers['pages']}: stored {sum(stored.values())}{_listed(stored)}, "
            f"duplicates {numbers['duplicates']}, dropped {numbers['dropped']}{_listed(dropped_by_reason(stats))}, "
            f"skipped {numbers['skipped']}{_listed(skipped_by_reason(stats))}, "
            f"failed {numbers['failed']}{_listed(failed_by_kind(stats))}, "
            f"retried {numbers['retried']}{_listed(retried_by_kind(stats))}")


def duration(run: CrawlRun, now: datetime | None = None, *, alive: bool = True) -> str:
    """How long the run took; a running run whose process is gone stops at its last heartbeat."""
    end = run.finished_at or (run.heartbeat_at if not alive and run.heartbeat_at else None) or now or utcnow()
    seconds = max(0, int((end - run.started_at).total_seconds()))
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
