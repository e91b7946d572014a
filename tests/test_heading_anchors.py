"""Issue 17: a section whose id is its heading's slug is kept, whatever words the heading starts with."""

from __future__ import annotations

import trafilatura

from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.heading_anchors import free_heading_anchors
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import PARAGRAPHS, heading_anchor_page


def test_only_ids_that_slug_their_sections_heading_are_removed():
    tree = parse_tree(heading_anchor_page())
    assert free_heading_anchors(tree) == 2
    assert tree.xpath("//section/@id") == []
    assert tree.xpath("//div/@id") == ["menu-main-navigation-wrapper"]  # a template's name, no heading


def test_a_section_whose_heading_starts_with_a_chrome_word_comes_out():
    fast = trafilatura.extract(heading_anchor_page(), **TRAFILATURA_OPTIONS)
    assert PARAGRAPHS[-1] not in fast  # the premise: trafilatura drops the "menu-..." section
    text = extract_page(heading_anchor_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "A long menu blurb" not in text
