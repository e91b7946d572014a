"""Operator tools on real data: extract, reprocess, dedup --rebuild, and the dependency audit."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.records import ArticleData, RawPageData
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage.models import Article, ArticleRevision, Source, Story
from tests.conftest import shared_path
from tests.texts import story, syndicated_copy

ROOT = Path(__file__).resolve().parent.parent
PAGE = ("<html lang='en'><head><title>Ceasefire talks resume in Doha | The Herald</title>"
        "<meta property='article:published_time' content='2026-11-20T08:00:00Z'></head><body><article>"
        "<h1>Ceasefire talks resume in Doha</h1>" + "".join(
            f"<p>Paragraph {n}: negotiators from both sides met in Doha on Tuesday, mediators said, adding that "
            f"the talks on prisoner releases and aid corridors would continue through the week.</p>" for n in range(6))
        + "<p>Share on Facebook</p></article></body></html>")


def cli(*args: str, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def test_extract_prints_the_record_of_files_and_gzip_files(tmp_path):
    plain = tmp_path / "page.html"
    plain.write_text(PAGE)
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(gzip.compress(PAGE.encode()))
    empty = tmp_path / "empty.html"
    empty.write_text("")
    result = cli("extract", str(plain), str(packed), str(empty), "--json", "--url", "https://herald.example/doha/?utm_source=x")
    assert result.returncode == 1  # one page refused
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["file"] for r in records] == [str(plain), str(packed), str(empty)]
    for record in records[:2]:
        assert record["title"] == "Ceasefire talks resume in Doha"
        assert record["published_at"] == "2026-11-20T08:00:00Z"
        assert record["canonical_url"] == "https://herald.example/doha" and "Share on" not in record["text"]
        assert {"text", "authors", "updated_at", "language", "section", "dateline"} <= record.keys()
    assert records[2] == {"file": str(empty), "rejected": "empty", "detail": ""}
    human = cli("extract", str(plain))
    assert human.returncode == 0 and "Ceasefire talks resume in Doha" in human.stdout and "Paragraph 5" in human.stdout


def test_extract_on_the_seed_story_page(tmp_path):
    raw = shared_path("examples", "sco-diplomacy.raw.txt").read_text()
    page = tmp_path / "seed.html"
    page.write_text("<html><head><title>China to promote neighborhood diplomacy through SCO</title></head><body>"
                    + "".join(f"<p>{line}</p>" for line in raw.splitlines() if line.strip()) + "</body></html>")
    record = json.loads(cli("extract", str(page), "--json").stdout)
    assert record["section"] == "My Country" and record["dateline"] == "BEIJING"
    assert record["text"] == shared_path("examples", "sco-diplomacy.clean.txt").read_text().strip()


def test_a_missing_file_is_one_line(tmp_path):
    result = cli("extract", str(tmp_path / "nope.html"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "cannot read" in result.stderr


@pytest.fixture
def stored(engine):
    """Two articles whose stored text is older than what today's cleaner makes of their raw page."""
    writer = ArticleWriter(DedupSettings())
    with Session(engine) as session, session.begin():
        source = Source(key="herald", name="The Herald", discovery="feeds")
        session.add(source)
        session.flush()
        for n in range(2):
            url = f"https://herald.example/doha-{n}"
            page = PAGE.replace("Doha", f"Doha {n}")
            data = ArticleData(canonical_url=url, title=f"Ceasefire talks resume in Doha {n}",
                               text=f"Ceasefire talks resume in Doha {n}\n\nOld cleaner output {n}.\n\nShare on Facebook",
                               published_at=datetime(2026, 11, 20, 8, tzinfo=UTC))
            writer.write(session, data, source_id=source.id, run_id=None,
                         raw=RawPageData(url=url, status=200, body=page.encode(), headers={"content-type": "text/html"}))
    return engine


def test_reprocess_updates_articles_from_their_raw_pages_and_keeps_revisions(stored, db_url, tmp_path):
    env = {"DATABASE_URL": db_url, "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    result = cli("reprocess", "--source", "herald", env=env)
    assert result.returncode == 0, result.stderr
    assert "2 stored pages re-extracted: updated 2" in result.stdout
    with Session(stored) as session:
        for article in session.scalars(select(Article)):
            assert "Old cleaner output" not in article.text and "Paragraph 5" in article.text
            assert "Share on" not in article.text and not article.text.startswith("Ceasefire")
        assert session.scalar(select(func.count()).select_from(ArticleRevision)) == 2
    again = cli("reprocess", env=env)
    assert "unchanged 2" in again.stdout


def test_dedup_rebuild_regroups_stories_with_new_settings(engine, db_url, tmp_path):
    writer = ArticleWriter(DedupSettings())
    with Session(engine) as session, session.begin():
        wire, daily = Source(key="wire", name="Wire", discovery="feeds"), Source(key="daily", name="Daily", discovery="feeds")
        session.add_all([wire, daily])
        session.flush()
        writer.write(session, ArticleData(canonical_url="https://wire.example/a", title="A", text=story(70),
                                          published_at=datetime(2026, 11, 20, tzinfo=UTC)), source_id=wire.id, run_id=None)
        writer.write(session, ArticleData(canonical_url="https://daily.example/a", title="A copy",
                                          text=syndicated_copy(story(70)), published_at=datetime(2026, 11, 20, 2, tzinfo=UTC)),
                     source_id=daily.id, run_id=None)
    env = {"DATABASE_URL": db_url, "NEWSDESK_CONFIG": str(tmp_path / "none.toml")}
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Story)) == 1
    strict = cli("dedup", "--rebuild", env={**env, "NEWSDESK_DEDUP_THRESHOLD": "0.99"})
    assert strict.returncode == 0, strict.stderr
    assert "2 articles in 2 stories" in strict.stdout
    loose = cli("dedup", "--rebuild", env=env)
    assert "2 articles in 1 stories" in loose.stdout and "joined_near 1" in loose.stdout
    with Session(engine) as session:
        copy = session.scalar(select(Article).where(Article.canonical_url == "https://daily.example/a"))
        assert copy.duplicate_of is not None and 0.5 < copy.similarity < 1


def test_dependency_audit_reports_a_vulnerable_pin(monkeypatch, tmp_path, capsys):
    sys.path.insert(0, str(ROOT / "tools"))
    import audit_lock

    lock = tmp_path / "requirements.lock"
    lock.write_text("examplepkg==1.0 \\\n    --hash=sha256:abc\nsafepkg==2.0\n")
    pages = {
        "examplepkg": {"info": {"version": "1.0"}, "vulnerabilities": [{"id": "PYSEC-2099-1", "aliases": ["CVE-2099-1"]}]},
        "safepkg": {"info": {"version": "2.0"}, "vulnerabilities": []},
    }
    monkeypatch.setattr(audit_lock, "project_page", pages.get)
    assert audit_lock.fallback(lock) == 1
    assert "VULNERABLE examplepkg==1.0: PYSEC-2099-1 CVE-2099-1" in capsys.readouterr().out
    pages["examplepkg"]["vulnerabilities"] = []
    assert audit_lock.fallback(lock) == 0
