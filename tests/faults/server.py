"""A fault-injecting HTTP server for crawl tests: 127.0.0.1, an ephemeral port, raw asyncio sockets.

The faults a nightly crawl meets live partly below HTTP's good manners (a reset in the middle of a
body, headers and then silence, a Content-Length that lies), so the server is written on asyncio
streams rather than an HTTP framework: each route is a small coroutine that writes whatever bytes
it likes. Every request is logged (`hits`, `count(path)`, `bytes_sent`), which is how tests prove
what the crawler did *not* fetch.

    with FaultServer() as site:
        good = site.article("/world/talks-resume")          # a realistic article page
        site.route("/world/broken", status(500))             # a fault
        feed = site.feed("/feed.xml", [good, site.url("/world/broken")])
        ... crawl a source whose feed is `feed` ...
        assert site.count("/world/broken") == 3

The server also answers proxy-style requests (`GET http://host/path`), so a crawl can be pointed at
it through `http_proxy` with hosts that are not loopback (tests of the private-network guard).
Handlers never keep a connection open longer than `hang_limit` seconds, and stopping the server
cancels them, so a test cannot hang on it.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import itertools
import json
import random
import socket
import struct
import threading
import time
import zlib
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

import yaml

# --- the newsroom: distinct, realistic articles ---------------------------------------------------
#
# Each good article is a "world briefing": fourteen sentences drawn from the hand-written themes
# below (the events are invented, the places real), grouped under a subhead per theme. Any two
# articles share at most three sentences (a fifth of their text), far below the near-duplicate
# threshold, so every good article of a crawl is stored as an article of its own.

THEMES: list[tuple[str, str, list[str]]] = [
    ("Nile talks", "Nile basin ministers agree to resume talks on reservoir filling", [
        "Water ministers from Egypt, Sudan and Ethiopia agreed in Khartoum to resume technical talks on the filling schedule of the reservoir on the Blue Nile.",
        "The last round collapsed in the spring after the delegations failed to agree on how much water should be released during consecutive years of drought.",
        "Egyptian officials said any deal must be legally binding, while the Ethiopian side has argued that guidelines reviewed every five years would offer more flexibility.",
        "Sudanese engineers presented data showing that sudden releases from the dam had twice disrupted pumping stations near the capital last season.",
        "Observers from the African Union sat in on the opening session, and a joint communique promised to share daily flow readings from gauging stations.",
        "Farmers in the delta have watched the negotiations closely, since a dry summer upstream can cut the irrigation quotas allotted to their cooperatives.",
        "Diplomats cautioned that earlier rounds produced similar promises, and that the technical committee has no authority to settle questions of principle.",
        "The next meeting is planned in Addis Ababa within six weeks, where the three delegations are expected to exchange draft texts on dispute resolution.",
        "A senior Ethiopian adviser told reporters that the dam already supplies electricity to several million households and that its operation was not negotiable.",
        "Cairo responded that it welcomed the return to the table but would raise the matter with the Security Council if the talks stalled again.",
        "Hydrologists note that the basin lost about a tenth of its average flow in the past decade, which makes every cubic metre politically charged.",
        "Donors including the World Bank have offered to finance a shared monitoring network if the three governments can agree on who operates it.",
    ]),
    ("Black Sea shipping", "Insurers cut war-risk premiums for ships using the western Black Sea corridor", [
        "Marine insurers in London lowered war-risk premiums for cargo ships calling at Ukrainian ports, citing a sharp fall in attacks on vessels in recent months.",
        "The premium for a typical bulk carrier fell to about half a per cent of the hull value, down from more than one per cent at the start of the year.",
        "Shipping agents in Odesa said the number of vessels waiting to load grain had doubled since the summer, although delays at inspection points remain long.",
        "Turkish officials, who control the straits under the Montreux Convention, said naval escorts were not needed because traffic hugs the coasts of NATO members.",
        "Romania has expanded its mine-clearing operations near the port of Constanta, where a tug was damaged by a drifting mine earlier this year.",
        "Grain traders warned that insurance was only one part of the cost, since freight rates and port fees have also risen since the corridor opened.",
        "The agriculture ministry in Kyiv expects exports of wheat and maize to recover to about four-fifths of their pre-war level by the end of the season.",
        "Egypt, Indonesia and Bangladesh are among the largest buyers of the grain, and their import agencies have signed new contracts for delivery before winter.",
        "Analysts said a single successful strike on a merchant ship could reverse the fall in premiums within days, as happened twice last year.",
        "The European Union has promised to extend its solidarity lanes, which carry part of the harvest by rail and river to ports on the Danube and the Baltic.",
        "Crew unions have asked shipowners to keep paying hazard bonuses, arguing that sailors still face drones and mines even when fewer attacks are reported.",
        "Port authorities plan to publish weekly figures on arrivals and departures so that insurers can price the risk on evidence rather than rumour.",
    ]),
    ("Baltic tankers", "Coastal states tighten checks on ageing tankers in the Baltic", [
        "Denmark and Sweden announced tighter inspections of ageing tankers sailing through their straits, demanding proof of valid insurance before the ships enter their waters.",
        "Officials said dozens of vessels in the so-called shadow fleet carry cover from little-known insurers whose ability to pay for an oil spill is doubtful.",
        "The measure follows an incident in which a tanker lost engine power off the island of Bornholm and drifted for hours before tugs reached it.",
        "Environmental groups welcomed the checks but said that only a coordinated ban on uninsured ships across the region would reduce the risk of a disaster.",
        "Several of the tankers have changed flags three or four times in a single year, moving between registries in Africa, the Caribbean and the Pacific.",
        "Lawyers pointed out that the law of the sea guarantees innocent passage through straits, which limits how far coastal states can stop foreign ships.",
        "Finland's transport agency said it had found falsified certificates on two vessels last month and referred the cases to the flag states concerned.",
        "Sanctions officials in Brussels are preparing a new list of ships barred from European ports, port services and transfers of cargo at sea.",
        "Ship-tracking firms reported that many tankers switch off their transponders near the Danish straits, reappearing hours later on the other side.",
        "Maritime pilots, who guide large ships through the narrow channels, said some crews had refused to take a pilot on board despite the recommendation.",
        "The Baltic states have asked the International Maritime Organization to review the rules on insurance certificates at its next committee meeting.",
        "Oil traders expect the checks to raise freight rates slightly, as some operators may choose longer routes around the coast of Norway.",
    ]),
    ("maritime code", "Southeast Asian diplomats report progress on a maritime code of conduct", [
        "Senior officials from the members of the Association of Southeast Asian Nations and China met in Jakarta for another round of talks on a code of conduct.",
        "Negotiators said they had completed the third reading of the draft text, though the clauses on its geographical scope remain unresolved.",
        "The Philippines has pressed for a legally binding code, while other delegations prefer a set of principles that can be adopted more quickly.",
        "Recent confrontations between coast guard vessels near disputed shoals have added urgency to a process that began more than two decades ago.",
        "Vietnamese diplomats proposed a hotline between the coast guards of the claimant states, modelled on arrangements used by fishing authorities in the region.",
        "Malaysia called for joint scientific surveys of fish stocks, arguing that depleted fisheries affect every coastal community whatever the sovereignty dispute.",
        "Analysts in Singapore said the talks were useful as a channel of communication even if a final agreement remained years away.",
        "Indonesia, which chairs the working group this year, hopes to present a consolidated text to foreign ministers at their annual meeting in July.",
        "China's delegation said the code should be negotiated by the parties in the region alone and warned against interference by outside powers.",
        "Fishermen from the province of Zambales told reporters they now avoid the traditional grounds near the shoal after repeated encounters with patrol boats.",
        "A legal scholar at the University of the Philippines noted that the arbitration award of 2016 remains the reference point for Manila's negotiators.",
        "The delegations agreed to meet again in Kuala Lumpur before the end of the quarter to continue work on the preamble and the dispute mechanism.",
    ]),
    ("Sahel force", "West African leaders debate a standby force as the Sahel crisis deepens", [
        "Heads of state of the Economic Community of West African States gathered in Abuja to discuss financing a regional standby force for counter-terrorism operations.",
        "The proposal would station about five thousand troops in rotating battalions, but member states have yet to agree on who will pay for them.",
        "The withdrawal of three Sahel countries from the bloc has complicated planning, since their territory is where most of the armed groups operate.",
        "Ghana's delegation argued that development spending in the northern border regions matters as much as soldiers, citing attacks on villages near the frontier.",
        "Humanitarian agencies said more than two million people have been displaced in the central Sahel and that food aid convoys are frequently blocked.",
        "The summit also considered a request from Senegal to ease travel rules for traders crossing from Mali, whose livelihoods depend on open borders.",
        "Diplomats said the bloc wants to keep channels open with the military governments in Bamako, Ouagadougou and Niamey despite their departure.",
        "A commission report presented at the meeting estimated that the standby force would cost around two and a half billion dollars a year.",
        "Nigeria's foreign minister said the region could not wait for outside partners and needed to fund its own security architecture.",
        "Civil society groups outside the conference hall called for investigations into alleged abuses by soldiers during earlier operations.",
        "The leaders asked their finance ministers to propose a levy on imports to fund the force, with a decision expected at the next summit.",
        "Several delegations also backed a plan to share intelligence on arms trafficking routes that run from Libya through the desert towards the coast.",
    ]),
    ("Arctic fisheries", "Arctic coastal states extend a moratorium on high-seas fishing", [
        "Norway, Iceland, Denmark and their partners agreed to extend a moratorium on commercial fishing in the central Arctic Ocean for another sixteen years.",
        "Scientists have reported that melting sea ice is opening waters that were never fished before, but they know little about the stocks living there.",
        "The agreement commits the parties to a joint programme of research before any commercial fishing can begin in the high seas around the pole.",
        "Fisheries officials in Tromsø said cod and haddock have moved northwards as the waters warm, changing the pattern of catches for coastal fleets.",
        "Indigenous organisations from Greenland and northern Canada asked to take part in the scientific surveys, arguing that their knowledge of the ice is essential.",
        "The European Union, China, Japan and South Korea are also parties to the accord, which was signed in Ilulissat several years ago.",
        "Conservation groups described the extension as a rare example of countries acting before a resource is exploited rather than after it has collapsed.",
        "Russia's participation in the scientific meetings has been limited since the war in Ukraine, which has complicated the sharing of data.",
        "A Norwegian researcher said new acoustic surveys found capelin and polar cod further north than expected but in densities too low for trawling.",
        "Iceland's delegation proposed that any future fishery should be managed by a regional organisation with quotas set on scientific advice.",
        "Shipping in the region has increased as well, and several parties want to link the fisheries agreement with rules on waste and fuel.",
        "The next scientific meeting will be held in Reykjavik, where researchers will present the first results of the joint mapping programme.",
    ]),
    ("Fergana border", "Kyrgyzstan and Tajikistan sign a border treaty after years of clashes", [
        "The presidents of Kyrgyzstan and Tajikistan signed a treaty fixing the last disputed sections of their border in the Fergana valley.",
        "The frontier, drawn in Soviet times, left villages cut off from their fields and water channels, which led to repeated clashes between residents.",
        "Under the deal, several parcels of pasture will be exchanged and a road connecting the Tajik enclave of Vorukh will be opened to traffic.",
        "Engineers from both countries will jointly manage the reservoir that feeds irrigation canals on both sides, according to a protocol attached to the treaty.",
        "Residents of border villages told local media they hoped the agreement would end checkpoints that have made visits between relatives difficult.",
        "Uzbekistan, which settled its own border disputes with both neighbours in recent years, welcomed the treaty as a step towards regional trade.",
        "Parliaments in Bishkek and Dushanbe must still ratify the text, and opposition politicians have criticised the land swaps as too generous.",
        "International observers said the deal showed that regional leaders could settle disputes without outside mediation when they chose to.",
        "The governments plan to reopen markets near the border that had been closed since the worst fighting, which killed dozens of people.",
        "Demining teams will first clear areas near former positions before the land is handed over, a process that could take a year.",
        "Aid agencies intend to finance new water pumps and schools in villages that were damaged during the clashes.",
        "Both presidents said they would visit the border region together next spring to mark the completion of the demarcation work.",
    ]),
    ("debt relief", "Official creditors agree to restructure the loans of a debt-stricken economy", [
        "Official creditors reached an agreement in principle to restructure about six billion dollars of loans owed by Zambia under the G20 Common Framework.",
        "The deal stretches repayments over two decades and cuts interest rates, although the face value of the loans will not be reduced.",
        "Finance ministry officials in Lusaka said the agreement would free money for schools and clinics that had been squeezed by debt service.",
        "China, the largest bilateral creditor, joined a committee co-chaired with France, which coordinated the terms with the International Monetary Fund.",
        "Private bondholders must now agree to comparable treatment, and their negotiators have previously rejected proposals they considered too harsh.",
        "Economists said the case had taken far longer than expected and showed the weaknesses of the framework set up during the pandemic.",
        "Ghana and Ethiopia, which also applied under the framework, are watching the outcome closely as they negotiate with their own creditors.",
        "The IMF said it would release the next tranche of its loan once the creditors sign the final memorandum of understanding.",
        "Copper exports, which account for most of the country's foreign earnings, have recovered as prices rose and new mining investment arrived.",
        "Campaigners for debt relief argued that a reduction in principal, not only longer maturities, was needed to make the debt sustainable.",
        "The finance minister told parliament that the government would publish all new loan contracts to avoid a repeat of hidden borrowing.",
        "Rating agencies indicated they would review the country's credit rating after the restructuring of the bonds is completed.",
    ]),
]
SENTENCES_PER_STORY = 14
MAX_SHARED_SENTENCES = 3
STORIES = 48


@functools.lru_cache(maxsize=1)
def _sentence_sets() -> list[list[tuple[int, int]]]:
    """Sets of (theme, sentence) that pairwise share at most MAX_SHARED_SENTENCES, always the same."""
    rng = random.Random(2026)
    pool = [(theme, i) for theme in range(len(THEMES)) for i in range(len(THEMES[theme][2]))]
    chosen: list[frozenset] = []
    while len(chosen) < STORIES:
        candidate = frozenset(rng.sample(pool, SENTENCES_PER_STORY))
        if all(len(candidate & other) <= MAX_SHARED_SENTENCES for other in chosen):
            chosen.append(candidate)
    return [sorted(picks) for picks in chosen]


@dataclass(frozen=True)
class Story:
    """One good article: a title and its sections (subhead, paragraphs)."""

    number: int
    title: str
    sections: tuple[tuple[str, tuple[str, ...]], ...]

    @property
    def paragraphs(self) -> list[str]:
        return [p for _, paragraphs in self.sections for p in paragraphs]

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def story(number: int) -> Story:
    """The `number`-th distinct article (0 <= number < STORIES), the same on every call."""
    picks = _sentence_sets()[number]
    by_theme: dict[int, list[str]] = {}
    for theme, i in picks:
        by_theme.setdefault(theme, []).append(THEMES[theme][2][i])
    order = sorted(by_theme, key=lambda theme: (-len(by_theme[theme]), (theme + number) % len(THEMES)))
    sections = []
    for theme in order:
        sentences = by_theme[theme]
        paragraphs = tuple(" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3))
        tag = THEMES[theme][0]
        sections.append((tag[0].upper() + tag[1:], paragraphs))
    others = ", ".join(THEMES[theme][0] for theme in order[1:4])
    return Story(number, f"{THEMES[order[0]][1]}; {others} in brief", tuple(sections))


class Newsroom:
    """Hands out distinct stories: one newsroom per database, so no two good articles collide."""

    def __init__(self, first: int = 0):
        self._numbers = itertools.count(first)

    def next_story(self) -> Story:
        return story(next(self._numbers))


def http_date(moment: datetime) -> str:
    return email.utils.format_datetime(moment.astimezone(UTC), usegmt=True)


def article_html(item: Story, *, url: str, published: datetime | str | None, charset: str | None = "utf-8",
                 title: str | None = None, before: str = "", inside: str = "", after: str = "") -> str:
    """A realistic article page: navigation, JSON-LD, Open Graph, byline, subheads, footer.

    `before`, `inside` and `after` inject markup before the article, inside it (after the text)
    and after it; `published` is a date or a raw string as served.
    """
    title = item.title if title is None else title
    when = published.isoformat() if isinstance(published, datetime) else published
    ld = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
          "author": {"@type": "Person", "name": "Mira Castellanos"}, "articleSection": "World"}
    if when:
        ld["datePublished"] = when
    date_meta = f'<meta property="article:published_time" content="{escape(when)}">' if when else ""
    charset_meta = f'<meta charset="{charset}">' if charset else ""
    body = []
    for subhead, paragraphs in item.sections:
        body.append(f"<h2>{escape(subhead)}</h2>")
        body.extend(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
{charset_meta}
<title>{escape(title)} | The Fault Gazette</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:type" content="article">
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="The Fault Gazette">
<meta property="og:url" content="{escape(url)}">
{date_meta}
<meta name="author" content="Mira Castellanos">
<script type="application/ld+json">{json.dumps(ld)}</script>
</head>
<body>
<header class="masthead"><a href="/">The Fault Gazette</a>
<nav><a href="/world/">World</a> <a href="/diplomacy/">Diplomacy</a> <a href="/economy/">Economy</a></nav></header>
{before}
<main>
<article>
<h1>{escape(title)}</h1>
<p class="byline">By Mira Castellanos, diplomatic correspondent</p>
{"".join(body)}
{inside}
</article>
</main>
{after}
<footer><p>The Fault Gazette, a newspaper that exists only in tests.</p></footer>
</body>
</html>
"""


