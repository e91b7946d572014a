"""The Global Courier: a fictional big international news site with structured data.

URL scheme:
  /world/<region>/<slug>-<number>       articles (JSON-LD NewsArticle, Open Graph, canonical, amphtml)
  /amp/world/<region>/<slug>-<number>   AMP versions, rel=canonical back to the article
  /video/<slug>-<number>                video pages (og:type video.other)
  /private/world/...                    disallowed by robots.txt, yet listed in the news sitemap
  /world/[page/N/], /world/<region>/    listings; /topics/<slug>[/page/N] topic pages
  /rss/world.xml                        RSS whose links carry ?utm_source=rss&utm_medium=feed
  /sitemap-index.xml -> /news-sitemap.xml   Google News sitemap
Times are UTC, written with +00:00.

The article with role "tracking_variants" is linked under four more addresses (feed, homepage,
"most shared" box, AMP); the one with role "changing" reads differently in version 2.
"""

from __future__ import annotations

import json
from html import escape as esc
from urllib.parse import quote

from newsdesk.samplenet import chrome
from newsdesk.samplenet.dates import iso, long_en_time
from newsdesk.samplenet.feeds import (
    FeedItem,
    SitemapEntry,
    news_sitemap,
    robots_txt,
    rss,
    sitemap_index,
)
from newsdesk.samplenet.model import Outlet, Page, html_page, text_page, xml_page
from newsdesk.samplenet.outlet_site import Listing, OutletSite
from newsdesk.samplenet.stories import Story

NAME = "The Global Courier"
FOLLOW = r"/world/[a-z-]+/[a-z0-9-]+-\d{7}(\?|$)"
RSS_TRACKING = "?utm_source=rss&utm_medium=feed"
HOME_TRACKING = "?utm_campaign=home"
SHARE_TRACKING = "?fbclid=IwAR0sampleNetworkShare7Qx"


