"""The Indus Herald: a fictional Pakistani English daily on WordPress.

URL scheme (WordPress "post name" permalinks, so posts and pages share one namespace):
  /<slug>/                      posts, and pages such as /about-us/ (non-articles the follow
                                regex also matches, as on real WordPress sites)
  /category/<slug>/[page/N/]    section listings, rel="next" to page 2
  /tag/<slug>/[page/N/]         tag listings
  /feed/                        RSS 2.0 with dc:creator, category and content:encoded
Times are Pakistan time (+05:00).
"""

from __future__ import annotations

from datetime import timedelta, timezone
from html import escape as esc
from urllib.parse import quote

from newsdesk.samplenet import chrome
from newsdesk.samplenet.dates import iso, long_en
from newsdesk.samplenet.feeds import FeedItem, robots_txt, rss
from newsdesk.samplenet.model import Outlet, Page, html_page, text_page, xml_page
from newsdesk.samplenet.outlet_site import Listing, OutletSite
from newsdesk.samplenet.stories import SEED_SECTION_LABEL, Story

NAME = "The Indus Herald"
FOLLOW = r"^https?://[^/]+/[a-z0-9-]+/$"
FOLLOW_US_LINE = "Follow The Indus Herald on WhatsApp, Facebook and X for the latest news from Pakistan and the world."


