"""Le Quotidien des Nations: a fictional French daily, international pages only.

URL scheme:
  /international/article/<slug>_<number>.html   articles (schema.org microdata, French dates)
  /international/[page/N/]                      the international front, rel="next" to page 2
  /international/<rubrique>/                    europe, afrique, diplomatie
  /sujet/<slug>/                                topic pages
  /rss/international.xml                        RSS 2.0
Times are Paris time in winter (+01:00).
"""

from __future__ import annotations

from datetime import timedelta, timezone
from html import escape as esc

from newsdesk.samplenet import chrome
from newsdesk.samplenet.dates import iso, long_fr
from newsdesk.samplenet.feeds import FeedItem, robots_txt, rss
from newsdesk.samplenet.model import Outlet, Page, html_page, text_page, xml_page
from newsdesk.samplenet.outlet_site import Listing, OutletSite
from newsdesk.samplenet.stories import Story

NAME = "Le Quotidien des Nations"
FOLLOW = r"/international/article/[a-z0-9-]+_\d+\.html$"


class QuotidienNations(OutletSite):
    outlet = Outlet(
        key="quotidien_nations",
        name=NAME,
        country="FR",
        language="fr",
        feeds=["/rss/international.xml"],
        sitemaps=[],
        sections=[("/international/", FOLLOW)],
    )
    timezone = timezone(timedelta(hours=1))

    # --- URL scheme -----------------------------------------------------------------------------

    def article_path(self, story: Story) -> str:
        return f"/international/article/{story.slug}_{story.number}.html"

    def listing_path(self, kind: str, key: str, page: int = 1) -> str:
        base = {"all": "/international/", "section": f"/international/{key}/", "tag": f"/sujet/{key}/"}[kind]
        return base if page == 1 else f"{base}page/{page}/"

    def listing_groups(self) -> list[tuple[str, str, str, list[Story]]]:
        return [("all", "", "International", self.articles()), *super().listing_groups()]

    def non_article_paths(self) -> list[str]:
        return ["/qui-sommes-nous/", *super().non_article_paths()]

    # --- page frame -----------------------------------------------------------------------------

    def _document(self, *, title: str, main: str, head: str = "") -> str:
        rubriques = "".join(f'<li class="nav__item"><a href="{self.url(self.listing_path("section", key))}">{esc(label)}</a></li>'
                            for key, label in self.sections.items())
        sujets = "".join(f'<li><a href="{self.url(self.listing_path("tag", slug))}">{esc(label)}</a></li>'
                         for slug, label in self.all_tags())
        return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}
<link rel="alternate" type="application/rss+xml" title="{NAME} - International" href="{self.url('/rss/international.xml')}">
<style>{chrome.stylesheet('qdn', '#1a4d8f')}</style>
<script>{chrome.consent_script(NAME, vendor_count=60)}</script>
<script>{chrome.analytics_script('G-QDN0000000')}</script>
</head>
<body>
{chrome.icon_sprite()}
<header class="header"><a class="header__logo" href="{self.url('/')}">{NAME}</a>
<nav class="nav" aria-label="Rubriques"><ul><li class="nav__item"><a href="{self.url('/international/')}">International</a></li>{rubriques}</ul></nav>
<a class="header__subscribe" href="{self.url('/qui-sommes-nous/')}">Qui sommes-nous ?</a></header>
<main class="main">
{main}
</main>
<footer class="footer"><nav class="footer__sujets" aria-label="Sujets"><h2>Sujets</h2><ul>{sujets}</ul></nav>
<p>&copy; {NAME} {self.now.year}. Toute reproduction interdite sans autorisation.</p>
<ul><li><a href="{self.url('/qui-sommes-nous/')}">Qui sommes-nous ?</a></li><li><a href="{self.url('/international/')}">International</a></li></ul></footer>
</body>
</html>
"""

    # --- articles -------------------------------------------------------------------------------

    def render_story(self, story: Story) -> str:
        url = self.story_url(story)
        published, modified = self.published(story), self.modified(story)
        section = self.sections[story.section]
        head = f"""<meta name="description" content="{esc(story.teaser)}">
<link rel="canonical" href="{url}">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:url" content="{url}">
<meta property="og:locale" content="fr_FR">
<meta property="article:published_time" content="{iso(published)}">
<meta property="article:section" content="{esc(section)}">"""
        body = "\n".join(f'<p class="article__paragraph">{esc(paragraph, quote=False)}</p>' for paragraph in story.paragraphs)
        authors = " et ".join(f'<span itemprop="author" itemscope itemtype="https://schema.org/Person"><span itemprop="name">{esc(name)}</span></span>'
                              for name in story.authors)
        topics = " ".join(f'<a class="tag" href="{self.url(self.listing_path("tag", slug))}">{esc(label)}</a>'
                          for slug, label in self.tag_slugs(story))
        read_also = self.related(story, 1)[0]
        main = f"""<article class="article" itemscope itemtype="https://schema.org/NewsArticle">
