"""extract_page end to end: the seed story, metadata, dates, encodings, and pages that are refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from core.outcomes import Rejected
from pipelines.extraction.extractor import extract_page
from tests.conftest import shared_path

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
BODY = "".join(
    f"<p>Paragraph {n}: the foreign ministers of the two countries met in Geneva on Tuesday to discuss a "
    f"ceasefire, officials said, adding that the talks would resume next week in Doha.</p>" for n in range(6)
)


def page(head: str = "", body: str = BODY, lang: str = "en") -> str:
    return f"<html lang='{lang}'><head>{head}</head><body><article><h1>Talks resume in Geneva</h1>{body}</article></body></html>"


def seed_page() -> str:
    raw = shared_path("examples", "sco-diplomacy.raw.txt").read_text(encoding="utf-8")
    paragraphs = "".join(f"<p>{line}</p>" for line in raw.split("\n") if line.strip())
    return (f"<html><head><title>China to promote neighborhood diplomacy through SCO | The Daily Ledger</title>"
            f"<meta property='og:site_name' content='The Daily Ledger'></head><body><header><nav><a href='/'>Home</a>"
            f"</nav></header><article>{paragraphs}</article><footer>© The Daily Ledger</footer></body></html>")


def test_seed_story_comes_out_clean():
    expected = json.loads(shared_path("examples", "sco-diplomacy.expected.json").read_text())
    clean = shared_path("examples", "sco-diplomacy.clean.txt").read_text(encoding="utf-8").strip()
    result = extract_page(seed_page(), url="https://dailyledger.example/china-sco/", now=NOW)
    assert result.title == expected["title"]
    assert result.section == expected["section"] and result.dateline == expected["dateline"]
    paragraphs = result.text.split("\n\n")
    assert len(paragraphs) == expected["paragraphs"] == 11
    assert result.text == clean
    assert not any(expected["title"] in p for p in paragraphs)


def test_metadata_from_json_ld_and_meta_tags():
    head = """<title>Talks resume in Geneva | World | Global Courier</title>
    <meta property="og:site_name" content="Global Courier"><link rel="canonical" href="/world/talks-resume">
    <link rel="amphtml" href="/amp/world/talks-resume"><meta name="description" content="Ministers met.">
    <meta property="og:image" content="https://img.example/1.jpg">
    <script type="application/ld+json">{"@context": "https://schema.org", "@graph": [{"@type": "NewsArticle",
      "headline": "Talks resume in Geneva", "datePublished": "2026-11-27T09:30:00+05:00",
      "dateModified": "2026-11-27T12:00:00+05:00", "author": [{"@type": "Person", "name": "Amina Yusuf"},
      {"@type": "Person", "name": "Li Wei"}], "articleSection": "World"}]}</script>"""
    result = extract_page(page(head), url="https://courier.example/world/talks-resume?utm_source=x", now=NOW)
    assert result.title == "Talks resume in Geneva"
    assert result.authors == ["Amina Yusuf", "Li Wei"]
    assert result.published_at == datetime(2026, 11, 27, 4, 30, tzinfo=UTC)
    assert result.updated_at == datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    assert (result.section, result.language, result.description) == ("World", "en", "Ministers met.")
    assert result.canonical_link == "/world/talks-resume" and result.amp_link == "/amp/world/talks-resume"
    assert result.image_url == "https://img.example/1.jpg"


def test_site_name_is_removed_from_the_title():
    result = extract_page(page("<title>Talks resume in Geneva - The Daily Ledger</title>"), now=NOW)
    assert result.title == "Talks resume in Geneva"


def test_byline_in_the_body_becomes_the_authors():
    result = extract_page(page(body="<p>By Jane Doe and John Roe</p>" + BODY), now=NOW)
    assert result.authors == ["Jane Doe", "John Roe"]
    assert "By Jane Doe" not in result.text


@pytest.mark.parametrize(
    ("head", "hints", "url", "expected"),
    [
        # JSON-LD wins over meta tags and the feed date.
        ('<script type="application/ld+json">{"@type":"NewsArticle","datePublished":"2026-11-20T08:00:00Z"}</script>'
         '<meta property="article:published_time" content="2026-11-21T08:00:00Z">',
         {"published": "2026-11-22T08:00:00+00:00"}, None, datetime(2026, 11, 20, 8, 0, tzinfo=UTC)),
        # Meta tags win over the feed date.
        ('<meta property="article:published_time" content="2026-11-21T08:00:00Z">',
         {"published": "2026-11-22T08:00:00+00:00"}, None, datetime(2026, 11, 21, 8, 0, tzinfo=UTC)),
        # Nothing stated: the feed's date.
        ("", {"published": "2026-11-22T08:00:00+00:00"}, None, datetime(2026, 11, 22, 8, 0, tzinfo=UTC)),
        # A date in the future is no date: the next candidate is taken.
        ('<meta property="article:published_time" content="2027-03-01T08:00:00Z">',
         {"published": "2026-11-22T08:00:00+00:00"}, None, datetime(2026, 11, 22, 8, 0, tzinfo=UTC)),
        # Unrelated digits in the URL are not a date.
        ("", {}, "https://news.example/story/20261127/4512398", None),
        # 1970 (an epoch zero) is no date either.
        ('<meta property="article:published_time" content="1970-01-01T00:00:00Z">', {}, None, None),
    ],
)
def test_publication_date_precedence_and_plausibility(head, hints, url, expected):
    result = extract_page(page(head), url=url, hints=hints, now=NOW)
    assert result.published_at == expected


def test_a_date_shaped_url_is_used_as_a_last_resort():
    result = extract_page(page(), url="https://news.example/2026/11/25/talks-resume/", now=NOW)
    assert result.published_at is not None and result.published_at.date() == datetime(2026, 11, 25).date()


def test_update_before_publication_is_dropped():
    head = ('<meta property="article:published_time" content="2026-11-21T08:00:00Z">'
            '<meta property="article:modified_time" content="2026-11-20T08:00:00Z">')
    assert extract_page(page(head), now=NOW).updated_at is None


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (page().encode("windows-1252"), "text/html; charset=windows-1252"),
        (page().replace("Geneva", "Genève").encode("windows-1252"), "text/html; charset=windows-1252"),
        (page().replace("Geneva", "Genève").encode("windows-1252"), "text/html"),           # no charset: detection
        (b"\xef\xbb\xbf" + page().replace("Geneva", "Genève").encode("utf-8"), "text/html; charset=iso-8859-1"),  # BOM wins
        (page().replace("Geneva", "Genève").encode("utf-8"), "text/html; charset=iso-8859-1"),  # declares latin-1, sends UTF-8
        (page("<meta charset='windows-1252'>").replace("Geneva", "Genève").encode("windows-1252"), None),
    ],
)
def test_encodings_are_decoded_right(body, content_type):
    result = extract_page(body, content_type=content_type, now=NOW)
    assert "Genève" in result.text or "Geneva" in result.text
    assert "\ufffd" not in result.text and "Ã" not in result.text


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"", "text/html", "empty"),
        (b"   \n ", "text/html", "empty"),
        (b"%PDF-1.7 binary stuff", "text/html", "non_html"),
        (b"\x89PNG\r\n\x1a\n....", "text/html", "non_html"),
        (b"{}", "application/json", "non_html"),
        (page(body="<p>Too short.</p>").encode(), "text/html", "too_short"),
        (page('<meta property="og:type" content="video.other">').encode(), "text/html", "not_article"),
        ("<html><body>" + "".join(f"<a href='/x/{n}'>Headline number {n} of the day here</a> " for n in range(60))
         + "</body></html>", "text/html", "not_article"),
    ],
)
def test_pages_that_are_not_articles_are_refused_with_a_reason(body, content_type, reason):
    with pytest.raises(Rejected) as refused:
        extract_page(body if isinstance(body, bytes) else body.encode(), content_type=content_type, now=NOW)
    assert refused.value.reason == reason


def test_undeclared_language_is_detected():
    french = "".join(f"<p>Les ministres des affaires étrangères des deux pays se sont réunis à Genève mardi pour "
                     f"discuter d'un cessez-le-feu, ont indiqué des responsables ({n}).</p>" for n in range(5))
    result = extract_page(f"<html><body><article><h1>Reprise des pourparlers</h1>{french}</article></body></html>", now=NOW)
    assert result.language == "fr"


def test_the_same_page_gives_the_same_record_twice():
    html = seed_page() if shared_path("examples").exists() else page()
    first, second = extract_page(html, now=NOW), extract_page(html, now=NOW)
    assert first == second
    assert first.published_at is None or first.published_at <= NOW + timedelta(minutes=15)
