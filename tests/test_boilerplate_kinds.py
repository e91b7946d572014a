"""Issue 17, failure class 4: boilerplate by kind, in every language the sources use, from data.

Each kind is tested on lines of its own and on near misses (real sentences that share its words),
and end to end on a page shape where trafilatura keeps it.
"""

from __future__ import annotations

import pytest

from pipelines.extraction.cleaning.boilerplate import is_boilerplate_line
from pipelines.extraction.cleaning.kinds import (
    LINE_KINDS,
    is_date_line,
    line_kind,
    remove_boilerplate_kinds,
    rules_of,
)
from pipelines.extraction.cleaning.phrases import load, names
from pipelines.extraction.cleaning.teasers import is_related_heading, remove_teasers
from pipelines.extraction.extractor import extract_page
from tests.article_shapes import PARAGRAPHS, TITLE, paragraphs_html

# The languages of the sources (crawlers/sources.yaml) and of issue 17's unseen pages.
SOURCE_LANGUAGES = {"en", "fr", "de", "es", "it", "pt", "nl", "ru", "tr", "ar", "zh", "ja", "ur", "bn"}


def test_every_phrase_file_loads_and_says_what_its_kind_is():
    for name in names():
        data = load(name)
        assert data.get("about"), name
        rules_of(name)  # compiles, or raises PhraseFileError naming the file


def languages_of(kind: str, lists: tuple[str, ...] = ("phrases",)) -> set[str]:
    """The language codes of a kind's phrase lists (`lists`: which lists of each rule count)."""
    return {language for rule in load(kind)["rules"] for key in lists for language in (rule.get(key) or {})}


@pytest.mark.parametrize("kind", ["teasers", "prompts", "labels", "related_blocks", "cms_chrome", "page_chrome",
                                  "commentary", "sign_in", "appeals", "end_markers", "syndication",
                                  "form_messages"])
def test_the_main_kinds_have_phrases_in_every_source_language(kind):
    languages = languages_of(kind, ("phrases", "openings", "anywhere"))
    # Japanese has no separate words for every prompt; the other source languages must be there.
    assert SOURCE_LANGUAGES - {"ja"} <= languages, sorted(SOURCE_LANGUAGES - languages)