# --- feeds and sitemaps -------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """A feed item or sitemap URL; `published` is a datetime or a raw string as served."""

    url: str
    title: str | None = None
    published: datetime | str | None = None


def _entries(items: Iterable[Entry | str]) -> list[Entry]:
    return [item if isinstance(item, Entry) else Entry(item) for item in items]


def _date_text(value: datetime | str | None, rss: bool) -> str | None:
    if value is None or isinstance(value, str):
        return value
    return http_date(value) if rss else value.astimezone(UTC).isoformat()


def rss(items: Iterable[Entry | str], *, title: str = "The Fault Gazette: World", link: str = "http://127.0.0.1/") -> bytes:
    parts = ['<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>',
             f"<title>{escape(title)}</title><link>{escape(link)}</link><description>World news</description>"]
    for entry in _entries(items):
        parts.append("<item>")
        parts.append(f"<title>{escape(entry.title or 'World briefing')}</title>")
        parts.append(f"<link>{escape(entry.url)}</link>")
        date = _date_text(entry.published, rss=True)
        if date:
            parts.append(f"<pubDate>{escape(date)}</pubDate>")
        parts.append("</item>")
    parts.append("</channel></rss>\n")
    return "".join(parts).encode("utf-8")


def _sitemap_xml(root: str, child: str, items: Iterable[Entry | str]) -> bytes:
    parts = [f'<?xml version="1.0" encoding="UTF-8"?>\n<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    for entry in _entries(items):
        date = _date_text(entry.published, rss=False)
        parts.append(f"<{child}><loc>{escape(entry.url)}</loc>" + (f"<lastmod>{date}</lastmod>" if date else "") + f"</{child}>")
    parts.append(f"</{root}>\n")
    return "".join(parts).encode("utf-8")


def urlset(items: Iterable[Entry | str]) -> bytes:
    return _sitemap_xml("urlset", "url", items)


def sitemap_index(items: Iterable[Entry | str]) -> bytes:
    return _sitemap_xml("sitemapindex", "sitemap", items)


# --- the server ------------------------------------------------------------------------------------

@dataclass
class Hit:
    """One request the server received."""

    method: str
    target: str                      # as sent: "/path?q" or, through a proxy, "http://host/path?q"
    host: str                        # the Host header, or the host of an absolute target
    headers: dict[str, str]
    at: float = field(default_factory=time.monotonic)

    @property
    def path(self) -> str:
        if self.target.startswith(("http://", "https://")):
            parts = urlsplit(self.target)
            return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return self.target

    @property
    def url(self) -> str:
        return self.target if self.target.startswith(("http://", "https://")) else f"http://{self.host}{self.target}"


class Reply:
    """What a handler writes to: raw bytes, or a status line and headers; plus the faults."""

    def __init__(self, server: FaultServer, writer: asyncio.StreamWriter, hit: Hit):
        self.server, self.writer, self.hit = server, writer, hit

    async def send(self, data: bytes) -> None:
        self.writer.write(data)
        await self.writer.drain()
        self.server.bytes_sent[self.hit.path] += len(data)

    async def head(self, status: int, headers: dict[str, str] | None = None, *, length: int | None = None) -> None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Status"
        lines = [f"HTTP/1.1 {status} {phrase}"]
        all_headers = {"Server": "fault-gazette", **(headers or {})}
        if length is not None:
            all_headers["Content-Length"] = str(length)
        all_headers["Connection"] = "close"
        lines += [f"{name}: {value}" for name, value in all_headers.items()]
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def hang(self) -> None:
        """Say nothing more until the server stops (or `hang_limit` passes)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.server._stopping.wait(), self.server.hang_limit)

    def reset(self) -> None:
        """Close with a TCP RST (SO_LINGER 0), not a clean FIN."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()


Handler = Callable[[Hit, Reply], Awaitable[None]]


class FaultServer:
    """An HTTP server on 127.0.0.1 whose every route is a handler; serves a permissive robots.txt."""

    def __init__(self, newsroom: Newsroom | None = None, *, now: datetime | None = None, hang_limit: float = 60.0):
        self.newsroom = newsroom or Newsroom()
        self.now = now or datetime.now(UTC)
        self.hang_limit = hang_limit
        self.routes: dict[str, Handler] = {"/robots.txt": respond(b"User-agent: *\nAllow: /\n", "text/plain")}
        self.prefix_routes: dict[str, Handler] = {}
        self.stories: dict[str, Story] = {}      # path -> the good article served there
        self.hits: list[Hit] = []
        self.bytes_sent: Counter[str] = Counter()
        self.port = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.AbstractServer | None = None
        self._stopping: asyncio.Event | None = None
        self._tasks: set[asyncio.Task] = set()

    # --- lifecycle -------------------------------------------------------------------------------
    def __enter__(self) -> FaultServer:
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="fault-server", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the fault server did not start")
        return self

    def __exit__(self, *exc) -> None:
        if self._loop is None:
            return
        asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = None

    def _run(self, started: threading.Event) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)

        async def open_socket():
            self._stopping = asyncio.Event()
            self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, reuse_address=True)
            self.port = self._server.sockets[0].getsockname()[1]

        loop.run_until_complete(open_socket())
        started.set()
        loop.run_forever()
        loop.close()

    async def _shutdown(self) -> None:
        self._stopping.set()
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        try:
            try:
                head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ConnectionError):
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, *_ = lines[0].split(" ") + ["", ""]
            headers = {}
            for line in lines[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers[name.strip().lower()] = value.strip()
            host = urlsplit(target).netloc if target.startswith("http") else headers.get("host", "")
            hit = Hit(method, target, host, headers)
            self.hits.append(hit)
            handler = (self.routes.get(hit.url) or self.routes.get(hit.path) or self.routes.get(hit.path.split("?")[0])
                       or next((h for prefix, h in self.prefix_routes.items() if hit.path.startswith(prefix)), None))
            reply = Reply(self, writer, hit)
            with contextlib.suppress(ConnectionError, asyncio.CancelledError):  # the client went away
                await (handler or not_found)(hit, reply)
        finally:
            self._tasks.discard(task)
            if not writer.transport.is_closing():
                writer.close()

    # --- building the site -----------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return path if path.startswith(("http://", "https://")) else self.base + path

    def route(self, path: str, handler: Handler) -> str:
        """Serve `handler` at `path` (or at an absolute URL, for proxy-style requests); its URL."""
        self.routes[path] = handler
        return self.url(path)

    def route_prefix(self, prefix: str, handler: Handler) -> None:
        """Serve `handler` at every path starting with `prefix` that has no route of its own."""
        self.prefix_routes[prefix] = handler

    def article(self, path: str, **page) -> str:
        """A good article (the newsroom's next story, published a few hours ago) at `path`; its URL.
        `page` goes to article_html."""
        item = self.newsroom.next_story()
        self.stories[path] = item
        page.setdefault("published", self.now - timedelta(hours=2 + item.number))
        html = article_html(item, url=self.url(path), **page)
        return self.route(path, respond(html.encode("utf-8")))

    def feed(self, path: str, items: Iterable[Entry | str]) -> str:
        return self.route(path, respond(rss(items, link=self.base + "/"), "application/rss+xml; charset=utf-8"))

    # --- what happened ---------------------------------------------------------------------------
    def count(self, path_or_url: str) -> int:
        """Requests for a path ("/a?b", any host) or an absolute URL."""
        if path_or_url.startswith(("http://", "https://")):
            return sum(1 for hit in self.hits if hit.url == path_or_url)
        return sum(1 for hit in self.hits if hit.path == path_or_url)

    def paths(self) -> list[str]:
        """Every path requested, in order."""
        return [hit.path for hit in self.hits]

    def count_prefix(self, prefix: str) -> int:
        return sum(1 for hit in self.hits if hit.path.startswith(prefix))

    def times(self, path: str) -> list[float]:
        return [hit.at for hit in self.hits if hit.path == path]


# --- handlers: answers -------------------------------------------------------------------------------

def respond(body: bytes = b"", content_type: str | None = "text/html; charset=utf-8", *, status: int = 200,
            headers: dict[str, str] | None = None) -> Handler:
    async def handler(hit: Hit, reply: Reply) -> None:
        all_headers = {"Content-Type": content_type} if content_type else {}
        await reply.head(status, {**all_headers, **(headers or {})}, length=len(body))
        if hit.method != "HEAD":
            await reply.send(body)
    return handler


not_found = respond(b"<html><body><h1>Not found</h1></body></html>", status=404)


def status(code: int, headers: dict[str, str] | None = None) -> Handler:
    """An error page with this status code."""
    body = f"<html><body><h1>{code}</h1><p>Something went wrong.</p></body></html>".encode()
    return respond(body, status=code, headers=headers)


def redirect(location: str, code: int = 302) -> Handler:
    return respond(b"", None, status=code, headers={"Location": location})


def sequence(*handlers: Handler) -> Handler:
    """The n-th request gets the n-th handler; the last one answers every later request."""
    calls = itertools.count()

    async def handler(hit: Hit, reply: Reply) -> None:
        await handlers[min(next(calls), len(handlers) - 1)](hit, reply)
    return handler


# --- handlers: faults ----------------------------------------------------------------------------------

def reset_mid_body(body: bytes, *, declare_length: bool = True) -> Handler:
    """Headers (with the full Content-Length, or none: the body ends when the connection closes),
    half the body, then a TCP reset."""
    async def handler(hit: Hit, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html; charset=utf-8"}, length=len(body) if declare_length else None)
        await reply.send(body[: len(body) // 2])
        await asyncio.sleep(0.2)  # let the half body reach the client before the reset discards it
        reply.reset()
    return handler


def close_delimited(body: bytes) -> Handler:
    """A whole page without Content-Length, ended by closing the connection (HTTP/1.0 style)."""
    async def handler(hit: Hit, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html; charset=utf-8"})
        await reply.send(body)
    return handler


def stall_after_headers(length: int = 40_000) -> Handler:
    """Headers (and a first few bytes), then silence: a read timeout."""
    async def handler(hit: Hit, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html; charset=utf-8"}, length=length)
        await reply.send(b"<!DOCTYPE html><html><head>")
        await reply.hang()
    return handler


async def never_answer(hit: Hit, reply: Reply) -> None:
    """Accept the connection, read the request, answer nothing."""
    await reply.hang()


def truncated(body: bytes, missing: int = 20_000) -> Handler:
    """A Content-Length larger than the bytes sent, then a clean close."""
    async def handler(hit: Hit, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html; charset=utf-8"}, length=len(body) + missing)
        await reply.send(body)
    return handler


def huge(size: int, *, declare_length: bool) -> Handler:
    """`size` bytes of HTML, streamed in 64 KiB chunks; with or without a Content-Length."""
    chunk = (b"<p>" + b"Filler paragraph of a page that never ends. " * 1450 + b"</p>\n")[: 64 * 1024]

    async def handler(hit: Hit, reply: Reply) -> None:
        await reply.head(200, {"Content-Type": "text/html; charset=utf-8"}, length=size if declare_length else None)
        await reply.send(b"<!DOCTYPE html><html><head><title>Endless</title></head><body>")
        sent = 0
        while sent < size:
            await reply.send(chunk)
            sent += len(chunk)
    return handler


@functools.lru_cache(maxsize=1)
def gzip_bomb_body(inflated_mib: int = 1024) -> bytes:
    """A gzip stream of about 1 MB that inflates to `inflated_mib` MiB of zeros.

    Built from one compressed MiB repeated (each ends with a full flush, so the copies are
    byte-identical and independent) in half a second, instead of compressing a gigabyte.
    """
    zeros = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated_mib):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (inflated_mib << 20) & 0xFFFFFFFF)
    return header + block * inflated_mib + compressor.flush(zlib.Z_FINISH) + trailer


def gzip_bomb(inflated_mib: int = 1024) -> Handler:
    return respond(gzip_bomb_body(inflated_mib), headers={"Content-Encoding": "gzip"})


# --- sources files -----------------------------------------------------------------------------------

def source_entry(key: str, *, feeds: list[str] = (), sitemaps: list[str] = (), private: bool = True, **more) -> dict:
    """One sources-file entry. `private`: allowed to fetch loopback addresses (the test server's)."""
    entry = {"key": key, "name": key.replace("_", " ").title(), "feeds": list(feeds), "sitemaps": list(sitemaps),
             "allow_private_networks": private, **more}
    return {name: value for name, value in entry.items() if value not in ([], None)}


def write_sources(path: Path, entries: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({"sources": entries}, sort_keys=False, allow_unicode=True))
    return path
