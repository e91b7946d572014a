"""Issue 17: wrappers of the article's prose whose class has an "-icon" or "slide" word are kept."""

from __future__ import annotations

import trafilatura

from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.metadata import parse_tree
from pipelines.extraction.presentational_classes import drop_presentational_classes
from tests.article_shapes import PARAGRAPHS, presentational_wrapper_page


def test_only_wrappers_of_prose_outside_the_chrome_lose_their_presentational_words():
    tree = parse_tree(presentational_wrapper_page())
    assert drop_presentational_classes(tree) == 3
    assert {element.get("class") for element in tree.xpath("//div[contains(@class, 'list-item')]")} == {"list-item"}
    assert tree.xpath("//span/@class") == ["share-icon"]   # no prose in it
    assert tree.xpath("//nav/@class") == ["menu-slides"]   # chrome


def test_an_article_in_presentational_wrappers_comes_out_whole():
    fast = trafilatura.extract(presentational_wrapper_page(), **TRAFILATURA_OPTIONS)
    assert PARAGRAPHS[-1] not in fast  # the premise: trafilatura drops the wrappers
    text = extract_page(presentational_wrapper_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "A long menu blurb" not in text
