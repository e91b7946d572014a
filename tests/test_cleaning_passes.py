"""Each cleaning pass on its own, with lines from several languages."""

from __future__ import annotations

import pytest

from pipelines.extraction.cleaning.boilerplate import is_boilerplate_line
from pipelines.extraction.cleaning.bylines import extract_byline, split_authors
from pipelines.extraction.cleaning.dateline import find_dateline
from pipelines.extraction.cleaning.headline import (
    headline_fragment,
    match_key,
    remove_headline_fragments,
    title_variants,
)
from pipelines.extraction.cleaning.normalise import join_paragraphs, normalise_line, paragraphs_of
from pipelines.extraction.cleaning.repeated_lines import remove_repeated_lines
from pipelines.extraction.cleaning.teasers import remove_teasers

SCO = "China to promote neighborhood diplomacy through SCO"


@pytest.mark.parametrize(
    "line",
    [
        SCO,
        f"{SCO} My Country",
        f"{SCO} | World",
        f"World News: {SCO}",
        f"{SCO} - The Daily Ledger",
        f"“{SCO.upper()}”",
        f"{SCO}.",
    ],
)
def test_headline_fragments_are_recognised(line):
    titles = title_variants(SCO)
    assert headline_fragment(line, titles, {match_key("The Daily Ledger")})[0]


@pytest.mark.parametrize(
    "line",
    [
        f"{SCO} and the Central Asian states, officials said on Tuesday in Beijing at a briefing.",
        f"{SCO} was the subject of a long speech.",
        "China will promote neighborhood diplomacy on the platform of the SCO, officials said.",
        "SCO summit opens",
    ],
)
def test_sentences_that_share_headline_words_are_kept(line):
    assert not headline_fragment(line, title_variants(SCO), set())[0]


def test_glued_label_is_reported_so_it_can_become_the_section():
    kept, labels = remove_headline_fragments([f"{SCO} My Country", "BEIJING: text."], title_variants(SCO), set())
    assert kept == ["BEIJING: text."] and labels == ["My Country"]


@pytest.mark.parametrize(
    ("title", "line"),
    [
        ("La Chine veut promouvoir la diplomatie de voisinage", "International : La Chine veut promouvoir la diplomatie de voisinage"),
        ("China will Nachbarschaftsdiplomatie fördern", "China will Nachbarschaftsdiplomatie fördern | Politik"),
        ("الصين تعزز دبلوماسية الجوار عبر منظمة شنغهاي", "الصين تعزز دبلوماسية الجوار عبر منظمة شنغهاي - العالم"),
        ("中国将通过上合组织推进周边外交", "中国将通过上合组织推进周边外交 国际新闻"),
        ("Китай будет продвигать дипломатию через ШОС", "Китай будет продвигать дипломатию через ШОС — В мире"),
        ("چین ایس سی او کے ذریعے ہمسایہ سفارت کاری کو فروغ دے گا", "چین ایس سی او کے ذریعے ہمسایہ سفارت کاری کو فروغ دے گا | دنیا"),
    ],
)
def test_headline_fragments_in_other_languages(title, line):
    assert headline_fragment(line, title_variants(title), set())[0]


@pytest.mark.parametrize(
    ("titles", "line"),
    [
        # A kicker and the headline in two inline elements, the space between them lost.
        (["Tariffs raised again: Cabinet approves the border levy"], "Tariffs raised againCabinet approves the border levy"),
        (["Cabinet approves the border levy"], "Tariffs raised againCabinet approves the border levy"),
        (["Sanktionen verschärft: Kabinett beschließt die Reform"], "Sanktionen verschärftKabinett beschließt die Reform"),
        # A headline broken by <br>, the break lost.
        (["Ministers meet at the border crossing"], "Ministers meet at the borderCrossing"),
    ],
)
def test_headline_fragments_glued_without_spaces(titles, line):
    assert headline_fragment(line, title_variants(*titles), set())[0]


