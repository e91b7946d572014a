"""The tables. docs/schema.md describes every column for downstream readers (a test checks it).

Every change here needs an Alembic revision in migrations/versions (a test checks that too).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from core.dates import utcnow
from storage.types import JSONType, UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

RUN_TRIGGERS = ("scheduled", "manual", "cli", "demo")
RUN_STATUSES = ("running", "succeeded", "failed", "interrupted", "timeout")
URL_KINDS = ("fetched", "canonical", "amp", "alias")
CHANGE_KINDS = ("article_inserted", "article_revised", "article_deleted",
                "story_created", "story_updated", "story_deleted")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSONType, list[str]: JSONType}


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Source(Base):
    """An outlet, synced from the sources file."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    homepage: Mapped[str | None] = mapped_column(String(2048))
    country: Mapped[str | None] = mapped_column(String(8))
    language: Mapped[str | None] = mapped_column(String(16))
    discovery: Mapped[str] = mapped_column(String(64))
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class CrawlRun(Base):
    """One crawl of one source, whatever started it."""

    __tablename__ = "crawl_runs"
    __table_args__ = (
        CheckConstraint(_in("trigger", RUN_TRIGGERS), name="trigger"),
        CheckConstraint(_in("status", RUN_STATUSES), name="status"),
        Index("ix_crawl_runs_source_id_started_at", "source_id", "started_at"),
        Index("ix_crawl_runs_status", "status"),
        # The per-source lock: the database itself refuses a second running run of one source.
        Index("uq_crawl_runs_running_source", "source_id", unique=True,
              sqlite_where=text("status = 'running'"), postgresql_where=text("status = 'running'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    spider: Mapped[str] = mapped_column(String(64))
    trigger: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    heartbeat_at: Mapped[datetime | None]
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    log_path: Mapped[str | None] = mapped_column(String(1024))
    # The source-health verdict of the finished run (crawlers/runs/health.py): status and findings.
    health: Mapped[dict[str, Any] | None] = mapped_column(JSONType)

    source: Mapped[Source] = relationship()


class Story(Base):
    """One news story: an article and its syndicated copies on other outlets."""

    __tablename__ = "stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    canonical_article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL", use_alter=True)
    )
    title: Mapped[str | None] = mapped_column(Text)
    first_published_at: Mapped[datetime | None]
    last_published_at: Mapped[datetime | None]
    member_count: Mapped[int] = mapped_column(Integer, default=1)
    source_count: Mapped[int] = mapped_column(Integer, default=1)
    sources: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Article(Base):
    """One article, stored once however many URLs lead to it."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_published_at", "published_at"),
        Index("ix_articles_source_id_published_at", "source_id", "published_at"),
        Index("ix_articles_story_id", "story_id"),
        Index("ix_articles_content_hash", "content_hash"),
        Index("ix_articles_duplicate_of", "duplicate_of"),
        Index("ix_articles_last_seen_at", "last_seen_at"),
        # Source health reads the articles each run created (crawlers/runs/measures.py).
        Index("ix_articles_created_by_run_id", "created_by_run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    canonical_url: Mapped[str] = mapped_column(String(2048), unique=True)
    title: Mapped[str] = mapped_column(Text)
    authors: Mapped[list[str]] = mapped_column(default=list)
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    language: Mapped[str | None] = mapped_column(String(16))
    section: Mapped[str | None] = mapped_column(String(200))
    dateline: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    image_url: Mapped[str | None] = mapped_column(String(2048))
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    content_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))
    story_id: Mapped[int | None] = mapped_column(ForeignKey("stories.id", ondelete="SET NULL"))
    duplicate_of: Mapped[int | None] = mapped_column(ForeignKey("articles.id", ondelete="SET NULL"))
    similarity: Mapped[float | None] = mapped_column(Float)

    source: Mapped[Source] = relationship()
    urls: Mapped[list[ArticleUrl]] = relationship(
        back_populates="article", cascade="all, delete-orphan", passive_deletes=True
    )


class ArticleCountry(Base):
    """A country an article names (pipelines/tagging): how often, and whether it is the one the
    article is mainly about. Written with the article, replaced with each new version of it."""

    __tablename__ = "article_countries"
    __table_args__ = (
        CheckConstraint("length(country) = 2 AND country = upper(country)", name="country"),
        CheckConstraint("mentions > 0", name="mentions"),
        # Filters by country (`--country`, GET /articles?tagged_country=) read this index.
        Index("ix_article_countries_country_article_id", "country", "article_id"),
        # An article has at most one main country.
        Index("uq_article_countries_primary_article_id", "article_id", unique=True,
              sqlite_where=text("is_primary"), postgresql_where=text("is_primary")),
    )

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    mentions: Mapped[int] = mapped_column(Integer)
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)


class ArticleOrganisation(Base):
    """An international organisation an article names (one of pipelines.tagging.ORGANISATIONS)."""

    __tablename__ = "article_organisations"
    __table_args__ = (
        CheckConstraint("mentions > 0", name="mentions"),
        Index("ix_article_organisations_organisation_article_id", "organisation", "article_id"),
    )

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)
    organisation: Mapped[str] = mapped_column(String(32), primary_key=True)
    mentions: Mapped[int] = mapped_column(Integer)


class ArticleUrl(Base):
    """Every URL that led to an article: fetched, canonical, AMP, tracking variants, aliases."""

    __tablename__ = "article_urls"
    __table_args__ = (
        CheckConstraint(_in("kind", URL_KINDS), name="kind"),
        Index("ix_article_urls_article_id", "article_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_fetched_at: Mapped[datetime | None]

    article: Mapped[Article] = relationship(back_populates="urls")


class ArticleRevision(Base):
    """An earlier version of an article, kept when a re-fetch found its title or body changed."""

    __tablename__ = "article_revisions"
    __table_args__ = (UniqueConstraint("article_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    revision: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    url: Mapped[str | None] = mapped_column(String(2048))
    published_at: Mapped[datetime | None]
    updated_at: Mapped[datetime | None]
    valid_from: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    replaced_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class RawPage(Base):
    """A fetched article page as it came off the wire (gzip), for re-extraction without re-crawling."""

    __tablename__ = "raw_pages"
    __table_args__ = (
        Index("ix_raw_pages_article_id_fetched_at", "article_id", "fetched_at"),
        Index("ix_raw_pages_fetched_at", "fetched_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2048))
    status: Mapped[int] = mapped_column(Integer)
    headers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    body_gzip: Mapped[bytes] = mapped_column(LargeBinary)
    body_bytes: Mapped[int] = mapped_column(BigInteger)
    context: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("crawl_runs.id", ondelete="SET NULL"))


class FeedValidator(Base):
    """HTTP validators of a feed, sent back as If-None-Match / If-Modified-Since."""

    __tablename__ = "feed_validators"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    etag: Mapped[str | None] = mapped_column(String(512))
    last_modified: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DedupSignature(Base):
    """An article's MinHash signature (the near-duplicate index keeps its LSH bands beside it)."""

    __tablename__ = "dedup_signatures"

    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True)
    minhash: Mapped[bytes] = mapped_column(LargeBinary)
    shingle_count: Mapped[int] = mapped_column(Integer)
    params: Mapped[str] = mapped_column(String(32))


