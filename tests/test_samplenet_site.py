"""The offline sample news network: every outlet builds, links hold together, special cases exist.

Pure checks on the pages as bytes; no server, no network. URLs are resolved the way the server
serves them: exact path+query, else the path without its query.
"""

from __future__ import annotations

import json
import re
import urllib.robotparser
from datetime import UTC, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import feedparser
import lxml.etree
import lxml.html
import pytest
import trafilatura
import yaml

from newsdesk.samplenet import stories
from newsdesk.samplenet.site import OUTLETS, Page, build_site, manifest, outlet_site
from newsdesk.samplenet.stories import outlet_content

NOW = datetime(2026, 11, 28, 9, 30, tzinfo=UTC)
BASES = {outlet.key: f"http://127.0.0.1:{8741 + index}" for index, outlet in enumerate(OUTLETS)}
NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


@pytest.fixture(scope="module")
def sites() -> dict[str, dict[str, Page]]:
    return {key: build_site(key, base, NOW) for key, base in BASES.items()}


@pytest.fixture(scope="module")
def sites_v2() -> dict[str, dict[str, Page]]:
    return {key: build_site(key, base, NOW, version=2) for key, base in BASES.items()}


@pytest.fixture(scope="module")
def network() -> dict:
    return manifest(BASES)


def resolve(sites: dict[str, dict[str, Page]], url: str) -> Page | None:
    parts = urlsplit(url)
    pages = sites[_outlet_of(url)]
    exact = parts.path + (f"?{parts.query}" if parts.query else "")
    return pages.get(exact) or pages.get(parts.path)


def _outlet_of(url: str) -> str:
    parts = urlsplit(url)
    base = f"{parts.scheme}://{parts.netloc}"
    return next(key for key, value in BASES.items() if value == base)


def text_of(page: Page) -> str:
    charset = re.search(r"charset=([\w-]+)", page.headers.get("Content-Type", "")).group(1)
    return page.body.decode({"windows-1252": "cp1252"}.get(charset, charset))


def html_tree(page: Page, url: str):
    tree = lxml.html.fromstring(text_of(page))
    tree.make_links_absolute(url)
    return tree


def is_html(page: Page) -> bool:
    return page.headers.get("Content-Type", "").startswith("text/html")


def same_host_links(tree, url: str) -> set[str]:
    host = urlsplit(url).netloc
    links = {href.split("#")[0] for href in tree.xpath("//a/@href")}
    links |= set(tree.xpath("//link[@rel='canonical' or @rel='amphtml' or @rel='next' or @rel='prev'"
                            " or @rel='alternate']/@href"))
    return {link for link in links if urlsplit(link).netloc == host and urlsplit(link).scheme.startswith("http")}


def feed_links(sites, key: str) -> list[str]:
    links = []
    for path in next(o for o in OUTLETS if o.key == key).feeds:
        links += [entry.link for entry in feedparser.parse(sites[key][path].body).entries]
    return links


def sitemap_locs(sites, key: str) -> list[str]:
    """Article URLs from the outlet's sitemaps, following sitemap indexes."""
    queue = [BASES[key] + path for path in next(o for o in OUTLETS if o.key == key).sitemaps]
    locs = []
    while queue:
        root = lxml.etree.fromstring(resolve(sites, queue.pop()).body)
        found = [loc.text for loc in root.iter(f"{{{SITEMAP_NS}}}loc")]
        if root.tag == f"{{{SITEMAP_NS}}}sitemapindex":
            queue += found
        else:
            locs += found
    return locs


def listing_links(sites, key: str) -> list[str]:
    """Links matching the follow regex on each section listing's first page."""
    links = []
    for path, follow in next(o for o in OUTLETS if o.key == key).sections:
        url = BASES[key] + path
        tree = html_tree(sites[key][path], url)
        links += [link for link in tree.xpath("//a/@href") if re.search(follow, link)]
    return links


def expected_status(network: dict, url: str) -> int:
    return {network["not_found"]: 404, network["server_error"]: 500}.get(url, 200)


