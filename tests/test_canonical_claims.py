"""A `rel=canonical` link is a claim (issue 23, item 3): it revises a known article only when the
article is of the same source and its content is similar; otherwise the page keeps its own URL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.models import Article, ArticleRevision, Source
from tests.texts import story

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
HUB = "https://news.example/world"


@pytest.fixture
def sources(engine) -> dict[str, int]:
    with Session(engine) as session, session.begin():
        rows = [Source(key=key, name=key, discovery="feeds") for key in ("daily", "copycat")]
        session.add_all(rows)
        session.flush()
        return {row.key: row.id for row in rows}


class Stats:
    def __init__(self):
        self.values: dict[str, int] = {}

    def inc_value(self, key, count=1, start=0):
        self.values[key] = self.values.get(key, start) + count


def store(engine, source_id: int, fetched: str, text: str, *, canonical: str, title: str, stats=None):
    data = ArticleData(title=title, text=text, canonical_url=canonical, fetched_url=fetched,
                       other_urls={fetched: "fetched"} if fetched != canonical else {}, published_at=T0)
    with Session(engine) as session, session.begin():
        return ArticleWriter(DedupSettings(), stats).write(session, data, source_id=source_id, run_id=None)


def counts(engine) -> tuple[int, int]:
    with Session(engine) as session:
        return (session.scalar(select(func.count()).select_from(Article)),
                session.scalar(select(func.count()).select_from(ArticleRevision)))


def test_distinct_articles_of_one_source_claiming_one_canonical_stay_distinct(engine, sources):
    stats = Stats()
    writes = [store(engine, sources["daily"], f"https://news.example/world/2026/story-{n}", story(n),
                    canonical=HUB, title=f"Story {n}", stats=stats) for n in (1, 2, 3)]
    assert len({w.article_id for w in writes}) == 3
    assert counts(engine) == (3, 0)
    assert stats.values["newsdesk/urls/canonical_claim_refused"] == 2
    with Session(engine) as session:
        urls = {session.get(Article, w.article_id).canonical_url for w in writes}
        titles = {session.get(Article, w.article_id).title for w in writes}
    assert urls == {HUB, "https://news.example/world/2026/story-2", "https://news.example/world/2026/story-3"}
    assert titles == {"Story 1", "Story 2", "Story 3"}


def test_a_canonical_naming_another_sources_article_never_overwrites_it(engine, sources):
    original = store(engine, sources["daily"], "https://news.example/world/2026/talks", story(10),
                     canonical="https://news.example/world/2026/talks", title="Talks resume")
    copy = store(engine, sources["copycat"], "https://blogs.news.example/copycat/talks", story(11),
                 canonical="https://news.example/world/2026/talks", title="Something else entirely")
    assert copy.article_id != original.article_id
    assert counts(engine) == (2, 0)
    with Session(engine) as session:
        kept = session.get(Article, original.article_id)
        assert (kept.title, kept.source_id) == ("Talks resume", sources["daily"])
        assert session.get(Article, copy.article_id).canonical_url == "https://blogs.news.example/copycat/talks"


def test_a_canonical_claim_of_the_same_source_with_similar_content_is_a_revision(engine, sources):
    first = store(engine, sources["daily"], "https://news.example/world/2026/talks", story(20),
                  canonical="https://news.example/world/2026/talks", title="Talks resume")
    edited = story(20) + "\n\nThe talks will continue on Monday, officials said late on Sunday evening."
    again = store(engine, sources["daily"], "https://news.example/world/2026/talks?ref=home&x=1", edited,
                  canonical="https://news.example/world/2026/talks", title="Talks resume, update")
    assert again.article_id == first.article_id and again.outcome == "updated"
    assert counts(engine) == (1, 1)


def test_a_claimant_stored_first_moves_to_its_own_url_when_the_real_page_comes(engine, sources):
    """The other order: a page of another source claims a URL nothing is stored at yet, and takes
    it; when the page at that URL is fetched, it gets its URL and the claimant moves to its own."""
    real = "https://news.example/world/2026/talks"
    claimant = store(engine, sources["copycat"], "https://blogs.news.example/copycat/talks", story(30),
                     canonical=real, title="The copy")
    original = store(engine, sources["daily"], real, story(31), canonical=real, title="Talks resume")
    assert original.article_id != claimant.article_id and original.outcome == "new"
    assert counts(engine) == (2, 0)
    with Session(engine) as session:
        moved, kept = session.get(Article, claimant.article_id), session.get(Article, original.article_id)
        assert (moved.canonical_url, moved.title) == ("https://blogs.news.example/copycat/talks", "The copy")
        assert (kept.canonical_url, kept.title, kept.source_id) == (real, "Talks resume", sources["daily"])
