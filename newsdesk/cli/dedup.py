"""`newsdesk dedup`: the state of deduplication, and the rebuild of every signature and story.

After a threshold or signature setting changes, the stored stories reflect the old settings.
The rebuild replays, in publication order, the same decisions the crawl makes (exact copy, near
duplicate from another source: same story), so the result is what a crawl of everything with the
new settings would have produced; articles themselves are never merged or deleted here.
Memory stays bounded: articles are read in batches by id, and candidates come from the indexed
band table, as in the crawl.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from core.errors import UserError
from core.settings import get_settings
from newsdesk.cli.app import app, err_console
from pipelines.dedup.signatures import band_keys
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import dedup_index, schema_version, stories
from storage.db import get_engine, reading_engine, session_factory
from storage.models import Article, CrawlRun, DedupSignature, Story

BATCH = 200


class RebuildRefused(Exception):
    pass


def _publication_order(session: Session, after: tuple | None, limit: int):
    moment = func.coalesce(Article.published_at, Article.first_seen_at)
    query = select(Article.id, moment.label("moment")).order_by(moment, Article.id).limit(limit)
    if after is not None:
        query = query.where((moment > after[0]) | ((moment == after[0]) & (Article.id > after[1])))
    return session.execute(query).all()


def rebuild(sessions: sessionmaker[Session], writer: ArticleWriter, *,
            advance: Callable[[str], None] = lambda phase: None) -> Counter:
    """Recompute every signature, then every story. Returns counts of what was decided."""
    with sessions() as session:
        if session.scalar(select(func.count()).select_from(CrawlRun).where(CrawlRun.status == "running")):
            raise RebuildRefused("a crawl is running; rebuild stories when no crawl runs")
    outcome: Counter = Counter()
    params = writer.dedup.params

    # 1. Signatures and band keys with the current settings.
    last = 0
    while True:
        with sessions.begin() as session:
            rows = session.execute(select(Article.id, Article.text, Article.word_count)
                                   .where(Article.id > last).order_by(Article.id).limit(BATCH)).all()
            for row in rows:
                sig = writer.signature_for(row.text)
                dedup_index.save_signature(session, row.id, sig, band_keys(sig, params), writer.dedup.params_label,
                                           indexed=not writer.near.is_brief(row.word_count))
                advance("signatures")
        if not rows:
            break
        last = rows[-1].id

    # 2. Stories, replayed in publication order against the articles already placed.
    with sessions.begin() as session:
        session.execute(update(Article).values(story_id=None, duplicate_of=None, similarity=None))
        session.execute(update(Story).values(canonical_article_id=None))
        session.execute(delete(Story))
    after = None
    while True:
        with sessions() as session:
            batch = _publication_order(session, after, BATCH)
        if not batch:
            break
        with sessions.begin() as session:
            for row in batch:
                outcome[_place(session, writer, row.id)] += 1
                advance("stories")
        after = (batch[-1].moment, batch[-1].id)
    # Every band key changed at once: fresh statistics, or the planner guesses (and guesses wrong).
    with sessions.begin() as session:
        session.execute(text("ANALYZE"))
    return outcome


def _place(session: Session, writer: ArticleWriter, article_id: int) -> str:
    article = session.get(Article, article_id)
    exact = session.execute(
        select(Article.id, Article.story_id).where(Article.content_hash == article.content_hash,
                                                   Article.story_id.is_not(None), Article.id != article.id).limit(1)
    ).first()
    if exact is not None:
        stories.join_story(session, article, exact.story_id, 1.0, writer.similarity(session))
        return "joined_exact"
    if not writer.near.is_brief(article.word_count):
        sig = dedup_index.signature_of(session, article.id)
        keys = band_keys(sig, writer.dedup.params)
        best = None
        for candidate in dedup_index.candidates(session, keys, exclude_article=article.id):
            if candidate.story_id is None or writer.near.is_brief(candidate.word_count):
                continue  # not placed yet, or a brief
            score = writer.near.score(sig, candidate.signature)
            if score >= writer.dedup.threshold and (best is None or score > best[1]):
                best = (candidate.story_id, score)
        if best is not None:
            stories.join_story(session, article, best[0], round(best[1], 4), writer.similarity(session))
            return "joined_near"
    stories.new_story(session, article)
    return "new_story"


@app.command("dedup")
def dedup(rebuild_all: bool = typer.Option(False, "--rebuild", help="Recompute signatures and stories over the whole database.")) -> None:
    """Show how articles group into stories; with --rebuild, recompute every signature and story.

    Run --rebuild after changing NEWSDESK_DEDUP_* settings: it replays the crawl's decisions in
    publication order with the new settings, in bounded memory, with progress. Articles are never
    merged or deleted. Refused while a crawl runs.

    Example: `NEWSDESK_DEDUP_THRESHOLD=0.6 newsdesk dedup --rebuild`
    """
    settings = get_settings()
    # Without --rebuild this only reads: it must not create a database that is not there.
    engine = get_engine() if rebuild_all else reading_engine()
    schema_version.ensure_current(engine)
    sessions = session_factory(engine)
    writer = ArticleWriter(DedupSettings.from_settings(settings))
    with sessions() as session:
        articles = session.scalar(select(func.count()).select_from(Article))
        stale = session.scalar(select(func.count()).select_from(DedupSignature)
                               .where(DedupSignature.params != writer.dedup.params_label))
    if rebuild_all:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err_console) as progress:
            tasks = {phase: progress.add_task(phase, total=articles) for phase in ("signatures", "stories")}
            try:
                outcome = rebuild(sessions, writer, advance=lambda phase: progress.advance(tasks[phase]))
            except RebuildRefused as exc:
                raise UserError(str(exc)) from None
        typer.echo("rebuilt: " + ", ".join(f"{k} {v}" for k, v in sorted(outcome.items())))
    with sessions() as session:
        stories = session.scalar(select(func.count()).select_from(Story))
        syndicated = session.scalar(select(func.count()).select_from(Story).where(Story.member_count > 1))
        copies = session.scalar(select(func.count()).select_from(Article).where(Article.duplicate_of.is_not(None)))
    typer.echo(f"{articles} articles in {stories} stories; {syndicated} stories have syndicated copies "
               f"({copies} copies); settings {writer.dedup.params_label}, threshold {writer.dedup.threshold}, "
               f"briefs under {writer.dedup.min_words} words")
    if stale and not rebuild_all:
        typer.echo(f"{stale} signatures were made with other settings: run `newsdesk dedup --rebuild`")
