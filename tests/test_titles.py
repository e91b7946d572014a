"""Issue 17, failure classes 2 and 5: titles unescaped, and voted from all of the page's signals."""

from __future__ import annotations

import pytest

from pipelines.extraction.cleaning.entities import unescaped
from pipelines.extraction.extractor import extract_page
from pipelines.extraction.metadata import PageMetadata, parse_tree, read_metadata
from pipelines.extraction.titles import agreement, choose_title
from tests.article_shapes import PARAGRAPHS, TITLE, paragraphs_html

BODY = paragraphs_html(PARAGRAPHS)


def html(head: str, body: str) -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("Gespr&auml;che in K&ouml;ln", "Gespräche in Köln"),
        ("The &quot;border&quot; talks", 'The "border" talks'),
        ("The results? &#8216;Sobering&#8217;", "The results? ‘Sobering’"),
        ("Trade &amp;#8230; and more", "Trade … and more"),        # escaped twice
        ("Talks &#x26; trade", "Talks & trade"),
        ("AT&T and R&D stay", "AT&T and R&D stay"),                 # no entity: untouched
    ],
)
def test_entities_are_resolved_as_often_as_they_were_escaped(raw, clean):
    assert unescaped(raw) == clean


@pytest.mark.parametrize("entity", ["&ouml;", "&quot;", "&#8216;", "&amp;#8230;"])
def test_no_raw_entity_reaches_the_title_from_json_ld(entity):
    head = ('<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Border talks: '
            + entity + 'progress' + entity + '"}</script>')
    result = extract_page(html(head, f"<article>{BODY}</article>"))
    assert "&" not in result.title and result.title.startswith("Border talks: ")


def test_meta_tags_and_authors_are_unescaped_too():
    tree = parse_tree(html('<meta property="og:title" content="K&amp;ouml;ln talks">'
                           '<meta name="author" content="Jos&amp;eacute; P&amp;eacute;rez">', "<p>x</p>"))
    meta = read_metadata(tree)
    assert meta.og_title == "Köln talks" and meta.authors == ["José Pérez"]


def test_print_view_takes_the_h1_over_a_title_that_is_the_site_name():
    # A print view's <title> is the site's name; the headline is the h1 over the text. The h1
    # agrees with the JSON-LD headline, reworded for search engines.
    head = ("<title>The Border Courier - Print</title><script type='application/ld+json'>{\"@type\": \"NewsArticle\","
            "\"headline\": \"Border meeting: ministers meet for first time in three years\"}</script>")
    result = extract_page(html(head, f"<div class='print'><h1>{TITLE}</h1>{BODY}</div>"))
    assert result.title == TITLE


def test_div_soup_page_title_is_its_h1_not_the_whole_title_tag():
    head = f"<title>World | Asia | {TITLE} | The Border Courier</title>"
    body = f"<table><tr><td><div class='hd'><h1>{TITLE}</h1></div><div>{'<br><br>'.join(PARAGRAPHS)}</div></td></tr></table>"
    assert extract_page(html(head, body)).title == TITLE


def test_blog_name_in_the_first_h1_is_passed_over():
    head = (f"<title>{TITLE} | Notes from the Valley</title><meta property='og:site_name' content='Notes from the Valley'>"
            f"<meta property='og:title' content='{TITLE}'>")
    body = f"<header><h1>Notes from the Valley</h1></header><article><h1>{TITLE}</h1>{BODY}</article>"
    assert extract_page(html(head, body)).title == TITLE


def test_a_logo_h1_that_agrees_with_nothing_loses_to_the_statements():
    head = f"<meta property='og:title' content='{TITLE}'>"
    body = f"<h1>Valley Notes</h1><article>{BODY}</article>"
    assert extract_page(html(head, body)).title == TITLE


def test_an_h1_is_chosen_only_when_it_agrees_with_a_statement():
    meta = PageMetadata(title="Ministers meet at the border", og_title="Ministers meet at the border")
    assert choose_title(meta, ["Weather today", "Ministers meet at the border again"]) == \
        "Ministers meet at the border again"
    assert choose_title(meta, ["Weather today"]) == "Ministers meet at the border"
    assert agreement("Ministers meet", "ministers MEET!") == 1.0 and agreement("a b", "c d") == 0.0


def test_site_name_is_still_taken_off_the_title_tag_without_an_h1():
    meta = PageMetadata(title=f"{TITLE} | The Border Courier", site_name="The Border Courier")
    assert choose_title(meta, []) == TITLE


@pytest.mark.parametrize(
    ("h1", "title_tag"),
    [
        (f"{TITLE} | Opinion", f"{TITLE} | Opinion"),                                  # a section label
        (f"{TITLE} | World | The Border Courier", f"{TITLE} | World | The Border Courier"),
        (f"Live | {TITLE}", f"Live | {TITLE}"),                                        # a label before it
    ],
)
def test_what_a_pipe_sets_off_is_a_label_not_the_headline(h1, title_tag):
    page = html(f"<title>{title_tag}</title>", f"<article><h1>{h1}</h1>{BODY}</article>")
    assert extract_page(page).title == TITLE


def test_an_h1_that_lost_characters_to_its_encoding_gives_way_to_the_statement():
    said = "Ministers’ talks: the crossings’ future"
    head = f'<meta property="og:title" content="{said}">'
    for lost in ("Ministers? talks: the crossings? future", "Ministers\ufffd talks: the crossings\ufffd future"):
        assert extract_page(html(head, f"<article><h1>{lost}</h1>{BODY}</article>")).title == said


def test_a_headline_that_asks_a_question_keeps_its_question_mark():
    asked = "Will the crossings reopen before the spring?"
    head = f'<meta property="og:title" content="{asked}">'
    assert extract_page(html(head, f"<article><h1>{asked}</h1>{BODY}</article>")).title == asked
    meta = PageMetadata(og_title="Will the talks succeed? Officials doubt it")
    assert choose_title(meta, ["Will the talks succeed? Officials doubt it"]) == "Will the talks succeed? Officials doubt it"


@pytest.mark.parametrize(
    "h1",
    [
        f"<time datetime='2026-12-18'>Dec 18 2026</time> {TITLE}",
        f"{TITLE} <span class='posted-on'>Posted on <time>July 1, 2026</time> by the desk</span>",
        f"{TITLE} <small>18.12.2026</small>",
    ],
)
def test_an_h1_holding_its_date_stamp_gives_way_to_the_statement(h1):
    head = f'<meta property="og:title" content="{TITLE}">'
    assert extract_page(html(head, f"<article><h1>{h1}</h1>{BODY}</article>")).title == TITLE


@pytest.mark.parametrize(
    ("h1", "said"),
    [
        (f"2026 {TITLE}", TITLE),                                   # a year is the headline's own word
        (f"{TITLE}: What the Ministers Agreed", TITLE),             # and so is a subtitle
    ],
)
def test_other_words_around_the_statement_stay_in_the_h1(h1, said):
    head = f'<meta property="og:title" content="{said}">'
    assert extract_page(html(head, f"<article><h1>{h1}</h1>{BODY}</article>")).title == h1
