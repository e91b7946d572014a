"""The shapes of the API's responses: the OpenAPI schema clients (and schemathesis) read.

Article and story fields are the columns of the reader views (docs/schema.md), with the same names
and meaning as `newsdesk export`: times ISO-8601 UTC, JSON lists as lists.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Article(BaseModel):
    """One row of v_articles."""

    id: int
    source_key: str
    source_name: str
    url: str
    title: str
    authors: list[str]
    published_at: datetime | None
    updated_at: datetime | None
    language: str | None
    section: str | None
    dateline: str | None
    text: str
    word_count: int
    story_id: int | None
    duplicate_of: int | None
    is_canonical: bool
    first_seen_at: datetime
    last_seen_at: datetime


class ArticlePage(BaseModel):
    items: list[Article]
    next: str | None = Field(description="Cursor of the next page (pass it as `cursor`); null on the last page.")


class ArticleUrl(BaseModel):
    url: str
    kind: str = Field(description="`canonical`, `fetched`, `amp` or `alias`.")
    first_seen_at: datetime
    last_fetched_at: datetime | None


class ArticleRevision(BaseModel):
    """An earlier version of the article (the article itself is the newest)."""

    revision: int
    title: str
    text: str
    content_hash: str
    url: str | None
    published_at: datetime | None
    updated_at: datetime | None
    valid_from: datetime
    replaced_at: datetime


class ArticleDetail(Article):
    source_country: str | None
    description: str | None
    image_url: str | None
    similarity: float | None = Field(description="For a syndicated copy: similarity to the story's canonical article.")
    countries: dict[str, int] = Field(description="The countries the article names (ISO 3166-1 alpha-2) and how many "
                                                  "times, most named first (v_article_countries).")
    primary_country: str | None = Field(description="The country the article is mainly about; null when none stands out.")
    organisations: dict[str, int] = Field(description="The international organisations it names (`SCO`, `UNSC`, ...) "
                                                      "and how many times (v_article_organisations).")
    urls: list[ArticleUrl]
    revisions: list[ArticleRevision]


class Story(BaseModel):
    """One row of v_stories."""

    story_id: int
    canonical_article_id: int | None
    title: str | None
    first_published_at: datetime | None
    last_published_at: datetime | None
    member_count: int
    source_count: int
    sources: list[str]


class StoryPage(BaseModel):
    items: list[Story]
    next: str | None


class StoryMember(BaseModel):
    id: int
    source_key: str
    source_name: str
    url: str
    title: str
    published_at: datetime | None
    language: str | None
    is_canonical: bool
    duplicate_of: int | None
    similarity: float | None


class StoryDetail(Story):
    members: list[StoryMember] = Field(description="Its articles, first published first.")


class Run(BaseModel):
    """One row of v_crawl_runs."""

    run_id: int
    source_key: str
    trigger: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    duration_seconds: int | None
    pages_fetched: int
    articles_new: int
    articles_updated: int
    articles_unchanged: int
    articles_duplicate: int
    articles_alias: int
    pages_dropped: int
    errors: int
    error: str | None
    host: str
    pid: int
    log_path: str | None


class RunPage(BaseModel):
    items: list[Run]
    next: str | None


class HealthFinding(BaseModel):
    model_config = ConfigDict(extra="allow")  # checks add the value, band and runs they compared
    check: str
    message: str
    severity: str | None = None


class SourceHealth(BaseModel):
    status: Literal["ok", "learning", "warning", "failing"]
    findings: list[HealthFinding]
    judged_run: int | None = Field(description="The run whose verdict this is (`newsdesk health`).")


class Source(BaseModel):
    key: str
    name: str
    homepage: str | None
    country: str | None
    language: str | None
    discovery: str
    enabled: bool
    last_run: Run | None = Field(description="Its most recent run, null if it was never crawled.")
    health: SourceHealth | None = Field(default=None, description="Its health, as `newsdesk health` tells it; "
                                        "null for a source neither in the sources file nor ever run.")


ChangeKind = Literal["article_inserted", "article_revised", "article_deleted", "story_created", "story_updated",
                     "story_deleted"]


class Change(BaseModel):
    kind: ChangeKind
    article_id: int | None = Field(description="The article (for story changes: the story's canonical article).")
    story_id: int | None
    revision: int | None = Field(description="For `article_revised`: the revision number kept (GET /articles/{id} lists it).")
    changed_at: datetime
    cursor: str = Field(description="The feed's cursor just after this change: store it to resume from here.")


class ChangePage(BaseModel):
    changes: list[Change]
    next: str = Field(description="Pass it as `after` on the next call (also when `changes` is empty).")
