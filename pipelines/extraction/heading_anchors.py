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
# Ids with a hyphen first (cheap), the slug and the prose checked only on those.
_HYPHENATED_IDS = XPath("//body//*[contains(@id, '-')]")
_HOLDS_PROSE = XPath(
    f"count(.//p[string-length(normalize-space()) >= {PROSE_CHARS}]) >= {MIN_PARAGRAPHS}"
    " and not(ancestor-or-self::*[self::header or self::nav or self::footer or self::aside])")
_FIRST_HEADING = XPath("(.//h1 | .//h2 | .//h3 | .//h4)[1]")


def free_heading_anchors(tree) -> int:
    """Remove the ids that are their section's heading slugged from the sections of `tree` that hold
    prose, in place; returns how many."""
    freed = 0
    for section in _HYPHENATED_IDS(tree):
        slug = section.get("id")
        if not _SLUG.match(slug) or not _HOLDS_PROSE(section):
            continue
        heading = _FIRST_HEADING(section)
        words = match_key(heading[0].text_content()).split() if heading else []
        if len(words) >= 2 and slug.split("-")[:2] == words[:2]:
            del section.attrib["id"]
            freed += 1
    return freed
