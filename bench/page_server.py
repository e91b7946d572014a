"""Loopback outlets for bench/throughput.py: the generated sample network, or real article pages.

    python -m bench.page_server --real 500 --sources-out FILE --first-request-file FILE
    python -m bench.page_server --generated 10x500 --sources-out FILE --first-request-file FILE

Real pages are those of the two extraction page sets (bench/extraction_sets.py: the 181-page
benchmark, then the development set), read where they lie and never copied, spread round-robin
over REAL_OUTLETS outlets on their own ports. Each outlet serves its pages byte for byte as they
were captured, an RSS feed listing them (dated now, so that the crawl's age filter takes every
one) and a robots.txt that allows everything. Real pages are what makes a crawl slow or fast in
production: their size, their markup, their failure shapes; the generated network's pages are
all alike.

Prints one JSON line {"outlets": {key: base URL}, "pages": N} once it listens. With
--first-request-file, writes the wall-clock time (time.time()) of the first request it answers
to that file, and again after the file is removed: the crawl's start-up is the time from its
command's start to that request.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from bench.extraction_sets import DEFAULT_181, DEFAULT_DEV, SetMissing, load_181, load_dev
from newsdesk.samplenet.feeds import FeedItem, rss
from newsdesk.samplenet.model import Page
from newsdesk.samplenet.server import NetworkServer, OutletInfo

REAL_OUTLETS = 3
MAX_AGE_DAYS = 3650  # the most crawlers/sources.py accepts
HTML = {"Content-Type": "text/html; charset=utf-8"}


def real_pages(limit: int | None = None) -> list[tuple[str, bytes]]:
    """(page id, page bytes) of the extraction page sets, in a fixed order, the first `limit`."""
    pages = []
    for loader, folder in ((load_181, DEFAULT_181), (load_dev, DEFAULT_DEV)):
        try:
            pages += [(f"{page.set_name}-{page.id[:16]}", page.html.encode("utf-8")) for page in loader(folder)]
        except SetMissing:
            continue
    if not pages:
        raise SetMissing(f"no real pages: neither {DEFAULT_181} nor {DEFAULT_DEV} is there")
    return pages[:limit]


def real_network(limit: int | None = None, outlets: int = REAL_OUTLETS) -> tuple[NetworkServer, int]:
    """A network of `outlets` outlets serving the real pages, not yet started; and its page count."""
    pages = real_pages(limit)
    keys = [f"real{n}" for n in range(outlets)]
    shares = {key: pages[n::outlets] for n, key in enumerate(keys)}
    now = datetime.now(UTC)

    def build(key: str, base_url: str, version: int, advanced_at: datetime | None) -> dict[str, Page]:
        site = {"/robots.txt": Page(body=b"User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})}
        items = []
        for page_id, body in shares[key]:
            path = f"/articles/{page_id}.html"
            site[path] = Page(body=body, headers=HTML)
            items.append(FeedItem(title=page_id, link=base_url + path, published=now, guid=base_url + path))
        feed = rss(title=f"Real pages {key}", link=base_url + "/", description="Captured article pages",
                   language="en", self_url=base_url + "/feed.xml", items=items, last_build=now)
        site["/feed.xml"] = Page(body=feed.encode("utf-8"), headers={"Content-Type": "application/rss+xml"})
        site["/"] = Page(body=b"<html><body><a href='/feed.xml'>feed</a></body></html>", headers=HTML)
        return site

    infos = [OutletInfo(key, f"Real pages {key}", None, None, ["/feed.xml"], [], []) for key in keys]
    return NetworkServer(infos, build), len(pages)


def allow_old_pages(sources: Path) -> None:
    """Real pages were captured years ago: the crawl's age limit (first crawl: NEWSDESK_MAX_AGE_DAYS)
    would drop most of them after extraction, and the crawl would skip the dedup and write work
    a production crawl does. Their sources get the longest limit the sources file allows."""
    data = yaml.safe_load(sources.read_text())
    for entry in data["sources"]:
        entry["max_age_days"] = MAX_AGE_DAYS
    sources.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))


def record_first_request(network: NetworkServer, path: Path) -> None:
    """Make the network write the time of a request it answers to `path` when there is no such file:
    the time of the first request after the benchmark removed it (before each crawl)."""
    answer = network._handle

    async def handle(key, request):
        if not path.exists():
            path.write_text(repr(time.time()))
        return await answer(key, request)

    network._handle = handle


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_server")
    what = parser.add_mutually_exclusive_group(required=True)
    what.add_argument("--real", type=int, metavar="N", help="serve the first N real pages (0: all)")
    what.add_argument("--generated", metavar="NxM", help="N generated outlets of M articles")
    parser.add_argument("--sources-out", type=Path, required=True)
    parser.add_argument("--first-request-file", type=Path)
    args = parser.parse_args(argv)
    if args.generated:
        from newsdesk.samplenet.generated import generated_network

        outlets, _, articles = args.generated.partition("x")
        network, pages = generated_network(int(outlets), int(articles)), int(outlets) * int(articles)
    else:
        try:
            network, pages = real_network(args.real or None)
        except SetMissing as exc:
            print(f"bench.page_server: {exc}", file=sys.stderr)
            return 2
    if args.first_request_file:
        record_first_request(network, args.first_request_file)
    network.start()
    network.write_sources(args.sources_out)
    if args.real is not None:
        allow_old_pages(args.sources_out)
    print(json.dumps({"outlets": network.base_urls, "pages": pages}), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    network.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