@pytest.mark.parametrize(
    ("title", "line"),
    [
        ("Cabinet approves the border levy",
         "Cabinet approves the border levyThe cabinet approved the levy on Tuesday after a long debate."),
        ("Types of Restaurant Service", "Types of Restaurant Services"),  # a word longer, not glued
        ("Border Courier Daily", "Join our group: https://social.example/BorderCourierDaily"),  # an address
    ],
)
def test_lines_that_only_hold_the_headline_glued_are_kept(title, line):
    assert not headline_fragment(line, title_variants(title), set())[0]


@pytest.mark.parametrize(
    "line",
    [
        "Also read: Pakistan, China sign currency swap deal",
        "READ MORE: Talks collapse in Doha",
        "Advertisement",
        "Follow us on Twitter and Facebook",
        "Sign up for our daily newsletter",
        "Would you like to receive notifications about new posts?",
        "Post Comment (+)",
        "Möchten Sie Benachrichtigungen zu neuen Artikeln erhalten?",
        "Activez les notifications pour ne rien manquer",
        "Photo: Reuters",
        "(AFP)",
        "Updated: 12 Nov 2026 10:15",
        "5 min read",
        "Comments (12)",
        "Lire aussi : Le G20 s’ouvre à Rio",
        "Publicité",
        "Lee también: La OEA se reúne en Lima",
        "Publicidad",
        "Lesen Sie auch: Merz reist nach Paris",
        "Anzeige",
        "اقرأ أيضا: قمة الرياض تختتم أعمالها",
        "إعلان",
        "相关阅读：中俄外长会晤",
        "广告",
        "Читайте также: Лавров прибыл в Пекин",
        "Реклама",
        "یہ بھی پڑھیں: وزیر خارجہ کا دورہ چین",
        "اشتہار",
    ],
)
def test_boilerplate_lines_in_every_language(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "Comments by the minister drew criticism from the opposition on Tuesday.",
        "Share prices fell after the sanctions were announced.",
        "شارك الرئيس في القمة التي عقدت في الرياض يوم الثلاثاء",
        "The newsletter affair dominated a week in which the government, already weakened by two "
        "resignations, lost a confidence vote, and the opposition leader called for elections in spring "
        "while the coalition partners met behind closed doors to discuss the budget.",
        "Updated figures from the ministry show exports rose 4 percent.",
        "Credits to graduate: 48",  # a programme table's label and figure, not an image credit
        "Photos: 12",
    ],
)
def test_sentences_starting_with_boilerplate_words_are_kept(line):
    assert not is_boilerplate_line(line)


def test_teaser_blocks_and_link_text_lines_go():
    paragraphs = ["Body paragraph one.", "You may also like", "- Talks in Doha end without deal",
                  "- Ceasefire holds in the north", "Body paragraph two after the block.",
                  "Pakistan and India resume cricket diplomacy"]
    links = {match_key("Pakistan and India resume cricket diplomacy")}
    assert remove_teasers(paragraphs, links) == ["Body paragraph one.", "Body paragraph two after the block."]


def test_labels_repeated_in_a_comparison_of_two_products_stay():
    cards = ["The Harbour kettle", "Pros:", "Boils a litre in two minutes.", "Price: $30",
             "The Ferry kettle", "Pros:", "Keeps water warm for an hour.", "Price: $30"]
    assert remove_repeated_lines(cards) == cards
    lead = "Two kettles for a boat's galley, tested on a rough crossing."
    assert remove_repeated_lines([lead, *cards[:4], lead]) == [lead, *cards[:4]]  # a sentence twice still goes


def test_accidental_repeats_go_and_structural_repeats_stay():
    lead = "The foreign ministers met in Geneva on Tuesday."
    assert remove_repeated_lines([lead, "Second.", lead, "Third."]) == [lead, "Second.", "Third."]
    question = "What do you cook at home?"
    interview = [question, "Rice.", question, "Soup.", question, "Bread."]
    assert remove_repeated_lines(interview) == interview
    items = ["- 1 cup rice", "Day 2", "- 1 cup rice"]
    assert remove_repeated_lines(items) == items


