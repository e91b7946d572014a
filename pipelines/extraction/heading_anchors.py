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
from pipelines.extraction.prose import in_chrome, prose_holders

MIN_PARAGRAPHS = 2
MIN_SLUG_WORDS = 3      # "main-content" or "post-123" is a template's name, not a heading's slug
_SLUG = re.compile(rf"^[a-z0-9]+(?:-[a-z0-9]+){{{MIN_SLUG_WORDS - 1},}}$")
_FIRST_HEADING = XPath("(.//h1 | .//h2 | .//h3 | .//h4)[1]")


def free_heading_anchors(tree, holders: dict | None = None) -> int:
    """Remove the ids that are their section's heading slugged from the sections of `tree` that hold
    prose, in place; returns how many."""
    freed = 0
    for section, paragraphs in (holders if holders is not None else prose_holders(tree)).items():
        slug = section.get("id")
        if paragraphs < MIN_PARAGRAPHS or not slug or not _SLUG.match(slug):
            continue
        if in_chrome(section):
            continue
        heading = _FIRST_HEADING(section)
        words = match_key(heading[0].text_content()).split() if heading else []
        if len(words) >= 2 and slug.split("-")[:2] == words[:2]:
            del section.attrib["id"]
            freed += 1
    return freed
