"""A generated news network of any size (N outlets x M articles) for benchmarks and soak runs.

Pages weigh what real news pages weigh (navigation, scripts, sidebars: about 60 KB), bodies are
400-800 words of generated foreign-affairs prose, and about 5% of each outlet's articles are
syndicated copies of another outlet's (new headline, boilerplate, last paragraph cut), so the
deduplication passes do real work. Everything is a function of (outlet count, article count,
seed): two runs serve byte-identical networks.
"""

from __future__ import annotations

import hashlib
import html
import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from newsdesk.samplenet.model import Page
from newsdesk.samplenet.server import NetworkServer, OutletInfo

COUNTRIES = ["Pakistan", "India", "China", "Kenya", "Brazil", "Germany", "Turkey", "Indonesia", "Nigeria", "Mexico",
             "Japan", "Egypt", "Poland", "Vietnam", "Chile", "Qatar", "Norway", "Ethiopia", "Peru", "Kazakhstan",
             "Morocco", "Ghana", "Thailand", "Argentina", "Canada", "Ukraine", "Senegal", "Malaysia", "Colombia", "Oman"]
ROLES = ["foreign minister", "trade envoy", "defence secretary", "prime minister", "ambassador", "deputy minister",
         "special envoy", "central bank governor", "interior minister", "opposition leader", "UN rapporteur",
         "spokesperson", "chief negotiator", "energy minister", "senior diplomat"]
ISSUES = ["a ceasefire along the disputed frontier", "tariffs on steel imports", "a gas pipeline across the region",
          "visa rules for seasonal workers", "joint naval patrols", "a debt restructuring deal", "water sharing on the river",
          "sanctions on shipping companies", "the return of refugees", "a grain export corridor", "climate finance",
          "an arms control treaty", "fishing rights in the strait", "election monitoring", "port access for cargo ships",
          "a prisoner exchange", "a free trade agreement", "airspace rights", "vaccine supplies", "mining licences",
          "a new consulate", "cross-border rail links", "cyber security cooperation", "a peacekeeping mandate"]
VERBS = ["said", "told reporters", "insisted", "warned", "announced", "confirmed", "argued", "stressed",
         "acknowledged", "suggested", "wrote in a statement", "told parliament"]
CONTEXTS = ["after three days of talks behind closed doors", "on the sidelines of the regional summit",
            "despite objections from business groups", "following months of stalled negotiations",
            "as tensions rose along the border", "in a joint statement released late on Tuesday",
            "in a move welcomed by neighbouring governments", "amid pressure from farmers and unions",
            "although officials declined to give a timetable", "with mediators from two neutral states present",
            "ahead of a vote in the national assembly", "during a visit to the capital"]
NUMBERS = ["two", "three", "four", "five", "seven", "ten", "twelve", "fifteen", "twenty", "thirty"]
BOILERPLATE = ["Follow us on Twitter and Facebook for the latest updates.", "Subscribe to our daily newsletter.",
               "Also read: Markets steady as talks continue"]


def _rng(*parts) -> random.Random:
    seed = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return random.Random(int.from_bytes(seed, "big"))


# Prose with the statistics of prose: content words drawn from a Zipf-like distribution over a
# large vocabulary, so that two unrelated articles share almost no five-word sequence (as real
# articles do), while each text still reads as sentences to an extractor.
_STEMS = ["bord", "trad", "talk", "minist", "sanct", "summit", "treat", "envoy", "vote", "coast", "grain", "fuel",
          "port", "visa", "loan", "court", "army", "naval", "rebel", "truce", "refug", "aid", "tarif", "pipel",
          "elect", "parli", "coalit", "budget", "export", "import", "custom", "mine", "water", "river", "rail",
          "cyber", "vaccin", "climat", "debt", "bank", "curren", "oil", "gas", "wheat", "fish", "strait", "island"]
_ENDINGS = ["s", "ed", "ing", "al", "ion", "ity", "ers", "ment", "ive", "ance", "ary", "ist"]
VOCABULARY = sorted({stem + ending for stem in _STEMS for ending in _ENDINGS} | set(" ".join(ISSUES).split()))
_FUNCTION = ["the", "of", "and", "to", "in", "a", "on", "for", "with", "that", "by", "as", "from", "at"]
_WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def _sentence(rng: random.Random) -> str:
    a, b = rng.sample(COUNTRIES, 2)
    words = []
    for _ in range(rng.randint(10, 20)):
        words.append(rng.choice(_FUNCTION) if rng.random() < 0.35 else rng.choices(VOCABULARY, _WEIGHTS)[0])
    middle = " ".join(words)
    return f"The {rng.choice(ROLES)} of {a} {rng.choice(VERBS)} that {middle} {rng.choice(CONTEXTS)}, talks with {b} said."


