"""Is an article's write worth batching? One transaction per article against several per transaction.

Issue #9 asks for database writes batched per transaction where that is safe, or a showing that
per-article is fast enough. This measures the crawl process's side of it on SQLite: the generated
network's article pages are extracted first (not timed), then written into a fresh database by the
ArticleWriter the crawl uses, one article per transaction and then `--batches` articles per
transaction with a savepoint each (so that a failing article would still roll back alone). The
figure is the writing thread's CPU time per article (what the crawl process's database thread
spends) and its wall time, for each batch size, in rounds that alternate the sizes.

    python -m bench.write_batching [--outlets 4] [--articles 200] [--batches 1 4 8 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from core.outcomes import Rejected
from core.records import ArticleData, RawPageData
from newsdesk.samplenet.generated import GeneratedNetwork
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from pipelines.extraction.job import ExtractionJob, run_job
from storage.db import make_engine, session_factory
from storage.migrate import upgrade
from storage.models import Source


def extracted_articles(outlets: int, articles: int) -> list[tuple[str, ArticleData, object, RawPageData]]:
    network = GeneratedNetwork(outlets, articles)
    found = []
    for key in network.keys:
        base = f"http://{key}.test"
        for path, page in network.build(key, base).items():
            if not path.startswith("/news/"):
                continue
            url = base + path
            try:
                result = run_job(ExtractionJob(page.body, url, "text/html; charset=utf-8"))
            except Rejected:
                continue
            data = result.article.precomputed(word_count=result.word_count, content_hash=result.content_hash)
            raw = RawPageData(url=url, status=200, body=page.body, body_gzip=result.body_gzip, headers={},
                              context={}, fetched_at=datetime.now(UTC))
            found.append((key, data, result.signature, raw))
    return found


def write_all(items, batch: int, workdir: Path) -> tuple[float, float]:
    """(thread CPU ms, wall ms) per article, writing `items` into a fresh database."""
    url = f"sqlite:///{workdir / f'batch{batch}-{time.monotonic_ns()}.db'}"
    engine = make_engine(url)
    upgrade(engine)
    with Session(engine) as session, session.begin():
        sources = {key: Source(key=key, name=key, discovery="feeds") for key, *_ in items}
        session.add_all(sources.values())
        session.flush()
        source_ids = {key: source.id for key, source in sources.items()}
    writer, sessions = ArticleWriter(DedupSettings()), session_factory(engine)
    cpu, wall = time.thread_time(), time.perf_counter()
    for start in range(0, len(items), batch):
        with sessions.begin() as session:
            for key, data, sig, raw in items[start:start + batch]:
                if batch == 1:
                    writer.write(session, data, source_id=source_ids[key], run_id=None, sig=sig, raw=raw)
                    continue
                with session.begin_nested():  # one savepoint per article
                    writer.write(session, data, source_id=source_ids[key], run_id=None, sig=sig, raw=raw)
    cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    engine.dispose()
    return cpu * 1000 / len(items), wall * 1000 / len(items)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.write_batching")
    parser.add_argument("--outlets", type=int, default=4)
    parser.add_argument("--articles", type=int, default=200, help="per outlet")
    parser.add_argument("--batches", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    items = extracted_articles(args.outlets, args.articles)
    print(f"{len(items)} articles extracted from the generated network ({args.outlets} outlets); SQLite")
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-batching-"))
    try:
        print(f"{'round':>5} {'per transaction':>16} {'thread CPU ms/article':>22} {'wall ms/article':>16}")
        for round_number in range(1, args.rounds + 1):
            for batch in args.batches:
                cpu, wall = write_all(items, batch, workdir)
                print(f"{round_number:5d} {batch:16d} {cpu:22.2f} {wall:16.2f}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
