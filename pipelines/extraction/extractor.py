"""One fetched page in, one clean article record out: decoding, trafilatura, our cleaning, metadata.

This function is the whole of extraction and cleaning. The crawl (in worker processes), `newsdesk
extract` and `newsdesk reprocess` all call it, so what an operator sees is what the crawl stores.
"""

from __future__ import annotations

from datetime import UTC, datetime

import trafilatura

from compat.trafilatura import handed_over
from compat.trafilatura import install as install_trafilatura_speedups
from core.outcomes import Rejected
from core.records import ArticleData
from core.sanitise import fit_article
from pipelines.extraction.cleaning.boilerplate import remove_boilerplate_lines
from pipelines.extraction.cleaning.bylines import extract_byline, remove_author_bio, split_authors
from pipelines.extraction.cleaning.dateline import find_dateline
from pipelines.extraction.cleaning.headline import (
    match_key,
    remove_headline_fragments,
    title_variants,
)
from pipelines.extraction.cleaning.kinds import remove_boilerplate_kinds
from pipelines.extraction.cleaning.normalise import join_paragraphs, normalise_line, paragraphs_of
from pipelines.extraction.cleaning.repeated_lines import remove_repeated_lines
from pipelines.extraction.cleaning.teasers import link_texts, remove_teasers
from pipelines.extraction.collapse_guard import fuller_text, may_have_collapsed, page_paragraphs
from pipelines.extraction.dates import choose_dates
from pipelines.extraction.decoding import check_html, decode_html
from pipelines.extraction.language import detect_language, primary_language
from pipelines.extraction.list_numbers import without_bullet
from pipelines.extraction.markup_repairs import repair_markup
from pipelines.extraction.metadata import parse_tree, read_metadata
from pipelines.extraction.page_kind import not_an_article
from pipelines.extraction.tags import with_tags
from pipelines.extraction.titles import choose_title

# Same results, about 45% less of trafilatura's time on our benchmark pages (see the module).
install_trafilatura_speedups()

DEFAULT_MIN_TEXT_CHARS = 250

# How trafilatura is asked to work, and why (figures from bench/extraction.py, 181 pages):
# - fast=True: skips the fallback extractors (readability, jusText). Alone it scores F1 0.962 vs
#   0.960 for the default, at 0.63x the time; the one page of 181 where the fallback was needed
#   loses most of its text. The time saved pays for our metadata reading and cleaning, and for
#   the crawl's throughput. Pages cut to their lede that way are noticed and extracted again in
#   full by collapse_guard.py (issue 17: 7 of 515 unseen pages).
# - favor_recall=True: keeps more of the borderline text, which our cleaning passes then judge
#   line by line; with them it scores F1 0.973 (vs 0.972 without) and costs 10% less time
#   (fewer pruning passes over the tree).
# - include_comments=False: reader comments are not the article.
# - include_tables=True: foreign-affairs copy carries tables (vote counts, trade figures).
# - deduplicate=False: its LRU cache is per process and remembers across pages, so the same
#   page could come out differently depending on what the worker saw before (trafilatura #778);
#   our own repeated-line pass does the per-page job deterministically.
# - with_metadata=False: we read JSON-LD and meta tags ourselves (metadata.py), from the same
#   parsed tree trafilatura gets (it copies the tree, so one parse serves both).
TRAFILATURA_OPTIONS = {
    "fast": True,
    "favor_recall": True,
    "include_comments": False,
    "include_tables": True,
    "include_images": False,
    "include_links": False,
    "deduplicate": False,
    "with_metadata": False,
}