<meta itemprop="mainEntityOfPage" content="{url}">
<nav class="breadcrumb"><a href="{self.url('/international/')}">International</a> &rsaquo; <a href="{self.url(self.listing_path('section', story.section))}" itemprop="articleSection">{esc(section)}</a></nav>
<h1 class="article__title" itemprop="headline">{esc(story.title)}</h1>
<p class="article__desc" itemprop="description">{esc(story.teaser)}</p>
<div class="meta">Par {authors} &middot; Publié le <time itemprop="datePublished" datetime="{iso(published)}">{long_fr(published)}</time>
<meta itemprop="dateModified" content="{iso(modified)}"></div>
<section class="article__content" itemprop="articleBody">
{body}
</section>
<p class="article__read-also">Lire aussi : <a href="{self.story_url(read_also)}">{esc(read_also.title)}</a></p>
<div class="article__topics">Sujets : {topics}</div>
</article>
<aside class="aside"><h2>Les plus lus</h2><ol>{"".join(f'<li><a href="{self.story_url(other)}">{esc(other.title)}</a></li>' for other in self.articles()[:5])}</ol>
{chrome.ad_slot('qdn-pave')}</aside>"""
        return self._document(title=f"{story.title} - {NAME}", main=main, head=head)

    # --- listings, home, pages ------------------------------------------------------------------

    def render_listing(self, listing: Listing) -> str:
        head = f'<link rel="canonical" href="{self.url(listing.path)}">'
        paging = ""
        if listing.previous:
            head += f'\n<link rel="prev" href="{self.url(listing.previous)}">'
            paging += f'<a rel="prev" href="{self.url(listing.previous)}">Page précédente</a> '
        if listing.next:
            head += f'\n<link rel="next" href="{self.url(listing.next)}">'
            paging += f'<a rel="next" href="{self.url(listing.next)}">Page suivante</a>'
        items = "".join(
            f'<section class="teaser"><a class="teaser__link" href="{self.story_url(story)}"><h3 class="teaser__title">{esc(story.title)}</h3></a>'
            f'<p class="teaser__desc">{esc(story.teaser)}</p><span class="teaser__date">{long_fr(self.published(story))}</span></section>'
            for story in listing.stories
        )
        heading = listing.label if listing.kind != "tag" else f"Sujet : {listing.label}"
        main = f"""<h1 class="river__title">{esc(heading)}</h1>
<div class="river">{items}</div>
<nav class="pagination">{paging}</nav>"""
        return self._document(title=f"{heading} - {NAME}", main=main, head=head)

    def render_home(self) -> str:
        items = "".join(f'<li><a href="{self.story_url(story)}">{esc(story.title)}</a></li>' for story in self.articles())
        main = f"""<h1 class="river__title">À la une</h1><ul class="une">{items}</ul>
<p><a href="{self.url('/international/')}">Toute l'actualité internationale</a></p>"""
        return self._document(title=f"{NAME} - Actualités internationales", main=main,
                              head=f'<link rel="canonical" href="{self.url("/")}">')

    def render_not_found(self) -> str:
        return self._document(title=f"Page introuvable - {NAME}", main="<h1>Page introuvable</h1>")

    def _feed(self) -> str:
        items = [
            FeedItem(title=story.title, link=self.story_url(story), published=self.published(story),
                     guid=self.story_url(story), author=story.byline, categories=[self.sections[story.section]],
                     summary=story.teaser, image=self.url(f"/img/{story.number}.jpg"))
            for story in self.feed_stories()
        ]
        return rss(title=f"{NAME} - International", link=self.url("/international/"),
                   description="Toute l'actualité internationale", language="fr",
                   self_url=self.url("/rss/international.xml"), items=items, last_build=self.last_change())

    def extra_pages(self) -> dict[str, Page]:
        about = self._document(title=f"Qui sommes-nous ? - {NAME}",
                               main=f"<h1>Qui sommes-nous ?</h1><p>{NAME} est un quotidien indépendant consacré à l'actualité internationale.</p>")
        return {
            "/rss/international.xml": xml_page(self._feed(), "application/rss+xml"),
            "/robots.txt": text_page(robots_txt(disallow=["/recherche/", "/compte/"])),
            "/qui-sommes-nous/": html_page(about),
        }
