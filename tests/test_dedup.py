"""Deduplication passes on real databases: aliases, syndicated copies as stories, revisions, briefs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.records import ArticleData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.models import Article, ArticleRevision, ArticleUrl, Source, Story
from tests.texts import brief, story, syndicated_copy

T0 = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


@pytest.fixture
def sources(engine) -> dict[str, int]:
    with Session(engine) as session, session.begin():
        rows = [Source(key=key, name=key.title(), discovery="feeds") for key in ("wire", "daily", "herald")]
        session.add_all(rows)
        session.flush()
        return {row.key: row.id for row in rows}


def store(engine, source_id, url, text, *, title="Talks", published=T0):
    writer = ArticleWriter(DedupSettings())
    data = ArticleData(canonical_url=url, fetched_url=url, title=title, text=text, published_at=published)
    with Session(engine) as session, session.begin():
        return writer.write(session, data, source_id=source_id, run_id=None)


def test_syndicated_copy_joins_the_originals_story(engine, sources):
    original = story(1)
    first = store(engine, sources["wire"], "https://wire.example/geneva-talks", original, published=T0)
    copy = store(engine, sources["daily"], "https://daily.example/world/talks-resume", syndicated_copy(original),
                 title="Talks resume in Geneva, officials say", published=T0 + timedelta(hours=2))
    other = store(engine, sources["herald"], "https://herald.example/other", story(2), published=T0)
    assert (first.outcome, copy.outcome, other.outcome) == ("new", "duplicate", "new")
    with Session(engine) as session:
        wire, daily = session.get(Article, first.article_id), session.get(Article, copy.article_id)
        assert wire.story_id == daily.story_id
        assert daily.duplicate_of == wire.id and wire.duplicate_of is None
        assert 0.5 < daily.similarity < 1.0
        stored = session.get(Story, wire.story_id)
        assert (stored.canonical_article_id, stored.member_count, stored.source_count) == (wire.id, 2, 2)
        assert stored.sources == ["daily", "wire"]
        assert session.scalar(select(func.count()).select_from(Story)) == 2


def test_earlier_published_copy_becomes_the_canonical_member(engine, sources):
    original = story(3)
    late = store(engine, sources["daily"], "https://daily.example/a", syndicated_copy(original), published=T0 + timedelta(hours=3))
    early = store(engine, sources["wire"], "https://wire.example/a", original, published=T0)
    with Session(engine) as session:
        story_row = session.get(Story, session.get(Article, late.article_id).story_id)
        assert story_row.canonical_article_id == early.article_id
        assert session.get(Article, late.article_id).duplicate_of == early.article_id
        assert session.get(Article, early.article_id).duplicate_of is None


def test_exact_copy_across_sources_scores_one_and_same_source_is_an_alias(engine, sources):
    text = story(4)
    first = store(engine, sources["wire"], "https://wire.example/x", text)
    alias = store(engine, sources["wire"], "https://wire.example/print/x", text)
    copy = store(engine, sources["herald"], "https://herald.example/x", text)
    assert (alias.outcome, alias.article_id) == ("alias", first.article_id)
    assert copy.outcome == "duplicate"
    with Session(engine) as session:
        assert session.get(Article, copy.article_id).similarity == 1.0
        urls = set(session.scalars(select(ArticleUrl.url).where(ArticleUrl.article_id == first.article_id)))
        assert "https://wire.example/print/x" in urls
        assert session.scalar(select(func.count()).select_from(Article)) == 2


def test_same_source_at_a_new_url_is_a_revision_not_a_new_article(engine, sources):
    text = story(5)
    first = store(engine, sources["daily"], "https://daily.example/2026/11/talks-resume", text, title="Talks resume")
    edited = text.replace("In ", "At ", 1)
    moved = store(engine, sources["daily"], "https://daily.example/2026/11/talks-resume-in-geneva", edited,
                  title="Talks resume in Geneva")
    assert (moved.outcome, moved.article_id) == ("updated", first.article_id)
    with Session(engine) as session:
        article = session.get(Article, first.article_id)
        assert article.canonical_url.endswith("talks-resume-in-geneva") and article.title == "Talks resume in Geneva"
        revision = session.scalars(select(ArticleRevision)).one()
        assert (revision.revision, revision.title) == (1, "Talks resume")
        assert revision.url.endswith("/talks-resume")


def test_refetch_unchanged_moves_only_last_seen(engine, sources):
    text = story(6)
    first = store(engine, sources["wire"], "https://wire.example/y", text)
    again = store(engine, sources["wire"], "https://wire.example/y", text)
    assert again.outcome == "unchanged" and again.article_id == first.article_id
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(ArticleRevision)) == 0


def test_briefs_with_stock_phrases_are_not_merged(engine, sources):
    one = store(engine, sources["wire"], "https://wire.example/brief-1", brief(7))
    two = store(engine, sources["daily"], "https://daily.example/brief-2", brief(8))
    assert (one.outcome, two.outcome) == ("new", "new")
    with Session(engine) as session:
        assert session.get(Article, one.article_id).story_id != session.get(Article, two.article_id).story_id


def test_identical_briefs_are_still_exact_copies(engine, sources):
    text = brief(9)
    store(engine, sources["wire"], "https://wire.example/brief-9", text)
    copy = store(engine, sources["daily"], "https://daily.example/brief-9", text)
    assert copy.outcome == "duplicate"


def test_an_original_arriving_after_two_unrelated_looking_copies_merges_their_stories(engine, sources):
    """Copy A (the first half of a wire story) and copy B (the second half) share nothing, so
    each starts a story; the original then matches both, and the three are one story."""
    original = story(21, paragraphs=12)
    halves = original.split("\n\n")
    first = store(engine, sources["daily"], "https://daily.example/a", "\n\n".join(halves[:6]), published=T0 + timedelta(hours=2))
    second = store(engine, sources["herald"], "https://herald.example/b", "\n\n".join(halves[6:]), published=T0 + timedelta(hours=3))
    with Session(engine) as session:
        assert session.get(Article, first.article_id).story_id != session.get(Article, second.article_id).story_id
    wire = store(engine, sources["wire"], "https://wire.example/full", original, published=T0)
    assert wire.outcome == "duplicate"
    with Session(engine) as session:
        members = session.scalars(select(Article)).all()
        assert len({m.story_id for m in members}) == 1
        merged = session.get(Story, members[0].story_id)
        assert (merged.member_count, merged.source_count, merged.canonical_article_id) == (3, 3, wire.article_id)
        assert session.scalar(select(func.count()).select_from(Story)) == 1
