"""The page parsed as a browser shows it: content written after an early `</body></html>` is the
body's (issue 17: a template that closes the document after its header hid the article)."""

from __future__ import annotations

import trafilatura
from lxml import html

from pipelines.extraction.extractor import extract_page
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import PARAGRAPHS, closed_early_page


def test_content_after_an_early_end_of_document_is_moved_into_the_body():
    tree = parse_tree(closed_early_page())
    assert tree.getnext() is None                      # one document, not two
    body = tree.find("body")
    assert [child.tag for child in body] == ["header", "main", "footer"]
    assert [child.tag for child in tree] == ["head", "body"]
    assert PARAGRAPHS[-1] in body.text_content()


def test_the_article_after_an_early_end_of_document_comes_out_whole():
    plain = trafilatura.extract(closed_early_page()) or ""
    assert PARAGRAPHS[0] not in plain  # the premise: trafilatura alone never sees it
    text = extract_page(closed_early_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "© The Border Courier" not in text


def test_a_well_formed_page_is_parsed_as_before():
    page = f"<html><head><title>T</title></head><body><p>{PARAGRAPHS[0]}</p></body></html>"
    assert html.tostring(parse_tree(page)) == html.tostring(html.document_fromstring(page))
