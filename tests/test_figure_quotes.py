"""Issue 17: quotations marked up as figures (`<figure><blockquote>`) stay in the article."""

from __future__ import annotations

import trafilatura

from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.figure_quotes import keep_figure_quotes
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import PARAGRAPHS, QUOTE, figure_quote_page


def test_only_figures_holding_a_quotation_are_renamed():
    tree = parse_tree(figure_quote_page())
    assert keep_figure_quotes(tree) == 1
    assert [figure.get("class") for figure in tree.iter("div") if figure.get("class") == "pull-quote"] == ["pull-quote"]
    assert len(tree.xpath("//figure")) == 2  # the image and the embed stay figures


def test_a_quotation_in_a_figure_is_extracted_with_the_article():
    assert QUOTE not in trafilatura.extract(figure_quote_page(), **TRAFILATURA_OPTIONS)  # the premise
    text = extract_page(figure_quote_page(), url="https://courier.example/world/border-talks").text
    assert QUOTE in text
    assert PARAGRAPHS[0] in text and PARAGRAPHS[-1] in text
    assert "A post on a social network" not in text
    assert "seen from the bridge" not in text
