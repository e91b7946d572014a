"""Real Scrapy crawls of the sample news network: what is stored, skipped, refetched and revised.

One network and three crawls serve the whole module: a first crawl, a second crawl of the
unchanged network (nothing known is fetched again), and a third after one article changed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.urls import canonical_url
from newsdesk.samplenet.server import sample_network
from newsdesk.samplenet.site import manifest
from pipelines.extraction.cleaning.headline import headline_fragment, title_variants
from storage.db import make_engine
from storage.models import Article, ArticleRevision, ArticleUrl, RawPage, Story
from tests.crawl_helpers import CrawlOutcome, crawl, crawl_environment

pytestmark = pytest.mark.slow


@dataclass
class Crawled:
    manifest: dict
    first: CrawlOutcome
    second: CrawlOutcome
    third: CrawlOutcome
    after_first: Counter
    after_second: Counter
    after_third: Counter
    database_url: str


@pytest.fixture(scope="module")
def crawled(tmp_path_factory) -> Crawled:
    tmp = tmp_path_factory.mktemp("crawl")
    database_url = f"sqlite:///{tmp / 'newsdesk.db'}"
    with crawl_environment(tmp, database_url), sample_network() as network:
        sources = network.write_sources(tmp / "sources.yaml")
        keys = [outlet.key for outlet in network.outlets]
        first = crawl(keys, sources)
        after_first = Counter(network.requests)
        second = crawl(keys, sources)
        after_second = Counter(network.requests)
        network.advance()
        third = crawl(keys, sources)
        after_third = Counter(network.requests)
        return Crawled(manifest(network.base_urls), first, second, third, after_first, after_second,
                       after_third, database_url)


@pytest.fixture(scope="module")
def db(crawled):
    engine = make_engine(crawled.database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def stored_urls(db) -> set[str]:
    return set(db.scalars(select(Article.canonical_url)))


def article_at(db, url: str) -> Article:
    return db.scalar(select(Article).where(Article.canonical_url == canonical_url(url)))


def fetches(counter: Counter, network_manifest: dict, url: str) -> int:
    for key, outlet in network_manifest["outlets"].items():
        base = outlet["homepage"].rstrip("/")
        if url.startswith(base):
            path = url[len(base):]
            return sum(n for (k, p), n in counter.items() if k == key and p.split("?")[0] == path.split("?")[0])
    raise AssertionError(url)


def test_every_run_succeeded_and_was_recorded(crawled):
    for outcome in (crawled.first, crawled.second, crawled.third):
        assert outcome.code == 0, outcome.log
        assert {r.spider for r in outcome.runs} == set(crawled.manifest["outlets"])
        assert all(r.status == "succeeded" and r.finished_at and r.trigger == "cli" for r in outcome.runs)
        assert all(r.log_path and r.stats.get("finish_reason") == "finished" for r in outcome.runs)


def test_every_recent_article_is_stored_and_nothing_else(crawled, db):
    expected = {canonical_url(u) for urls in crawled.manifest["recent_articles"].values() for u in urls}
    assert stored_urls(db) == expected
    assert len(expected) >= 40


def test_old_robots_disallowed_and_broken_pages_are_not_stored_but_counted(crawled, db):
    m, first = crawled.manifest, crawled.first
    stored = stored_urls(db)
    for url in (m["too_old"], m["robots_disallowed"], m["not_found"], m["server_error"], m["video"]):
        assert canonical_url(url) not in stored
    assert first.total("newsdesk/skipped/too_old") == 1
    assert first.total("newsdesk/skipped/robots_disallowed") >= 1
    assert fetches(crawled.after_third, m, m["robots_disallowed"]) == 0  # robots.txt honoured
    assert first.total("newsdesk/errors/http_404") == 1 and first.total("newsdesk/errors/http_500") == 1
    assert fetches(crawled.after_first, m, m["server_error"]) == 4  # retried 3 times, then given up


def test_listing_tag_and_other_non_article_pages_never_become_articles(crawled, db):
    m = crawled.manifest
    stored = stored_urls(db)
    for url in m["listing_pages"] + m["tag_pages"] + m["non_article_pages"] + [m["gallery"]]:
        assert canonical_url(url) not in stored, url
    skipped = crawled.first.total("newsdesk/skipped/not_article_url") + crawled.first.total("newsdesk/dropped/not_article")
    assert skipped >= 2


def test_slow_malformed_and_windows_1252_pages_are_stored(crawled, db):
    m = crawled.manifest
    for url in (m["slow"], m["malformed_html"]):
        assert article_at(db, url) is not None, url
    legacy = article_at(db, m["windows_1252"])
    assert legacy is not None and "\ufffd" not in legacy.text
    assert any(ch in legacy.text for ch in "éüöàç’“”"), "windows-1252 characters lost"


def test_seed_story_is_stored_clean(crawled, db):
    expected = crawled.manifest["seed_expected"]
    seed = article_at(db, crawled.manifest["seed_story"])
    assert seed.title == expected["title"]
    assert seed.section == expected["section"] and seed.dateline == expected["dateline"]
    paragraphs = seed.text.split("\n\n")
    assert len(paragraphs) == expected["paragraphs"]
    assert paragraphs[0].startswith("BEIJING:")
    assert not any(expected["title"].casefold() in p.casefold() for p in paragraphs)


def test_no_stored_body_contains_a_headline_fragment(db):
    for article in db.scalars(select(Article)):
        titles = title_variants(article.title)
        for paragraph in article.text.split("\n\n"):
            assert not headline_fragment(paragraph, titles, set())[0], (article.canonical_url, paragraph)


def test_syndicated_wire_story_is_one_story_with_its_copies(crawled, db):
    syndicated = crawled.manifest["syndicated"]
    original = article_at(db, syndicated["original"])
    copies = [article_at(db, url) for url in syndicated["copies"]]
    story = db.get(Story, original.story_id)
    assert story.canonical_article_id == original.id
    assert story.member_count == 1 + len(copies) and story.source_count == 1 + len(copies)
    for copy in copies:
        assert copy.story_id == original.story_id and copy.duplicate_of == original.id
        assert copy.similarity is not None and copy.similarity >= 0.5
    assert db.scalar(select(func.count()).select_from(Story).where(Story.member_count > 1)) == 1


def test_briefs_are_stored_and_not_merged(crawled, db):
    briefs = [article_at(db, url) for url in crawled.manifest["briefs"]]
    assert all(b is not None for b in briefs)
    assert len({b.story_id for b in briefs}) == len(briefs)


def test_tracking_and_amp_variants_are_one_article_with_several_urls(crawled, db):
    tracking = crawled.manifest["tracking_variants"]
    article = article_at(db, tracking["article"])
    urls = set(db.scalars(select(ArticleUrl.url).where(ArticleUrl.article_id == article.id)))
    assert canonical_url(tracking["amp"]) in urls
    assert any("utm_" in url for url in urls)
    for variant in tracking["variants"]:
        owner = db.scalar(select(ArticleUrl.article_id).where(ArticleUrl.url.in_([variant, canonical_url(variant)])))
        assert owner in (None, article.id)
    assert fetches(crawled.after_first, crawled.manifest, tracking["article"]) == 1


def test_second_crawl_fetches_no_known_article(crawled):
    m = crawled.manifest
    for urls in m["recent_articles"].values():
        for url in urls:
            assert fetches(crawled.after_second, m, url) == fetches(crawled.after_first, m, url), url
    assert crawled.second.total("newsdesk/pages_fetched") == 0
    assert crawled.second.total("newsdesk/feeds_not_modified") >= 1  # conditional GET: 304


def test_changed_article_is_refetched_and_kept_as_a_revision(crawled, db):
    m = crawled.manifest
    changed = article_at(db, m["changing_article"])
    revisions = db.scalars(select(ArticleRevision).where(ArticleRevision.article_id == changed.id)).all()
    assert len(revisions) == 1 and revisions[0].title != changed.title
    assert len(changed.text) > len(revisions[0].text)
    assert crawled.third.total("newsdesk/articles_updated") == 1
    assert crawled.third.total("newsdesk/pages_fetched") == 1
    assert db.scalar(select(func.count()).select_from(ArticleRevision)) == 1


def test_every_article_has_a_publication_date_and_a_clean_title(db):
    for article in db.scalars(select(Article)):
        assert article.published_at is not None, article.canonical_url
        assert article.title and "|" not in article.title, article.title


def test_raw_pages_are_kept_for_reprocessing(db):
    articles = db.scalar(select(func.count()).select_from(Article))
    pages = db.scalar(select(func.count(func.distinct(RawPage.article_id))))
    assert pages == articles
