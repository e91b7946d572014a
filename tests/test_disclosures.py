"""Issue 17: sections of an article in closed accordion, FAQ or tab panels are extracted with it."""

from __future__ import annotations

import trafilatura

from pipelines.extraction.disclosures import show_disclosures
from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import PARAGRAPHS, accordion_page


def test_closed_panels_of_prose_are_shown_and_the_others_left_hidden():
    tree = parse_tree(accordion_page())
    assert show_disclosures(tree) == len(PARAGRAPHS[4:])
    answer = tree.get_element_by_id("answer-0")
    assert answer.get("style") is None and answer.get("aria-hidden") is None
    assert answer.get("class") == "faq-answer"
    assert tree.get_element_by_id("main-menu").get("hidden") is not None   # in the header: chrome
    assert tree.get_element_by_id("notice").get("hidden") is not None      # no prose in it


def test_an_article_with_closed_answers_comes_out_whole():
    assert PARAGRAPHS[-1] not in trafilatura.extract(accordion_page(), **TRAFILATURA_OPTIONS)  # the premise
    text = extract_page(accordion_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "Question 0?" in text and "Question 3?" in text  # each answer's question, from its button
    assert "A long menu blurb" not in text and "Menu" not in text.split("\n")


def test_a_page_without_disclosures_is_left_alone():
    tree = parse_tree("<html><body><p id='x' hidden>" + PARAGRAPHS[0] + "</p></body></html>")
    assert show_disclosures(tree) == 0
    assert tree.get_element_by_id("x").get("hidden") is not None
