"""What every sample outlet has in common: its stories at one moment, its listings, its build.

Each outlet module subclasses ``OutletSite`` with its own URL scheme and HTML; this class decides
which story goes where (feeds, listings, special responses) so that the outlets agree on it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar

from newsdesk.samplenet.model import Outlet, Page, html_page
from newsdesk.samplenet.stories import Story, outlet_content, slugify

SLOW_PAGE_SECONDS = 3.0
# Paths do not depend on time, so the manifest can be built without one.
_ANY_MOMENT = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Listing:
    """One page of a section, tag or front listing."""

    kind: str                    # "section", "tag" or "all"
    key: str                     # section key or tag slug ("" for "all")
    label: str
    page: int
    pages: int
    path: str
    stories: tuple[Story, ...]
    previous: str | None = None  # path of the previous page, if any
    next: str | None = None


class OutletSite:
    outlet: ClassVar[Outlet]
    timezone: ClassVar[timezone] = UTC
    page_size: ClassVar[int] = 5

    def __init__(self, base_url: str, now: datetime | None = None, version: int = 1,
                 advanced_at: datetime | None = None):
        self.base_url = base_url.rstrip("/")
        # Whole minutes: a build at 10:04:31 and one at 10:04:58 give the same pages.
        self.now = (now or _ANY_MOMENT).astimezone(UTC).replace(second=0, microsecond=0)
        self.version = version
        content = outlet_content(self.outlet.key)
        self.sections = content.sections
        self.stories = [story.revised() if version >= 2 else story for story in content.stories]
        if version >= 2 and advanced_at is not None:
            # The update happened when the network was advanced (after the first crawl), so the
            # feed and sitemap announce a modification newer than anything a crawler has seen.
            hours_ago = (self.now - advanced_at.astimezone(UTC)).total_seconds() / 3600
            self.stories = [replace(story, modified_hours_ago=hours_ago) if story.update else story
                            for story in self.stories]

    # --- URL scheme (each outlet defines its own) ----------------------------------------------

    def article_path(self, story: Story) -> str:
        raise NotImplementedError

    def listing_path(self, kind: str, key: str, page: int = 1) -> str:
        raise NotImplementedError

    def amp_path(self, story: Story) -> str | None:
        """Where the AMP version of an article is, for outlets that have them."""
        return None

    def url(self, path: str) -> str:
        return self.base_url + path

    def story_url(self, story: Story) -> str:
        return self.url(self.article_path(story))

    # --- time -----------------------------------------------------------------------------------

    def published(self, story: Story) -> datetime:
        return (self.now - timedelta(hours=story.hours_ago)).astimezone(self.timezone)

    def modified(self, story: Story) -> datetime:
        if story.modified_hours_ago is None:
            return self.published(story)
        return (self.now - timedelta(hours=story.modified_hours_ago)).astimezone(self.timezone)

    def last_change(self) -> datetime:
        return max(self.modified(story) for story in self.stories)

    # --- which story goes where -----------------------------------------------------------------

    def newest_first(self, stories: Sequence[Story]) -> list[Story]:
        return sorted(stories, key=lambda story: (story.hours_ago, story.number))

    def articles(self) -> list[Story]:
        """Every real article, newest first."""
        return self.newest_first([story for story in self.stories if story.is_article])

    def with_role(self, role: str) -> list[Story]:
        return [story for story in self.stories if story.role == role]

    def feed_stories(self) -> list[Story]:
        """What the outlet's feed lists: real articles and the broken links a real feed carries."""
        listed = [story for story in self.stories if story.role != "robots_disallowed"]
        return self.newest_first(listed)

    def related(self, story: Story, count: int = 3) -> list[Story]:
        others = [other for other in self.articles() if other.slug != story.slug]
        same_section = [other for other in others if other.section == story.section]
        rest = [other for other in others if other.section != story.section]
        return (same_section + rest)[:count]

    def tag_slugs(self, story: Story) -> list[tuple[str, str]]:
        return [(slugify(tag), tag) for tag in story.tags]

    def all_tags(self) -> list[tuple[str, str]]:
        """(slug, label) of every tag on a real article, by slug."""
        return sorted({tag for story in self.articles() for tag in self.tag_slugs(story)})

    # --- listings -------------------------------------------------------------------------------

    def listing_groups(self) -> list[tuple[str, str, str, list[Story]]]:
        """(kind, key, label, stories) for every listing the outlet has."""
        articles = self.articles()
        groups = [("section", key, label, [s for s in articles if s.section == key])
                  for key, label in self.sections.items()]
        tags: dict[str, tuple[str, list[Story]]] = {}
        for story in articles:
            for slug, label in self.tag_slugs(story):
                tags.setdefault(slug, (label, []))[1].append(story)
        groups += [("tag", slug, label, stories) for slug, (label, stories) in sorted(tags.items())]
        return [group for group in groups if group[3]]

    def listings(self) -> list[Listing]:
        result = []
        for kind, key, label, stories in self.listing_groups():
            pages = max(1, math.ceil(len(stories) / self.page_size))
            for page in range(1, pages + 1):
                result.append(Listing(
                    kind=kind, key=key, label=label, page=page, pages=pages,
                    path=self.listing_path(kind, key, page),
                    stories=tuple(stories[(page - 1) * self.page_size: page * self.page_size]),
                    previous=self.listing_path(kind, key, page - 1) if page > 1 else None,
                    next=self.listing_path(kind, key, page + 1) if page < pages else None,
                ))
        return result

    # --- pages ----------------------------------------------------------------------------------

    def build(self) -> dict[str, Page]:
        pages = {"/": html_page(self.render_home())}
        for story in self.stories:
            pages.update(self.story_pages(story))
        for listing in self.listings():
            pages[listing.path] = html_page(self.render_listing(listing))
        pages.update(self.extra_pages())
        return pages

    def charset_for(self, story: Story) -> str:
        return "cp1252" if story.role == "windows_1252" else "utf-8"

    def story_pages(self, story: Story) -> dict[str, Page]:
        path = self.article_path(story)
        if story.role == "server_error":
            return {path: server_error_page()}
        if story.role == "not_found":
            return {path: html_page(self.render_not_found(), status=404)}
        delay = SLOW_PAGE_SECONDS if story.role == "slow" else 0.0
        charset = self.charset_for(story)
        return {path: html_page(self.render_story(story), charset=charset, delay=delay)}

    def non_article_paths(self) -> list[str]:
        """Pages a crawler may reach that are not news articles (about pages, video, gallery)."""
        return [self.article_path(story) for story in self.stories if story.role in ("video", "gallery")]

    def tracking_variant_paths(self, story: Story) -> list[str]:
        """Other path+query strings under which the outlet links to the same article."""
        return []

    # --- what each outlet renders ---------------------------------------------------------------

    def render_home(self) -> str:
        raise NotImplementedError

    def render_story(self, story: Story) -> str:
        raise NotImplementedError

    def render_listing(self, listing: Listing) -> str:
        raise NotImplementedError

    def render_not_found(self) -> str:
        raise NotImplementedError

    def extra_pages(self) -> dict[str, Page]:
        """Feeds, sitemaps, robots.txt, about pages, AMP pages."""
        raise NotImplementedError


def server_error_page() -> Page:
    """What a PHP site behind nginx shows when the application falls over: no chrome at all."""
    markup = ("<html>\r\n<head><title>500 Internal Server Error</title></head>\r\n<body>\r\n"
              "<center><h1>500 Internal Server Error</h1></center>\r\n<hr><center>nginx</center>\r\n"
              "</body>\r\n</html>\r\n")
    return html_page(markup, status=500)
