"""What spiders hand to the pipelines: one fetched article page and what led to it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Response headers worth keeping: they decide decoding and re-extraction.
KEPT_HEADERS = ("content-type", "content-language", "last-modified", "etag", "date")


@dataclass
class FetchedPage:
    source_key: str
    url: str                       # the response URL, after redirects
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    requested_urls: list[str] = field(default_factory=list)  # URLs that led here (tracking variants, pre-redirect)
    hints: dict[str, Any] = field(default_factory=dict)      # feed/sitemap title and dates, how it was found
    fetched_at: datetime | None = None
    run_id: int | None = None      # the run it belongs to (distributed runs: from the request's meta)
    # Filled in by the pipelines:
    extracted: Any = None          # pipelines.extraction.ExtractedPage
    article: Any = None            # storage.records.ArticleData
    signature: Any = None          # dedup signature (pipelines.signatures)
    body_gzip: bytes | None = None  # the body compressed for storage (by the extraction worker)
    outcome: str | None = None     # new | updated | unchanged | duplicate | alias