def test_the_date_vocabulary_covers_every_source_language_but_chinese_and_japanese():
    # Chinese and Japanese dates are written with 年月日, which the rule reads without words.
    data = load("dates")
    assert SOURCE_LANGUAGES - {"zh", "ja"} <= set(data["months"])


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        # legacy-CMS chrome
        ("Written by Jane Doe", "cms_chrome"),
        ("Geschrieben von Max Muster", "cms_chrome"),
        ("Article précédent", "cms_chrome"),
        ("« Previous", "cms_chrome"),
        ("Next article: Floods close the crossings", "cms_chrome"),
        ("We have 34 guests and no members online", "cms_chrome"),
        ("Сейчас на сайте 12 гостей", "cms_chrome"),
        ("Hits: 1523", "cms_chrome"),
        ("المقال السابق", "cms_chrome"),
        ("上一篇：边境会谈", "cms_chrome"),
        # pages without an <article>
        ("Home › World › Asia › Ministers meet", "page_chrome"),
        ("Accueil / International / Asie", "page_chrome"),
        ("Startseite > Politik > Ausland", "page_chrome"),
        ("首页 > 国际 > 亚洲", "page_chrome"),
        ("Photo: The ministers at the crossing on Tuesday", "page_chrome"),
        ("Foto: Archivbild", "page_chrome"),
        ("Was this article helpful?", "page_chrome"),
        ("Оцените статью", "page_chrome"),
        ("Rate this article: ★★★★☆", "page_chrome"),
        ("Page 1 of 8", "page_chrome"),
        ("Seite 2 von 5", "page_chrome"),
        ("Página 3 de 4", "page_chrome"),
        # think-tank commentary
        ("The views expressed in this article are the author's own.", "commentary"),
        ("Views are personal.", "commentary"),
        ("Les opinions exprimées dans cet article n'engagent que leur auteur.", "commentary"),
        ("Cite this article", "commentary"),
        ("Suggested citation: Doe, J. (2026). Border talks. Policy Brief 12.", "commentary"),
        ("About the author", "commentary"),
        # the citation itself, with or without a heading: an address cited and its access date
        ("Border talks resume. In: The Border Courier, 17.12.2026, https://courier.example/a/58883 (abgerufen am: 17.12.2026)", "commentary"),
        ("Doe, J. Border talks. The Border Courier. https://courier.example/a/1 (accessed 3 May 2026).", "commentary"),
        ("Infos zum Zitiervorschlag", "commentary"),
        ("仅代表作者个人观点，不代表本网立场", "commentary"),
        # syndicated briefs
        ("(This story has not been edited by our staff and is auto-generated from a syndicated feed.)", "syndication"),
        ("Catch all the Politics News and Latest Updates on The Border Courier.", "syndication"),
        ("BC-EU--Border-Talks, 1st Ld-Writethru", "syndication"),
        ("Follow AP's full coverage of the border talks at https://courier.example/talks", "syndication"),
        # a news story's credits for its reporting
        ("Reporting by Jane Doe; additional reporting by John Roe; Editing by Ann Poe", "cms_chrome"),
        ("Additional reporting by John Roe", "cms_chrome"),
        ("John Roe contributed reporting from Geneva.", "cms_chrome"),
        ("Mit Material von dpa", "cms_chrome"),
        # sign-in prompts
        ("Already a subscriber? Log in", "sign_in"),
        ("Sign in to read the full article", "sign_in"),
        # a paywall's offer (with its price) and its terms; a sign-up box's consent line
        ("Zugang zu allen Courier+ Artikeln (Originalpreis: 12,80 €) jetzt nur 0,99 €", "sign_in"),
        ("Get unlimited access for $1 a week", "sign_in"),
        ("- Mit einem Klick online kündbar", "sign_in"),
        ("Cancel anytime.", "sign_in"),
        ("By entering your email address you agree to our Terms of Use and Privacy Policy.", "form_messages"),
        ("Mit meiner Anmeldung zum Newsletter stimme ich der Werbevereinbarung zu.", "form_messages"),
        ("Connectez-vous pour lire la suite", "sign_in"),
        ("Melden Sie sich an, um weiterzulesen", "sign_in"),
        ("Войдите, чтобы продолжить чтение", "sign_in"),
        # appeals
        ("Support independent journalism: donate today.", "appeals"),
        ("Unterstützen Sie unsere Arbeit mit einem Beitrag.", "appeals"),
        ("Steun onze journalistiek", "appeals"),
        ("This story is funded by readers like you", None),  # appeals match "funded by readers like you"
        # end markers and video players
        ("End of Article", "end_markers"),
        ("-- END --", "end_markers"),
        ("Video Player is loading.", "end_markers"),
        ("Play Video", "end_markers"),
        ("Current Time 0:00", "end_markers"),
        ("Your browser does not support the video tag.", "end_markers"),
        ("Fin de l'article", "end_markers"),
        # cookie notices
        ("We use cookies on our website to give you the most relevant experience.", "cookies"),
        ("Wir verwenden Cookies, um Ihnen ein besseres Erlebnis zu bieten.", "cookies"),
        ("Manage consent", "cookies"),
        # a long consent notice (one category after another) and a policy box's table of cookies
        ("This website uses cookies to improve your experience while you browse it. " + "Cookies of one "
         "category are stored on your browser because they are needed for the site to work at all. " * 8,
         "cookies"),
        ("Cookie Duration Description session-id 1 year This cookie is set by the consent tool to remember "
         "your choice. " * 6, "cookies"),
        # publishers' shopping disclosures
        ("Every product here was picked by our editors. We may earn commission on what you buy.", "disclosures"),
        ("Si vous achetez via ces liens, nous pouvons toucher une commission.", "disclosures"),
        # lone dates
        ("Monday, 12 November 2026 10:32", "dates"),
        ("Mis à jour le 3 mars 2026 à 14h05", "dates"),
        ("12.11.2026, 10:32 Uhr", "dates"),
        ("2026年11月28日 10:32", "dates"),
        ("Опубликовано 10 мая 2026 г.", "dates"),
        ("الخميس 12 نوفمبر 2026", "dates"),
        ("December 15, 2026 · 8 min read", "dates"),        # a reading time beside the date
        # what a form says once sent, or when sending failed
        ("Thank you! Your submission has been received!", "form_messages"),
        ("Oops! Something went wrong while submitting the form.", "form_messages"),
        ("🙌 Awesome, you're subscribed!", "form_messages"),
        ("Vielen Dank! Ihre Nachricht wurde erfolgreich versendet.", "form_messages"),
        ("12 mars 2026 ⋅ 5 min de lecture", "dates"),
    ],
)
def test_lines_of_each_kind(line, kind):
    if kind is None:
        assert line_kind(line) == "appeals"
    else:
        assert line_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        PARAGRAPHS[0],
        "Sweden will become a member of the alliance on Monday, the government said.",
        "The ministry said its support helps farmers along the river, and that donations were welcome.",
        "Home ministers of both countries will meet in March.",
        "The minister, written off by many after the election, returned to lead the talks.",
        "The committee on cookies and other sweets met in Brussels to discuss sugar labelling rules.",
        "The regulator published its cookie policy review on Tuesday, saying sites must ask first.",
        "The agents said the fishermen's union had asked for a commission of inquiry into the detentions.",
        "The meeting on 12 November 2026 ended without a statement.",
        "2019",
        "1.",
        "4:14 p.m.",
        "29 November 2018 | 20 January 2019",
        "Performance",
        "Play by the rules, the minister told the delegations, or leave the table.",
        "The end of the talks came late on Tuesday, after six hours.",
        "Citation needed for the claim that the river changed course twice in a decade.",
        "The crossing (accessed through a side gate since the floods) reopened on Monday.",
        "Access to all crossings cost 5 euros, officials said.",
        "More AP reporters were sent to the border on Monday.",
        "Reported by the ministry on Monday, the figures showed a fall in exports after the floods.",
        "editing by hand, and a fair bit of prompting that resulted in targeted changes",
        "The reporting by the two agencies differed on the number of fishermen released.",
        "Page 3 of the report lists 12 crossings",
        "The page 1 of 8 was missing from the file.",
        "Unlimited access to the river cost farmers $5 a day, the report said.",
        "Zugang zu allen Grenzübergängen soll im März wieder möglich sein, sagte der Minister.",
        "Sans engagement, le ministre a promis de revenir.",
        "The border post, accessed on foot from www.example.org's map, was closed for the day.",
        "The 40 min read of the verdict on 12 May 2026",
        "Something went wrong at the border, the minister said, and the talks were suspended.",
    ],
)
def test_sentences_that_share_the_words_stay(line):
    assert line_kind(line) is None