# --- outlets ------------------------------------------------------------------------------------

def test_there_are_at_least_three_distinct_outlets_with_entry_points():
    assert len(OUTLETS) >= 3
    assert len({outlet.key for outlet in OUTLETS}) == len(OUTLETS)
    for outlet in OUTLETS:
        assert re.fullmatch(r"[a-z][a-z0-9_]{1,63}", outlet.key)
        assert re.fullmatch(r"[A-Z]{2}|INT", outlet.country)
        assert outlet.feeds or outlet.sitemaps or outlet.sections
        for _, follow in outlet.sections:
            re.compile(follow)


def test_every_outlet_builds_with_home_robots_feeds_and_sitemaps(sites):
    for outlet in OUTLETS:
        pages = sites[outlet.key]
        for path in ["/", "/robots.txt", *outlet.feeds, *outlet.sitemaps, *(p for p, _ in outlet.sections)]:
            assert pages[path].status == 200, (outlet.key, path)
        for path, page in pages.items():
            assert path.startswith("/")
            assert isinstance(page.body, bytes) and page.body, (outlet.key, path)
            assert "charset=" in page.headers["Content-Type"], (outlet.key, path)


def test_outlets_use_clearly_different_templates(sites, network):
    markers = {
        "indus_herald": ['<article id="post-', 'class="entry-content"', 'id="commentform"'],
        "meridian_wire": ["(MNA) - ", "HTML 4.01"],
        "global_courier": ['application/ld+json', 'rel="amphtml"'],
        "quotidien_nations": ['itemprop="articleBody"', 'lang="fr"'],
    }
    for key, expected in markers.items():
        article = resolve(sites, network["articles"][key][0])
        for marker in expected:
            assert marker in text_of(article), (key, marker)


def test_homepages_advertise_their_feed_for_autodiscovery(sites):
    for outlet in OUTLETS:
        url = BASES[outlet.key] + "/"
        tree = html_tree(sites[outlet.key]["/"], url)
        feeds = tree.xpath("//link[@rel='alternate'][contains(@type, 'rss+xml') or contains(@type, 'atom+xml')]/@href")
        assert feeds, outlet.key
        for feed in feeds:
            assert resolve(sites, feed).status == 200


# --- articles -----------------------------------------------------------------------------------

def test_at_least_forty_article_pages_with_realistic_length(network):
    assert sum(len(urls) for urls in network["articles"].values()) >= 40
    for outlet in OUTLETS:
        for story in outlet_content(outlet.key).stories:
            if not story.is_article:
                continue
            words = sum(len(paragraph.split()) for paragraph in story.paragraphs)
            low, high = (40, 70) if story.role == "brief" else (150, 600)
            assert low <= words <= high, (story.slug, words)
            if story.role != "brief":
                assert len(story.paragraphs) >= 4, story.slug


def test_publication_times_are_recent_except_the_too_old_article(network):
    for outlet in OUTLETS:
        for story in outlet_content(outlet.key).stories:
            if story.role == "too_old":
                assert story.hours_ago == 40 * 24
            else:
                assert 24 <= story.hours_ago <= 120, story.slug


def test_article_pages_are_realistically_sized(sites, network):
    for urls in network["articles"].values():
        for url in urls:
            assert 30_000 <= len(resolve(sites, url).body) <= 150_000, url


def test_trafilatura_extracts_each_article_without_the_page_chrome(sites):
    for outlet in OUTLETS:
        for story in outlet_content(outlet.key).stories:
            if not story.is_article:
                continue
            url = BASES[outlet.key] + _path_of(story)
            text = re.sub(r"\s+", " ", trafilatura.extract(text_of(resolve(sites, url))) or "")
            for paragraph in (story.paragraphs[0], story.paragraphs[-1]):
                assert re.sub(r"\s+", " ", paragraph)[-50:] in text, (story.slug, paragraph[:40])
            for chrome in ("All rights reserved", "Leave a Reply", "Recent Posts", "Most Read", "Most shared"):
                assert chrome not in text, (story.slug, chrome)


