"""Issue 17: wrappers of the article's prose whose class has an "-icon" or "slide" word are kept."""

from __future__ import annotations

import trafilatura

from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.metadata import parse_tree
from pipelines.extraction.presentational_classes import drop_presentational_classes
from tests.article_shapes import PARAGRAPHS, look_alike_class_page, presentational_wrapper_page


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


def test_class_words_that_only_begin_with_a_chrome_word_are_dropped():
    tree = parse_tree(look_alike_class_page())
    drop_presentational_classes(tree)
    assert tree.xpath("//article/div[1]/@class") == ["prose"]   # "bard" is not a bar
    assert tree.xpath("//article/div[3]/@class") == [""]        # nor "topic-metabolism" a meta line
    assert tree.xpath("//div[@class='sidebar']")                # a real sidebar stays one
    assert tree.xpath("//div[@class='post-meta']")              # and a real meta line (no prose either)


def test_an_article_in_look_alike_wrappers_comes_out_whole():
    fast = trafilatura.extract(look_alike_class_page(), **TRAFILATURA_OPTIONS)
    assert PARAGRAPHS[0] not in fast and PARAGRAPHS[-1] not in fast  # the premise: trafilatura drops both
    text = extract_page(look_alike_class_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "sidebar blurb" not in text