@pytest.mark.parametrize(
    "line",
    ["Lees ook: Vissers vrijgelaten na lange onderhandelingen", "আরও পড়ুন: সীমান্তে বৈঠক", "関連記事：国境で会談",
     "Ayrıca okuyun: Sınırda görüşme", "Leia também: Ministros se reúnem"],
)
def test_teaser_lines_in_more_languages(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("heading", ["Mehr zum Thema", "Lees ook", "Related stories", "You may also like",
                                     "Das könnte Sie auch interessieren", "Meer over dit onderwerp", "Most read in World"])
def test_related_story_block_headings_in_german_dutch_and_english(heading):
    assert is_related_heading(heading)
    assert remove_teasers([PARAGRAPHS[0], heading, "- Floods close the crossings", "- Fishermen freed"], set()) == \
        [PARAGRAPHS[0]]


def test_a_long_line_that_opens_like_a_heading_is_not_one():
    assert not is_related_heading("More from Cornell on climate change and gardening in cold regions:")


def test_cite_and_author_blocks_go_with_their_heading_and_nothing_more():
    paragraphs = [PARAGRAPHS[0], PARAGRAPHS[1], "Cite this article",
                  "Doe, Jane. 2026. 'Ministers meet at the border.' Policy Brief 12, Border Institute.",
                  "About the author", "Jane Doe is a senior fellow at the Border Institute, where she studies river treaties.",
                  PARAGRAPHS[2]]
    # A heading ends the block before it ("About the author" is not the citation's second line);
    # the bio goes with its heading, and the paragraph after the block is the article's again.
    kept = remove_boilerplate_kinds(paragraphs)
    assert kept[:2] == PARAGRAPHS[:2]
    assert "Cite this article" not in kept and "About the author" not in kept
    assert not any(line.startswith(("Doe, Jane", "Jane Doe is")) for line in kept)


def test_related_items_block_of_a_legacy_cms_page_goes_until_the_text_resumes():
    paragraphs = [PARAGRAPHS[0], "Related Items", "Floods close the crossings", "Fishermen freed after talks",
                  PARAGRAPHS[1]]
    assert remove_boilerplate_kinds(paragraphs) == [PARAGRAPHS[0], PARAGRAPHS[1]]


def test_every_line_kind_has_a_file():
    assert set(LINE_KINDS) <= set(names())


@pytest.mark.parametrize("line", ["November 19, 2026 / 12:21 AM / Updated 14 hours ago", "12. März 2026, vor 3 Stunden",
                                  "3 mars 2026 - il y a 2 heures", "12 de marzo de 2026, hace 5 horas"])
def test_how_long_ago_is_part_of_the_date_stamp(line):
    assert line_kind(line) == "dates"


@pytest.mark.parametrize("line", ["New Delhi, Courier Bureau | Updated : 19 November 2026, 09:01 AM",
                                  "By Jane Doe | Published: 12 November 2026 10:32"])
def test_a_labelled_date_set_off_by_pipes_from_a_place_or_desk_is_a_date_stamp(line):
    assert line_kind(line) == "dates"


@pytest.mark.parametrize("line", ["Kabul | 12 November 2026",            # a table's row: no label
                                  "The talks ended late. | Updated: 12 November 2026",
                                  "Kabul | Updated: 12 November 2026 | Herat | Mazar"])
def test_table_rows_and_sentences_beside_a_date_are_no_date_stamp(line):
    assert line_kind(line) != "dates"


@pytest.mark.parametrize("line", ["Updated 14 hours ago", "Talks resumed 3 days ago on 12 May"])
def test_how_long_ago_alone_or_in_a_sentence_is_no_date_line(line):
    assert line_kind(line) != "dates"


def test_date_lines_need_exactly_one_date():
    assert is_date_line("Posted on November 12, 2026 at 9:45 am EST")
    assert not is_date_line("November 12, 2026: the day the crossings reopened")


def html(body: str, head: str = "") -> str:
    return f"<html><head><title>{TITLE}</title>{head}</head><body>{body}</body></html>"


def test_legacy_cms_page_comes_out_without_its_chrome():
    body = (f"<div id='main'><table><tr><td class='contentheading'>World - {TITLE}</td></tr>"
            "<tr><td class='createby'>Written by Jane Doe</td></tr><tr><td class='createdate'>Tuesday, 12 November 2026 10:32</td></tr>"
            f"<tr><td>{paragraphs_html(PARAGRAPHS)}</td></tr>"
            "<tr><td><p>Last Updated on Wednesday, 13 November 2026 08:00</p></td></tr>"
            "<tr><td><a href='/world/older'>« Previous</a> <a href='/world/newer'>Next »</a></td></tr></table>"
            "<div class='moduletable'><h3>Related Items</h3><ul><li><a href='/world/a'>Floods close crossings</a></li>"
            "<li><a href='/world/b'>Fishermen freed</a></li></ul></div>"
            "<div class='online'>We have 34 guests and no members online</div></div>")
    text = extract_page(html(body), url="https://courier.example/world/1234-border").text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for chrome in ("Written by", "10:32", "Last Updated", "Previous", "Related Items", "guests", f"World - {TITLE}"):
        assert chrome not in text, chrome


def test_page_without_article_element_comes_out_without_its_chrome():
    body = ("<div class='crumbs'>Home › World › Asia</div>"
            f"<div class='content'><h1>{TITLE}</h1><div class='caption'>Photo: The two ministers at the crossing</div>"
            f"{paragraphs_html(PARAGRAPHS[:4])}<p>Also read: Floods close the river crossings</p>{paragraphs_html(PARAGRAPHS[4:])}"
            "<div class='rating'>Rate this article: ★★★★☆</div>"
            "<div class='top'><h3>Top Stories</h3><div>Floods close the crossings</div><div>Fishermen freed after talks</div>"
            "</div></div>")
    text = extract_page(html(body)).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for chrome in ("Home ›", "Photo:", "Also read", "Rate this", "Top Stories", "Fishermen freed after talks"):
        assert chrome not in text, chrome


def test_think_tank_commentary_comes_out_without_disclaimer_citation_and_bio():
    body = (f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS)}"
            "<p><em>The views expressed in this article are the author's own and do not necessarily reflect those "
            "of the Border Institute.</em></p><h3>About the author</h3><p>Jane Doe is a senior fellow at the Border "
            "Institute, where she studies river treaties.</p><h3>Cite this article</h3><p>Doe, Jane. 2026. "
            f"'{TITLE}.' Commentary, Border Institute.</p></article>")
    text = extract_page(html(body)).text
    for paragraph in PARAGRAPHS:
        assert paragraph in text
    for chrome in ("views expressed", "About the author", "senior fellow", "Cite this", "Doe, Jane"):
        assert chrome not in text, chrome


