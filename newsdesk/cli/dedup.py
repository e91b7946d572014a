"""`newsdesk dedup`: the state of deduplication, and rebuilding stories after a settings change."""

from __future__ import annotations

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import func, select

from newsdesk.cli import app, err_console
from newsdesk.config import get_settings
from newsdesk.errors import UserError
from storage import migrate
from storage.db import get_engine, session_factory
from storage.models import Article, DedupSignature, Story


@app.command("dedup")
def dedup(rebuild: bool = typer.Option(False, "--rebuild", help="Recompute signatures and stories over the whole database.")) -> None:
    """Show how articles group into stories; with --rebuild, recompute every signature and story.

    Run --rebuild after changing NEWSDESK_DEDUP_* settings: it replays the crawl's decisions in
    publication order with the new settings, in bounded memory, with progress. Articles are never
    merged or deleted. Refused while a crawl runs.

    Example: `NEWSDESK_DEDUP_THRESHOLD=0.6 newsdesk dedup --rebuild`
    """
    from pipelines.article_writer import ArticleWriter, DedupSettings

    settings = get_settings()
    migrate.ensure_current(get_engine())
    sessions = session_factory()
    writer = ArticleWriter(DedupSettings.from_settings(settings))
    with sessions() as session:
        articles = session.scalar(select(func.count()).select_from(Article))
        stale = session.scalar(select(func.count()).select_from(DedupSignature)
                               .where(DedupSignature.params != writer.dedup.params_label))
    if rebuild:
        from pipelines.dedup_rebuild import RebuildRefused
        from pipelines.dedup_rebuild import rebuild as run_rebuild

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
        with Progress(*columns, console=err_console) as progress:
            tasks = {phase: progress.add_task(phase, total=articles) for phase in ("signatures", "stories")}
            try:
                outcome = run_rebuild(sessions, writer, advance=lambda phase: progress.advance(tasks[phase]))
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
    if stale and not rebuild:
        typer.echo(f"{stale} signatures were made with other settings: run `newsdesk dedup --rebuild`")