def story_text(seed: str) -> tuple[str, list[str]]:
    rng = _rng("story", seed)
    a, b = rng.sample(COUNTRIES, 2)
    verb = rng.choice(["resume talks on", "agree on", "clash over", "review progress on"])
    title = f"{a} and {b} {verb} {rng.choice(ISSUES)} ({rng.choice(VOCABULARY)} {rng.randrange(1000)})"
    paragraphs = [" ".join(_sentence(rng) for _ in range(rng.randint(2, 3))) for _ in range(rng.randint(5, 8))]
    return title, paragraphs


def _chrome(outlet: str, rng: random.Random) -> tuple[str, str]:
    """Navigation, teaser cards, comments, scripts and footer: the weight of a real news page.

    Real article pages (the 181-page benchmark) weigh about 120 KB with about 800 elements; so do
    these, so that extraction costs here what it costs on the web.
    """
    mega_menu = "".join(
        f'<li class="menu-item"><a href="/section/{c.lower()}/" data-track="nav">{c}</a><ul class="sub">'
        + "".join(f'<li><a href="/section/{c.lower()}/{t.lower()}/">{t}</a></li>'
                  for t in ("Politics", "Economy", "Security", "Opinion", "Analysis"))
        + "</ul></li>" for c in COUNTRIES)
    script = "<script>window.dataLayer=window.dataLayer||[];" + "".join(
        f"function f{n}(a,b){{return a*{n}+b;}}" for n in range(700)) + "</script>"
    style = "<style>" + "".join(f".c{n}{{margin:{n % 9}px;padding:{n % 7}px;color:#{n:03x};}}" for n in range(900)) + "</style>"
    cards = "".join(
        f'<div class="card-wrap"><div class="card"><div class="card-inner"><a href="/news/{rng.randrange(99999):05d}-related/">'
        f'<div class="thumb"><picture><source srcset="/img/{rng.randrange(9999)}.webp" type="image/webp">'
        f'<img src="/img/{rng.randrange(9999)}.jpg" alt="" loading="lazy"></picture></div><div class="card-text">'
        f'<span class="kicker">{rng.choice(COUNTRIES)}</span><h3>{c} and {d} weigh new talks</h3></div></a>'
        f'<p class="dek">Officials in {c} said the {i} would be discussed.</p><div class="card-meta">'
        f'<span class="time">2 hours ago</span><span class="comments-count">{rng.randrange(99)}</span></div></div></div></div>'
        for c, d, i in ((rng.choice(COUNTRIES), rng.choice(COUNTRIES), rng.choice(ISSUES)) for _ in range(36)))
    comments = "".join(
        f'<li class="comment"><div class="meta"><span class="author">reader{rng.randrange(999)}</span>'
        f'<time>1 hour ago</time></div><p>{rng.choice(CONTEXTS).capitalize()}.</p>'
        f'<div class="actions"><a href="#reply">Reply</a><a href="#report">Report</a></div></li>' for _ in range(12))
    share = "".join(f'<a class="share-{n}" href="https://share.example/{n}"><svg width="16" height="16"><path d="M0 0h16v16H0z"/></svg>{n}</a>'
                    for n in ("Facebook", "Twitter", "WhatsApp", "Telegram", "Email", "Print"))
    footer = "".join(f'<li><a href="/page/{n}/">Footer link {n}</a></li>' for n in range(90))
    head = f"{style}{script}"
    body_top = (f'<div id="consent" class="banner"><p>We use cookies.</p><button>Accept</button></div>'
                f'<header><div class="logo"><a href="/">{html.escape(outlet)}</a></div><nav><ul class="menu">{mega_menu}</ul></nav>'
                f'<form action="/search"><input name="q"><button>Search</button></form></header>'
                f'<div class="ad-slot" data-slot="top"></div><main><div class="share">{share}</div>')
    body_bottom = (f'<div class="ad-slot" data-slot="mid"></div><section class="related"><h2>More stories</h2>{cards}</section>'
                   f'<section class="comments"><h2>Comments</h2><ul>{comments}</ul></section></main>'
                   f'<aside class="sidebar"><h3>Most read</h3><ul>{cards[: len(cards) // 3]}</ul></aside>'
                   f'<footer><p>&copy; 2026 {html.escape(outlet)}. All rights reserved.</p><ul>{footer}</ul></footer>')
    return head, body_top + "{article}" + body_bottom