def test_syndicated_brief_comes_out_without_its_notices():
    body = (f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS[:3])}"
            "<p>(This story has not been edited by Border Courier staff and is auto-generated from a syndicated feed.)</p>"
            "<p>Catch all the World News and Latest Updates on The Border Courier.</p></article>")
    text = extract_page(html(body)).text
    assert text == "\n\n".join(PARAGRAPHS[:3])


def test_sign_in_appeal_and_video_lines_go_and_the_article_stays():
    body = (f"<article><h1>{TITLE}</h1><div class='player'><p>Video Player is loading.</p><p>Play Video</p></div>"
            f"{paragraphs_html(PARAGRAPHS)}<p>Already a subscriber? Log in</p>"
            "<p>Support independent journalism: become a supporter from just 1 a month.</p><p>End of Article</p></article>")
    text = extract_page(html(body)).text
    assert text == "\n\n".join(PARAGRAPHS)


@pytest.mark.parametrize("heading", ["Table of Contents", "Inhaltsverzeichnis", "Sommaire", "Содержание", "目次"])
def test_a_table_of_contents_goes_with_its_entries_and_the_text_after_it_stays(heading):
    paragraphs = [heading, "- How the talks were prepared", "- What the ministries agreed",
                  "What happens next", PARAGRAPHS[0], "What happens next", PARAGRAPHS[1]]
    assert remove_boilerplate_kinds(paragraphs) == [PARAGRAPHS[0], "What happens next", PARAGRAPHS[1]]


