"""URL identity: one article, one canonical URL, however it was reached.

Tracking parameters, fragments, default ports, host case and query order are normalised by
courlan (a maintained library, not rules of our own); `<link rel=canonical>` and `amphtml` are
honoured when they stay on the page's own site, so that a syndicating outlet pointing its canonical
link at the wire's original does not make its copy *be* the original.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urljoin, urlsplit, urlunsplit

import courlan


def clean_url(url: str) -> str:
    """The URL to fetch: tracking parameters and fragment removed, host lower-cased, query sorted.

    The path is kept as the site wrote it (a trailing slash removed here would cost a redirect).
    """
    normalised = courlan.normalize_url(url.strip(), trailing_slash=True)
    parts = urlsplit(normalised)
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


def canonical_url(url: str) -> str:
    """The identity of a URL: ``clean_url`` plus one trailing-slash form (none, except the root)."""
    parts = urlsplit(clean_url(url))
    path = parts.path.rstrip("/") or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def same_site(url: str, reference: str) -> bool:
    """Whether two URLs belong to one site: same registered domain, or same host:port for IPs."""
    a, b = urlsplit(url), urlsplit(reference)
    if not a.hostname or not b.hostname:
        return False
    if _is_ip(a.hostname) or _is_ip(b.hostname):
        return a.netloc.lower() == b.netloc.lower()
    return not courlan.is_external(url, reference, ignore_suffix=False)


def resolve_page_urls(fetched_url: str, *, canonical_link: str | None, amp_link: str | None,
                      requested_urls: list[str] = ()) -> tuple[str, dict[str, str]]:
    """The canonical URL of a page and every other URL known for it, each with its kind.

    fetched_url: the response URL (after redirects); canonical_link / amp_link: the page's
    `<link rel>` values (may be relative); requested_urls: URLs that led here (feed links with
    tracking parameters, the URL before redirects). Each URL is kept as seen and in canonical form.
    """
    canonical = canonical_url(fetched_url)
    if canonical_link:
        target = urljoin(fetched_url, canonical_link)
        if urlsplit(target).scheme in ("http", "https") and same_site(target, fetched_url):
            canonical = canonical_url(target)
    others: dict[str, str] = {}

    def add(url: str, kind: str) -> None:
        for form in (url, canonical_url(url)):
            if form != canonical:
                others.setdefault(form, kind)

    add(fetched_url, "amp" if is_amp_url(fetched_url) else "fetched")
    if amp_link:
        target = urljoin(fetched_url, amp_link)
        if urlsplit(target).scheme in ("http", "https") and same_site(target, fetched_url):
            add(target, "amp")
    for url in requested_urls:
        add(url, "alias")
    return canonical, others


def is_amp_url(url: str) -> bool:
    parts = urlsplit(url)
    host, path = parts.hostname or "", parts.path
    return host.startswith("amp.") or "/amp/" in path or path.endswith("/amp") or "amp=1" in parts.query
