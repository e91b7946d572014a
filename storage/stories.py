"""Repository functions for stories: an article and its syndicated copies, counted once.

A story's figures (canonical member, counts, sources, dates) are always recomputed from its
members, under a row lock, never incremented: two writers adding copies at the same moment
cannot leave a wrong count behind.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from core.dates import utcnow
from storage.models import Article, Source, Story


def new_story(session: Session, article: Article) -> Story:
    story = Story(canonical_article_id=article.id, title=article.title, member_count=1, source_count=1,
                  first_published_at=article.published_at, last_published_at=article.published_at,
                  sources=[])
    session.add(story)
    session.flush()
    article.story_id = story.id
    article.duplicate_of = None
    article.similarity = None
    refresh_story(session, story.id)
    return story


_INSERT_STORY = insert(Story.__table__).returning(Story.__table__.c.id)
_SET_STORY = (update(Article.__table__).where(Article.__table__.c.id == bindparam("article_id"))
              .values(story_id=bindparam("story_id")))


def new_singleton_story(session: Session, article_id: int, title: str, published_at, source_key: str) -> int:
    """A story of one new article (most stories): written directly, nothing to recompute."""
    now = utcnow()
    story_id = session.execute(_INSERT_STORY, {
        "canonical_article_id": article_id, "title": title, "member_count": 1, "source_count": 1,
        "sources": [source_key], "first_published_at": published_at, "last_published_at": published_at,
        "created_at": now, "updated_at": now,
    }).scalar_one()
    session.execute(_SET_STORY, {"article_id": article_id, "story_id": story_id})
    return story_id


def _publication_order(article: Article):
    return (article.published_at or article.first_seen_at, article.first_seen_at, article.id)


def refresh_story(session: Session, story_id: int,
                  similarity: Callable[[Article, Article], float] | None = None) -> Story | None:
    """Recompute a story from its members: the first-published member is canonical, the others
    point at it (`duplicate_of`) with their similarity to it."""
    story = session.scalar(select(Story).where(Story.id == story_id).with_for_update())
    if story is None:
        return None
    members = list(session.scalars(select(Article).where(Article.story_id == story_id)))
    if not members:
        session.delete(story)
        session.flush()
        return None
    members.sort(key=_publication_order)
    canonical = members[0]
    for member in members:
        if member is canonical:
            member.duplicate_of, member.similarity = None, None
        elif member.duplicate_of != canonical.id or member.similarity is None:
            member.duplicate_of = canonical.id
            if similarity is not None:
                member.similarity = similarity(member, canonical)
    keys = sorted(set(session.scalars(
        select(Source.key).where(Source.id.in_({m.source_id for m in members}))
    )))
    published = [m.published_at for m in members if m.published_at is not None]
    story.canonical_article_id = canonical.id
    story.title = canonical.title
    story.member_count = len(members)
    story.source_count = len(keys)
    story.sources = keys
    story.first_published_at = min(published) if published else None
    story.last_published_at = max(published) if published else None
    story.updated_at = utcnow()
    session.flush()
    return story


def join_story(session: Session, article: Article, story_id: int, score: float,
               similarity: Callable[[Article, Article], float] | None = None) -> Story | None:
    """Make ``article`` a member of an existing story (as a copy of its canonical article)."""
    previous = article.story_id
    article.story_id = story_id
    article.similarity = score
    session.flush()
    story = refresh_story(session, story_id, similarity)
    if previous is not None and previous != story_id:
        refresh_story(session, previous, similarity)
    return story


def merge_into(session: Session, story_id: int, others: tuple[int, ...],
               similarity: Callable[[Article, Article], float] | None = None) -> Story | None:
    """Move the members of other stories into ``story_id`` (they are one story after all)."""
    if not others:
        return session.get(Story, story_id)
    # Lock the stories in id order, as every writer does: no two writers wait on each other.
    locked = session.scalars(select(Story).where(Story.id.in_((story_id, *others))).order_by(Story.id)
                             .with_for_update()).all()
    if not any(story.id == story_id for story in locked):
        return None
    session.execute(update(Article).where(Article.story_id.in_(others)).values(story_id=story_id, similarity=None))
    session.flush()
    story = refresh_story(session, story_id, similarity)
    for other in others:
        refresh_story(session, other, similarity)  # now empty: deleted
    return story
