"""What the health pass costs after a run, for a source with a year of nightly history.

Issue #19 asks for under a second per run with 365 nights of history. This fills a fresh database
with bulk inserts (`--nights` finished runs per source, each with Scrapy-sized stats and the
articles it stored; `--sources` sources, so the articles table is not just the judged source's),
then times what a run's end does: `record_verdict` (read the last NEWSDESK_HEALTH_HISTORY_RUNS
successful runs and their articles, judge, store the verdict) in its own transaction, and the
per-source overview of `newsdesk health`.

    python -m bench.health [--nights 365] [--articles 40] [--sources 10] [--repeat 20] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from crawlers.runs.health import record_verdict
from crawlers.runs.overview import source_health
from crawlers.sources import SourceSpec
from storage.db import make_engine
from storage.migrate import upgrade
from storage.models import Article, CrawlRun, Source

START = datetime(2025, 12, 1, 2, 0, tzinfo=UTC)


def scrapy_like_stats(night: int, new: int) -> dict:
    """About the 60 keys a real run's stats hold (Scrapy's downloader, scheduler, ours)."""
    stats = {f"downloader/response_status_count/{code}": n for code, n in ((200, new + 3), (304, 1), (404, night % 2))}
    stats.update({f"scheduler/{kind}/{where}": new + 4 for kind in ("enqueued", "dequeued") for where in ("", "memory")})
    stats.update({f"newsdesk/skipped/{reason}": night % 5 for reason in ("known", "seen_in_run", "too_old", "denied")})
    stats.update({f"newsdesk/time/{phase}_ms": 1000 + night for phase in ("extract", "store")})
    stats.update({f"memusage/{k}": 10**8 for k in ("startup", "max")})
    stats.update({f"log_count/{level}": night % 7 for level in ("INFO", "WARNING", "ERROR", "DEBUG")})
    stats.update({
        "downloader/request_count": new + 4, "downloader/response_count": new + 4 + night % 2,
        "downloader/request_bytes": 4000 * new, "downloader/response_bytes": 90000 * new,
        "newsdesk/pages_fetched": new, "newsdesk/articles_new": new, "newsdesk/candidates": 3 * new,
        "newsdesk/feed_entries": 3 * new, "newsdesk/stories_new": new, "newsdesk/urls/variants": new,
        "item_scraped_count": new, "response_received_count": new + 4, "finish_reason": "finished",
        "start_time": (START + timedelta(days=night)).isoformat(), "elapsed_time_seconds": 120.5,
    })
    return stats


def fill(engine, *, nights: int, articles: int, sources: int) -> list[tuple[str, int]]:
    """Bulk-insert the history; returns (source key, id of its last run)."""
    last_runs = []
    with Session(engine) as session, session.begin():
        for s in range(sources):
            key = f"source_{s:02d}"
            source = Source(key=key, name=key, discovery="feeds", created_at=START)
            session.add(source)
            session.flush()
            runs = [{"source_id": source.id, "spider": key, "trigger": "scheduled", "status": "succeeded",
                     "started_at": START + timedelta(days=night, seconds=s),
                     "finished_at": START + timedelta(days=night, minutes=3),
                     "heartbeat_at": START + timedelta(days=night, minutes=3),
                     "stats": scrapy_like_stats(night, articles - night % 5), "host": "bench", "pid": 1}
                    for night in range(nights)]
            session.execute(insert(CrawlRun), runs)
            ids = session.scalars(select(CrawlRun.id).where(CrawlRun.source_id == source.id).order_by(CrawlRun.id)).all()
            rows = []
            for night, run_id in enumerate(ids):
                for n in range(articles - night % 5):
                    url = f"https://{key}.example/{night}/{n}"
                    rows.append({"source_id": source.id, "canonical_url": url, "title": url,
                                 "authors": ["Reporter"] if n % 4 else [],
                                 "published_at": START + timedelta(days=night) if n % 9 else None,
                                 "text": "body", "word_count": 400 + (n * 37) % 500,
                                 "content_hash": hashlib.sha256(url.encode()).hexdigest(),
                                 "first_seen_at": START, "last_seen_at": START, "created_by_run_id": run_id})
                if len(rows) >= 20000:
                    session.execute(insert(Article), rows)
                    rows = []
            if rows:
                session.execute(insert(Article), rows)
            last_runs.append((key, ids[-1]))
    return last_runs


def measure(url: str, label: str, args) -> dict:
    engine = make_engine(url)
    upgrade(engine)
    started = time.perf_counter()
    last_runs = fill(engine, nights=args.nights, articles=args.articles, sources=args.sources)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    filled = time.perf_counter() - started
    key, run_id = last_runs[0]
    passes = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        with Session(engine) as session, session.begin():
            verdict, _previous = record_verdict(session, run_id)
        passes.append(time.perf_counter() - t0)
    specs = [SourceSpec(key=k, name=k, feeds=[f"https://{k}.example/feed"]) for k, _ in last_runs]
    overview = []
    for _ in range(max(3, args.repeat // 4)):
        t0 = time.perf_counter()
        with Session(engine) as session:
            rows = source_health(session, specs, now=START + timedelta(days=args.nights), nightly_cron="0 2 * * *",
                                 timezone="UTC", grace=timedelta(minutes=65))
        overview.append(time.perf_counter() - t0)
    with Session(engine) as session:
        article_count = session.scalar(text("select count(*) from articles"))
    engine.dispose()
    result = {"database": label, "runs": args.nights * args.sources, "articles": article_count, "fill_s": filled,
              "pass_median_ms": statistics.median(passes) * 1000, "pass_max_ms": max(passes) * 1000,
              "overview_median_ms": statistics.median(overview) * 1000, "status": verdict["status"],
              "compared": verdict["compared_runs"], "sources_listed": len(rows)}
    print(f"{label:<11} {result['runs']:>6} runs {article_count:>8} articles (filled in {filled:.1f} s): "
          f"health pass median {result['pass_median_ms']:.1f} ms, max {result['pass_max_ms']:.1f} ms "
          f"({verdict['status']}, {verdict['compared_runs']} runs compared); "
          f"`newsdesk health` overview of {len(rows)} sources median {result['overview_median_ms']:.1f} ms", flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.health")
    parser.add_argument("--nights", type=int, default=365)
    parser.add_argument("--articles", type=int, default=40, help="new articles per night (less night %% 5)")
    parser.add_argument("--sources", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres-url", default=os.environ.get("NEWSDESK_TEST_POSTGRES_URL", ""),
                        help="a PostgreSQL server to create a scratch database on (default: NEWSDESK_TEST_POSTGRES_URL)")
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(measure(f"sqlite:///{Path(tmp) / 'health.db'}", "SQLite", args))
    if args.postgres_url:
        from tests.conftest import create_postgres_database, drop_postgres_database

        url = create_postgres_database(args.postgres_url)
        try:
            results.append(measure(url, "PostgreSQL", args))
        finally:
            drop_postgres_database(args.postgres_url, url)
    else:
        print("PostgreSQL: skipped (no --postgres-url / NEWSDESK_TEST_POSTGRES_URL)")
    worst = max(r["pass_max_ms"] for r in results)
    print(f"worst health pass: {worst:.1f} ms (target: under 1000 ms)")
    return 0 if worst < 1000 else 1


if __name__ == "__main__":
    sys.exit(main())