class GeneratedNetwork:
    """The pages of N outlets with M articles each (built lazily per outlet)."""

    SYNDICATED_SHARE = 0.05

    def __init__(self, outlets: int, articles: int, now: datetime | None = None, seed: int = 1):
        self.outlet_count, self.article_count, self.seed = outlets, articles, seed
        self.now = (now or datetime.now(UTC)).replace(second=0, microsecond=0)
        self.keys = [f"gen{n:03d}" for n in range(outlets)]

    def outlets(self) -> list[OutletInfo]:
        return [OutletInfo(key, f"Generated Outlet {n}", "INT", "en", ["/feed.xml"], ["/news-sitemap.xml"], [])
                for n, key in enumerate(self.keys)]

    def _story(self, outlet: int, number: int) -> tuple[str, list[str], bool]:
        rng = _rng("syndication", self.seed, outlet, number)
        if self.outlet_count > 1 and rng.random() < self.SYNDICATED_SHARE:
            source = (outlet + 1 + rng.randrange(self.outlet_count - 1)) % self.outlet_count
            title, paragraphs = story_text(f"{self.seed}:{source}:{number}")
            return f"{title}: what we know", paragraphs[:-1] + [rng.choice(BOILERPLATE)], True
        title, paragraphs = story_text(f"{self.seed}:{outlet}:{number}")
        return title, paragraphs, False

    def build(self, key: str, base_url: str, version: int = 1, advanced_at=None) -> dict[str, Page]:
        outlet = self.keys.index(key)
        name = f"Generated Outlet {outlet}"
        rng = _rng("chrome", self.seed, outlet)
        pages: dict[str, Page] = {}
        items = []
        html_type = {"Content-Type": "text/html; charset=utf-8"}
        for number in range(self.article_count):
            title, paragraphs, _copy = self._story(outlet, number)
            head, frame = _chrome(name, rng)
            published = self.now - timedelta(minutes=5 + number * (2880 // max(1, self.article_count)))
            path = f"/news/{number:05d}-{'-'.join(title.lower().split()[:6])}/"
            article = (f'<article><h1>{html.escape(title)}</h1><p class="byline">By Staff Reporter</p>'
                       + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs) + "</article>")
            page = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} | {name}</title>'
                    f'<meta property="og:type" content="article"><meta property="og:site_name" content="{name}">'
                    f'<meta property="article:published_time" content="{published.isoformat()}">'
                    f'<link rel="canonical" href="{base_url}{path}">{head}</head><body>'
                    f'{frame.replace("{article}", article)}</body></html>')
            pages[path] = Page(body=page.encode(), headers=dict(html_type))
            items.append((path, title, published))
        pages["/robots.txt"] = Page(body=b"User-agent: *\nDisallow: /search\n", headers={"Content-Type": "text/plain"})
        pages["/feed.xml"] = Page(body=self._rss(name, base_url, items[:50]), headers={"Content-Type": "application/rss+xml"})
        pages["/news-sitemap.xml"] = Page(body=self._sitemap(name, base_url, items),
                                          headers={"Content-Type": "application/xml"})
        pages["/"] = Page(body=f'<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head>'
                               f'<body><h1>{name}</h1></body></html>'.encode(), headers=dict(html_type))
        return pages

    @staticmethod
    def _rss(name, base_url, items) -> bytes:
        entries = "".join(f"<item><title>{html.escape(t)}</title><link>{base_url}{p}</link>"
                          f"<pubDate>{format_datetime(d)}</pubDate></item>" for p, t, d in items)
        return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{entries}</channel></rss>'.encode()

    @staticmethod
    def _sitemap(name, base_url, items) -> bytes:
        entries = "".join(
            f"<url><loc>{base_url}{p}</loc><news:news><news:publication><news:name>{name}</news:name>"
            f"<news:language>en</news:language></news:publication><news:publication_date>{d.isoformat()}"
            f"</news:publication_date><news:title>{html.escape(t)}</news:title></news:news></url>" for p, t, d in items)
        return ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                f'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">{entries}</urlset>').encode()


def generated_network(outlets: int, articles: int, *, seed: int = 1) -> NetworkServer:
    network = GeneratedNetwork(outlets, articles, seed=seed)
    return NetworkServer(network.outlets(), network.build)
