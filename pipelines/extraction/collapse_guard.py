"""A page whose article came out as its first paragraphs: noticed, and extracted again in full.

trafilatura's fast mode (pipelines/extraction.py says why we use it) takes the first container
that looks like an article body. On some layouts that container holds only the lede, or the text
up to the first subheading, or one tab of several, and the rest of the article is lost: on 515
unseen pages of issue 17, 7 came out as 1-3 paragraphs where plain trafilatura kept the whole
body. An article lost whole is worse than any leftover line, so the guard is built to notice it,
cheaply, on every page:

1. Before extraction (the tree is still whole) the page's long paragraphs are counted: `<p>`
   elements of at least LONG_PARAGRAPH_CHARS characters, and as long runs of text written straight
   into block elements between `<br>`s (div soup). One XPath count, in C.
2. After extraction, the output's long lines are counted. When the page has at least
   MIN_PAGE_PARAGRAPHS long paragraphs and the output keeps fewer than half of them, the page
   *may* have collapsed; on most pages it has not, and nothing more is done.
3. Only then is the page looked at closely (parsed again: trafilatura pruned the first tree).
   Long paragraphs that cannot be the article's are left out of the count: those in navigation,
   headers, footers, asides and comment threads, and other stories' excerpts (a "related posts"
   grid, an article nested in the article: see `is_card_excerpt`), which a fuller extraction
   would wrongly take in. Each remaining paragraph is looked for in the output (by its first
   PROBE_CHARS characters): if more than half are missing, the page has collapsed. (A page whose
   long paragraphs are elsewhere than the article, and rightly left out, is not sent on.)
4. A collapsed page whose article is split into several containers of one kind (the same tag
   and class: body chunks between advertisements, one tab per section), of which trafilatura took
   the first, has them joined into the first and is extracted again as before; that text is taken
   at once when it misses none of the article's paragraphs. Every other collapsed page is
   extracted again with trafilatura's full algorithm (`fast=False`: its
   readability/jusText comparison, and `favor_recall=False`, without which that comparison is
   skipped for outputs over 2,500 characters, the case of a long lede). Of the texts, the one
   missing fewest of the article's paragraphs is taken (the earlier on a tie), and a new text only
   when it misses fewer than the first; otherwise the first stands.
   When both miss the article, the element holding most of its paragraphs is marked as the
   article body (`itemprop="articleBody"`, which trafilatura looks for first) and extracted again.
5. A page that kept its article but ran its paragraphs together into a few lines ("flattened":
   no line-by-line pass can clean it) gets the full algorithm's text when that keeps nearly as
   much of the article in lines of their own.

The thresholds are structural (half of the article's paragraphs), not fitted to pages: a page
that keeps half of its paragraphs is not collapsed, whatever else is wrong with it.
"""

from __future__ import annotations

import trafilatura
from lxml.etree import XPath

from compat.trafilatura import handed_over
from pipelines.extraction.markup_repairs import repair_markup
from pipelines.extraction.metadata import parse_tree
from pipelines.extraction.prose import PROSE_CHARS

LONG_PARAGRAPH_CHARS = PROSE_CHARS  # a paragraph of prose, not a caption, a label or a menu entry
MIN_PAGE_PARAGRAPHS = 3      # fewer: too little article to judge a collapse by
KEPT_SHARE = 0.5             # an output missing more than half of the article has collapsed
CARD_LEVELS = 3              # how far above a paragraph a teaser card may start
PROBE_CHARS = 40             # a paragraph is looked for in the output by its first characters
DENSE_SHARE = 0.7            # the element marked as the body holds this much of the article
FLAT_PARAGRAPHS_PER_LINE = 3  # more paragraphs than this per output line: run together
FLAT_TOLERANCE = 2           # paragraphs an unflattened text may miss more than the flattened one

