"""The Scrapy settings that derive from newsdesk's, set once the command line's values are known.

A Scrapy addon's update_settings runs when a crawler is created, after `-s NAME=VALUE` and the
spider's custom settings are in: so `scrapy crawl KEY -s NEWSDESK_DOWNLOAD_DELAY=2` changes
DOWNLOAD_DELAY, which a value computed in crawlers/settings.py at import could not. Values are set
at the addon priority: a Scrapy setting given explicitly (`-s DOWNLOAD_DELAY=...`) still wins.
"""

from __future__ import annotations

from core.settings import Settings, from_scrapy


def derived_scrapy_settings(settings: Settings) -> dict[str, object]:
    return {
        "USER_AGENT": settings.effective_user_agent,
        "CONCURRENT_REQUESTS": settings.concurrent_requests,
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.concurrent_requests_per_domain,
        "DOWNLOAD_DELAY": settings.download_delay,
        "AUTOTHROTTLE_ENABLED": settings.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(settings.download_delay, 0.5),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": settings.autothrottle_target_concurrency,
        "DOWNLOAD_TIMEOUT": settings.download_timeout,
        "DOWNLOAD_MAXSIZE": settings.max_page_bytes,
        "DOWNLOAD_WARNSIZE": settings.max_page_bytes // 2,
        "RETRY_TIMES": settings.retry_times,
        "CLOSESPIDER_TIMEOUT": int(settings.crawl_timeout_minutes * 60),
        # Scrapy's MemoryUsage extension: the process's resident memory, checked every few seconds.
        "MEMUSAGE_ENABLED": settings.memory_limit_mb > 0,
        "MEMUSAGE_LIMIT_MB": settings.memory_limit_mb,
        "MEMUSAGE_WARNING_MB": settings.memory_limit_mb * 3 // 4,
    }


class NewsdeskAddon:
    def update_settings(self, settings) -> None:
        for name, value in derived_scrapy_settings(from_scrapy(settings)).items():
            settings.set(name, value, priority="addon")
