"""A real crawl of the sample network stores every article's country and organisation tags, on
SQLite and PostgreSQL: computed in the extraction workers, written with the articles, summed per story."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from core.urls import canonical_url
from newsdesk.samplenet.server import sample_network
from newsdesk.samplenet.site import manifest
from pipelines.tagging import tag
from storage import tags
from storage.db import make_engine
from storage.models import Article
from tests.crawl_helpers import crawl, crawl_environment

pytestmark = pytest.mark.slow


def test_a_crawl_stores_the_tags_the_extraction_found(db_url, tmp_path):
    with crawl_environment(tmp_path, db_url), sample_network() as network:
        sources = network.write_sources(tmp_path / "sources.yaml")
        outcome = crawl([outlet.key for outlet in network.outlets], sources)
        urls = manifest(network.base_urls)
    assert outcome.code == 0, outcome.log
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            articles = session.scalars(select(Article)).all()
            assert len(articles) > 30
            stored = {a.id: tags.tags_of(session, a.id) for a in articles}
            # Exactly what the tagger makes of each stored article, with its source's country: the
            # workers computed them and the store wrote them, for every article.
            for article in articles:
                expected = tag(article.title, article.text, language=article.language, dateline=article.dateline,
                               publisher_country=article.source.country)
                assert stored[article.id] == tags.StoredTags(expected.countries, expected.primary_country,
                                                             expected.organisations), article.canonical_url
            assert sum(bool(t.countries) for t in stored.values()) > len(articles) / 2

            seed = session.scalar(select(Article).where(Article.canonical_url == canonical_url(urls["seed_story"])))
            seed_tags = stored[seed.id]
            assert seed.dateline == "BEIJING" and seed_tags.primary_country == "CN"
            assert {"CN", "KG"} <= seed_tags.countries.keys() and "SCO" in seed_tags.organisations
            assert "PK" not in seed_tags.countries  # the publisher's country, not named by the text

            original = session.scalar(select(Article).where(
                Article.canonical_url == canonical_url(urls["syndicated"]["original"])))
            french = session.scalars(select(Article).join(Article.source).where(Article.language == "fr")).all()
            assert french and any(stored[a.id].countries for a in french)
        with engine.connect() as connection:
            story = dict(connection.execute(text(
                "SELECT country, articles FROM v_story_countries WHERE story_id = :s"), {"s": original.story_id}).all())
            assert story["PK"] == 3 and story["AF"] == 3  # the wire story and its two copies all name both
            members = connection.execute(text("SELECT count(*) FROM v_articles WHERE story_id = :s"),
                                         {"s": original.story_id}).scalar()
            assert members == 3
    finally:
        engine.dispose()
