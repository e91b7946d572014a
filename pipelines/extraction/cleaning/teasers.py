"""Teasers for other articles: "related" blocks and lines that are another article's link text.

Templates end articles with lists of headlines ("You may also like", "Most read in World"), and
trafilatura often keeps them. Two signals find them: a block heading from a known list, after
which the list items go too; and a line that repeats, word for word, the text of a link on the
same page (a headline linking to another story is not part of this one).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml.etree import XPath

from pipelines.extraction.cleaning.headline import match_key
from pipelines.extraction.cleaning.kinds import line_key, rules_of

# "You may also like", "Most read in World", "Mehr zum Thema": per-language data (related_blocks.yaml).
_RELATED_HEADING = rules_of("related_blocks")[0]
MAX_HEADING_WORDS = 8
MIN_LINK_WORDS = 4
MAX_LINK_LINE_WORDS = 60
_HEADLINE_LINKS = XPath("//a[@href][string-length(normalize-space()) >= 12]")
_CARD_BLOCKS = ("h2", "h3", "h4", "h5", "h6", "p")
_TAGGED = re.compile(r"\[(insight|video|news|reaction|warning|pics|poll|watch)\]\W*$", re.IGNORECASE)


def _same_page(href: str, url: str | None) -> bool:
    """The link points into this page: "#section", or this page's own URL with a fragment."""
    target = href.strip().partition("#")[0]
    if not target:
        return True
    if not url:
        return False
    here = urlsplit(url)
    there = urlsplit(target)
    return (there.path or "/") == (here.path or "/") and there.netloc in ("", here.netloc) and not there.query


def _host(url: str) -> str:
    host = urlsplit(url).netloc.lower()
    return host[4:] if host.startswith("www.") else host


def _other_site(href: str, here: str) -> bool:
    """An absolute link to another site (subdomains of this one are this site)."""
    href = href.strip()
    if not here or not href.startswith(("http://", "https://", "//")):
        return False
    there = _host(href)
    return bool(there) and not (there.endswith(here) or here.endswith(there))


def link_texts(tree, url: str | None = None) -> set[str]:
    """Match keys of the texts of the page's links to its site's other pages, long enough to be
    headlines (4 words or more).

    Only links to other pages count: an in-page table of contents links the article's own
    subheadings ("#section-2"), and an anchor without href is a named target or a script's
    button; counting them deleted every subheading of an article with a table of contents. And
    only links within the site (when the page's URL is known): a teaser promotes the site's own
    stories, while a line linking elsewhere is the article's (a list of sources, of products, of
    changes in a release). A link holding headings or paragraphs (a whole teaser card) gives
    their texts too.
    """
    found = set()
    here = _host(url) if url else ""
    # The length test runs in libxml2: pages carry hundreds of one- or two-word links (menus, tags).
    for anchor in _HEADLINE_LINKS(tree):
        href = anchor.get("href")
        if "#" in href and _same_page(href, url) or _other_site(href, here):
            continue
        text = anchor.text_content().strip()
        if text.count(" ") < MIN_LINK_WORDS - 1 or text.startswith(("http", "www.")):
            continue  # (a bare URL as link text is a reference the article cites, not a teaser)
        # A teaser card that is one link (its headline and its summary in blocks of their own)
        # comes out as a line per block: each block's text is a link text too.
        for block_text in (text, *(block.text_content() for block in anchor.iterdescendants(_CARD_BLOCKS))):
            key = match_key(block_text)
            if key.count(" ") >= MIN_LINK_WORDS - 1:
                found.add(key)
    return found


def is_related_heading(line: str) -> bool:
    """The line heads a block of other stories' headlines."""
    stripped = line.strip()
    return _RELATED_HEADING.matches(stripped, line_key(stripped), len(stripped.split()))


def _is_list_item(line: str) -> bool:
    return line.startswith(("- ", "• ", "* "))


def is_link_line(line: str, links: set[str]) -> bool:
    """The line is, word for word, the text of a link on the page.

    (List items that merely open with a link text are kept: the benchmark's "10 things" digest is
    made of them, and removing them cost more than the teaser lists it caught.)
    """
    return len(line.split()) <= MAX_LINK_LINE_WORDS and match_key(line) in links


def remove_teasers(paragraphs: list[str], links: set[str]) -> list[str]:
    kept: list[str] = []
    in_related_block = False
    for paragraph in paragraphs:
        words = len(paragraph.split())
        if words <= MAX_HEADING_WORDS and is_related_heading(paragraph):
            in_related_block = True
            continue
        if in_related_block and (_is_list_item(paragraph) or paragraph.isupper() or _TAGGED.search(paragraph)):
            continue
        in_related_block = False
        if is_link_line(paragraph, links):
            continue
        kept.append(paragraph)
    return kept
