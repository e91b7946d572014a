"""`newsdesk serve`'s read API on SQLite and PostgreSQL: pages, filters, objects, errors, NDJSON."""

from __future__ import annotations

import json
import re

import pytest
from starlette.testclient import TestClient

from newsdesk.api import create_app
from storage import export
from tests.api_helpers import reader_for, seed_newsroom


@pytest.fixture
def newsroom(engine):
    seed_newsroom(engine)
    return engine


@pytest.fixture
def client(newsroom):
    with reader_for(newsroom) as reader, TestClient(create_app(reader)) as client:
        yield client


def walk(client, path: str, **params) -> list[dict]:
    """Every item of a paged list, following `next`."""
    items, cursor = [], None
    while True:
        page = client.get(path, params={**params, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.text
        body = page.json()
        items += body["items"]
        cursor = body["next"]
        if cursor is None:
            return items


def test_pages_of_articles_hold_every_article_once_and_equal_the_export(client, newsroom):
    with newsroom.connect() as connection:
        exported = {row["id"]: row for row in export.rows(connection)}
    walked = walk(client, "/articles", limit=3)
    assert [a["id"] for a in walked] == sorted(exported)
    # Field for field what `newsdesk export` writes (the JSON of a page is the export's JSON).
    assert {a["id"]: a for a in walked} == exported
    newest_first = walk(client, "/articles", limit=5, order="desc")
    assert [a["id"] for a in newest_first] == sorted(exported, reverse=True)


def test_ndjson_streams_the_whole_result_without_the_page_limit(client):
    response = client.get("/articles", params={"limit": 1}, headers={"Accept": "application/x-ndjson"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in response.text.splitlines()]
    assert [a["id"] for a in lines] == [a["id"] for a in walk(client, "/articles")]
    assert list(lines[0]) == export.ARTICLE_COLUMNS
    stories = client.get("/stories", headers={"Accept": "application/x-ndjson"}).text.splitlines()
    assert len(stories) == len(walk(client, "/stories"))


def test_filters_by_source_language_country_dates_story_and_words(client):
    def ids(**params):
        return [a["id"] for a in walk(client, "/articles", **params)]

    everything = {a["id"]: a for a in walk(client, "/articles")}
    assert ids(source="quotidien") == [i for i, a in everything.items() if a["source_key"] == "quotidien"]
    assert ids(language="FR") == [i for i, a in everything.items() if a["language"] == "fr"]
    assert ids(source_country="pk") == [i for i, a in everything.items() if a["source_key"] == "herald"]
    assert set(ids(source=["wire", "herald"])) == {i for i, a in everything.items() if a["source_key"] != "quotidien"}
    since = ids(since="2026-11-03", until="2026-11-05T00:00:00+00:00")
    assert since and all("2026-11-03" <= everything[i]["published_at"][:10] < "2026-11-05" for i in since)
    # An article without a publication date counts by when it was stored (as `newsdesk export`).
    undated = next(i for i, a in everything.items() if a["published_at"] is None)
    assert undated in ids(since="2026-12-01") or everything[undated]["first_seen_at"] < "2026-12-01"
    syndicated = next(a for a in everything.values() if a["duplicate_of"] is not None)["story_id"]
    assert len(ids(story=syndicated)) == 3
    assert ids(q="summit report 3") == [i for i, a in everything.items() if a["title"] == "Summit report 3"]
    assert ids(q='"officials confirmed"') == [i for i, a in everything.items() if a["title"].startswith("Ceasefire")]
    assert ids(q="NEAR( -:* \x00") == []  # nothing a user types acts as query syntax or breaks the query


def test_article_has_its_urls_and_revisions(client):
    everything = walk(client, "/articles")
    revised = next(a for a in everything if a["title"] == "Ceasefire holds, officials say")
    detail = client.get(f"/articles/{revised['id']}").json()
    assert [(r["revision"], r["title"]) for r in detail["revisions"]] == [(1, "Ceasefire holds")]
    assert "Officials confirmed" not in detail["revisions"][0]["text"] and "Officials confirmed" in detail["text"]
    amp = next(a for a in everything if a["url"] == "https://herald.example/talks")
    urls = {u["url"]: u["kind"] for u in client.get(f"/articles/{amp['id']}").json()["urls"]}
    assert urls["https://herald.example/amp/talks"] == "amp"
    assert client.get(f"/articles/{amp['id']}").json()["source_country"] == "PK"


def test_stories_and_a_story_with_its_members(client):
    stories = walk(client, "/stories", limit=2)
    syndicated = [s for s in stories if s["member_count"] > 1]
    assert len(syndicated) == 1 and syndicated[0]["sources"] == ["herald", "quotidien", "wire"]
    assert walk(client, "/stories", min_members=2) == syndicated
    detail = client.get(f"/stories/{syndicated[0]['story_id']}").json()
    assert [m["source_key"] for m in detail["members"]] == ["wire", "herald", "quotidien"]  # first published first
    assert detail["members"][0]["is_canonical"] and not detail["members"][1]["is_canonical"]
    assert 0 < detail["members"][1]["similarity"] <= 1
    assert [s["story_id"] for s in walk(client, "/stories", source="quotidien")] == sorted(
        {a["story_id"] for a in walk(client, "/articles", source="quotidien")})


def test_sources_with_their_latest_run_and_runs_newest_first(client):
    sources = client.get("/sources").json()
    assert [s["key"] for s in sources] == ["herald", "quotidien", "wire"]
    # Runs without a verdict yet (fewer than NEWSDESK_HEALTH_MIN_HISTORY): learning, as `newsdesk health` says.
    assert all(s["last_run"]["status"] == "succeeded" and s["health"]["status"] == "learning" for s in sources)
    assert sources[2]["last_run"]["pages_fetched"] == 5
    runs = walk(client, "/runs", limit=2)
    assert [r["run_id"] for r in runs] == sorted((r["run_id"] for r in runs), reverse=True) and len(runs) == 3
    assert [r["source_key"] for r in walk(client, "/runs", source="wire", status="succeeded")] == ["wire"]


@pytest.mark.parametrize(("path", "code", "words"), [
    ("/articles?since=2026-13-01", "invalid_parameter", "since: not a date or time"),
    ("/articles?limit=5000", "invalid_parameter", "limit:"),
    ("/articles?cursor=not-a-cursor", "bad_cursor", "pass the `next` value"),
    ("/changes?after=eyJrIjoiYXJ0aWNsZXMiLCJpZCI6MSwibyI6ImFzYyJ9", "bad_cursor", "bad cursor"),  # an /articles cursor
    ("/articles/999999", "not_found", "no article 999999"),
    ("/stories/999999", "not_found", "no story 999999"),
    ("/articles/abc", "invalid_parameter", "article_id:"),
    ("/runs?status=sleeping", "invalid_parameter", "status:"),
    ("/no/such/thing", "not_found", "no such endpoint"),
])
def test_errors_are_json_with_one_readable_line(client, path, code, words):
    response = client.get(path)
    assert response.status_code in (400, 404)
    body = response.json()
    assert body["error"] == code and words in body["message"] and "\n" not in body["message"], body


def test_a_cursor_of_one_order_is_refused_by_the_other(client):
    first = client.get("/articles", params={"limit": 2}).json()
    refused = client.get("/articles", params={"cursor": first["next"], "order": "desc"})
    assert refused.status_code == 400 and "order=asc" in refused.json()["message"]


def test_docs_page_and_schema_load_nothing_from_elsewhere(client):
    page = client.get("/docs")
    assert page.status_code == 200 and "/articles" in page.text and "cursor" in page.text
    external = re.findall(r'(?:src|href)="(https?:)?//', page.text)
    assert external == []
    schema = client.get("/openapi.json").json()
    assert {"/articles", "/articles/{article_id}", "/stories", "/stories/{story_id}", "/sources", "/runs",
            "/changes"} <= set(schema["paths"])
    assert "422" not in json.dumps(schema["paths"])  # bad parameters are 400s, documented as such
    assert client.get("/static/newsdesk.css").status_code == 200


def test_over_the_rate_limit_a_client_gets_429_with_retry_after(newsroom):
    with reader_for(newsroom) as reader, TestClient(create_app(reader, rate_limit="3/minute")) as client:
        assert [client.get("/sources").status_code for _ in range(3)] == [200, 200, 200]
        refused = client.get("/articles")
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        body = refused.json()
        assert body["error"] == "rate_limited" and "3 per minute" in body["message"] and "wait" in body["message"]