# Stage 1 runs on every page: the raw length (whitespace included) is the cheaper test, and a
# paragraph counted too many only sends a page to the closer look.
# A paragraph is a `<p>`, or, on pages that write their text straight into `<div>`s between `<br>`s
# ("div soup"), a long run of text directly in a block element. The blocks are named one by one
# in a union: libxml2 matches names while it walks, where a `self::` test per element costs twice
# the time (pipelines/trafilatura_speedups.py says the same of trafilatura's expressions).
_BLOCKS = ("div", "td", "section", "article", "main")
_COUNT_LONG_PARAGRAPHS = XPath(
    f"count(//p[string-length(.) >= {LONG_PARAGRAPH_CHARS}]"
    + "".join(f" | //{block}/text()[string-length(.) >= {LONG_PARAGRAPH_CHARS}]" for block in _BLOCKS) + ")")
_NOT_CHROME = ("[not(ancestor::nav or ancestor::header or ancestor::footer or ancestor::aside"
               " or ancestor::*[self::div or self::section or self::ol or self::ul]"
               "[contains(@id, 'omment') or contains(@class, 'omment')])]")
_ARTICLE_PARAGRAPH_CANDIDATES = XPath(
    f"//body//p[string-length(normalize-space()) >= {LONG_PARAGRAPH_CHARS}]{_NOT_CHROME}")
_ARTICLE_TEXT_RUNS = XPath(" | ".join(
    f"//body//{block}/text()[string-length(normalize-space()) >= {LONG_PARAGRAPH_CHARS}]{_NOT_CHROME}"
    for block in _BLOCKS))
_LONG_PARAGRAPHS_IN = XPath(f"count(.//p[string-length(normalize-space()) >= {LONG_PARAGRAPH_CHARS}])")
_HEADLINE_LINKS = XPath(".//a[@href][string-length(normalize-space()) >= 12]")
_ARTICLE_ANCESTORS = XPath("ancestor::article")
# A heading that is text, not a link (nor in one): a section's own heading, where a teaser card's
# headline links to its story.
_UNLINKED_HEADINGS = XPath(".//*[self::h2 or self::h3 or self::h4 or self::h5 or self::h6]"
                           "[not(ancestor::a) and not(.//a)][normalize-space()]")
MIN_HEADLINE_WORDS = 3

FALLBACK_OPTIONS = {"fast": False, "favor_recall": False}


def page_paragraphs(tree) -> int:
    """Stage 1: the page's long paragraphs, counted before extraction prunes the tree."""
    return int(_COUNT_LONG_PARAGRAPHS(tree))


def long_lines(text: str | None) -> int:
    return sum(1 for line in (text or "").split("\n") if len(line.strip()) >= LONG_PARAGRAPH_CHARS)


def may_have_collapsed(paragraphs_on_page: int, text: str | None) -> bool:
    """Stage 2: the output keeps fewer than half of the page's long paragraphs."""
    return paragraphs_on_page >= MIN_PAGE_PARAGRAPHS and long_lines(text) < KEPT_SHARE * paragraphs_on_page


def _first_class(element) -> str:
    classes = (element.get("class") or "").split()
    return classes[0] if classes else ""


def _repeats(element) -> bool:
    parent = element.getparent()
    if parent is None:
        return False
    tag, first_class = element.tag, _first_class(element)
    return any(sibling is not element and sibling.tag == tag and _first_class(sibling) == first_class
               for sibling in parent)


def _has_headline_link(element, paragraph) -> bool:
    for link in _HEADLINE_LINKS(element):
        if not _inside(link, paragraph) and len(link.text_content().split()) >= MIN_HEADLINE_WORDS:
            return True
    return False


