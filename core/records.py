"""The records everyone passes around: a fetched page, the one article record from extraction to
storage, a raw page to keep, a dedup signature. Plain data, no SQLAlchemy or Scrapy state inside.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import sys
import unicodedata
from array import array
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# Response headers worth keeping: they decide decoding and re-extraction.
KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")


@dataclass
class FetchedPage:
    """What a spider hands to the pipelines: one fetched article page and what led to it."""

    source_key: str
    url: str                       # the response URL, after redirects
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    requested_urls: list[str] = field(default_factory=list)  # URLs that led here (tracking variants, pre-redirect)
    hints: dict[str, Any] = field(default_factory=dict)      # feed/sitemap title and dates, how it was found
    fetched_at: datetime | None = None
    run_id: int | None = None      # the run it belongs to (set by the spider from the run context)
    # Filled in by the pipelines:
    article: ArticleData | None = None  # stage 200 (extraction), completed by stage 300 (URLs)
    signature: Signature | None = None  # dedup signature, computed with the extraction
    body_gzip: bytes | None = None  # the body compressed for storage (by the extraction worker)
    outcome: str | None = None     # new | updated | unchanged | duplicate | alias (core/outcomes.py)


@dataclass
class RunContext:
    """The run a crawler is recording. It travels on the crawler (`run_context(crawler)`): the run
    recorder (or a distributed worker's) fills it when the spider opens; the spider stamps each item
    with the run, and the pipelines read the source from it."""

    source_id: int | None = None
    run_id: int | None = None  # None on a distributed worker: each request carries its own run


def run_context(crawler) -> RunContext:
    context = getattr(crawler, "newsdesk_run", None)
    if context is None:
        context = crawler.newsdesk_run = RunContext()
    return context


@dataclass
class ArticleData:
    """One article, from extraction to storage: what the page said, cleaned, and where it lives.

    Extraction fills the content and the page's own statements (canonical_link, amp_link,
    site_name, encoding); stage 300 sets canonical_url and other_urls from them; the store writes it.
    """

    title: str
    text: str
    canonical_url: str = ""        # stage 300 (until then, the fetched URL)
    fetched_url: str | None = None
    other_urls: dict[str, str] = field(default_factory=dict)  # url -> kind ("amp", "alias", ...)
    authors: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    updated_at: datetime | None = None
    language: str | None = None
    section: str | None = None
    dateline: str | None = None
    description: str | None = None
    image_url: str | None = None
    # The countries and international organisations it names (pipelines/tagging), computed with the
    # extraction: ISO 3166-1 alpha-2 -> mentions (most named first), the country it is mainly about,
    # organisation key -> mentions. Stored in article_countries / article_organisations.
    countries: dict[str, int] = field(default_factory=dict)
    primary_country: str | None = None
    organisations: dict[str, int] = field(default_factory=dict)
    # What the page says about its own URLs and site, read by extraction (not stored as columns).
    canonical_link: str | None = None
    amp_link: str | None = None
    site_name: str | None = None
    encoding: str | None = None
    # Derived from the text, computed once (in the extraction worker when there is one); a new
    # text object invalidates them.
    _derived: dict = field(default_factory=dict, repr=False, compare=False)

    def _derive(self, name: str, compute) -> object:
        cached = self._derived.get(name)
        if cached is None or cached[0] is not self.text:
            cached = self._derived[name] = (self.text, compute(self.text))
        return cached[1]

    def precomputed(self, **values) -> ArticleData:
        """Record values already computed for this text (word_count, content_hash)."""
        for name, value in values.items():
            self._derived[name] = (self.text, value)
        return self

    @property
    def word_count(self) -> int:
        return self._derive("word_count", count_words)

    @property
    def content_hash(self) -> str:
        return self._derive("content_hash", content_hash)

    def as_json(self) -> dict:
        """What `newsdesk extract --json` prints: the extracted fields, times in ISO-8601 UTC."""
        record = asdict(self)
        del record["_derived"]
        for key in ("canonical_url", "fetched_url", "other_urls"):
            record.pop(key)  # decided by the crawl's URL stage, not by extraction
        for key in ("published_at", "updated_at"):
            record[key] = record[key].isoformat().replace("+00:00", "Z") if record[key] else None
        record["word_count"] = self.word_count
        return record


@dataclass
class RawPageData:
    url: str
    status: int
    body: bytes
    body_gzip: bytes | None = None  # compressed already (by the extraction worker)
    headers: dict[str, str] = field(default_factory=dict)
    context: dict = field(default_factory=dict)
    fetched_at: datetime | None = None

    def compressed(self) -> bytes:
        return self.body_gzip if self.body_gzip is not None else gzip_body(self.body)


@dataclass(frozen=True)
class SignatureParams:
    num_perm: int = 256
    shingle_words: int = 5
    bands: int = 64

    @property
    def rows(self) -> int:
        return self.num_perm // self.bands


@dataclass(frozen=True)
class Signature:
    """num_perm MinHash values as little-endian uint32 bytes, as stored.

    Bytes rather than a numpy array: the crawl process compares and indexes signatures but never
    computes one, and so never imports numpy (14 MB) or unpickles an array.
    """

    raw: bytes
    shingle_count: int

    def to_bytes(self) -> bytes:
        return self.raw

    @classmethod
    def from_bytes(cls, raw: bytes, shingle_count: int) -> Signature:
        return cls(bytes(raw), shingle_count)

    @property
    def values(self) -> array:
        values = array("I", self.raw)
        if sys.byteorder == "big":
            values.byteswap()
        return values

    @property
    def hashvalues(self):
        """The values as a numpy uint32 array (benchmarks and tests)."""
        import numpy as np

        return np.frombuffer(self.raw, dtype="<u4").astype(np.uint32)


def gzip_body(body: bytes) -> bytes:
    # Level 1: on the 181 real benchmark pages 6% larger than level 3 and 11% larger than level 6,
    # at 80% and 36% of their time (1.0 ms a page against 1.3 and 2.9). Every page pays the time;
    # the extra bytes are a few KB per page, kept NEWSDESK_RAW_PAGE_RETENTION_DAYS (180).
    return gzip.compress(body, compresslevel=1, mtime=0)  # mtime 0: the same page, the same bytes


_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def count_words(text: str) -> int:
    """Words in a text; Chinese, Japanese and Korean characters count one each (no spaces there)."""
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk


def normalised_body(text: str) -> str:
    """The body reduced to what identifies its content: NFKC, case-folded words, no punctuation.

    Two copies that differ only in whitespace, quotes or case hash the same.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(_WORD.findall(text))


def content_hash(text: str) -> str:
    return hashlib.sha256(normalised_body(text).encode("utf-8")).hexdigest()
