"""Why a page is not stored: one short reason per kind, counted in the run's stats."""

from __future__ import annotations

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
