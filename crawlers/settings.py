"""Scrapy settings: newsdesk's own settings (core/settings.py) published under their names, and the
Scrapy plumbing that is not a choice for operators.

Every value an operator may want to change is a newsdesk setting (environment, newsdesk.toml), so
`scrapy crawl` and `newsdesk crawl` agree, and `scrapy crawl KEY -s NEWSDESK_X=...` overrides any
of them. The Scrapy settings derived from them (USER_AGENT, DOWNLOAD_DELAY, ...) are set by the
addon in crawlers/addon.py, once the command line's values are known, so they follow an override.
"""

from __future__ import annotations

import sys

from scrapy.settings import default_settings as _scrapy_defaults

from core.errors import UserError
from core.settings import as_scrapy_settings, get_settings

try:
    _settings = get_settings()
except UserError as _error:  # `scrapy list` / `scrapy crawl` with a bad setting: one line, no traceback
    print(f"newsdesk: error: {_error}", file=sys.stderr)
    sys.exit(2)

# NEWSDESK_* (and DATABASE_URL), each a Scrapy setting of the same name.
globals().update(as_scrapy_settings(_settings))
ADDONS = {"crawlers.addon.NewsdeskAddon": 0}

BOT_NAME = "newsdesk"
SPIDER_LOADER_CLASS = "crawlers.loader.SourceSpiderLoader"
SPIDER_MODULES = [m.strip() for m in _settings.spider_modules.split(",") if m.strip()]  # hand-written spiders
NEWSDESK_SOURCES = str(_settings.sources_path)  # resolved: the spider loader runs before any addon

# --- politeness (the values that are operators' choices come from the addon) -------------------
ROBOTSTXT_OBEY = True
DOWNLOAD_DELAY_JITTER = 0.5  # +-50%: requests to one site do not tick like a clock
AUTOTHROTTLE_MAX_DELAY = 30
DNS_TIMEOUT = 20
# Decompressed size is capped by DOWNLOAD_MAXSIZE too (Scrapy's HttpCompressionMiddleware).
REDIRECT_MAX_TIMES = 10
MEMUSAGE_CHECK_INTERVAL_SECONDS = 2.0  # Scrapy's 60 s let a hostile sitemap grow the process for a minute
COOKIES_ENABLED = False  # news pages need none, and cookies only make crawls less repeatable
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control: an HTTP server per crawler that runs code sent to it (with a token
# from a file). Nothing here uses it, and a crawler of other people's pages should not listen.
REMOTE_CONTROL_ENABLED = False
# Items one response yields are processed this many at a time. Scrapy starts that many asyncio
# tasks for every response, whatever it yields; an article page yields one item and a feed page
# yields requests, so its default of 100 cost the crawl process a sixth of its CPU (py-spy).
CONCURRENT_ITEMS = 4
# Scrapy reads a callback's source and parses it (inspect + ast) to warn about a generator that
# returns a value. Its cache is keyed by the bound method, which is new for every request, so it
# did that for every page: 0.2 ms of the crawl process's CPU per page (py-spy). Our callbacks are
# checked once, by tests/test_spider_callbacks.py, instead.
WARN_ON_GENERATOR_RETURN_VALUE = False

# --- retries with backoff ----------------------------------------------------------------------
RETRY_ENABLED = True
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
NEWSDESK_RETRY_BACKOFF_MAX = 60.0      # no single wait longer than this
NEWSDESK_RETRY_AFTER_MAX = 120.0       # a Retry-After longer than this: give up on the URL

DOWNLOADER_MIDDLEWARES = {
    # Refuse private/loopback/metadata addresses and non-http(s) schemes before anything else.
    "crawlers.middlewares.PrivateNetworkGuardMiddleware": 50,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawlers.middlewares.UnreachableRobotsMiddleware": 100,
    "crawlers.middlewares.BackoffRetryMiddleware": 550,
    # Cookies are off (COOKIES_ENABLED above); listed, the middleware would still be imported, and
    # with it tldextract's suffix list: 0.04 s of the crawl process's start-up on a slow machine.
    "scrapy.downloadermiddlewares.cookies.CookiesMiddleware": None,
}

# --- pipeline: one place for the order, mirrored in the README ---------------------------------
ITEM_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.extract.ExtractPipeline": 200,
    "pipelines.canonical_url.CanonicalUrlPipeline": 300,
    "pipelines.store.StorePipeline": 700,
}

EXTENSIONS = {
    "crawlers.runs.recorder.RunRecorder": 100,
    "crawlers.rejections.RejectedPages": 200,  # pages that are not articles, not fetched again
}
# Telnet console and remote control: off (above), and not even imported. Scrapy imports every
# extension it is told about, disabled (None) or not, and remote_control's module imports aiohttp
# and builds an SSL context: 0.15-0.3 s of every crawl's start-up, before its first request. So they
# are left out of Scrapy's own list rather than set to None in ours.
_NOT_LOADED = {"scrapy.extensions.telnet.TelnetConsole", "scrapy.extensions.remote_control.RemoteControl"}
EXTENSIONS_BASE = {path: order for path, order in _scrapy_defaults.EXTENSIONS_BASE.items() if path not in _NOT_LOADED}

# --- newsdesk behaviour ------------------------------------------------------------------------
NEWSDESK_TRIGGER = "manual"  # `scrapy crawl`; newsdesk's own commands override it

# Scrapy sets up logging before any addon runs: `-s LOG_LEVEL=...` changes it, NEWSDESK_LOG_LEVEL too
# (environment, newsdesk.toml), but not `-s NEWSDESK_LOG_LEVEL`.
LOG_LEVEL = _settings.log_level
LOG_INSTALL_ROOT_HANDLER = True
LOG_FORMATTER = "crawlers.log_formatter.QuietDropFormatter"
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
