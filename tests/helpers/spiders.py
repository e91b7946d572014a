"""Spiders that misbehave on purpose, for the scheduler and fault tests (NEWSDESK_SPIDER_MODULES)."""

from __future__ import annotations

import os
import time

from crawlers.feed_spider import FeedSpider


class CrashingSpider(FeedSpider):
    """Dies hard (no clean shutdown) once it has read its feed: the process exits with status 3."""

    def parse_feed(self, response):
        self.logger.error("simulated crash: RuntimeError('the parser exploded')")
        os._exit(3)


class HangingSpider(FeedSpider):
    """Blocks the reactor forever after its feed: only the parent's timeout can stop it."""

    def parse_feed(self, response):
        while True:
            time.sleep(1)
