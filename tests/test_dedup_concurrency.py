"""Two crawler processes storing copies of the same stories at the same moment end in one story each."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Article, Source, Story

ROOT = Path(__file__).resolve().parent.parent
STORIES = 25


@pytest.mark.slow
def test_concurrent_writers_form_one_story_per_syndicated_pair(engine, db_url):
    with Session(engine) as session, session.begin():
        session.add_all([Source(key="wire", name="Wire", discovery="feeds"),
                         Source(key="daily", name="Daily", discovery="feeds")])
    start = time.time() + 3  # both processes are up and have their signatures ready by then
    processes = [
        subprocess.Popen([sys.executable, "-m", "tests.helpers.store_copies", db_url, key, str(start), str(STORIES)],
                         cwd=ROOT, env={**os.environ}, stderr=subprocess.PIPE, text=True)
        for key in ("wire", "daily")
    ]
    for process in processes:
        _, stderr = process.communicate(timeout=120)
        assert process.returncode == 0, stderr
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 2 * STORIES
        members = session.execute(select(Story.member_count, Story.source_count)).all()
        assert len(members) == STORIES, f"{len(members)} stories for {STORIES} syndicated pairs"
        assert set(members) == {(2, 2)}
        # Every copy points at its story's canonical article.
        copies = session.scalars(select(Article).where(Article.duplicate_of.is_not(None))).all()
        assert len(copies) == STORIES