def extract_page(body: bytes | str, *, url: str | None = None, content_type: str | None = None,
                 hints: dict | None = None, min_text_chars: int = DEFAULT_MIN_TEXT_CHARS,
                 now: datetime | None = None, publisher_country: str | None = None, tags: bool = True) -> ArticleData:
    """Extract and clean one page. Raises Rejected(reason) for pages that are not stored.

    `publisher_country` (the source's, ISO alpha-2) only helps the tagger decide ambiguous names;
    `tags=False` leaves the country and organisation tags empty (benchmarks measure their cost)."""
    hints = hints or {}
    now = now or datetime.now(UTC)
    if isinstance(body, bytes):
        check_html(body, content_type)
        html, encoding = decode_html(body, content_type)
    else:
        html, encoding = body, None
        if not html.strip():
            raise Rejected("empty")
    tree = parse_tree(html)
    if tree is None:
        raise Rejected("malformed", "no HTML element found")
    meta = read_metadata(tree)
    listing = not_an_article(tree, meta)
    if listing:
        raise Rejected("not_article", listing)
    # Dates before trafilatura: it prunes the tree in place, and htmldate may need the tree.
    published_at, updated_at = choose_dates(
        published=meta.published, modified=meta.modified, hint_published=hints.get("published"),
        hint_updated=hints.get("updated"), tree=tree, url=url, now=now,
    )
    headings = [" ".join(h.text_content().split()) for h in tree.xpath("//h1")[:5]]
    links = link_texts(tree, url)
    paragraphs_on_page = page_paragraphs(tree)
    repair_markup(tree)  # what makes trafilatura discard the article's own text (markup_repairs.py)
    # Everything is read from the tree: trafilatura may prune it instead of a copy of it.
    with handed_over(tree):
        raw_text = trafilatura.extract(tree, url=url, output_format="txt", **TRAFILATURA_OPTIONS)
    del tree
    if may_have_collapsed(paragraphs_on_page, raw_text):  # the article cut to its lede (collapse_guard.py)
        raw_text = fuller_text(html, raw_text, url, TRAFILATURA_OPTIONS) or raw_text
    if not raw_text or not raw_text.strip():
        raise Rejected("no_text")

    title = choose_title(meta, headings) or normalise_line(hints.get("title") or "")
    if not title:
        raise Rejected("no_text", "no title")
    titles = title_variants(title, meta.title, meta.og_title, meta.twitter_title, meta.html_title,
                            *headings[:1], hints.get("title"))
    labels = {key for key in (match_key(meta.section or ""), match_key(meta.site_name or "")) if key}

    paragraphs = [without_bullet(paragraph) for paragraph in paragraphs_of(raw_text)]
    paragraphs, glued_labels = remove_headline_fragments(paragraphs, titles, labels)
    paragraphs = remove_teasers(paragraphs, links)
    stated_authors = split_authors(meta.authors)
    paragraphs, byline_authors = extract_byline(paragraphs, stated_authors)
    paragraphs = remove_author_bio(paragraphs, stated_authors + byline_authors)
    paragraphs = remove_boilerplate_lines(paragraphs)
    paragraphs = remove_boilerplate_kinds(paragraphs)
    paragraphs = remove_repeated_lines(paragraphs)
    text = join_paragraphs(paragraphs)
    if len(text) < min_text_chars:
        raise Rejected("too_short", f"{len(text)} characters after cleaning")

    site_key = match_key(meta.site_name or "")
    section = meta.section or next((label for label in glued_labels if match_key(label) != site_key), None)
    # Every field to its declared type, length and character set, or dropped: one field, never the page.
    article = fit_article(ArticleData(
        title=title,
        text=text,
        canonical_url=url or "",
        fetched_url=url,
        authors=stated_authors or split_authors(byline_authors),
        published_at=published_at,
        updated_at=updated_at,
        language=primary_language(meta.language) or detect_language(text),
        section=normalise_line(section) if section else None,
        dateline=find_dateline(paragraphs),
        description=normalise_line(meta.description) if meta.description else None,
        image_url=meta.image,
        canonical_link=meta.canonical_link,
        amp_link=meta.amp_link,
        site_name=meta.site_name,
        encoding=encoding,
    ))
    if not article.title:
        raise Rejected("no_text", "no title")
    return with_tags(article, publisher_country) if tags else article


def extract_text(html: str, url: str | None = None) -> str | None:
    """The cleaned body only (what bench/extraction.py scores); None when the page is rejected."""
    try:
        return extract_page(html, url=url, min_text_chars=1).text
    except Rejected:
        return None
