"""Page shapes for the extraction-robustness tests (issue 17), with text written for them.

Each builder returns the HTML of one page in a layout that made extraction fail somewhere; the
text is ours (a fictional border meeting), so the tests say what must come out without relying on
anyone's captured pages.
"""

from __future__ import annotations

PARAGRAPHS = [
    "The foreign ministers of the two neighbouring countries met in the border town on Tuesday for "
    "the first time in three years, officials on both sides said.",
    "The talks, which lasted more than six hours, covered the reopening of two crossings closed since "
    "the floods, the exchange of detained fishermen and a joint survey of the river.",
    "Diplomats described the atmosphere as businesslike. Neither side issued a joint statement, but both "
    "ministries published summaries that matched on the main points.",
    "The crossings will reopen to freight traffic next month, according to the summaries, with passenger "
    "traffic to follow once new customs posts have been built.",
    "Forty-one fishermen held by each side will be released before the end of the year under an "
    "arrangement that the two ministries had been negotiating since the spring.",
    "The survey of the river, which has changed course twice in a decade, is to be carried out by "
    "engineers from both countries with help from a regional commission.",
    "Analysts said the meeting marked a cautious thaw after a long period in which contacts were limited "
    "to technical officials meeting in third countries.",
    "The ministers agreed to meet again in the capital of the other country in March, the summaries said, "
    "without giving a precise date for the visit.",
]
TITLE = "Ministers meet at the border for the first time in three years"