def _path_of(story) -> str:
    return outlet_site(story.outlet, BASES[story.outlet]).article_path(story)


# --- links, feeds, sitemaps ---------------------------------------------------------------------

def test_every_link_in_feeds_sitemaps_and_listings_resolves(sites, network):
    for outlet in OUTLETS:
        for url in feed_links(sites, outlet.key) + sitemap_locs(sites, outlet.key) + listing_links(sites, outlet.key):
            page = resolve(sites, url)
            assert page is not None, url
            assert page.status == expected_status(network, url), url


def test_every_same_host_link_on_every_page_resolves(sites, network):
    for outlet in OUTLETS:
        for path, page in sites[outlet.key].items():
            if not is_html(page) or page.status != 200:
                continue
            url = BASES[outlet.key] + path
            for link in same_host_links(html_tree(page, url), url):
                target = resolve(sites, link)
                assert target is not None, (url, link)
                assert target.status == expected_status(network, link), (url, link)


def test_every_article_is_reachable_from_the_declared_entry_points(sites, network):
    for outlet in OUTLETS:
        found = feed_links(sites, outlet.key) + sitemap_locs(sites, outlet.key) + listing_links(sites, outlet.key)
        found = {urljoin(BASES[outlet.key], link).split("?")[0] for link in found}
        missing = set(network["articles"][outlet.key]) - found
        assert not missing, (outlet.key, missing)


def test_feeds_parse_with_feedparser_and_carry_dates(sites):
    offsets = set()
    for outlet in OUTLETS:
        for path in outlet.feeds:
            raw = sites[outlet.key][path].body
            feed = feedparser.parse(raw)
            assert not feed.bozo, (outlet.key, feed.get("bozo_exception"))
            assert feed.version in {"rss20", "atom10"}
            assert len(feed.entries) >= 5
            for entry in feed.entries:
                published = datetime(*entry.published_parsed[:6], tzinfo=UTC)
                assert NOW - timedelta(days=41) <= published <= NOW, entry.link
                assert entry.title
            offsets |= set(re.findall(rb"<pubDate>[^<]* ([+-]\d{4})</pubDate>", raw))
    assert b"+0500" in offsets and b"+0000" in offsets


def test_wordpress_feed_has_creator_and_categories_and_wire_feed_is_atom(sites):
    wordpress = feedparser.parse(sites["indus_herald"]["/feed/"].body)
    assert wordpress.version == "rss20"
    assert all(entry.get("author") and entry.get("tags") for entry in wordpress.entries)
    assert feedparser.parse(sites["meridian_wire"]["/atom.xml"].body).version == "atom10"


def test_news_sitemap_is_reached_through_the_index_and_has_publication_dates(sites):
    pages = sites["global_courier"]
    index = lxml.etree.fromstring(pages["/sitemap-index.xml"].body)
    assert index.tag == f"{{{SITEMAP_NS}}}sitemapindex"
    assert [loc.text for loc in index.iter(f"{{{SITEMAP_NS}}}loc")] == [BASES["global_courier"] + "/news-sitemap.xml"]
    urlset = lxml.etree.fromstring(pages["/news-sitemap.xml"].body)
    urls = urlset.findall(f"{{{SITEMAP_NS}}}url")
    assert len(urls) >= 10
    for url in urls:
        published = url.find(f".//{{{NEWS_NS}}}publication_date").text
        assert datetime.fromisoformat(published).tzinfo is not None
        assert url.find(f".//{{{NEWS_NS}}}title").text


def test_robots_txt_everywhere_and_private_article_is_disallowed(sites, network):
    for outlet in OUTLETS:
        assert sites[outlet.key]["/robots.txt"].headers["Content-Type"].startswith("text/plain")
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(sites["global_courier"]["/robots.txt"].body.decode().splitlines())
    assert not parser.can_fetch("newsdesk", network["robots_disallowed"])
    assert network["robots_disallowed"] in sitemap_locs(sites, "global_courier")
    for url in network["articles"]["global_courier"]:
        assert parser.can_fetch("newsdesk", url)


