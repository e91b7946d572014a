"""Storing one article: the deduplication passes and the write, in one transaction.

The passes run in the order of the design: (1) URL canonicalisation has already given the article
its canonical URL and URL variants (stage 300); then, inside one transaction, a URL already known
means (4) a revision of that article; otherwise (2) an exact copy, (3) a near duplicate, or a new
article and a new story. Deciding and writing in one transaction, under locks on the keys the
decision depends on, is what makes two crawler processes storing copies of one story at the same
moment end with one story, not two.

Used by the crawl (pipelines/store.py), `newsdesk reprocess` and the benchmarks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import sanitise
from core.dates import utcnow
from core.records import ArticleData, RawPageData, Signature, SignatureParams
from core.urls import canonical_url
from pipelines.dedup.exact import ExactDuplicatePass
from pipelines.dedup.matches import ALIAS, COPY, REVISION
from pipelines.dedup.near import NearDuplicatePass
from pipelines.dedup.revisions import RevisionPass
from pipelines.dedup.signatures import band_keys, signature
from storage import articles as repo
from storage import dedup_index, stories
from storage.models import Article, Source

DUPLICATE, ALIASED = "duplicate", "alias"


class _NoStats:
    def inc_value(self, key, count=1, start=0):
        pass


@dataclass(frozen=True)
class DedupSettings:
    threshold: float = 0.5
    revision_threshold: float = 0.9
    min_words: int = 120
    params: SignatureParams = SignatureParams()

    @classmethod
    def from_settings(cls, settings) -> DedupSettings:
        return cls(
            threshold=settings.dedup_threshold,
            revision_threshold=settings.dedup_revision_threshold,
            min_words=settings.dedup_min_words,
            params=SignatureParams(settings.dedup_num_perm, settings.dedup_shingle_words, settings.dedup_bands),
        )

    @property
    def params_label(self) -> str:
        return f"{self.params.num_perm}/{self.params.shingle_words}/{self.params.bands}"


class ArticleWriter:
    def __init__(self, dedup: DedupSettings, stats=None, *, keep_raw_pages: int = 2):
        self.dedup = dedup
        self.stats = stats or _NoStats()
        self.keep_raw_pages = keep_raw_pages
        self.exact = ExactDuplicatePass(self.stats)
        self.near = NearDuplicatePass(self.stats, threshold=dedup.threshold,
                                      revision_threshold=dedup.revision_threshold, min_words=dedup.min_words)
        self.revision = RevisionPass(self.stats)
        self._source_keys: dict[int, str] = {}

    def signature_for(self, text: str) -> Signature:
        return signature(text, self.dedup.params)

    def similarity(self, session: Session):
        def score(member: Article, canonical: Article) -> float:
            a, b = dedup_index.signature_of(session, member.id), dedup_index.signature_of(session, canonical.id)
            if member.content_hash == canonical.content_hash:
                return 1.0
            return round(self.near.score(a, b), 4) if a is not None and b is not None else 0.0
        return score

    def write(self, session: Session, data: ArticleData, *, source_id: int, run_id: int | None,
              sig: Signature | None = None, raw: RawPageData | None = None) -> repo.ArticleWrite:
        """Decide and store one article in the caller's transaction; returns what happened."""
        sanitise.fit_article(data)  # before the keys and hashes are taken from it
        sig = sig if sig is not None else self.signature_for(data.text)
        keys = band_keys(sig, self.dedup.params)
        urls = repo.article_urls_of(data)
        content_hash = data.content_hash
        dedup_index.lock_keys(session, [dedup_index.string_key(u) for u in urls]
                              + [dedup_index.string_key(content_hash), *keys])

        write = self._decide_and_write(session, data, urls, sig, keys, source_id, run_id, content_hash)
        if raw is not None and write.outcome not in (repo.UNCHANGED, ALIASED):
            repo.store_raw_page(session, write.article_id, raw, run_id=run_id, keep=self.keep_raw_pages,
                                new_article=write.outcome in (repo.NEW, DUPLICATE))
        return write

    def _index(self, session: Session, article_id: int, data: ArticleData, sig: Signature, keys: list[int],
               *, new_article: bool = False) -> None:
        # Before any story is (re)computed: similarities are read from the stored signatures.
        dedup_index.save_signature(session, article_id, sig, keys, self.dedup.params_label,
                                   indexed=not self.near.is_brief(data.word_count), new_article=new_article)

    def _source_key(self, session: Session, source_id: int) -> str:
        if source_id not in self._source_keys:
            self._source_keys[source_id] = session.scalar(select(Source.key).where(Source.id == source_id))
        return self._source_keys[source_id]

    def _known_article(self, session, data: ArticleData, urls: dict[str, str], sig: Signature,
                       source_id: int) -> tuple[int | None, dict[str, str]]:
        """Pass 4's look-up: the article one of the page's URLs already leads to, if any.

        A `rel=canonical` link is a claim, not a proof: three distinct articles of one CMS all
        naming one URL, or a second source naming another source's article, merged or overwrote
        articles (issue 23). An article reached only through the claimed URL is revised only when
        it is of the same source and its content is similar; otherwise the claim is refused and the
        page keeps its own URL (and goes on to the other passes as any new page does).
        """
        own = canonical_url(data.fetched_url) if data.fetched_url else data.canonical_url
        claimed = data.canonical_url if data.canonical_url != own else None
        known = repo.find_article_id_by_urls(session, {u for u in urls if u != claimed})
        if known is not None and claimed is None:
            # The page at its own URL, which an article stored earlier took by claiming it: that
            # article keeps it only if it is this page's (same source, similar content); otherwise
            # it moves to the URL it was fetched from, and this page takes its own URL.
            home = repo.claimed_url_home(session, known, own)
            if home is not None and not self._claim_holds(session, known, sig, data.content_hash, source_id):
                repo.move_article(session, known, home, release=list(urls))
                self.stats.inc_value("newsdesk/urls/canonical_claim_refused")
                return None, urls
        if known is not None or claimed is None:
            return known, urls
        known = repo.find_article_id_by_urls(session, {claimed})
        if known is None or self._claim_holds(session, known, sig, data.content_hash, source_id):
            return known, urls
        self.stats.inc_value("newsdesk/urls/canonical_claim_refused")
        data.canonical_url = own
        return None, {u: k for u, k in repo.article_urls_of(data).items() if u != claimed}

    def _claim_holds(self, session, article_id: int, sig: Signature, content_hash: str, source_id: int) -> bool:
        article = session.get(Article, article_id)
        if article is None or article.source_id != source_id:
            return False
        if article.content_hash == content_hash:
            return True
        stored = dedup_index.signature_of(session, article_id)
        return stored is not None and self.near.score(sig, stored) >= self.dedup.threshold

    def _decide_and_write(self, session, data, urls, sig, keys, source_id, run_id, content_hash):
        known, urls = self._known_article(session, data, urls, sig, source_id)
        if known is not None:                                                  # pass 4
            return self._revise(session, known, data, urls, run_id, sig, keys)
        match = self.exact.find(session, content_hash, source_id)              # pass 2
        if match is None:
            match = self.near.find(session, sig, keys, word_count=data.word_count, source_id=source_id)  # pass 3
        if match is not None and match.kind == ALIAS:
            repo.add_urls(session, match.article_id, {u: ("alias" if k == "canonical" else k) for u, k in urls.items()},
                          fetched=data.fetched_url)
            repo.touch_article(session, match.article_id)
            return repo.ArticleWrite(ALIASED, match.article_id)
        if match is not None and match.kind == REVISION:
            article = session.get(Article, match.article_id)
            old_url = article.canonical_url
            write = self._revise(session, match.article_id, data, urls, run_id, sig, keys)
            # The slug changed: the article lives at its new URL now; the old one stays as an alias.
            repo.set_url_kind(session, article.id, old_url, "alias")
            article.canonical_url = data.canonical_url
            session.flush()
            return write
        # A new article: the hot path of every crawl, written with one statement per table.
        now = utcnow()
        article_id = repo.insert_article_row(session, data, source_id=source_id, run_id=run_id, now=now)
        repo.insert_new_urls(session, article_id, urls, fetched=data.fetched_url, now=now)
        self._index(session, article_id, data, sig, keys, new_article=True)
        if match is not None and match.kind == COPY and match.story_id is not None:
            article = session.get(Article, article_id)
            stories.join_story(session, article, match.story_id, match.score, self.similarity(session))
            stories.merge_into(session, match.story_id, match.also_stories, self.similarity(session))
            self.stats.inc_value("newsdesk/stories_joined")
            return repo.ArticleWrite(DUPLICATE, article_id)
        stories.new_singleton_story(session, article_id, data.title, data.published_at,
                                    self._source_key(session, source_id))
        self.stats.inc_value("newsdesk/stories_new")
        return repo.ArticleWrite(repo.NEW, article_id)

    def revise(self, session: Session, article_id: int, data: ArticleData, *, run_id: int | None = None,
               sig: Signature | None = None) -> repo.ArticleWrite:
        """Store a new version of a known article (re-extraction of its stored page, say)."""
        sig = sig if sig is not None else self.signature_for(data.text)
        return self._revise(session, article_id, data, {}, run_id, sig, band_keys(sig, self.dedup.params))

    def _revise(self, session, article_id, data, urls, run_id, sig, keys):
        write = self.revision.apply(session, article_id, data, run_id=run_id)
        repo.add_urls(session, article_id, urls, fetched=data.fetched_url)
        if write.outcome == repo.UPDATED:
            self._index(session, article_id, data, sig, keys)
            article = session.get(Article, article_id)
            if article.story_id is not None:
                stories.refresh_story(session, article.story_id, self.similarity(session))
        return write