@pytest.mark.parametrize("line", ["Skip Navigation", "Add A Comment", "Advertiser Disclosure", "Back to Blogs"])
def test_navigation_labels_on_a_line_of_their_own(line):
    assert is_boilerplate_line(line)


def test_a_rule_needing_something_unknown_is_refused_with_the_kind_named():
    from pipelines.extraction.cleaning.kinds import _rule
    from pipelines.extraction.cleaning.phrases import PhraseFileError

    with pytest.raises(PhraseFileError, match="sign_in: a rule can need link or price, not 'colour'"):
        _rule("sign_in", {"match": "opening", "max_words": 5, "needs": "colour", "phrases": {"en": ["get access"]}})


def test_a_numbered_rule_phrase_without_its_number_is_refused():
    from pipelines.extraction.cleaning.kinds import _rule
    from pipelines.extraction.cleaning.phrases import PhraseFileError

    with pytest.raises(PhraseFileError, match=r"page_chrome: every phrase of a numbered rule holds \{n\}"):
        _rule("page_chrome", {"match": "numbered", "max_words": 6, "phrases": {"en": ["page {n} of {n}", "next page"]}})


# The languages of the publishers whose pages issue 17 measures outside the project (set B: 25
# languages), beyond those of our own sources: the kinds met on every news site are there too.
PUBLISHER_LANGUAGES = SOURCE_LANGUAGES | {"pl", "cs", "sk", "hu", "ro", "sv", "da", "nb", "fi", "uk", "el", "bg", "hr",
                                          "sr", "lt", "lv", "et", "ca", "id", "ms", "vi", "he", "fa", "hi", "ko"}


@pytest.mark.parametrize("kind", ["teasers", "labels", "related_blocks"])
def test_teasers_labels_and_related_headings_have_phrases_in_every_publisher_language(kind):
    languages = languages_of(kind)
    assert languages >= PUBLISHER_LANGUAGES, sorted(PUBLISHER_LANGUAGES - languages)


