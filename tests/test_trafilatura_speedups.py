"""trafilatura with our speed-ups selects and extracts what trafilatura as released does (compat/trafilatura.py)."""

from __future__ import annotations

import copy
import gzip
from datetime import UTC, datetime

import pytest
from trafilatura import xpaths

from compat import trafilatura as trafilatura_speedups
from core.outcomes import Rejected
from newsdesk.samplenet.generated import GeneratedNetwork
from pipelines.extraction.decoding import decode_html
from pipelines.extraction.extractor import TRAFILATURA_OPTIONS, extract_page
from pipelines.extraction.metadata import parse_tree
from tests.conftest import SHARED

# One element for every alternative of every regular expression a prefilter stands in front of,
# and for every attribute the attribute-presence prefilters rely on: if a prefilter were not implied
# by its expression, one of these would be selected by the original and not by the rewrite.
MATCHING_ELEMENTS = """
<div id="comments">a</div><div id="Comment-7">a</div><div id="comol">a</div>
<div id="disqus_thread">a</div><div id="dsq-comments">a</div><section class="comment-list">a</section>
<details class="Comments">a</details><div class="article-comments">a</div><ul class="post-comments"><li>a</li></ul>
<ol id="commentlist"><li>a</li></ol><div id="commentary">kept: (?!ary)</div>
<div class="mvp-post-add-box">a</div><aside id="mvp-post-add-wrap"><h1>a</h1></aside>
<section class="infinite-scroll">a</section><div id="infinitescroll">a</div>
<div class="elementor-share-buttons x">a</div>
<div class="post">a</div><div class="entry">a</div><main itemprop="articleBody">a</main>
<div id="articleContent">a</div>
""" + "".join(f'<section id="{token}">a</section>' for token in (
    "entry-content", "article-content", "art-content", "article__content", "article-body",
    "article__body", "articlebody", "articleBody", "body-text")) + "".join(
    f'<article><div class="x {token}">a</div></article>' for token in (
        "post-text", "post_text", "post-body", "postentry", "post-entry", "post-content", "post_content",
        "postcontent", "postContent", "post_inner_wrapper", "article-text", "articletext", "articleText",
        "entry-content", "page-content", "text-content", "article-content", "art-content",
        "article__content", "article-body", "article__body", "articlebody", "articleBody",
        "ArticleContent", "body-text", "article__container")) + """
<p data-lp-replacement-content="1">a</p><span role="Navigation">a</span><div data-component="MostPopularStories">a</div>
<span id="cookie-bar">a</span><p class="share-tools">a</p><div id="main-nav">a</div><span class="byline">a</span>
<div class="comments-title">a</div><div id="reply-3">a</div><div style="visibility:hidden">a</div>
<p style="display: none">a</p><span id="akismet">a</span><div class="x hide-print">a</div>
<p aria-hidden="true">a</p><p>plain</p><span>plain</span>
<section id="siblings"><p>x</p><div class="post" id="first">a</div><div class="entry" id="second">a</div>
<main class="article-body" id="third"><div class="x"><section id="nested-first" class="post-content">a</section></div></main></section>
"""


def synthetic_tree():
    return parse_tree(f"<html><body><article><h1>Headline</h1>{MATCHING_ELEMENTS}</article></body></html>")


def rewritten_pairs():
    for rewrite in trafilatura_speedups.REWRITES:
        original = trafilatura_speedups._originals.get((rewrite.table, rewrite.index))
        if original is None:
            original = getattr(xpaths, rewrite.table)[rewrite.index]
        yield rewrite, original, trafilatura_speedups._expression_for(rewrite, original)


def assert_same_selection(tree, label: str) -> int:
    selected = 0
    for rewrite, original, faster in rewritten_pairs():
        expected, got = original(tree), faster(tree)
        assert got == expected, f"{rewrite.table}[{rewrite.index}] differs on {label}"
        selected += len(expected)
    return selected


def test_every_rewrite_applies_to_the_pinned_trafilatura():
    trafilatura_speedups.uninstall()
    skipped = trafilatura_speedups.install()
    assert skipped == [], (f"trafilatura changed {skipped}: derive their prefilters again from the new "
                           "text, then update the fingerprints")
    for rewrite in trafilatura_speedups.REWRITES:
        assert getattr(xpaths, rewrite.table)[rewrite.index] is not trafilatura_speedups._originals[
            (rewrite.table, rewrite.index)]


