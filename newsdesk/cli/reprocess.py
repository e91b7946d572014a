"""`newsdesk reprocess`: re-extraction of stored raw pages after the cleaner improves, no re-crawling.

Each article's newest raw page goes through exactly the crawl's extraction; a changed title or
body is stored as a revision (the old version kept), exactly as a re-crawl would store it, and
the article's country and organisation tags are replaced with the new ones (also when the text
did not change: the tagger may have). Pages the improved cleaner would now refuse leave their
article untouched: reprocessing never deletes what downstream readers may already use.

`--tags-only` retags the stored text of every article without re-extracting anything: after the
tagger or its gazetteer improved, or once after the upgrade that introduced tags. It needs no raw
page, so articles whose pages were pruned are retagged too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from core.outcomes import Rejected
from core.settings import get_settings
from newsdesk.cli.app import app, err_console, parse_since
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import schema_version, tags
from storage.articles import read_raw_page
from storage.db import get_engine, session_factory
from storage.models import Article, RawPage, Source

BATCH = 200


@dataclass(frozen=True)
class StoredPage:
    article_id: int
    raw_id: int


def _newest_pages(session: Session, source_key: str | None, since: datetime | None):
    newest = (
        select(RawPage.article_id, func.max(RawPage.id).label("raw_id"))
        .group_by(RawPage.article_id)
        .subquery()
    )
    query = select(newest.c.article_id, newest.c.raw_id).join(Article, Article.id == newest.c.article_id)
    if source_key:
        query = query.join(Source, Source.id == Article.source_id).where(Source.key == source_key)
    if since:
        query = query.where(Article.last_seen_at >= since)
    return query.order_by(newest.c.article_id)


def count_pages(sessions: sessionmaker[Session], source_key: str | None, since: datetime | None) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(_newest_pages(session, source_key, since).subquery()))


def _pages(sessions: sessionmaker[Session], source_key: str | None, since: datetime | None) -> Iterator[StoredPage]:
    """Page references in batches (ids only: bodies are loaded one at a time, memory stays flat)."""
    last = 0
    while True:
        with sessions() as session:
            rows = session.execute(
                _newest_pages(session, source_key, since).where(Article.id > last).limit(BATCH)
            ).all()
        if not rows:
            return
        for row in rows:
            yield StoredPage(row.article_id, row.raw_id)
        last = rows[-1].article_id


def reprocess(sessions: sessionmaker[Session], writer: ArticleWriter, *, source_key: str | None = None,
              since: datetime | None = None, min_text_chars: int = 1,
              advance: Callable[[], None] = lambda: None) -> Counter:
    # Imported here: every `newsdesk` command loads this module, and only this job needs trafilatura.
    from pipelines.extraction.extractor import extract_page

    outcomes: Counter = Counter()
    for page in _pages(sessions, source_key, since):
        with sessions.begin() as session:
            raw = session.get(RawPage, page.raw_id)
            article = session.get(Article, page.article_id)
            try:
                extracted = extract_page(read_raw_page(raw), url=raw.url, content_type=raw.headers.get("content-type"),
                                         hints=raw.context, min_text_chars=min_text_chars,
                                         publisher_country=article.source.country)
            except Rejected as rejected:
                outcomes[f"now_rejected_{rejected.reason}"] += 1
                advance()
                continue
            # The article keeps its identity: its canonical URL is the stored one, not the page's.
            extracted.canonical_url, extracted.fetched_url = article.canonical_url, raw.url
            write = writer.revise(session, article.id, extracted)
            outcomes[write.outcome] += 1
            # A new version brought its tags with it; an unchanged text may be tagged differently now.
            if write.outcome == "unchanged" and tags.replace_tags(session, article.id, extracted):
                outcomes["unchanged_retagged"] += 1
        advance()
    return outcomes


def _articles_query(source_key: str | None, since: datetime | None):
    query = (select(Article.id, Article.title, Article.text, Article.language, Article.dateline, Source.country)
             .join(Source, Source.id == Article.source_id))
    if source_key:
        query = query.where(Source.key == source_key)
    if since:
        query = query.where(Article.last_seen_at >= since)
    return query


def count_articles(sessions: sessionmaker[Session], source_key: str | None, since: datetime | None) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(_articles_query(source_key, since).subquery()))


def retag(sessions: sessionmaker[Session], *, source_key: str | None = None, since: datetime | None = None,
          advance: Callable[[], None] = lambda: None) -> Counter:
    """Tag the stored title and text of each article again and replace its tags where they differ;
    one transaction per batch, nothing else of the article is touched."""
    from pipelines.tagging import tag

    outcomes: Counter = Counter()
    last = 0
    while True:
        with sessions.begin() as session:
            rows = session.execute(_articles_query(source_key, since).where(Article.id > last)
                                   .order_by(Article.id).limit(BATCH)).all()
            for row in rows:
                found = tag(row.title, row.text, language=row.language, dateline=row.dateline,
                            publisher_country=row.country)
                outcomes["tags_changed" if tags.replace_tags(session, row.id, found) else "tags_unchanged"] += 1
        for _ in rows:
            advance()
        if not rows:
            return outcomes
        last = rows[-1].id


@app.command("reprocess")
def reprocess_command(
    source: str = typer.Option(None, "--source", help="Only articles of this source key."),
    since: str = typer.Option(None, "--since", help="Only articles seen since: a date, or an age like 7d."),
    tags_only: bool = typer.Option(False, "--tags-only",
                                   help="Only retag the stored texts (countries, organisations): no re-extraction."),
) -> None:
    """Re-extract stored raw pages with the current cleaner; changed articles get a revision, and
    every article its tags from the current tagger.

    No re-crawling: the pages stored at crawl time are used. Articles whose page would now be
    refused are left as they are (and counted). With --tags-only, the stored title and text of
    every article are tagged again, and nothing else changes (after the tagger improved, or once
    after the upgrade that added tags).

    Example: `newsdesk reprocess --source dawn_world --since 30d`, `newsdesk reprocess --tags-only`
    """
    settings = get_settings()
    schema_version.ensure_current(get_engine())
    sessions = session_factory()
    if tags_only:
        total = count_articles(sessions, source, parse_since(since))
        with Progress(TextColumn("retagging"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=err_console) as progress:
            task = progress.add_task("articles", total=total)
            outcomes = retag(sessions, source_key=source, since=parse_since(since),
                             advance=lambda: progress.advance(task))
        typer.echo(f"{total} stored articles retagged: tags changed {outcomes['tags_changed']}, "
                   f"unchanged {outcomes['tags_unchanged']}")
        return
    total = count_pages(sessions, source, parse_since(since))
    writer = ArticleWriter(DedupSettings.from_settings(settings), keep_raw_pages=settings.raw_pages_per_article)
    columns = (TextColumn("reprocessing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console) as progress:
        task = progress.add_task("pages", total=total)
        outcomes = reprocess(sessions, writer, source_key=source, since=parse_since(since),
                             advance=lambda: progress.advance(task))
    summary = ", ".join(f"{name} {count}" for name, count in sorted(outcomes.items())) or "nothing to do"
    typer.echo(f"{total} stored pages re-extracted: {summary}")
