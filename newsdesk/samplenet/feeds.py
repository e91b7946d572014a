"""RSS 2.0, Atom, sitemaps and robots.txt for the sample outlets.

Written by hand because we need to control the details real publishers differ on (which
namespaces, `dc:creator` vs `author`, tracking parameters in links, `atom:updated` inside RSS);
feed *reading* in the project uses feedparser, and the tests check these feeds with it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from xml.sax.saxutils import escape, quoteattr

from newsdesk.samplenet.dates import iso, rfc822


@dataclass(frozen=True)
class FeedItem:
    title: str
    link: str
    published: datetime
    guid: str
    guid_is_permalink: bool = True
    updated: datetime | None = None     # written as atom:updated in RSS when given
    author: str = ""
    categories: Sequence[str] = ()
    summary: str = ""
    content_html: str = ""
    comments_link: str = ""
    image: str = ""


def _cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def rss(*, title: str, link: str, description: str, language: str, self_url: str,
        items: Sequence[FeedItem], last_build: datetime, generator: str = "") -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:media="http://search.yahoo.com/mrss/">',
        "<channel>",
        f"<title>{escape(title)}</title>",
        f'<atom:link href={quoteattr(self_url)} rel="self" type="application/rss+xml" />',
        f"<link>{escape(link)}</link>",
        f"<description>{escape(description)}</description>",
        f"<lastBuildDate>{rfc822(last_build)}</lastBuildDate>",
        f"<language>{escape(language)}</language>",
    ]
    if generator:
        lines.append(f"<generator>{escape(generator)}</generator>")
    for item in items:
        lines.append("<item>")
        lines.append(f"<title>{escape(item.title)}</title>")
        lines.append(f"<link>{escape(item.link)}</link>")
        if item.comments_link:
            lines.append(f"<comments>{escape(item.comments_link)}</comments>")
        if item.author:
            lines.append(f"<dc:creator>{_cdata(item.author)}</dc:creator>")
        lines.append(f"<pubDate>{rfc822(item.published)}</pubDate>")
        if item.updated:
            lines.append(f"<atom:updated>{iso(item.updated)}</atom:updated>")
        lines.extend(f"<category>{_cdata(category)}</category>" for category in item.categories)
        permalink = "true" if item.guid_is_permalink else "false"
        lines.append(f'<guid isPermaLink="{permalink}">{escape(item.guid)}</guid>')
        if item.summary:
            lines.append(f"<description>{_cdata(item.summary)}</description>")
        if item.content_html:
            lines.append(f"<content:encoded>{_cdata(item.content_html)}</content:encoded>")
        if item.image:
            lines.append(f'<media:content url={quoteattr(item.image)} medium="image" />')
        lines.append("</item>")
    lines += ["</channel>", "</rss>", ""]
    return "\n".join(lines)


def atom(*, title: str, feed_id: str, link: str, self_url: str, items: Sequence[FeedItem],
         updated: datetime, author: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"<title>{escape(title)}</title>",
        f"<id>{escape(feed_id)}</id>",
        f'<link rel="alternate" type="text/html" href={quoteattr(link)} />',
        f'<link rel="self" type="application/atom+xml" href={quoteattr(self_url)} />',
        f"<updated>{iso(updated)}</updated>",
        f"<author><name>{escape(author)}</name></author>",
    ]
    for item in items:
        lines += [
            "<entry>",
            f"<title>{escape(item.title)}</title>",
            f'<link rel="alternate" type="text/html" href={quoteattr(item.link)} />',
            f"<id>{escape(item.guid)}</id>",
            f"<published>{iso(item.published)}</published>",
            f"<updated>{iso(item.updated or item.published)}</updated>",
        ]
        if item.author:
            lines.append(f"<author><name>{escape(item.author)}</name></author>")
        lines.extend(f"<category term={quoteattr(category)} />" for category in item.categories)
        if item.summary:
            lines.append(f'<summary type="text">{escape(item.summary)}</summary>')
        lines.append("</entry>")
    lines += ["</feed>", ""]
    return "\n".join(lines)


@dataclass(frozen=True)
class SitemapEntry:
    loc: str
    lastmod: datetime
    news_title: str = ""                # set for Google News sitemap entries
    news_published: datetime | None = None
    keywords: Sequence[str] = ()


def sitemap_index(entries: Sequence[SitemapEntry]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for entry in entries:
        lines.append(f"<sitemap><loc>{escape(entry.loc)}</loc><lastmod>{iso(entry.lastmod)}</lastmod></sitemap>")
    lines += ["</sitemapindex>", ""]
    return "\n".join(lines)


def news_sitemap(entries: Sequence[SitemapEntry], *, publication: str, language: str) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">',
    ]
    for entry in entries:
        lines += [
            "<url>",
            f"<loc>{escape(entry.loc)}</loc>",
            f"<lastmod>{iso(entry.lastmod)}</lastmod>",
            "<news:news>",
            f"<news:publication><news:name>{escape(publication)}</news:name>"
            f"<news:language>{escape(language)}</news:language></news:publication>",
            f"<news:publication_date>{iso(entry.news_published or entry.lastmod)}</news:publication_date>",
            f"<news:title>{escape(entry.news_title)}</news:title>",
        ]
        if entry.keywords:
            lines.append(f"<news:keywords>{escape(', '.join(entry.keywords))}</news:keywords>")
        lines += ["</news:news>", "</url>"]
    lines += ["</urlset>", ""]
    return "\n".join(lines)


def robots_txt(*, disallow: Sequence[str], sitemaps: Sequence[str] = (), allow: Sequence[str] = ()) -> str:
    lines = ["User-agent: *"]
    lines += [f"Allow: {path}" for path in allow]
    lines += [f"Disallow: {path}" for path in disallow]
    lines += ["", "User-agent: BadBot", "Disallow: /", ""]
    lines += [f"Sitemap: {url}" for url in sitemaps]
    return "\n".join(lines) + "\n"
