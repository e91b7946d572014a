"""Repository functions for articles, their URLs, revisions and raw pages.

Every function takes the caller's Session and never commits it: the caller owns the transaction,
so one article and its URLs, revision, raw page and tags are written together or not at all.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, func, insert, select, union_all, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import sanitise
from core.dates import utcnow
from core.records import ArticleData, RawPageData
from storage import tags
from storage.models import Article, ArticleRevision, ArticleUrl, RawPage

NEW, UPDATED, UNCHANGED = "new", "updated", "unchanged"


@dataclass(frozen=True)
class ArticleWrite:
    outcome: str  # new | updated | unchanged
    article_id: int
    revision: int | None = None  # the revision number kept for the replaced version


def article_urls_of(data: ArticleData) -> dict[str, str]:
    """All URLs that lead to this article, each with its kind; the canonical URL wins a tie."""
    urls = dict(data.other_urls)
    if data.fetched_url:
        urls.setdefault(data.fetched_url, "fetched")
    urls[data.canonical_url] = "canonical"
    return urls


def find_article_id_by_urls(session: Session, urls: list[str] | set[str]) -> int | None:
    """The article any of these URLs already leads to (canonical or seen before), if any."""
    urls = list(urls)
    if not urls:
        return None
    return session.execute(_FIND_BY_URLS, {"urls": urls}).scalar()


# One round trip: the canonical URL of an article, or any URL recorded for one. Built once, on the
# tables rather than the mapped classes: every article's write starts with it, and building it per
# call, through the ORM, cost more than the query itself (0.8 ms of the crawl process's CPU).
_FIND_BY_URLS = union_all(
    select(Article.__table__.c.id.label("id")).where(Article.__table__.c.canonical_url.in_(bindparam("urls", expanding=True))),
    select(ArticleUrl.__table__.c.article_id.label("id")).where(ArticleUrl.__table__.c.url.in_(bindparam("urls", expanding=True))),
).limit(1)


def known_urls(session: Session, urls: list[str]) -> dict[str, datetime | None]:
    """Which of these URLs are stored, with the last time any of them was fetched."""
    if not urls:
        return {}
    rows = session.execute(
        select(ArticleUrl.url, ArticleUrl.last_fetched_at, Article.first_seen_at, Article.published_at)
        .join(Article, Article.id == ArticleUrl.article_id)
        .where(ArticleUrl.url.in_(urls))
    )
    return {row.url: row for row in rows}


def add_urls(session: Session, article_id: int, urls: dict[str, str], *, fetched: str | None = None,
             now: datetime | None = None) -> int:
    """Record URLs for an article; URLs already known (for any article) are left where they are."""
    now = now or utcnow()
    existing = {
        row.url: row
        for row in session.scalars(select(ArticleUrl).where(ArticleUrl.url.in_(list(urls))))
    }
    added = 0
    for url, kind in urls.items():
        row = existing.get(url)
        if row is None:
            session.add(ArticleUrl(article_id=article_id, url=url, kind=kind, first_seen_at=now,
                                   last_fetched_at=now if url == fetched else None))
            added += 1
        elif url == fetched and row.article_id == article_id:
            row.last_fetched_at = now
    session.flush()
    return added


def set_url_kind(session: Session, article_id: int, url: str, kind: str) -> None:
    """Record ``url`` for the article with this kind (an old canonical URL becoming an alias)."""
    row = session.scalar(select(ArticleUrl).where(ArticleUrl.url == url))
    if row is None:
        session.add(ArticleUrl(article_id=article_id, url=url, kind=kind))
    elif row.article_id == article_id:
        row.kind = kind
    session.flush()


def claimed_url_home(session: Session, article_id: int, url: str) -> str | None:
    """Where an article lives by its own fetch, when it holds ``url`` as its canonical URL only
    because its page claimed it (`rel=canonical`): the canonical form of a URL it was fetched
    from that is not ``url``. None when the article was fetched at ``url`` itself (or a variant)."""
    from core.urls import canonical_url

    article = session.get(Article, article_id)
    if article is None or article.canonical_url != url:
        return None
    fetched = session.scalars(select(ArticleUrl.url).where(ArticleUrl.article_id == article_id,
                                                           ArticleUrl.kind == "fetched")).all()
    if any(canonical_url(u) == url for u in fetched):
        return None
    homes = sorted(canonical_url(u) for u in fetched)
    return homes[0] if homes else None


def move_article(session: Session, article_id: int, home: str, release: list[str]) -> None:
    """Give the article ``home`` as its canonical URL and let go of the URLs in ``release`` (another
    page is about to take them)."""
    session.execute(delete(ArticleUrl).where(ArticleUrl.article_id == article_id, ArticleUrl.url.in_(release)))
    session.execute(update(Article).where(Article.id == article_id).values(canonical_url=home))
    set_url_kind(session, article_id, home, "canonical")


# Statements built once: their compiled form is cached, the hot path only binds values.
_INSERT_ARTICLE = insert(Article.__table__).returning(Article.__table__.c.id)
_INSERT_URL = insert(ArticleUrl.__table__)
_INSERT_RAW_PAGE = insert(RawPage.__table__)


def insert_article_row(session: Session, data: ArticleData, *, source_id: int, run_id: int | None,
                       now: datetime) -> int:
    """Insert a new article with one statement (the crawl's hot path), and its tags; returns its id."""
    sanitise.fit_article(data)
    values = {
        "source_id": source_id, "canonical_url": data.canonical_url, "title": data.title,
        "authors": list(data.authors), "published_at": data.published_at, "updated_at": data.updated_at,
        "language": data.language, "section": data.section, "dateline": data.dateline,
        "description": data.description, "image_url": data.image_url, "text": data.text,
        "word_count": data.word_count, "content_hash": data.content_hash, "first_seen_at": now,
        "last_seen_at": now, "created_by_run_id": run_id,
    }
    article_id = session.execute(_INSERT_ARTICLE, values).scalar_one()
    tags.insert_tags(session, article_id, data)
    return article_id


def insert_new_urls(session: Session, article_id: int, urls: dict[str, str], *, fetched: str | None,
                    now: datetime) -> None:
    """Record the URLs of a new article, all unknown so far (the caller checked, under its lock)."""
    session.execute(_INSERT_URL, [
        {"article_id": article_id, "url": url, "kind": kind, "first_seen_at": now,
         "last_fetched_at": now if url == fetched else None}
        for url, kind in urls.items()
    ])


def insert_article(session: Session, data: ArticleData, *, source_id: int, run_id: int | None,
                   now: datetime | None = None, **dedup) -> Article:
    now = now or utcnow()
    sanitise.fit_article(data)
    article = Article(
        source_id=source_id,
        canonical_url=data.canonical_url,
        title=data.title,
        authors=list(data.authors),
        published_at=data.published_at,
        updated_at=data.updated_at,
        language=data.language,
        section=data.section,
        dateline=data.dateline,
        description=data.description,
        image_url=data.image_url,
        text=data.text,
        word_count=data.word_count,
        content_hash=data.content_hash,
        first_seen_at=now,
        last_seen_at=now,
        created_by_run_id=run_id,
        **dedup,
    )
    session.add(article)
    session.flush()
    tags.insert_tags(session, article.id, data)
    return article


def revise_article(session: Session, article: Article, data: ArticleData, *, run_id: int | None,
                   now: datetime | None = None) -> ArticleWrite:
    """Store a re-fetched version: a revision row and an update if title or body changed.

    A new version brings its own tags (the tagger read its text); an unchanged one keeps the stored
    tags (`newsdesk reprocess` replaces them when the tagger changed)."""
    now = now or utcnow()
    sanitise.fit_article(data)
    article.last_seen_at = now
    if article.content_hash == data.content_hash and article.title == data.title:
        session.flush()
        return ArticleWrite(UNCHANGED, article.id)
    previous = session.scalar(
        select(func.max(ArticleRevision.revision)).where(ArticleRevision.article_id == article.id)
    ) or 0
    valid_from = session.scalar(
        select(func.max(ArticleRevision.replaced_at)).where(ArticleRevision.article_id == article.id)
    ) or article.first_seen_at
    session.add(ArticleRevision(
        article_id=article.id, revision=previous + 1, title=article.title, text=article.text,
        content_hash=article.content_hash, url=article.canonical_url,
        published_at=article.published_at, updated_at=article.updated_at,
        valid_from=valid_from, replaced_at=now, replaced_by_run_id=run_id,
    ))
    for name in ("title", "text", "published_at", "updated_at", "language", "section", "dateline",
                 "description", "image_url"):
        value = getattr(data, name)
        if value is not None:  # a field the new version lacks keeps what we knew
            setattr(article, name, value)
    article.authors = list(data.authors) or article.authors
    article.word_count = data.word_count
    article.content_hash = data.content_hash
    session.flush()
    tags.replace_tags(session, article.id, data)
    return ArticleWrite(UPDATED, article.id, previous + 1)


def upsert_article(session: Session, data: ArticleData, *, source_id: int, run_id: int | None = None,
                   now: datetime | None = None) -> ArticleWrite:
    """Insert a new article or revise the one its URLs lead to.

    The unique canonical URL is the last word: if another writer inserted the same article between
    our look-up and our insert, the database refuses the insert and we revise theirs instead.
    """
    now = now or utcnow()
    urls = article_urls_of(data)
    article_id = find_article_id_by_urls(session, set(urls))
    if article_id is None:
        try:
            with session.begin_nested():
                article = insert_article(session, data, source_id=source_id, run_id=run_id, now=now)
            add_urls(session, article.id, urls, fetched=data.fetched_url, now=now)
            return ArticleWrite(NEW, article.id)
        except IntegrityError:
            article_id = find_article_id_by_urls(session, set(urls))
            if article_id is None:
                raise
    article = session.get(Article, article_id)
    result = revise_article(session, article, data, run_id=run_id, now=now)
    add_urls(session, article.id, urls, fetched=data.fetched_url, now=now)
    return result


def store_raw_page(session: Session, article_id: int, page: RawPageData, *, run_id: int | None,
                   keep: int, new_article: bool = False) -> None:
    """Keep the fetched HTML (gzip) and drop this article's copies beyond the newest ``keep``."""
    session.execute(_INSERT_RAW_PAGE, {
        "article_id": article_id, "url": page.url, "status": page.status, "headers": sanitise.headers(page.headers),
        "body_gzip": page.compressed(), "body_bytes": len(page.body), "context": dict(page.context),
        "fetched_at": page.fetched_at or utcnow(), "run_id": run_id,
    })
    if new_article:
        return  # nothing older to prune
    stale = select(RawPage.id).where(RawPage.article_id == article_id).order_by(
        RawPage.fetched_at.desc(), RawPage.id.desc()
    ).offset(keep)
    stale_ids = list(session.scalars(stale))
    if stale_ids:
        session.execute(delete(RawPage).where(RawPage.id.in_(stale_ids)))


def prune_raw_pages(session: Session, older_than_days: int) -> int:
    """Delete raw pages fetched more than ``older_than_days`` ago (0: keep everything)."""
    if older_than_days <= 0:
        return 0
    cutoff = utcnow() - timedelta(days=older_than_days)
    result = session.execute(delete(RawPage).where(RawPage.fetched_at < cutoff))
    return result.rowcount or 0


def touch_article(session: Session, article_id: int, now: datetime | None = None) -> None:
    session.execute(update(Article).where(Article.id == article_id).values(last_seen_at=now or utcnow()))


def read_raw_page(raw: RawPage) -> bytes:
    return gzip.decompress(raw.body_gzip)
