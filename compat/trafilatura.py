"""trafilatura made faster in our processes, with the same results: its slowest XPath expressions
rewritten, and its HTML parser's element classes looked up in C.

XPath. On the generated network's pages XPath took 4.8 ms of trafilatura's 7.6 ms per page, nearly
all of it in a few expressions that walk the whole raw page (bench/RESULTS.md, issue #9). Two habits
of those expressions are slow in libxml2 and lxml, and both can be removed without changing what is
selected:

- `.//*[self::div or self::section]` tests a predicate on every element of the page (about 1 µs
  each); `(.//div | .//section)` lets libxml2 match names while it walks, about 4x faster. For
  predicates that do not use position() the two select the same elements, in document order.
- `re:test(@id, ...)` (EXSLT regular expressions) is a call back into Python, about 3 µs each, two
  or three per `div`. A cheap C-level predicate put in front of it (`contains()`, or "has one of
  these attributes"), which every element the regular expression accepts also passes, saves the
  calls for the elements that cannot match. Predicates filter in sequence, so `[pre][test]`
  selects what `[test]` selects when `test` implies `pre`.

Each prefilter is derived by hand from the expression's regular expressions (the comment beside it
says how); tests/test_trafilatura_speedups.py checks on every page we have that both versions select
the same elements and that extraction gives the same text. A rewrite is installed only onto the
exact expression it was derived from (its text is fingerprinted): a trafilatura release that
changes an expression keeps its own, correct, slower version, and that test says which one to
derive again.

Element classes. lxml.html's parser gives each element a Python class chosen by a lookup written
in Python, called whenever lxml hands an element to Python: about 1,800 times per page in
trafilatura. It only singles out form controls (FormElement, InputElement, ...), whose extra
methods neither trafilatura nor our code uses; a C-level lookup that gives every element
lxml.html's HtmlElement saves 0.3 ms per page (4% of our extraction).

Hand-over. `trafilatura.extract(tree)` copies the tree it is given before it prunes it, so the
caller's tree stays whole: 0.4 ms for a 110 KB page. Our extraction reads everything it needs from
the tree first and then hands it over (`handed_over(tree)`): that one defensive copy is skipped,
and only for that tree. trafilatura's other copies (its backups of the tree between stages) are
made as before. Installed only onto the exact `bare_extraction` it was written for (its source is
fingerprinted, as the expressions are).

Invalid characters. Before parsing, trafilatura deletes the characters XML does not allow with a
regular expression run over the whole page (0.5 ms for 110 KB), though pages almost never have
one. `_InvalidXmlChars` first looks for them in C (the page encoded to UTF-8, the allowed bytes
deleted, the two non-characters searched for) and runs the expression only when one is there: the
same string either way. Installed only onto the exact expression it was written for.

Guards. Every piece is installed only when it recognises what it replaces, and a piece that does
not is skipped and recorded (compat.record: logged once per process, listed by `newsdesk config`,
counted in the run's stats), never an exception: a trafilatura release that renames a table,
drops a module or ships without sources costs speed, not pages.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import threading
from contextlib import contextmanager
from dataclasses import dataclass

from lxml import etree, html
from lxml.etree import XPath

from compat import record

LIBRARY = "trafilatura"
try:
    from trafilatura import core, utils, xpaths
except ImportError as _missing:  # a release that reorganised its modules: nothing here applies
    core = utils = xpaths = None
    _MISSING = f"trafilatura has no {_missing.name or 'core/utils/xpaths'} module"
else:
    _MISSING = ""


@dataclass(frozen=True)
class Rewrite:
    table: str                   # the list in trafilatura.xpaths that holds the expression
    index: int
    fingerprint: str             # sha256 of the original expression's text, first 16 hex digits
    tags: tuple[str, ...] = ()   # the `.//*[self::a or self::b]` head to turn into `(.//a | .//b)`
    after: str = ""              # without tags: the prefilter goes right after this text
    prefilter: str = ""          # implied by the predicate that follows
    first_per_parent: bool = False  # the original ends in `[1]`: see apply()

    def apply(self, path: str) -> str:
        if self.tags:
            self_test = " or ".join(f"self::{tag}" for tag in self.tags)
            anchor, replacement = f".//*[{self_test}]", "(" + " | ".join(f".//{tag}" for tag in self.tags) + ")"
        else:
            anchor, replacement = self.after, self.after
        if anchor not in path:
            raise ValueError(f"{self.table}[{self.index}]: {anchor!r} not in the expression")
        prefilter = f"[{self.prefilter}]" if self.prefilter else ""
        if self.first_per_parent:
            # `.//*[T][P][1]` keeps, among each element's children, the first that passes T and P: in
            # a union that is an element passing T and P with no preceding sibling that does.
            body = path.rstrip()
            if not body.endswith("][1]"):
                raise ValueError(f"{self.table}[{self.index}]: no [1] at the end")
            predicate = body[body.index(anchor) + len(anchor):-len("[1]")]
            return (f"{replacement}{prefilter}{predicate}"
                    f"[not(preceding-sibling::*[{self_test}]{prefilter}{predicate})]")
        return path.replace(anchor, replacement + prefilter, 1)


COMMENT_IDS_AND_CLASSES = (
    # ids: [Cc]omment(?!ary), comol, disqus_thread, dsq-comments; classes: [Cc]omment(?!ary),
    # (article|post)-comments. Every alternative contains "omment", "comol" or "disqus_thread".
    "contains(@id, 'omment') or contains(@id, 'comol') or contains(@id, 'disqus_thread')"
    " or contains(@class, 'omment')"
)

REWRITES = (
    Rewrite("REMOVE_COMMENTS_AND_LISTS_XPATH", 0, "9cc18d34e6e2d258",
            tags=("div", "list", "section", "details", "ol", "ul"), prefilter=COMMENT_IDS_AND_CLASSES),
    Rewrite("REMOVE_COMMENTS_XPATH", 0, "5d97216ca15d0558",
            tags=("div", "list", "section", "details"), prefilter=COMMENT_IDS_AND_CLASSES),
    # mvp-post-add-(box|wrap), infinite-?scroll, on the id or the class.
    Rewrite("RAW_TREE_PRUNE_XPATH", 0, "01e7c660fd6406f2",
            tags=("div", "section", "aside"),
            prefilter="contains(@id, 'mvp-post-add-') or contains(@id, 'infinite')"
                      " or contains(@class, 'mvp-post-add-') or contains(@class, 'infinite')"),
    Rewrite("RAW_TREE_PRUNE_XPATH", 1, "3c7afe92279543d5", tags=("div", "section", "aside")),
    # The first body candidate. Its [1] picks the first match among each element's children,
    # which the union form says with a preceding-sibling test (see Rewrite.apply).
    # @class='post'|'entry', @itemprop='articleBody', @id='articleContent'; id tokens
    # (entry|article|art)-content, article__content, article(-|__)?body, articleBody, body-text;
    # class tokens post[-_]text, post-body, post-?entry, post[-_]?content, postContent,
    # post_inner_wrapper, article-?text, articleText, (entry|page|text|article|art)-content,
    # article__content, article(-|__)?body, articleBody, ArticleContent, body-text,
    # article__container. Each contains "post", "rticle", "-content", "content" (ids) or
    # "body-text", or is one of the equality tests repeated in the prefilter.
    Rewrite("BODY_XPATH", 0, "caaa561ceca17064",
            tags=("article", "div", "main", "section"), first_per_parent=True,
            prefilter="@class='entry' or @itemprop='articleBody'"
                      " or contains(@id, 'content') or contains(@id, 'rticle') or contains(@id, 'body-text')"
                      " or contains(@class, 'post') or contains(@class, 'rticle')"
                      " or contains(@class, '-content') or contains(@class, 'body-text')"),
    # Boilerplate blocks: every test reads @id, @class, @role, @data-component or
    # @data-lp-replacement-content, so an element with none of them cannot match (many <p> and
    # <span> have none). The token list is too long for contains() to pay.
    Rewrite("OVERALL_DISCARD_XPATH", 0, "a837e58a1b1ea116",
            tags=("div", "item", "list", "p", "section", "span"),
            prefilter="@id or @class or @role or @data-component or @data-lp-replacement-content"),
    # Hidden and comment-title blocks: tests on @class, @id, @style and @aria-hidden only.
    Rewrite("OVERALL_DISCARD_XPATH", 1, "c1d5b70b8cd03783",
            after=".//*", prefilter="@id or @class or @style or @aria-hidden"),
)


def fingerprint(path: str) -> str:
    return hashlib.sha256(path.encode()).hexdigest()[:16]


C_LEVEL_LOOKUP = etree.ElementDefaultClassLookup(element=html.HtmlElement, comment=html.HtmlComment,
                                                 pi=html.HtmlProcessingInstruction, entity=html.HtmlEntity)
PUBLISHED_LOOKUP = html.HtmlElementClassLookup()

_originals: dict[tuple[str, int], XPath] = {}
_installed = False
_compiled: dict[tuple[str, int], XPath] = {}


def _expression_for(rewrite: Rewrite, original: XPath) -> XPath:
    key = (rewrite.table, rewrite.index)
    if key not in _compiled:
        # The namespaces are those trafilatura compiles these expressions with (re: is EXSLT's).
        _compiled[key] = XPath(rewrite.apply(original.path), namespaces={"re": xpaths.REGEXP_NS})
    return _compiled[key]


def install() -> list[str]:
    """Swap the rewritten expressions into trafilatura's tables, in place, so that every module
    of trafilatura that imported a table sees them, and the C-level lookup into its parser.
    Idempotent. Returns the pieces left alone because they are not what they were derived from
    (each also recorded with its reason)."""
    global _installed
    if _MISSING:
        record(LIBRARY, "speedups", False, _MISSING)
        return ["trafilatura modules"]
    _installed = True
    skipped: list[str] = []

    def applies(name: str, found: bool, reason: str = "") -> bool:
        record(LIBRARY, name, found, reason)
        if not found:
            skipped.append(name)
        return found

    parser = getattr(utils, "HTML_PARSER", None)
    # lxml.html's own parser is the one whose Python-level class lookup we replace.
    if applies("utils.HTML_PARSER (element classes)", type(parser) is html.HTMLParser,
               f"utils.HTML_PARSER is {type(parser).__name__}, not lxml.html.HTMLParser"):
        parser.set_element_class_lookup(C_LEVEL_LOOKUP)
    copy_now = getattr(core, "copy", None)
    if copy_now is not _copy_unless_handed_over:
        reason = ("core.copy is not copy.copy" if copy_now is not copy.copy
                  else "bare_extraction's source is not the one the hand-over was written for")
        if applies("core.bare_extraction (hand-over)",
                   copy_now is copy.copy and _bare_extraction_fingerprint() == BARE_EXTRACTION_FINGERPRINT, reason):
            core.copy = _copy_unless_handed_over
    invalid = getattr(utils, "INVALID_XML_CHARS", None)
    if not isinstance(invalid, _InvalidXmlChars) and applies(
            "utils.INVALID_XML_CHARS",
            fingerprint(getattr(invalid, "pattern", "")) == INVALID_XML_CHARS_FINGERPRINT,
            "not the expression the C-level check was written for"):
        utils.INVALID_XML_CHARS = _InvalidXmlChars(invalid)
    for rewrite in REWRITES:
        key = (rewrite.table, rewrite.index)
        if key in _originals:
            continue
        table = getattr(xpaths, rewrite.table, None)
        original = table[rewrite.index] if isinstance(table, list) and len(table) > rewrite.index else None
        name = f"{rewrite.table}[{rewrite.index}]"
        if original is None:
            applies(name, False, f"xpaths.{rewrite.table} has no expression {rewrite.index}")
            continue
        if not applies(name, fingerprint(original.path) == rewrite.fingerprint,
                       "the expression changed: derive its prefilter again (tests/test_trafilatura_speedups.py)"):
            continue
        table[rewrite.index] = _expression_for(rewrite, original)
        _originals[key] = original
    return skipped


def uninstall() -> None:
    global _installed
    _installed = False
    if _MISSING:
        return
    parser = getattr(utils, "HTML_PARSER", None)
    if type(parser) is html.HTMLParser:
        parser.set_element_class_lookup(PUBLISHED_LOOKUP)
    if getattr(core, "copy", None) is _copy_unless_handed_over:
        core.copy = copy.copy
    if isinstance(getattr(utils, "INVALID_XML_CHARS", None), _InvalidXmlChars):
        utils.INVALID_XML_CHARS = utils.INVALID_XML_CHARS.pattern
    for (table, index), original in _originals.items():
        getattr(xpaths, table)[index] = original
    _originals.clear()


# The expression trafilatura removes XML-invalid characters with, and the bytes its characters are
# in UTF-8: the C0 controls other than tab, newline and carriage return, and U+FFFE, U+FFFF.
INVALID_XML_CHARS_FINGERPRINT = "57905031ffe4acc3"
_INVALID_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
_ALLOWED_BYTES = bytes(b for b in range(256) if b not in _INVALID_CONTROL_BYTES)
_INVALID_NONCHARACTERS = ("\ufffe".encode(), "\uffff".encode())


class _InvalidXmlChars:
    """trafilatura's INVALID_XML_CHARS, with its `sub` skipped when there is nothing to delete."""

    def __init__(self, pattern):
        self.pattern = pattern

    def has_match(self, string: str) -> bool:
        try:
            data = string.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: let the expression judge
            return True
        if data.translate(None, _ALLOWED_BYTES):
            return True
        # U+FFFE and U+FFFF share their first two bytes with every character from U+F000: one search
        # for those bytes, which pages rarely have, before the two exact ones.
        return b"\xef\xbf" in data and any(c in data for c in _INVALID_NONCHARACTERS)

    def sub(self, repl, string, count=0):
        return self.pattern.sub(repl, string, count) if self.has_match(string) else string

    def __getattr__(self, name):  # search, findall, pattern, ...: the expression's own
        return getattr(self.pattern, name)