@pytest.mark.parametrize(
    "line",
    ["Czytaj także: Ministrowie spotkali się na granicy", "Čtěte také: Ministři se sešli na hranici",
     "Citește și: Miniștrii s-au întâlnit la graniță", "Läs också: Ministrarna möttes vid gränsen",
     "Lue myös: Ministerit tapasivat rajalla", "Читайте також: Міністри зустрілися на кордоні",
     "Baca juga: Para menteri bertemu di perbatasan", "ये भी पढ़ें: सीमा पर मंत्रियों की बैठक",
     "Διαβάστε επίσης: Συνάντηση υπουργών στα σύνορα", "קראו גם: פגישת השרים בגבול", "Xem thêm: Bộ trưởng gặp nhau",
     "Reklama", "Hirdetés", "Komentarze (12)", "Annonse", "Mainos", "Реклама", "광고", "Iklan",
     "Obserwuj nas w Google News", "Kövess minket a Facebookon", "Følg oss på Facebook", "Udostępnij",
     "Fot. Jan Kowalski / Agencja", "Kuva: Matti Meikäläinen", "Fotó: Kovács János"],
)
def test_teaser_label_prompt_and_caption_lines_in_the_publishers_languages(line):
    assert is_boilerplate_line(line) or line_kind(line) is not None


@pytest.mark.parametrize(
    "line",
    ["12 listopada 2026 r., godz. 14:30", "Opublikowano: 12 listopada 2026", "2026. november 12. 14:30",
     "Publicat: 12 noiembrie 2026, ora 14:30", "Senin, 12 November 2026 14:30 WIB", "12. listopadu 2026 v 14:30",
     "Oppdatert 12. november 2026 kl 14:30", "torstai 12. marraskuuta 2026 klo 14:30", "12 листопада 2026 о 14:30"],
)
def test_date_lines_in_the_publishers_languages(line):
    assert is_date_line(line)


@pytest.mark.parametrize(
    "line",
    ["Dela med sig av sina erfarenheter vill ministern inte.", "Maj 2026 był zimny w całym kraju.",
     "Opublikowano w 2026 roku raport o granicy.", "Minggu depan para menteri akan bertemu lagi.",
     "Czytelnicy pytali ministra o przejścia graniczne.", "Reklama w telewizji publicznej kosztowała 12 mln zł."],
)
def test_sentences_in_the_publishers_languages_that_share_the_words_stay(line):
    assert not is_boilerplate_line(line) and line_kind(line) is None


def test_a_polish_article_comes_out_without_its_teaser_label_and_date_lines():
    paragraphs = [
        "Ministrowie spraw zagranicznych obu krajów spotkali się we wtorek w przygranicznym mieście po raz "
        "pierwszy od trzech lat, poinformowali urzędnicy obu stron.",
        "Rozmowy, które trwały ponad sześć godzin, dotyczyły ponownego otwarcia dwóch przejść granicznych "
        "zamkniętych od czasu powodzi oraz wymiany zatrzymanych rybaków.",
        "Dyplomaci opisali atmosferę jako rzeczową. Żadna ze stron nie wydała wspólnego oświadczenia, ale oba "
        "ministerstwa opublikowały podsumowania zgodne w najważniejszych punktach.",
        "Przejścia zostaną otwarte dla ruchu towarowego w przyszłym miesiącu, a ruch pasażerski ma zostać "
        "wznowiony po wybudowaniu nowych posterunków celnych.",
    ]
    body = (f"<article><h1>Ministrowie spotkali się na granicy</h1><p>12 listopada 2026 r., godz. 14:30</p>"
            f"{paragraphs_html(paragraphs[:2])}<p>Czytaj także: Rybacy wrócą do domów przed końcem roku</p>"
            f"<p>Reklama</p>{paragraphs_html(paragraphs[2:])}<p>Obserwuj nas w Google News</p></article>")
    page = (f"<html lang='pl'><head><title>Ministrowie spotkali się na granicy</title></head>"
            f"<body>{body}</body></html>")
    article = extract_page(page)
    assert article.text == "\n\n".join(paragraphs)


@pytest.mark.parametrize("line", ["05/10/2026 - Publicado por: Ana Souza - Categoria: Mundo - Tags: fronteira, pesca",
                                  "By Jane Doe | Filed under: World | Tags: border, fishermen",
                                  "Posted by admin · Category: News · 3 comments",
                                  "Par Jean Dupont - Catégorie : Monde"])
def test_a_posts_meta_line_of_labelled_fields_goes(line):
    assert line_kind(line) == "cms_chrome"


@pytest.mark.parametrize("line", ["The talks - by all accounts - went well, officials said.",
                                  "Category: the ministers' own words, not the summaries.",
                                  "Filed under protest - the ministry said - the summary ran to 12 pages and more.",
                                  "Tags on the crates - 41 of them - named the fishermen's home ports."])