def paragraphs_html(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def page(body: str, *, head: str = "", title: str = TITLE, lang: str = "en") -> str:
    return (f"<html lang='{lang}'><head><title>{title}</title>{head}</head><body>"
            f"<header><nav><a href='/'>Home</a> <a href='/world/'>World</a></nav></header>{body}"
            f"<footer><p>© The Border Courier</p></footer></body></html>")


def collapsing_page() -> str:
    """The first container that looks like an article body holds only the lede (two paragraphs);
    the rest of the article sits in a sibling after a subheading: trafilatura's fast mode stops at
    the lede."""
    return page(f"<article><h1>{TITLE}</h1><div class='article-lede entry-content'>"
                f"{paragraphs_html(PARAGRAPHS[:2])}</div><h2>Crossings to reopen</h2>"
                f"<div class='story-rest'>{paragraphs_html(PARAGRAPHS[2:])}</div></article>")


def div_soup_page() -> str:
    """The text straight in a `<div>`, paragraphs separated by `<br>`s, the first two in a container
    that looks like the body."""
    lede = "<br><br>".join(PARAGRAPHS[:2])
    rest = "<br><br>".join(PARAGRAPHS[2:])
    return page(f"<div class='wrap'><h1>{TITLE}</h1><div class='entry-content'><div>{lede}</div>"
                f"<div class='box'><span>Advert</span></div></div><div class='more'>{rest}</div></div>")


def teaser_grid(count: int = 4) -> str:
    """A "related posts" grid: repeated cards, each a headline link, an image and an excerpt."""
    excerpt = ("An excerpt of another story on this site, long enough to look like a paragraph of "
               "prose to anyone who only counts characters, which is exactly the point of this card.")
    cards = "".join(
        f"<div class='card'><img src='/img/{n}.jpg' alt=''><h3><a href='/world/story-{n}'>Another story "
        f"about the region, number {n}</a></h3><p>{excerpt} ({n})</p></div>" for n in range(count))
    return f"<section class='related'><h2>Related posts</h2><div class='grid'>{cards}</div></section>"


def short_article_with_teaser_grid() -> str:
    """A short story (two paragraphs) and a grid of teaser cards: not a collapse, and the cards'
    excerpts must not be taken into the article."""
    return page(f"<article><h1>{TITLE}</h1><div class='entry-content'>{paragraphs_html(PARAGRAPHS[:2])}"
                f"</div></article>{teaser_grid()}")


def table_of_contents_page() -> str:
    """An article whose subheadings are also the entries of an in-page table of contents."""
    headings = ["How the talks were prepared for months", "What the two ministries agreed on",
                "What happens next for the fishermen"]
    toc = "".join(f"<li><a href='#part-{n}'>{h}</a></li>" for n, h in enumerate(headings))
    toc += f"<li><a>{headings[0]} again without a link</a></li>"
    sections = "".join(f"<h2 id='part-{n}'>{h}</h2>{paragraphs_html(PARAGRAPHS[2 * n:2 * n + 2])}"
                       for n, h in enumerate(headings))
    return page(f"<article><h1>{TITLE}</h1><nav class='toc'><ul>{toc}</ul></nav>{sections}</article>")


def split_body_page() -> str:
    """The article in three chunks of the same kind ("article__body"), each in its own grid row
    between advertisements: trafilatura takes the first chunk that looks like a body."""
    chunks = [PARAGRAPHS[:3], PARAGRAPHS[3:6], PARAGRAPHS[6:]]
    rows = "".join(f"<div class='grid-row'><div class='article__body'>{paragraphs_html(chunk)}</div>"
                   f"<aside class='ad-rail'><span>Advertisement</span></aside></div>" for chunk in chunks)
    return page(f"<main><h1>{TITLE}</h1><div class='chunks'>{rows}</div></main>")


INTRO = ("Before the meeting, neither government would say who had asked for it, and both foreign ministries "
         "played down the chances of an agreement on anything but the calendar of further talks.")


def split_body_with_intro_page() -> str:
    """The article as an intro paragraph of its own, then sections: each a heading and a chunk of
    one kind ("article__body"). Joining the chunks leaves the intro out; the full algorithm keeps it."""
    sections = zip(("Where the talks began", "What the ministers said", "What comes next"),
                   (PARAGRAPHS[:3], PARAGRAPHS[3:6], PARAGRAPHS[6:]), strict=True)
    rows = "".join(f"<h2>{heading}</h2><div class='article__body'>{paragraphs_html(chunk)}</div>"
                   for heading, chunk in sections)
    return page(f"<main><h1>{TITLE}</h1><div class='chunks'><div class='lede'><p>{INTRO}</p></div>{rows}</div></main>")


def accordion_page() -> str:
    """A guide whose last sections are accordion panels (the WAI-ARIA disclosure pattern: a button
    names its panel by `aria-controls`), closed as the page is served, plus a closed menu panel in
    the header and a closed panel holding only a short notice."""
    panels = "".join(
        f"<div class='faq-item'><button aria-expanded='false' aria-controls='answer-{n}'>Question {n}?</button>"
        f"<div id='answer-{n}' class='faq-answer hidden' style='display:none' aria-hidden='true'>"
        f"<p>{paragraph}</p></div></div>" for n, paragraph in enumerate(PARAGRAPHS[4:]))
    menu = ("<button aria-expanded='false' aria-controls='main-menu'>Menu</button><div id='main-menu' hidden>"
            f"<p>{'A long menu blurb that is written as one sentence and talks about every section. ' * 2}</p></div>")
    notice = ("<button aria-controls='notice'>Why?</button><div id='notice' hidden><p>Short notice.</p></div>")
    return (f"<html lang='en'><head><title>{TITLE}</title></head><body><header>{menu}</header>"
            f"<article><h1>{TITLE}</h1><div class='entry-content'>{paragraphs_html(PARAGRAPHS[:4])}"
            f"<h2>Questions and answers</h2>{panels}{notice}</div></article>"
            f"<footer><p>© The Border Courier</p></footer></body></html>")


QUOTE = ("We have waited three years for this meeting, and the fishermen's families have waited longer "
         "than anyone, so the first thing we discussed was their release.")


def figure_quote_page() -> str:
    """An article quoting a source as HTML recommends (a `<figure>` holding the `<blockquote>` and a
    `<figcaption>` naming the speaker), an image figure with its caption, and a social-media embed."""
    quote = f"<figure class='pull-quote'><blockquote><p>{QUOTE}</p></blockquote><figcaption>A deputy minister</figcaption></figure>"
    image = "<figure><img src='/img/river.jpg' alt=''><figcaption>The river at the crossing, seen from the bridge on Monday morning</figcaption></figure>"
    embed = ("<figure><blockquote class='social-media-post'><p>A post on a social network about the talks, "
             "long enough to be a sentence.</p></blockquote></figure>")
    return page(f"<article><h1>{TITLE}</h1><div class='entry-content'>{paragraphs_html(PARAGRAPHS[:3])}"
                f"{quote}{image}{paragraphs_html(PARAGRAPHS[3:])}{embed}</div></article>")


def presentational_wrapper_page() -> str:
    """A list article whose items sit in wrappers with a presentational modifier class (the words
    trafilatura takes for an icon or a carousel: "-icon", "slide"), beside a real icon and a menu."""
    items = "".join(f"<div class='list-item list-slides item-icon-style-arrow'><h2>Item {n}</h2>"
                    f"{paragraphs_html(PARAGRAPHS[2 * n:2 * n + 2])}</div>" for n in range(1, 4))
    return page(f"<article><h1>{TITLE}</h1><div class='entry-content'>{paragraphs_html(PARAGRAPHS[:2])}"
                f"{items}<span class='share-icon'>Share</span></div></article>"
                f"<nav class='menu-slides'>{paragraphs_html(['A long menu blurb written as prose. ' * 4] * 2)}</nav>")


def heading_anchor_page() -> str:
    """An article whose sections carry their heading's slug as id, one of them starting with a word
    trafilatura takes for chrome ("Menu ..."), and a real menu with a slug-like id."""
    sections = (f"<section id='crossings-to-reopen-next-month'><h2>Crossings to reopen next month</h2>"
                f"{paragraphs_html(PARAGRAPHS[2:4])}</section>"
                f"<section id='menu-of-measures-agreed-by-the-ministers'><h2>Menu of measures agreed by the ministers</h2>"
                f"{paragraphs_html(PARAGRAPHS[4:])}</section>")
    menu = (f"<div id='menu-main-navigation-wrapper'><ul><li><a href='/world/'>World</a></li></ul>"
            f"{paragraphs_html(['A long menu blurb written as prose for the whole site. ' * 3] * 2)}</div>")
    return page(f"<article><h1>{TITLE}</h1>{paragraphs_html(PARAGRAPHS[:2])}{sections}</article>{menu}")


def closed_early_page() -> str:
    """A template whose header include closes the document (`</body></html>` after the menu); the
    article, a related-posts list and the footer come after it, as browsers show them."""
    related = "".join(f"<li><a href='/world/story-{n}'>Another story about the region, number {n}</a>"
                      f"<p>An excerpt of another story...</p></li>" for n in range(4))
    return (f"<html lang='en'><head><title>{TITLE}</title></head><body><header><nav><a href='/'>Home</a>"
            f"</nav></header></body></html><main><article><h1>{TITLE}</h1><div class='entry-content'>"
            f"{paragraphs_html(PARAGRAPHS)}</div></article><aside><ul class='related'>{related}</ul>"
            f"</aside></main><footer><p>© The Border Courier</p></footer>")


def sections_as_cards_page() -> str:
    """An article whose sections are laid out as repeated cards, each with its own heading (text, not
    a link), one paragraph, and a link to the product the section is about."""
    cards = "".join(
        f"<section class='story-card'><div class='story-card__text'><h2>Section {n}</h2><p>{PARAGRAPHS[n]}</p></div>"
        f"<div class='story-card__product'><a href='/products/tool-{n}'>The product named in section {n}</a></div></section>"
        for n in range(1, len(PARAGRAPHS)))
    return page(f"<main><h1>{TITLE}</h1><div class='intro'><p>{PARAGRAPHS[0]}</p></div>{cards}</main>")


def look_alike_class_page() -> str:
    """An article in wrappers whose class words begin with a word trafilatura reads as chrome
    ("bar" in "bard", "meta" in "metabolism"), beside a real sidebar and a real meta line."""
    return page(f"<article><h1>{TITLE}</h1><div class='prose bard'>{paragraphs_html(PARAGRAPHS[:3])}</div>"
                f"<div class='entry-content'>{paragraphs_html(PARAGRAPHS[3:6])}</div>"
                f"<div class='topic-metabolism'>{paragraphs_html(PARAGRAPHS[6:])}</div>"
                f"<div class='post-meta'>Posted on Tuesday by the desk, in the world section</div></article>"
                f"<div class='sidebar'><p>{'A long sidebar blurb written as prose for every page. ' * 3}</p></div>")