# --- special cases ------------------------------------------------------------------------------

def test_manifest_urls_all_exist_in_the_sites(sites, network):
    def urls(value):
        if isinstance(value, str) and value.startswith("http"):
            yield value
        elif isinstance(value, dict):
            for item in value.values():
                yield from urls(item)
        elif isinstance(value, list):
            for item in value:
                yield from urls(item)

    checked = list(urls({key: value for key, value in network.items() if key != "outlets"}))
    assert len(checked) > 100
    for url in checked:
        page = resolve(sites, url)
        assert page is not None, url
        assert page.status == expected_status(network, url), url
    assert resolve(sites, network["slow"]).delay == 3.0


def test_manifest_requires_every_outlet():
    with pytest.raises(ValueError, match="missing"):
        manifest({"indus_herald": BASES["indus_herald"]})


def test_seed_page_repeats_the_headline_with_the_section_label(sites, network):
    title = "China to promote neighborhood diplomacy through SCO"
    page = resolve(sites, network["seed_story"])
    html = text_of(page)
    assert html.count(f"{title} My Country") >= 3
    tree = lxml.html.fromstring(html)
    assert tree.xpath("string(//h1)").strip() == title
    paragraphs = [p.text_content() for p in tree.xpath("//div[@class='entry-content']/p[not(@class)]")]
    assert len(paragraphs) == network["seed_expected"]["paragraphs"] == 11
    assert paragraphs[0].startswith("BEIJING:")


def test_seed_text_falls_back_to_our_own_when_the_shared_example_is_absent(monkeypatch, tmp_path):
    title = "China to promote neighborhood diplomacy through SCO"
    shared = stories.SEED_RAW_TEXT
    entry = yaml.safe_load((stories.OUTLETS_DIR / "indus_herald.yaml").read_text(encoding="utf-8"))["stories"][0]
    fallback = stories.split_paragraphs(entry["body"])
    monkeypatch.setattr(stories, "SEED_RAW_TEXT", tmp_path / "absent.txt")
    assert stories.seed_paragraphs(title, fallback) == fallback
    assert len(fallback) == 11 and fallback[0].startswith("BEIJING: ")
    if shared.exists():  # the fallback is our own text, not a copy of the shared example
        assert not set(fallback) & set(shared.read_text(encoding="utf-8").splitlines())


def test_seed_text_is_read_from_the_shared_raw_example_when_present(tmp_path, monkeypatch):
    title = "China to promote neighborhood diplomacy through SCO"
    glued = f"{title} My Country"
    raw = tmp_path / "raw.txt"
    raw.write_text(f"{title}\n\n{glued}\n{glued}\n\n{glued}\n\nBEIJING:  One.\n\nTwo.\n\n{glued}", encoding="utf-8")
    monkeypatch.setattr(stories, "SEED_RAW_TEXT", raw)
    assert stories.seed_paragraphs(title, ("fallback",)) == ("BEIJING:  One.", "Two.")


def test_windows_1252_page_is_really_encoded_so(sites, network):
    page = resolve(sites, network["windows_1252"])
    assert page.headers["Content-Type"] == "text/html; charset=windows-1252"
    with pytest.raises(UnicodeDecodeError):
        page.body.decode("utf-8")
    html = page.body.decode("cp1252")
    assert '<meta charset="windows-1252">' in html
    for text in ("José", "Zürich", "“", "’"):
        assert text in html