class GlobalCourier(OutletSite):
    outlet = Outlet(
        key="global_courier",
        name=NAME,
        country="GB",
        language="en",
        feeds=["/rss/world.xml"],
        sitemaps=["/sitemap-index.xml"],
        sections=[("/world/", FOLLOW)],
    )

    # --- URL scheme -----------------------------------------------------------------------------

    def article_path(self, story: Story) -> str:
        if story.role == "video":
            return f"/video/{story.slug}-{story.number}"
        path = f"/world/{story.section}/{story.slug}-{story.number}"
        return "/private" + path if story.role == "robots_disallowed" else path

    def amp_path(self, story: Story) -> str:
        return "/amp" + self.article_path(story)

    def listing_path(self, kind: str, key: str, page: int = 1) -> str:
        if kind == "tag":
            base = f"/topics/{key}"
            return base if page == 1 else f"{base}/page/{page}"
        base = "/world/" if kind == "all" else f"/world/{key}/"
        return base if page == 1 else f"{base}page/{page}/"

    def listing_groups(self) -> list[tuple[str, str, str, list[Story]]]:
        return [("all", "", "World", self.articles()), *super().listing_groups()]

    def tracking_variant_paths(self, story: Story) -> list[str]:
        path = self.article_path(story)
        if story.role == "tracking_variants":
            return [path + RSS_TRACKING, path + HOME_TRACKING, path + SHARE_TRACKING]
        if story in self.feed_stories():
            return [path + RSS_TRACKING]
        return []

    def non_article_paths(self) -> list[str]:
        return ["/about/", *super().non_article_paths()]

    def tracked_article(self) -> Story:
        return self.with_role("tracking_variants")[0]

    # --- page frame -----------------------------------------------------------------------------

    def _document(self, *, title: str, main: str, head: str = "", body_class: str = "") -> str:
        regions = "".join(f'<li><a href="{self.url(self.listing_path("section", key))}">{esc(label)}</a></li>'
                          for key, label in self.sections.items())
        topics = "".join(f'<li><a href="{self.url(self.listing_path("tag", slug))}">{esc(label)}</a></li>'
                         for slug, label in self.all_tags())
        state = {"edition": "international", "nav": list(self.sections.values()),
                 "teasers": [{"id": story.number, "headline": story.title, "section": story.section}
                             for story in self.articles()[:12]]}
        return f"""<!doctype html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}
<link rel="alternate" type="application/rss+xml" title="{NAME} - World" href="{self.url('/rss/world.xml')}">
<style>{chrome.stylesheet('gc', '#c8102e')}</style>
<script>{chrome.consent_script(NAME, vendor_count=120)}</script>
<script>{chrome.analytics_script('G-GC00000000')}</script>
</head>
<body class="{body_class}">
{chrome.icon_sprite()}
<a class="gc-skip" href="#main-content">Skip to main content</a>
<header class="gc-header" role="banner">
<a class="gc-logo" href="{self.url('/')}" aria-label="{NAME} home">{NAME}</a>
<nav class="gc-nav" aria-label="Sections"><ul><li><a href="{self.url('/world/')}">World</a></li>{regions}</ul></nav>
<button class="gc-menu-toggle" aria-expanded="false"><svg><use href="#icon-menu"></use></svg> Menu</button>
</header>
{chrome.ad_slot('gc-top', '970x250')}
<main id="main-content" role="main">
{main}
</main>
<section class="gc-newsletter"><h2>The world in brief</h2><p>Our morning briefing on international affairs, free in your inbox.</p>
<form action="{self.url('/newsletters/subscribe')}" method="post"><input type="email" name="email" placeholder="Email address"><button>Sign up</button></form></section>
<footer class="gc-footer" role="contentinfo">
<nav class="gc-footer__topics" aria-label="Topics"><h2>Topics</h2><ul>{topics}</ul></nav>
<ul><li><a href="{self.url('/about/')}">About us</a></li><li><a href="{self.url('/world/')}">World news</a></li></ul>
<p>&copy; {self.now.year} {NAME} Ltd. Registered in England and Wales.</p></footer>
<script>{chrome.page_data_script('__INITIAL_STATE__', state)}</script>
</body>
</html>
"""

    def _most_shared(self) -> str:
        tracked = self.tracked_article()
        return (f'<aside class="gc-most-shared"><h2>Most shared</h2><ol>'
                f'<li><a href="{self.story_url(tracked)}{SHARE_TRACKING}">{esc(tracked.title)}</a></li></ol></aside>')

    # --- articles -------------------------------------------------------------------------------

    def _structured_data(self, story: Story) -> dict:
        url = self.story_url(story)
        image = self.url(f"/images/{story.number}/lead.jpg")
        if story.role == "video":
            return {"@context": "https://schema.org", "@type": "VideoObject", "name": story.title,
                    "description": story.teaser, "uploadDate": iso(self.published(story)),
                    "thumbnailUrl": [image], "duration": "PT2M40S", "embedUrl": self.url(f"/embed/{story.number}")}
        return {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": story.title,
            "description": story.teaser,
            "datePublished": iso(self.published(story)),
            "dateModified": iso(self.modified(story)),
            "author": [{"@type": "Person", "name": name} for name in story.authors],
            "articleSection": self.sections[story.section],
            "keywords": list(story.tags),
            "image": {"@type": "ImageObject", "url": image, "width": 1200, "height": 675},
            "publisher": {"@type": "Organization", "name": NAME,
                          "logo": {"@type": "ImageObject", "url": self.url("/images/logo.png")}},
            "isAccessibleForFree": True,
            "inLanguage": "en-GB",
        }

    def _json_ld(self, data: dict) -> str:
        text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">{text}</script>'

    def _body_paragraphs(self, story: Story) -> list[str]:
        paragraphs = list(story.paragraphs)
        if story.credit:
            paragraphs.append(story.credit)
        return paragraphs

    def render_story(self, story: Story) -> str:
        url = self.story_url(story)
        published, modified = self.published(story), self.modified(story)
        section = self.sections[story.section]
        is_video = story.role == "video"
        amp_link = f'<link rel="amphtml" href="{self.url(self.amp_path(story))}">' if story.is_article else ""
        head = f"""<meta name="description" content="{esc(story.teaser)}">
<link rel="canonical" href="{url}">
{amp_link}
<meta property="og:type" content="{'video.other' if is_video else 'article'}">
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:description" content="{esc(story.teaser)}">
<meta property="og:url" content="{url}">
<meta property="og:image" content="{self.url(f'/images/{story.number}/lead.jpg')}">
<meta property="og:site_name" content="{NAME}">
<meta property="article:published_time" content="{iso(published)}">
<meta property="article:modified_time" content="{iso(modified)}">
<meta property="article:section" content="{esc(section)}">
{''.join(f'<meta property="article:tag" content="{esc(tag)}">' for tag in story.tags)}
<meta name="twitter:card" content="summary_large_image">
{self._json_ld(self._structured_data(story))}"""
        byline = ", ".join(esc(name) for name in story.authors)
        topics = "".join(f'<li><a href="{self.url(self.listing_path("tag", slug))}">{esc(label)}</a></li>'
                         for slug, label in self.tag_slugs(story))
        if is_video:
            media = (f'<div class="gc-video-player" data-video-id="{story.number}"><video controls poster="{self.url(f"/images/{story.number}/lead.jpg")}">'
                     f'<source src="{self.url(f"/media/{story.number}.mp4")}" type="video/mp4"></video></div>')
        else:
            media = (f'<figure class="gc-lead-image"><img src="{self.url(f"/images/{story.number}/lead.jpg")}" width="1200" height="675" alt="">'
                     f"<figcaption>{esc(story.teaser)} Photograph: agency</figcaption></figure>")
        body = "\n".join(f"<p>{esc(paragraph, quote=False)}</p>" for paragraph in self._body_paragraphs(story))
        related = "".join(f'<li><a href="{self.story_url(other)}">{esc(other.title)}</a></li>'
                          for other in self.related(story))
        main = f"""<article class="gc-article">
<header class="gc-article__header">
<nav class="gc-breadcrumb" aria-label="Breadcrumb"><a href="{self.url('/world/')}">World</a> / <a href="{self.url(self.listing_path('section', story.section))}">{esc(section)}</a></nav>
<h1 class="gc-headline">{esc(story.title)}</h1>
<p class="gc-standfirst">{esc(story.teaser)}</p>
<div class="gc-byline">By <span class="gc-byline__name">{byline}</span> <time datetime="{iso(published)}">{long_en_time(published)}</time>
{f'<span class="gc-updated">Updated <time datetime="{iso(modified)}">{long_en_time(modified)}</time></span>' if modified != published else ''}</div>
<ul class="gc-share"><li><a href="https://www.facebook.com/sharer/sharer.php?u={quote(url, safe="")}"><svg><use href="#icon-facebook"></use></svg>Share</a></li><li><a href="https://x.com/intent/post?url={quote(url, safe="")}"><svg><use href="#icon-x"></use></svg>Post</a></li></ul>
</header>
{media}
<div class="gc-article__body" data-component="text-block">
{body}
</div>
<section class="gc-topics"><h2>Topics</h2><ul>{topics}</ul></section>
</article>
<aside class="gc-related"><h2>More on this story</h2><ul>{related}</ul></aside>
{chrome.ad_slot('gc-mpu')}"""
        return self._document(title=f"{story.title} | {NAME}", main=main, head=head,
                              body_class="gc-page gc-page--video" if is_video else "gc-page gc-page--article")

    def render_amp(self, story: Story) -> str:
        published = self.published(story)
        body = "\n".join(f"<p>{esc(paragraph, quote=False)}</p>" for paragraph in self._body_paragraphs(story))
        return f"""<!doctype html>
<html ⚡ lang="en-GB">
<head>
<meta charset="utf-8">
<script async src="https://cdn.ampproject.org/v0.js"></script>
<title>{esc(story.title)} | {NAME}</title>
<link rel="canonical" href="{self.story_url(story)}">
<meta name="viewport" content="width=device-width">
{self._json_ld(self._structured_data(story))}
<style amp-boilerplate>body{{-webkit-animation:-amp-start 8s steps(1,end) 0s 1 normal both;animation:-amp-start 8s steps(1,end) 0s 1 normal both}}@keyframes -amp-start{{from{{visibility:hidden}}to{{visibility:visible}}}}</style><noscript><style amp-boilerplate>body{{-webkit-animation:none;animation:none}}</style></noscript>
<style amp-custom>body{{font-family:Georgia,serif;margin:0 16px}}.amp-header{{padding:8px 0;border-bottom:2px solid #c8102e}}h1{{font-size:26px}}.byline{{color:#555}}</style>
</head>
<body>
<header class="amp-header"><a href="{self.url('/')}">{NAME}</a></header>
<article>
<h1>{esc(story.title)}</h1>
<p class="byline">By {", ".join(esc(name) for name in story.authors)} &middot; <time datetime="{iso(published)}">{long_en_time(published)}</time></p>
<amp-img src="{self.url(f'/images/{story.number}/lead.jpg')}" width="1200" height="675" layout="responsive" alt=""></amp-img>
{body}
</article>
<footer><a href="{self.url('/about/')}">About us</a> &middot; &copy; {self.now.year} {NAME}</footer>
</body>
</html>
"""

    def story_pages(self, story: Story) -> dict[str, Page]:
        pages = super().story_pages(story)
        page = pages[self.article_path(story)]
        for variant in self.tracking_variant_paths(story):
            pages[variant] = page
        if story.is_article:
            pages[self.amp_path(story)] = html_page(self.render_amp(story), delay=page.delay)
        return pages

    # --- listings, home, pages ------------------------------------------------------------------

    def _card(self, story: Story, link_suffix: str = "") -> str:
        published = self.published(story)
        return (f'<li class="gc-card"><a class="gc-card__link" href="{self.story_url(story)}{link_suffix}">'
                f'<h3 class="gc-card__title">{esc(story.title)}</h3></a><p class="gc-card__summary">{esc(story.teaser)}</p>'
                f'<time class="gc-card__time" datetime="{iso(published)}">{long_en_time(published)}</time></li>')

    def render_listing(self, listing: Listing) -> str:
        head = f'<link rel="canonical" href="{self.url(listing.path)}">'
        paging = ""
        if listing.previous:
            head += f'\n<link rel="prev" href="{self.url(listing.previous)}">'
            paging += f'<a class="gc-pagination__prev" rel="prev" href="{self.url(listing.previous)}">Newer</a>'
        if listing.next:
            head += f'\n<link rel="next" href="{self.url(listing.next)}">'
            paging += f'<a class="gc-pagination__next" rel="next" href="{self.url(listing.next)}">Older</a>'
        heading = listing.label if listing.kind != "tag" else f"Topic: {listing.label}"
        cards = "".join(self._card(story) for story in listing.stories)
        main = f"""<h1 class="gc-listing-title">{esc(heading)}</h1>
<ul class="gc-listing">{cards}</ul>
<nav class="gc-pagination" aria-label="Pages">{paging}<span>Page {listing.page} of {listing.pages}</span></nav>
{self._most_shared()}"""
        return self._document(title=f"{heading} | {NAME}", main=main, head=head, body_class="gc-page gc-page--listing")

    def render_home(self) -> str:
        tracked = self.tracked_article()
        cards = "".join(self._card(story, HOME_TRACKING if story == tracked else "") for story in self.articles()[:10])
        video = self.with_role("video")[0]
        main = f"""<h1 class="gc-visually-hidden">{NAME}: international news</h1>
<section class="gc-front"><h2>Top stories</h2><ul class="gc-listing">{cards}</ul>
<p><a href="{self.url('/world/')}">All world news</a></p></section>
<section class="gc-front-video"><h2>Watch</h2><a href="{self.story_url(video)}">{esc(video.title)}</a></section>
{self._most_shared()}"""
        head = f'<link rel="canonical" href="{self.url("/")}">\n<meta property="og:type" content="website">'
        return self._document(title=f"{NAME} | International news", main=main, head=head, body_class="gc-page gc-page--front")

    def render_not_found(self) -> str:
        return self._document(title=f"Page not found | {NAME}", body_class="gc-page gc-page--error",
                              main="<h1>Sorry, we couldn't find that page</h1>")

    def _feed(self) -> str:
        items = [
            FeedItem(
                title=story.title, link=self.story_url(story) + RSS_TRACKING, published=self.published(story),
                updated=self.modified(story), guid=self.story_url(story), author=", ".join(story.authors),
                categories=[self.sections[story.section]], summary=story.teaser,
                image=self.url(f"/images/{story.number}/lead.jpg"),
            )
            for story in self.feed_stories()
        ]
        return rss(title=f"{NAME} - World", link=self.url("/world/"), description="International news from The Global Courier",
                   language="en-gb", self_url=self.url("/rss/world.xml"), items=items, last_build=self.last_change())

    def _news_sitemap(self) -> str:
        listed = [story for story in self.stories if story.is_article or story.role == "robots_disallowed"]
        entries = [
            SitemapEntry(loc=self.story_url(story), lastmod=self.modified(story), news_title=story.title,
                         news_published=self.published(story), keywords=story.tags)
            for story in self.newest_first(listed)
        ]
        return news_sitemap(entries, publication=NAME, language="en")

    def extra_pages(self) -> dict[str, Page]:
        about = self._document(title=f"About us | {NAME}", body_class="gc-page",
                               main=f"<h1>About us</h1><p>{NAME} reports on international affairs from bureaus in 30 countries.</p>")
        return {
            "/rss/world.xml": xml_page(self._feed(), "application/rss+xml"),
            "/sitemap-index.xml": xml_page(sitemap_index([SitemapEntry(loc=self.url("/news-sitemap.xml"),
                                                                        lastmod=self.last_change())])),
            "/news-sitemap.xml": xml_page(self._news_sitemap()),
            "/robots.txt": text_page(robots_txt(disallow=["/private/", "/search", "/newsletters/"],
                                                sitemaps=[self.url("/sitemap-index.xml")])),
            "/about/": html_page(about),
        }
