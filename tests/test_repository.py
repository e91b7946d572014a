"""Repository functions: the database refuses duplicates, and the repository turns them into updates."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.records import ArticleData, RawPageData, content_hash
from storage import articles as repo
from storage import rejected, sources
from storage.models import Article, ArticleRevision, ArticleUrl, RawPage, RejectedUrl, Source


@pytest.fixture
def source_id(engine) -> int:
    with Session(engine) as session, session.begin():
        source = Source(key="wire", name="Wire", discovery="feeds")
        session.add(source)
        session.flush()
        return source.id


def _article(url="https://news.example/a/1", title="Talks resume in Geneva", text="Diplomats met again.") -> ArticleData:
    return ArticleData(canonical_url=url, fetched_url=url + "?utm_source=x", title=title, text=text,
                       published_at=datetime(2026, 11, 1, 8, 30, tzinfo=UTC))


def test_database_refuses_a_second_article_with_the_same_canonical_url(engine, source_id):
    with Session(engine) as session, session.begin():
        repo.insert_article(session, _article(), source_id=source_id, run_id=None)
    with pytest.raises(IntegrityError), Session(engine) as session, session.begin():
        repo.insert_article(session, _article(title="Other"), source_id=source_id, run_id=None)


def test_upsert_of_a_known_url_updates_and_keeps_a_revision(engine, source_id):
    with Session(engine) as session, session.begin():
        first = repo.upsert_article(session, _article(), source_id=source_id)
    with Session(engine) as session, session.begin():
        again = repo.upsert_article(session, _article(), source_id=source_id)
    with Session(engine) as session, session.begin():
        changed = repo.upsert_article(session, _article(text="Diplomats met again on Tuesday."), source_id=source_id)
    assert (first.outcome, again.outcome, changed.outcome) == ("new", "unchanged", "updated")
    assert first.article_id == again.article_id == changed.article_id
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        article = session.get(Article, first.article_id)
        assert article.text == "Diplomats met again on Tuesday."
        revisions = session.scalars(select(ArticleRevision)).all()
        assert [(r.revision, r.text) for r in revisions] == [(1, "Diplomats met again.")]
        urls = set(session.scalars(select(ArticleUrl.url)))
        assert urls == {"https://news.example/a/1", "https://news.example/a/1?utm_source=x"}


def test_lost_insert_race_becomes_an_update(engine, source_id, monkeypatch):
    # Another writer stored the article between our look-up and our insert: the unique
    # constraint refuses our insert and the repository revises their row instead.
    with Session(engine) as session, session.begin():
        theirs = repo.upsert_article(session, _article(), source_id=source_id)
    real_lookup = repo.find_article_id_by_urls
    calls = []

    def stale_first_lookup(session, urls):
        calls.append(urls)
        return None if len(calls) == 1 else real_lookup(session, urls)

    monkeypatch.setattr(repo, "find_article_id_by_urls", stale_first_lookup)
    with Session(engine) as session, session.begin():
        ours = repo.upsert_article(session, _article(title="Talks resume in Geneva (updated)"), source_id=source_id)
    assert len(calls) == 2
    assert (ours.outcome, ours.article_id) == ("updated", theirs.article_id)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1


def test_timestamps_come_back_timezone_aware_in_utc(engine, source_id):
    karachi = timezone(timedelta(hours=5))
    data = _article()
    data.published_at = datetime(2026, 11, 1, 13, 30, tzinfo=karachi)
    with Session(engine) as session, session.begin():
        article_id = repo.upsert_article(session, data, source_id=source_id).article_id
    with Session(engine) as session:
        article = session.get(Article, article_id)
        assert article.published_at == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)
        assert article.published_at.utcoffset() == timedelta(0)
        assert article.first_seen_at.tzinfo is not None


def test_naive_timestamps_are_refused(engine, source_id):
    data = _article()
    data.published_at = datetime(2026, 11, 1, 8, 30)
    with pytest.raises(Exception, match="naive datetime"), Session(engine) as session, session.begin():
        repo.upsert_article(session, data, source_id=source_id)


def test_raw_pages_are_compressed_and_bounded_per_article(engine, source_id):
    with Session(engine) as session, session.begin():
        article_id = repo.upsert_article(session, _article(), source_id=source_id).article_id
        for n in range(4):
            page = RawPageData(url="https://news.example/a/1", status=200, body=f"<html>{n}</html>".encode() * 50,
                               fetched_at=datetime(2026, 11, 1, n, tzinfo=UTC))
            repo.store_raw_page(session, article_id, page, run_id=None, keep=2)
    with Session(engine) as session:
        kept = session.scalars(select(RawPage).order_by(RawPage.fetched_at)).all()
        assert [repo.read_raw_page(r)[:9] for r in kept] == [b"<html>2</", b"<html>3</"]
        assert all(len(r.body_gzip) < r.body_bytes for r in kept)


def test_content_hash_ignores_case_punctuation_and_spacing():
    assert content_hash("Talks resume,  in GENEVA.") == content_hash("talks resume in geneva")
    assert content_hash("Talks resume in Geneva") != content_hash("Talks resumed in Geneva")


@dataclass
class _Spec:
    key: str
    name: str
    homepage: str | None = None
    country: str | None = None
    language: str | None = "en"
    enabled: bool = True
    discovery: str = "feeds"


def test_sources_created_by_two_processes_at_once_are_created_once(engine):
    # Workers starting together each sync the same new sources: the second must find the first's
    # rows, not fail on the unique key (it did, and that worker then lost every page of the source).
    specs = [_Spec("wire", "Wire"), _Spec("daily", "Daily")]
    second: dict = {}

    def sync_in_another_session() -> None:
        with Session(engine) as session, session.begin():
            second["ids"] = sources.sync_sources(session, specs, disable_missing=False)

    with Session(engine) as first:
        with first.begin():
            first_ids = sources.sync_sources(first, specs, disable_missing=False)
            other = threading.Thread(target=sync_in_another_session)
            other.start()
            other.join(0.5)  # it waits on the rows this transaction has not committed yet
        other.join(30)
    assert not other.is_alive()
    assert second["ids"] == first_ids
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Source)) == 2


def test_rejected_urls_are_bumped_when_seen_again_and_created_once_when_two_workers_reject_at_once(engine, source_id):
    t0 = datetime(2026, 11, 20, 8, tzinfo=UTC)
    url = "https://news.example/video/1"
    with Session(engine) as session, session.begin():
        rejected.remember(session, {url: (source_id, "non_html")}, now=t0)
    with Session(engine) as session, session.begin():
        rejected.remember(session, {url: (source_id, "not_article")}, now=t0 + timedelta(days=40))
    with Session(engine) as session:
        row = session.scalars(select(RejectedUrl)).one()
        assert (row.reason, row.times) == ("not_article", 2)
        assert (row.first_seen_at.astimezone(UTC), row.last_checked_at.astimezone(UTC)) == (t0, t0 + timedelta(days=40))
    fresh = "https://news.example/gallery/2"
    done = threading.Event()

    def reject_in_another_session() -> None:
        with Session(engine) as session, session.begin():
            rejected.remember(session, {fresh: (source_id, "non_html")}, now=t0)
        done.set()

    with Session(engine) as first, first.begin():
        rejected.remember(first, {fresh: (source_id, "non_html")}, now=t0)
        other = threading.Thread(target=reject_in_another_session)
        other.start()
        other.join(0.5)  # waits on this transaction's uncommitted row
    other.join(30)
    assert done.is_set()  # it did not fail on the unique URL
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(RejectedUrl).where(RejectedUrl.url == fresh)) == 1
