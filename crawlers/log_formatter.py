"""Log lines for dropped and scraped items that name the page, not the whole item.

Scrapy's default logs a dropped item's full repr at WARNING; ours carry the page body, so one
dropped listing page would put 100 KB of HTML into the run log.
"""

from __future__ import annotations

import logging

from scrapy.logformatter import LogFormatter


class QuietDropFormatter(LogFormatter):
    def dropped(self, item, exception, response, spider):
        return {
            "level": logging.INFO,
            "msg": "dropped %(url)s: %(reason)s",
            "args": {"url": getattr(item, "url", "?"), "reason": exception},
        }

    def scraped(self, item, response, spider):
        return {
            "level": logging.DEBUG,
            "msg": "stored %(url)s (%(outcome)s)",
            "args": {"url": getattr(item, "url", "?"), "outcome": getattr(item, "outcome", None)},
        }

    def item_error(self, item, exception, response, spider):
        return {
            "level": logging.ERROR,
            "msg": "error processing %(url)s",
            "args": {"url": getattr(item, "url", "?")},
        }
