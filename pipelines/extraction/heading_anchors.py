"""Sections of the article whose id is the slug of their own heading, kept whatever the words.

Templates give each section of an article an id made from its heading, so that a table of
contents can link to it: "menu-innovation-strategies-for-2026", "related-products-and-services".
trafilatura discards any element whose id contains one of its chrome words ("menu", "related",
"nav", "share", "premium", ...), and such a section goes whole because its heading happened to
start with one of them. An id that spells the section's own heading is the article's words, not
a template's name for its chrome: it is removed before extraction from a section that holds prose.
"""

from __future__ import annotations

import re

from lxml.etree import XPath

from pipelines.extraction.cleaning.headline import match_key

PROSE_CHARS = 100       # a paragraph of prose (the collapse guard's long paragraph)
MIN_PARAGRAPHS = 2
MIN_SLUG_WORDS = 3      # "main-content" or "post-123" is a template's name, not a heading's slug
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){%d,}$" % (MIN_SLUG_WORDS - 1))
_LONG_PARAGRAPHS = XPath(f"//body//p[string-length(normalize-space()) >= {PROSE_CHARS}]")
_CHROME = frozenset(("header", "nav", "footer", "aside"))
_PAGE = frozenset(("body", "html"))
_FIRST_HEADING = XPath("(.//h1 | .//h2 | .//h3 | .//h4)[1]")


def free_heading_anchors(tree) -> int:
    """Remove the ids that are their section's heading slugged from the sections of `tree` that hold
    prose, in place; returns how many."""
    # The sections above the long paragraphs, found by walking up from each (a page has tens):
    # cheaper than testing every element with an id.
    held: dict = {}
    for paragraph in _LONG_PARAGRAPHS(tree):
        for element in paragraph.iterancestors():
            if element.tag in _PAGE:
                break
            held[element] = held.get(element, 0) + 1
    freed = 0
    for section, paragraphs in held.items():
        slug = section.get("id")
        if paragraphs < MIN_PARAGRAPHS or not slug or not _SLUG.match(slug):
            continue
        if section.tag in _CHROME or any(ancestor.tag in _CHROME for ancestor in section.iterancestors()):
            continue
        heading = _FIRST_HEADING(section)
        words = match_key(heading[0].text_content()).split() if heading else []
        if len(words) >= 2 and slug.split("-")[:2] == words[:2]:
            del section.attrib["id"]
            freed += 1
    return freed