def test_a_changed_expression_is_left_alone():
    trafilatura_speedups.uninstall()
    table = xpaths.RAW_TREE_PRUNE_XPATH
    changed = type(table[1])(".//*[self::div or self::section or self::aside][contains(@class, 'other')]")
    saved, table[1] = table[1], changed
    try:
        assert trafilatura_speedups.install() == ["RAW_TREE_PRUNE_XPATH[1]"]
        assert table[1] is changed
    finally:
        trafilatura_speedups.uninstall()
        table[1] = saved
        trafilatura_speedups.install()


def test_every_alternative_is_selected_by_both_versions():
    tree = synthetic_tree()
    for rewrite, original, faster in rewritten_pairs():
        assert faster(tree) == original(tree), f"{rewrite.table}[{rewrite.index}]"
    # The examples reach every rewritten expression, or the comparison above would prove little.
    for rewrite, original, _ in rewritten_pairs():
        assert original(tree), f"no example element for {rewrite.table}[{rewrite.index}]"
    # BODY_XPATH[0] ends in [1]: the first match among each element's children, so of the three
    # matching siblings only the first, and the nested match (first among its own siblings).
    body_candidates = {element.get("id") for element in xpaths.BODY_XPATH[0](tree)}
    assert {"first", "nested-first"} <= body_candidates and not {"second", "third"} & body_candidates
    comment_blocks = [element.get("id") or element.get("class")
                      for element in xpaths.REMOVE_COMMENTS_AND_LISTS_XPATH[0](tree)]
    assert len(comment_blocks) == 11 and "commentary" not in comment_blocks  # (?!ary)


def test_the_context_node_itself_is_not_selected():
    # `.//*` and `(.//div | ...)` both start below the context node.
    tree = parse_tree('<html><body><div class="comment-list"><p>a</p></div></body></html>')
    div = tree.find(".//div")
    for rewrite, original, faster in rewritten_pairs():
        assert faster(div) == original(div), f"{rewrite.table}[{rewrite.index}]"
    assert xpaths.REMOVE_COMMENTS_XPATH[0](div) == []


