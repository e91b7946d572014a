"""The sample network's HTTP server: every outlet on its own port of 127.0.0.1.

Each outlet is its own site (its own robots.txt, its own host:port), served from pages built in
advance, so serving costs little more than a dictionary look-up. Start and stop it from Python
(tests, the demo), or as a separate process for benchmarks (`python -m newsdesk.samplenet`).
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import yaml
from aiohttp import web

from newsdesk.samplenet.model import Page

# (outlet key, base URL, version, advanced_at) -> {path: Page}
SiteBuilder = Callable[[str, str, int, datetime | None], dict[str, Page]]
NOT_FOUND = Page(status=404, body=b"<html><body><h1>Not found</h1></body></html>",
                 headers={"Content-Type": "text/html; charset=utf-8"})


@dataclass
class OutletInfo:
    """What a sources file needs to know about an outlet of the network."""

    key: str
    name: str
    country: str | None
    language: str | None
    feeds: list[str]
    sitemaps: list[str]
    sections: list[tuple[str, str]]


def free_port(host: str = "127.0.0.1", preferred: int | None = None) -> int:
    """A port free now (`preferred` if it is). Free only now: a server that can, binds with
    `bound_socket` instead and keeps the socket, so that nobody takes the port in between."""
    with bound_socket(host, preferred) as probe:
        return probe.getsockname()[1]


def bound_socket(host: str = "127.0.0.1", preferred: int | None = None) -> socket.socket:
    """A TCP socket bound to `preferred` if that port is free, else to one the system picks."""
    for port in ([preferred] if preferred else []) + [0]:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            sock.close()
            continue
        return sock
    raise OSError("no free port")


class NetworkServer:
    """Serves a set of outlets, one port each, from an event loop in a background thread."""

    def __init__(self, outlets: list[OutletInfo], build: SiteBuilder, *, host: str = "127.0.0.1",
                 preferred_ports: dict[str, int] | None = None):
        self.outlets = outlets
        self.build = build
        self.host = host
        self.preferred_ports = preferred_ports or {}
        self.version = 1
        self.page_delay = 0.0  # seconds every page but robots.txt, feeds and sitemaps waits (slow_down)
        self.advanced_at: datetime | None = None
        self.sites: dict[str, dict[str, Page]] = {}
        self.base_urls: dict[str, str] = {}
        self.requests: Counter[tuple[str, str]] = Counter()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runners: list[web.AppRunner] = []
        self._sockets: dict[str, socket.socket] = {}

    # --- lifecycle --------------------------------------------------------------------------------
    def start(self) -> NetworkServer:
        # Each outlet's socket is bound here and kept until its site listens on it: a port only
        # probed and released could be taken by another process meanwhile (parallel tests did).
        for outlet in self.outlets:
            sock = bound_socket(self.host, self.preferred_ports.get(outlet.key))
            self._sockets[outlet.key] = sock
            self.base_urls[outlet.key] = f"http://{self.host}:{sock.getsockname()[1]}"
        self._rebuild()
        started = threading.Event()
        self._thread = threading.Thread(target=self._serve, args=(started,), name="samplenet", daemon=True)
        self._thread.start()
        if not started.wait(30):
            raise RuntimeError("the sample network did not start")
        return self

    def stop(self) -> None:
        if self._loop is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        future.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def __enter__(self) -> NetworkServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def advance(self) -> None:
        """Move the network to version 2 (the changing article changes, announced as modified now)."""
        self.version += 1
        self.advanced_at = datetime.now(UTC)
        self._rebuild()

    def slow_down(self, seconds: float) -> None:
        """Every page but robots.txt, feeds and sitemaps answers after at least `seconds` (after
        advance() too): a slow site, to watch a crawl's progress or stop it midway."""
        self.page_delay = seconds
        self._rebuild()

    def _rebuild(self) -> None:
        sites = {o.key: self.build(o.key, self.base_urls[o.key], self.version, self.advanced_at) for o in self.outlets}
        if self.page_delay:
            for pages in sites.values():
                for path, page in pages.items():
                    if not path.endswith((".xml", ".txt", ".gz")):
                        page.delay = max(page.delay, self.page_delay)
        with self._lock:
            self.sites = sites

    # --- serving ------------------------------------------------------------------------------------
    def _serve(self, started: threading.Event) -> None:
        self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(self._loop)
        for outlet in self.outlets:
            self._loop.run_until_complete(self._start_site(outlet.key, self._sockets.pop(outlet.key)))
        started.set()
        self._loop.run_forever()
        self._loop.close()

    async def _start_site(self, key: str, sock: socket.socket) -> None:
        app = web.Application()
        async def handle(request: web.Request) -> web.StreamResponse:
            return await self._handle(key, request)

        app.router.add_route("*", "/{tail:.*}", handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.SockSite(runner, sock)
        await site.start()
        self._runners.append(runner)

    async def _shutdown(self) -> None:
        for runner in self._runners:
            await runner.cleanup()

    def page_for(self, key: str, path_qs: str) -> Page:
        with self._lock:
            site = self.sites[key]
        return site.get(path_qs) or site.get(path_qs.split("?", 1)[0]) or NOT_FOUND

    async def _handle(self, key: str, request: web.Request) -> web.StreamResponse:
        page = self.page_for(key, request.path_qs)
        self.requests[(key, request.path_qs)] += 1
        if page.delay:
            await asyncio.sleep(page.delay)
        headers = dict(page.headers)
        if page.status == 200:
            etag = '"' + hashlib.blake2b(page.body, digest_size=8).hexdigest() + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                return web.Response(status=304, headers={"ETag": etag})
        return web.Response(status=page.status, body=page.body, headers=headers)

    # --- what crawlers and tests need ---------------------------------------------------------------
    def fetch_count(self, url: str) -> int:
        for key, base in self.base_urls.items():
            if url.startswith(base):
                return self.requests[(key, url[len(base):] or "/")]
        return 0

    def sources(self) -> list[dict]:
        """Entries of a sources file for this network (loopback, so private networks allowed)."""
        entries = []
        for outlet in self.outlets:
            base = self.base_urls[outlet.key]
            entry = {"key": outlet.key, "name": outlet.name, "homepage": base + "/",
                     "country": outlet.country, "language": outlet.language,
                     "allow_private_networks": True}
            if outlet.feeds:
                entry["feeds"] = [base + path for path in outlet.feeds]
            if outlet.sitemaps:
                entry["sitemaps"] = [base + path for path in outlet.sitemaps]
            if outlet.sections:
                entry["sections"] = [{"url": base + path, "follow": follow} for path, follow in outlet.sections]
            entries.append({k: v for k, v in entry.items() if v is not None})
        return entries

    def write_sources(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        header = "# Generated by the sample network for this run; its outlets are on 127.0.0.1.\n"
        path.write_text(header + yaml.safe_dump({"sources": self.sources()}, sort_keys=False, allow_unicode=True))
        return path


def sample_network(*, now: datetime | None = None, preferred_ports: dict[str, int] | None = None) -> NetworkServer:
    """The bundled sample network (newsdesk/samplenet/outlets), not yet started."""
    from newsdesk.samplenet.site import OUTLETS, build_site

    moment = now or datetime.now(UTC)
    outlets = [OutletInfo(o.key, o.name, o.country, o.language, list(o.feeds), list(o.sitemaps), list(o.sections))
               for o in OUTLETS]

    def build(key: str, base_url: str, version: int, advanced_at: datetime | None) -> dict[str, Page]:
        return build_site(key, base_url, moment, version, advanced_at)

    return NetworkServer(outlets, build, preferred_ports=preferred_ports)
