"""The unit of extraction work: one fetched page in, (record, signature) out.

Runs in an extraction worker process (pipelines/extraction/workers.py) or, with NEWSDESK_EXTRACT_WORKERS=0
on a one-core machine, in the crawl process itself; it is the same function either way, so the
two paths give identical results (tests/test_worker_pool.py compares them page by page).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from core.records import ArticleData, Signature, SignatureParams
from pipelines.dedup.signatures import signature

# trafilatura keeps caches that grow over a long run (trafilatura #216); a worker empties them now and then.
RESET_CACHES_EVERY = 500
_done = 0


@dataclass(frozen=True)
class ExtractionJob:
    body: bytes
    url: str
    content_type: str | None
    hints: dict = field(default_factory=dict)
    min_text_chars: int = 250
    params: SignatureParams = SignatureParams()
    now: datetime | None = None
    publisher_country: str | None = None  # the source's country: helps the tagger with ambiguous names


@dataclass
class ExtractionResult:
    """Everything CPU-bound the crawl needs about a page, computed off the crawl process."""

    article: ArticleData
    signature: Signature
    word_count: int
    content_hash: str
    body_gzip: bytes      # the raw page, compressed for storage


def run_job(job: ExtractionJob) -> ExtractionResult:
    """Raises core.outcomes.Rejected for pages not stored."""
    global _done
    from core.records import content_hash, gzip_body
    from pipelines.extraction.extractor import extract_page

    extracted = extract_page(job.body, url=job.url, content_type=job.content_type, hints=job.hints,
                             min_text_chars=job.min_text_chars, now=job.now, publisher_country=job.publisher_country)
    result = ExtractionResult(extracted, signature(extracted.text, job.params), extracted.word_count,
                              content_hash(extracted.text), gzip_body(job.body))
    _done += 1
    if _done % RESET_CACHES_EVERY == 0:
        reset_library_caches()
    return result


def reset_library_caches() -> None:
    """trafilatura's reset_caches, without the ERROR line htmldate logs on every call: it tries to
    clear caches that charset_normalizer 3.5 no longer has (harmless), and an operator reading the run
    log would take it for a failure."""
    from trafilatura.meta import reset_caches

    htmldate_log = logging.getLogger("htmldate.meta")
    level = htmldate_log.level
    htmldate_log.setLevel(logging.CRITICAL)
    try:
        reset_caches()
    finally:
        htmldate_log.setLevel(level)


# A small article the worker extracts before its first real page, for what every page needs and is
# built on first use: trafilatura and htmldate imported, the phrase lists read and merged, the
# tagger's automaton, numpy for the signature. The first real page then costs what the others do.
WARM_UP_URL = "https://warm-up.invalid/news/warm-up"
WARM_UP_PAGE = (
    b"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Warm-up page</title>"
    b"<meta property='article:published_time' content='2026-01-01T00:00:00Z'></head><body><article>"
    b"<h1>Warm-up page</h1>"
    b"<p>Ministers from France and Japan met in Geneva on Monday to discuss the trade talks.</p>"
    b"<p>The meeting, the third this year, ended without a joint statement from either side.</p>"
    b"<p>Officials said a further round was planned in Tokyo before the end of the spring.</p>"
    b"<p>Negotiators are expected to return to the question of tariffs on farm goods there.</p>"
    b"</article></body></html>"
)


def warm_up() -> None:
    """Worker initializer: import the heavy modules and build what is built on first use, once,
    before the first page arrives (while the spiders fetch their robots.txt and feeds)."""
    from core.outcomes import Rejected
    from pipelines.extraction.extractor import extract_page
    from pipelines.tagging.gazetteer import load

    load()  # the tagger's automaton (about 0.2 s)
    try:
        article = extract_page(WARM_UP_PAGE, url=WARM_UP_URL, content_type="text/html; charset=utf-8")
    except Rejected:  # still warmed up to where it stopped
        return
    signature(article.text, SignatureParams())


def ready() -> list[str]:
    """A job that does nothing but report: submitted to start a worker early (after its warm_up).
    Returns the upstream patches this worker runs without (compat/: a newer trafilatura, say)."""
    import compat

    return [patch.key for patch in compat.skipped()]

