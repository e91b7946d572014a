"""Pages that are not articles (listings, section fronts, video pages), told apart from articles.

A page refused as "not an article" is lost whole, the worst outcome for an article, so the rules
judge what the page says it *is*, not what it merely mentions:

- JSON-LD describes many things on an article page besides the article: its publisher (an
  Organization), its author (a Person), an FAQ block, an ItemList of the products a review
  compares. Only the page types that say the page itself is a listing or a profile count
  (CollectionPage, SearchResultsPage, ProfilePage, AboutPage, ContactPage); an article type
  anywhere wins over them (a category page never declares NewsArticle).
- A page mostly made of link text is a listing only when it also has no article prose: fewer than
  MIN_ARTICLE_PARAGRAPHS long paragraphs that are not teaser excerpts (collapse_guard.py tells
  those apart). Sites with enormous menus carry articles whose text is a small share of the page's.
"""

from __future__ import annotations

from lxml.etree import XPath

from pipelines.extraction.collapse_guard import article_paragraphs
from pipelines.extraction.metadata import PageMetadata

PAGE_TYPES_NOT_ARTICLES = {"collectionpage", "searchresultspage", "profilepage", "aboutpage", "contactpage"}
MOSTLY_LINKS_SHARE = 0.6
MIN_PAGE_TEXT_CHARS = 500
MIN_ARTICLE_PARAGRAPHS = 3

_BODY_TEXT = XPath("//body//text()[not(ancestor::script) and not(ancestor::style)]")
_LINK_TEXT = XPath("//body//a//text()")


def not_an_article(tree, meta: PageMetadata) -> str | None:
    """Why the page is not an article, or None when it may be one."""
    if meta.declares_article:
        return None
    if meta.declares_video:
        return "video page"
    declared = meta.jsonld_types & PAGE_TYPES_NOT_ARTICLES
    if declared:
        return f"page type {sorted(declared)[0]}"
    body_text = " ".join(_BODY_TEXT(tree))
    if len(body_text) <= MIN_PAGE_TEXT_CHARS:
        return None
    link_text = " ".join(_LINK_TEXT(tree))
    if len(link_text) / len(body_text) > MOSTLY_LINKS_SHARE and article_paragraphs(tree) < MIN_ARTICLE_PARAGRAPHS:
        return "mostly links"
    return None