def sample_network_pages(count: int = 60) -> list[tuple[str, bytes]]:
    network = GeneratedNetwork(3, count // 3)
    pages = []
    for key in network.keys:
        for path, page in network.build(key, f"http://{key}.test").items():
            if path.startswith("/news/"):
                pages.append((f"http://{key}.test{path}", page.body))
    return pages


def real_pages() -> list[tuple[str, bytes]]:
    pages = [(str(path), gzip.decompress(path.read_bytes()))
             for path in sorted((SHARED / "benchmarks" / "article-extraction" / "html").glob("*.html.gz"))]
    pages += [(str(path), path.read_bytes()) for path in sorted((SHARED / "fixtures").rglob("*.html"))]
    return pages


NOW = datetime(2026, 11, 28, tzinfo=UTC)


def texts(pages):
    out = []
    for url, body in pages:
        try:
            out.append(extract_page(body, url=url, now=NOW).as_json())
        except Rejected as rejected:
            out.append(rejected.reason)
    return out


def check_pages(pages) -> None:
    selected = 0
    for label, body in pages:
        try:
            tree = parse_tree(decode_html(body, None)[0])
        except Rejected:
            continue
        if tree is not None:
            selected += assert_same_selection(tree, label)
    assert selected > 0
    with trafilatura_speedups.trafilatura_as_published():
        expected = texts(pages)
    assert texts(pages) == expected


def test_the_sample_network_extracts_the_same():
    check_pages(sample_network_pages())


def test_real_pages_select_and_extract_the_same():
    pages = real_pages()
    if not pages:
        pytest.skip(f"{SHARED} is absent (the shared fixtures live beside the project, not in it)")
    check_pages(pages)


def test_elements_get_their_classes_in_c_and_lose_only_the_form_helpers():
    from lxml import html

    page = "<html><body><form><input name='q'></form><p>text</p></body></html>"
    tree = parse_tree(page)
    assert type(tree.find(".//form")) is html.HtmlElement and type(tree.find(".//p")) is html.HtmlElement
    assert tree.find(".//p").text_content() == "text"  # lxml.html's methods are all there
    with trafilatura_speedups.trafilatura_as_published():
        assert type(parse_tree(page).find(".//form")) is html.FormElement
    assert type(parse_tree(page).find(".//form")) is html.HtmlElement  # installed again


def test_a_handed_over_tree_is_pruned_in_place_and_extracts_the_same():
    import trafilatura

    page = sample_network_pages(3)[0][1].decode()
    size = len(list(parse_tree(page).iter()))
    kept = parse_tree(page)
    expected = trafilatura.extract(kept, output_format="txt", **TRAFILATURA_OPTIONS)
    assert expected and len(list(kept.iter())) == size  # not handed over: trafilatura pruned a copy

    given = parse_tree(page)
    with trafilatura_speedups.handed_over(given):
        assert trafilatura.extract(given, output_format="txt", **TRAFILATURA_OPTIONS) == expected
    assert len(list(given.iter())) < size  # pruned in place: the defensive copy was skipped
    # Only that copy: afterwards, and for any other tree, trafilatura copies again.
    again = parse_tree(page)
    assert trafilatura.extract(again, output_format="txt", **TRAFILATURA_OPTIONS) == expected
    assert len(list(again.iter())) == size


def test_a_changed_bare_extraction_keeps_its_copy(monkeypatch):
    from trafilatura import core

    trafilatura_speedups.uninstall()
    monkeypatch.setattr(trafilatura_speedups, "BARE_EXTRACTION_FINGERPRINT", "0" * 16)
    try:
        assert trafilatura_speedups.install() == ["core.bare_extraction (hand-over)"]
        assert core.copy is copy.copy
    finally:
        monkeypatch.undo()
        trafilatura_speedups.uninstall()
        assert trafilatura_speedups.install() == []
    assert core.copy is trafilatura_speedups._copy_unless_handed_over


def test_invalid_characters_are_deleted_exactly_as_trafilatura_does():
    from trafilatura import utils

    fast = utils.INVALID_XML_CHARS
    assert isinstance(fast, trafilatura_speedups._InvalidXmlChars)
    page = sample_network_pages(3)[0][1].decode()
    samples = [page, "", "plain ascii\ttab\nnewline\rreturn", "curly ’quotes’ — and ünïcode 中文", "emoji 😀 text",
               "lone \ud800 surrogate", "\ufffd replacement char"]
    samples += [f"a{chr(code)}b" for code in range(0x00, 0x20)]
    samples += [f"é{chr(code)}ü" for code in (0x01, 0x0B, 0x1F, 0xFFFE, 0xFFFF, 0xFFFD, 0x7F, 0x85)]
    samples += [page[:5000] + "\x07" + page[5000:], page + "\uffff"]
    for sample in samples:
        assert fast.sub("", sample) == fast.pattern.sub("", sample), repr(sample[:40])
    assert fast.sub("", page) is page  # nothing to delete: the expression did not run
    assert fast.has_match("a\x0bb") and fast.has_match("a\ufffeb") and not fast.has_match("a\tb\n\r")


def test_a_changed_invalid_characters_expression_is_left_alone(monkeypatch):
    import re

    from trafilatura import utils

    trafilatura_speedups.uninstall()
    changed = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
    monkeypatch.setattr(utils, "INVALID_XML_CHARS", changed)
    try:
        assert trafilatura_speedups.install() == ["utils.INVALID_XML_CHARS"]
        assert utils.INVALID_XML_CHARS is changed
    finally:
        trafilatura_speedups.uninstall()
        monkeypatch.undo()
        assert trafilatura_speedups.install() == []


def test_a_copy_trafilatura_does_not_get_from_the_copy_module_is_left_alone(monkeypatch):
    from trafilatura import core

    def its_own_copy(obj):
        return copy.copy(obj)

    trafilatura_speedups.uninstall()
    monkeypatch.setattr(core, "copy", its_own_copy)
    try:
        trafilatura_speedups.install()
        assert core.copy is its_own_copy
        trafilatura_speedups.uninstall()
        assert core.copy is its_own_copy
    finally:
        monkeypatch.undo()
        trafilatura_speedups.install()
    assert core.copy is trafilatura_speedups._copy_unless_handed_over