def _inside(element, container) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def is_card_excerpt(paragraph) -> bool:
    """The paragraph belongs to another story, not to the page's article: it sits in an `<article>`
    nested in another (HTML's markup for related content: comments, related posts), or it is the
    excerpt of a teaser card, an element within CARD_LEVELS of it that holds this one long
    paragraph and a headline link to another page besides, and that repeats (a sibling of the same
    tag and first class), as the cards of a "related posts" grid do.

    An article's own paragraphs share their container with the other paragraphs, so no element
    above them holds exactly one; an article laid out as cards (one plant, one product per card)
    has headings of its own: a card whose heading is text, not a link, is a section of the article
    even when it links to something else (the product it is about). Misjudging an article's
    paragraph as a card only makes the guard less eager, never the output worse.
    """
    if len(_ARTICLE_ANCESTORS(paragraph)) >= 2:
        return True
    element = paragraph.getparent()
    for _ in range(CARD_LEVELS):
        if element is None or element.tag in ("body", "html"):
            return False
        if _LONG_PARAGRAPHS_IN(element) > 1:
            return False
        if _repeats(element) and _has_headline_link(element, paragraph):
            return not _UNLINKED_HEADINGS(element)
        element = element.getparent()
    return False


def article_paragraph_nodes(tree) -> list[tuple[object, str]]:
    """Stage 3: the long paragraphs that may be the article's (no chrome, comments or cards), as
    (the element that holds the paragraph, its text with whitespace collapsed), in document order."""
    found = [(paragraph.getparent(), " ".join(paragraph.text_content().split()))
             for paragraph in _ARTICLE_PARAGRAPH_CANDIDATES(tree) if not is_card_excerpt(paragraph)]
    found += [(run.getparent(), " ".join(run.split())) for run in _ARTICLE_TEXT_RUNS(tree)]
    return found


def article_paragraph_texts(tree) -> list[str]:
    return [text for _, text in article_paragraph_nodes(tree)]


def article_paragraphs(tree) -> int:
    return len(article_paragraph_nodes(tree))


def missing_share(paragraphs: list[str], text: str | None) -> float:
    """The share of the article's paragraphs that the extracted text does not contain (each is
    looked for by its first PROBE_CHARS characters, whitespace collapsed on both sides)."""
    if not paragraphs:
        return 0.0
    found = " ".join((text or "").split())
    return sum(1 for paragraph in paragraphs if paragraph[:PROBE_CHARS] not in found) / len(paragraphs)


def split_body(nodes: list[tuple[object, str]]) -> list:
    """The containers of an article split into several of the same kind (the same tag and class:
    "article__body" chunks between advertisements, one tab per section), when the article's
    paragraphs are spread over two or more of them; else []. trafilatura takes the first
    container that looks like a body, so it keeps the first chunk only."""
    groups: dict[tuple[str, str], list] = {}
    for container, _ in nodes:
        if container is None or not container.get("class"):
            continue
        members = groups.setdefault((container.tag, container.get("class")), [])
        if not any(member is container for member in members):
            members.append(container)
    # Containers nested in one another are one container (and joining them would move an element
    # into itself).
    groups = {key: [m for m in members if not any(_inside(m, other) for other in members if other is not m)]
              for key, members in groups.items()}
    spread = [members for members in groups.values() if len(members) > 1]
    return max(spread, key=len) if spread else []


def _joined(tree, containers: list):
    """The tree with every container's children moved into the first, in document order."""
    first = containers[0]
    for other in containers[1:]:
        for child in list(other):
            first.append(child)
        if other.text and other.text.strip():
            first.append(_paragraph(first, other.text))
    return tree


def _paragraph(anchor, text: str):
    paragraph = anchor.makeelement("p")
    paragraph.text = text
    return paragraph


def _extract(tree, url: str | None, options: dict) -> str | None:
    repair_markup(tree)  # as the first extraction saw the page (extractor.py)
    with handed_over(tree):
        return trafilatura.extract(tree, url=url, output_format="txt", **options)