def test_changing_article_differs_in_version_2(sites, sites_v2, network):
    url = network["changing_article"]
    before, after = resolve(sites, url), resolve(sites_v2, url)
    assert before.body != after.body

    def structured(page):
        tree = lxml.html.fromstring(text_of(page))
        return json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])

    old, new = structured(before), structured(after)
    assert new["headline"] != old["headline"]
    assert datetime.fromisoformat(new["dateModified"]) > datetime.fromisoformat(old["dateModified"])
    assert len(text_of(after).split("<p>")) == len(text_of(before).split("<p>")) + 1

    def lastmod(pages):
        urlset = lxml.etree.fromstring(pages["/news-sitemap.xml"].body)
        for entry in urlset.findall(f"{{{SITEMAP_NS}}}url"):
            if entry.findtext(f"{{{SITEMAP_NS}}}loc") == url:
                return datetime.fromisoformat(entry.findtext(f"{{{SITEMAP_NS}}}lastmod"))

    assert lastmod(sites_v2["global_courier"]) > lastmod(sites["global_courier"])
    feed_before = {e.link.split("?")[0]: e.updated_parsed for e in feedparser.parse(sites["global_courier"]["/rss/world.xml"].body).entries}
    feed_after = {e.link.split("?")[0]: e.updated_parsed for e in feedparser.parse(sites_v2["global_courier"]["/rss/world.xml"].body).entries}
    assert feed_after[url] > feed_before[url]
    # Other stories do not change (their pages do only where they link to it by its headline).
    for other in network["articles"]["global_courier"]:
        if other != url:
            assert trafilatura.extract(text_of(resolve(sites, other))) == trafilatura.extract(text_of(resolve(sites_v2, other)))
    assert sites["indus_herald"]["/feed/"].body == sites_v2["indus_herald"]["/feed/"].body


def test_syndicated_copies_differ_from_the_wire_original(sites, network):
    original = outlet_content("meridian_wire").story(
        "pakistan-afghanistan-agree-to-reopen-border-crossings-after-geneva-talks")
    assert len(original.paragraphs) >= 8
    assert "GENEVA, " in text_of(resolve(sites, network["syndicated"]["original"]))
    copies = [story for key in BASES for story in outlet_content(key).stories if story.role == "syndicated_copy"]
    assert len(copies) == len(network["syndicated"]["copies"]) == 2
    assert len({original.title, *(copy.title for copy in copies)}) == 3
    for copy in copies:
        assert 1 <= original.hours_ago - copy.hours_ago <= 3
        assert "MNA" in copy.credit
        assert copy.paragraphs != original.paragraphs
    assert any(len(copy.paragraphs) < len(original.paragraphs) for copy in copies)
    pages = [text_of(resolve(sites, url)) for url in network["syndicated"]["copies"]]
    assert any("Also read:" in page for page in pages)


def test_tracking_variants_and_amp_lead_to_one_canonical_article(sites, network):
    variants = network["tracking_variants"]
    canonical = resolve(sites, variants["article"])
    assert len(variants["variants"]) >= 3
    for url in variants["variants"]:
        assert resolve(sites, url).body == canonical.body
    tree = lxml.html.fromstring(text_of(canonical))
    assert tree.xpath("//link[@rel='canonical']/@href") == [variants["article"]]
    assert tree.xpath("//link[@rel='amphtml']/@href") == [variants["amp"]]
    amp = lxml.html.fromstring(text_of(resolve(sites, variants["amp"])))
    assert amp.xpath("//link[@rel='canonical']/@href") == [variants["article"]]
    assert any("utm_source=rss" in link for link in feed_links(sites, "global_courier"))
    home = html_tree(sites["global_courier"]["/"], BASES["global_courier"] + "/")
    assert variants["article"] + "?utm_campaign=home" in home.xpath("//a/@href")


def test_international_articles_carry_json_ld_and_open_graph(sites, network):
    for url in network["articles"]["global_courier"]:
        tree = lxml.html.fromstring(text_of(resolve(sites, url)))
        data = json.loads(tree.xpath("//script[@type='application/ld+json']/text()")[0])
        assert data["@type"] == "NewsArticle"
        for field in ("headline", "datePublished", "dateModified", "author", "articleSection", "image"):
            assert data[field], (url, field)
        assert tree.xpath("//meta[@property='article:published_time']/@content")
        assert tree.xpath("//meta[@property='og:title']/@content")


