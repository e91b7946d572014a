"""Reading by tags: `newsdesk search` / `newsdesk export` --country / --organisation (the real
commands), GET /articles?country=&organisation= page by page, the tags of GET /articles/{id},
and `newsdesk reprocess` retagging. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session
from starlette.testclient import TestClient

from core.records import ArticleData, RawPageData
from newsdesk.api import create_app
from pipelines.dedup.writer import ArticleWriter, DedupSettings
from storage import export, tags
from storage.models import Article
from tests.api_helpers import reader_for
from tests.tag_helpers import KYRGYZ_BORDER, SUDAN_ENVOY, add_sources, seed_tagged_newsroom

ROOT = Path(__file__).resolve().parent.parent


def cli(*args: str, db_url: str, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "newsdesk", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "DATABASE_URL": db_url,
                                            "NEWSDESK_CONFIG": str(tmp_path / "none.toml"), "COLUMNS": "200"})


@pytest.fixture
def newsroom(engine) -> dict[str, int]:
    return seed_tagged_newsroom(engine)


def exported_ids(db_url: str, tmp_path: Path, *args: str) -> list[int]:
    result = cli("export", *args, db_url=db_url, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    return [json.loads(line)["id" if "--stories-only" not in args else "story_id"] for line in result.stdout.splitlines()]


def test_export_keeps_the_articles_and_stories_that_name_a_country_or_organisation(newsroom, db_url, tmp_path):
    ids = newsroom
    kyrgyz = sorted([ids["kyrgyz"], ids["kyrgyz_copy"]])
    assert sorted(exported_ids(db_url, tmp_path, "--country", "KG")) == kyrgyz
    assert sorted(exported_ids(db_url, tmp_path, "--country", "kg")) == kyrgyz  # any case
    # Repeated: any of them. Both options: one of each.
    assert sorted(exported_ids(db_url, tmp_path, "--country", "KG", "--country", "SD")) == sorted(
        kyrgyz + [ids["sudan"]])
    assert exported_ids(db_url, tmp_path, "--organisation", "AU") == [ids["sudan"]]
    assert exported_ids(db_url, tmp_path, "--country", "TD", "--organisation", "UNHCR") == [ids["sudan"]]
    assert exported_ids(db_url, tmp_path, "--country", "RO", "--organisation", "SCO") == []
    assert exported_ids(db_url, tmp_path, "--organisation", "nato", "--country", "RU") == [ids["nato_fr"]]
    # The publisher's own country is not a tag: the Pakistani daily's copy names no Pakistan.
    assert exported_ids(db_url, tmp_path, "--country", "PK") == []
    # Stories: those any of whose articles name it; the two Kyrgyz articles are one story.
    stories = exported_ids(db_url, tmp_path, "--stories-only", "--country", "TJ")
    with Session(create_engine_for(db_url)) as session:
        story_of = {a.id: a.story_id for a in session.scalars(select(Article))}
    assert stories == [story_of[ids["kyrgyz"]]]
    assert exported_ids(db_url, tmp_path, "--stories-only", "--organisation", "UN", "--format", "jsonl") == [
        story_of[ids["sudan"]]]
    as_csv = cli("export", "--country", "SD", "--format", "csv", db_url=db_url, tmp_path=tmp_path)
    assert as_csv.returncode == 0, as_csv.stderr
    assert [row["id"] for row in csv.DictReader(io.StringIO(as_csv.stdout))] == [str(ids["sudan"])]


def create_engine_for(db_url: str):
    from storage.db import make_engine

    return make_engine(db_url)


def test_search_keeps_the_matches_that_name_a_country_or_organisation(newsroom, db_url, tmp_path):
    everything = cli("search", "said", db_url=db_url, tmp_path=tmp_path)
    assert everything.returncode == 0, everything.stderr
    assert "3 articles" in everything.stdout and "Tajikistan" in everything.stdout and "Khartoum" in everything.stdout
    sudan = cli("search", "said", "--country", "SD", db_url=db_url, tmp_path=tmp_path)
    assert "1 articles" in sudan.stdout and "Khartoum" in sudan.stdout and "Tajikistan" not in sudan.stdout
    sco = cli("search", "said", "--organisation", "SCO", "--stories", db_url=db_url, tmp_path=tmp_path)
    assert "1 stories" in sco.stdout and "(2)" in sco.stdout  # one story of two articles
    none = cli("search", "said", "--country", "KG", "--organisation", "AU", db_url=db_url, tmp_path=tmp_path)
    assert none.returncode == 0 and none.stdout.strip() == "no match"


def test_search_filters_in_the_library_too(newsroom, engine):
    from storage.search import search

    with Session(engine) as session:
        assert {h.article_id for h in search(session, "said", countries=["TJ"])} == {
            newsroom["kyrgyz"], newsroom["kyrgyz_copy"]}
        assert [h.article_id for h in search(session, "said", organisations=["UNHCR"], countries=["SD"])] == [
            newsroom["sudan"]]
        assert search(session, "said", organisations=["NATO"]) == []  # the French article does not say "said"


@pytest.mark.parametrize(("args", "message"), [
    (["--country", "Kyrgyzstan"], "--country 'Kyrgyzstan': use a two-letter ISO 3166-1 code"),
    (["--country", "K1"], "--country 'K1': use a two-letter ISO 3166-1 code"),
    (["--organisation", "SHANGHAI"], "--organisation 'SHANGHAI': not an organisation key; use one of UN, UNSC"),
])
def test_a_bad_country_or_organisation_is_one_line(sqlite_url, tmp_path, args, message):
    for command in (["search", "talks"], ["export"]):
        result = cli(*command, *args, db_url=sqlite_url, tmp_path=tmp_path)
        assert result.returncode == 2, result.stderr
        assert message in result.stderr and result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


# --- the read API ------------------------------------------------------------------------------

@pytest.fixture
def client(newsroom, engine):
    with reader_for(engine) as reader, TestClient(create_app(reader)) as client:
        yield client


def walk(client, **params) -> list[int]:
    ids, cursor = [], None
    while True:
        page = client.get("/articles", params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        ids += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next"]
        if cursor is None:
            return ids


def test_the_api_filters_articles_by_tags_page_by_page(client, newsroom, engine):
    def exported(**filters) -> list[int]:
        with engine.connect() as connection:
            return sorted(row["id"] for row in export.rows(connection, **filters))

    for params, filters in [({"country": "KG"}, {"countries": ["KG"]}),
                            ({"country": ["kg", "SD"]}, {"countries": ["KG", "SD"]}),
                            ({"organisation": "sco"}, {"organisations": ["SCO"]}),
                            ({"organisation": ["NATO", "AU"], "country": "RU"},
                             {"organisations": ["NATO", "AU"], "countries": ["RU"]})]:
        expected = exported(**filters)
        assert expected  # every filter here matches something
        # One article a page: the cursor walk returns each match once, in order, and nothing else.
        assert walk(client, limit=1, **params) == expected
        assert walk(client, limit=1, order="desc", **params) == expected[::-1]
    assert walk(client, country="KG", organisation="AU") == []
    # The source's country is another filter (`country`), unchanged: the French daily's article.
    assert walk(client, source_country="FR") == [newsroom["nato_fr"]]
    lines = client.get("/articles", params={"country": "TJ"}, headers={"Accept": "application/x-ndjson"})
    assert sorted(json.loads(line)["id"] for line in lines.text.splitlines()) == sorted(
        [newsroom["kyrgyz"], newsroom["kyrgyz_copy"]])


def test_the_api_refuses_an_unknown_organisation_or_a_malformed_country(client):
    unknown = client.get("/articles", params={"organisation": "SHANGHAI"})
    assert unknown.status_code == 400
    assert unknown.json()["error"] == "invalid_parameter" and "SCO" in unknown.json()["message"]
    malformed = client.get("/articles", params={"country": "KGZ"})
    assert malformed.status_code == 400 and "country" in malformed.json()["message"]


def test_the_api_shows_an_articles_tags(client, newsroom):
    article = client.get(f"/articles/{newsroom['sudan']}").json()
    assert article["countries"] == {"SD": 6, "TD": 1} and list(article["countries"]) == ["SD", "TD"]
    assert article["primary_country"] == "SD"
    assert article["organisations"] == {"AU": 3, "UN": 1, "UNHCR": 1}
    schema = client.get("/openapi.json").json()
    detail = schema["components"]["schemas"]["ArticleDetail"]["properties"]
    assert {"countries", "primary_country", "organisations"} <= detail.keys()
    parameters = {p["name"] for p in schema["paths"]["/articles"]["get"]["parameters"]}
    assert {"country", "organisation", "source_country"} <= parameters


# --- reprocess ---------------------------------------------------------------------------------

def test_reprocess_tags_only_tags_articles_stored_without_tags(engine, db_url, tmp_path):
    """Articles stored before tags existed (or by an older tagger) get their tags; nothing else moves."""
    writer = ArticleWriter(DedupSettings())
    with Session(engine) as session, session.begin():
        sources = add_sources(session, ("wire", "INT"), ("daily", "PK"))
        for key, (title, body) in (("wire", KYRGYZ_BORDER), ("daily", SUDAN_ENVOY)):
            writer.write(session, ArticleData(canonical_url=f"https://{key}.example/a", title=title, text=body,
                                              language="en", dateline=body.split(":")[0]),
                         source_id=sources[key], run_id=None)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM v_article_countries")).scalar() == 0
        before = connection.execute(text("SELECT id, title, text, last_seen_at FROM articles ORDER BY id")).all()
    first = cli("reprocess", "--tags-only", db_url=db_url, tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "2 stored articles retagged: tags changed 2, unchanged 0" in first.stdout
    with Session(engine) as session:
        stored = {a.title: tags.tags_of(session, a.id) for a in session.scalars(select(Article))}
    assert stored[KYRGYZ_BORDER[0]] == tags.StoredTags({"KG": 5, "TJ": 3}, "KG", {"SCO": 4})
    assert stored[SUDAN_ENVOY[0]].primary_country == "SD" and "AU" in stored[SUDAN_ENVOY[0]].organisations
    with engine.connect() as connection:
        assert connection.execute(text("SELECT id, title, text, last_seen_at FROM articles ORDER BY id")).all() == before
        assert connection.execute(text("SELECT count(*) FROM article_revisions")).scalar() == 0
    again = cli("reprocess", "--tags-only", "--source", "daily", db_url=db_url, tmp_path=tmp_path)
    assert "1 stored articles retagged: tags changed 0, unchanged 1" in again.stdout


def test_reprocess_retags_an_unchanged_text_from_its_raw_page(engine, db_url, tmp_path):
    page = ("<html lang='en'><head><title>African Union envoy arrives in Khartoum</title></head><body><article>"
            "<h1>African Union envoy arrives in Khartoum</h1>"
            + "".join(f"<p>{p}</p>" for p in SUDAN_ENVOY[1].split("\n\n")) + "</article></body></html>")
    from pipelines.extraction.extractor import extract_page

    extracted = extract_page(page.encode(), url="https://wire.example/sudan", content_type="text/html", min_text_chars=1)
    assert extracted.countries  # what a crawl would store ...
    extracted.countries, extracted.primary_country, extracted.organisations = {}, None, {}  # ... by an older tagger
    with Session(engine) as session, session.begin():
        source_id = add_sources(session, ("wire", "INT"))["wire"]
        ArticleWriter(DedupSettings()).write(session, extracted, source_id=source_id, run_id=None,
                                             raw=RawPageData(url="https://wire.example/sudan", status=200,
                                                             body=page.encode(), headers={"content-type": "text/html"}))
    result = cli("reprocess", db_url=db_url, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 stored pages re-extracted: unchanged 1, unchanged_retagged 1" in result.stdout
    with Session(engine) as session:
        article = session.scalars(select(Article)).one()
        assert tags.tags_of(session, article.id).primary_country == "SD"


# --- newsdesk extract ----------------------------------------------------------------------------

def test_extract_shows_the_tags_of_a_page(tmp_path):
    page = tmp_path / "sudan.html"
    page.write_text("<html lang='en'><head><title>African Union envoy arrives in Khartoum</title></head><body><article>"
                    "<h1>African Union envoy arrives in Khartoum</h1>"
                    + "".join(f"<p>{p}</p>" for p in SUDAN_ENVOY[1].split("\n\n")) + "</article></body></html>")
    env = {**os.environ, "NEWSDESK_CONFIG": str(tmp_path / "none.toml"), "NEWSDESK_MIN_TEXT_CHARS": "100"}
    run = [sys.executable, "-m", "newsdesk", "extract", str(page)]
    as_json = subprocess.run([*run, "--json"], cwd=ROOT, capture_output=True, text=True, timeout=60, env=env)
    assert as_json.returncode == 0, as_json.stderr
    record = json.loads(as_json.stdout)
    assert record["dateline"] == "KHARTOUM"
    assert record["countries"] == {"SD": 6, "TD": 1} and record["primary_country"] == "SD"
    assert record["organisations"] == {"AU": 3, "UN": 1, "UNHCR": 1}
    human = subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=60, env=env).stdout
    assert "countries: SD 6, TD 1" in human and "primary: SD" in human and "organisations: AU 3, UN 1, UNHCR 1" in human
