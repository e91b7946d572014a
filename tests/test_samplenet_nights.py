"""The nightly sample network: outlets publish every night, and each fault looks the way it is described."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta

import feedparser
import pytest

from newsdesk.samplenet.nights import FAULTS, NightlyNetwork


def fetch(url: str, headers: dict | None = None) -> tuple[int, bytes, dict]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read(), dict(error.headers)


@pytest.fixture
def network():
    with NightlyNetwork(outlets=3, per_night=4) as served:
        yield served


def body_paragraphs(page: str) -> int:
    return re.search(r"<article>(.*)</article>", page).group(1).count("<p>")


def articles_of(network, key: str) -> list[str]:
    base = network.base_urls[key]
    return [base + network.path(story.number) for story in network.published[key]]


def test_every_night_each_outlet_publishes_about_per_night_new_stories(network):
    counts = [network.next_night() for _ in range(4)]
    assert all(3 <= count <= 5 for night in counts for count in night.values())
    for key in network.keys:
        feed = feedparser.parse(fetch(network.base_urls[key] + "/feed.xml")[1])
        assert len(feed.entries) == sum(night[key] for night in counts)
        newest = network.published[key][-1]
        assert feed.entries[0].link.endswith(network.path(newest.number))  # newest first
        assert all(entry.get("published") for entry in feed.entries)


def test_a_normal_article_page_has_its_dates_author_and_whole_body(network):
    network.next_night()
    status, body, _ = fetch(articles_of(network, "nightly_a")[0])
    page = body.decode()
    assert status == 200
    assert 'property="article:published_time"' in page and '"datePublished"' in page and "<time " in page
    assert re.search(r'<p class="byline">By [A-Z]', page)
    assert body_paragraphs(page) >= 5


def test_faults_apply_to_their_outlet_on_their_night_only(network):
    network.next_night()
    network.next_night({"nightly_a": "teaser", "nightly_b": "no_dates", "nightly_c": "blocked"})
    teaser = fetch(articles_of(network, "nightly_a")[0])[1].decode()
    assert "Subscribe to read the full story." in teaser and body_paragraphs(teaser) == 1  # one sentence, then the paywall line
    undated = fetch(articles_of(network, "nightly_b")[-1])[1].decode()
    assert not re.search(r"published_time|datePublished|<time|\d{4}-\d{2}-\d{2}", undated)
    assert b"pubDate" not in fetch(network.base_urls["nightly_b"] + "/feed.xml")[1]
    for url in [network.base_urls["nightly_c"] + path for path in ("/", "/robots.txt", "/feed.xml")] + articles_of(network, "nightly_c"):
        assert fetch(url)[0] == 403
    network.next_night()  # repaired
    assert body_paragraphs(fetch(articles_of(network, "nightly_a")[0])[1].decode()) >= 5
    assert fetch(network.base_urls["nightly_c"] + "/feed.xml")[0] == 200


def test_captcha_serves_200_in_place_of_articles_and_leaves_the_feed(network):
    network.next_night({"nightly_a": "captcha"})
    status, body, _ = fetch(articles_of(network, "nightly_a")[0])
    assert status == 200 and b"security check" in body
    assert len(feedparser.parse(fetch(network.base_urls["nightly_a"] + "/feed.xml")[1]).entries) >= 3


def test_a_stale_outlet_publishes_nothing_and_its_feed_is_not_modified(network):
    network.next_night()
    feed_url = network.base_urls["nightly_b"] + "/feed.xml"
    _, before, headers = fetch(feed_url)
    counts = network.next_night({"nightly_b": "stale"})
    assert counts["nightly_b"] == 0 and counts["nightly_a"] > 0
    status, after, _ = fetch(feed_url)
    assert status == 200 and after == before
    assert fetch(feed_url, {"If-None-Match": headers["ETag"]})[0] == 304


def test_unknown_outlets_or_faults_are_refused(network):
    with pytest.raises(ValueError, match="unknown outlet or fault"):
        network.next_night({"nightly_a": "flood"})
    with pytest.raises(ValueError, match="unknown outlet or fault"):
        network.next_night({"nowhere": "teaser"})
    assert set(FAULTS) == {"teaser", "stale", "no_dates", "blocked", "captcha"}


def test_the_same_night_gives_the_same_pages():
    moment = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
    first, second = NightlyNetwork(outlets=2, per_night=3), NightlyNetwork(outlets=2, per_night=3)
    for network in (first, second):
        network.next_night(now=moment)
        network.next_night({"nightly_b": "no_dates"}, now=moment + timedelta(days=1))
    for key in ("nightly_a", "nightly_b"):
        pages = [network._build(key, "http://127.0.0.1:1", 1, None) for network in (first, second)]
        assert {path: page.body for path, page in pages[0].items()} == {path: page.body for path, page in pages[1].items()}
