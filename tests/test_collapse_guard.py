"""Issue 17, failure class 1: an article cut to its lede by trafilatura's fast mode is noticed and
extracted again in full; pages that did not collapse are left alone (and cost nothing more)."""

from __future__ import annotations

import trafilatura

from pipelines.extraction import collapse_guard
from pipelines.extraction.collapse_guard import (
    article_paragraphs,
    long_lines,
    may_have_collapsed,
    page_paragraphs,
)
from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import (
    INTRO,
    PARAGRAPHS,
    collapsing_page,
    div_soup_page,
    page,
    paragraphs_html,
    sections_as_cards_page,
    short_article_with_teaser_grid,
    split_body_page,
    split_body_with_intro_page,
    teaser_grid,
)


def test_the_shape_really_collapses_in_fast_mode():
    # The premise of the other tests: without the guard, the fast extraction keeps the lede only.
    fast = trafilatura.extract(collapsing_page(), **TRAFILATURA_OPTIONS)
    assert PARAGRAPHS[0] in fast and PARAGRAPHS[-1] not in fast


def test_a_collapsed_article_comes_out_whole():
    text = extract_page(collapsing_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    assert "© The Border Courier" not in text


def test_a_collapsed_div_soup_article_comes_out_whole():
    fast = trafilatura.extract(div_soup_page(), **TRAFILATURA_OPTIONS) or ""
    assert PARAGRAPHS[-1] not in fast  # the premise
    text = extract_page(div_soup_page()).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text


def test_teaser_excerpts_are_not_counted_as_the_articles_paragraphs():
    tree = parse_tree(short_article_with_teaser_grid())
    assert page_paragraphs(tree) == 6  # two of the article, four excerpts: stage 1 only counts
    assert article_paragraphs(tree) == 2


def test_a_short_article_beside_a_teaser_grid_keeps_only_its_own_text():
    text = extract_page(short_article_with_teaser_grid(), url="https://courier.example/world/border-talks").text
    assert PARAGRAPHS[0] in text and PARAGRAPHS[1] in text
    assert "An excerpt of another story" not in text


def test_an_article_nested_in_the_article_is_another_story():
    nested = "".join(f"<article class='post'><p>{p} (related)</p></article>" for p in PARAGRAPHS[2:6])
    tree = parse_tree(page(f"<article><h1>T</h1>{paragraphs_html(PARAGRAPHS[:2])}{nested}</article>"))
    assert article_paragraphs(tree) == 2


def test_a_whole_article_is_not_sent_to_the_closer_look(monkeypatch):
    # Speed: the fallback (parse again, trafilatura's full algorithm) runs only where needed.
    calls = []
    monkeypatch.setattr("pipelines.extraction.extractor.fuller_text", lambda *args: calls.append(args))
    whole = page(f"<article><h1>T</h1><div class='entry-content'>{paragraphs_html(PARAGRAPHS)}</div></article>")
    assert extract_page(whole).text.count("\n\n") == len(PARAGRAPHS) - 1
    assert calls == []


def test_may_have_collapsed_is_half_of_the_pages_paragraphs():
    two_lines = "\n".join(PARAGRAPHS[:2])
    assert long_lines(two_lines) == 2
    assert may_have_collapsed(8, two_lines)
    assert not may_have_collapsed(4, two_lines)      # half kept: not a collapse
    assert not may_have_collapsed(2, PARAGRAPHS[0])  # too few paragraphs on the page to judge
    assert may_have_collapsed(6, None)               # nothing extracted at all


def test_the_fuller_text_is_taken_only_when_it_keeps_more(monkeypatch):
    html = collapsing_page()
    lede = "\n".join(PARAGRAPHS[:2])
    assert PARAGRAPHS[-1] in collapse_guard.fuller_text(html, lede, None, TRAFILATURA_OPTIONS)
    # A fallback that finds no more than the first extraction is not taken.
    monkeypatch.setattr(collapse_guard.trafilatura, "extract", lambda *args, **kwargs: lede)
    assert collapse_guard.fuller_text(html, lede, None, TRAFILATURA_OPTIONS) is None


def test_grid_without_an_article_is_not_mistaken_for_one():
    tree = parse_tree(page(teaser_grid(6)))
    assert article_paragraphs(tree) == 0


def test_an_article_split_into_chunks_of_one_kind_is_joined():
    fast = trafilatura.extract(split_body_page(), **TRAFILATURA_OPTIONS)
    assert PARAGRAPHS[0] in fast and PARAGRAPHS[-1] not in fast  # the premise: first chunk only
    text = extract_page(split_body_page()).text
    assert text == "\n\n".join(PARAGRAPHS)  # joined in order, the advertisements' labels gone


def test_a_split_article_keeps_what_lies_outside_its_chunks():
    html = split_body_with_intro_page()
    fast = trafilatura.extract(html, **TRAFILATURA_OPTIONS)
    assert INTRO not in fast and PARAGRAPHS[-1] not in fast  # the premise: collapsed
    text = extract_page(html).text
    assert INTRO in text  # joining the chunks alone missed it: the full algorithm's text is taken
    assert all(paragraph in text for paragraph in PARAGRAPHS)


def test_nested_containers_of_one_kind_are_not_a_split_body():
    nested = page(f"<div class='body'>{paragraphs_html(PARAGRAPHS[:2])}<div class='body'>"
                  f"{paragraphs_html(PARAGRAPHS[2:])}</div></div>")
    tree = parse_tree(nested)
    assert collapse_guard.split_body(collapse_guard.article_paragraph_nodes(tree)) == []
    assert PARAGRAPHS[-1] in extract_page(nested).text


def test_an_output_that_runs_the_articles_paragraphs_together_is_flattened():
    one_line = "Caption: the crossing. Photo Credit: Agency. " + " ".join(PARAGRAPHS) + " Sign up for our newsletter."
    assert collapse_guard.flattened(PARAGRAPHS, one_line)
    assert not collapse_guard.flattened(PARAGRAPHS, "\n".join(PARAGRAPHS))
    two_per_line = "\n".join(" ".join(PARAGRAPHS[n:n + 2]) for n in range(0, len(PARAGRAPHS), 2))
    assert not collapse_guard.flattened(PARAGRAPHS, two_per_line)  # two a line: lists, short paragraphs
    assert not collapse_guard.flattened(PARAGRAPHS, PARAGRAPHS[0])  # too little of the article to judge


def test_a_card_with_a_heading_of_its_own_is_a_section_of_the_article():
    # Teaser cards link their headline to another story; these cards' headings are text, and their
    # links go to the product each section is about.
    tree = parse_tree(sections_as_cards_page())
    assert article_paragraphs(tree) == len(PARAGRAPHS)
    tree = parse_tree(page(f"<article><h1>T</h1>{paragraphs_html(PARAGRAPHS[:2])}</article>{teaser_grid()}"))
    assert article_paragraphs(tree) == 2  # the teaser grid's excerpts are still other stories'


def test_an_article_laid_out_as_cards_comes_out_whole():
    text = extract_page(sections_as_cards_page(), url="https://courier.example/world/border-talks").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
