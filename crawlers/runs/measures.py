"""What source health measures of a run: counters from its stats, and the articles it stored.

`run_measures` is the one function that knows the stats keys health needs. It reads Scrapy's
downloader counters, which see every request (robots.txt and listings included), and takes the
retries out the way the vocabulary of outcomes does (core/outcomes.py): a page failing after its
retries is one failure, so its `failed` agrees with the run's failed counter on article pages
(tests/test_outcomes.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from storage.models import Article

# Drop reasons that mean "we fetched the page but it was no article we could use": a template
# change (teasers, empty bodies), a block page served with 200, an encoding we cannot read.
UNUSABLE_PAGE_REASONS = ("too_short", "not_article", "no_text", "undecodable", "malformed", "empty")
# Answers that mean "you are not welcome": authentication walls, WAF blocks, rate limits, legal blocks.
BLOCK_STATUSES = (401, 403, 429, 451)


def _number(value) -> int:
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0


def run_measures(stats: dict) -> dict:
    """The counters of one run that health needs, from its stats (Scrapy's and ours).

    requests:       requests made (robots.txt included; a retried request counts once) plus those
                    robots.txt refused
    blocked:        answered 401/403/429/451 (after its retries), or refused by robots.txt
    failed:         answered 5xx or lost to a network error (after its retries), or a feed/sitemap
                    that was not XML
    pages_fetched:  article pages fetched
    unusable:       fetched pages dropped as too short, not an article, undecodable ...; and by reason
    """
    statuses: dict[int, int] = {}
    for key, value in stats.items():
        if key.startswith("downloader/response_status_count/"):
            code = key.rsplit("/", 1)[1]
            if code.isdigit():
                statuses[int(code)] = statuses.get(int(code), 0) + _number(value)
    # Each retry is one more response of the same kind: a page answering 500 four times is one
    # failure, not four (Scrapy's retry/reason_count/<reason>; ours name the status, "HTTP 503").
    block_retries = failure_retries = 0
    for key, value in stats.items():
        if key.startswith("retry/reason_count/"):
            status = re.search(r"\b(\d{3})\b", key.removeprefix("retry/reason_count/"))
            if status and int(status.group(1)) in BLOCK_STATUSES:
                block_retries += _number(value)
            else:
                failure_retries += _number(value)
    robots_refused = _number(stats.get("newsdesk/skipped/robots_disallowed"))
    unusable = {reason: _number(stats.get(f"newsdesk/dropped/{reason}")) for reason in UNUSABLE_PAGE_REASONS}
    blocked = sum(statuses.get(code, 0) for code in BLOCK_STATUSES) - block_retries
    failed = sum(count for code, count in statuses.items() if code >= 500) + _number(stats.get("downloader/exception_count")) - failure_retries
    return {
        "requests": max(0, _number(stats.get("downloader/request_count")) - block_retries - failure_retries) + robots_refused,
        "blocked": max(0, blocked) + robots_refused,
        "failed": (max(0, failed) + _number(stats.get("newsdesk/errors/feed_not_xml"))
                   + _number(stats.get("newsdesk/errors/sitemap_not_xml"))),
        "pages_fetched": _number(stats.get("newsdesk/pages_fetched")),
        "unusable": sum(unusable.values()),
        "unusable_by_reason": {reason: count for reason, count in unusable.items() if count},
    }


@dataclass(frozen=True)
class StoredArticles:
    """The articles a run stored first (`articles.created_by_run_id`), as they are now."""

    count: int = 0
    dated: int = 0
    with_authors: int = 0
    mean_words: float | None = None


def stored_articles(session: Session, run_ids: Iterable[int]) -> dict[int, StoredArticles]:
    """For each run, what its articles look like: one grouped query (an index on created_by_run_id)."""
    ids = list(run_ids)
    if not ids:
        return {}
    if session.get_bind().dialect.name == "postgresql":
        authors = func.jsonb_array_length(Article.authors)
    else:
        authors = func.json_array_length(Article.authors)
    rows = session.execute(
        select(Article.created_by_run_id, func.count(), func.count(Article.published_at),
               func.sum(case((authors > 0, 1), else_=0)), func.avg(Article.word_count))
        .where(Article.created_by_run_id.in_(ids))
        .group_by(Article.created_by_run_id)
    ).all()
    found = {run_id: StoredArticles(int(count), int(dated), int(with_authors or 0),
                                    float(words) if words is not None else None)
             for run_id, count, dated, with_authors, words in rows}
    return {run_id: found.get(run_id, StoredArticles()) for run_id in ids}