def test_whitespace_and_unicode_are_normalised_and_paragraphs_kept():
    raw = "Cafe\u0301\u00a0talks\u200b  resumed\tat\u202fnoon.\r\n\r\n  Second\u00a0paragraph. \n"
    assert paragraphs_of(raw) == ["Café talks resumed at noon.", "Second paragraph."]
    assert join_paragraphs(paragraphs_of(raw)) == "Café talks resumed at noon.\n\nSecond paragraph."
    assert normalise_line("ZWNJ stays: \u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645") .endswith("\u200c\u062e\u0648\u0627\u0647\u0645")


@pytest.mark.parametrize(
    ("first", "place"),
    [
        ("BEIJING: China will promote neighborhood diplomacy.", "BEIJING"),
        ("ISLAMABAD, June 12 (APP) - Prime Minister said.", "ISLAMABAD"),
        ("GENEVA (Reuters) - Talks resumed.", "GENEVA"),
        ("NEW DELHI, Nov. 3 (PTI) – India said.", "NEW DELHI"),
        ("WASHINGTON — The State Department said.", "WASHINGTON"),
    ],
)
def test_datelines_are_found(first, place):
    assert find_dateline([first, "More."]) == place


@pytest.mark.parametrize("first", ["The BEIJING summit: what next", "UPDATE: talks resume", "Talks resumed in Beijing."])
def test_no_dateline_where_there_is_none(first):
    assert find_dateline([first]) is None


def test_bylines_become_authors_and_leave_the_body():
    kept, authors = extract_byline(["By Jane Doe and John Roe", "BEIJING: text.", "By the end of the week, talks resumed."], [])
    assert authors == ["Jane Doe", "John Roe"]
    assert kept == ["BEIJING: text.", "By the end of the week, talks resumed."]
    assert split_authors(["By Amina Yusuf", "Li Wei; Ana Ruiz"]) == ["Amina Yusuf", "Li Wei", "Ana Ruiz"]


@pytest.mark.parametrize(("line", "names"), [
    ("By: Jane Doe", ["Jane Doe"]),
    ("Autor: Jan Kowalski", ["Jan Kowalski"]),
    ("Írta: Kovács János", ["Kovács János"]),
    ("Oleh: Siti Rahma", ["Siti Rahma"]),
    ("Af Lars Hansen", ["Lars Hansen"]),
    ("Tekst: Ola Nordmann", ["Ola Nordmann"]),
    ("Автор: Олена Петренко", ["Олена Петренко"]),
])
def test_bylines_with_a_colon_and_in_the_publishers_languages(line, names):
    kept, authors = extract_byline([line, "BEIJING: text."], [])
    assert (kept, authors) == (["BEIJING: text."], names)


@pytest.mark.parametrize("line", ["Autor książki mówił o granicy.", "Texto integral del acuerdo", "Oleh karena itu, talks resumed."])
def test_sentences_opening_with_a_byline_word_stay(line):
    assert extract_byline([line], [])[0] == [line]


def test_the_authors_bio_after_the_article_goes_and_the_article_stays():
    from pipelines.extraction.cleaning.bylines import remove_author_bio
    article = ["Jane Doe met the ministers in the border town.", "The talks lasted six hours.",
               "Officials said the crossings would reopen.",
               "Jane Doe is a senior correspondent who has covered the region for ten years."]
    assert remove_author_bio(article, ["Jane Doe"]) == article[:3]
    assert remove_author_bio(article, []) == article                 # no known author: nothing goes
    assert remove_author_bio(article, ["Doe"]) == article            # a surname alone is not enough
    assert remove_author_bio(article[:3], ["Jane Doe"]) == article[:3]  # deep in the text: the article's