class DedupBand(Base):
    """One LSH band key of an article: articles sharing a key are near-duplicate candidates."""

    __tablename__ = "dedup_bands"
    __table_args__ = (Index("ix_dedup_bands_article_id", "article_id"),)

    band_key: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True,
                                            autoincrement=False)


class SchedulerInstance(Base):
    """A running `newsdesk schedule` process, so operators (and `schedule run-now`) can see it."""

    __tablename__ = "scheduler_instances"
    __table_args__ = (UniqueConstraint("host", "pid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)


class DatabaseIdentity(Base):
    """Which database this is: one random UUID, made by the migration that created the table.

    Distributed runs carry it, so a `newsdesk worker` writing to another database refuses their
    requests (crawlers/distributed/queue.py). A hash of the URL would not do: two URLs can name
    one database, and one URL can name two over time.
    """

    __tablename__ = "database_identity"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RejectedUrl(Base):
    """A fetched URL that did not become an article, and why: not fetched again for a while."""

    __tablename__ = "rejected_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2048), unique=True)
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(String(32))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_checked_at: Mapped[datetime] = mapped_column(default=utcnow)
    times: Mapped[int] = mapped_column(Integer, default=1)


class CrawlRunWorker(Base):
    """One worker's part of a distributed run (scrapy-redis): its own counters, kept as detail;
    the run's row holds their sum."""

    __tablename__ = "crawl_run_workers"
    __table_args__ = (UniqueConstraint("run_id", "worker"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("crawl_runs.id", ondelete="CASCADE"))
    worker: Mapped[str] = mapped_column(String(300))
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    stats: Mapped[dict[str, Any]] = mapped_column(default=dict)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class ChangeLogEntry(Base):
    """One change for the feed of `newsdesk serve` (GET /changes). Written only by database triggers
    on articles, article_revisions and stories, inside the writing transaction, so every writer
    (crawls, reprocess, dedup --rebuild, a hand-written fix-up) is covered; see the migration that
    creates them for why (txid, id) is a cursor that loses and repeats nothing."""

    __tablename__ = "change_log"
    __table_args__ = (
        CheckConstraint(_in("kind", CHANGE_KINDS), name="kind"),
        Index("ix_change_log_txid_id", "txid", "id"),
        # SQLite: ids never reused, even after the newest rows are deleted (a cursor stays valid).
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    txid: Mapped[int | None] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(32))
    article_id: Mapped[int | None] = mapped_column(Integer)
    story_id: Mapped[int | None] = mapped_column(Integer)
    revision: Mapped[int | None] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeLogPruned(Base):
    """How far change_log has been pruned (NEWSDESK_CHANGE_LOG_RETENTION_DAYS): one row. Every change
    at or before (txid, serial) is gone, so a reader whose cursor lies before it would miss changes
    and is told so (GET /changes answers 410) instead of being served a feed with a hole in it."""

    __tablename__ = "change_log_pruned"
    __table_args__ = (CheckConstraint("id = 1", name="one_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    txid: Mapped[int | None] = mapped_column(BigInteger)  # PostgreSQL: the last pruned change's; null on SQLite
    serial: Mapped[int] = mapped_column(BigInteger, default=0)  # the last pruned change's change_log.id
    rows_pruned: Mapped[int] = mapped_column(BigInteger, default=0)  # all prunes together
    pruned_at: Mapped[datetime | None]  # the latest prune that removed something; null: never pruned
