"""Sitemaps: Google News sitemaps, plain urlsets, sitemap indexes, gzip; bounded and entity-safe.

Parsed with lxml with entity resolution, network access and huge trees all off, after the same
entity-declaration refusal as feeds. A sitemap may list 50,000 URLs; we read at most
``max_urls`` of them, newest first when they carry dates.
"""

from __future__ import annotations

import io
import zlib
from dataclasses import dataclass, field

from lxml import etree

from core.dates import parse_datetime, plausible, utcnow
from crawlers.feeds import Candidate, refuse_entities

MAX_SITEMAP_URLS = 5000
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit


class SitemapTooLarge(ValueError):
    pass


@dataclass
class Sitemap:
    kind: str  # "urlset" | "sitemapindex" | "other"
    entries: list[Candidate] = field(default_factory=list)  # for an index: the child sitemaps
    total: int = 0


def gunzip_bounded(body: bytes, max_size: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """Decompress gzip, refusing to inflate past ``max_size`` (a gzip bomb stops here)."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    out = io.BytesIO()
    chunk = decompressor.decompress(body, max_size + 1)
    out.write(chunk)
    if out.tell() > max_size or decompressor.unconsumed_tail:
        raise SitemapTooLarge(f"decompresses to more than {max_size} bytes")
    return out.getvalue()


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _child_text(element, name: str) -> str | None:
    for child in element.iter():
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def parse_sitemap(body: bytes, *, max_urls: int = MAX_SITEMAP_URLS) -> Sitemap:
    if body[:2] == b"\x1f\x8b":
        body = gunzip_bounded(body)
    refuse_entities(body)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                             recover=True, remove_comments=True, remove_pis=True, load_dtd=False)
    try:
        root = etree.fromstring(body, parser=parser)
    except etree.XMLSyntaxError:
        return Sitemap("other")
    if root is None:
        return Sitemap("other")
    kind = _local(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        return Sitemap("other")
    item_tag = "url" if kind == "urlset" else "sitemap"
    entries: list[Candidate] = []
    total = 0
    now = utcnow()
    for element in root:
        if _local(element.tag) != item_tag:
            continue
        total += 1
        loc = _child_text(element, "loc")
        if not loc:
            continue
        news_date = _child_text(element, "publication_date")
        lastmod = _child_text(element, "lastmod")
        entries.append(Candidate(
            url=loc,
            title=_child_text(element, "title"),
            # Placeholders (0001, 1970) and future dates are no dates, as on pages (core/dates.py).
            published=plausible(parse_datetime(news_date), now),
            updated=plausible(parse_datetime(lastmod), now),
            via="sitemap",
        ))
    # Newest first, so that the bound keeps what matters to a news crawl.
    entries.sort(key=lambda c: (c.published or c.updated or _EPOCH), reverse=True)
    return Sitemap(kind, entries[:max_urls], total)


from datetime import UTC, datetime  # noqa: E402  (after the functions that read nicer first)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
