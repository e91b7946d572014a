"""Hostile and odd metadata (issue 23, items 1, 2, 5 and 11): every field coerced to its declared type,
length and character set or dropped, one field at a time, and the article stored on both databases."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import sanitise
from core.records import RawPageData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from pipelines.extraction.extractor import extract_page
from storage.models import Article, RawPage, Source, Story
from tests.texts import story

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
URL = "https://news.example/world/2026/12/07/talks"


def page(json_ld: object | str, *, title: str = "Talks resume in Geneva", text_seed: int = 1) -> str:
    ld = json_ld if isinstance(json_ld, str) else json.dumps(json_ld)
    paragraphs = "".join(f"<p>{p}</p>" for p in story(text_seed, paragraphs=5).split("\n\n"))
    return (f"<html lang='en'><head><title>{title}</title>"
            f"<script type='application/ld+json'>{ld}</script></head>"
            f"<body><article><h1>{title}</h1>{paragraphs}</article></body></html>")


def article_ld(**fields) -> dict:
    return {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Talks resume in Geneva",
            "datePublished": "2026-12-07T08:00:00Z", **fields}


def store(engine, data, *, headers: dict | None = None):
    with Session(engine) as session, session.begin():
        source = session.scalar(select(Source).where(Source.key == "hostile"))
        if source is None:
            source = Source(key="hostile", name="Hostile", discovery="feeds")
            session.add(source)
            session.flush()
        raw = RawPageData(url=data.fetched_url, status=200, body=b"<html></html>", headers=headers or {},
                          context={"title": "feed title \x00 with a NUL"})
        write = ArticleWriter(DedupSettings()).write(session, data, source_id=source.id, run_id=None, raw=raw)
    with Session(engine) as session:
        return session.get(Article, write.article_id), session.scalars(select(RawPage)).all()


def assert_fits(article: Article) -> None:
    """Every stored field has its declared type, length and character set."""
    assert isinstance(article.title, str) and 0 < len(article.title) <= sanitise.TITLE_MAX
    assert isinstance(article.authors, list) and all(isinstance(a, str) and len(a) <= sanitise.AUTHOR_MAX
                                                     for a in article.authors)
    for name, cap in (("section", sanitise.SECTION_MAX), ("dateline", sanitise.DATELINE_MAX),
                      ("description", sanitise.DESCRIPTION_MAX), ("image_url", sanitise.URL_MAX),
                      ("language", sanitise.LANGUAGE_MAX)):
        value = getattr(article, name)
        assert value is None or (isinstance(value, str) and len(value) <= cap), (name, value)
    one_line = [article.title, *article.authors, article.section, article.dateline, article.description,
                article.image_url, article.language]
    for value in filter(None, one_line):
        assert not any(ord(c) < 32 or 127 <= ord(c) < 160 for c in value), value
    assert "\x00" not in article.text


IMAGE_SHAPES = {
    # El País, MDR, Der Standard: Google's recommended form, several aspect ratios.
    "list of ImageObjects": [{"@type": "ImageObject", "url": "https://img.example/16x9.jpg", "width": 1600},
                             {"@type": "ImageObject", "url": "https://img.example/4x3.jpg"}],
    "ImageObject with a list of urls": {"@type": "ImageObject", "url": ["https://img.example/a.jpg",
                                                                        "https://img.example/b.jpg"]},
    "list of strings": ["https://img.example/a.jpg", "https://img.example/b.jpg"],
    "url is an object": {"@type": "ImageObject", "url": {"@id": "https://img.example/a.jpg"}},
    "url is a number": {"@type": "ImageObject", "url": 5},
}


@pytest.mark.parametrize("shape", list(IMAGE_SHAPES))
def test_a_json_ld_image_of_any_shape_stores_one_url_or_none(engine, shape):
    data = extract_page(page(article_ld(image=IMAGE_SHAPES[shape])), url=URL, now=NOW)
    assert data.image_url is None or isinstance(data.image_url, str)
    article, _ = store(engine, data)
    assert article.image_url in (None, "https://img.example/16x9.jpg", "https://img.example/a.jpg")
    if shape != "url is a number" and shape != "url is an object":
        assert article.image_url is not None
    assert_fits(article)


MALFORMED = {
    "section is a number": article_ld(articleSection=5),
    "section is a list with null and a number": article_ld(articleSection=[None, 3]),
    "author is a number": article_ld(author=7),
    "author nested lists": article_ld(author=[[[[[[[[[[[[{"name": "Deep"}]]]]]]]]]]]]),
    "inLanguage is a list": article_ld(inLanguage=["en", "fr"]),
    "headline is an object": article_ld(headline={"name": "x"}),
    "description is a list": article_ld(description=["a", "b"]),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_json_ld_fields_are_dropped_one_by_one_and_the_page_is_stored(engine, case):
    data = extract_page(page(MALFORMED[case]), url=URL, now=NOW)
    assert data.published_at == datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # the rest of the statement holds
    article, _ = store(engine, data)
    assert_fits(article)
    if case == "section is a number":
        assert article.section is None  # a number is no section name: dropped, the page kept


def test_json_ld_nested_deeper_than_the_stack_is_ignored_not_fatal(engine):
    deep = "[" * 5000 + "]" * 5000
    nested_author = json.dumps(article_ld()).replace('"headline"', '"author": ' + "[" * 990 + '"Deep"' + "]" * 990
                                                     + ', "headline"')
    for ld in (deep, nested_author):
        data = extract_page(page(ld), url=URL, now=NOW)
        article, _ = store(engine, data)
        assert_fits(article)


def test_nul_bytes_in_json_ld_headers_and_feed_hints_never_reach_the_database(engine):
    ld = article_ld(author={"@type": "Person", "name": "Ana\u0000 Ruiz"}, image="https://img.example/a\u0000.jpg",
                    articleSection="Mun\u0000do")
    data = extract_page(page(ld), url=URL, now=NOW)
    headers = {"etag": 'W/"abc\x00"', "content-language": "es\x00", "last-modified": "Mon, 07 Dec 2026 08:00:00 GMT\x00"}
    article, raw_pages = store(engine, data, headers=headers)
    assert article.authors == ["Ana Ruiz"] and article.section == "Mundo"
    assert article.image_url is None  # a URL with a control character is dropped, not guessed at
    stored_headers = raw_pages[0].headers
    assert stored_headers["content-language"] == "es" and "\x00" not in json.dumps(stored_headers)
    assert "\x00" not in raw_pages[0].context["title"]


def test_nul_bytes_set_by_other_code_are_stripped_by_storage_itself(engine):
    """Storage is safe on its own: a record not made by extraction cannot carry a NUL in either."""
    data = extract_page(page(article_ld()), url=URL, now=NOW)
    data.title, data.dateline, data.authors = "Talks\x00 resume", "GENEVA\x00", ["A\x00B"]
    article, _ = store(engine, data)
    assert (article.title, article.dateline, article.authors) == ("Talks resume", "GENEVA", ["AB"])


def test_control_characters_from_json_ld_are_removed_from_authors_and_image(engine):
    ld = article_ld(author=[{"name": "\u001b[2JMallory\u0007"}, "Eve\u009b"],
                    image="https://img.example/\u001b[31mred.jpg")
    data = extract_page(page(ld), url=URL, now=NOW)
    article, _ = store(engine, data)
    assert article.authors == ["[2JMallory", "Eve"]
    assert article.image_url is None
    assert_fits(article)


def test_a_megabyte_title_is_capped_in_the_article_and_its_story(engine):
    huge = "Talks " + "resume " * 180_000
    data = extract_page(page(article_ld(headline=huge), title=huge[:200]), url=URL, now=NOW)
    data.title = huge  # as a page stating it in every tag would make it
    article, _ = store(engine, data)
    assert len(article.title) <= sanitise.TITLE_MAX
    with Session(engine) as session:
        assert len(session.get(Story, article.story_id).title) <= sanitise.TITLE_MAX
    assert_fits(article)


@pytest.mark.parametrize(("value", "expected"), [
    ("https://img.example/a b.jpg", "https://img.example/a%20b.jpg"),
    ("https://img.example/a\n/b.jpg", "https://img.example/a/b.jpg"),  # as a browser reads it
    ("/images/a.jpg", "/images/a.jpg"),
    ("javascript:alert(1)", None), ("data:image/png;base64,AAAA", None),
    ("https://img.example/\x1b[2J.jpg", None), ("https://img.example/" + "a" * 2100, None),
    (["https://img.example/a.jpg"], None), (5, None),
])
def test_a_url_field_is_an_http_url_as_written_or_nothing(value, expected):
    assert sanitise.url(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("  Talks \t resume\r\nin Geneva ", "Talks resume in Geneva"), ("\x1b[2J\x07Mallory", "[2JMallory"),
    ("A\u009bB\x7fC", "ABC"), ("\ud800x", "x"), (5, "5"), (True, None), (None, None), ([1], None), ("\x00", None),
])
def test_a_one_line_field_keeps_its_text_and_loses_control_characters(value, expected):
    assert sanitise.line(value, 100) == expected
