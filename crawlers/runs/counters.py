"""How a run's stats read: the counters that matter to an operator, and why pages were not stored."""

from __future__ import annotations

from datetime import datetime

from core.dates import utcnow
from storage.models import CrawlRun


def counters(stats: dict) -> dict[str, int]:
    """The headline numbers of a run from its stats."""
    def total(prefix: str) -> int:
        return sum(int(v) for k, v in stats.items() if k.startswith(prefix) and isinstance(v, (int, float)))

    return {
        "pages": int(stats.get("newsdesk/pages_fetched", 0)),
        "new": int(stats.get("newsdesk/articles_new", 0)),
        "updated": int(stats.get("newsdesk/articles_updated", 0)),
        "unchanged": int(stats.get("newsdesk/articles_unchanged", 0)),
        "duplicates": int(stats.get("newsdesk/articles_duplicate", 0)) + int(stats.get("newsdesk/articles_alias", 0)),
        "dropped": total("newsdesk/dropped/"),
        "skipped": total("newsdesk/skipped/"),
        # Our own error counters only: Scrapy's log_count/ERROR counts every ERROR line logged in
        # the process, and one crawl process serves several sources.
        "errors": total("newsdesk/errors/"),
    }


def dropped_by_reason(stats: dict) -> dict[str, int]:
    return {k.removeprefix("newsdesk/dropped/"): int(v) for k, v in sorted(stats.items())
            if k.startswith("newsdesk/dropped/")}


# Skips that are routine, not a verdict on a page: already seen this run, stored before.
ROUTINE_SKIPS = {"seen_in_run", "known", "rejected_before"}


def not_stored(stats: dict) -> dict[str, int]:
    """Why pages were not stored: dropped after fetching, or skipped before (routine skips aside)."""
    reasons = dict(dropped_by_reason(stats))
    for key, value in sorted(stats.items()):
        name = key.removeprefix("newsdesk/skipped/")
        if key.startswith("newsdesk/skipped/") and name not in ROUTINE_SKIPS and value:
            reasons[name] = reasons.get(name, 0) + int(value)
    return reasons


def duration(run: CrawlRun, now: datetime | None = None) -> str:
    end = run.finished_at or now or utcnow()
    seconds = int((end - run.started_at).total_seconds())
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
