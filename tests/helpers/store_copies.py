"""Test helper process: store one outlet's copies of N stories, starting at a given instant.

    python -m tests.helpers.store_copies DATABASE_URL SOURCE_KEY START_EPOCH N
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from sqlalchemy import select

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.db import make_engine, session_factory
from storage.models import Source
from tests.texts import story, syndicated_copy


def main() -> None:
    url, source_key, start, count = sys.argv[1], sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    sessions = session_factory(make_engine(url))
    with sessions() as session:
        source_id = session.scalar(select(Source.id).where(Source.key == source_key))
    writer = ArticleWriter(DedupSettings())
    texts = [story(1000 + n) if source_key == "wire" else syndicated_copy(story(1000 + n), n) for n in range(count)]
    signatures = [writer.signature_for(text) for text in texts]
    time.sleep(max(0.0, start - time.time()))
    for n, (text, sig) in enumerate(zip(texts, signatures, strict=True)):
        data = ArticleData(canonical_url=f"https://{source_key}.example/story-{n}", title=f"Story {n}", text=text,
                           published_at=datetime(2026, 11, 20, 8, n % 60, tzinfo=UTC))
        with sessions.begin() as session:
            writer.write(session, data, source_id=source_id, run_id=None, sig=sig)


if __name__ == "__main__":
    main()