# The bare_extraction whose first copy() of a tree passed in is its defensive copy of the caller's
# tree (`if tree is filecontent: tree = copy(tree)`), made before anything else copies it.
BARE_EXTRACTION_FINGERPRINT = "2e57adb3062086f9"
_hand_over = threading.local()


@functools.cache
def _bare_extraction_fingerprint() -> str:
    # Read once: the source file is parsed again on every call, and the benchmarks' plain baseline
    # uninstalls and installs around every page. No source (a build without .py files): no match.
    try:
        return fingerprint(inspect.getsource(core.bare_extraction))
    except (AttributeError, OSError, TypeError):
        return ""


def _copy_unless_handed_over(obj):
    if obj is getattr(_hand_over, "tree", None):
        _hand_over.tree = None  # the first copy only: trafilatura's backups are still made
        return obj
    return copy.copy(obj)


@contextmanager
def handed_over(tree):
    """For the duration, trafilatura.extract(tree) may prune `tree` itself instead of a copy: the
    caller reads nothing from it afterwards."""
    _hand_over.tree = tree
    try:
        yield tree
    finally:
        _hand_over.tree = None


@contextmanager
def trafilatura_as_published():
    """trafilatura as released for the duration: what the benchmarks' plain-trafilatura baseline
    runs, in a process where our extraction has installed the speed-ups."""
    installed = _installed
    uninstall()
    try:
        yield
    finally:
        if installed:
            install()