def fuller_text(html: str, text: str | None, url: str | None, options: dict) -> str | None:
    """Stages 3 and 4 for a page that may have collapsed: a fuller text when the first one did
    collapse (it misses more than half of the article's paragraphs) and the fuller one misses
    fewer of them; None otherwise. An article split into several containers of one kind is
    joined and extracted again as before; anything else goes to trafilatura's full algorithm."""
    tree = parse_tree(html)
    if tree is None:
        return None
    nodes = article_paragraph_nodes(tree)
    paragraphs = [paragraph for _, paragraph in nodes]
    missing = missing_share(paragraphs, text)
    if len(paragraphs) < MIN_PAGE_PARAGRAPHS:
        return None
    if missing <= KEPT_SHARE:
        return _unflattened(tree, paragraphs, text, missing, url, options) if flattened(paragraphs, text) else None
    best, best_missing = None, missing
    containers = split_body(nodes)
    if containers:
        joined = _extract(_joined(tree, containers), url, options)
        joined_missing = missing_share(paragraphs, joined)
        if joined_missing < best_missing:
            best, best_missing = joined, joined_missing
        if best_missing == 0:
            return best
        tree = parse_tree(html)  # trafilatura pruned the joined tree
    # The full algorithm is asked even when the joined text misses only a paragraph or two: what
    # lies outside the chunks (an intro, a closing paragraph, a table) is where it was.
    fuller = _extract(tree, url, {**options, **FALLBACK_OPTIONS})
    fuller_missing = missing_share(paragraphs, fuller)
    if fuller_missing < best_missing:
        best, best_missing = fuller, fuller_missing
    if best_missing <= KEPT_SHARE:
        return best
    # Both missed the article: mark the element that holds most of its paragraphs as the body.
    tree = parse_tree(html)
    container = densest_container(article_paragraph_nodes(tree))
    if container is None:
        return best
    container.set("itemprop", "articleBody")
    marked = _extract(tree, url, options)
    return marked if missing_share(paragraphs, marked) < best_missing else best


def flattened(paragraphs: list[str], text: str | None) -> bool:
    """The output holds the article's paragraphs, run together into a few lines: trafilatura took
    a container as one run of text (inline markup only, as it judged), and every paragraph,
    caption and call to action became one line that no line-by-line pass can clean. Fewer than
    one line for FLAT_PARAGRAPHS_PER_LINE paragraphs found is that."""
    lines = [" ".join(line.split()) for line in (text or "").split("\n") if line.strip()]
    holding = [line for line in lines if any(p[:PROBE_CHARS] in line for p in paragraphs)]
    found = sum(1 for p in paragraphs if any(p[:PROBE_CHARS] in line for line in holding))
    return found >= MIN_PAGE_PARAGRAPHS and len(holding) * FLAT_PARAGRAPHS_PER_LINE < found


def _unflattened(tree, paragraphs: list[str], text: str | None, missing: float, url: str | None,
                 options: dict) -> str | None:
    """trafilatura's full algorithm on a flattened page: its text when it keeps nearly as much of
    the article (FLAT_TOLERANCE paragraphs: a paragraph or two is a fair price for lines that can
    be cleaned) in lines of their own; None otherwise."""
    fuller = _extract(tree, url, {**options, **FALLBACK_OPTIONS})
    lost = (missing_share(paragraphs, fuller) - missing) * len(paragraphs)
    if lost <= FLAT_TOLERANCE and not flattened(paragraphs, fuller):
        return fuller
    return None


def densest_container(nodes: list[tuple[object, str]]):
    """The deepest element that holds at least DENSE_SHARE of the article paragraphs' text, below
    `<body>`; None when only the body does (the paragraphs are spread over the page)."""
    total = sum(len(text) for _, text in nodes)
    held: dict[int, list] = {}
    for container, text in nodes:
        element = container
        while element is not None and element.tag not in ("body", "html"):
            held.setdefault(id(element), [element, 0])[1] += len(text)
            element = element.getparent()
    dense = [element for element, chars in held.values() if chars >= DENSE_SHARE * total]
    return max(dense, key=lambda element: sum(1 for _ in element.iterancestors()), default=None)
