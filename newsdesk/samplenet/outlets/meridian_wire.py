"""Meridian News Agency (MNA): a fictional wire service with an old HTML 4 site.

URL scheme (root-relative links throughout, as old sites have):
  /news/<number>-<slug>.html          stories, datelined "GENEVA, Nov 20 (MNA) - "
  /photos/<number>-<slug>.html        picture galleries (not articles)
  /section/<key>/[page/N/]            section listings, rel="next" to page 2
  /topic/<slug>/[page/N/]             topic (tag) listings
  /atom.xml                           Atom feed
Times are UTC. The site has no canonical links, no date metadata (only a visible stamp) and a
"Copyright 1998-<year>" footer, which is what date guessers trip over on pages like these. The
layout is divs with tables for the side boxes; a full table layout would make trafilatura return
the navigation with the story, and the wire's text must extract cleanly because it is the
syndicated original.
"""

from __future__ import annotations

from html import escape as esc
from urllib.parse import quote

from newsdesk.samplenet import chrome
from newsdesk.samplenet.dates import wire_dateline_date, wire_stamp
from newsdesk.samplenet.feeds import FeedItem, atom, robots_txt
from newsdesk.samplenet.model import Outlet, Page, html_page, text_page, xml_page
from newsdesk.samplenet.outlet_site import Listing, OutletSite
from newsdesk.samplenet.stories import Story

NAME = "Meridian News Agency"
AGENCY = "MNA"
FOLLOW = r"/news/\d+-[a-z0-9-]+\.html$"


class MeridianWire(OutletSite):
    outlet = Outlet(
        key="meridian_wire",
        name=NAME,
        country="INT",
        language="en",
        feeds=["/atom.xml"],
        sitemaps=[],
        sections=[("/section/world/", FOLLOW), ("/section/diplomacy/", FOLLOW), ("/section/trade/", FOLLOW)],
    )

    # --- URL scheme -----------------------------------------------------------------------------

    def article_path(self, story: Story) -> str:
        folder = "photos" if story.role == "gallery" else "news"
        return f"/{folder}/{story.number}-{story.slug}.html"

    def listing_path(self, kind: str, key: str, page: int = 1) -> str:
        base = {"section": "/section/", "tag": "/topic/"}[kind] + f"{key}/"
        return base if page == 1 else f"{base}page/{page}/"

    def non_article_paths(self) -> list[str]:
        return ["/about/", "/contact/", *super().non_article_paths()]

    def dateline(self, story: Story) -> str:
        return f"{story.dateline}, {wire_dateline_date(self.published(story))} ({AGENCY}) - "

    # --- page frame -----------------------------------------------------------------------------

    def _document(self, *, title: str, center: str, keywords: str = "") -> str:
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(title)}</title>
<meta name="keywords" content="{esc(keywords)}">
<link rel="alternate" type="application/atom+xml" title="MNA Top News" href="/atom.xml">
<style type="text/css">{chrome.stylesheet('mna', '#b30000')}</style>
<script type="text/javascript">{chrome.analytics_script('UA-MNA-0001')}</script>
</head>
<body bgcolor="#ffffff" leftmargin="0" topmargin="0">
<div id="masthead"><a href="/"><img src="/images/mna_logo.gif" width="200" height="48" alt="{NAME}" border="0"></a>
<span class="tagline">Independent news from around the world since 1961</span>
<form action="/search" method="get" class="searchbox"><input type="text" name="q" size="18"><input type="submit" value="Search"></form></div>
<div id="wrapper">
<div id="leftnav">
{self._left_navigation()}
</div>
<div id="content">
{center}
</div>
<div id="rightcol">
{self._right_column()}
</div>
</div>
<div class="footer"><a href="/about/">About MNA</a> | <a href="/contact/">Contact</a> | <a href="/">Home</a><br>
Copyright 1998-{self.now.year} {NAME}. All rights reserved. Republication or redistribution of MNA content is expressly prohibited without prior written consent.</div>
<script type="text/javascript">{chrome.consent_script(NAME, vendor_count=40)}</script>
</body>
</html>
"""

    def _left_navigation(self) -> str:
        sections = "".join(f'<li><a href="{self.listing_path("section", key)}">{esc(label)}</a></li>'
                           for key, label in self.sections.items())
        topics = self.all_tags()
        topic_rows = "".join(f'<li><a href="{self.listing_path("tag", slug)}">{esc(label)}</a></li>'
                             for slug, label in topics)
        return f"""<div class="navhead"><b>News</b></div>
