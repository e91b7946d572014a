"""Spiders from the sources file: one per enabled source, declared by composition, not copied.

A source that lists feeds gets the feed mixin, one with sitemaps the news-sitemap mixin, one with
sections the listing mixin, several of them if it has several; a source with only a homepage
discovers its feeds. A source that needs code names a hand-written class in `kind:`, a subclass
of these bases living in crawlers/spiders/.
"""

from __future__ import annotations

from pathlib import Path

from scrapy.utils.misc import walk_modules_iter

from compat.scrapy import install_caller_module
from core.errors import UserError
from crawlers.feed_spider import FeedSpider
from crawlers.news_spider import NewsSpider
from crawlers.section_spider import SectionSpider
from crawlers.sitemap_spider import NewsSitemapSpider
from crawlers.sources import SourceSpec, load_sources

# Before the downloader is imported: its deprecated aliases cost every crawl 0.15 s otherwise (compat/scrapy.py).
install_caller_module()


def _class_name(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_")) + "Spider"


def hand_written_spiders(modules: list[str]) -> dict[str, type[NewsSpider]]:
    """Spider classes defined in these packages, by class name (what a source's `kind:` names).

    They carry no `name` of their own (the source gives it), so Scrapy's own finder skips them.
    """
    classes: dict[str, type[NewsSpider]] = {}
    for name in modules:
        for module in walk_modules_iter(name):
            for value in vars(module).values():
                if (isinstance(value, type) and issubclass(value, NewsSpider)
                        and value.__module__ == module.__name__):
                    classes[value.__name__] = value
    return classes


def spider_class(source: SourceSpec, custom: dict[str, type[NewsSpider]] | None = None,
                 modules: list[str] = ("crawlers.spiders",)) -> type[NewsSpider]:
    """The spider class of one source."""
    bases: list[type[NewsSpider]] = []
    if source.kind:
        if not custom or source.kind not in custom:
            raise UserError(f"source {source.key}: kind {source.kind!r} is not a spider class in "
                            f"{', '.join(modules)} (NEWSDESK_SPIDER_MODULES)")
        bases.append(custom[source.kind])
    if source.feeds or not (source.sitemaps or source.sections):
        bases.append(FeedSpider)  # also covers feed discovery from the homepage
    if source.sitemaps:
        bases.append(NewsSitemapSpider)
    if source.sections:
        bases.append(SectionSpider)
    unique = tuple(dict.fromkeys(bases))
    return type(_class_name(source.key), unique, {"name": source.key, "source": source, "__module__": __name__})


class SourceSpiderLoader:
    """Scrapy's spider loader, reading the sources file (NEWSDESK_SOURCES) instead of modules."""

    def __init__(self, settings):
        path = Path(settings.get("NEWSDESK_SOURCES"))
        self.sources = {s.key: s for s in load_sources(path)}
        modules = settings.getlist("SPIDER_MODULES")
        custom = hand_written_spiders(modules)
        self._spiders = {key: spider_class(source, custom, modules)
                         for key, source in self.sources.items() if source.enabled}

    @classmethod
    def from_settings(cls, settings):
        return cls(settings)

    def load(self, spider_name: str) -> type[NewsSpider]:
        try:
            return self._spiders[spider_name]
        except KeyError:
            if spider_name in self.sources:
                raise KeyError(f"source {spider_name} is disabled (enabled: false)") from None
            raise KeyError(f"Spider not found: {spider_name}") from None

    def list(self) -> list[str]:
        return sorted(self._spiders)

    def find_by_request(self, request) -> list[str]:
        from core.urls import same_site

        return [
            key for key, source in self.sources.items()
            if source.enabled and any(same_site(request.url, url) for url in [source.homepage or "", *source.feeds])
        ]
