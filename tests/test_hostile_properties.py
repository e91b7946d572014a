"""Property: whatever JSON-LD, headers, feed item and dates a page comes with, extraction and storage
either store it with every field of its declared type, length and character set, or drop it with a
reason; nothing else ever happens (issue 23). On SQLite and PostgreSQL, a modest number of examples."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import sanitise
from core.outcomes import Rejected
from core.records import RawPageData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from pipelines.extraction.extractor import extract_page
from storage.models import Article, RawPage, Source, Story
from tests.texts import story

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
HOSTILE_STRINGS = ["", " ", "\x00", "\x00\x00\x00", "\x1b[2J\x07", "\u009b31m", "\ud800", "a\udfffb", "\u2028",
                   "x" * 5000, "https://img.example/a.jpg", "/relative.jpg", "javascript:alert(1)",
                   "1970-01-01T00:00:00Z", "0001-01-01", "9999-12-31T23:59:59Z", "2026-12-07T08:00:00+01:00",
                   "Thu, 01 Jan 1970 00:00:00 GMT", "yesterday", "en-GB", "zh_Hans", "e\u0301", "\ufffd"]
strings = st.one_of(st.sampled_from(HOSTILE_STRINGS), st.text(max_size=60),
                    st.text(alphabet=st.characters(max_codepoint=0x9f), max_size=30))
scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False), strings)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(st.sampled_from(["url", "name", "@id", "contentUrl", "@type"]), inner, max_size=3)),
                           max_leaves=12)
json_ld = st.fixed_dictionaries({"@type": st.one_of(st.just("NewsArticle"), json_values)}, optional={
    key: json_values for key in ("headline", "author", "image", "articleSection", "datePublished", "dateModified",
                                 "description", "inLanguage", "mainEntity", "@graph")})
headers = st.dictionaries(st.sampled_from(["content-type", "content-language", "last-modified", "etag", "date"]),
                          strings, max_size=5)
hints = st.fixed_dictionaries({"title": st.one_of(st.none(), strings), "published": st.one_of(st.none(), strings),
                               "updated": st.one_of(st.none(), strings), "via": st.sampled_from(["feed", "sitemap"])})
_urls = itertools.count()


def page(ld: dict, title: str, seed: int) -> str:
    body = "".join(f"<p>{p}</p>" for p in story(seed, paragraphs=4).split("\n\n"))
    # Escaped as a page would have it: "</" cannot end the script early.
    script = json.dumps(ld).replace("</", "<\\/")
    return (f"<html><head><title>{title}</title><script type='application/ld+json'>{script}</script></head>"
            f"<body><article><h1>{title}</h1>{body}</article></body></html>")


def assert_storable_line(value, cap: int) -> None:
    assert value is None or (isinstance(value, str) and 0 < len(value) <= cap), value
    if value:
        assert not any(ord(c) < 32 or 127 <= ord(c) < 160 or 0xD800 <= ord(c) <= 0xDFFF for c in value), value


def check_stored(engine, article_id: int) -> None:
    with Session(engine) as session:
        article = session.get(Article, article_id)
        assert_storable_line(article.title, sanitise.TITLE_MAX)
        for name, cap in (("section", sanitise.SECTION_MAX), ("dateline", sanitise.DATELINE_MAX),
                          ("description", sanitise.DESCRIPTION_MAX), ("image_url", sanitise.URL_MAX),
                          ("language", sanitise.LANGUAGE_MAX)):
            assert_storable_line(getattr(article, name), cap)
        assert isinstance(article.authors, list) and len(article.authors) <= sanitise.AUTHORS_MAX
        for author in article.authors:
            assert_storable_line(author, sanitise.AUTHOR_MAX)
        for moment in (article.published_at, article.updated_at):
            assert moment is None or (moment.tzinfo is not None and datetime(1995, 1, 1, tzinfo=UTC) <= moment)
        assert "\x00" not in article.text
        assert len(session.get(Story, article.story_id).title) <= sanitise.TITLE_MAX
        raw = session.scalars(select(RawPage).where(RawPage.article_id == article_id)).one()
        for value in raw.headers.values():
            assert_storable_line(value, sanitise.HEADER_VALUE_MAX)
        assert "\x00" not in json.dumps(raw.context)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(ld=json_ld, title=strings, page_headers=headers, listing=hints)
def test_any_metadata_is_stored_to_its_declared_shape_or_dropped_with_a_reason(engine, ld, title, page_headers, listing):
    number = next(_urls)
    url = f"https://news.example/world/{number}"
    html_title = title.replace("<", "").replace("&", "") or "Talks"
    try:
        data = extract_page(page(ld, html_title, number).encode("utf-8", "surrogatepass"), url=url,
                            content_type=page_headers.get("content-type"), hints=listing, now=NOW)
    except Rejected as rejected:
        assert rejected.reason  # dropped, with a reason: the run goes on
        return
    with Session(engine) as session, session.begin():
        source = session.scalar(select(Source).where(Source.key == "prop"))
        if source is None:
            source = Source(key="prop", name="Prop", discovery="feeds")
            session.add(source)
            session.flush()
        raw = RawPageData(url=url, status=200, body=b"<html></html>", headers=page_headers,
                          context={"source": "prop", **listing})
        write = ArticleWriter(DedupSettings()).write(session, data, source_id=source.id, run_id=None, raw=raw)
    check_stored(engine, write.article_id)