<ul class="navlist"><li><a href="/">Top News</a></li>{sections}</ul>
<div class="navhead"><b>Topics</b></div>
<ul class="navlist">{topic_rows}</ul>"""

    def _right_column(self) -> str:
        rows = "".join(f'<tr><td class="mostread"><a href="{self.article_path(story)}">{esc(story.title)}</a></td></tr>'
                       for story in self.articles()[:6])
        markets = "".join(f"<tr><td>{name}</td><td align=right>{value}</td></tr>"
                          for name, value in [("Brent", "81.20"), ("Gold", "2,390"), ("EUR/USD", "1.087"),
                                              ("USD/JPY", "151.3"), ("USD/PKR", "278.4")])
        return f"""<table width="100%" class="box"><tr><td class="boxhead">Most Read</td></tr>{rows}</table>
<br><table width="100%" class="box markets"><tr><td class="boxhead" colspan="2">Markets</td></tr>{markets}</table>
<br>{chrome.ad_slot('mna-right', '200x200')}"""

    # --- stories --------------------------------------------------------------------------------

    def render_story(self, story: Story) -> str:
        if story.role == "gallery":
            return self._gallery(story)
        if story.role == "malformed":
            return self._malformed(story)
        paragraphs = [self.dateline(story) + story.paragraphs[0], *story.paragraphs[1:]]
        body = "\n".join(f"<p>{esc(paragraph, quote=False)}</p>" for paragraph in paragraphs)
        center = f"""<div class="storyheadline"><h1>{esc(story.title)}</h1></div>
