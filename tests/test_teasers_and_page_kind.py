"""Issue 17, failure class 3 (the teaser pass deleted an article's subheadings when the page had a
table of contents), and article pages refused as "not an article" (a page lost whole)."""

from __future__ import annotations

import pytest

from core.outcomes import Rejected
from pipelines.extraction.cleaning.headline import match_key
from pipelines.extraction.cleaning.teasers import link_texts, remove_teasers
from pipelines.extraction.extractor import extract_page
from pipelines.extraction.metadata import parse_tree
from tests.article_shapes import PARAGRAPHS, TITLE, page, paragraphs_html, table_of_contents_page

URL = "https://courier.example/world/border-talks"


def test_subheadings_that_are_table_of_contents_entries_stay():
    text = extract_page(table_of_contents_page(), url=URL).text
    for heading in ("How the talks were prepared for months", "What the two ministries agreed on",
                    "What happens next for the fishermen"):
        assert heading in text.split("\n\n")


@pytest.mark.parametrize(
    "anchor",
    [
        "<a href='#part-2'>What the two ministries agreed on</a>",
        "<a>What the two ministries agreed on</a>",                       # no href: a target or a button
        f"<a href='{URL}#part-2'>What the two ministries agreed on</a>",  # this page, with a fragment
        "<a href='/world/border-talks#part-2'>What the two ministries agreed on</a>",
    ],
)
def test_links_into_the_page_are_not_teasers(anchor):
    assert link_texts(parse_tree(page(anchor)), URL) == set()


def test_links_to_the_sites_other_stories_are_teasers_and_links_elsewhere_are_not():
    tree = parse_tree(page(
        "<a href='/world/other-story'>Floods close the river crossings again</a>"
        "<a href='https://www.courier.example/asia/x'>Fishermen freed after long wait</a>"
        "<a href='https://news.courier.example/y'>Customs posts to be built soon</a>"
        "<a href='https://shop.example.org/p/1'>Waterproof boots for river surveys</a>"
        "<a href='https://github.com/x/y/pull/1'>Fix the parser for river names</a>"))
    found = link_texts(tree, URL)
    assert found == {match_key("Floods close the river crossings again"), match_key("Fishermen freed after long wait"),
                     match_key("Customs posts to be built soon")}
    paragraphs = ["Waterproof boots for river surveys", "Floods close the river crossings again", PARAGRAPHS[0]]
    assert remove_teasers(paragraphs, found) == ["Waterproof boots for river surveys", PARAGRAPHS[0]]


def test_a_teaser_card_that_is_one_link_goes_line_by_line():
    # The card's headline and summary are blocks inside one link: trafilatura writes a line for
    # each, and neither line is the whole link's text.
    cards = "".join(
        f"<a href='/world/{n}'><h3>{headline}</h3><p>{summary}</p></a>" for n, (headline, summary) in enumerate([
            ("Floods close the river crossings again", "Engineers say the water will not fall before the spring."),
            ("Fishermen freed after a long wait", "Forty-one men came home on Sunday to their families."),
        ]))
    html = page(f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS)}</article><section>{cards}</section>")
    found = link_texts(parse_tree(html), URL)
    assert match_key("Floods close the river crossings again") in found
    assert match_key("Engineers say the water will not fall before the spring.") in found
    lines = [PARAGRAPHS[0], "Floods close the river crossings again",
             "Engineers say the water will not fall before the spring.", PARAGRAPHS[1]]
    assert remove_teasers(lines, found) == [PARAGRAPHS[0], PARAGRAPHS[1]]


def json_ld(*types: str) -> str:
    nodes = ", ".join(f'{{"@type": "{t}", "name": "x"}}' for t in types)
    return f'<script type="application/ld+json">{{"@context": "https://schema.org", "@graph": [{nodes}]}}</script>'


@pytest.mark.parametrize("types", [("Organization",), ("Person", "Organization"), ("FAQPage",), ("ItemList",),
                                   ("WebPage", "Organization", "BreadcrumbList")])
def test_an_article_with_publisher_author_or_faq_nodes_is_an_article(types):
    html = page(f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS)}</article>", head=json_ld(*types))
    assert PARAGRAPHS[-1] in extract_page(html).text


@pytest.mark.parametrize("page_type", ["CollectionPage", "SearchResultsPage", "ProfilePage", "AboutPage"])
def test_a_page_that_says_it_is_a_listing_or_a_profile_is_refused(page_type):
    html = page(f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS)}</article>", head=json_ld(page_type))
    with pytest.raises(Rejected) as refused:
        extract_page(html)
    assert refused.value.reason == "not_article"


def huge_menu(links: int = 300) -> str:
    return "<nav>" + "".join(f"<a href='/section/{n}'>Section number {n} of the site menu</a> "
                             for n in range(links)) + "</nav>"


def test_an_article_under_an_enormous_menu_is_an_article():
    html = page(f"{huge_menu()}<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS)}</article>")
    assert PARAGRAPHS[-1] in extract_page(html).text


def test_a_listing_of_teaser_cards_is_still_refused():
    cards = "".join(f"<div class='card'><h3><a href='/world/s{n}'>Another story about the region, number {n}</a></h3>"
                    f"<p>A short summary of story {n} that is long enough to be a paragraph of prose on a listing "
                    f"page, where it sits under its headline.</p></div>" for n in range(12))
    with pytest.raises(Rejected) as refused:
        extract_page(page(f"{huge_menu(60)}<main><h1>World</h1>{cards}</main>"))
    assert refused.value.reason == "not_article"