class IndusHerald(OutletSite):
    outlet = Outlet(
        key="indus_herald",
        name=NAME,
        country="PK",
        language="en",
        feeds=["/feed/"],
        sitemaps=[],
        sections=[("/category/world/", FOLLOW), ("/category/my-country/", FOLLOW),
                  ("/category/business/", FOLLOW)],
    )
    timezone = timezone(timedelta(hours=5))

    # --- URL scheme -----------------------------------------------------------------------------

    def article_path(self, story: Story) -> str:
        return f"/{story.slug}/"

    def listing_path(self, kind: str, key: str, page: int = 1) -> str:
        base = {"section": "/category/", "tag": "/tag/"}[kind] + f"{key}/"
        return base if page == 1 else f"{base}page/{page}/"

    def non_article_paths(self) -> list[str]:
        return ["/about-us/", "/contact-us/", *super().non_article_paths()]

    # --- page frame -----------------------------------------------------------------------------

    def _document(self, *, title: str, main: str, body_class: str, head: str = "",
                  charset: str = "utf-8") -> str:
        meta_charset = "windows-1252" if charset == "cp1252" else "UTF-8"
        return f"""<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="{meta_charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<meta name="robots" content="index, follow, max-image-preview:large">
{head}
<link rel="alternate" type="application/rss+xml" title="{NAME} &raquo; Feed" href="{self.url('/feed/')}">
<link rel="https://api.w.org/" href="{self.url('/wp-json/')}">
<meta name="generator" content="WordPress 6.7">
<style id="global-styles-inline-css">{chrome.stylesheet('ih', '#0a5c36')}</style>
<script>{chrome.analytics_script('G-IH0000000')}</script>
</head>
<body class="{body_class}">
{chrome.icon_sprite()}
<div id="page" class="site">
<a class="skip-link screen-reader-text" href="#content">Skip to content</a>
<div class="top-bar"><span class="top-date">Pakistan's window on the world</span>
<ul class="social-links"><li><a href="https://www.facebook.com/indusherald.sample">Facebook</a></li><li><a href="https://x.com/indusherald_sample">X</a></li><li><a href="https://www.youtube.com/@indusherald-sample">YouTube</a></li></ul></div>
<header id="masthead" class="site-header">
<div class="site-branding"><p class="site-title"><a href="{self.url('/')}" rel="home">{NAME}</a></p>
<p class="site-description">News, analysis and opinion since 1987</p></div>
<nav id="site-navigation" class="main-navigation" aria-label="Primary"><ul id="primary-menu" class="menu">
<li class="menu-item"><a href="{self.url('/')}">Home</a></li>
{self._category_items()}
<li class="menu-item"><a href="{self.url('/about-us/')}">About Us</a></li>
</ul></nav>
</header>
{chrome.ad_slot('ih-leaderboard', '728x90')}
<div id="content" class="site-content">
{main}
{self._sidebar()}
</div>
<footer id="colophon" class="site-footer">
<div class="footer-widgets"><section class="widget"><h2 class="widget-title">Sections</h2><ul>{self._category_items()}</ul></section>
<section class="widget"><h2 class="widget-title">The Herald</h2><ul>
<li><a href="{self.url('/about-us/')}">About Us</a></li><li><a href="{self.url('/contact-us/')}">Contact Us</a></li></ul></section></div>
<div class="site-info">&copy; {self.now.year} {NAME}. All rights reserved. Reproduction without permission is prohibited.</div>
</footer>
</div>
<script>{chrome.consent_script(NAME)}</script>
<script>var ihSettings = {{"ajaxUrl":"\\/wp-admin\\/admin-ajax.php","lazyLoad":true,"stickyHeader":true}};</script>
</body>
</html>
"""

    def _category_items(self) -> str:
        return "\n".join(
            f'<li class="menu-item menu-item-type-taxonomy"><a href="{self.url(self.listing_path("section", key))}">{esc(label)}</a></li>'
            for key, label in self.sections.items()
        )

    def _sidebar(self) -> str:
        recent = "".join(f'<li><a href="{self.story_url(story)}">{esc(story.title)}</a></li>'
                         for story in self.articles()[:5])
        tags = self.all_tags()
        cloud = " ".join(f'<a href="{self.url(self.listing_path("tag", slug))}" class="tag-cloud-link">{esc(label)}</a>'
                         for slug, label in tags)
        return f"""<aside id="secondary" class="widget-area">
<section class="widget widget_search"><form role="search" method="get" class="search-form" action="{self.url('/')}">
<label><span class="screen-reader-text">Search for:</span><input type="search" class="search-field" placeholder="Search &hellip;" name="s"></label>
<input type="submit" class="search-submit" value="Search"></form></section>
<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts</h2><ul>{recent}</ul></section>
{chrome.ad_slot('ih-sidebar')}
<section class="widget widget_categories"><h2 class="widget-title">Categories</h2><ul>{self._category_items()}</ul></section>
<section class="widget widget_tag_cloud"><h2 class="widget-title">Tags</h2><div class="tagcloud">{cloud}</div></section>
<section class="widget widget_text"><h2 class="widget-title">Newsletter</h2><div class="textwidget">
<p>Get the day's top stories in your inbox every morning.</p></div></section>
</aside>"""

    # --- posts ----------------------------------------------------------------------------------

    def render_story(self, story: Story) -> str:
        url = self.story_url(story)
        published, modified = self.published(story), self.modified(story)
        section = self.sections[story.section]
        head = f"""<meta name="description" content="{esc(story.teaser)}">
<link rel="canonical" href="{url}">
<link rel="shortlink" href="{self.url(f'/?p={story.number}')}">
<meta property="og:locale" content="en_US">
<meta property="og:type" content="article">
<meta property="og:title" content="{esc(story.title)}">
<meta property="og:description" content="{esc(story.teaser)}">
<meta property="og:url" content="{url}">
<meta property="og:site_name" content="{NAME}">
<meta property="article:section" content="{esc(section)}">
<meta property="article:published_time" content="{iso(published)}">
<meta property="article:modified_time" content="{iso(modified)}">
<meta name="author" content="{esc(story.byline)}">"""
        tag_classes = " ".join(f"tag-{slug}" for slug, _ in self.tag_slugs(story))
        category_link = f'<a href="{self.url(self.listing_path("section", story.section))}" rel="category tag">{esc(section)}</a>'
        tag_links = ", ".join(f'<a href="{self.url(self.listing_path("tag", slug))}" rel="tag">{esc(label)}</a>'
                              for slug, label in self.tag_slugs(story))
        main = f"""<div id="primary" class="content-area"><main id="main" class="site-main">
<article id="post-{story.number}" class="post-{story.number} post type-post status-publish format-standard has-post-thumbnail hentry category-{story.section} {tag_classes}">
<header class="entry-header">
<div class="breadcrumbs"><a href="{self.url('/')}">Home</a> &raquo; {category_link}</div>
<h1 class="entry-title">{esc(story.title)}</h1>
<div class="entry-meta"><span class="posted-on">Posted on <a href="{url}" rel="bookmark"><time class="entry-date published" datetime="{iso(published)}">{long_en(published)}</time><time class="updated" datetime="{iso(modified)}">{long_en(modified)}</time></a></span>
<span class="byline"> by <span class="author vcard">{esc(story.byline)}</span></span></div>
</header>
<div class="post-thumbnail"><img width="1200" height="675" src="{self.url(f'/wp-content/uploads/{story.slug}.jpg')}" class="attachment-post-thumbnail wp-post-image" alt="{esc(story.title)}"></div>
{self._share_buttons(url, story.title)}
<div class="entry-content">
{self._content(story)}
</div>
<footer class="entry-footer"><span class="cat-links">Posted in {category_link}</span> <span class="tags-links">Tagged {tag_links}</span></footer>
</article>
{self._related(story)}
{self._post_navigation(story)}
{self._comments(story)}
</main></div>"""
        return self._document(title=f"{story.title} - {NAME}", main=main, head=head,
                              body_class=f"post-template-default single single-post postid-{story.number}",
                              charset=self.charset_for(story))

    def _content(self, story: Story) -> str:
        paragraphs = [f"<p>{esc(paragraph, quote=False)}</p>" for paragraph in story.paragraphs]
        if story.role == "seed":
            return self._seed_content(story, paragraphs)
        if len(paragraphs) >= 4:
            also = self.related(story, 1)[0]
            paragraphs.insert(len(paragraphs) // 2,
                              f'<p><strong>Also read:</strong> <a href="{self.story_url(also)}">{esc(also.title)}</a></p>')
        if story.credit:
            paragraphs.append(f"<p>{esc(story.credit)}</p>")
        paragraphs.append(f'<p class="follow-us"><strong>{FOLLOW_US_LINE}</strong></p>')
        return "\n".join(paragraphs)

    def _seed_content(self, story: Story, paragraphs: list[str]) -> str:
        # The seed reproduces a theme defect: a "title + category" heading that the theme prints
        # inside the content column (twice in one block, once more below, and again after the
        # text). Extractors return it as lines that glue the section label to the headline; with
        # this markup trafilatura's output has the same shape as the shared raw example.
        glued = esc(f"{story.title} {SEED_SECTION_LABEL}")
        return "\n".join([
            f'<p class="td-post-heading">{glued}<br>{glued}</p>',
            f'<p class="td-post-heading">{glued}</p>',
            *paragraphs,
            f'<p class="td-post-heading">{glued}</p>',
        ])

    def _share_buttons(self, url: str, title: str) -> str:
        url, title = quote(url, safe=""), quote(title, safe="")
        return f"""<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul>
<li><a class="share-facebook" href="https://www.facebook.com/sharer/sharer.php?u={url}" target="_blank">Facebook</a></li>
<li><a class="share-x" href="https://x.com/intent/post?url={url}&amp;text={title}" target="_blank">X</a></li>
<li><a class="share-whatsapp" href="https://api.whatsapp.com/send?text={url}" target="_blank">WhatsApp</a></li>
<li><a class="share-email" href="mailto:?subject={title}">Email</a></li></ul></div>"""

    def _related(self, story: Story) -> str:
        items = "".join(
            f'<div class="jp-relatedposts-post"><h4 class="jp-relatedposts-post-title"><a href="{self.story_url(other)}">{esc(other.title)}</a></h4>'
            f'<p class="jp-relatedposts-post-date">{long_en(self.published(other))}</p></div>'
            for other in self.related(story)
        )
        return f'<div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3>{items}</div>'

    def _post_navigation(self, story: Story) -> str:
        articles = self.articles()
        if story not in articles:
            return ""
        index = articles.index(story)
        links = []
        if index + 1 < len(articles):
            older = articles[index + 1]
            links.append(f'<div class="nav-previous"><a href="{self.story_url(older)}" rel="prev"><span class="meta-nav">Previous Post</span> {esc(older.title)}</a></div>')
        if index > 0:
            newer = articles[index - 1]
            links.append(f'<div class="nav-next"><a href="{self.story_url(newer)}" rel="next"><span class="meta-nav">Next Post</span> {esc(newer.title)}</a></div>')
        return f'<nav class="navigation post-navigation" aria-label="Posts"><div class="nav-links">{"".join(links)}</div></nav>'

    def _comments(self, story: Story) -> str:
        listed = ""
        if story.comments:
            items = "".join(
                f'<li class="comment"><article class="comment-body"><footer class="comment-meta"><b class="fn">{esc(comment.author)}</b> '
                f'<span class="says">says:</span></footer><div class="comment-content"><p>{esc(comment.text)}</p></div></article></li>'
                for comment in story.comments
            )
            count = len(story.comments)
            listed = (f'<h2 class="comments-title">{count} thought{"s" if count > 1 else ""} on &ldquo;{esc(story.title)}&rdquo;</h2>'
                      f'<ol class="comment-list">{items}</ol>')
        return f"""<div id="comments" class="comments-area">{listed}
<div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form action="{self.url('/wp-comments-post.php')}" method="post" id="commentform" class="comment-form">
<p class="comment-notes">Your email address will not be published. Required fields are marked *</p>
<p class="comment-form-comment"><label for="comment">Comment *</label><textarea id="comment" name="comment" rows="8" required></textarea></p>
<p class="comment-form-author"><label for="author">Name *</label><input id="author" name="author" type="text" required></p>
<p class="comment-form-email"><label for="email">Email *</label><input id="email" name="email" type="email" required></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"><input type="hidden" name="comment_post_ID" value="{story.number}"></p>
</form></div></div>"""

    # --- listings, home, pages ------------------------------------------------------------------

    def _excerpt_block(self, story: Story) -> str:
        words = " ".join(story.paragraphs).split() if story.paragraphs else story.teaser.split()
        excerpt = esc(" ".join(words[:40])) + (" [&hellip;]" if len(words) > 40 else "")
        published = self.published(story)
        return f"""<article id="post-{story.number}" class="post-{story.number} post type-post status-publish hentry category-{story.section}">
<header class="entry-header"><h2 class="entry-title"><a href="{self.story_url(story)}" rel="bookmark">{esc(story.title)}</a></h2>
<div class="entry-meta"><time class="entry-date published" datetime="{iso(published)}">{long_en(published)}</time> <span class="byline">by {esc(story.byline)}</span></div></header>
<div class="entry-summary"><p>{excerpt}</p></div>
<a class="more-link" href="{self.story_url(story)}">Continue reading<span class="screen-reader-text"> {esc(story.title)}</span></a>
</article>"""

    def render_listing(self, listing: Listing) -> str:
        kind_label = "Category" if listing.kind == "section" else "Tag"
        head = f'<link rel="canonical" href="{self.url(listing.path)}">'
        pagination = ""
        if listing.previous:
            head += f'\n<link rel="prev" href="{self.url(listing.previous)}">'
            pagination += f'<a class="prev page-numbers" href="{self.url(listing.previous)}">&laquo; Newer posts</a>'
        if listing.next:
            head += f'\n<link rel="next" href="{self.url(listing.next)}">'
            pagination += f'<a class="next page-numbers" rel="next" href="{self.url(listing.next)}">Older posts &raquo;</a>'
        posts = "\n".join(self._excerpt_block(story) for story in listing.stories)
        main = f"""<div id="primary" class="content-area"><main id="main" class="site-main">
<header class="page-header"><h1 class="page-title">{kind_label}: <span>{esc(listing.label)}</span></h1></header>
{posts}
<nav class="navigation pagination" aria-label="Posts"><div class="nav-links">{pagination}<span class="page-numbers current">Page {listing.page} of {listing.pages}</span></div></nav>
</main></div>"""
        title = f"{listing.label} Archives - {NAME}" + (f" - Page {listing.page}" if listing.page > 1 else "")
        return self._document(title=title, main=main, head=head, body_class=f"archive {listing.kind}")

    def render_home(self) -> str:
        articles = self.articles()
        top = "\n".join(self._excerpt_block(story) for story in articles[:6])
        blocks = []
        for key, label in self.sections.items():
            stories = [story for story in articles if story.section == key][:4]
            items = "".join(f'<li><a href="{self.story_url(story)}">{esc(story.title)}</a></li>' for story in stories)
            blocks.append(f'<section class="home-category"><h2><a href="{self.url(self.listing_path("section", key))}">{esc(label)}</a></h2><ul>{items}</ul></section>')
        main = f"""<div id="primary" class="content-area"><main id="main" class="site-main">
<h1 class="screen-reader-text">{NAME}</h1>
<section class="top-stories"><h2 class="section-title">Top Stories</h2>{top}</section>
{"".join(blocks)}
</main></div>"""
        head = f'<link rel="canonical" href="{self.url("/")}">\n<meta property="og:type" content="website">'
        return self._document(title=f"{NAME} - News, analysis and opinion", main=main, head=head, body_class="home blog")

    def _wordpress_page(self, path: str, title: str, paragraphs: list[str]) -> Page:
        body = "\n".join(f"<p>{esc(paragraph, quote=False)}</p>" for paragraph in paragraphs)
        main = f"""<div id="primary" class="content-area"><main id="main" class="site-main">
<article class="page type-page status-publish hentry"><header class="entry-header"><h1 class="entry-title">{esc(title)}</h1></header>
<div class="entry-content">{body}</div></article></main></div>"""
        head = f'<link rel="canonical" href="{self.url(path)}">\n<meta property="og:type" content="website">'
        return html_page(self._document(title=f"{title} - {NAME}", main=main, head=head, body_class="page-template-default page"))

    def render_not_found(self) -> str:
        main = """<div id="primary" class="content-area"><main id="main" class="site-main">
<section class="error-404 not-found"><header class="page-header"><h1 class="page-title">Oops! That page can&rsquo;t be found.</h1></header>
<div class="page-content"><p>It looks like nothing was found at this location. Maybe try a search?</p></div></section></main></div>"""
        return self._document(title=f"Page not found - {NAME}", main=main, body_class="error404")

    def _feed(self) -> str:
        items = []
        for story in self.feed_stories():
            url = self.story_url(story)
            content = "" if story.role == "server_error" else self._content(story)
            items.append(FeedItem(
                title=story.title, link=url, published=self.published(story),
                guid=self.url(f"/?p={story.number}"), guid_is_permalink=False,
                author=story.byline, categories=[self.sections[story.section], *story.tags],
                summary=story.teaser, content_html=content, comments_link=f"{url}#respond",
            ))
        return rss(title=NAME, link=self.url("/"), description="News, analysis and opinion since 1987",
                   language="en-US", self_url=self.url("/feed/"), items=items,
                   last_build=self.last_change(), generator="https://wordpress.org/?v=6.7")

    def extra_pages(self) -> dict[str, Page]:
        return {
            "/feed/": xml_page(self._feed(), "application/rss+xml"),
            "/robots.txt": text_page(robots_txt(disallow=["/wp-admin/"], allow=["/wp-admin/admin-ajax.php"])),
            "/about-us/": self._wordpress_page("/about-us/", "About Us", [
                f"{NAME} is an independent English-language daily published from Islamabad and Karachi.",
                "Our newsroom covers Pakistan's foreign relations, the region and the world.",
            ]),
            "/contact-us/": self._wordpress_page("/contact-us/", "Contact Us", [
                "Newsroom: Blue Area, Islamabad. Phone: +92 51 000 0000.",
                "Letters to the editor: letters@indusherald.example",
            ]),
        }