<div class="storydate">{wire_stamp(self.published(story))}</div>
<div class="storybody">
{body}
<p class="byline">({esc(story.byline)})</p>
</div>
<div class="storytools"><a href="javascript:window.print()">Print</a> | <a href="mailto:?subject={quote(story.title)}">Email this story</a></div>
{self._more_from(story)}"""
        return self._document(title=f"{AGENCY} | {story.title}", center=center, keywords=", ".join(story.tags))

    def _more_from(self, story: Story) -> str:
        items = "".join(f'<li><a href="{self.article_path(other)}">{esc(other.title)}</a></li>'
                        for other in self.related(story, 4))
        return f'<div class="morestories"><b>More from {esc(self.sections[story.section])}</b><ul>{items}</ul></div>'

    def _malformed(self, story: Story) -> str:
        # Hand-broken markup seen on old CMS output: unclosed <p>, <font> and <td>, stray </div>s,
        # a table that never ends, and no </body></html>. The story itself is complete.
        paragraphs = [self.dateline(story) + story.paragraphs[0], *story.paragraphs[1:]]
        body = "\n".join(f'<p><font face="Arial" size="2">{esc(paragraph, quote=False)}' for paragraph in paragraphs)
        return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{AGENCY} | {esc(story.title)}</title>
<style type="text/css">{chrome.stylesheet('mna', '#b30000')}</style>
<script type="text/javascript">{chrome.analytics_script('UA-MNA-0001')}</script>
</head>
<body bgcolor="#ffffff">
<table width="100%" class="masthead"><tr><td><a href="/"><img src="/images/mna_logo.gif" alt="{NAME}"></a>
<td class="tagline">Independent news from around the world since 1961
</table>
<table width="980" align="center"><tr>
<td class="leftnav" valign="top" width="160">{self._left_navigation()}
<td class="content" valign="top">
<div class="storyheadline"><h1>{esc(story.title)}</h1></div></div>
<div class="storydate">{wire_stamp(self.published(story))}
<div class="storybody">
{body}
<p class="byline">({esc(story.byline)})
</div></div></div>
<td class="rightcol" valign="top" width="200">{self._right_column()}
<div class="footer"><a href="/about/">About MNA</a> | <a href="/contact/">Contact</a><br>
Copyright 1998-{self.now.year} {NAME}. All rights reserved.
"""

    def _gallery(self, story: Story) -> str:
        figures = "\n".join(
            f'<div class="photo"><img src="/images/gallery/{story.number}-{index}.jpg" width="620" height="413" alt="">'
            f'<div class="caption">{esc(caption)} ({AGENCY}/Photo)</div></div>'
            for index, caption in enumerate(story.paragraphs, start=1)
        )
        center = f"""<div class="galleryheadline"><h1>{esc(story.title)}</h1></div>
<div class="storydate">{wire_stamp(self.published(story))}</div>
<div class="gallery">{figures}</div>"""
        return self._document(title=f"{AGENCY} Pictures | {story.title}", center=center)

    # --- listings, home, pages ------------------------------------------------------------------

    def _headline_list(self, stories: tuple[Story, ...] | list[Story]) -> str:
        items = "\n".join(
            f'<li><a href="{self.article_path(story)}">{esc(story.title)}</a> <span class="time">{wire_stamp(self.published(story))}</span>'
            f"<br>{esc(story.teaser)}</li>"
            for story in stories
        )
        return f'<ul class="headlines">{items}</ul>'

    def render_listing(self, listing: Listing) -> str:
        paging = []
        if listing.previous:
            paging.append(f'<a href="{listing.previous}" rel="prev">&lt; Previous</a>')
        if listing.next:
            paging.append(f'<a href="{listing.next}" rel="next">Next &gt;</a>')
        heading = listing.label if listing.kind == "section" else f"Topic: {listing.label}"
        center = f"""<h1 class="sectionhead">{esc(heading)}</h1>
{self._headline_list(listing.stories)}
<div class="paging">Page {listing.page} of {listing.pages} {' | '.join(paging)}</div>"""
        return self._document(title=f"{AGENCY} | {heading}", center=center)

    def render_home(self) -> str:
        center = f"""<h1 class="sectionhead">Top News</h1>
{self._headline_list(self.articles()[:10])}
<p><a href="{self.listing_path('section', 'world')}">More world news</a></p>"""
        return self._document(title=f"{NAME} | Top News", center=center)

    def render_not_found(self) -> str:
        center = """<h1 class="sectionhead">Story not available</h1>
<p>The story you requested could not be found. It may have been withdrawn or moved.</p>
<p><a href="/">Return to Top News</a></p>"""
        return self._document(title=f"{AGENCY} | Page not found", center=center)

    def _simple_page(self, title: str, text: str) -> Page:
        return html_page(self._document(title=f"{AGENCY} | {title}",
                                        center=f'<h1 class="sectionhead">{esc(title)}</h1><p>{esc(text)}</p>'))

    def _feed(self) -> str:
        items = [
            FeedItem(
                title=story.title, link=self.url(self.article_path(story)), published=self.published(story),
                updated=self.modified(story), guid=f"tag:mna.example,2026:{story.number}",
                author=AGENCY, categories=[self.sections[story.section]], summary=story.teaser,
            )
            for story in self.feed_stories()
        ]
        return atom(title="MNA Top News", feed_id="tag:mna.example,2026:top-news", link=self.url("/"),
                    self_url=self.url("/atom.xml"), items=items, updated=self.last_change(), author=NAME)

    def extra_pages(self) -> dict[str, Page]:
        return {
            "/atom.xml": xml_page(self._feed(), "application/atom+xml"),
            "/robots.txt": text_page(robots_txt(disallow=["/cgi-bin/", "/search"])),
            "/about/": self._simple_page("About MNA", f"{NAME} ({AGENCY}) supplies news, pictures and video to "
                                         "newspapers, broadcasters and websites in more than 90 countries."),
            "/contact/": self._simple_page("Contact", "Editorial desk: desk@mna.example. Sales: sales@mna.example."),
        }