def test_a_sentence_with_a_label_or_dashes_is_no_meta_line(line):
    assert line_kind(line) is None


def test_a_fields_rule_with_fewer_than_two_fields_is_refused():
    from pipelines.extraction.cleaning.kinds import _rule
    from pipelines.extraction.cleaning.phrases import PhraseFileError

    with pytest.raises(PhraseFileError, match="cms_chrome: a fields rule needs min_fields of 2"):
        _rule("cms_chrome", {"match": "fields", "max_words": 40, "min_fields": 1, "phrases": {"en": ["tags:"]}})


@pytest.mark.parametrize("line", ["Categories", "Categorias", "Kategorien"])
def test_a_bare_categories_label_goes(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", ["Our Standards: The Border Courier Trust Principles.", "Our Standards:The Wire's Principles.",
                                  "Learn more about our editorial standards"])
def test_a_wire_or_publishers_standards_line_goes(line):
    assert line_kind(line) == "syndication"


def test_a_sentence_about_standards_stays():
    assert line_kind("Our standards are high, the minister told the delegations on Tuesday.") is None


@pytest.mark.parametrize("line", ["Advertisement: New Book on the Border Talks!", "Anzeige: Jetzt testen", "PIN FOR LATER",
                                  "Book a demo", "Contact Us", "Sponsored: The river cruise of the year"])
def test_ad_labels_opening_a_line_and_call_to_action_lines_go(line):
    assert is_boilerplate_line(line)


@pytest.mark.parametrize("line", ["Advertisements for the crossings ran in both countries' papers.",
                                  "Contact us, the ministry said, was all the fishermen were told."])
def test_sentences_opening_with_those_words_stay(line):
    assert not is_boilerplate_line(line)


# Sign-in and paywall prompts, donation appeals and cookie notices: in most of the publishers' languages.
NEWS_SITE_LANGUAGES = {"pl", "cs", "sk", "hu", "ro", "sv", "da", "nb", "fi", "uk", "el", "id", "he", "hi"}


@pytest.mark.parametrize("kind", ["sign_in", "appeals", "cookies"])
def test_sign_in_appeal_and_cookie_kinds_speak_the_news_sites_languages(kind):
    languages = languages_of(kind)
    assert languages >= NEWS_SITE_LANGUAGES, sorted(NEWS_SITE_LANGUAGES - languages)


@pytest.mark.parametrize(("line", "kind"), [
    ("Zaloguj się, aby czytać dalej", "sign_in"), ("Är du redan prenumerant? Logga in", "sign_in"),
    ("Kirjaudu sisään lukeaksesi koko jutun", "sign_in"), ("Pentru a continua lectura, abonează-te.", "sign_in"),
    ("Wesprzyj nas już dziś!", "appeals"), ("Podpořte nezávislou žurnalistiku darem", "appeals"),
    ("Ta strona używa plików cookie w celu świadczenia usług.", "cookies"),
    ("Vi bruker informasjonskapsler for å gi deg en bedre opplevelse.", "cookies"),
    ("Ez a weboldal sütiket használ a jobb felhasználói élményért.", "cookies"),
])
def test_sign_in_appeal_and_cookie_lines_in_the_publishers_languages(line, kind):
    assert line_kind(line) == kind


@pytest.mark.parametrize("line", [
    "Ministrowie zalogowali się do systemu granicznego w poniedziałek.",
    "Rząd przyjął ustawę o plikach cookie po długiej debacie w Sejmie, podała agencja.",
    "Prezydent poparł nas w negocjacjach, powiedział minister spraw zagranicznych.",
])
def test_sentences_about_those_subjects_stay(line):
    assert line_kind(line) is None


@pytest.mark.parametrize("line", ["Koniec artykułu", "Přehrát video", "Teljes képernyő", "Toista video",
                                  "Twoja przeglądarka nie obsługuje odtwarzania wideo.", "Selaimesi ei tue videota"])
def test_end_markers_and_video_player_lines_in_the_publishers_languages(line):
    assert line_kind(line) == "end_markers"


@pytest.mark.parametrize("line", ["Related post: Fishermen freed after the border talks", "Related Article: Crossings reopen",
                                  "Related story: The river survey begins"])
def test_a_related_post_line_goes(line):
    assert is_boilerplate_line(line)