def test_video_page_is_one_sentence_with_video_og_type(sites, network):
    tree = lxml.html.fromstring(text_of(resolve(sites, network["video"])))
    assert tree.xpath("//meta[@property='og:type']/@content") == ["video.other"]
    body = tree.xpath("//div[contains(@class, 'gc-article__body')]//p/text()")
    assert len(body) == 1
    assert network["video"] in network["non_article_pages"]


def test_a_non_article_page_matches_a_follow_regex_on_a_listing(sites, network):
    reachable = set()
    for outlet in OUTLETS:
        reachable |= set(listing_links(sites, outlet.key)) | set(feed_links(sites, outlet.key))
    assert {url.split("?")[0] for url in reachable} & set(network["non_article_pages"])


def test_malformed_page_is_broken_but_holds_the_story(sites, network):
    html = text_of(resolve(sites, network["malformed_html"]))
    assert "</body>" not in html and "</html>" not in html
    assert html.count("</div>") > html.count("<div")
    assert html.count("<p>") > html.count("</p>")
    text = trafilatura.extract(html)
    assert "Security Council voted" in text and "displaced tens of thousands" in text


def test_special_responses(sites, network):
    assert resolve(sites, network["not_found"]).status == 404
    assert resolve(sites, network["server_error"]).status == 500
    slow = resolve(sites, network["slow"])
    assert slow.status == 200 and slow.delay == 3.0
    assert network["not_found"] in feed_links(sites, "meridian_wire")
    assert network["server_error"] in feed_links(sites, "indus_herald")
    assert any(link.startswith(network["slow"]) for link in feed_links(sites, "global_courier"))


def test_too_old_article_is_forty_days_old(sites, network):
    tree = lxml.html.fromstring(text_of(resolve(sites, network["too_old"])))
    published = datetime.fromisoformat(tree.xpath("//meta[@property='article:published_time']/@content")[0])
    assert NOW - published == timedelta(days=40)
    assert network["too_old"] not in network["recent_articles"]["indus_herald"]


def test_briefs_are_short_distinct_and_share_stock_phrases(network):
    briefs = [story for key in BASES for story in outlet_content(key).stories if story.role == "brief"]
    assert len(briefs) == 2 and briefs[0].outlet != briefs[1].outlet
    first, second = (" ".join(story.paragraphs) for story in briefs)
    for phrase in ("on a two-day official visit", "received at the airport by senior",
                   "bilateral relations, trade, connectivity and regional security"):
        assert phrase in first and phrase in second
    assert first != second


def test_listing_pages_paginate_with_rel_next(sites, network):
    second_pages = [url for url in network["listing_pages"] if "/page/2/" in url]
    assert {_outlet_of(url) for url in second_pages} >= {"indus_herald"}
    first = resolve(sites, BASES["indus_herald"] + "/category/world/")
    tree = html_tree(first, BASES["indus_herald"] + "/category/world/")
    assert tree.xpath("//link[@rel='next']/@href") == [BASES["indus_herald"] + "/category/world/page/2/"]
    assert network["tag_pages"]


def test_listing_and_tag_pages_are_linked_from_the_homepage(sites, network):
    for outlet in OUTLETS:
        home_url = BASES[outlet.key] + "/"
        linked = same_host_links(html_tree(sites[outlet.key]["/"], home_url), home_url)
        for url in network["listing_pages"] + network["tag_pages"]:
            if _outlet_of(url) == outlet.key and "/page/" not in url:
                assert url in linked, url


def test_builds_are_deterministic_and_use_the_base_url(sites):
    again = build_site("global_courier", BASES["global_courier"], NOW + timedelta(seconds=20))
    assert {path: page.body for path, page in again.items()} == {
        path: page.body for path, page in sites["global_courier"].items()}
    elsewhere = build_site("global_courier", "http://127.0.0.1:9999", NOW)
    assert b"http://127.0.0.1:9999/world/" in elsewhere["/rss/world.xml"].body
    assert BASES["global_courier"].encode() not in elsewhere["/rss/world.xml"].body


def test_unknown_outlet_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown sample outlet"):
        build_site("nope", "http://127.0.0.1:1", NOW)
