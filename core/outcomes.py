"""The one vocabulary of what became of a page, and of why a page is not stored.

Every run record, `newsdesk runs` and `runs show`, the view v_crawl_runs, the run logs and the
health measures speak of a page's outcome in these words, counted in the run's stats under these
keys (crawlers/runs/counters.py reads them back):

    stored      fetched and stored: new, updated (a revision kept), unchanged
                    newsdesk/articles_new, newsdesk/articles_updated, newsdesk/articles_unchanged
    duplicate   fetched; another URL or a syndicated copy of an article already stored
                    newsdesk/articles_duplicate, newsdesk/articles_alias
    dropped     fetched, not stored, for a reason (REASONS)          newsdesk/dropped/<reason>
    skipped     not fetched, for a reason (SKIP_REASONS)             newsdesk/skipped/<reason>
    failed      could not be fetched or stored, of a kind (FAILURE_KINDS), each page once however
                often it was tried                                   newsdesk/errors/<kind>
    retried     each time a fetch was tried again, by the kind of its failure (Scrapy's
                retry/reason_count/<reason>, read as a kind): a page answering 500 four times is
                1 failure (http_500) and 3 retries (http_500)

The failures keep the prefix `newsdesk/errors/`, older than the word: stored runs and the
`errors` column of v_crawl_runs read it.
"""

from __future__ import annotations

import re

OUTCOMES = ("stored", "duplicate", "dropped", "skipped", "failed", "retried")

STORED_KEYS = {"new": "newsdesk/articles_new", "updated": "newsdesk/articles_updated",
               "unchanged": "newsdesk/articles_unchanged"}
DUPLICATE_KEYS = ("newsdesk/articles_duplicate", "newsdesk/articles_alias")
DROPPED_PREFIX = "newsdesk/dropped/"
SKIPPED_PREFIX = "newsdesk/skipped/"
FAILED_PREFIX = "newsdesk/errors/"
RETRY_PREFIX = "retry/reason_count/"
# Listings (feeds, sitemaps, sections) that could not be read, whatever the cause: not an outcome
# of a page, but what tells a run that found nothing because its listings failed.
LISTINGS_FAILED = "newsdesk/listings_failed"

# What a running crawl is doing and waiting for, saved with each heartbeat (not outcomes: gauges,
# dropped from the stats a finished run keeps): downloads in flight, requests queued, retries
# waiting out their back-off, robots.txt files being fetched.
LIVE_PREFIX = "newsdesk/live/"
LIVE_GAUGES = ("downloading", "queued", "backing_off", "robots_txt")

# Every reason a page can be dropped for, so run records and docs use one vocabulary.
REASONS = {
    "empty": "the response body was empty",
    "non_html": "not an HTML page (PDF, image, feed, binary served as HTML)",
    "undecodable": "no character encoding decodes the page",
    "not_article": "a listing, tag, section, video or other non-article page",
    "too_old": "published before the crawl's age limit (NEWSDESK_MAX_AGE_DAYS or the source's max_age_days)",
    "too_short": "the cleaned body is shorter than NEWSDESK_MIN_TEXT_CHARS",
    "no_text": "extraction found no main text",
    "too_large": "the page exceeds the size cap",
    "malformed": "the HTML could not be parsed at all",
    "private_address": "the URL leads to a loopback, private, link-local or metadata address",
    "bad_scheme": "the URL is not http(s)",
    "storage_error": "the database refused the article",
    "extraction_crash": "the extraction worker process died on the page (twice)",
}

SKIP_REASONS = {
    "robots_disallowed": "robots.txt forbids it",
    "robots_unreachable": "the site's robots.txt answered a server error or nothing (RFC 9309: stay away)",
    "private_address": "the URL leads to a loopback, private, link-local or metadata address",
    "bad_scheme": "the URL is not http(s)",
    "bad_url": "not an http(s) URL, or absurdly long",
    "denied": "the source's allow/deny patterns exclude it",
    "not_article_url": "shaped like a listing, tag, video or utility page",
    "too_old": "its listing dates it before the crawl's age limit",
    "known": "stored before and not worth fetching again yet",
    "rejected_before": "a page found not to be an article in an earlier run",
    "seen_in_run": "already requested in this run under this or another URL",
    "sitemap_bound": "beyond the entries read from one sitemap",
}

FAILURE_KINDS = {
    "http_<status>": "the server answered this HTTP status (after the retries)",
    "dns": "the host name could not be resolved",
    "timeout": "no answer within NEWSDESK_DOWNLOAD_TIMEOUT",
    "connection": "the connection was refused, reset or lost",
    "data_loss": "the body ended before its length (or its </html>)",
    "tls": "the TLS handshake failed",
    "too_large": "the download was cancelled at NEWSDESK_MAX_PAGE_BYTES",
    "too_many_redirects": "more redirects than REDIRECT_MAX_TIMES",
    "redirect_loop": "a redirect back to a URL of the same chain",
    "retry_after_too_long": "a 429/503 asked to wait longer than we do",
    "feed_not_xml": "a feed that is not XML (an HTML page?)",
    "sitemap_not_xml": "a sitemap that is not a sitemap",
    "unsafe_xml": "a feed or sitemap with entity expansion or external entities",
    "sitemap_too_large": "a sitemap beyond the size we read",
    "storage": "the database refused the article",
    "unexpected": "an exception nobody expected (a bug: the run log has the traceback)",
    "download_<Exception>": "another download failure, named by its exception",
}

# Exceptions of Twisted, Scrapy and the standard library, by the failure kind they mean.
_KIND_OF_EXCEPTION = {
    "dns": ("DNSLookupError", "CannotResolveHostError", "gaierror"),
    "timeout": ("TimeoutError", "DownloadTimeoutError", "TCPTimedOutError", "UserTimeoutError"),
    "connection": ("ConnectionRefusedError", "ConnectError", "ConnectionLost", "ConnectionDone",
                   "ConnectionResetError", "ConnectingCancelledError", "NoRouteError", "ConnectionAborted"),
    "data_loss": ("ResponseDataLossError", "ResponseFailed", "PotentialDataLoss", "_DataLoss"),
    "tls": ("SSLError", "TLSError", "CertificateError"),
    "too_large": ("DownloadCancelledError",),
}
KIND_OF_EXCEPTION = {name: kind for kind, names in _KIND_OF_EXCEPTION.items() for name in names}


def failure_kind(exception: BaseException | type | str) -> str:
    """The failure kind of a download exception (an instance, a class or a dotted class name)."""
    if isinstance(exception, BaseException):
        exception = type(exception)
    name = exception.__name__ if isinstance(exception, type) else str(exception).rsplit(".", 1)[-1]
    return KIND_OF_EXCEPTION.get(name, f"download_{name}")


_HTTP_REASON = re.compile(r"^HTTP (\d{3})$")


def retry_kind(reason: str) -> str:
    """The failure kind a retry was for, from Scrapy's retry reason ("HTTP 500", an exception's
    dotted class name, "partial response")."""
    status = _HTTP_REASON.match(reason)
    if status:
        return f"http_{status.group(1)}"
    if reason == "partial response":
        return "data_loss"
    return failure_kind(reason)


# Scrapy signal sent by whatever refuses a fetched page (the spider, a pipeline), with `url` and
# `reason`: crawlers/rejections.py remembers the verdicts worth remembering for the next runs.
page_rejected = object()


class Rejected(Exception):
    """A page that is not stored, with the reason it is counted under."""

    def __init__(self, reason: str, detail: str = ""):
        if reason not in REASONS:
            raise ValueError(f"unknown rejection reason {reason!r}")
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail

    def __reduce__(self):  # picklable across the extraction process pool
        return (Rejected, (self.reason, self.detail))
